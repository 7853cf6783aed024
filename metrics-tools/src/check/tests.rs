//! The checker over small hand-built catalogs, written as a user in another language writes
//! one: JSON.

use metrics_exposition::{Exposition, parse};

use super::*;

/// Component `demo` (four families, one per rule of declaration: route templates and a fixed
/// enum, a capped label, a waived forbidden label, a deprecated family) and component `api`
/// (known to a `demo` check, not required by it), all under the prefix `trc_`.
const CATALOG: &str = r#"{
  "schema_version": 1,
  "components": [
    { "name": "demo", "families": [
      { "name": "trc_requests_total", "type": "counter", "max_series": 20, "prefix": "trc_",
        "labels": [
          { "name": "path_template", "route_templates": true,
            "values": [ { "value": "/v1/things/{id}" }, { "value": "unmatched" } ] },
          { "name": "result", "values": [ { "value": "ok" }, { "value": "error", "error": true } ] }
        ] },
      { "name": "trc_nodes", "type": "gauge", "max_series": 20, "prefix": "trc_",
        "labels": [ { "name": "node_id", "cap": 2 } ] },
      { "name": "trc_hosts", "type": "gauge", "max_series": 20, "prefix": "trc_",
        "labels": [ { "name": "host", "waiver": "three known hosts",
                      "values": [ { "value": "a" }, { "value": "b" }, { "value": "c" } ] } ] },
      { "name": "trc_old_total", "type": "counter", "max_series": 20, "prefix": "trc_",
        "deprecated_since": "1.2.0" }
    ] },
    { "name": "api", "families": [
      { "name": "trc_api_requests_total", "type": "counter", "max_series": 20, "prefix": "trc_",
        "labels": [
          { "name": "route", "route_templates": true,
            "values": [ { "value": "/v1/orgs/{org_id}" }, { "value": "/v1/orgs/42" } ] },
          { "name": "path_template", "values": [ { "value": "/v1/orgs/7" } ] }
        ] }
    ] }
  ]
}"#;

fn catalog() -> Catalog {
    Catalog::from_json(CATALOG).unwrap_or_else(|e| panic!("{e}"))
}

fn parsed(text: &str) -> Exposition<'_> {
    parse(text).unwrap_or_else(|e| panic!("{e}"))
}

/// The report of [`run`] over the parsed exposition, checked to be the report of a
/// [`Checker`] reading it one family at a time (what the CLI does).
fn check_with(catalog: &Catalog, component: &str, text: &str) -> Report {
    let whole = run(catalog, component, &parsed(text), "test").unwrap_or_else(|e| panic!("{e}"));
    let mut checker = Checker::new(catalog, component, text).unwrap_or_else(|e| panic!("{e}"));
    metrics_exposition::parse_each(text, None, &mut checker).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(checker.report("test"), whole, "streamed and whole differ");
    whole
}

fn check(text: &str) -> Report {
    check_with(&catalog(), "demo", text)
}

const GOOD: &str = "# TYPE trc_requests_total counter\n\
    trc_requests_total{path_template=\"/v1/things/{id}\",result=\"ok\"} 3\n\
    trc_requests_total{path_template=\"unmatched\",result=\"error\"} 0\n\
    # TYPE trc_nodes gauge\n\
    trc_nodes{node_id=\"n1\"} 1\n\
    trc_nodes{node_id=\"n2\"} 1\n\
    trc_nodes{node_id=\"__overflow__\"} 4\n\
    # TYPE trc_hosts gauge\n\
    trc_hosts{host=\"a\"} 0\n";

fn checks(r: &Report) -> Vec<(Check, &str, Option<&str>)> {
    r.findings
        .iter()
        .map(|f| (f.check, f.family.as_str(), f.label.as_deref()))
        .collect()
}

#[test]
fn a_compliant_scrape_has_no_violations_and_reports_coverage() {
    // trc_old_total is missing: it is required, so that is the one violation.
    let r = check(GOOD);
    assert_eq!(checks(&r), [(Check::RequiredFamily, "trc_old_total", None)]);
    assert!(!r.compliant);
    assert!(
        r.findings[0]
            .message
            .contains("`trc_old_total` (counter) is required and absent"),
        "{}",
        r.findings[0].message
    );
    let with_old = format!("{GOOD}# TYPE trc_old_total counter\ntrc_old_total 0\n");
    let r = check(&with_old);
    assert!(r.compliant, "{}", r.to_text(true));
    assert_eq!(
        checks(&r),
        [(Check::DeprecatedFamily, "trc_old_total", None)]
    );
    assert!(r.findings[0].message.contains("deprecated since 1.2.0"));
    assert_eq!(r.coverage.required, 4);
    assert_eq!(r.coverage.exposed, 4);
    assert_eq!(r.coverage.recorded, 2);
    assert_eq!(r.coverage.never_recorded, ["trc_hosts", "trc_old_total"]);
    let text = r.to_text(true);
    assert!(text.contains("  never recorded: trc_hosts\n"), "{text}");
    assert!(
        text.ends_with("COMPLIANT: 0 violations, 1 warning\n"),
        "{text}"
    );
    let text = r.to_text(false);
    assert!(
        text.contains("; 2 never recorded (every sample 0; `--coverage` lists them)"),
        "{text}"
    );
}

