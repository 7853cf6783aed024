//! Prometheus recording and alerting rules (`metrics-catalog rules`), built from the
//! families' descriptors: one recording group and one alerting group per component.
//!
//! Recording rules follow Prometheus' `level:metric:operations` convention. The level names
//! the labels kept: `job` plus the family's own labels (`job_reason:...`), every aggregation
//! being `sum without (instance)` so target labels an operator adds (`env`, `region`) survive.
//!
//! | family | recorded |
//! | --- | --- |
//! | counter | `<level>:<name>:rate5m`, the per-second rate by every label |
//! | counter or histogram with an outcome label ([`error_split`]) | `job:<name>_errors:rate5m` and `job:<name>_errors:ratio_rate5m`, errors over all outcomes |
//! | histogram | `<level>:<name>_bucket:rate5m`, then `job:<name>:p50_rate5m`, `p95`, `p99` (and per label set when a family has at most [`QUANTILES_PER_SET_MAX`] label sets) |
//! | histogram with an outcome label no counter of its component carries | `<level>:<stem>:rate5m` from `_count` (`trc_scheduler_rollout` from `trc_scheduler_rollout_seconds`), so its errors get a ratio too |
//! | lag gauge (`_lag` in the name) | `<level>:<name>:max` and `<level>:<name>:deriv5m` |
//! | position gauge (`_last_applied_event_id`) | `<level>:<name>:max` |
//! | `*_unschedulable_total` | also `<level>:<name>:rate1h`, the baseline for spikes |
//!
//! | alert | when | for | severity |
//! | --- | --- | --- | --- |
//! | `<Family>ErrorRatioHigh` | the error ratio is over [`ERROR_RATIO_THRESHOLD`] | 10m | warning |
//! | `<Family>High` (lag) | the lag is over [`LAG_THRESHOLD`] events | 10m | warning |
//! | `<Family>Stalled` (lag) | lag above 0 while the position gauge has not moved for 10 minutes | 5m | critical |
//! | `<Family>Spike` (unschedulable) | more than 0.05/s and 3 × the last hour's rate, per reason | 5m | warning |
//!
//! The YAML is written here rather than with a YAML crate: the shape is fixed and small, and
//! every scalar is single-quoted ([`quote`]). A test runs `promtool check rules` on it.

use std::fmt::Write as _;

use metrics_runtime::{FamilyDescriptor, LabelDescriptor, MetricKind};

use crate::Component;

/// Label values that count as errors in error ratios: failures the platform owns or must act
/// on. Client mistakes (`4xx`, `invalid_grant`, `not_found`, `invalid`, `conflict`) and
/// abandoned work (`cancelled`) are not errors.
///
/// Label enums carry no "this value is an error" mark (the derive has no such attribute), so
/// the classification is by value name; the generated rules name the values they count.
pub const ERROR_VALUES: &[&str] = &[
    "error",
    "failed",
    "5xx",
    "server_error",
    "timeout",
    "rejected",
    "rolled_back",
    "no_space",
    "no_healthy_backend",
    "upstream_failed",
];

/// Label names whose values are outcomes, in order of preference.
pub const OUTCOME_LABELS: &[&str] = &["result", "status"];

/// Error ratio above which `...ErrorRatioHigh` fires (5%).
pub const ERROR_RATIO_THRESHOLD: f64 = 0.05;

/// Lag, in the gauge's unit (events), above which `...High` fires.
pub const LAG_THRESHOLD: f64 = 1000.0;

/// Histograms with at most this many label sets also get quantiles per label set.
pub const QUANTILES_PER_SET_MAX: usize = 20;

/// The quantiles recorded for every histogram.
pub const QUANTILES: &[(&str, f64)] = &[("p50", 0.5), ("p95", 0.95), ("p99", 0.99)];

/// A family's outcome label and which of its values are errors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorSplit {
    /// The outcome label (`result` or `status`).
    pub label: &'static str,
    /// Its values that are errors ([`ERROR_VALUES`]).
    pub errors: Vec<&'static str>,
}

/// The outcome label of a family and its error values, when it has an outcome label with at
/// least one error value.
pub fn error_split(d: &FamilyDescriptor) -> Option<ErrorSplit> {
    let label = outcome_label(d)?;
    let errors: Vec<&'static str> = label
        .values
        .iter()
        .copied()
        .filter(|v| ERROR_VALUES.contains(v))
        .collect();
    (!errors.is_empty()).then_some(ErrorSplit {
        label: label.name,
        errors,
    })
}

