//! A component author's first day, as the README's "Your own crate" tells it: a fresh crate
//! outside this workspace declares its families, adds the one-file metrics binary, and runs
//! the documented commands: docs, json, sample, rules, dashboard, diff, and `check` against a
//! scrape of its own exporter (exit 0; exit 1 once a forbidden label is injected). The
//! standalone `metrics-tools --catalog` reads the JSON that crate exported.
//!
//! The crate is built with cargo in a temporary directory, with path dependencies on this
//! workspace's crates and the workspace's lock file and target directory, so it costs only
//! the crates it builds differently. Its exporter listens on 127.0.0.1 and is killed at the
//! end.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The binary every author writes, verbatim from the README.
const METRICS_BIN: &str = r#"fn main() -> std::process::ExitCode {
    metrics_tools::cli::main(metrics_tools::Catalog::from_components(&[&paygate::COMPONENT]))
}
"#;

const LIB: &str = r#"use metrics_runtime::{Component, LabelValue, MetricFamily};

/// How a charge ended.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChargeResult {
    /// The issuer approved it.
    Approved,
    /// The issuer declined it: the card holder's business, not an error of ours.
    Declined,
    /// We could not get an answer.
    #[label(error)]
    Failed,
}

/// Card networks we route to.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Network { Visa, Mastercard, Amex }

/// Charges attempted, by network and result.
#[derive(MetricFamily)]
#[metric(counter, name = "pay_charges_total", component = "paygate")]
pub struct Charges { pub network: Network, pub result: ChargeResult }

/// Time to get the issuer's answer to a charge.
#[derive(MetricFamily)]
#[metric(histogram, name = "pay_charge_duration_seconds", unit = "seconds",
         buckets = [0.05, 0.1, 0.5, 1.0, 5.0], component = "paygate")]
pub struct ChargeDuration { pub result: ChargeResult }

/// Charges waiting for the issuer right now.
#[derive(MetricFamily)]
#[metric(gauge, name = "pay_charges_in_flight", role = "in_flight", component = "paygate")]
pub struct InFlight;

/// The payment gateway's families.
pub const COMPONENT: Component = Component {
    name: "paygate",
    title: "Payment gateway",
    about: "Takes card charges and routes them to the card networks.",
    families: &[Charges::family, ChargeDuration::family, InFlight::family],
};
"#;

/// The crate's exporter: records a little, then serves `/metrics` to loopback until killed.
const MAIN: &str = r#"use std::sync::Arc;
use paygate::*;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    Charges { network: Network::Visa, result: ChargeResult::Approved }.inc_by(3);
    Charges { network: Network::Amex, result: ChargeResult::Failed }.inc();
    ChargeDuration { result: ChargeResult::Approved }.observe(0.07);
    InFlight.set(2.0);
    let config = metrics_runtime::MetricsConfig::from_toml_str(
        "[auth]\ntrusted_cidrs = [\"127.0.0.1/32\"]\n",
    )?;
    let registry = Arc::new(COMPONENT.registry()?);
    let app = metrics_runtime::http::metrics_router(registry, &config);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    println!("listening on {}", listener.local_addr()?);
    metrics_runtime::http::serve(listener, app, std::future::pending()).await?;
    Ok(())
}
"#;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("target"))
}

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Makes the crate in a fresh temporary directory.
fn make_crate() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("paygate-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let ws = workspace();
    let ws = ws.display();
    write(
        &dir,
        "Cargo.toml",
        &format!(
            r#"[package]
name = "paygate"
version = "0.1.0"
edition = "2024"
publish = false

[package.metadata.metrics]
prefix = "pay_"

[dependencies]
metrics-runtime = {{ path = "{ws}/metrics-runtime", features = ["axum"] }}
metrics-tools = {{ path = "{ws}/metrics-tools" }}
tokio = {{ version = "1", features = ["rt-multi-thread", "macros", "net"] }}

[workspace]
"#
        ),
    );
    std::fs::copy(workspace().join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    write(&dir, "src/lib.rs", LIB);
    write(&dir, "src/main.rs", MAIN);
    write(&dir, "src/bin/metrics.rs", METRICS_BIN);
    dir
}

/// `cargo <args>` in the crate, as the author runs it.
fn cargo(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO"))
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target_dir())
        .env_remove("METRICS_POLICY_MANIFEST")
        .stdin(Stdio::null())
        .output()
        .expect("run cargo")
}

/// `cargo run -q --bin metrics -- <args>`, the README's command.
fn metrics(dir: &Path, args: &[&str]) -> Output {
    let mut all = vec!["run", "-q", "--bin", "metrics", "--"];
    all.extend_from_slice(args);
    cargo(dir, &all)
}

