//! The checker's memory is bounded by its input, whatever the input's shape: each scrape
//! below is parsed and checked as `check` does it (one family at a time) within 5 times its
//! size (peak resident memory, the input itself included).
//!
//! The shapes are the expensive ones: a million series of one family, every one a violation
//! (the parser used to copy every name and label: 643 MB for 21 MB, 30x); millions of
//! one-sample families, with short names, with and without TYPE and HELP lines, under the
//! catalog's prefix (a warning each) or with a forbidden label (a violation each); families
//! with TYPE lines only; many labels a line; one line of a million labels; histograms of many
//! buckets. The whole exposition used to be held: 34x for the one-sample families, 66x for
//! the million labels.
//!
//! Resident memory's high-water mark is per process, so each shape is measured in a child
//! process of this test binary (the test re-runs itself with `CHECKER_MEMORY_SHAPE` set).

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
  { "name": "reqs", "type": "counter", "max_series": 10, "prefix": "trc_",
    "labels": [ { "name": "id", "values": [ { "value": "0000000" } ] } ] },
  { "name": "lat", "type": "histogram", "max_series": 10, "prefix": "trc_" },
  { "name": "route", "type": "counter", "max_series": 10,
    "labels": [ { "name": "p", "route_templates": true, "values": [ { "value": "/" } ] } ] }
  ] } ] }"#;

/// Input size of the generated shapes (the issue's scrape was 21 MB; `check` allows 64 MiB,
/// measured by hand in a release build: see the README).
const SIZE: usize = 16 << 20;

/// Distinct names of 4 characters (53 x 63^3 of them), the shortest that go to millions.
fn short_name(mut i: usize) -> String {
    const FIRST: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_";
    const REST: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789:";
    let mut s = String::with_capacity(4);
    for _ in 0..3 {
        s.insert(0, REST[i % REST.len()] as char);
        i /= REST.len();
    }
    s.insert(0, FIRST[i % FIRST.len()] as char);
    s
}

/// Lines `line(i)` for i = 0, 1, ... after `head`, up to `size` bytes.
fn generate(head: &str, size: usize, line: impl Fn(usize) -> String) -> String {
    let mut text = String::with_capacity(size + 4096);
    text.push_str(head);
    for i in 0.. {
        let l = line(i);
        if text.len() + l.len() > size {
            break;
        }
        text.push_str(&l);
    }
    text
}

/// The exposition of `shape`.
fn shape(shape: &str) -> String {
    match shape {
        "million_series" => {
            // 1,000,000 series in 21,000,020 bytes (21 bytes a line), the issue's scrape.
            let mut text = String::with_capacity(21_000_100);
            text.push_str("# TYPE reqs counter\n");
            for i in 0..1_000_000 {
                let _ = writeln!(text, "reqs{{id=\"{i:07}\"}} 1");
            }
            text
        }
        "one_sample_families" => generate("", SIZE, |i| format!("f{i:07} 1\n")),
        "short_names" => generate("", SIZE, |i| format!("{} 1\n", short_name(i))),
        "typed_families" => generate("", SIZE, |i| {
            let n = short_name(i);
            format!("# TYPE {n} counter\n{n} 1\n")
        }),
        "help_and_type" => generate("", SIZE, |i| {
            let n = short_name(i);
            format!("# HELP {n} h\n# TYPE {n} gauge\n{n} 1\n")
        }),
        "type_lines_only" => generate("", SIZE, |i| format!("#TYPE {} gauge\n", short_name(i))),
        "unknown_under_prefix" => generate("", SIZE, |i| format!("trc_{} 1\n", short_name(i))),
        "forbidden_label_each" => generate("", SIZE, |i| {
            format!("{}{{user_id=\"1\"}} 1\n", short_name(i))
        }),
        "short_label_sets" => generate("# TYPE reqs counter\n", SIZE, |i| {
            format!("reqs{{id=\"{}\"}} 1\n", short_name(i))
        }),
        "many_labels" => generate("# TYPE reqs counter\n", SIZE, |i| {
            let mut l = String::from("reqs{");
            for j in 0..100 {
                let _ = write!(l, "l{j}=\"{i}\",");
            }
            l.push_str("id=\"0000000\"} 1\n");
            l
        }),
        "one_line_of_labels" => {
            let mut t = generate("# TYPE reqs counter\nreqs{", SIZE, |i| {
                format!("l{i:x}=\"\",")
            });
            t.push_str("id=\"0000000\"} 1\n");
            t
        }
        "one_line_of_escaped_labels" => {
            // Each value an escape: the line's labels were kept unescaped, a `String` and a
            // pair each (9.9x).
            let mut t = generate("# TYPE reqs counter\nreqs{", SIZE, |i| {
                format!("l{i:x}=\"\\\\\",")
            });
            t.push_str("id=\"0000000\"} 1\n");
            t
        }
        "histogram_buckets" => generate("# TYPE lat histogram\n", SIZE, |i| {
            format!("lat_bucket{{le=\"{i}\"}} 1\n")
        }),
        "many_histograms" => generate("", SIZE, |i| {
            let n = format!("h{i:06}");
            let mut s = format!("# TYPE {n} histogram\n");
            for b in 0..50 {
                let _ = writeln!(s, "{n}_bucket{{le=\"{b}\"}} 1");
            }
            let _ = write!(s, "{n}_bucket{{le=\"+Inf\"}} 1\n{n}_sum 1\n{n}_count 1\n");
            s
        }),
        "dashes_in_a_route" => {
            // One route-template value of one huge segment of dashes: a UUID is looked for
            // in it (splitting it at `-` cost 16 bytes a dash, 17x).
            let mut t = String::from("# TYPE route counter\nroute{p=\"/");
            t.push_str(&"-".repeat(SIZE));
            t.push_str("\"} 1\n");
            t
        }
        other => panic!("no shape {other}"),
    }
}