fn outcome_label(d: &FamilyDescriptor) -> Option<&'static LabelDescriptor> {
    OUTCOME_LABELS
        .iter()
        .find_map(|name| d.labels.iter().find(|l| l.name == *name))
}

/// One rule.
#[derive(Debug, Clone, PartialEq)]
pub enum Rule {
    /// A recording rule.
    Record {
        /// The recorded series name.
        record: String,
        /// PromQL.
        expr: String,
    },
    /// An alerting rule.
    Alert {
        /// The alert name.
        alert: String,
        /// PromQL.
        expr: String,
        /// How long the condition must hold.
        for_: &'static str,
        /// `warning` or `critical`.
        severity: &'static str,
        /// The component, as a label.
        component: &'static str,
        /// One line for people, with template variables.
        summary: String,
        /// What it means.
        description: String,
    },
}

impl Rule {
    /// The PromQL expression.
    pub fn expr(&self) -> &str {
        match self {
            Rule::Record { expr, .. } | Rule::Alert { expr, .. } => expr,
        }
    }
}

/// A rule group.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// The group name (unique in the file).
    pub name: String,
    /// Its rules, evaluated in order.
    pub rules: Vec<Rule>,
}

/// The level of a series that keeps `job` and `labels`: `job`, `job_reason`, ...
fn level(labels: &[&str]) -> String {
    let mut s = String::from("job");
    for l in labels {
        s.push('_');
        s.push_str(l);
    }
    s
}

fn label_names(d: &FamilyDescriptor) -> Vec<&'static str> {
    d.labels.iter().map(|l| l.name).collect()
}

/// `instance` and the given labels, for `sum without (...)`.
fn without(labels: &[&str]) -> String {
    let mut all = vec!["instance"];
    all.extend_from_slice(labels);
    all.join(", ")
}

/// A regex alternative of literal values, escaped.
fn alternatives(values: &[&str]) -> String {
    values
        .iter()
        .map(|v| {
            v.chars()
                .flat_map(|c| {
                    let special = "\\.+*?()|[]{}^$".contains(c);
                    special.then_some('\\').into_iter().chain([c])
                })
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("|")
}

/// A label matcher selecting the given values.
pub fn matcher(label: &str, values: &[&str]) -> String {
    match values {
        [one] => format!("{label}=\"{one}\""),
        _ => format!(
            "{label}=~\"{}\"",
            alternatives(values).replace('\\', "\\\\")
        ),
    }
}

/// `TrcSchedulerUnschedulable` from `trc_scheduler_unschedulable`.
fn camel(name: &str) -> String {
    name.split('_')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let mut c = p.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// The family name without `_total` (counters): the metric part of recorded names.
fn base(d: &FamilyDescriptor) -> &'static str {
    d.name.strip_suffix("_total").unwrap_or(d.name)
}

/// The event a histogram times, named without its unit: `trc_scheduler_rollout` for
/// `trc_scheduler_rollout_seconds`.
fn stem(d: &FamilyDescriptor) -> &'static str {
    let name = d.name;
    ["_duration_seconds", "_seconds", "_duration"]
        .iter()
        .find_map(|s| name.strip_suffix(s))
        .unwrap_or(name)
}

/// Whether a counter of the component carries the histogram's outcome label (same name and
/// type), so its error ratio already covers the histogram's events.
fn covered_by_counter(d: &FamilyDescriptor, c: &Component) -> bool {
    let Some(outcome) = outcome_label(d) else {
        return false;
    };
    c.descriptors().iter().any(|other| {
        other.kind == MetricKind::Counter
            && other
                .labels
                .iter()
                .any(|l| l.name == outcome.name && l.type_name == outcome.type_name)
    })
}

/// The rule groups of the given components, in their order.
pub fn groups(components: &[&Component]) -> Vec<Group> {
    let mut out = Vec::new();
    for c in components {
        let (recording, alerts) = component_rules(c);
        if !recording.is_empty() {
            out.push(Group {
                name: format!("trc-{}.recording", c.name),
                rules: recording,
            });
        }
        if !alerts.is_empty() {
            out.push(Group {
                name: format!("trc-{}.alerts", c.name),
                rules: alerts,
            });
        }
    }
    out
}

fn record(record: String, expr: String) -> Rule {
    Rule::Record { record, expr }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// An event count (a counter, or a histogram's `_count`) with an outcome label: its rate, its
/// errors and their ratio, and the alert on the ratio.
struct Events<'a> {
    c: &'a Component,
    d: &'a FamilyDescriptor,
    /// The series to rate (`name` or `name_count`).
    series: String,
    /// The metric part of the recorded names.
    metric: &'a str,
}

impl Events<'_> {
    fn rules(&self, recording: &mut Vec<Rule>, alerts: &mut Vec<Rule>) {
        let labels = label_names(self.d);
        let lvl = level(&labels);
        let rate = format!("{lvl}:{}:rate5m", self.metric);
        recording.push(record(
            rate.clone(),
            format!("sum without (instance) (rate({}[5m]))", self.series),
        ));
        if self.d.unit.is_some() && self.d.kind == MetricKind::Counter {
            return; // a count of bytes, not of events: no error ratio
        }
        let Some(split) = error_split(self.d) else {
            return;
        };
        let errors = format!("job:{}_errors:rate5m", self.metric);
        let ratio = format!("job:{}_errors:ratio_rate5m", self.metric);
        let m = matcher(split.label, &split.errors);
        recording.push(record(
            errors.clone(),
            format!(
                "sum without ({}) (rate({}{{{m}}}[5m]))",
                without(&labels),
                self.series
            ),
        ));
        let total = if labels.is_empty() {
            rate.clone()
        } else {
            format!("sum without ({}) ({rate})", labels.join(", "))
        };
        recording.push(record(ratio.clone(), format!("{errors} / {total}")));
        let values = split.errors.join(", ");
        alerts.push(Rule::Alert {
            alert: format!("{}ErrorRatioHigh", camel(self.metric)),
            expr: format!("{ratio} > {ERROR_RATIO_THRESHOLD}"),
            for_: "10m",
            severity: "warning",
            component: self.c.name,
            summary: format!(
                "{{{{ $labels.job }}}}: {{{{ $value | humanizePercentage }}}} of {} are errors ({} {values})",
                self.series, split.label
            ),
            description: format!(
                "More than {}% of `{}` over 5 minutes have `{}` in {{{values}}} (the values the catalog counts as errors), for 10 minutes. {}",
                ERROR_RATIO_THRESHOLD * 100.0,
                self.series,
                split.label,
                one_line(self.d.help)
            ),
        });
    }
}

