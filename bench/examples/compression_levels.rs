//! What gzip (flate2 on zlib-rs) costs and saves on the catalog's scrape, level by level, and a
//! pure-Rust zstd encoder (ruzstd, its fastest level) beside it: why the runtime's `/metrics`
//! route compresses with gzip at level 1 and offers no zstd. Medians of 200 runs each.
//!
//! `cargo run --release --features scrape --example compression_levels`

use std::hint::black_box;
use std::io::Write as _;
use std::time::Instant;

use metrics_demo::{self as serve, ServeOptions};
use metrics_runtime::Format;

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

fn gzip(body: &[u8], level: u32) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(
        Vec::with_capacity(body.len() / 8 + 64),
        flate2::Compression::new(level),
    );
    e.write_all(body).expect("write to a Vec");
    e.finish().expect("finish into a Vec")
}

fn main() {
    for tick in 0..1_000 {
        serve::simulate_tick(tick);
    }
    let cfg = serve::config(&ServeOptions::default()).expect("config");
    let registry = serve::registry(&cfg).expect("registry");
    println!("| body | encoding | bytes | ÷ body | time (µs) | ÷ encode |");
    println!("| --- | --- | ---: | ---: | ---: | ---: |");
    for (name, format) in [("text", Format::Text), ("protobuf", Format::Protobuf)] {
        let body = registry.encode(format);
        let encode = median_us(&mut || registry.encode(format).len());
        let row = |coding: &str, bytes: usize, us: f64| {
            println!(
                "| {name} | {coding} | {bytes} | {:.3} | {us:.0} | {:.2} |",
                bytes as f64 / body.len() as f64,
                us / encode
            );
        };
        row("none (encode)", body.len(), encode);
        for level in [1, 2, 3, 6] {
            let size = gzip(&body, level).len();
            let us = median_us(&mut || gzip(&registry.encode(format), level).len());
            row(&format!("gzip level {level}"), size, us);
        }
        let zstd = |b: &[u8]| {
            ruzstd::encoding::compress_to_vec(b, ruzstd::encoding::CompressionLevel::Fastest)
        };
        let size = zstd(&body).len();
        let us = median_us(&mut || zstd(&registry.encode(format)).len());
        row("zstd (ruzstd, fastest)", size, us);
    }
}
