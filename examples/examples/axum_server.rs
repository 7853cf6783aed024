//! Seed 001: Tachikoma's axum server. Serves the API and `/metrics` on loopback, sends it a
//! few requests (raw paths with ids, an unknown path, a failed execution), and prints the
//! `tachikoma_` samples the scrape returned: route templates, never raw paths.
//!
//! `cargo run -p metrics-examples --example axum_server`

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let text = metrics_examples::seed001_axum_server::run_demo()?;
    for line in text.lines() {
        let interesting = line.starts_with("tachikoma_http_requests_total")
            || line.starts_with("tachikoma_execution")
            || line.starts_with("tachikoma_backend")
            || line.starts_with("tachikoma_ws_")
            || line.starts_with("tachikoma_missions")
            || line.starts_with("tachikoma_build_info");
        // Non-zero samples only: every declared series is exposed, mostly at 0.
        if interesting && !line.ends_with(" 0") {
            println!("{line}");
        }
    }
    Ok(())
}