fn ok(out: &Output, what: &str) -> String {
    assert!(
        out.status.success(),
        "{what}: exit {:?}\n{}\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

#[test]
fn readme_shows_what_this_test_runs() {
    let readme = std::fs::read_to_string(workspace().join("README.md")).unwrap();
    let section = readme
        .split("## Your own crate")
        .nth(1)
        .expect("README has a \"Your own crate\" section");
    for line in METRICS_BIN.lines() {
        assert!(section.contains(line), "README's binary lacks `{line}`");
    }
    for command in [
        "cargo run --bin metrics -- docs",
        "cargo run --bin metrics -- docs --check",
        "cargo run --bin metrics -- json > metrics-catalog.json",
        "cargo run --bin metrics -- rules",
        "cargo run --bin metrics -- dashboard",
        "cargo run --bin metrics -- sample",
        "cargo run --bin metrics -- check --url http://127.0.0.1:9464/metrics",
        "cargo run --bin metrics -- coverage --url http://127.0.0.1:9464/metrics",
        "cargo run --bin metrics -- diff --baseline metrics-catalog.json",
        "metrics-tools --catalog metrics-catalog.json",
    ] {
        assert!(section.contains(command), "README lacks `{command}`");
    }
}

#[test]
fn a_fresh_crate_gets_the_whole_toolkit() {
    let dir = make_crate();
    ok(&cargo(&dir, &["build", "-q", "--bins"]), "cargo build");

    // docs: written where the README says, then checked fresh; stale after an edit.
    ok(&metrics(&dir, &["docs"]), "docs");
    let reference = std::fs::read_to_string(dir.join("docs/metrics.md")).unwrap();
    assert!(reference.contains("### `pay_charges_total`"), "{reference}");
    assert!(reference.contains("| `failed` | **error**"), "{reference}");
    assert!(reference.contains("| role | in_flight |"), "{reference}");
    ok(&metrics(&dir, &["docs", "--check"]), "docs --check");
    std::fs::write(dir.join("docs/metrics.md"), "# old\n").unwrap();
    let stale = metrics(&dir, &["docs", "--check"]);
    assert_eq!(stale.status.code(), Some(1), "a stale reference exits 1");

    // json: the catalog, with the declared prefix, error value and role.
    let json = ok(&metrics(&dir, &["json"]), "json");
    std::fs::write(dir.join("metrics-catalog.json"), &json).unwrap();
    let catalog = metrics_tools::Catalog::from_json(&json).unwrap();
    assert_eq!(catalog.component_names(), ["paygate"]);
    let charges = catalog.components[0].family("pay_charges_total").unwrap();
    assert_eq!(charges.prefix.as_deref(), Some("pay_"));
    assert_eq!(charges.worst_case_series, 9);
    assert_eq!(charges.label("result").unwrap().error_values(), ["failed"]);

    // sample, rules, dashboard: about these families and no other.
    let sample = ok(&metrics(&dir, &["sample"]), "sample");
    assert!(sample.contains("pay_charges_total{network=\"amex\",result=\"failed\"} 0\n"));
    assert!(!sample.contains("trc_"), "{sample}");
    let rules = ok(&metrics(&dir, &["rules"]), "rules");
    assert!(rules.contains("pay_charges_errors:ratio_rate5m"), "{rules}");
    assert!(
        rules.contains("rate(pay_charges_total{result=\"failed\"}[5m])"),
        "{rules}"
    );
    let dashboard = ok(&metrics(&dir, &["dashboard"]), "dashboard");
    let dashboard: serde_json::Value = serde_json::from_str(&dashboard).unwrap();
    assert!(
        dashboard
            .to_string()
            .contains("pay_charge_duration_seconds_bucket")
    );

    // diff against what was just exported: nothing breaks.
    ok(
        &metrics(&dir, &["diff", "--baseline", "metrics-catalog.json"]),
        "diff",
    );

    // The crate's own exporter, checked live, then with a forbidden label injected.
    let exe = target_dir().join("debug").join("paygate");
    let mut child = Killed(
        Command::new(&exe)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the exporter"),
    );
    let mut line = String::new();
    BufReader::new(child.0.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .strip_prefix("listening on ")
        .expect(&line)
        .to_string();
    let url = format!("http://{addr}/metrics");
    let started = Instant::now();
    let live = loop {
        let out = metrics(&dir, &["check", "--url", &url]);
        if out.status.code() != Some(2) || started.elapsed() > Duration::from_secs(20) {
            break out;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let report = ok(&live, "check --url");
    assert!(report.contains("COMPLIANT"), "{report}");

    let scrape = ureq_get(&url);
    assert!(scrape.contains("pay_charges_total{network=\"visa\",result=\"approved\"} 3\n"));
    let injected = scrape.replace(
        "pay_charges_total{network=\"visa\",result=\"approved\"} 3",
        "pay_charges_total{network=\"visa\",result=\"approved\",user_id=\"42\"} 3",
    );
    std::fs::write(dir.join("injected.prom"), injected).unwrap();
    let bad = metrics(&dir, &["check", "--file", "injected.prom"]);
    assert_eq!(
        bad.status.code(),
        Some(1),
        "a forbidden label is a violation: {}",
        String::from_utf8_lossy(&bad.stdout)
    );
    assert!(String::from_utf8_lossy(&bad.stdout).contains("user_id"));

    // The standalone binary reads the exported catalog and agrees.
    let standalone = Command::new(env!("CARGO_BIN_EXE_metrics-tools"))
        .args([
            "--catalog",
            "metrics-catalog.json",
            "check",
            "--file",
            "injected.prom",
        ])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert_eq!(standalone.status.code(), Some(1));
    let sample_standalone = Command::new(env!("CARGO_BIN_EXE_metrics-tools"))
        .args(["--catalog", "metrics-catalog.json", "sample"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert_eq!(ok(&sample_standalone, "standalone sample"), sample);
    drop(child);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A plain GET of the exporter (loopback).
fn ureq_get(url: &str) -> String {
    metrics_tools::scrape::fetch(url, None, Duration::from_secs(10)).unwrap()
}
