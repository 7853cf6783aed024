//! The real `promtool check metrics` (Prometheus' own linter) on `metrics-demo sample`: it
//! must report nothing. Without promtool the test says it skipped, unless
//! `METRICS_REQUIRE_PROMETHEUS=1` (set by CI), where a missing promtool fails.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

use metrics_tests::promtool_check_metrics;

#[test]
fn promtool_check_metrics_reports_nothing_on_sample() {
    let out = Command::new(env!("CARGO_BIN_EXE_metrics-demo"))
        .arg("sample")
        .output()
        .expect("run sample");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let sample = String::from_utf8(out.stdout).expect("UTF-8");
    assert!(sample.lines().count() > 1000, "sample is the whole catalog");
    let Some((ok, report)) =
        promtool_check_metrics(&sample, "promtool_check_metrics_reports_nothing_on_sample")
    else {
        return;
    };
    assert_eq!(
        (ok, report.as_str()),
        (true, ""),
        "promtool check metrics on `metrics-demo sample`"
    );
}

/// The test would be worthless if promtool accepted anything: the seed's own name for the
/// edge backends gauge is one it rejects, which is why the catalog renamed it.
#[test]
fn promtool_rejects_the_seed_spelling_of_the_backends_gauge() {
    let text = "# HELP trc_edge_backends_active_total Backends.\n# TYPE trc_edge_backends_active_total gauge\ntrc_edge_backends_active_total 0\n";
    let Some((ok, report)) = promtool_check_metrics(
        text,
        "promtool_rejects_the_seed_spelling_of_the_backends_gauge",
    ) else {
        return;
    };
    assert!(!ok, "{report}");
    assert!(report.contains("_total"), "{report}");
}
