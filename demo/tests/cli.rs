//! The `metrics-demo` binary: `docs --check` on the committed reference, exit codes,
//! `--help` on every command, and the JSON and sample outputs.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_metrics-demo"))
        .args(args)
        .output()
        .expect("run metrics-demo")
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("UTF-8 output")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn committed_docs() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/metrics.md")
}

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli");
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    dir.join(name)
}

#[test]
fn committed_docs_are_up_to_date() {
    // The default path is the committed docs/metrics.md; it is passed explicitly as well to
    // show which file is compared.
    for args in [
        vec!["docs", "--check"],
        vec![
            "docs",
            "--check",
            "--out",
            committed_docs().to_str().expect("UTF-8 path"),
        ],
    ] {
        let out = run(&args);
        assert!(
            out.status.success(),
            "{args:?}: {}\n(docs/metrics.md is stale: run `cargo run -p metrics-demo -- docs` and commit it)",
            stderr(&out)
        );
    }
}

#[test]
fn docs_check_fails_on_a_stale_or_missing_file_and_says_how_to_regenerate() {
    let stale = scratch("stale.md");
    std::fs::write(&stale, "# Metric reference\n\nan old version\n").expect("write stale file");
    let out = run(&[
        "docs",
        "--check",
        "--out",
        stale.to_str().expect("UTF-8 path"),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let message = stderr(&out);
    assert!(
        message.contains("is stale") && message.contains("cargo run -p metrics-demo -- docs"),
        "{message}"
    );
    assert_eq!(message.lines().count(), 1, "one-line message: {message}");

    let missing = scratch("does-not-exist.md");
    let _ = std::fs::remove_file(&missing);
    let out = run(&[
        "docs",
        "--check",
        "--out",
        missing.to_str().expect("UTF-8 path"),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("is missing"), "{}", stderr(&out));
}

#[test]
fn docs_writes_the_file_it_checks() {
    let path = scratch("written.md");
    let path_arg = path.to_str().expect("UTF-8 path");
    let out = run(&["docs", "--out", path_arg]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(&path).expect("written"),
        metrics_tools::docs::render(&metrics_demo::catalog(), &metrics_demo::docs_options())
    );
    assert!(
        run(&["docs", "--check", "--out", path_arg])
            .status
            .success()
    );
    let out = run(&["docs", "--out", "-"]);
    assert_eq!(
        stdout(&out),
        metrics_tools::docs::render(&metrics_demo::catalog(), &metrics_demo::docs_options())
    );
}

#[test]
fn io_errors_exit_2() {
    let dir = scratch("a-directory");
    std::fs::create_dir_all(&dir).expect("create dir");
    let out = run(&["docs", "--out", dir.to_str().expect("UTF-8 path")]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let out = run(&[
        "docs",
        "--check",
        "--out",
        dir.to_str().expect("UTF-8 path"),
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

#[test]
fn every_command_has_help() {
    for args in [
        vec!["--help"],
        vec!["docs", "--help"],
        vec!["json", "--help"],
        vec!["sample", "--help"],
        vec!["serve", "--help"],
        vec!["check", "--help"],
        vec!["coverage", "--help"],
        vec!["rules", "--help"],
        vec!["dashboard", "--help"],
        vec!["help", "docs"],
    ] {
        let out = run(&args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        assert!(
            stdout(&out).contains("Usage: metrics-demo"),
            "{args:?}: {}",
            stdout(&out)
        );
    }
    let top = stdout(&run(&["--help"]));
    for command in [
        "docs",
        "json",
        "sample",
        "serve",
        "check",
        "coverage",
        "rules",
        "dashboard",
    ] {
        assert!(top.contains(command), "{top}");
    }
    let check = stdout(&run(&["check", "--help"]));
    for promise in [
        "plain HTTP only",
        "--token",
        "--file",
        "--format",
        "--coverage",
        "Exit 0 compliant, 1 violations, 2 bad input",
    ] {
        assert!(
            check.contains(promise),
            "check --help mentions {promise}: {check}"
        );
    }
    let unknown = run(&["sample", "--component", "billing"]);
    assert!(
        stderr(&unknown).contains("known: control-plane, events"),
        "an unknown component names the known ones: {}",
        stderr(&unknown)
    );
}

#[test]
fn the_sample_is_what_the_runtime_exposes() {
    // The toolkit writes the sample from the catalog alone (so a catalog read from JSON gets
    // one); it must be exactly what the runtime exposes before anything is recorded.
    let registry = metrics_catalog::registry().expect("registry");
    assert_eq!(stdout(&run(&["sample"])), registry.encode_text());
}

/// The platform's committed baseline catalog: `diff` against it is the platform's check that
/// no release breaks a stable family unannounced.
const BASELINE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/metrics-catalog.json");

#[test]
fn no_breaking_change_against_the_committed_baseline() {
    let out = run(&["diff", "--baseline", BASELINE]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}\n(a deliberate change: regenerate the baseline with `cargo run -p metrics-demo -- json > docs/metrics-catalog.json`)",
        stdout(&out),
        stderr(&out)
    );
}

#[test]
fn bad_arguments_exit_2() {
    for args in [
        vec!["sample", "--component", "billing"],
        vec!["rules", "--component", "billing"],
        vec!["dashboard", "--component", "billing"],
        vec!["frobnicate"],
        vec![],
    ] {
        let out = run(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
}

#[test]
fn json_is_the_library_view() {
    let out = run(&["json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let parsed: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("valid JSON");
    assert_eq!(
        parsed["worst_case_series"],
        metrics_catalog::worst_case_series()
    );
    let names: Vec<&str> = parsed["components"]
        .as_array()
        .expect("components")
        .iter()
        .map(|c| c["name"].as_str().expect("name"))
        .collect();
    assert_eq!(
        names,
        [
            "control-plane",
            "events",
            "projections",
            "scheduler",
            "agent",
            "edge"
        ]
    );

    let out = run(&["json", "--component", "edge"]);
    let parsed: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("valid JSON");
    assert_eq!(parsed["components"].as_array().map(Vec::len), Some(1));
    assert_eq!(parsed["components"][0]["name"], "edge");
}

#[test]
fn sample_is_deterministic_and_selectable_by_component() {
    let first = stdout(&run(&["sample"]));
    assert_eq!(first, stdout(&run(&["sample"])));
    let edge = stdout(&run(&["sample", "--component", "edge"]));
    let families: Vec<&str> = edge
        .lines()
        .filter_map(|l| l.strip_prefix("# TYPE "))
        .collect();
    assert!(!families.is_empty());
    assert!(
        families.iter().all(|f| f.starts_with("trc_edge_")),
        "{families:?}"
    );
    let two = stdout(&run(&[
        "sample",
        "--component",
        "edge",
        "--component",
        "scheduler",
    ]));
    assert!(
        two.contains("# TYPE trc_scheduler_unschedulable_total counter")
            && two.contains("# TYPE trc_edge_routes_loaded gauge")
    );
    // Nothing is recorded: every sample is 0.
    assert!(
        first
            .lines()
            .filter(|l| !l.starts_with('#'))
            .all(|l| l.ends_with(" 0"))
    );
}