#[test]
fn coverage_on_its_own_is_the_reports() {
    let text = format!("{GOOD}# TYPE trc_old_total counter\ntrc_old_total 0\n");
    let c = coverage(&catalog(), "demo", &parsed(&text)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c, check(&text).coverage);
    let c = coverage(&catalog(), ALL, &parsed(GOOD)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((c.required, c.exposed, c.recorded), (5, 3, 2));
    assert!(coverage(&catalog(), "billing", &parsed(GOOD)).is_err());
}

#[test]
fn label_checks() {
    let text = "# TYPE trc_requests_total counter\n\
        trc_requests_total{path_template=\"/v1/things/42\",result=\"ok\"} 1\n\
        trc_requests_total{path_template=\"/v1/things/{id}\",result=\"weird\"} 1\n\
        trc_requests_total{path_template=\"/v1/things/{id}\",result=\"ok\",user_id=\"7\"} 1\n\
        trc_requests_total{path_template=\"/v1/things/{id}\"} 1\n\
        trc_requests_total{path_template=\"/v1/things/{id}\",result=\"error\",shard=\"1\"} 1\n\
        # TYPE trc_nodes gauge\n\
        trc_nodes{node_id=\"n1\"} 1\n\
        trc_nodes{node_id=\"n2\"} 1\n\
        trc_nodes{node_id=\"n3\"} 1\n\
        # TYPE trc_hosts gauge\n\
        trc_hosts{host=\"a\"} 0\n\
        # TYPE other_logins_total counter\n\
        other_logins_total{email=\"a@example.com\"} 1\n\
        # TYPE trc_surprise gauge\n\
        trc_surprise 1\n\
        # TYPE trc_old_total gauge\n\
        trc_old_total 1\n";
    let r = check(text);
    assert_eq!(
        checks(&r),
        [
            (Check::FamilyType, "trc_old_total", None),
            (Check::ForbiddenLabel, "other_logins_total", Some("email")),
            (Check::ForbiddenLabel, "trc_requests_total", Some("user_id")),
            (Check::RawPath, "trc_requests_total", Some("path_template")),
            (Check::LabelValue, "trc_nodes", Some("node_id")),
            (Check::LabelValue, "trc_requests_total", Some("result")),
            (Check::UnknownFamily, "trc_surprise", None),
            (Check::DeprecatedFamily, "trc_old_total", None),
            (Check::UndeclaredLabel, "trc_requests_total", Some("shard")),
        ],
        "{}",
        r.to_text(false)
    );
    let value = r.of(Check::LabelValue);
    let result = value
        .iter()
        .find(|f| f.label.as_deref() == Some("result"))
        .unwrap_or_else(|| panic!("no result finding"));
    assert_eq!(result.values, ["weird", ""]);
    assert_eq!(result.distinct_values, 2);
    assert_eq!(result.line, Some(3));
    assert!(
        result.message.contains("declared: ok, error"),
        "{}",
        result.message
    );
    let raw = r.of(Check::RawPath);
    assert!(
        raw[0].message.contains("numeric id `42`"),
        "{}",
        raw[0].message
    );
    assert!(
        r.of(Check::LabelValue)[0]
            .message
            .contains("capped label `node_id` has 3 distinct values besides `__overflow__`, more than its cap of 2")
    );
    assert!(
        r.of(Check::FamilyType)[0]
            .message
            .contains("exposed as gauge; it is declared counter")
    );
    // The reason and the bounded alternative come from the policy's one table.
    let email = r.of(Check::ForbiddenLabel)[0];
    let policy = metrics_policy::forbidden_label("email").unwrap_or_else(|| panic!("email"));
    assert!(email.message.contains(policy.reason), "{}", email.message);
    assert!(email.message.contains(policy.instead), "{}", email.message);
    let surprise = r.of(Check::UnknownFamily)[0];
    assert!(
        surprise.message.contains("prefix `trc_`"),
        "{}",
        surprise.message
    );
    assert_eq!(r.violations, 6);
    assert_eq!(r.warnings, 3);
}

#[test]
fn route_templates_are_the_declared_labels_not_a_label_name() {
    // `route` is declared as route templates: a raw path there is reported even though the
    // catalog lists it as a value. `path_template` is not: its values are held to the enum
    // only. The family belongs to `api`, so a `demo` check knows it without requiring it.
    let text = format!(
        "{GOOD}# TYPE trc_old_total counter\ntrc_old_total 1\n\
         # TYPE trc_api_requests_total counter\n\
         trc_api_requests_total{{route=\"/v1/orgs/42\",path_template=\"/v1/orgs/7\"}} 1\n\
         trc_api_requests_total{{route=\"/v1/orgs/{{org_id}}\",path_template=\"/v1/orgs/8\"}} 1\n"
    );
    let r = check(&text);
    assert_eq!(
        checks(&r),
        [
            (Check::RawPath, "trc_api_requests_total", Some("route")),
            (
                Check::LabelValue,
                "trc_api_requests_total",
                Some("path_template")
            ),
            (Check::DeprecatedFamily, "trc_old_total", None),
        ],
        "{}",
        r.to_text(false)
    );
    assert_eq!(r.of(Check::RawPath)[0].values, ["/v1/orgs/42"]);
    assert_eq!(r.of(Check::LabelValue)[0].values, ["/v1/orgs/8"]);
    assert_eq!(r.coverage.required, 4);
}

#[test]
fn a_waiver_admits_a_forbidden_name_only_where_it_is_declared() {
    // `host` is waived on trc_hosts; on trc_nodes, which does not declare it, it is forbidden
    // (and not also reported as undeclared).
    let text = "# TYPE trc_hosts gauge\n\
        trc_hosts{host=\"b\"} 1\n\
        # TYPE trc_nodes gauge\n\
        trc_nodes{node_id=\"n1\",host=\"b\"} 1\n";
    let r = check(text);
    assert_eq!(
        r.of(Check::ForbiddenLabel)
            .iter()
            .map(|f| (f.family.as_str(), f.label.as_deref()))
            .collect::<Vec<_>>(),
        [("trc_nodes", Some("host"))],
        "{}",
        r.to_text(false)
    );
    assert!(r.of(Check::UndeclaredLabel).is_empty());
    // A waived label still holds only its declared values.
    let r = check("# TYPE trc_hosts gauge\ntrc_hosts{host=\"d\"} 1\n");
    assert_eq!(r.of(Check::LabelValue)[0].values, ["d"]);
}

#[test]
fn unknown_families_are_those_under_a_declared_prefix() {
    let text = "# TYPE trc_surprise gauge\ntrc_surprise 1\n\
        # TYPE process_open_fds gauge\nprocess_open_fds 9\n\
        # TYPE trcx_total counter\ntrcx_total 1\n";
    let r = check(text);
    assert_eq!(
        checks(&r)
            .into_iter()
            .filter(|c| c.0 == Check::UnknownFamily)
            .collect::<Vec<_>>(),
        [(Check::UnknownFamily, "trc_surprise", None)]
    );
    // Without a declared prefix, the checker does not guess which families are the crate's.
    let unprefixed = Catalog::from_json(
        r#"{ "schema_version": 1, "components": [ { "name": "payments", "families": [
            { "name": "pay_charges_total", "type": "counter", "max_series": 5 } ] } ] }"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let r = check_with(
        &unprefixed,
        "payments",
        "# TYPE pay_charges_total counter\npay_charges_total 1\n\
         # TYPE pay_refunds_total counter\npay_refunds_total 1\n",
    );
    assert!(r.findings.is_empty(), "{}", r.to_text(false));
    assert!(r.compliant);
}

