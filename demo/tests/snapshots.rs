//! Snapshots of the outputs people and tools read: the Markdown reference, the JSON view, the
//! Prometheus rules and the Grafana dashboard, as the binary prints them. A change to a declaration shows up here as a reviewable diff
//! (`cargo insta review`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

fn output(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_metrics-demo"))
        .args(args)
        .output()
        .expect("run metrics-demo");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

#[test]
fn docs_snapshot() {
    insta::assert_snapshot!("docs", output(&["docs", "--out", "-"]));
}

#[test]
fn json_snapshot() {
    insta::assert_snapshot!("json", output(&["json"]));
}

#[test]
fn rules_snapshot() {
    insta::assert_snapshot!("rules", output(&["rules"]));
}

#[test]
fn dashboard_snapshot() {
    insta::assert_snapshot!("dashboard", output(&["dashboard"]));
}
