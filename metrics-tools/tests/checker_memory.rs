//! The checker's memory is proportional to its input: a 21 MB scrape of a million series, every
//! one of them a violation, is parsed and checked within 5 times its size (peak resident
//! memory, the input itself included). The parser used to copy every name and label into
//! owned strings and a second time into a set of series: 643 MB for this input (30x).
//!
//! Alone in its test binary, so that no other test's allocations share the measurement.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use metrics_tools::{Catalog, check};

/// A field of `/proc/self/status` in KiB (`VmRSS:`, `VmHWM:`), on Linux.
fn status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.trim_start_matches(field)
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

const CATALOG: &str = r#"{ "schema_version": 1, "components": [ { "name": "load", "families": [
  { "name": "reqs", "type": "counter", "max_series": 10,
    "labels": [ { "name": "id", "values": [ { "value": "0000000" } ] } ] } ] } ] }"#;

#[test]
fn a_million_series_are_checked_within_five_times_their_size() {
    let Some(before_kib) = status_kib("VmRSS:") else {
        eprintln!("SKIPPED: no /proc/self/status to measure memory with");
        return;
    };
    let catalog = Catalog::from_json(CATALOG).expect("catalog");
    // 1,000,000 series in 21,000,020 bytes (21 bytes a line), the size of the issue's scrape.
    let mut text = String::with_capacity(21_000_100);
    text.push_str("# TYPE reqs counter\n");
    for i in 0..1_000_000 {
        let _ = writeln!(text, "reqs{{id=\"{i:07}\"}} 1");
    }
    assert_eq!(text.len(), 21_000_020);
    // The peak from here on is the check's: Linux resets the high-water mark to the current
    // resident size on "5" (where it cannot, the generation's peak counts too, which only
    // makes the bound harder to meet).
    let _ = std::fs::write("/proc/self/clear_refs", "5");

    let start = Instant::now();
    let parsed = metrics_exposition::parse_until(&text, start + Duration::from_secs(600))
        .unwrap_or_else(|e| panic!("{e}"));
    let report = check::run(&catalog, "load", &parsed, "generated").expect("checked");
    let elapsed = start.elapsed();
    let peak_kib = status_kib("VmHWM:").expect("VmHWM");
    drop(parsed);

    // Every series is a violation, and the report still counts them exactly.
    assert_eq!(report.samples_in_scrape, 1_000_000);
    let values = report.of(check::Check::LabelValue);
    assert_eq!(values.len(), 1);
    assert_eq!(values[0].distinct_values, 999_999);
    assert!(
        report.of(check::Check::SeriesBudget)[0]
            .message
            .contains("exposes 1000000 series (1000000 label sets)"),
        "{report:?}"
    );

    let used = (peak_kib.saturating_sub(before_kib)) * 1024;
    let ratio = used as f64 / text.len() as f64;
    eprintln!(
        "1M series, {} bytes: peak {} MiB above the start ({ratio:.2}x the input, input included), {elapsed:?}",
        text.len(),
        used >> 20
    );
    assert!(
        used <= 5 * text.len() as u64,
        "peak memory {} MiB is {ratio:.2}x the {} MiB input; the bound is 5x",
        used >> 20,
        text.len() >> 20
    );
}
