//! Rules and dashboards from a catalog whose text is hostile: label values with `"`, regex
//! metacharacters and template delimiters, help text holding a template action. `promtool
//! check rules` must accept the rules, matchers must select exactly the declared values, and
//! `promtool test rules` must render the catalog text in annotations literally.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::process::Command;

use metrics_tools::Catalog;

const HELP: &str = r#"Requests. {{ with query \"up\" }}{{ . | first | value }}{{ end }} ${x} $var"#;

fn catalog() -> Catalog {
    let json = r#"{ "schema_version": 1, "components": [ { "name": "web",
      "families": [
        { "name": "app_x_total", "type": "counter", "max_series": 10, "help": "HELP",
          "labels": [ { "name": "code", "values": [ { "value": "ok" },
            { "value": "a\"b", "error": true }, { "value": "a.b", "error": true },
            { "value": "}}{{", "error": true }, { "value": "back\\slash", "error": true } ] } ] },
        { "name": "app_y_total", "type": "counter", "max_series": 10, "help": "One.",
          "labels": [ { "name": "code", "values": [ { "value": "ok" },
            { "value": "x\"y\\z", "error": true } ] } ] },
        { "name": "app_lag", "type": "gauge", "role": "lag", "unit": "{{u}}", "max_series": 1,
          "help": "HELP" } ] } ] }"#
        .replace("HELP", HELP);
    Catalog::from_json(&json).expect("the hostile catalog is a valid catalog")
}

fn rules() -> String {
    let c = catalog();
    let all: Vec<_> = c.components.iter().collect();
    metrics_tools::rules::render(&all)
}

fn promtool() -> Option<PathBuf> {
    let found = Command::new("promtool").arg("--version").output().is_ok();
    if !found {
        eprintln!("SKIPPED: promtool is not installed (.ci/run installs it)");
    }
    found.then(|| PathBuf::from("promtool"))
}

fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "metrics-tools-hostile-{name}-{}",
        std::process::id()
    ));
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn matchers_are_escaped_for_promql_and_re2() {
    let r = rules();
    assert!(
        r.contains(r#"code=~"a\"b|a\\.b|\\}\\}\\{\\{|back\\\\slash""#),
        "{r}"
    );
    assert!(r.contains(r#"code="x\"y\\z""#), "{r}");
}

#[test]
fn annotations_carry_catalog_text_literally() {
    let r = rules();
    assert!(
        !r.contains("{{ with query"),
        "an action from the help text survived:\n{r}"
    );
    assert!(r.contains(r#"{{ "{{" }} with query"#), "{r}");
}

#[test]
fn promtool_accepts_the_rules_and_renders_the_text_as_written() {
    let Some(promtool) = promtool() else { return };
    let d = dir("rules");
    std::fs::write(d.join("rules.yml"), rules()).unwrap();
    let out = Command::new(&promtool)
        .args(["check", "rules"])
        .arg(d.join("rules.yml"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "promtool check rules: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // `a.b` is an error, `axb` (what an unescaped `.` would also match) is not: the ratio is
    // 10/40 = 25%, and would be 30/40 = 75% with `axb` counted.
    let test = r#"rule_files: [rules.yml]
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: 'app_x_total{job="j",instance="i",code="ok"}'
        values: '0+10x30'
      - series: 'app_x_total{job="j",instance="i",code="a.b"}'
        values: '0+10x30'
      - series: 'app_x_total{job="j",instance="i",code="axb"}'
        values: '0+20x30'
    alert_rule_test:
      - eval_time: 20m
        alertname: AppXErrorRatioHigh
        exp_alerts:
          - exp_labels: {job: j, severity: warning, component: web}
            exp_annotations:
              summary: 'j: 25% of app_x_total are errors (code a"b, a.b, }}{{, back\slash)'
              description: 'More than 5% of `app_x_total` over 5 minutes have `code` in {a"b, a.b, }}{{, back\slash} (the values the catalog counts as errors), for 10 minutes. Requests. {{ with query "up" }}{{ . | first | value }}{{ end }} ${x} $var'
"#;
    std::fs::write(d.join("test.yml"), test).unwrap();
    let out = Command::new(&promtool)
        .args(["test", "rules", "test.yml"])
        .current_dir(&d)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "promtool test rules: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
