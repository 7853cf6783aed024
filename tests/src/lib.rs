//! Helpers for the end-to-end tests: finding the real `promtool` and running it.
//!
//! A test that needs promtool prints a visible skip when it is missing, and fails instead
//! when `METRICS_REQUIRE_PROMETHEUS=1` (set by `.ci/run`).

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// Whether the environment demands the real Prometheus tools.
pub fn prometheus_required() -> bool {
    std::env::var("METRICS_REQUIRE_PROMETHEUS").is_ok_and(|v| v == "1")
}

/// The path of a Prometheus binary (`promtool`, `prometheus`), or `None` after printing a
/// visible skip. Panics when the tools are required and missing.
pub fn find_tool(name: &str, test: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(name))
            .find(|p| p.is_file())
    });
    match found {
        Some(p) => Some(p),
        None if prometheus_required() => {
            panic!(
                "{test}: `{name}` is required (METRICS_REQUIRE_PROMETHEUS=1) but not on PATH; install Debian's `prometheus` package"
            )
        }
        None => {
            eprintln!(
                "SKIPPED {test}: `{name}` not found on PATH (install Debian's `prometheus` package to run it)"
            );
            None
        }
    }
}

/// Runs `promtool check metrics` on `text`. Returns `None` when skipped, else its exit success
/// and everything it printed.
pub fn promtool_check_metrics(text: &str, test: &str) -> Option<(bool, String)> {
    let promtool = find_tool("promtool", test)?;
    let mut child = Command::new(promtool)
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .ok()?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(text.as_bytes()).ok()?;
    }
    let out = child.wait_with_output().ok()?;
    let mut printed = String::from_utf8_lossy(&out.stdout).into_owned();
    printed.push_str(&String::from_utf8_lossy(&out.stderr));
    Some((out.status.success(), printed))
}
