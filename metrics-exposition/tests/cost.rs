//! The parser's cost is linear in its input, including in the labels of one line: a hostile
//! exporter cannot make the checker spend minutes on one line.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

/// One sample with `n` distinct labels.
fn wide_line(n: usize) -> String {
    let mut line = String::with_capacity(n * 12);
    line.push_str("wide{");
    for i in 0..n {
        line.push_str(&format!("l{i}=\"v\","));
    }
    line.push_str("} 1\n");
    line
}

fn parse_time(text: &str) -> Duration {
    let start = Instant::now();
    let parsed = metrics_exposition::parse(text).unwrap_or_else(|e| panic!("{e}"));
    let elapsed = start.elapsed();
    assert_eq!(parsed.families.len(), 1);
    elapsed
}

/// The case: 160,000 labels on one line took 43 s (36 s in a release build here),
/// because each label name was compared with every earlier one. Now a hash set finds a
/// repeat, and the bound holds even in a debug build on a loaded machine.
#[test]
fn a_line_with_160k_labels_parses_in_linear_time() {
    let small = wide_line(20_000);
    let big = wide_line(160_000);
    // Warm up the allocator, then take the best of three to damp a busy machine's noise.
    let _ = parse_time(&small);
    let best = |t: &str| (0..3).map(|_| parse_time(t)).min().unwrap_or_default();
    let (t_small, t_big) = (best(&small), best(&big));
    eprintln!("20k labels: {t_small:?}; 160k labels: {t_big:?}");
    assert!(
        t_big < Duration::from_secs(5),
        "160k labels on one line took {t_big:?}"
    );
    // Eight times the labels: linear is about 8x; quadratic would be 64x.
    assert!(
        t_big < t_small * 24 + Duration::from_millis(50),
        "not linear: 20k labels {t_small:?}, 160k labels {t_big:?}"
    );
}

/// The series check ("no series twice") is linear too: a million distinct series, and one
/// family's count of label sets.
#[test]
fn many_series_are_checked_for_repeats_in_linear_time() {
    let mut text = String::from("# TYPE many counter\n");
    for i in 0..200_000 {
        text.push_str(&format!("many{{id=\"{i}\",shard=\"{}\"}} 1\n", i % 7));
    }
    let start = Instant::now();
    let parsed = metrics_exposition::parse(&text).unwrap_or_else(|e| panic!("{e}"));
    let family = parsed.family("many").expect("family");
    assert_eq!(family.series_count(), 200_000);
    let elapsed = start.elapsed();
    eprintln!("200k series parsed and counted in {elapsed:?}");
    assert!(elapsed < Duration::from_secs(20), "{elapsed:?}");
    // The same text with one series repeated at the end names the repeat's line.
    text.push_str("many{shard=\"0\",id=\"0\"} 2\n");
    let e = metrics_exposition::parse(&text).expect_err("a repeat");
    assert_eq!(e.line, 200_002);
    assert_eq!(e.message, "series `many` given twice");
}
