//! The real `promtool` on what `metrics-demo rules` and `metrics-demo dashboard` print:
//! `promtool check rules` (with every lint, fatal) accepts the rules; `promtool test rules`
//! shows that the error-ratio, unschedulable-spike, projection-lag, target-down and absent
//! alerts fire on series that should fire them and stay silent on series that should not;
//! and every PromQL expression of the dashboards, written as recording rules, passes
//! `promtool check rules`.
//!
//! Without promtool these tests print SKIPPED, unless `METRICS_REQUIRE_PROMETHEUS=1`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::run;
use metrics_tests::find_tool;

fn output(args: &[&str]) -> String {
    let out = run(args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

fn scratch_dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("promtool-rules")
        .join(name);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// Runs promtool with `args`; returns (success, everything printed).
fn promtool(promtool: &Path, args: &[&str], dir: &Path) -> (bool, String) {
    let out = Command::new(promtool)
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run promtool");
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[test]
fn promtool_check_rules_accepts_the_generated_rules() {
    let Some(tool) = find_tool(
        "promtool",
        "promtool_check_rules_accepts_the_generated_rules",
    ) else {
        return;
    };
    let dir = scratch_dir("check");
    let rules = output(&["rules"]);
    std::fs::write(dir.join("rules.yml"), &rules).expect("write rules");
    let (ok, printed) = promtool(
        &tool,
        &["check", "rules", "--lint=all", "--lint-fatal", "rules.yml"],
        &dir,
    );
    assert!(ok, "promtool check rules:\n{printed}");
    let records = rules.matches("- record: ").count();
    let alerts = rules.matches("- alert: ").count();
    assert!(
        printed.contains(&format!("SUCCESS: {} rules found", records + alerts)),
        "{printed}"
    );
    // Each component's file on its own, too (rules only refer to their own component).
    for c in metrics_catalog::COMPONENTS {
        let name = format!("{}.yml", c.name);
        std::fs::write(dir.join(&name), output(&["rules", "--component", c.name])).expect("write");
        let (ok, printed) = promtool(&tool, &["check", "rules", "--lint-fatal", &name], &dir);
        assert!(ok, "{}: {printed}", c.name);
    }
}

/// The test would be worthless if promtool accepted anything.
#[test]
fn promtool_check_rules_rejects_a_broken_rule() {
    let Some(tool) = find_tool("promtool", "promtool_check_rules_rejects_a_broken_rule") else {
        return;
    };
    let dir = scratch_dir("broken");
    std::fs::write(
        dir.join("broken.yml"),
        "groups:\n  - name: x\n    rules:\n      - record: job:x:rate5m\n        expr: 'sum without (instance) (rate(x[5m])'\n",
    )
    .expect("write");
    let (ok, printed) = promtool(&tool, &["check", "rules", "broken.yml"], &dir);
    assert!(!ok, "{printed}");
}

/// `promtool test rules`: input series in, alerts (with rendered annotations) and recorded
/// values out.
const RULE_TESTS: &str = r#"rule_files:
  - rules.yml
evaluation_interval: 1m
tests:
  # Half the control plane's requests answer 5xx: the ratio is 0.5 and the alert fires after
  # its 10 minutes; 4xx answers are the clients' fault and do not count.
  - interval: 1m
    input_series:
      - series: 'trc_http_requests_total{job="cp",instance="a",method="get",path_template="/v1/orgs",status="2xx"}'
        values: '0+60x40'
      - series: 'trc_http_requests_total{job="cp",instance="b",method="post",path_template="/v1/orgs",status="5xx"}'
        values: '0+90x40'
      - series: 'trc_http_requests_total{job="cp",instance="b",method="post",path_template="/v1/orgs",status="4xx"}'
        values: '0+30x40'
    promql_expr_test:
      - expr: job:trc_http_requests_errors:ratio_rate5m
        eval_time: 10m
        exp_samples:
          - labels: 'job:trc_http_requests_errors:ratio_rate5m{job="cp"}'
            value: 0.5
      - expr: job_method_path_template_status:trc_http_requests:rate5m{status="2xx"}
        eval_time: 10m
        exp_samples:
          - labels: 'job_method_path_template_status:trc_http_requests:rate5m{job="cp",method="get",path_template="/v1/orgs",status="2xx"}'
            value: 1
    alert_rule_test:
      - eval_time: 5m
        alertname: TrcHttpRequestsErrorRatioHigh
        exp_alerts: []
      - eval_time: 25m
        alertname: TrcHttpRequestsErrorRatioHigh
        exp_alerts:
          - exp_labels:
              severity: warning
              component: control-plane
              job: cp
            exp_annotations:
              summary: 'cp: 50% of trc_http_requests_total are errors (status 5xx)'
              description: 'More than 5% of `trc_http_requests_total` over 5 minutes have `status` in {5xx} (the values the catalog counts as errors), for 10 minutes. HTTP requests served by the control plane API, by method, route template and status class.'

  # A healthy mix: 1% errors stays below the threshold.
  - interval: 1m
    input_series:
      - series: 'trc_event_append_total{job="ev",instance="a",result="ok"}'
        values: '0+99x40'
      - series: 'trc_event_append_total{job="ev",instance="a",result="error"}'
        values: '0+1x40'
      - series: 'trc_event_append_total{job="ev",instance="a",result="conflict"}'
        values: '0+50x40'
    alert_rule_test:
      - eval_time: 30m
        alertname: TrcEventAppendErrorRatioHigh
        exp_alerts: []

  # Rollouts have no counter with their outcome: the histogram's _count gives the ratio.
  - interval: 1m
    input_series:
      - series: 'trc_scheduler_rollout_seconds_count{job="sched",instance="a",result="succeeded"}'
        values: '0+1x40'
      - series: 'trc_scheduler_rollout_seconds_count{job="sched",instance="a",result="rolled_back"}'
        values: '0+1x40'
    promql_expr_test:
      - expr: job:trc_scheduler_rollout_errors:ratio_rate5m
        eval_time: 10m
        exp_samples:
          - labels: 'job:trc_scheduler_rollout_errors:ratio_rate5m{job="sched"}'
            value: 0.5

  # A reason that jumps from nothing to 0.5/s is a spike; one steady at 0.5/s is not.
  - interval: 1m
    input_series:
      - series: 'trc_scheduler_unschedulable_total{job="sched",instance="a",reason="ipam_exhausted"}'
        values: '0x60 0+30x20'
      - series: 'trc_scheduler_unschedulable_total{job="sched",instance="a",reason="no_nodes_active"}'
        values: '0+30x80'
    alert_rule_test:
      - eval_time: 58m
        alertname: TrcSchedulerUnschedulableSpike
        exp_alerts: []
      - eval_time: 70m
        alertname: TrcSchedulerUnschedulableSpike
        exp_alerts:
          - exp_labels:
              severity: warning
              component: scheduler
              job: sched
              reason: ipam_exhausted
            exp_annotations:
              summary: 'sched: 0.50/s trc_scheduler_unschedulable_total (ipam_exhausted)'
              description: '`trc_scheduler_unschedulable_total` rose above 3/min and 3 times its rate over the last hour, for 5 minutes. Placements the scheduler could not make, by reason.'

  # `routes` is behind and its position never moves: stalled. `orgs` is far behind but
  # applying: lag alert only.
  - interval: 1m
    input_series:
      - series: 'trc_projection_lag_events{job="proj",instance="a",projection="routes"}'
        values: '5x30'
      - series: 'trc_projection_last_applied_event_id{job="proj",instance="a",projection="routes"}'
        values: '100x30'
      - series: 'trc_projection_lag_events{job="proj",instance="a",projection="orgs"}'
        values: '5000x30'
      - series: 'trc_projection_last_applied_event_id{job="proj",instance="a",projection="orgs"}'
        values: '100+10x30'
    alert_rule_test:
      - eval_time: 20m
        alertname: TrcProjectionLagEventsStalled
        exp_alerts:
          - exp_labels:
              severity: critical
              component: projections
              job: proj
              projection: routes
            exp_annotations:
              summary: 'proj routes: stalled 5 events behind'
              description: '`trc_projection_lag_events` is above 0 and `trc_projection_last_applied_event_id` has not moved for 10 minutes: nothing is being applied (work that fails and is retried forever looks like this; see the component''s errors).'
      - eval_time: 20m
        alertname: TrcProjectionLagEventsHigh
        exp_alerts:
          - exp_labels:
              severity: warning
              component: projections
              job: proj
              projection: orgs
            exp_annotations:
              summary: 'proj orgs: 5000 events behind'
              description: '`trc_projection_lag_events` has been above 1000 for 10 minutes. Events appended to the log but not yet applied by the projection.'

  # Target `b` of a job exporting the scheduler's families goes down at 5m: TargetDown fires
  # for it after 5 minutes, and for no other target (`c`'s job never exported them); the
  # scheduler is not absent while `a` reports. Nothing exports the edge's families: absent.
  - interval: 1m
    input_series:
      - series: 'up{job="sched",instance="a"}'
        values: '1x30'
      - series: 'up{job="sched",instance="b"}'
        values: '1x5 0x25'
      - series: 'trc_scheduler_reconcile_runs_total{job="sched",instance="a"}'
        values: '0+1x30'
      - series: 'trc_scheduler_reconcile_runs_total{job="sched",instance="b"}'
        values: '0+1x5'
      - series: 'up{job="other",instance="c"}'
        values: '0x30'
    alert_rule_test:
      - eval_time: 8m
        alertname: TrcSchedulerTargetDown
        exp_alerts: []
      - eval_time: 20m
        alertname: TrcSchedulerTargetDown
        exp_alerts:
          - exp_labels:
              severity: warning
              component: scheduler
              job: sched
              instance: b
            exp_annotations:
              summary: 'sched b: a target of scheduler is down'
              description: 'Prometheus cannot scrape this target of a job that exported `trc_scheduler_reconcile_runs_total` in the last 1h, for 5 minutes. The component''s aggregates go on over the targets that remain (a rate fades the lost target out over its window).'
      - eval_time: 20m
        alertname: TrcSchedulerAbsent
        exp_alerts: []
      - eval_time: 20m
        alertname: TrcEdgeAbsent
        exp_alerts:
          - exp_labels:
              severity: critical
              component: edge
            exp_annotations:
              summary: 'no target exports edge''s metrics'
              description: 'No target has exported `trc_edge_routes_loaded` for 10 minutes: every replica of edge is down, or no longer scraped.'
"#;

#[test]
fn promtool_test_rules_shows_the_alerts_fire_when_they_should() {
    let Some(tool) = find_tool(
        "promtool",
        "promtool_test_rules_shows_the_alerts_fire_when_they_should",
    ) else {
        return;
    };
    let dir = scratch_dir("test");
    std::fs::write(dir.join("rules.yml"), output(&["rules"])).expect("write rules");
    std::fs::write(dir.join("tests.yml"), RULE_TESTS).expect("write tests");
    let (ok, printed) = promtool(&tool, &["test", "rules", "tests.yml"], &dir);
    assert!(ok, "promtool test rules:\n{printed}");
    assert!(printed.contains("SUCCESS"), "{printed}");
}

/// Every query of the generated dashboards, written as a recording rule (`$__rate_interval`
/// replaced by `5m`, the datasource variable being no part of a query).
#[test]
fn every_dashboard_expression_passes_promtool() {
    let Some(tool) = find_tool("promtool", "every_dashboard_expression_passes_promtool") else {
        return;
    };
    let mut dashboards = vec![output(&["dashboard"])];
    for c in metrics_catalog::COMPONENTS {
        dashboards.push(output(&["dashboard", "--component", c.name]));
    }
    let mut exprs = std::collections::BTreeSet::new();
    let mut count = 0;
    for text in &dashboards {
        let json: serde_json::Value = serde_json::from_str(text).expect("dashboard JSON");
        for e in metrics_tools::dashboard::expressions(&json) {
            count += 1;
            exprs.insert(e);
        }
    }
    assert!(count >= 2 * 68, "queries found: {count}");
    let mut rules = String::from("groups:\n  - name: dashboard-expressions\n    rules:\n");
    for (i, e) in exprs.iter().enumerate() {
        let e = metrics_tools::dashboard::as_promql(e);
        assert!(!e.contains('$'), "a variable left in {e}");
        rules.push_str(&format!(
            "      - record: dashboard_expr_{i}\n        expr: {}\n",
            metrics_tools::rules::quote(&e)
        ));
    }
    let dir = scratch_dir("dashboard");
    std::fs::write(dir.join("dashboard-exprs.yml"), &rules).expect("write");
    let (ok, printed) = promtool(
        &tool,
        &["check", "rules", "--lint-fatal", "dashboard-exprs.yml"],
        &dir,
    );
    assert!(ok, "promtool on the dashboard expressions:\n{printed}");
    assert!(
        printed.contains(&format!("SUCCESS: {} rules found", exprs.len())),
        "{printed}"
    );
}