#[test]
fn series_budget_counts_samples_histograms_included() {
    let mut text = String::from("# TYPE trc_requests_total counter\n");
    for i in 0..21 {
        text.push_str(&format!(
            "trc_requests_total{{path_template=\"unmatched\",result=\"ok\",shard=\"{i}\"}} 1\n"
        ));
    }
    let r = check(&text);
    let budget = r.of(Check::SeriesBudget);
    assert_eq!(budget.len(), 1, "{}", r.to_text(false));
    assert!(
        budget[0]
            .message
            .contains("21 series (21 label sets), over its budget of 20")
    );
    // The undeclared label is listed once, with its values counted.
    assert_eq!(r.of(Check::UndeclaredLabel).len(), 1);

    // A histogram's budget counts its buckets, sum and count: 2 label sets of 3 buckets
    // (with +Inf), sum and count are 10 samples, over a budget of 8.
    let histograms = Catalog::from_json(
        r#"{ "schema_version": 1, "components": [ { "name": "h", "families": [
            { "name": "trc_wait_seconds", "type": "histogram", "max_series": 8,
              "buckets": [ 0.1, 1.0 ],
              "labels": [ { "name": "queue", "values": [ { "value": "a" }, { "value": "b" } ] } ] }
        ] } ] }"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let mut text = String::from("# TYPE trc_wait_seconds histogram\n");
    for q in ["a", "b"] {
        for le in ["0.1", "1", "+Inf"] {
            text.push_str(&format!(
                "trc_wait_seconds_bucket{{queue=\"{q}\",le=\"{le}\"}} 1\n"
            ));
        }
        text.push_str(&format!("trc_wait_seconds_sum{{queue=\"{q}\"}} 0.5\n"));
        text.push_str(&format!("trc_wait_seconds_count{{queue=\"{q}\"}} 1\n"));
    }
    let r = check_with(&histograms, "h", &text);
    assert_eq!(
        checks(&r),
        [(Check::SeriesBudget, "trc_wait_seconds", None)],
        "{}",
        r.to_text(false)
    );
    assert!(
        r.findings[0]
            .message
            .contains("10 series (2 label sets), over its budget of 8"),
        "{}",
        r.findings[0].message
    );
}

