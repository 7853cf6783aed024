//! Where the catalog's `encode_text()` time goes: the `serve` registry as it is (self-metrics,
//! build info, process metrics), without process metrics, and the families alone. Medians of
//! 200 runs each, in microseconds.
//!
//! `cargo run --release --features scrape --example scrape_breakdown`

use std::hint::black_box;
use std::time::Instant;

use metrics_demo::{self as serve, ServeOptions};

fn median_us(f: &mut dyn FnMut() -> usize) -> f64 {
    let mut v: Vec<f64> = (0..200)
        .map(|_| {
            let s = Instant::now();
            black_box(f());
            s.elapsed().as_secs_f64() * 1e6
        })
        .collect();
    v.sort_by(f64::total_cmp);
    v[100]
}

fn main() {
    for tick in 0..1_000 {
        serve::simulate_tick(tick);
    }
    let cfg = serve::config(&ServeOptions::default()).expect("config");
    let full = serve::registry(&cfg).expect("registry");
    let mut quiet = cfg.clone();
    quiet.process_metrics = false;
    let no_process = serve::registry(&quiet).expect("registry");
    let families = metrics_catalog::registry().expect("registry");

    let mut buf = Vec::new();
    let rows: [(&str, f64); 3] = [
        (
            "serve registry, encode_text()",
            median_us(&mut || full.encode_text().len()),
        ),
        (
            "serve registry without process metrics",
            median_us(&mut || {
                buf.clear();
                no_process.encode_into(&mut buf);
                buf.len()
            }),
        ),
        (
            "catalog families only (no extras)",
            median_us(&mut || {
                buf.clear();
                families.encode_into(&mut buf);
                buf.len()
            }),
        ),
    ];
    println!(
        "catalog: {} families, {} bytes, {} samples",
        full.families().len(),
        buf.len(),
        metrics_bench::sample_lines(&buf)
    );
    for (what, us) in rows {
        println!("{us:9.1} µs  {what}");
    }
}
