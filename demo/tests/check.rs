//! `metrics-demo check`, the built binary, on every exit-code case of the issue: 0 for a
//! compliant scrape (warnings included), 1 for each kind of violation, 2 for bad input with a
//! one-line reason; on files, standard input and a live `serve`, with and without its token.
//! Also `check --coverage` and `coverage` (families declared but never recorded), the
//! library's checker on a test-only deprecated family.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::Write;
use std::path::PathBuf;
use std::process::{Output, Stdio};
use std::time::Duration;

use common::{bin, free_port, run, start_serve};
use metrics_exposition as exposition;
use metrics_runtime::{Component, MetricFamily};
use metrics_tools::check::{self, Check, Severity};
use metrics_tools::{Catalog, Kind};

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("UTF-8 output")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn scratch(name: &str, text: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("check");
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write scratch file");
    path
}

fn sample(components: &[&str]) -> String {
    let mut args = vec!["sample"];
    for c in components {
        args.extend(["--component", c]);
    }
    let out = run(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    stdout(&out)
}

/// Runs `check --component C --file <text> [extra]`.
fn check_text(component: &str, name: &str, text: &str, extra: &[&str]) -> Output {
    let path = scratch(name, text);
    let mut args = vec![
        "check",
        "--component",
        component,
        "--file",
        path.to_str().expect("UTF-8 path"),
    ];
    args.extend(extra);
    run(&args)
}

/// The JSON report of a check run.
fn report(out: &Output) -> serde_json::Value {
    serde_json::from_str(&stdout(out))
        .unwrap_or_else(|e| panic!("{e}: {}{}", stdout(out), stderr(out)))
}

/// The (check, family) pairs of a JSON report.
fn findings(out: &Output) -> Vec<(String, String, String)> {
    report(out)["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["severity"].as_str().unwrap_or("").to_string(),
                f["check"].as_str().unwrap_or("").to_string(),
                f["family"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn assert_exit(out: &Output, code: i32, what: &str) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "{what}: stdout:\n{}\nstderr:\n{}",
        stdout(out),
        stderr(out)
    );
}

/// Exit 2 with exactly one line on stderr that contains `needle`.
fn assert_bad_input(out: &Output, needle: &str, what: &str) {
    assert_exit(out, 2, what);
    let err = stderr(out);
    assert_eq!(err.lines().count(), 1, "{what}: one-line reason: {err}");
    assert!(err.contains(needle), "{what}: {err}");
    assert!(stdout(out).is_empty(), "{what}: no report on bad input");
}

/// Replaces family `name`'s lines (HELP, TYPE, samples) with `block` at the end of the text.
fn replace_family(text: &str, name: &str, block: &str) -> String {
    let mut out: String = text
        .lines()
        .filter(|l| {
            let metric = l
                .strip_prefix("# HELP ")
                .or_else(|| l.strip_prefix("# TYPE "))
                .unwrap_or(l);
            let metric = metric.split(['{', ' ']).next().unwrap_or("");
            metric != name
        })
        .map(|l| format!("{l}\n"))
        .collect();
    out.push_str(block);
    out
}

// ---- exit 0 ---------------------------------------------------------------------------------

#[test]
fn sample_of_every_component_is_compliant() {
    let all = sample(&[]);
    for component in [
        "control-plane",
        "events",
        "projections",
        "scheduler",
        "agent",
        "edge",
        "all",
    ] {
        // The component's own sample, and the whole catalog's (other components' families
        // are known, so they raise nothing).
        let own = if component == "all" {
            all.clone()
        } else {
            sample(&[component])
        };
        for (name, text) in [("own", &own), ("all", &all)] {
            let out = check_text(
                component,
                &format!("sample-{component}-{name}.prom"),
                text,
                &[],
            );
            assert_exit(&out, 0, component);
            let text_report = stdout(&out);
            assert!(
                text_report.ends_with("COMPLIANT: 0 violations, 0 warnings\n"),
                "{component}: {text_report}"
            );
        }
    }
}

#[test]
fn standard_input_is_read_with_a_dash() {
    let mut child = bin()
        .args(["check", "--component", "scheduler", "-", "--format", "json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn check");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(sample(&["scheduler"]).as_bytes())
        .expect("feed check");
    let out = child.wait_with_output().expect("check ends");
    assert_exit(&out, 0, "stdin");
    let r = report(&out);
    assert_eq!(r["source"], "standard input");
    assert_eq!(r["compliant"], true);
    assert_eq!(r["coverage"]["required"], 10);
}

#[test]
fn an_unknown_prefixed_family_is_a_warning() {
    let text = format!(
        "{}# HELP trc_scheduler_surprise_total Not in the catalog.\n# TYPE trc_scheduler_surprise_total counter\ntrc_scheduler_surprise_total 1\n",
        sample(&["scheduler"])
    );
    let out = check_text("scheduler", "unknown-family.prom", &text, &[]);
    assert_exit(&out, 0, "unknown prefixed family");
    let report = stdout(&out);
    assert!(
        report.contains("warning [unknown_family] `trc_scheduler_surprise_total` has the prefix `trc_` of the catalog's families, but the catalog does not declare it"),
        "{report}"
    );
    assert!(
        report.ends_with("COMPLIANT: 0 violations, 1 warning\n"),
        "{report}"
    );
    // Families without the prefix (other libraries, the runtime's self-metrics) are not ours.
    let text = format!(
        "{}# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total 1\n",
        sample(&["scheduler"])
    );
    assert_exit(
        &check_text("scheduler", "foreign.prom", &text, &[]),
        0,
        "foreign family",
    );
}

/// The deprecated-family warning through the binary: `--catalog` takes the catalog as JSON
/// (what `metrics-demo json` prints), here with one family marked deprecated.
#[test]
fn a_deprecated_family_exposed_is_a_warning() {
    let out = run(&["json"]);
    assert!(out.status.success());
    let mut catalog: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    let scheduler = catalog["components"]
        .as_array_mut()
        .expect("components")
        .iter_mut()
        .find(|c| c["name"] == "scheduler")
        .expect("scheduler");
    let family = scheduler["families"]
        .as_array_mut()
        .expect("families")
        .iter_mut()
        .find(|f| f["name"] == "trc_scheduler_instance_drains_total")
        .expect("drains");
    family["deprecated_since"] = "1.2.0".into();
    let catalog_path = scratch("deprecated-catalog.json", &catalog.to_string());
    let catalog_arg = catalog_path.to_str().expect("UTF-8 path");

    let out = check_text(
        "scheduler",
        "deprecated.prom",
        &sample(&["scheduler"]),
        &["--catalog", catalog_arg],
    );
    assert_exit(&out, 0, "deprecated family");
    assert!(
        stdout(&out).contains("warning [deprecated_family] `trc_scheduler_instance_drains_total` is deprecated since 1.2.0 and still exposed"),
        "{}",
        stdout(&out)
    );
    // The same catalog, unchanged otherwise, passes without the warning on the built-in one.
    let out = check_text(
        "scheduler",
        "deprecated-builtin.prom",
        &sample(&["scheduler"]),
        &[],
    );
    assert!(
        !stdout(&out).contains("[deprecated_family]"),
        "{}",
        stdout(&out)
    );
    // A catalog file that is not a catalog is bad input.
    let bad = scratch("not-a-catalog.json", "{\"families\": 3}");
    let out = check_text(
        "scheduler",
        "deprecated-bad.prom",
        &sample(&["scheduler"]),
        &["--catalog", bad.to_str().expect("UTF-8 path")],
    );
    assert_bad_input(&out, "not a catalog in JSON", "bad --catalog");
}

// ---- exit 1 ---------------------------------------------------------------------------------

#[test]
fn a_forbidden_label_is_a_violation() {
    let text = format!(
        "{}# TYPE myapp_logins_total counter\nmyapp_logins_total{{email=\"someone@example.com\"}} 1\n",
        sample(&["control-plane"])
    );
    let out = check_text(
        "control-plane",
        "forbidden.prom",
        &text,
        &["--format", "json"],
    );
    assert_exit(&out, 1, "forbidden label");
    assert_eq!(
        findings(&out),
        [(
            "violation".to_string(),
            "forbidden_label".to_string(),
            "myapp_logins_total".to_string()
        )]
    );
    let r = report(&out);
    assert_eq!(r["findings"][0]["label"], "email");
    assert!(
        r["findings"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("a user id or email is unbounded")),
        "{r}"
    );
    assert_eq!(r["compliant"], false);
}

#[test]
fn a_raw_path_in_path_template_is_a_violation() {
    let text = sample(&["control-plane"]).replace(
        "path_template=\"/v1/orgs/{org_id}\"",
        "path_template=\"/v1/orgs/42\"",
    );
    let out = check_text("control-plane", "raw-path.prom", &text, &[]);
    assert_exit(&out, 1, "raw path");
    let report = stdout(&out);
    for family in [
        "trc_http_requests_total",
        "trc_http_request_duration_seconds",
    ] {
        assert!(
            report.contains(&format!(
                "violation [raw_path] `{family}` label `path_template` holds raw paths, not route templates: \"/v1/orgs/42\" (numeric id `42`)"
            )),
            "{report}"
        );
    }
    // A raw path is reported as such, not a second time as a value outside the enum.
    assert!(!report.contains("[label_value]"), "{report}");
    assert!(
        report.ends_with("NOT COMPLIANT: 2 violations, 0 warnings\n"),
        "{report}"
    );
}

/// Seed 000 compliance tests 3 and 4: unschedulable reasons and agent failure reasons are
/// exactly the bounded lists.
#[test]
fn an_unknown_reason_value_is_a_violation() {
    let text =
        sample(&["scheduler"]).replace("reason=\"ipam_exhausted\"", "reason=\"disk_on_fire\"");
    let out = check_text(
        "scheduler",
        "unknown-reason.prom",
        &text,
        &["--format", "json"],
    );
    assert_exit(&out, 1, "unknown unschedulable reason");
    let r = report(&out);
    assert_eq!(r["findings"][0]["check"], "label_value");
    assert_eq!(
        r["findings"][0]["family"],
        "trc_scheduler_unschedulable_total"
    );
    assert_eq!(r["findings"][0]["label"], "reason");
    assert_eq!(
        r["findings"][0]["values"],
        serde_json::json!(["disk_on_fire"])
    );
    assert!(r["findings"][0]["line"].as_u64().is_some());

    let text = sample(&["agent"]).replace("reason=\"oom_killed\"", "reason=\"kernel_panic\"");
    let out = check_text("agent", "unknown-failure.prom", &text, &[]);
    assert_exit(&out, 1, "unknown agent failure reason");
    assert!(
        stdout(&out).contains("violation [label_value] `trc_agent_instance_failures_total` label `reason` has values outside its declared enum: \"kernel_panic\""),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_missing_required_family_is_a_violation() {
    let text = replace_family(
        &sample(&["scheduler"]),
        "trc_scheduler_unschedulable_total",
        "",
    );
    assert!(!text.contains("trc_scheduler_unschedulable_total"));
    let out = check_text("scheduler", "missing.prom", &text, &["--format", "json"]);
    assert_exit(&out, 1, "missing family");
    assert_eq!(
        findings(&out),
        [(
            "violation".to_string(),
            "required_family".to_string(),
            "trc_scheduler_unschedulable_total".to_string()
        )]
    );
    // Another component's check does not require it.
    assert_exit(
        &check_text(
            "edge",
            "missing-edge.prom",
            &format!("{text}{}", sample(&["edge"])),
            &[],
        ),
        0,
        "edge",
    );
}

#[test]
fn a_wrong_type_is_a_violation() {
    let text = sample(&["scheduler"]).replace(
        "# TYPE trc_scheduler_unschedulable_total counter",
        "# TYPE trc_scheduler_unschedulable_total gauge",
    );
    let out = check_text("scheduler", "wrong-type.prom", &text, &[]);
    assert_exit(&out, 1, "wrong type");
    assert!(
        stdout(&out).contains("violation [family_type] `trc_scheduler_unschedulable_total` is exposed as gauge; it is declared counter"),
        "{}",
        stdout(&out)
    );
    // No TYPE line at all: untyped.
    let text =
        sample(&["scheduler"]).replace("# TYPE trc_scheduler_unschedulable_total counter\n", "");
    let out = check_text("scheduler", "untyped.prom", &text, &[]);
    assert_exit(&out, 1, "untyped");
    assert!(
        stdout(&out).contains("exposed as untyped (no TYPE line)"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_family_over_its_series_budget_is_a_violation() {
    // 1001 series of a family whose budget is 1000, through a label it does not declare.
    let mut block = String::from("# TYPE trc_scheduler_unschedulable_total counter\n");
    for i in 0..1001 {
        block.push_str(&format!(
            "trc_scheduler_unschedulable_total{{reason=\"ipam_exhausted\",shard=\"{i}\"}} 1\n"
        ));
    }
    let text = replace_family(
        &sample(&["scheduler"]),
        "trc_scheduler_unschedulable_total",
        &block,
    );
    let out = check_text(
        "scheduler",
        "over-budget.prom",
        &text,
        &["--format", "json"],
    );
    assert_exit(&out, 1, "over budget");
    assert_eq!(
        findings(&out),
        [
            (
                "violation".to_string(),
                "series_budget".to_string(),
                "trc_scheduler_unschedulable_total".to_string()
            ),
            (
                "warning".to_string(),
                "undeclared_label".to_string(),
                "trc_scheduler_unschedulable_total".to_string()
            ),
        ]
    );
    let r = report(&out);
    assert!(
        r["findings"][0]["message"].as_str().is_some_and(
            |m| m.contains("exposes 1001 series (1001 label sets), over its budget of 1000")
        ),
        "{r}"
    );
    assert_eq!(r["findings"][1]["distinct_values"], serde_json::Value::Null);
}

// ---- exit 2 ---------------------------------------------------------------------------------

#[test]
fn an_unreadable_file_is_bad_input() {
    let missing = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("check/does-not-exist.prom");
    let _ = std::fs::remove_file(&missing);
    let out = run(&[
        "check",
        "--component",
        "scheduler",
        "--file",
        missing.to_str().expect("UTF-8 path"),
    ]);
    assert_bad_input(&out, "cannot read", "missing file");
    let binary = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("check/binary.prom");
    std::fs::create_dir_all(binary.parent().expect("parent")).expect("dir");
    std::fs::write(&binary, [0xff, 0xfe, 0x00]).expect("write");
    let out = run(&[
        "check",
        "--component",
        "scheduler",
        "--file",
        binary.to_str().expect("UTF-8"),
    ]);
    assert_bad_input(&out, "not UTF-8", "binary file");
}

#[test]
fn a_malformed_exposition_is_bad_input() {
    let text = format!(
        "{}trc_scheduler_unschedulable_total{{reason=\"ipam_exhausted}} 1\n",
        sample(&["scheduler"])
    );
    let out = check_text("scheduler", "malformed.prom", &text, &[]);
    assert_bad_input(&out, "is not a valid text exposition: line", "malformed");
    assert!(stderr(&out).contains("unterminated"), "{}", stderr(&out));
}

/// Runs `check --component scheduler - ARGS` with `text` on standard input.
fn check_stdin(text: String, extra: &[&str]) -> Output {
    let mut child = bin()
        .args(["check", "--component", "scheduler", "-"])
        .args(extra)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn check");
    let mut pipe = child.stdin.take().expect("stdin");
    // The check may stop reading at its limit: a broken pipe is expected then.
    let writer = std::thread::spawn(move || {
        let _ = pipe.write_all(text.as_bytes());
    });
    let out = child.wait_with_output().expect("check ends");
    let _ = writer.join();
    out
}

/// A scrape is read whole or refused: over `--max-bytes` (64 MiB unless given) it is bad
/// input, on standard input as in a file, never judged on the part that fit. Here the part
/// that fits is compliant and the violation comes after it.
#[test]
fn a_scrape_over_the_size_limit_is_bad_input_never_compliant() {
    let compliant = sample(&["scheduler"]);
    let text = format!(
        "{compliant}# {}\n# TYPE myapp_logins_total counter\nmyapp_logins_total{{email=\"someone@example.com\"}} 1\n",
        "p".repeat(200)
    );
    let limit = (compliant.len() + 100).to_string();
    let max = ["--max-bytes", limit.as_str()];
    let out = check_stdin(text.clone(), &max);
    assert_bad_input(
        &out,
        &format!("standard input is larger than {limit} bytes (raise it with --max-bytes)"),
        "stdin over the limit",
    );
    let path = scratch("over-the-limit.prom", &text);
    let out = run(&[
        "check",
        "--component",
        "scheduler",
        "--file",
        path.to_str().expect("UTF-8 path"),
        "--max-bytes",
        &limit,
    ]);
    assert_bad_input(&out, "is larger than", "file over the limit");
    // Read whole (the default limit), the violation is found.
    let out = check_stdin(text, &[]);
    assert_exit(&out, 1, "stdin within the limit");
    assert!(
        stdout(&out).contains("violation [forbidden_label] `myapp_logins_total`"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_timeout_out_of_range_is_bad_input() {
    let path = scratch("timeout.prom", &sample(&["scheduler"]));
    for timeout in ["1e20", "1e-12", "inf"] {
        let out = run(&[
            "check",
            "--component",
            "scheduler",
            "--file",
            path.to_str().expect("UTF-8 path"),
            "--timeout",
            timeout,
        ]);
        assert_bad_input(&out, "is out of range", timeout);
    }
}

#[test]
fn an_unknown_component_is_bad_input() {
    let out = check_text(
        "billing",
        "unknown-component.prom",
        &sample(&["scheduler"]),
        &[],
    );
    assert_bad_input(
        &out,
        "unknown component `billing`; known: control-plane, events, projections, scheduler, agent, edge, all",
        "unknown component",
    );
}

#[test]
fn an_unreachable_url_is_bad_input() {
    // A loopback port nobody listens on: connection refused.
    let addr = free_port();
    let url = format!("http://{addr}/metrics");
    let out = run(&[
        "check",
        "--component",
        "scheduler",
        "--url",
        &url,
        "--timeout",
        "5",
    ]);
    assert_bad_input(&out, &format!("cannot reach {url}"), "unreachable");
    let out = run(&[
        "check",
        "--component",
        "scheduler",
        "--url",
        "https://127.0.0.1:1/metrics",
    ]);
    assert_bad_input(&out, "HTTPS is not supported", "https");
}

#[test]
fn no_input_or_two_inputs_are_usage_errors() {
    for args in [
        vec!["check", "--component", "scheduler"],
        vec!["check", "--component", "scheduler", "--file", "x", "-"],
        vec![
            "check",
            "--component",
            "scheduler",
            "--token",
            "t",
            "--file",
            "x",
        ],
        vec!["check", "--component", "scheduler", "stdin.prom"],
    ] {
        assert_exit(&run(&args), 2, &format!("{args:?}"));
    }
}

// ---- a live endpoint --------------------------------------------------------------------------

#[test]
fn live_serve_is_compliant_and_its_coverage_is_complete() {
    let addr = free_port();
    let _serve = start_serve(addr, &[]);
    let url = format!("http://{addr}/metrics");
    // Let the workload tick (50 ms) and the demo requests reach the middleware.
    std::thread::sleep(Duration::from_millis(600));
    let out = run(&["check", "--component", "all", "--url", &url, "--coverage"]);
    assert_exit(&out, 0, "live serve");
    let text = stdout(&out);
    assert!(
        text.ends_with("COMPLIANT: 0 violations, 0 warnings\n"),
        "{text}"
    );
    assert!(
        text.starts_with(&format!("check `all` on {url}: ")),
        "{text}"
    );

    let out = run(&[
        "check",
        "--component",
        "all",
        "--url",
        &url,
        "--format",
        "json",
    ]);
    assert_exit(&out, 0, "live serve, json");
    let r = report(&out);
    assert_eq!(r["coverage"]["required"], 68);
    assert_eq!(r["coverage"]["exposed"], 68);
    // Every counter and histogram has been recorded by now; only a gauge that happens to read
    // 0 at this scrape may look unrecorded (the limit of judging a gauge by its value).
    let catalog = metrics_demo::catalog();
    for name in r["coverage"]["never_recorded"].as_array().expect("list") {
        let kind = catalog
            .families()
            .find(|f| f.name == name.as_str().unwrap_or(""))
            .map(|f| f.kind);
        assert_eq!(kind, Some(Kind::Gauge), "{name} never recorded: {r}");
    }
    // The runtime's own families (`metrics_runtime_*`) do not have the platform prefix.
    assert!(r["families_in_scrape"].as_u64().unwrap_or(0) > 68);
}

#[test]
fn live_serve_with_a_token_needs_the_token() {
    let addr = free_port();
    let _serve = start_serve(addr, &["--token", "check-s3cret"]);
    let url = format!("http://{addr}/metrics");
    let out = run(&["check", "--component", "scheduler", "--url", &url]);
    assert_bad_input(&out, "answered HTTP 401 Unauthorized", "no token");
    assert!(
        stderr(&out).contains("pass it with --token"),
        "{}",
        stderr(&out)
    );
    let out = run(&[
        "check",
        "--component",
        "scheduler",
        "--url",
        &url,
        "--token",
        "wrong",
    ]);
    assert_bad_input(&out, "refused the token", "wrong token");
    let out = run(&[
        "check",
        "--component",
        "scheduler",
        "--url",
        &url,
        "--token",
        "check-s3cret",
    ]);
    assert_exit(&out, 0, "with token");
    let token_file = scratch("token", "check-s3cret\n");
    let out = run(&[
        "check",
        "--component",
        "scheduler",
        "--url",
        &url,
        "--token-file",
        token_file.to_str().expect("UTF-8 path"),
    ]);
    assert_exit(&out, 0, "with token file");
    let out = run(&[
        "check",
        "--component",
        "scheduler",
        "--url",
        &format!("http://{addr}/nope"),
        "--token",
        "check-s3cret",
    ]);
    assert_bad_input(&out, "answered HTTP 404", "wrong path");
}

// ---- coverage ---------------------------------------------------------------------------------

#[test]
fn check_coverage_lists_families_never_recorded_in_a_scrape() {
    // `sample` records nothing: every family is listed.
    let out = check_text(
        "projections",
        "coverage.prom",
        &sample(&["projections"]),
        &["--coverage"],
    );
    assert_exit(&out, 0, "coverage is information, not a violation");
    let text = stdout(&out);
    assert!(
        text.contains("coverage: 5 of 5 required families exposed, 0 recorded; never recorded (every sample 0): 5\n  never recorded: trc_projection_last_applied_event_id\n"),
        "{text}"
    );
    // One recorded family: it leaves the list.
    let text = sample(&["projections"]).replace(
        "trc_projection_errors_total{projection=\"routes\"} 0",
        "trc_projection_errors_total{projection=\"routes\"} 3",
    );
    let out = check_text(
        "projections",
        "coverage-one.prom",
        &text,
        &["--format", "json"],
    );
    let r = report(&out);
    assert_eq!(r["coverage"]["recorded"], 1);
    let never: Vec<&str> = r["coverage"]["never_recorded"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    assert_eq!(
        never,
        [
            "trc_projection_last_applied_event_id",
            "trc_projection_lag_events",
            "trc_projection_apply_duration_seconds",
            "trc_projection_rebuilds_total"
        ]
    );
    // Without --coverage the text report only counts them.
    let out = check_text(
        "projections",
        "coverage-count.prom",
        &sample(&["projections"]),
        &[],
    );
    assert!(stdout(&out).contains("5 never recorded (every sample 0; `--coverage` lists them)"));
}

#[test]
fn coverage_lists_families_a_scrape_shows_never_recorded() {
    let text = sample(&["edge"]);
    let out = check_text("edge", "coverage-edge.prom", &text, &[]);
    assert_exit(&out, 0, "check of the edge sample");
    let path = scratch("coverage-edge-file.prom", &text);
    let out = run(&[
        "coverage",
        "--component",
        "edge",
        "--file",
        path.to_str().expect("UTF-8 path"),
    ]);
    assert_exit(&out, 0, "coverage");
    let listed = stdout(&out);
    assert!(
        listed.starts_with("12 of 12 declared families never recorded in "),
        "{listed}"
    );
    assert!(listed.contains("trc_edge_routes_loaded\n"), "{listed}");
    // One recorded sample takes its family off the list.
    let recorded = text.replace("trc_edge_routes_loaded 0", "trc_edge_routes_loaded 3");
    std::fs::write(&path, recorded).expect("write");
    let out = run(&[
        "coverage",
        "--component",
        "edge",
        "--file",
        path.to_str().expect("UTF-8 path"),
        "--format",
        "json",
    ]);
    let r = report(&out);
    let never: Vec<&str> = r["never_recorded"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    assert_eq!(never.len(), 11, "{never:?}");
    assert!(!never.contains(&"trc_edge_routes_loaded"));
}

/// The runtime's `Registry::unrecorded` on the catalog's families, in this process.
#[test]
fn the_runtime_knows_what_was_recorded() {
    let Some(edge) = metrics_catalog::component("edge") else {
        panic!("edge")
    };
    let registry = edge.registry().expect("registry");
    let before = registry.unrecorded().len();
    metrics_catalog::edge::RoutesLoaded.set(3.0);
    let after: Vec<&str> = registry.unrecorded().iter().map(|f| f.name()).collect();
    assert_eq!(after.len(), before - 1);
    assert!(!after.contains(&"trc_edge_routes_loaded"));
}

// ---- the library, with a test-only descriptor list -------------------------------------------

/// A family declared only here, deprecated.
#[derive(MetricFamily)]
#[metric(
    counter,
    name = "trc_test_legacy_requests_total",
    deprecated_since = "0.9.0",
    component = "test"
)]
pub struct LegacyRequests;

#[test]
fn the_checker_takes_any_descriptor_list() {
    const TEST: Component = Component {
        name: "test",
        title: "Test",
        about: "",
        families: &[LegacyRequests::family],
    };
    let catalog = Catalog::from_components(&[&TEST]);
    let text = "# HELP trc_test_legacy_requests_total (Deprecated since 0.9.0) Old.\n# TYPE trc_test_legacy_requests_total counter\ntrc_test_legacy_requests_total 4\n";
    let parsed = exposition::parse(text).expect("parses");
    let r = check::run(&catalog, "test", &parsed, "test").expect("known component");
    assert!(r.compliant);
    assert_eq!(r.findings.len(), 1);
    assert_eq!(r.findings[0].check, Check::DeprecatedFamily);
    assert_eq!(r.findings[0].severity, Severity::Warning);
    assert!(r.findings[0].message.contains("deprecated since 0.9.0"));
    assert_eq!(r.coverage.recorded, 1);
    // The runtime writes the deprecation into HELP as Kubernetes does; the stability level
    // only where the declaring crate's policy asks for it (this package's does not).
    assert_eq!(
        LegacyRequests::family().descriptor().exposed_help(),
        "(Deprecated since 0.9.0) A family declared only here, deprecated."
    );
}

// ---- the platform's policy travels with its descriptors -------------------------------------

#[test]
fn the_platform_prefix_is_the_crates_policy() {
    // The descriptors carry the policy of the crate that declared them.
    let manifest = include_str!("../../metrics-catalog/Cargo.toml");
    assert!(
        manifest.contains("prefix = \"trc_\""),
        "metrics-catalog's policy"
    );
    for family in metrics_demo::catalog().families() {
        assert_eq!(family.prefix.as_deref(), Some("trc_"), "{}", family.name);
    }
}

/// `--timeout` covers reading `--catalog` too: a FIFO nobody writes is refused at the
/// deadline (exit 2), not waited on for ever.
#[cfg(unix)]
#[test]
fn a_catalog_nobody_writes_is_refused_at_the_timeout() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("check-fifo");
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    let fifo = dir.join("catalog.fifo");
    let _ = std::fs::remove_file(&fifo);
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let scrape = scratch("fifo-scrape.prom", "x 1\n");
    let started = std::time::Instant::now();
    let out = run(&[
        "--catalog",
        fifo.to_str().expect("utf-8 path"),
        "check",
        "--component",
        "all",
        "--file",
        scrape.to_str().expect("utf-8 path"),
        "--timeout",
        "0.5",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("not read within"), "{}", stderr(&out));
    assert!(started.elapsed() < Duration::from_secs(10));
    let _ = std::fs::remove_file(&fifo);
}