#[test]
fn capped_labels_admit_any_value_up_to_the_cap() {
    // Two own values and any amount of overflow are within a cap of 2; the overflow value
    // does not count, nor does the same value twice.
    let ok = "# TYPE trc_nodes gauge\n\
        trc_nodes{node_id=\"x\"} 1\n\
        trc_nodes{node_id=\"__overflow__\"} 7\n";
    assert!(check(ok).of(Check::LabelValue).is_empty());
    let over = "# TYPE trc_nodes gauge\n\
        trc_nodes{node_id=\"x\"} 1\n\
        trc_nodes{node_id=\"y\"} 1\n\
        trc_nodes{node_id=\"z\"} 1\n\
        trc_nodes{node_id=\"__overflow__\"} 7\n";
    let r = check(over);
    let f = r.of(Check::LabelValue);
    assert_eq!(f.len(), 1, "{}", r.to_text(false));
    assert_eq!(f[0].label.as_deref(), Some("node_id"));
    assert!(
        f[0].message.contains("has 3 distinct values"),
        "{}",
        f[0].message
    );
}

#[test]
fn untyped_families_and_empty_input() {
    let r = check("trc_requests_total{path_template=\"unmatched\",result=\"ok\"} 1\n");
    let t = r.of(Check::FamilyType);
    assert!(
        t[0].message.contains("untyped (no TYPE line)"),
        "{}",
        t[0].message
    );
    let r = check("");
    assert_eq!(r.of(Check::RequiredFamily).len(), 4);
    assert_eq!(r.coverage.exposed, 0);
}

#[test]
fn unknown_component_is_an_error() {
    let Err(e) = run(&catalog(), "billing", &Exposition::default(), "test") else {
        panic!("an unknown component was accepted")
    };
    assert!(
        e.contains("unknown component `billing`; known: demo, api, all"),
        "{e}"
    );
    let r = run(&catalog(), ALL, &Exposition::default(), "t").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.of(Check::RequiredFamily).len(), 5);
}

#[test]
fn the_report_serializes_for_format_json() {
    let r = check("# TYPE trc_hosts gauge\ntrc_hosts{host=\"d\"} 1\n");
    let json = serde_json::to_value(&r).unwrap_or_else(|e| panic!("{e}"));
    let finding = &json["findings"][0];
    assert_eq!(finding["severity"], "violation");
    assert_eq!(finding["check"], "required_family");
    assert!(finding.get("label").is_none());
    let value = json["findings"]
        .as_array()
        .and_then(|f| f.iter().find(|f| f["check"] == "label_value"))
        .unwrap_or_else(|| panic!("{json}"));
    assert_eq!(value["values"][0], "d");
    assert_eq!(value["distinct_values"], 1);
    assert_eq!(json["compliant"], false);
}

