//! `metrics-catalog`: the platform's metric catalog on the command line.
//!
//! Exit codes: 0 success, 1 the committed reference is stale (`docs --check`), 2 an I/O or
//! internal error.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::builder::PossibleValuesParser;
use clap::{Args, Parser, Subcommand};
use metrics_catalog::{COMPONENTS, Component, docs, json};

/// The platform's required metric families (seed 000), and what is generated from them.
#[derive(Debug, Parser)]
#[command(name = "metrics-catalog", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

// Later commands (`check`, `rules`, `dashboard`) join this enum.
#[derive(Debug, Subcommand)]
enum Command {
    /// Write the Markdown metric reference (docs/metrics.md), or check that it is up to date.
    Docs(DocsArgs),
    /// Print the catalog's descriptors as JSON.
    Json(Selection),
    /// Print the exposition text of every family with every label combination initialised.
    Sample(Selection),
    /// Serve every catalog family on /metrics with a simulated workload (a demo exporter).
    Serve(ServeArgs),
}

#[derive(Debug, Args)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, value_name = "ADDR", default_value = metrics_catalog::serve::DEFAULT_LISTEN)]
    listen: std::net::SocketAddr,
    /// Bearer token scrapers must send.
    #[arg(long, value_name = "TOKEN", conflicts_with = "token_file")]
    token: Option<String>,
    /// File holding the bearer token.
    #[arg(long, value_name = "FILE")]
    token_file: Option<PathBuf>,
    /// Source network allowed to scrape (repeatable); with neither this nor a token, only
    /// loopback may scrape.
    #[arg(long = "trusted-cidr", value_name = "CIDR")]
    trusted_cidr: Vec<String>,
    /// A MetricsConfig TOML file (path, global labels, bucket overrides, auth).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Milliseconds between ticks of the simulated workload.
    #[arg(long, value_name = "MS", default_value_t = 200)]
    tick_ms: u64,
}

#[derive(Debug, Args)]
struct DocsArgs {
    /// Do not write: exit 1 if the file differs from what would be written.
    #[arg(long)]
    check: bool,
    /// The reference to write or check; `-` writes to standard output.
    #[arg(long, value_name = "PATH", default_value_os_t = default_docs_path())]
    out: PathBuf,
}

#[derive(Debug, Args)]
struct Selection {
    /// Only this component (repeatable); all components when absent.
    #[arg(long, value_name = "NAME", value_parser = PossibleValuesParser::new(COMPONENTS.iter().map(|c| c.name)))]
    component: Vec<String>,
}

impl Selection {
    fn components(&self) -> Vec<&'static Component> {
        COMPONENTS
            .iter()
            .filter(|c| self.component.is_empty() || self.component.iter().any(|n| n == c.name))
            .collect()
    }
}

/// `docs/metrics.md` at the workspace root this crate was built from.
fn default_docs_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("docs")
        .join("metrics.md")
}

const STALE: u8 = 1;
const FAILURE: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("metrics-catalog: {message}");
            ExitCode::from(FAILURE)
        }
    }
}

fn run(command: Command) -> Result<ExitCode, String> {
    match command {
        Command::Docs(args) => run_docs(&args),
        Command::Json(sel) => {
            let catalog = json::Catalog::new(&sel.components());
            let mut text = serde_json::to_string_pretty(&catalog)
                .map_err(|e| format!("cannot encode JSON: {e}"))?;
            text.push('\n');
            print_stdout(&text)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve(args) => {
            let opts = metrics_catalog::serve::ServeOptions {
                listen: Some(args.listen),
                token: args.token,
                token_file: args.token_file,
                trusted_cidrs: args.trusted_cidr,
                config: args.config,
                tick_ms: args.tick_ms,
            };
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
                .map_err(|e| format!("cannot start the async runtime: {e}"))?;
            runtime.block_on(metrics_catalog::serve::run(opts))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Sample(sel) => {
            let text = metrics_catalog::sample(&sel.components())
                .map_err(|e| format!("cannot build the registry: {e}"))?;
            print_stdout(&text)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn run_docs(args: &DocsArgs) -> Result<ExitCode, String> {
    let rendered = docs::render();
    let to_stdout = args.out.as_os_str() == "-";
    let path = args.out.display();
    match (args.check, to_stdout) {
        (false, true) => print_stdout(&rendered)?,
        (false, false) => {
            std::fs::write(&args.out, rendered).map_err(|e| format!("cannot write {path}: {e}"))?
        }
        (true, true) => {
            return Err(
                "`docs --check` compares with a file; give `--out PATH`, not `-`".to_string(),
            );
        }
        (true, false) => {
            let problem = match std::fs::read_to_string(&args.out) {
                Ok(committed) if committed == rendered => return Ok(ExitCode::SUCCESS),
                Ok(_) => "is stale",
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => "is missing",
                Err(e) => return Err(format!("cannot read {path}: {e}")),
            };
            eprintln!(
                "metrics-catalog: {path} {problem}: regenerate it with `{}`",
                docs::REGENERATE
            );
            return Ok(ExitCode::from(STALE));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes to standard output. A reader that went away (`| head`) ends the output quietly;
/// other errors are reported instead of panicking as `print!` does.
fn print_stdout(text: &str) -> Result<(), String> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(format!("cannot write to standard output: {e}"))
        }
        _ => Ok(()),
    }
}