fn component_rules(c: &Component) -> (Vec<Rule>, Vec<Rule>) {
    let mut recording = Vec::new();
    let mut alerts = Vec::new();
    let descriptors = c.descriptors();
    for d in &descriptors {
        let labels = label_names(d);
        let lvl = level(&labels);
        match d.kind {
            MetricKind::Counter => {
                Events {
                    c,
                    d,
                    series: d.name.to_string(),
                    metric: base(d),
                }
                .rules(&mut recording, &mut alerts);
                if d.name.ends_with("_unschedulable_total") {
                    unschedulable_rules(c, d, &lvl, &mut recording, &mut alerts);
                }
            }
            MetricKind::Histogram => {
                histogram_rules(d, &labels, &lvl, &mut recording);
                if error_split(d).is_some() && !covered_by_counter(d, c) {
                    Events {
                        c,
                        d,
                        series: format!("{}_count", d.name),
                        metric: stem(d),
                    }
                    .rules(&mut recording, &mut alerts);
                }
            }
            MetricKind::Gauge => {
                if d.name.contains("_lag") {
                    lag_rules(c, d, &descriptors, &lvl, &mut recording, &mut alerts);
                } else if d.name.ends_with("_last_applied_event_id") {
                    recording.push(record(
                        format!("{lvl}:{}:max", d.name),
                        format!("max without (instance) ({})", d.name),
                    ));
                }
            }
        }
    }
    (recording, alerts)
}

fn histogram_rules(d: &FamilyDescriptor, labels: &[&str], lvl: &str, recording: &mut Vec<Rule>) {
    let buckets = format!("{lvl}:{}_bucket:rate5m", d.name);
    recording.push(record(
        buckets.clone(),
        format!("sum without (instance) (rate({}_bucket[5m]))", d.name),
    ));
    let job_buckets = if labels.is_empty() {
        buckets.clone()
    } else {
        format!("sum without ({}) ({buckets})", labels.join(", "))
    };
    for (name, q) in QUANTILES {
        recording.push(record(
            format!("job:{}:{name}_rate5m", d.name),
            format!("histogram_quantile({q}, {job_buckets})"),
        ));
    }
    if !labels.is_empty() && d.label_sets <= QUANTILES_PER_SET_MAX {
        for (name, q) in QUANTILES {
            recording.push(record(
                format!("{lvl}:{}:{name}_rate5m", d.name),
                format!("histogram_quantile({q}, {buckets})"),
            ));
        }
    }
}