#[test]
fn a_native_histogram_text_exposition_is_compliant() {
    // A native-only histogram scraped as text is `+Inf`, `_sum` and `_count` per label set:
    // compliant, within the budget that counts its native buckets.
    let native = Catalog::from_json(
        r#"{ "schema_version": 1, "components": [ { "name": "n", "families": [
            { "name": "trc_wait_seconds", "type": "histogram", "max_series": 400,
              "native": { "schema": 3, "zero_threshold": 1e-9, "max_buckets": 160 },
              "labels": [ { "name": "queue", "values": [ { "value": "a" }, { "value": "b" } ] } ] }
        ] } ] }"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let family = native
        .families()
        .next()
        .map(|f| (f.worst_case_series, f.native));
    assert_eq!(
        family,
        Some((
            2 * (3 + 160),
            Some(crate::schema::NativeHistogram {
                schema: 3,
                zero_threshold: 1e-9,
                max_buckets: 160
            })
        ))
    );
    let mut text = String::from("# TYPE trc_wait_seconds histogram\n");
    for q in ["a", "b"] {
        text.push_str(&format!(
            "trc_wait_seconds_bucket{{queue=\"{q}\",le=\"+Inf\"}} 3\n"
        ));
        text.push_str(&format!("trc_wait_seconds_sum{{queue=\"{q}\"}} 0.5\n"));
        text.push_str(&format!("trc_wait_seconds_count{{queue=\"{q}\"}} 3\n"));
    }
    let r = check_with(&native, "n", &text);
    assert!(r.findings.is_empty(), "{}", r.to_text(false));
}

#[test]
fn a_missing_label_is_explained_only_when_listed() {
    let r = check(
        "# TYPE trc_requests_total counter\ntrc_requests_total{path_template=\"unmatched\",result=\"weird\"} 1\n",
    );
    let message = &r.of(Check::LabelValue)[0].message;
    assert!(message.contains("enum: \"weird\"; declared"), "{message}");
    assert!(!message.contains("missing label"), "{message}");
    let r = check(
        "# TYPE trc_requests_total counter\ntrc_requests_total{path_template=\"unmatched\"} 1\n",
    );
    let message = &r.of(Check::LabelValue)[0].message;
    assert!(
        message.contains("enum: \"\" (\"\" is a missing label); declared"),
        "{message}"
    );
}

#[test]
fn findings_the_input_multiplies_are_listed_up_to_a_bound_and_counted() {
    // One unknown family and one forbidden label per family: the first LISTED_FINDINGS of
    // each are listed, all are counted, the verdict is the same.
    let mut text = String::new();
    for i in 0..250 {
        text.push_str(&format!("trc_f{i:03}{{email=\"x\"}} 1\n"));
    }
    text.push_str("# TYPE trc_requests_total counter\ntrc_requests_total{path_template=\"unmatched\",result=\"ok\"");
    for i in 0..150 {
        text.push_str(&format!(",extra{i}=\"1\""));
    }
    text.push_str("} 1\n");
    let r = check(&text);
    assert_eq!(r.of(Check::UnknownFamily).len(), LISTED_FINDINGS);
    assert_eq!(r.of(Check::ForbiddenLabel).len(), LISTED_FINDINGS);
    assert_eq!(r.of(Check::UndeclaredLabel).len(), LISTED_FINDINGS);
    assert_eq!(
        r.unlisted.iter().map(|(c, n)| (*c, *n)).collect::<Vec<_>>(),
        [
            (Check::ForbiddenLabel, 150),
            (Check::UnknownFamily, 150),
            (Check::UndeclaredLabel, 50),
        ]
    );
    // 250 forbidden labels, 3 required families absent.
    assert_eq!((r.violations, r.warnings), (250 + 3, 250 + 150));
    assert!(!r.compliant);
    let text = r.to_text(false);
    assert!(
        text.contains("warning [unknown_family] and 150 more not listed (only the first 100 are)"),
        "{text}"
    );
}

