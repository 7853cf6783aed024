//! `metrics-catalog`: the platform's metric catalog on the command line.
//!
//! Exit codes: 0 success; 1 the committed reference is stale (`docs --check`) or the scrape is
//! not compliant (`check`); 2 bad input (unreadable file, unreachable URL, malformed
//! exposition, unknown component, bad arguments) or an I/O error, with a one-line reason.

// Output goes through writers whose errors are handled: `print!` panics on a closed pipe.
#![warn(clippy::print_stdout, clippy::print_stderr)]

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::builder::PossibleValuesParser;
use clap::{ArgGroup, Args, Parser, Subcommand, ValueEnum};
use metrics_catalog::{COMPONENTS, Component, check, dashboard, docs, exposition, json, rules};

/// The platform's required metric families (seed 000), and what is generated from them.
#[derive(Debug, Parser)]
#[command(name = "metrics-catalog", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

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
    /// Run seed 000's compliance tests on a scrape of any exporter: required families with
    /// their TYPE, no forbidden labels, route templates, label values inside their enums,
    /// series budgets. Exit 0 compliant, 1 violations, 2 bad input.
    Check(CheckArgs),
    /// List the declared families never recorded in this process (after `--ticks` of the
    /// `serve` workload); for a running exporter use `check --coverage`.
    Coverage(CoverageArgs),
    /// Print Prometheus recording and alerting rules (YAML) built from the descriptors.
    Rules(Selection),
    /// Print a Grafana dashboard (JSON, Grafana 10/11) built from the descriptors.
    Dashboard(Selection),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// One line per finding, for people.
    Text,
    /// The report as JSON, for tools.
    Json,
}

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("input").required(true).args(["url", "file", "stdin"])))]
struct CheckArgs {
    /// The component whose required families apply (`control-plane`, `events`,
    /// `projections`, `scheduler`, `agent`, `edge`), or `all`.
    #[arg(long, value_name = "NAME")]
    component: String,
    /// Scrape this endpoint with an HTTP GET, like Prometheus (plain HTTP only, no TLS),
    /// for example http://127.0.0.1:9464/metrics.
    #[arg(long, value_name = "URL")]
    url: Option<String>,
    /// Bearer token to send with --url.
    #[arg(
        long,
        value_name = "TOKEN",
        requires = "url",
        conflicts_with = "token_file"
    )]
    token: Option<String>,
    /// File holding the bearer token to send with --url.
    #[arg(long, value_name = "FILE", requires = "url")]
    token_file: Option<PathBuf>,
    /// Seconds to wait for --url to answer.
    #[arg(long, value_name = "SECS", default_value_t = 10.0)]
    timeout: f64,
    /// Read a saved scrape (Prometheus text format 0.0.4).
    #[arg(long, value_name = "PATH")]
    file: Option<PathBuf>,
    /// `-` reads the scrape from standard input.
    #[arg(value_name = "-", value_parser = PossibleValuesParser::new(["-"]))]
    stdin: Option<String>,
    /// Report format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// List the component's families whose every sample is 0 (never recorded since the
    /// exporter started); without it the text report only counts them.
    #[arg(long)]
    coverage: bool,
    /// Check against this catalog (the JSON `metrics-catalog json` prints) instead of the
    /// built-in one.
    #[arg(long, value_name = "FILE")]
    catalog: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct CoverageArgs {
    #[command(flatten)]
    selection: Selection,
    /// Run this many ticks of the `serve` simulated workload first.
    #[arg(long, value_name = "N", default_value_t = 0)]
    ticks: u64,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
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
const NOT_COMPLIANT: u8 = 1;
const FAILURE: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(code) => code,
        Err(message) => {
            let _ = writeln!(std::io::stderr(), "metrics-catalog: {message}");
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
        Command::Check(args) => run_check(&args),
        Command::Coverage(args) => run_coverage(&args),
        Command::Rules(sel) => {
            print_stdout(&rules::render(&sel.components()))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Dashboard(sel) => {
            print_stdout(&dashboard::render(&sel.components()))?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn run_check(args: &CheckArgs) -> Result<ExitCode, String> {
    let spec = match &args.catalog {
        Some(path) => check::Spec::from_json(&metrics_catalog::scrape::read_file(path)?)
            .map_err(|e| format!("{}: {e}", path.display()))?,
        None => check::Spec::builtin(),
    };
    if !spec.has_component(&args.component) {
        return Err(format!(
            "unknown component `{}`; known: {}, {}",
            args.component,
            spec.component_names().join(", "),
            check::ALL
        ));
    }
    let (text, source) = match (&args.url, &args.file) {
        (Some(url), _) => {
            let token = match &args.token_file {
                Some(path) => Some(
                    std::fs::read_to_string(path)
                        .map_err(|e| format!("cannot read {}: {e}", path.display()))?
                        .trim()
                        .to_string(),
                ),
                None => args.token.clone(),
            };
            if !(args.timeout > 0.0 && args.timeout.is_finite()) {
                return Err(format!(
                    "--timeout {} is not a positive number of seconds",
                    args.timeout
                ));
            }
            let timeout = std::time::Duration::from_secs_f64(args.timeout);
            (
                metrics_catalog::scrape::fetch(url, token.as_deref(), timeout)?,
                url.clone(),
            )
        }
        (None, Some(path)) => (
            metrics_catalog::scrape::read_file(path)?,
            path.display().to_string(),
        ),
        (None, None) => (
            metrics_catalog::scrape::read_stdin()?,
            "standard input".to_string(),
        ),
    };
    let parsed = exposition::parse(&text)
        .map_err(|e| format!("{source} is not a valid text exposition: {e}"))?;
    let report = spec.check(&args.component, &parsed, &source)?;
    let out = match args.format {
        Format::Text => report.to_text(args.coverage),
        Format::Json => {
            let mut t = serde_json::to_string_pretty(&report)
                .map_err(|e| format!("cannot encode JSON: {e}"))?;
            t.push('\n');
            t
        }
    };
    print_stdout(&out)?;
    Ok(if report.compliant {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(NOT_COMPLIANT)
    })
}

fn run_coverage(args: &CoverageArgs) -> Result<ExitCode, String> {
    for tick in 0..args.ticks {
        metrics_catalog::serve::simulate_tick(tick);
    }
    let components = args.selection.components();
    let mut declared = 0;
    let mut never: Vec<(&str, &str)> = Vec::new();
    for c in &components {
        let registry = c
            .registry()
            .map_err(|e| format!("cannot build the registry: {e}"))?;
        declared += registry.families().len();
        // The registry sorts by name; report in the component's (seed 000's) order.
        let unrecorded: Vec<&str> = registry.unrecorded().iter().map(|f| f.name()).collect();
        for d in c.descriptors() {
            if unrecorded.contains(&d.name) {
                never.push((c.name, d.name));
            }
        }
    }
    let out = match args.format {
        Format::Text => {
            let mut t = format!(
                "{} of {declared} declared families never recorded in this process (after {} workload ticks)\n",
                never.len(),
                args.ticks
            );
            for (component, name) in &never {
                t.push_str(&format!("{component}\t{name}\n"));
            }
            t
        }
        Format::Json => {
            let value = serde_json::json!({
                "declared": declared,
                "ticks": args.ticks,
                "never_recorded": never
                    .iter()
                    .map(|(c, n)| serde_json::json!({ "component": c, "family": n }))
                    .collect::<Vec<_>>(),
            });
            let mut t = serde_json::to_string_pretty(&value)
                .map_err(|e| format!("cannot encode JSON: {e}"))?;
            t.push('\n');
            t
        }
    };
    print_stdout(&out)?;
    Ok(ExitCode::SUCCESS)
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
            let _ = writeln!(
                std::io::stderr(),
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
