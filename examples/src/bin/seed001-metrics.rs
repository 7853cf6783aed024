//! Seed 001's metrics binary, as a component author writes one: the toolkit (docs, json,
//! sample, rules, dashboard, check, coverage, diff) over the seed's own families.

fn main() -> std::process::ExitCode {
    metrics_tools::cli::main(metrics_tools::Catalog::from_components(&[
        &metrics_examples::seed001_axum_server::SEED,
    ]))
}