/// A crate's own policy travels in its catalog: its `forbidden_labels` are refused on any
/// family of the scrape, and its `tenant_labels` on any counter or histogram (not on a gauge,
/// nor where the catalog declares the label with a waiver).
#[test]
fn the_catalog_crates_own_policy_holds_for_every_family() {
    let catalog = Catalog::from_json(
        r#"{ "schema_version": 1, "components": [ { "name": "pay", "families": [
          { "name": "pay_charges_total", "type": "counter", "max_series": 20, "prefix": "pay_",
            "forbidden_labels": ["shard"], "tenant_labels": ["org_id"] },
          { "name": "pay_queue_depth", "type": "gauge", "max_series": 20, "prefix": "pay_",
            "forbidden_labels": ["shard"], "tenant_labels": ["org_id"],
            "labels": [ { "name": "org_id", "cap": 5 } ] },
          { "name": "pay_orgs_total", "type": "counter", "max_series": 20, "prefix": "pay_",
            "forbidden_labels": ["shard"], "tenant_labels": ["org_id"],
            "labels": [ { "name": "org_id", "cap": 5, "waiver": "five pilot orgs" } ] }
        ] } ] }"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(catalog.forbidden_labels(), ["shard"]);
    assert_eq!(catalog.tenant_labels(), ["org_id"]);
    let text = "# TYPE pay_charges_total counter\npay_charges_total 1\n\
                # TYPE pay_queue_depth gauge\npay_queue_depth{org_id=\"a\"} 1\n\
                # TYPE pay_orgs_total counter\npay_orgs_total{org_id=\"a\"} 1\n\
                # TYPE hand_written_total counter\nhand_written_total{shard=\"3\"} 1\n\
                # TYPE hand_requests_total counter\nhand_requests_total{org_id=\"a\"} 1\n\
                # TYPE hand_latency_seconds histogram\n\
                hand_latency_seconds_bucket{org_id=\"a\",le=\"+Inf\"} 1\n\
                hand_latency_seconds_sum{org_id=\"a\"} 1\n\
                hand_latency_seconds_count{org_id=\"a\"} 1\n\
                # TYPE hand_sessions gauge\nhand_sessions{org_id=\"a\"} 1\n";
    let r = check_with(&catalog, "pay", text);
    let found: Vec<(&str, &str)> = r
        .of(Check::ForbiddenLabel)
        .iter()
        .map(|f| (f.family.as_str(), f.label.as_deref().unwrap_or("")))
        .collect();
    assert_eq!(
        found,
        [
            ("hand_latency_seconds", "org_id"),
            ("hand_requests_total", "org_id"),
            ("hand_written_total", "shard"),
        ],
        "{r:?}"
    );
    let shard = r.of(Check::ForbiddenLabel)[2];
    assert!(
        shard.message.contains("forbidden_labels"),
        "{}",
        shard.message
    );
    let tenant = r.of(Check::ForbiddenLabel)[0];
    assert!(
        tenant
            .message
            .contains("tenant label `org_id` on a histogram"),
        "{}",
        tenant.message
    );
    assert!(!r.compliant);
    // The policy round-trips through the catalog's JSON.
    let again = Catalog::from_json(&catalog.to_json()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(again.forbidden_labels(), ["shard"]);
    // A name in the policy lists that is no label name is bad input.
    let err = Catalog::from_json(
        r#"{ "schema_version": 1, "components": [ { "name": "pay", "families": [
          { "name": "pay_x_total", "type": "counter", "max_series": 2,
            "forbidden_labels": ["sh-ard"] } ] } ] }"#,
    )
    .expect_err("not a label name");
    assert!(err.contains("forbidden_labels"), "{err}");
}

/// Gauge `a{l}` and counter `c_total`, under the prefix `trc_`.
const SMALL: &str = r#"{ "schema_version": 1, "components": [ { "name": "s", "families": [
  { "name": "a", "type": "gauge", "max_series": 2,
    "labels": [ { "name": "l", "values": [ { "value": "ok" } ] } ] },
  { "name": "c_total", "type": "counter", "max_series": 2 } ] } ] }"#;

#[test]
fn findings_of_every_check_the_input_multiplies_are_capped() {
    // A declared family handed over again and again (what a scrape of a family split into
    // many fragments makes of it): every fragment is untyped, misses its label, holds a
    // value outside the enum. Each check lists 100 findings and counts the rest.
    let catalog = Catalog::from_json(SMALL).unwrap_or_else(|e| panic!("{e}"));
    let text = "a{l=\"bad\"} 0\n";
    let exposition = parsed(text);
    let sample = exposition.families[0].samples[0].clone();
    let mut checker = Checker::with_text(&catalog, "s", None).unwrap_or_else(|e| panic!("{e}"));
    for _ in 0..1000 {
        let mut head = FamilyHead::default();
        head.name = "a";
        head.kind = "untyped";
        checker.sample_of(&head, &sample);
        checker.end_of(&head, 1, || 1);
    }
    let r = checker.report("test");
    assert_eq!(r.of(Check::FamilyType).len(), LISTED_FINDINGS);
    assert_eq!(r.of(Check::LabelValue).len(), LISTED_FINDINGS);
    assert_eq!(r.unlisted.get(&Check::FamilyType), Some(&900));
    assert_eq!(r.unlisted.get(&Check::LabelValue), Some(&900));
    // required_family is bounded by the catalog: always listed whole.
    assert_eq!(r.of(Check::RequiredFamily).len(), 1);
    assert_eq!(r.violations, 2001);
}