fn lag_rules(
    c: &Component,
    d: &FamilyDescriptor,
    descriptors: &[&FamilyDescriptor],
    lvl: &str,
    recording: &mut Vec<Rule>,
    alerts: &mut Vec<Rule>,
) {
    let max = format!("{lvl}:{}:max", d.name);
    recording.push(record(
        max.clone(),
        format!("max without (instance) ({})", d.name),
    ));
    recording.push(record(
        format!("{lvl}:{}:deriv5m", d.name),
        format!("deriv({max}[5m])"),
    ));
    let unit = d.name.rsplit('_').next().unwrap_or("units");
    let per = d
        .labels
        .first()
        .map(|l| format!(" {{{{ $labels.{} }}}}", l.name))
        .unwrap_or_default();
    alerts.push(Rule::Alert {
        alert: format!("{}High", camel(d.name)),
        expr: format!("{max} > {LAG_THRESHOLD}"),
        for_: "10m",
        severity: "warning",
        component: c.name,
        summary: format!("{{{{ $labels.job }}}}{per}: {{{{ $value }}}} {unit} behind"),
        description: format!(
            "`{}` has been above {LAG_THRESHOLD} for 10 minutes. {}",
            d.name,
            one_line(d.help)
        ),
    });
    // A position gauge with the same labels tells a slow worker from a stuck one.
    let same_labels = |o: &&&FamilyDescriptor| {
        o.kind == MetricKind::Gauge
            && o.name.ends_with("_last_applied_event_id")
            && label_names(o) == label_names(d)
    };
    if let Some(position) = descriptors.iter().find(same_labels) {
        let pos = format!("{lvl}:{}:max", position.name);
        alerts.push(Rule::Alert {
            alert: format!(
                "{}Stalled",
                camel(d.name.split("_lag").next().unwrap_or(d.name))
            ),
            expr: format!("{max} > 0 and changes({pos}[10m]) == 0"),
            for_: "5m",
            severity: "critical",
            component: c.name,
            summary: format!(
                "{{{{ $labels.job }}}}{per}: stalled {{{{ $value }}}} {unit} behind"
            ),
            description: format!(
                "`{}` is above 0 and `{}` has not moved for 10 minutes: the worker applies nothing (a failing batch is retried forever; see the errors counter).",
                d.name, position.name
            ),
        });
    }
}

fn unschedulable_rules(
    c: &Component,
    d: &FamilyDescriptor,
    lvl: &str,
    recording: &mut Vec<Rule>,
    alerts: &mut Vec<Rule>,
) {
    let rate5m = format!("{lvl}:{}:rate5m", base(d));
    let rate1h = format!("{lvl}:{}:rate1h", base(d));
    recording.push(record(
        rate1h.clone(),
        format!("sum without (instance) (rate({}[1h]))", d.name),
    ));
    let per = d
        .labels
        .first()
        .map(|l| format!(" ({{{{ $labels.{} }}}})", l.name))
        .unwrap_or_default();
    alerts.push(Rule::Alert {
        alert: format!("{}Spike", camel(base(d))),
        expr: format!("{rate5m} > 0.05 and {rate5m} > 3 * {rate1h}"),
        for_: "5m",
        severity: "warning",
        component: c.name,
        summary: format!(
            "{{{{ $labels.job }}}}: {{{{ $value | printf \"%.2f\" }}}}/s placements failing{per}"
        ),
        description: format!(
            "`{}` rose above 3/min and 3 times its rate over the last hour, for 5 minutes. {}",
            d.name,
            one_line(d.help)
        ),
    });
}

/// A YAML single-quoted scalar: `'` doubled, nothing else escaped.
pub fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// The rules file of the given components.
pub fn render(components: &[&Component]) -> String {
    let mut out = String::new();
    let _ = write_rules(&mut out, &groups(components));
    out
}

/// The rules file of every component.
pub fn render_all() -> String {
    let all: Vec<&Component> = crate::COMPONENTS.iter().collect();
    render(&all)
}