/// Generates `name`'s exposition, then parses and checks it as `check` does; returns the
/// peak resident memory above the start, the input's size and the report.
fn measure_here(name: &str) -> Option<(u64, usize, check::Report, Duration)> {
    let before_kib = status_kib("VmRSS:")?;
    let catalog = Catalog::from_json(CATALOG).expect("catalog");
    let text = shape(name);
    // The peak from here on is the check's: Linux resets the high-water mark to the current
    // resident size on "5" (where it cannot, the generation's peak counts too, which only
    // makes the bound harder to meet).
    let _ = std::fs::write("/proc/self/clear_refs", "5");

    let start = Instant::now();
    let mut checker = check::Checker::new(&catalog, "load", &text).expect("component");
    metrics_exposition::parse_each(&text, Some(start + Duration::from_secs(600)), &mut checker)
        .unwrap_or_else(|e| panic!("{e}"));
    let report = checker.report("generated");
    let elapsed = start.elapsed();
    let peak_kib = status_kib("VmHWM:")?;
    Some((
        peak_kib.saturating_sub(before_kib) * 1024,
        text.len(),
        report,
        elapsed,
    ))
}

/// Measures `name` in a child process (or, in the child, here) and asserts the bound;
/// returns the report's summary line for further assertions.
fn measure(name: &str) -> Option<String> {
    if std::env::var("CHECKER_MEMORY_SHAPE").is_ok_and(|s| s == name) {
        let (used, len, report, elapsed) = measure_here(name)?;
        let summary = format!(
            "families={} samples={} violations={} warnings={} unlisted={:?} label_value_distinct={:?}",
            report.families_in_scrape,
            report.samples_in_scrape,
            report.violations,
            report.warnings,
            report.unlisted,
            report
                .of(check::Check::LabelValue)
                .first()
                .map(|f| f.distinct_values),
        );
        println!("MEASURED {used} {len} {} {summary}", elapsed.as_millis());
        return None;
    }
    if status_kib("VmRSS:").is_none() {
        eprintln!("SKIPPED: no /proc/self/status to measure memory with");
        return None;
    }
    let exe = std::env::current_exe().expect("test binary");
    let out = std::process::Command::new(exe)
        .args([name, "--exact", "--nocapture", "--test-threads=1"])
        .env("CHECKER_MEMORY_SHAPE", name)
        .output()
        .expect("the test binary runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout
        .lines()
        .find_map(|l| l.split_once("MEASURED ").map(|(_, m)| m))
        .unwrap_or_else(|| {
            panic!(
                "{name}: no measurement\n{stdout}\n{}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
    let mut words = line.splitn(4, ' ');
    let mut next = || words.next().unwrap_or("");
    let used: u64 = next().parse().expect("bytes");
    let len: u64 = next().parse().expect("bytes");
    let millis = next().to_string();
    let summary = next().to_string();
    let ratio = used as f64 / len as f64;
    eprintln!(
        "{name}: {len} bytes, peak {} MiB above the start ({ratio:.2}x the input, input included), {millis} ms; {summary}",
        used >> 20
    );
    assert!(
        used <= 5 * len,
        "{name}: peak memory {} MiB is {ratio:.2}x the {} MiB input; the bound is 5x",
        used >> 20,
        len >> 20
    );
    Some(summary)
}

#[test]
fn million_series() {
    // Every series is a violation, and the report still counts them exactly.
    if let Some(summary) = measure("million_series") {
        assert!(summary.contains("samples=1000000 "), "{summary}");
        assert!(
            summary.contains("label_value_distinct=Some(999999)"),
            "{summary}"
        );
    }
}

#[test]
fn one_sample_families() {
    if let Some(summary) = measure("one_sample_families") {
        // 11 bytes a family.
        assert!(
            summary.contains(&format!("families={} ", SIZE / 11)),
            "{summary}"
        );
    }
}

#[test]
fn short_names() {
    measure("short_names");
}

#[test]
fn typed_families() {
    measure("typed_families");
}

#[test]
fn help_and_type() {
    measure("help_and_type");
}

#[test]
fn type_lines_only() {
    measure("type_lines_only");
}

#[test]
fn unknown_under_prefix() {
    // A warning each, all counted, the first 100 listed.
    if let Some(summary) = measure("unknown_under_prefix") {
        assert!(summary.contains("UnknownFamily"), "{summary}");
    }
}

#[test]
fn forbidden_label_each() {
    if let Some(summary) = measure("forbidden_label_each") {
        assert!(summary.contains("ForbiddenLabel"), "{summary}");
    }
}

#[test]
fn short_label_sets() {
    measure("short_label_sets");
}

#[test]
fn many_labels() {
    measure("many_labels");
}

#[test]
fn one_line_of_labels() {
    if let Some(summary) = measure("one_line_of_labels") {
        assert!(summary.contains("UndeclaredLabel"), "{summary}");
    }
}

#[test]
fn histogram_buckets() {
    measure("histogram_buckets");
}

#[test]
fn many_histograms() {
    measure("many_histograms");
}

#[test]
fn dashes_in_a_route() {
    if let Some(summary) = measure("dashes_in_a_route") {
        assert!(summary.contains("violations="), "{summary}");
    }
}

#[test]
fn one_line_of_escaped_labels() {
    if let Some(summary) = measure("one_line_of_escaped_labels") {
        assert!(summary.contains("UndeclaredLabel"), "{summary}");
    }
}
