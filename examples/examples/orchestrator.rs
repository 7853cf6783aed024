//! Seed 003: Warren's metrics audit. Records what the audit found instrumented, prints the
//! coverage report (families declared and never recorded, by component), then records the
//! audit's week-2 plan and prints the report again.
//!
//! `cargo run -p metrics-examples --example orchestrator`

fn main() -> Result<(), String> {
    let (before, after) = metrics_examples::seed003_orchestrator::run_demo()?;
    println!("== coverage now (the audit's finding) ==");
    print!("{}", before.render());
    println!("== coverage after the week-2 plan ==");
    print!("{}", after.render());
    Ok(())
}