#[test]
fn a_declared_family_opened_again_stops_the_parse_there() {
    let catalog = Catalog::from_json(SMALL).unwrap_or_else(|e| panic!("{e}"));
    let mut text = String::from("# TYPE a gauge\na{l=\"ok\"} 0\nb 0\n");
    text.push_str(&"a{l=\"ok\"} 0\nb 0\n".repeat(10_000));
    let mut checker = Checker::new(&catalog, "s", &text).unwrap_or_else(|e| panic!("{e}"));
    let e = metrics_exposition::parse_each(&text, None, &mut checker).expect_err("split");
    assert_eq!(
        (e.line, e.message.as_str()),
        (4, "the lines of family `a` are not grouped together")
    );
    assert_eq!(
        Some(e),
        parse(&text).err(),
        "the error the whole parse gives"
    );
    assert_eq!(checker.samples, 2, "stopped at the fragment");
    // A family the catalog does not declare is found at the end, as before.
    let text = "b 0\nc_total 1\nb 1\n";
    let mut checker = Checker::new(&catalog, "s", text).unwrap_or_else(|e| panic!("{e}"));
    let e = metrics_exposition::parse_each(text, None, &mut checker).expect_err("split");
    assert_eq!(e.line, 3);
    assert_eq!(checker.samples, 3);
}

#[test]
fn many_declared_labels_are_looked_up_not_scanned() {
    // A family of 20,000 labels and a sample holding them all: each label was found by a
    // scan of the declaration, and each declared label by a scan of the sample (4 s in a
    // release build).
    let n = 20_000;
    let labels: Vec<String> = (0..n)
        .map(|i| format!(r#"{{ "name": "l{i}", "values": [ {{ "value": "v" }} ] }}"#))
        .collect();
    let json = format!(
        r#"{{ "schema_version": 1, "components": [ {{ "name": "w", "families": [
          {{ "name": "wide", "type": "gauge", "max_series": 1, "labels": [ {} ] }} ] }} ] }}"#,
        labels.join(",")
    );
    let catalog = Catalog::from_json(&json).unwrap_or_else(|e| panic!("{e}"));
    let pairs: Vec<String> = (0..n).map(|i| format!("l{i}=\"v\"")).collect();
    let all = format!("# TYPE wide gauge\nwide{{{}}} 1\n", pairs.join(","));
    let start = std::time::Instant::now();
    let r = check_with(&catalog, "w", &all);
    assert!(r.compliant, "{:?}", r.findings);
    assert!(
        start.elapsed() < std::time::Duration::from_secs(1),
        "{:?}",
        start.elapsed()
    );
    // One label missing, one value outside the enum: both still found.
    let some = all.replace("l7=\"v\",", "").replace("l9=\"v\"", "l9=\"w\"");
    let r = check_with(&catalog, "w", &some);
    let mut found: Vec<_> = r
        .of(Check::LabelValue)
        .iter()
        .map(|f| (f.label.clone(), f.values.clone()))
        .collect();
    found.sort();
    assert_eq!(
        found,
        [
            (Some("l7".to_string()), vec![String::new()]),
            (Some("l9".to_string()), vec!["w".to_string()])
        ]
    );
}

/// The unknown-family test finds a name's longest prefix by binary search per distinct
/// prefix length: 60,000 prefixes cost a name a few dozen comparisons, not 60,000, and the
/// answer is the one a scan of every prefix gives.
#[test]
fn the_longest_prefix_is_found_without_scanning_every_prefix() {
    let owned: Vec<String> = (0..60_000).map(|i| format!("p{i}_")).collect();
    let mut all: Vec<&str> = owned.iter().map(String::as_str).collect();
    all.extend(["p1", "é", "", "q"]);
    let prefixes = Prefixes::new(all.clone());
    let scan = |name: &str| {
        all.iter()
            .copied()
            .filter(|p| name.starts_with(*p))
            .max_by_key(|p| p.len())
    };
    for name in [
        "q0",
        "p12_x",
        "p1_",
        "p1",
        "p59999_total",
        "éa",
        "x",
        "",
        "p6000",
    ] {
        let (found, comparisons) = prefixes.longest_counted(name);
        assert_eq!(found, scan(name), "{name}");
        // Distinct lengths (1, 2, 3, ... 7) times log2(60,004) rounded up.
        assert!(comparisons <= 8 * 17, "{name}: {comparisons} comparisons");
    }
    let none = Prefixes::new(Vec::new());
    assert_eq!(none.longest_counted("q0"), (None, 0));
}