fn write_rules(out: &mut String, groups: &[Group]) -> std::fmt::Result {
    writeln!(
        out,
        "# Prometheus recording and alerting rules, generated by `metrics-catalog rules` from the"
    )?;
    writeln!(
        out,
        "# catalog's descriptors; do not edit. Check with `promtool check rules FILE`."
    )?;
    writeln!(out, "groups:")?;
    for g in groups {
        writeln!(out, "  - name: {}", quote(&g.name))?;
        writeln!(out, "    rules:")?;
        for r in &g.rules {
            match r {
                Rule::Record { record, expr } => {
                    writeln!(out, "      - record: {record}")?;
                    writeln!(out, "        expr: {}", quote(expr))?;
                }
                Rule::Alert {
                    alert,
                    expr,
                    for_,
                    severity,
                    component,
                    summary,
                    description,
                } => {
                    writeln!(out, "      - alert: {alert}")?;
                    writeln!(out, "        expr: {}", quote(expr))?;
                    writeln!(out, "        for: {for_}")?;
                    writeln!(out, "        labels:")?;
                    writeln!(out, "          severity: {severity}")?;
                    writeln!(out, "          component: {}", quote(component))?;
                    writeln!(out, "        annotations:")?;
                    writeln!(out, "          summary: {}", quote(summary))?;
                    writeln!(out, "          description: {}", quote(description))?;
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_groups() -> Vec<Group> {
        let all: Vec<&Component> = crate::COMPONENTS.iter().collect();
        groups(&all)
    }

    #[test]
    fn names_are_unique_and_follow_the_convention() {
        let mut records = std::collections::BTreeSet::new();
        let mut alerts = std::collections::BTreeSet::new();
        for g in all_groups() {
            for r in g.rules {
                match r {
                    Rule::Record { record, .. } => {
                        assert_eq!(record.split(':').count(), 3, "{record}");
                        assert!(record.starts_with("job"), "{record}");
                        assert!(records.insert(record.clone()), "{record} twice");
                    }
                    Rule::Alert { alert, .. } => {
                        assert!(alert.starts_with("Trc"), "{alert}");
                        assert!(alerts.insert(alert.clone()), "{alert} twice");
                    }
                }
            }
        }
        for expected in [
            "job_method_path_template_status:trc_http_requests:rate5m",
            "job:trc_http_requests_errors:ratio_rate5m",
            "job:trc_http_request_duration_seconds:p99_rate5m",
            "job_result:trc_scheduler_group_reconcile_duration_seconds:p95_rate5m",
            "job_projection:trc_projection_lag_events:max",
            "job_reason:trc_scheduler_unschedulable:rate1h",
            "job:trc_scheduler_rollout_errors:ratio_rate5m",
        ] {
            assert!(
                records.contains(expected),
                "{expected} missing: {records:?}"
            );
        }
        for expected in [
            "TrcHttpRequestsErrorRatioHigh",
            "TrcProjectionLagEventsHigh",
            "TrcProjectionStalled",
            "TrcSchedulerUnschedulableSpike",
            "TrcSchedulerRolloutErrorRatioHigh",
        ] {
            assert!(alerts.contains(expected), "{expected} missing: {alerts:?}");
        }
        // A histogram whose outcome a counter already carries gets no second ratio.
        assert!(records.contains("job:trc_event_append_errors:ratio_rate5m"));
        assert!(
            !records
                .iter()
                .any(|r| r.contains("trc_event_append_duration_errors"))
        );
        // Bytes are not events.
        assert!(
            !records
                .iter()
                .any(|r| r.contains("trc_agent_backup_bytes_errors"))
        );
    }

    #[test]
    fn error_values_per_family() {
        let split = |name: &str| {
            crate::COMPONENTS
                .iter()
                .flat_map(Component::descriptors)
                .find(|d| d.name == name)
                .and_then(error_split)
                .map(|s| (s.label, s.errors))
        };
        assert_eq!(
            split("trc_http_requests_total"),
            Some(("status", vec!["5xx"]))
        );
        assert_eq!(
            split("trc_auth_token_mints_total"),
            Some(("result", vec!["server_error"]))
        );
        assert_eq!(
            split("trc_agent_heartbeat_total"),
            Some(("result", vec!["timeout", "rejected", "error"]))
        );
        assert_eq!(
            split("trc_scheduler_rollout_seconds"),
            Some(("result", vec!["failed", "rolled_back"]))
        );
        assert_eq!(
            split("trc_edge_connections_total"),
            Some((
                "result",
                vec!["no_healthy_backend", "upstream_failed", "error"]
            ))
        );
        assert_eq!(split("trc_scheduler_unschedulable_total"), None);
    }

    #[test]
    fn yaml_quoting_and_matchers() {
        assert_eq!(quote("it's"), "'it''s'");
        assert_eq!(matcher("status", &["5xx"]), "status=\"5xx\"");
        assert_eq!(matcher("r", &["a", "b.c"]), "r=~\"a|b\\\\.c\"");
        assert_eq!(camel("trc_http_requests"), "TrcHttpRequests");
    }
}
