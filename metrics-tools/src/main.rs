//! `metrics-tools`: the toolkit over a catalog file, for a crate (in any language) that
//! exported its families with `json`. `metrics-tools --help` lists the commands.

fn main() -> std::process::ExitCode {
    metrics_tools::cli::standalone()
}