/// An OpenMetrics body (its last line `# EOF`) names a counter family without `_total`: the
/// family `c` of samples `c_total` and `c_created` is the catalog's `c_total`. The same lines
/// as a text exposition (no `# EOF`) are read as before.
#[test]
fn an_openmetrics_counter_family_is_the_catalogs_total() {
    let catalog = Catalog::from_json(SMALL).unwrap_or_else(|e| panic!("{e}"));
    let body = "# TYPE a gauge\na{l=\"ok\"} 1\n# TYPE c counter\nc_total 3\nc_created 1.7e9\n";
    let om = format!("{body}# EOF\n");
    let report = check_with(&catalog, "s", &om);
    assert!(report.compliant, "{report:#?}");
    assert_eq!(report.findings, Vec::new(), "{report:#?}");
    assert_eq!(report.coverage.recorded, 2);
    // Without the final line feed too.
    assert!(check_with(&catalog, "s", om.trim_end()).compliant);
    // Text 0.0.4: unchanged, the family is `c`, and `c_total` is missing.
    let text = check_with(&catalog, "s", body);
    assert!(!text.compliant);
    assert!(
        text.findings
            .iter()
            .any(|f| f.check == Check::RequiredFamily && f.family == "c_total"),
        "{text:#?}"
    );
    // The server's word (`application/openmetrics-text`) counts as much as the `# EOF`.
    let mut checker = Checker::new(&catalog, "s", &om).unwrap_or_else(|e| panic!("{e}"));
    metrics_exposition::parse_each_openmetrics(&om, None, &mut checker)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(checker.report("test").compliant);
}

/// After `# EOF` nothing may follow; a body the server calls OpenMetrics must end with it;
/// OpenMetrics' own kinds are read (untyped or gauge) rather than refused, and stay refused
/// in a text exposition.
#[test]
fn openmetrics_ends_at_eof_and_its_own_kinds_are_read() {
    let e = parse("a 1\n# EOF\nb 2\n# EOF\n").expect_err("after EOF");
    assert_eq!(e.line, 3, "{e}");
    assert!(e.message.contains("after `# EOF`"), "{e}");
    let mut count = (Exposition::default(), Vec::new());
    let e =
        metrics_exposition::parse_each_openmetrics("a 1\n", None, &mut count).expect_err("no EOF");
    assert!(e.message.contains("`# EOF`"), "{e}");
    let kinds = "# TYPE u unknown\nu 1\n# TYPE i info\ni_info{v=\"1\"} 1\n# TYPE s stateset\ns{s=\"a\"} 1\ns{s=\"b\"} 0\n# TYPE g gaugehistogram\ng_bucket{le=\"1\"} 1\ng_bucket{le=\"+Inf\"} 1\ng_gcount 1\ng_gsum 0.5\n";
    let om = format!("{kinds}# EOF\n");
    let parsed = parsed(&om);
    let seen: Vec<(&str, &str, usize)> = parsed
        .families
        .iter()
        .map(|f| (f.name, f.kind, f.samples.len()))
        .collect();
    assert_eq!(
        seen,
        [
            ("u", "untyped", 1),
            ("i", "untyped", 1),
            ("s", "gauge", 2),
            ("g", "gauge", 4)
        ]
    );
    let catalog = Catalog::from_json(SMALL).unwrap_or_else(|e| panic!("{e}"));
    let report = check_with(&catalog, "s", &om);
    assert_eq!(report.families_in_scrape, 4);
    let e = parse(kinds).expect_err("text has no `unknown` type");
    assert!(e.message.contains("unknown type"), "{e}");
}

/// A JSON report quotes at most [`LISTED_BYTES`] of each value and name: ten values of a
/// megabyte make a report of kilobytes, each value cut and marked; the text message stays.
#[test]
fn a_json_report_cuts_long_values() {
    let catalog = Catalog::from_json(SMALL).unwrap_or_else(|e| panic!("{e}"));
    let mut text = String::from("# TYPE a gauge\n");
    for i in 0..10 {
        text.push_str(&format!("a{{l=\"{i}{}\"}} 1\n", "é".repeat(512 << 10)));
    }
    let report = check_with(&catalog, "s", &text);
    let finding = report
        .findings
        .iter()
        .find(|f| f.check == Check::LabelValue)
        .unwrap_or_else(|| panic!("{report:#?}"));
    assert_eq!(finding.values.len(), 10);
    let json = serde_json::to_string(&report).unwrap_or_else(|e| panic!("{e}"));
    assert!(json.len() < 20 << 10, "{} bytes", json.len());
    assert!(
        json.contains("…[cut: 1048577 bytes in all]"),
        "{json:.2000}"
    );
    let short = cut_for_report("short");
    assert_eq!(short, "short");
    let long = "x".repeat(LISTED_BYTES + 1);
    assert!(cut_for_report(&long).ends_with(&format!("…[cut: {} bytes in all]", LISTED_BYTES + 1)));
}
