//! `metrics-demo`: the platform's metrics binary. `serve` runs a demo exporter of every
//! required family with a simulated workload; every other command is the toolkit's
//! (`metrics-tools`), over the platform catalog, exactly as a component author's own
//! `src/bin/metrics.rs` would run it.
//!
//! Exit codes: 0 success; 1 a finding (stale reference, not compliant, breaking change);
//! 2 bad input or an I/O error, with a one-line reason.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use metrics_tools::cli::{Command as ToolCommand, Toolkit};

/// The platform's required metric families: a demo exporter and the toolkit over them.
#[derive(Debug, Parser)]
#[command(name = "metrics-demo", version, about, long_about = None)]
struct Cli {
    /// Use this catalog (JSON, as `json` prints it) instead of the platform's.
    #[arg(long, value_name = "FILE", global = true)]
    catalog: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve every catalog family on /metrics with a simulated workload (a demo exporter).
    Serve(ServeArgs),
    #[command(flatten)]
    Tool(ToolCommand),
}

#[derive(Debug, Args)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, value_name = "ADDR", default_value = metrics_demo::DEFAULT_LISTEN)]
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
    /// Answer the demo API's GET /v1/orgs with 500 (this replica then records server
    /// errors: how a test forces an error-ratio alert on one replica).
    #[arg(long)]
    server_errors: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Serve(args) => match serve(args) {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => {
                let _ = writeln!(std::io::stderr(), "metrics-demo: {message}");
                ExitCode::from(metrics_tools::cli::FAILURE)
            }
        },
        Command::Tool(command) => {
            // The command's --timeout (check, coverage) covers reading the catalog too.
            let started = std::time::Instant::now();
            let catalog = match &cli.catalog {
                Some(path) => match command
                    .timeout()
                    .and_then(|timeout| metrics_tools::cli::load_catalog_within(path, timeout))
                {
                    Ok(catalog) => catalog,
                    Err(message) => {
                        let _ = writeln!(std::io::stderr(), "metrics-demo: {message}");
                        return ExitCode::from(metrics_tools::cli::FAILURE);
                    }
                },
                None => metrics_demo::catalog(),
            };
            let mut toolkit = Toolkit::new(catalog);
            toolkit.docs = metrics_demo::docs_options();
            toolkit.docs_path = metrics_demo::docs_path();
            toolkit.program = "metrics-demo".to_string();
            toolkit.run_since(command, started)
        }
    }
}

fn serve(args: ServeArgs) -> Result<(), String> {
    let opts = metrics_demo::ServeOptions {
        listen: Some(args.listen),
        token: args.token,
        token_file: args.token_file,
        trusted_cidrs: args.trusted_cidr,
        config: args.config,
        tick_ms: args.tick_ms,
        server_errors: args.server_errors,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    runtime.block_on(metrics_demo::run(opts))
}
