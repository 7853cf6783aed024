//! Seed 004: duroxide. Runs a simulated toygres workload (normal load, an error spike with
//! 50% failures, a 1,000-turn actor continuing as new), prints what the engine counted and
//! the non-zero `duroxide_` counter samples that say the same.
//!
//! `cargo run -p metrics-examples --example workflow_runtime`

fn main() -> Result<(), String> {
    let demo = metrics_examples::seed004_workflow_runtime::run_demo()?;
    println!("{:#?}", demo.tally);
    for line in demo.exposition.lines() {
        let counter = line.starts_with("duroxide_")
            && line
                .split(['{', ' '])
                .next()
                .is_some_and(|n| n.ends_with("_total"));
        if counter && !line.ends_with(" 0") {
            println!("{line}");
        }
    }
    Ok(())
}
