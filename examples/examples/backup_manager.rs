//! Seed 002: restic-manager. Records a fleet of three hosts and a few jobs, serves
//! `/metrics` behind a bearer token on loopback (401 without it, 200 with it), prints the
//! scrape, and writes the generated Grafana dashboard next to the target directory.
//!
//! `cargo run -p metrics-examples --example backup_manager [-- DASHBOARD.json]`

fn main() -> Result<(), Box<dyn std::error::Error>> {
    use metrics_examples::seed002_backup_manager as rm;
    let text = rm::run_demo()?;
    for line in text.lines() {
        // The job histogram's empty kind/status rows are left out of the printout.
        if !(line.starts_with("rm_job_duration_seconds") && line.ends_with(" 0")) {
            println!("{line}");
        }
    }
    let dashboard = rm::dashboard();
    if let Some(path) = std::env::args().nth(1) {
        std::fs::write(&path, serde_json::to_string_pretty(&dashboard)?)?;
        eprintln!("wrote the Grafana dashboard to {path}");
    } else {
        let panels = dashboard["panels"].as_array().map_or(0, Vec::len);
        eprintln!("Grafana dashboard: {panels} panels (pass a path to write it)");
    }
    Ok(())
}
