//! Prometheus recording and alerting rules (`metrics-tools rules`), built from the catalog
//! ([`crate::schema`]): one recording group (`<component>.recording`) and one alerting group
//! (`<component>.alerts`) per component.
//!
//! What a rule is made for comes from the declaration alone: the family's type, its declared
//! unit, its [`Role`], and which label values are declared errors (`#[label(error)]`). Names
//! only shape the recorded names (`_total` and a histogram's unit dropped, see below).
//!
//! Recording rules follow Prometheus' `level:metric:operations` convention. The level names
//! the labels kept: `job` plus the family's own labels (`job_reason:...`), every aggregation
//! being `sum without (instance)` or `max without (instance)` so any number of instances add
//! up and target labels an operator adds (`env`, `region`) survive.
//!
//! | family | recorded |
//! | --- | --- |
//! | counter | `<level>:<name>:rate5m`, the per-second rate by every label (`<name>` without `_total`) |
//! | counter without a unit, or histogram, with declared error values ([`error_split`]) | `job:<name>_errors:rate5m` and `job:<name>_errors:ratio_rate5m`, errors over all outcomes |
//! | histogram | `<level>:<name>_bucket:rate5m`, then `job:<name>:p50_rate5m`, `p95`, `p99` (and per label set when a family has at most [`QUANTILES_PER_SET_MAX`] label sets) |
//! | native histogram | `<level>:<name>:rate5m` over the native series (`rate(<name>[5m])`, no `_bucket`, no `le`), then the same quantiles from it; with classic buckets too, both rates and each quantile as `native or classic`, so the rules hold whether Prometheus scrapes protobuf (native) or text (classic) |
//! | histogram with declared error values no counter of its component carries | `<level>:<stem>:rate5m` from `_count` (`<stem>` is the name without its unit: `pay_charge` from `pay_charge_seconds`), so its errors get a ratio too |
//! | gauge with role `lag` | `<level>:<name>:max` and `<level>:<name>:deriv5m` |
//! | gauge with role `position` | `<level>:<name>:max` |
//! | counter with role `spikes` | also `<level>:<name>:rate1h`, the baseline for spikes |
//!
//! | alert | when | for | severity |
//! | --- | --- | --- | --- |
//! | `<Name>ErrorRatioHigh` | the error ratio is over [`ERROR_RATIO_THRESHOLD`] | 10m | warning |
//! | `<Name>High` (role `lag`) | the lag is over [`LAG_THRESHOLD`] in its unit | 10m | warning |
//! | `<Name>Stalled` (role `lag`) | lag above 0 while the `position` gauge of the same component with the same labels has not moved for 10 minutes | 5m | critical |
//! | `<Name>Spike` (role `spikes`) | more than 0.05/s and 3 × the last hour's rate, per label set | 5m | warning |
//! | `<Component>TargetDown` | a target (`up == 0`) of a job that exported the component's [`representative`] family within the hour | 5m | warning |
//! | `<Component>Absent` | no target anywhere exports the component's [`representative`] family | 10m | critical |
//!
//! `<Name>` is the family's name in camel case (`_total` dropped): `PayChargesErrorRatioHigh`;
//! `<Component>` the families' prefix and the component's name: `PayPaymentsTargetDown`.
//!
//! Rules never name a job: Prometheus' `job` is the operator's choice. `TargetDown` finds the
//! jobs of a component by the component's own series instead (`up == 0 and on (job) ...`), so
//! it is exact when each component has its own job (the usual layout); a job that scrapes
//! several components reports a down target under each of their alerts.
//!
//! The YAML is written here rather than with a YAML crate: the shape is fixed and small, and
//! every scalar is quoted ([`quote`]) unless it is a plain name. A test runs `promtool check
//! rules` on it.

use std::fmt::Write as _;

use crate::schema::{Component, Family, Kind, Role};

/// Error ratio above which `...ErrorRatioHigh` fires (5%).
pub const ERROR_RATIO_THRESHOLD: f64 = 0.05;

/// Lag, in the gauge's unit, above which `...High` fires.
pub const LAG_THRESHOLD: f64 = 1000.0;

/// Histograms with at most this many label sets also get quantiles per label set.
pub const QUANTILES_PER_SET_MAX: usize = 20;

/// How long after its last sample a job still counts as one of a component's, for
/// `<Component>TargetDown`: a job whose every target went down keeps alerting this long, then
/// `<Component>Absent` is what remains.
pub const TARGET_LOOKBACK: &str = "1h";

/// The quantiles recorded for every histogram.
pub const QUANTILES: &[(&str, f64)] = &[("p50", 0.5), ("p95", 0.95), ("p99", 0.99)];

/// A family's outcome label and which of its values are errors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorSplit<'a> {
    /// The outcome label: the first whose values include declared errors.
    pub label: &'a str,
    /// Its values declared as errors (`#[label(error)]`), in declaration order.
    pub errors: Vec<&'a str>,
}

/// The outcome label of a family and its declared error values, when a label has any.
pub fn error_split(f: &Family) -> Option<ErrorSplit<'_>> {
    let label = f.outcome_label()?;
    Some(ErrorSplit {
        label: &label.name,
        errors: label.error_values(),
    })
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
        component: String,
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

/// The body of a PromQL double-quoted string holding `text`: `\` and `"` escaped, and
/// control or invisible format characters as `\uXXXX` (or `\UXXXXXXXX`), so any value reads
/// back as itself.
pub fn promql_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || is_format(c) => {
                let code = c as u32;
                let _ = if code <= 0xffff {
                    write!(out, "\\u{code:04x}")
                } else {
                    write!(out, "\\U{code:08x}")
                };
            }
            c => out.push(c),
        }
    }
    out
}

/// Characters no text should carry unescaped: line and paragraph separators, bidirectional
/// controls, zero-width characters, the byte order mark.
fn is_format(c: char) -> bool {
    matches!(
        c,
        '\u{061c}'
            | '\u{200b}'..='\u{200f}'
            | '\u{2028}'..='\u{202e}'
            | '\u{2060}'..='\u{2069}'
            | '\u{feff}'
    )
}

/// A label matcher selecting exactly the given values: `label="v"` for one, else
/// `label=~"a|b"` with every RE2 metacharacter of each value escaped; either way the value
/// is escaped for a PromQL string ([`promql_string`]), so `a"b` and `a.b` select themselves.
pub fn matcher(label: &str, values: &[&str]) -> String {
    match values {
        [one] => format!("{label}=\"{}\"", promql_string(one)),
        _ => format!("{label}=~\"{}\"", promql_string(&alternatives(values))),
    }
}

/// Catalog text made literal for Prometheus' alert templates (Go `text/template`, which
/// expands annotations and labels): `{{` written as `{{ "{{" }}` and `}}` as
/// `{{ "}}" }}`, in one scan, so a help text cannot run an action (`{{ with query ... }}`)
/// or break the template, and renders as written.
pub fn template_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if let Some(after) = rest.strip_prefix("{{") {
            out.push_str("{{ \"{{\" }}");
            rest = after;
        } else if let Some(after) = rest.strip_prefix("}}") {
            out.push_str("{{ \"}}\" }}");
            rest = after;
        } else {
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

/// `PayCharges` from `pay_charges`.
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

/// The family name without `_total`: the metric part of recorded names (a counter's rate is
/// recorded without the suffix, as Prometheus' naming practice asks).
fn base(f: &Family) -> &str {
    f.name.strip_suffix("_total").unwrap_or(&f.name)
}

/// The events a histogram times, named without its unit (and a `_duration` before it):
/// `pay_charge` for `pay_charge_duration_seconds`. Formatting only: falls back to the full
/// name when that would collide with another family's recorded name in the component.
fn stem<'a>(f: &'a Family, c: &Component) -> &'a str {
    let name = f.name.as_str();
    let without_unit = f
        .unit
        .as_deref()
        .and_then(|u| name.strip_suffix(u))
        .and_then(|s| s.strip_suffix('_'))
        .unwrap_or(name);
    let s = without_unit
        .strip_suffix("_duration")
        .unwrap_or(without_unit);
    let collides = c
        .families
        .iter()
        .any(|o| o.name != f.name && (base(o) == s || o.name == s));
    if collides { name } else { s }
}

/// Whether a counter of the component carries the histogram's outcome label (same name,
/// type and error values), so its error ratio already covers the histogram's events.
fn covered_by_counter(f: &Family, c: &Component) -> bool {
    let Some(outcome) = f.outcome_label() else {
        return false;
    };
    c.families.iter().any(|other| {
        other.kind == Kind::Counter
            && other.unit.is_none()
            && other.labels.iter().any(|l| {
                l.name == outcome.name
                    && l.type_name == outcome.type_name
                    && l.error_values() == outcome.error_values()
            })
    })
}

/// The rule groups of the given components, in their order: `<component>.recording` then
/// `<component>.alerts`, each left out when empty.
pub fn groups(components: &[&Component]) -> Vec<Group> {
    let mut out = Vec::new();
    for c in components {
        let (recording, alerts) = component_rules(c);
        if !recording.is_empty() {
            out.push(Group {
                name: format!("{}.recording", c.name),
                rules: recording,
            });
        }
        if !alerts.is_empty() {
            out.push(Group {
                name: format!("{}.alerts", c.name),
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

/// The label values of an alert's series as template variables, each after a space:
/// ` {{ $labels.a }} {{ $labels.b }}`.
fn label_values(labels: &[&str]) -> String {
    labels
        .iter()
        .map(|l| format!(" {{{{ $labels.{l} }}}}"))
        .collect()
}

/// An event count (a counter, or a histogram's `_count`) with declared error values: its
/// rate, its errors and their ratio, and the alert on the ratio.
struct Events<'a> {
    c: &'a Component,
    f: &'a Family,
    /// The series to rate (`name` or `name_count`).
    series: String,
    /// The metric part of the recorded names.
    metric: &'a str,
}

impl Events<'_> {
    fn rules(&self, recording: &mut Vec<Rule>, alerts: &mut Vec<Rule>) {
        let labels = self.f.label_names();
        let lvl = level(&labels);
        let rate = format!("{lvl}:{}:rate5m", self.metric);
        recording.push(record(
            rate.clone(),
            format!("sum without (instance) (rate({}[5m]))", self.series),
        ));
        if self.f.unit.is_some() && self.f.kind == Kind::Counter {
            return; // a count of bytes or seconds, not of events: no error ratio
        }
        let Some(split) = error_split(self.f) else {
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
        let values = template_literal(&split.errors.join(", "));
        alerts.push(Rule::Alert {
            alert: format!("{}ErrorRatioHigh", camel(self.metric)),
            expr: format!("{ratio} > {ERROR_RATIO_THRESHOLD}"),
            for_: "10m",
            severity: "warning",
            component: self.c.name.clone(),
            summary: format!(
                "{{{{ $labels.job }}}}: {{{{ $value | humanizePercentage }}}} of {} are errors ({} {values})",
                self.series, split.label
            ),
            description: format!(
                "More than {}% of `{}` over 5 minutes have `{}` in {{{values}}} (the values the catalog counts as errors), for 10 minutes. {}",
                ERROR_RATIO_THRESHOLD * 100.0,
                self.series,
                split.label,
                template_literal(&one_line(&self.f.help))
            ),
        });
    }
}

fn component_rules(c: &Component) -> (Vec<Rule>, Vec<Rule>) {
    let mut recording = Vec::new();
    let mut alerts = Vec::new();
    for f in &c.families {
        let labels = f.label_names();
        let lvl = level(&labels);
        match f.kind {
            Kind::Counter => {
                Events {
                    c,
                    f,
                    series: f.name.clone(),
                    metric: base(f),
                }
                .rules(&mut recording, &mut alerts);
                if f.role == Role::Spikes {
                    spike_rules(c, f, &lvl, &mut recording, &mut alerts);
                }
            }
            Kind::Histogram => {
                histogram_rules(f, &labels, &lvl, &mut recording);
                if error_split(f).is_some() && !covered_by_counter(f, c) {
                    Events {
                        c,
                        f,
                        series: format!("{}_count", f.name),
                        metric: stem(f, c),
                    }
                    .rules(&mut recording, &mut alerts);
                }
            }
            Kind::Gauge => match f.role {
                Role::Lag => lag_rules(c, f, &lvl, &mut recording, &mut alerts),
                Role::Position => recording.push(record(
                    format!("{lvl}:{}:max", f.name),
                    format!("max without (instance) ({})", f.name),
                )),
                _ => {}
            },
        }
    }
    target_rules(c, &mut alerts);
    (recording, alerts)
}

/// The series that tells a component's targets apart from other targets: the sample name of
/// its family with the fewest worst-case series (the first declared among equals), a
/// histogram by its `_count`. Every family is exposed from an exporter's first scrape (the
/// runtime exposes every label set at zero, and `check` holds other exporters to it), so any
/// family would do; the smallest one keeps the lookups cheap at any number of replicas.
pub fn representative(c: &Component) -> Option<String> {
    let f = c
        .families
        .iter()
        .enumerate()
        .min_by_key(|(i, f)| (f.worst_case_series.max(f.label_sets), *i))
        .map(|(_, f)| f)?;
    Some(match f.kind {
        Kind::Histogram => format!("{}_count", f.name),
        Kind::Counter | Kind::Gauge => f.name.clone(),
    })
}

/// `PayPayments` for the component `payments` of families prefixed `pay_` (the prefix left
/// out when the families do not share one).
fn component_camel(c: &Component) -> String {
    let mut prefixes = c.families.iter().map(|f| f.prefix.as_deref());
    let prefix = match prefixes.next() {
        Some(Some(first)) if prefixes.all(|p| p == Some(first)) => first,
        _ => "",
    };
    camel(&format!("{prefix}_{}", c.name.replace('-', "_")))
}

/// A down target of the component, and the component gone altogether. `up` is the one raw
/// series read per target (the alert is about one target); the component's series are read
/// aggregated (`group by (job)`, `absent`).
fn target_rules(c: &Component, alerts: &mut Vec<Rule>) {
    let Some(series) = representative(c) else {
        return;
    };
    let name = component_camel(c);
    alerts.push(Rule::Alert {
        alert: format!("{name}TargetDown"),
        expr: format!(
            "up == 0 and on (job) group by (job) (present_over_time({series}[{TARGET_LOOKBACK}]))"
        ),
        for_: "5m",
        severity: "warning",
        component: c.name.clone(),
        summary: format!(
            "{{{{ $labels.job }}}} {{{{ $labels.instance }}}}: a target of {} is down",
            template_literal(&c.name)
        ),
        description: format!(
            "Prometheus cannot scrape this target of a job that exported `{series}` in the last {TARGET_LOOKBACK}, for 5 minutes. The component's aggregates go on over the targets that remain (a rate fades the lost target out over its window)."
        ),
    });
    alerts.push(Rule::Alert {
        alert: format!("{name}Absent"),
        expr: format!("absent({series})"),
        for_: "10m",
        severity: "critical",
        component: c.name.clone(),
        summary: format!(
            "no target exports {}'s metrics",
            template_literal(&c.name)
        ),
        description: format!(
            "No target has exported `{series}` for 10 minutes: every replica of {} is down, or no longer scraped.",
            template_literal(&c.name)
        ),
    });
}

fn histogram_rules(f: &Family, labels: &[&str], lvl: &str, recording: &mut Vec<Rule>) {
    // What a Prometheus stores depends on how it scrapes: classic buckets are `_bucket` series
    // with `le`; a native histogram is one series per label set, named as declared, stored
    // instead of the `_bucket` series when Prometheus scrapes protobuf with native histograms
    // enabled. A family with both gets both rates, and quantiles from whichever exists
    // (`native or classic`), so the rules hold for either kind of scraper.
    let mut sources: Vec<String> = Vec::new();
    if f.native.is_some() {
        let rate = format!("{lvl}:{}:rate5m", f.name);
        recording.push(record(
            rate.clone(),
            format!("sum without (instance) (rate({}[5m]))", f.name),
        ));
        sources.push(rate);
    }
    if f.native.is_none() || !f.buckets.is_empty() {
        let buckets = format!("{lvl}:{}_bucket:rate5m", f.name);
        recording.push(record(
            buckets.clone(),
            format!("sum without (instance) (rate({}_bucket[5m]))", f.name),
        ));
        sources.push(buckets);
    }
    let quantile = |q: f64, by_job: bool| -> String {
        sources
            .iter()
            .map(|source| {
                let input = if by_job && !labels.is_empty() {
                    format!("sum without ({}) ({source})", labels.join(", "))
                } else {
                    source.clone()
                };
                format!("histogram_quantile({q}, {input})")
            })
            .collect::<Vec<_>>()
            .join(" or ")
    };
    for (name, q) in QUANTILES {
        recording.push(record(
            format!("job:{}:{name}_rate5m", f.name),
            quantile(*q, true),
        ));
    }
    if !labels.is_empty() && f.label_sets <= QUANTILES_PER_SET_MAX {
        for (name, q) in QUANTILES {
            recording.push(record(
                format!("{lvl}:{}:{name}_rate5m", f.name),
                quantile(*q, false),
            ));
        }
    }
}

fn lag_rules(
    c: &Component,
    f: &Family,
    lvl: &str,
    recording: &mut Vec<Rule>,
    alerts: &mut Vec<Rule>,
) {
    let max = format!("{lvl}:{}:max", f.name);
    recording.push(record(
        max.clone(),
        format!("max without (instance) ({})", f.name),
    ));
    recording.push(record(
        format!("{lvl}:{}:deriv5m", f.name),
        format!("deriv({max}[5m])"),
    ));
    let labels = f.label_names();
    let per = label_values(&labels);
    // The declared unit says what the value counts (`5 events behind`); without one the
    // summary says only how far behind.
    let behind = match &f.unit {
        Some(unit) => format!("{{{{ $value }}}} {} behind", template_literal(unit)),
        None => "{{ $value }} behind".to_string(),
    };
    alerts.push(Rule::Alert {
        alert: format!("{}High", camel(&f.name)),
        expr: format!("{max} > {LAG_THRESHOLD}"),
        for_: "10m",
        severity: "warning",
        component: c.name.clone(),
        summary: format!("{{{{ $labels.job }}}}{per}: {behind}"),
        description: format!(
            "`{}` has been above {LAG_THRESHOLD} for 10 minutes. {}",
            f.name,
            template_literal(&one_line(&f.help))
        ),
    });
    // A position gauge with the same labels tells a slow consumer from a stuck one.
    let position = c
        .families
        .iter()
        .find(|o| o.kind == Kind::Gauge && o.role == Role::Position && o.label_names() == labels);
    if let Some(position) = position {
        let pos = format!("{lvl}:{}:max", position.name);
        alerts.push(Rule::Alert {
            alert: format!("{}Stalled", camel(&f.name)),
            expr: format!("{max} > 0 and changes({pos}[10m]) == 0"),
            for_: "5m",
            severity: "critical",
            component: c.name.clone(),
            summary: format!("{{{{ $labels.job }}}}{per}: stalled {behind}"),
            description: format!(
                "`{}` is above 0 and `{}` has not moved for 10 minutes: nothing is being applied (work that fails and is retried forever looks like this; see the component's errors).",
                f.name, position.name
            ),
        });
    }
}

fn spike_rules(
    c: &Component,
    f: &Family,
    lvl: &str,
    recording: &mut Vec<Rule>,
    alerts: &mut Vec<Rule>,
) {
    let rate5m = format!("{lvl}:{}:rate5m", base(f));
    let rate1h = format!("{lvl}:{}:rate1h", base(f));
    recording.push(record(
        rate1h.clone(),
        format!("sum without (instance) (rate({}[1h]))", f.name),
    ));
    let labels = f.label_names();
    let per = if labels.is_empty() {
        String::new()
    } else {
        format!(" ({})", label_values(&labels).trim_start())
    };
    alerts.push(Rule::Alert {
        alert: format!("{}Spike", camel(base(f))),
        expr: format!("{rate5m} > 0.05 and {rate5m} > 3 * {rate1h}"),
        for_: "5m",
        severity: "warning",
        component: c.name.clone(),
        summary: format!(
            "{{{{ $labels.job }}}}: {{{{ $value | printf \"%.2f\" }}}}/s {}{per}",
            f.name
        ),
        description: format!(
            "`{}` rose above 3/min and 3 times its rate over the last hour, for 5 minutes. {}",
            f.name,
            template_literal(&one_line(&f.help))
        ),
    });
}

/// A YAML scalar that reads back as `s`: single-quoted (`'` doubled) when every character
/// is printable, else double-quoted with line breaks, control and invisible format
/// characters escaped (`\n`, `\u2028`), which a single-quoted scalar would fold or carry.
pub fn quote(s: &str) -> String {
    if !s.chars().any(|c| c.is_control() || is_format(c)) {
        return format!("'{}'", s.replace('\'', "''"));
    }
    // YAML's double-quoted escapes are PromQL's: one escaper serves both.
    format!("\"{}\"", promql_string(s))
}

/// A YAML scalar for a name: plain when it is a Prometheus metric name (`[a-zA-Z_:][a-zA-Z0-9_:]*`,
/// and no YAML keyword such as `null` or `true`, which YAML reads as the same string), else
/// [`quote`]d, so a name such as `{{y}}x`,
/// `c: d`, `*x` or `c #x` is never read as a mapping, alias, comment or flow collection.
fn name_scalar(s: &str) -> String {
    let mut chars = s.chars();
    let plain = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
        && !["true", "false", "null", "yes", "no", "on", "off", "y", "n"]
            .contains(&s.to_ascii_lowercase().as_str());
    if plain { s.to_string() } else { quote(s) }
}

/// The rules file of the given components.
pub fn render(components: &[&Component]) -> String {
    let mut out = String::new();
    let _ = write_rules(&mut out, &groups(components));
    out
}

fn write_rules(out: &mut String, groups: &[Group]) -> std::fmt::Result {
    writeln!(
        out,
        "# Prometheus recording and alerting rules, generated by `metrics-tools rules` from the"
    )?;
    writeln!(
        out,
        "# metrics catalog; do not edit. Check with `promtool check rules FILE`."
    )?;
    writeln!(out, "groups:")?;
    for g in groups {
        writeln!(out, "  - name: {}", quote(&g.name))?;
        writeln!(out, "    rules:")?;
        for r in &g.rules {
            match r {
                Rule::Record { record, expr } => {
                    writeln!(out, "      - record: {}", name_scalar(record))?;
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
                    writeln!(out, "      - alert: {}", name_scalar(alert))?;
                    writeln!(out, "        expr: {}", quote(expr))?;
                    writeln!(out, "        for: {for_}")?;
                    writeln!(out, "        labels:")?;
                    writeln!(out, "          severity: {severity}")?;
                    // Prometheus expands the templates of labels too.
                    writeln!(
                        out,
                        "          component: {}",
                        quote(&template_literal(component))
                    )?;
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
    use crate::schema::{Catalog, Label, Stability, Value};

    fn platform() -> Catalog {
        let all: Vec<&metrics_runtime::Component> = metrics_catalog::COMPONENTS.iter().collect();
        Catalog::from_components(&all)
    }

    fn all_groups() -> Vec<Group> {
        let catalog = platform();
        let all: Vec<&Component> = catalog.components.iter().collect();
        groups(&all)
    }

    /// A label of the given values; those starting with `!` are declared errors.
    fn label(name: &str, values: &[&str]) -> Label {
        Label {
            name: name.to_string(),
            type_name: format!("{name}_type"),
            type_doc: String::new(),
            doc: String::new(),
            waiver: None,
            cap: None,
            route_templates: false,
            default: None,
            values: values
                .iter()
                .map(|v| Value {
                    value: v.trim_start_matches('!').to_string(),
                    doc: String::new(),
                    error: v.starts_with('!'),
                })
                .collect(),
        }
    }

    fn family(name: &str, kind: Kind, role: Role, labels: Vec<Label>) -> Family {
        Family {
            name: name.to_string(),
            kind,
            help: format!("Help of {name}."),
            unit: None,
            label_sets: labels.iter().map(Label::cardinality).product(),
            labels,
            buckets: if kind == Kind::Histogram {
                vec![0.1, 1.0]
            } else {
                Vec::new()
            },
            worst_case_series: 0,
            max_series: 1000,
            deviations: Vec::new(),
            stability: Stability::Alpha,
            deprecated_since: None,
            role,
            prefix: Some("pay_".to_string()),
            stability_in_help: false,
            forbidden_labels: Vec::new(),
            tenant_labels: Vec::new(),
            declared_by: None,
            native: None,
        }
    }

    fn component(families: Vec<Family>) -> Component {
        Component {
            name: "payments".to_string(),
            title: "Payments".to_string(),
            about: String::new(),
            worst_case_series: 0,
            families,
        }
    }

    fn rules_of(c: &Component) -> (Vec<String>, Vec<Rule>) {
        let mut records = Vec::new();
        let mut alerts = Vec::new();
        for g in groups(&[c]) {
            for r in g.rules {
                match r {
                    Rule::Record { record, .. } => records.push(record),
                    alert @ Rule::Alert { .. } => alerts.push(alert),
                }
            }
        }
        (records, alerts)
    }

    /// The names of the families' alerts (the two every component gets, `TargetDown` and
    /// `Absent`, are left out: [`all_alert_names`]).
    fn alert_names(alerts: &[Rule]) -> Vec<&str> {
        alerts
            .iter()
            .filter(|a| !a.expr().starts_with("up == 0 ") && !a.expr().starts_with("absent("))
            .filter_map(|a| match a {
                Rule::Alert { alert, .. } => Some(alert.as_str()),
                Rule::Record { .. } => None,
            })
            .collect()
    }

    fn all_alert_names(alerts: &[Rule]) -> Vec<&str> {
        alerts
            .iter()
            .filter_map(|a| match a {
                Rule::Alert { alert, .. } => Some(alert.as_str()),
                Rule::Record { .. } => None,
            })
            .collect()
    }

    #[test]
    fn names_are_unique_and_follow_the_convention() {
        let mut records = std::collections::BTreeSet::new();
        let mut alerts = std::collections::BTreeSet::new();
        for g in all_groups() {
            assert!(!g.name.contains("trc"), "{}", g.name);
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
            "job:trc_http_request_duration_seconds:p99_rate5m",
            "job_result:trc_scheduler_group_reconcile_duration_seconds:p95_rate5m",
        ] {
            assert!(
                records.contains(expected),
                "{expected} missing: {records:?}"
            );
        }
        // Bytes are not events.
        assert!(
            !records
                .iter()
                .any(|r| r.contains("trc_agent_backup_bytes_errors"))
        );
    }

    /// What the platform catalog's declarations (`#[label(error)]`, `role = "..."`) give.
    #[test]
    fn platform_catalog_rules_from_its_declarations() {
        let mut records = std::collections::BTreeSet::new();
        let mut alerts = std::collections::BTreeSet::new();
        for g in all_groups() {
            for r in g.rules {
                match r {
                    Rule::Record { record, .. } => records.insert(record),
                    Rule::Alert { alert, .. } => alerts.insert(alert),
                };
            }
        }
        for expected in [
            "job:trc_http_requests_errors:ratio_rate5m",
            "job_projection:trc_projection_lag_events:max",
            "job_projection:trc_projection_last_applied_event_id:max",
            "job_reason:trc_scheduler_unschedulable:rate1h",
            "job:trc_scheduler_rollout_errors:ratio_rate5m",
            "job:trc_event_append_errors:ratio_rate5m",
        ] {
            assert!(
                records.contains(expected),
                "{expected} missing: {records:?}"
            );
        }
        for expected in [
            "TrcHttpRequestsErrorRatioHigh",
            "TrcProjectionLagEventsHigh",
            "TrcProjectionLagEventsStalled",
            "TrcSchedulerUnschedulableSpike",
            "TrcSchedulerRolloutErrorRatioHigh",
        ] {
            assert!(alerts.contains(expected), "{expected} missing: {alerts:?}");
        }
        // A histogram whose outcome a counter already carries gets no second ratio.
        assert!(
            !records
                .iter()
                .any(|r| r.contains("trc_event_append_duration_errors"))
        );
    }

    #[test]
    fn platform_error_values_per_family() {
        let catalog = platform();
        let split = |name: &str| {
            catalog
                .families()
                .find(|f| f.name == name)
                .and_then(error_split)
                .map(|s| (s.label.to_string(), s.errors.join(",")))
        };
        let s = |l: &str, e: &str| Some((l.to_string(), e.to_string()));
        assert_eq!(split("trc_http_requests_total"), s("status", "5xx"));
        assert_eq!(
            split("trc_auth_token_mints_total"),
            s("result", "server_error")
        );
        assert_eq!(
            split("trc_agent_heartbeat_total"),
            s("result", "timeout,rejected,error")
        );
        assert_eq!(
            split("trc_scheduler_rollout_seconds"),
            s("result", "failed,rolled_back")
        );
        assert_eq!(
            split("trc_edge_connections_total"),
            s("result", "no_healthy_backend,upstream_failed,error")
        );
        assert_eq!(split("trc_scheduler_unschedulable_total"), None);
    }

    #[test]
    fn errors_are_the_declared_values_whatever_their_names() {
        // `error` is not declared an error here, `declined` is: only the declaration counts.
        let f = family(
            "pay_charges_total",
            Kind::Counter,
            Role::None,
            vec![
                label("method", &["card", "error"]),
                label("outcome", &["ok", "!declined", "!gateway_down", "error"]),
            ],
        );
        assert_eq!(
            error_split(&f),
            Some(ErrorSplit {
                label: "outcome",
                errors: vec!["declined", "gateway_down"],
            })
        );
        let c = component(vec![f]);
        let (records, alerts) = rules_of(&c);
        assert_eq!(
            records,
            [
                "job_method_outcome:pay_charges:rate5m",
                "job:pay_charges_errors:rate5m",
                "job:pay_charges_errors:ratio_rate5m",
            ]
        );
        assert_eq!(alert_names(&alerts), ["PayChargesErrorRatioHigh"]);
        let all = groups(&[&c]);
        let errors = all[0].rules[1].expr();
        assert_eq!(
            errors,
            "sum without (instance, method, outcome) (rate(pay_charges_total{outcome=~\"declined|gateway_down\"}[5m]))"
        );
        assert_eq!(
            all.iter().map(|g| g.name.as_str()).collect::<Vec<_>>(),
            ["payments.recording", "payments.alerts"]
        );

        // No declared error: a rate, no ratio, whatever the values are called.
        let plain = component(vec![family(
            "pay_refunds_total",
            Kind::Counter,
            Role::None,
            vec![label("result", &["ok", "error", "failed", "5xx"])],
        )]);
        let (records, alerts) = rules_of(&plain);
        assert_eq!(records, ["job_result:pay_refunds:rate5m"]);
        assert!(alert_names(&alerts).is_empty());

        // A counter with a unit counts bytes or seconds, not events: no ratio.
        let mut bytes = family(
            "pay_upload_bytes_total",
            Kind::Counter,
            Role::None,
            vec![label("result", &["ok", "!failed"])],
        );
        bytes.unit = Some("bytes".to_string());
        let (records, _) = rules_of(&component(vec![bytes]));
        assert_eq!(records, ["job_result:pay_upload_bytes:rate5m"]);
    }

    #[test]
    fn a_histogram_gets_its_own_ratio_unless_a_counter_carries_its_outcome() {
        let mut h = family(
            "pay_settle_duration_seconds",
            Kind::Histogram,
            Role::None,
            vec![label("result", &["ok", "!failed"])],
        );
        h.unit = Some("seconds".to_string());
        let (records, alerts) = rules_of(&component(vec![h.clone()]));
        assert!(records.contains(&"job_result:pay_settle:rate5m".to_string()));
        assert!(records.contains(&"job:pay_settle_errors:ratio_rate5m".to_string()));
        assert!(records.contains(&"job:pay_settle_duration_seconds:p95_rate5m".to_string()));
        assert!(records.contains(&"job_result:pay_settle_duration_seconds:p99_rate5m".to_string()));
        assert_eq!(alert_names(&alerts), ["PaySettleErrorRatioHigh"]);

        let counter = family(
            "pay_settle_total",
            Kind::Counter,
            Role::None,
            vec![label("result", &["ok", "!failed"])],
        );
        let (records, alerts) = rules_of(&component(vec![counter, h]));
        assert_eq!(
            records
                .iter()
                .filter(|r| r.ends_with("_errors:ratio_rate5m"))
                .collect::<Vec<_>>(),
            ["job:pay_settle_errors:ratio_rate5m"]
        );
        assert_eq!(alert_names(&alerts), ["PaySettleErrorRatioHigh"]);
        assert!(!records.iter().any(|r| r.contains("_count")));
    }

    #[test]
    fn lag_and_position_pair_by_role_component_and_labels() {
        // Names say nothing: roles do.
        let lag = family(
            "pay_ledger_behind",
            Kind::Gauge,
            Role::Lag,
            vec![label("ledger", &["eu", "us"])],
        );
        let position = family(
            "pay_ledger_cursor",
            Kind::Gauge,
            Role::Position,
            vec![label("ledger", &["eu", "us"])],
        );
        let other_labels = family(
            "pay_shard_cursor",
            Kind::Gauge,
            Role::Position,
            vec![label("shard", &["a"])],
        );
        let named_like_a_lag = family("pay_queue_lag", Kind::Gauge, Role::None, vec![]);
        let c = component(vec![other_labels, lag, position, named_like_a_lag]);
        let (records, alerts) = rules_of(&c);
        assert_eq!(
            records,
            [
                "job_shard:pay_shard_cursor:max",
                "job_ledger:pay_ledger_behind:max",
                "job_ledger:pay_ledger_behind:deriv5m",
                "job_ledger:pay_ledger_cursor:max",
            ]
        );
        assert_eq!(
            alert_names(&alerts),
            ["PayLedgerBehindHigh", "PayLedgerBehindStalled"]
        );
        let Rule::Alert { expr, summary, .. } = &alerts[1] else {
            panic!("an alert")
        };
        assert_eq!(
            expr,
            "job_ledger:pay_ledger_behind:max > 0 and changes(job_ledger:pay_ledger_cursor:max[10m]) == 0"
        );
        assert_eq!(
            summary,
            "{{ $labels.job }} {{ $labels.ledger }}: stalled {{ $value }} behind"
        );

        // The declared unit names what the lag counts.
        let mut seconds = family("pay_sync_delay_seconds", Kind::Gauge, Role::Lag, vec![]);
        seconds.unit = Some("seconds".to_string());
        let (_, alerts) = rules_of(&component(vec![seconds]));
        let Some(Rule::Alert { summary, .. }) = alerts.first() else {
            panic!("an alert")
        };
        assert_eq!(summary, "{{ $labels.job }}: {{ $value }} seconds behind");
        // Without a position gauge there is no stalled alert.
        assert_eq!(alert_names(&alerts), ["PaySyncDelaySecondsHigh"]);
    }

    #[test]
    fn a_position_in_another_component_does_not_pair() {
        let lag = component(vec![family("pay_a", Kind::Gauge, Role::Lag, vec![])]);
        let mut pos = component(vec![family("pay_b", Kind::Gauge, Role::Position, vec![])]);
        pos.name = "other".to_string();
        let mut alerts = Vec::new();
        for g in groups(&[&lag, &pos]) {
            alerts.extend(
                g.rules
                    .into_iter()
                    .filter(|r| matches!(r, Rule::Alert { .. })),
            );
        }
        assert_eq!(alert_names(&alerts), ["PayAHigh"]);
    }

    #[test]
    fn spikes_come_from_the_role() {
        let spikes = family(
            "pay_fraud_blocks_total",
            Kind::Counter,
            Role::Spikes,
            vec![label("rule", &["velocity", "geo"])],
        );
        let named_like_it = family("pay_unschedulable_total", Kind::Counter, Role::None, vec![]);
        let (records, alerts) = rules_of(&component(vec![spikes, named_like_it]));
        assert_eq!(
            records,
            [
                "job_rule:pay_fraud_blocks:rate5m",
                "job_rule:pay_fraud_blocks:rate1h",
                "job:pay_unschedulable:rate5m",
            ]
        );
        assert_eq!(alert_names(&alerts), ["PayFraudBlocksSpike"]);
        let Rule::Alert { expr, summary, .. } = &alerts[0] else {
            panic!("an alert")
        };
        assert_eq!(
            expr,
            "job_rule:pay_fraud_blocks:rate5m > 0.05 and job_rule:pay_fraud_blocks:rate5m > 3 * job_rule:pay_fraud_blocks:rate1h"
        );
        assert_eq!(
            summary,
            "{{ $labels.job }}: {{ $value | printf \"%.2f\" }}/s pay_fraud_blocks_total ({{ $labels.rule }})"
        );
    }

    #[test]
    fn native_histograms_are_read_as_native_series() {
        let mut h = family(
            "pay_latency_seconds",
            Kind::Histogram,
            Role::None,
            vec![label("route", &["a", "b"])],
        );
        h.native = Some(crate::schema::NativeHistogram {
            schema: 3,
            zero_threshold: 1e-9,
            max_buckets: 160,
        });
        // With classic buckets too: both rates, and each quantile from whichever exists.
        let both = groups(&[&component(vec![h.clone()])]);
        let both: Vec<String> = both
            .iter()
            .flat_map(|g| g.rules.iter())
            .map(|r| r.expr().to_string())
            .collect();
        assert!(
            both.contains(
                &"sum without (instance) (rate(pay_latency_seconds_bucket[5m]))".to_string()
            ),
            "{both:#?}"
        );
        assert!(both.contains(&"histogram_quantile(0.95, sum without (route) (job_route:pay_latency_seconds:rate5m)) or histogram_quantile(0.95, sum without (route) (job_route:pay_latency_seconds_bucket:rate5m))".to_string()), "{both:#?}");
        // Native only: the native series alone.
        h.buckets.clear();
        let groups = groups(&[&component(vec![h])]);
        let exprs: Vec<(String, String)> = groups
            .iter()
            .flat_map(|g| g.rules.iter())
            .filter_map(|r| match r {
                Rule::Record { record, expr } => Some((record.clone(), expr.clone())),
                Rule::Alert { .. } => None,
            })
            .collect();
        assert_eq!(
            exprs[0],
            (
                "job_route:pay_latency_seconds:rate5m".to_string(),
                "sum without (instance) (rate(pay_latency_seconds[5m]))".to_string()
            )
        );
        assert!(exprs.iter().any(|(r, e)| r == "job:pay_latency_seconds:p95_rate5m"
            && e == "histogram_quantile(0.95, sum without (route) (job_route:pay_latency_seconds:rate5m))"));
        assert!(
            exprs.iter().all(|(_, e)| !e.contains("_bucket")),
            "{exprs:#?}"
        );
    }

    /// Raw series a generated expression reads per instance on purpose, and why.
    const PER_INSTANCE: &[(&str, &str)] = &[(
        "up",
        "`<Component>TargetDown` is about one target: `up` is per target by design; the component's own series it is joined with are aggregated (`group by (job)`)",
    )];

    /// Functions that fold their raw argument across instances themselves, and why.
    const FOLDING_FUNCTIONS: &[(&str, &str)] = &[(
        "absent",
        "`absent(x)` is one series without `instance`, empty while any instance has `x`: it answers for every instance at once",
    )];

    /// Every generated expression, read as PromQL: each raw series is read inside an
    /// aggregation that folds `instance` away, or is one of the exceptions above. A rule
    /// that forgot its `sum without (instance)` fails here.
    #[test]
    fn every_raw_series_is_read_aggregated_or_is_a_listed_exception() {
        let mut h = family(
            "pay_settle_seconds",
            Kind::Histogram,
            Role::None,
            vec![label("result", &["ok", "!failed"])],
        );
        h.unit = Some("seconds".to_string());
        let c = component(vec![
            family(
                "pay_charges_total",
                Kind::Counter,
                Role::Spikes,
                vec![label("result", &["ok", "!failed"])],
            ),
            h,
            family(
                "pay_lag",
                Kind::Gauge,
                Role::Lag,
                vec![label("ledger", &["eu", "us"])],
            ),
            family(
                "pay_pos",
                Kind::Gauge,
                Role::Position,
                vec![label("ledger", &["eu", "us"])],
            ),
        ]);
        let catalog = platform();
        let mut all: Vec<&Component> = catalog.components.iter().collect();
        all.push(&c);
        let mut checked = 0;
        let mut excepted = std::collections::BTreeSet::new();
        for g in groups(&all) {
            for r in &g.rules {
                let found = aggregation::unaggregated(r.expr())
                    .unwrap_or_else(|e| panic!("{}: {e}", r.expr()));
                for u in found {
                    if let Some((name, _why)) = PER_INSTANCE.iter().find(|(s, _)| *s == u.series) {
                        excepted.insert(*name);
                    } else if let Some((name, _why)) = FOLDING_FUNCTIONS
                        .iter()
                        .find(|(f, _)| u.within.first().is_some_and(|w| w == f))
                    {
                        excepted.insert(*name);
                    } else {
                        panic!(
                            "`{}` reads `{}` per instance (within {:?}): wrap it in `sum without (instance)`",
                            r.expr(),
                            u.series,
                            u.within
                        );
                    }
                }
                checked += 1;
            }
        }
        assert!(checked > 150, "{checked} expressions");
        // Each exception is in use: a stale one is removed, not kept as a loophole.
        assert_eq!(excepted.len(), PER_INSTANCE.len() + FOLDING_FUNCTIONS.len());

        // And the reading catches the mistake it is for.
        let broken = "rate(pay_charges_total[5m])";
        assert_eq!(
            aggregation::unaggregated(broken).map(|u| u.len()),
            Ok(1),
            "{broken}"
        );
    }

    #[test]
    fn every_component_has_a_target_down_and_an_absent_alert() {
        let catalog = platform();
        let all: Vec<&Component> = catalog.components.iter().collect();
        let alerts: Vec<Rule> = groups(&all)
            .into_iter()
            .flat_map(|g| g.rules)
            .filter(|r| matches!(r, Rule::Alert { .. }))
            .collect();
        let names = all_alert_names(&alerts);
        for (component, series) in [
            ("ControlPlane", "trc_db_connections_in_use"),
            ("Scheduler", "trc_scheduler_reconcile_runs_total"),
            ("Projections", "trc_projection_last_applied_event_id"),
        ] {
            assert!(names.contains(&format!("Trc{component}TargetDown").as_str()));
            assert!(names.contains(&format!("Trc{component}Absent").as_str()));
            let expr = alerts
                .iter()
                .find(|a| matches!(a, Rule::Alert { alert, .. } if *alert == format!("Trc{component}TargetDown")))
                .map(Rule::expr);
            assert_eq!(
                expr,
                Some(
                    format!(
                        "up == 0 and on (job) group by (job) (present_over_time({series}[1h]))"
                    )
                    .as_str()
                )
            );
        }
        // A histogram is found by its `_count`; no prefix, no prefix in the name.
        let mut h = family("settle_seconds", Kind::Histogram, Role::None, vec![]);
        h.prefix = None;
        let mut c = component(vec![h]);
        c.name = "pay-ments".to_string();
        assert_eq!(representative(&c).as_deref(), Some("settle_seconds_count"));
        let (_, alerts) = rules_of(&c);
        assert_eq!(
            all_alert_names(&alerts),
            ["PayMentsTargetDown", "PayMentsAbsent"]
        );
    }

    #[test]
    fn the_file_is_yaml_of_quoted_scalars() {
        let c = component(vec![family(
            "pay_charges_total",
            Kind::Counter,
            Role::None,
            vec![label("result", &["ok", "!it's"])],
        )]);
        let text = render(&[&c]);
        assert!(text.contains("  - name: 'payments.recording'\n"), "{text}");
        assert!(
            text.contains(
                "'sum without (instance, result) (rate(pay_charges_total{result=\"it''s\"}[5m]))'"
            ),
            "{text}"
        );
        assert!(text.contains("          component: 'payments'\n"), "{text}");
    }

    #[test]
    fn yaml_quoting_and_matchers() {
        assert_eq!(quote("it's"), "'it''s'");
        assert_eq!(matcher("status", &["5xx"]), "status=\"5xx\"");
        assert_eq!(matcher("r", &["a", "b.c"]), "r=~\"a|b\\\\.c\"");
        assert_eq!(camel("trc_http_requests"), "TrcHttpRequests");
    }
}

/// A shallow reading of PromQL for the tests of this module and of the dashboards: which raw
/// series an expression reads without aggregating them across instances.
#[cfg(test)]
pub(crate) mod aggregation {
    /// Aggregation operators that fold series together. `topk`/`bottomk` are not among them:
    /// they return the chosen series with every label, `instance` included.
    const AGGREGATIONS: &[&str] = &[
        "sum",
        "min",
        "max",
        "avg",
        "group",
        "count",
        "count_values",
        "stddev",
        "stdvar",
        "quantile",
    ];

    /// Keywords followed by a label list: `by`, `without` (aggregations), `on`, `ignoring`,
    /// `group_left`, `group_right` (vector matching).
    const LABEL_LISTS: &[&str] = &[
        "by",
        "without",
        "on",
        "ignoring",
        "group_left",
        "group_right",
    ];

    /// Keywords that are neither series nor functions.
    const KEYWORDS: &[&str] = &["and", "or", "unless", "bool", "offset", "inf", "nan"];

    #[derive(Debug, Clone, PartialEq)]
    enum Tok {
        Ident(String),
        /// `{...}`, `[...]`, a string or a number: nothing this reading looks into.
        Opaque(char),
        Open,
        Close,
        Other,
    }

    fn lex(expr: &str) -> Result<Vec<Tok>, String> {
        let mut out = Vec::new();
        let mut chars = expr.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '(' => out.push(Tok::Open),
                ')' => out.push(Tok::Close),
                '{' | '[' => {
                    let close = if c == '{' { '}' } else { ']' };
                    let mut quoted = None;
                    loop {
                        let Some(d) = chars.next() else {
                            return Err(format!("unclosed `{c}` in {expr}"));
                        };
                        match (quoted, d) {
                            (Some(q), '\\') if q != '`' => {
                                chars.next();
                            }
                            (Some(q), d) if d == q => quoted = None,
                            (None, '"' | '\'' | '`') => quoted = Some(d),
                            (None, d) if d == close => break,
                            _ => {}
                        }
                    }
                    out.push(Tok::Opaque(c));
                }
                '"' | '\'' | '`' => {
                    loop {
                        match chars.next() {
                            None => return Err(format!("unclosed string in {expr}")),
                            Some('\\') if c != '`' => {
                                chars.next();
                            }
                            Some(d) if d == c => break,
                            Some(_) => {}
                        }
                    }
                    out.push(Tok::Opaque('"'));
                }
                c if c.is_ascii_alphabetic() || c == '_' || c == ':' => {
                    let mut name = c.to_string();
                    while let Some(&d) = chars.peek() {
                        if d.is_ascii_alphanumeric() || d == '_' || d == ':' {
                            name.push(d);
                            chars.next();
                        } else {
                            break;
                        }
                    }
                    out.push(Tok::Ident(name));
                }
                c if c.is_ascii_digit() || c == '.' => {
                    while chars
                        .peek()
                        .is_some_and(|d| d.is_ascii_alphanumeric() || *d == '.')
                    {
                        chars.next();
                    }
                    out.push(Tok::Opaque('0'));
                }
                c if c.is_whitespace() => {}
                _ => out.push(Tok::Other),
            }
        }
        Ok(out)
    }

    /// A raw series read outside any aggregation across instances, with the functions
    /// around it (outermost first).
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Unaggregated {
        /// The metric name, or the `{...}` selector's text when it has none.
        pub series: String,
        /// The functions it is read within, outermost first (`absent`, `rate`, ...).
        pub within: Vec<String>,
    }

    struct Reader {
        toks: Vec<Tok>,
        at: usize,
    }

    impl Reader {
        fn peek(&self) -> Option<&Tok> {
            self.toks.get(self.at)
        }

        /// A label list after `by`/`without`/`on`/...: its names, or none without one.
        fn label_list(&mut self) -> Result<Vec<String>, String> {
            if self.peek() != Some(&Tok::Open) {
                return Ok(Vec::new());
            }
            self.at += 1;
            let mut names = Vec::new();
            loop {
                match self.toks.get(self.at) {
                    Some(Tok::Close) => {
                        self.at += 1;
                        return Ok(names);
                    }
                    Some(Tok::Ident(n)) => names.push(n.clone()),
                    Some(_) => {}
                    None => return Err("unclosed label list".to_string()),
                }
                self.at += 1;
            }
        }

        /// `by (...)` or `without (...)` at this point, if any: (is `without`, the labels).
        fn grouping(&mut self) -> Result<Option<(bool, Vec<String>)>, String> {
            match self.peek() {
                Some(Tok::Ident(k)) if k == "by" || k == "without" => {
                    let without = k == "without";
                    self.at += 1;
                    Ok(Some((without, self.label_list()?)))
                }
                _ => Ok(None),
            }
        }

        /// Reads up to the `)` closing the current level (or the end at the top) and returns
        /// the raw series read there that no aggregation folded across instances.
        fn level(&mut self, within: &[String], nested: bool) -> Result<Vec<Unaggregated>, String> {
            let mut out = Vec::new();
            while let Some(tok) = self.toks.get(self.at).cloned() {
                self.at += 1;
                match tok {
                    Tok::Close if nested => return Ok(out),
                    Tok::Close => return Err("unbalanced `)`".to_string()),
                    Tok::Open => out.extend(self.level(within, true)?),
                    Tok::Ident(k) if LABEL_LISTS.contains(&k.as_str()) => {
                        self.label_list()?;
                    }
                    Tok::Ident(k) if KEYWORDS.contains(&k.to_ascii_lowercase().as_str()) => {}
                    Tok::Ident(agg) if AGGREGATIONS.contains(&agg.as_str()) => {
                        let mut grouping = self.grouping()?;
                        if self.peek() != Some(&Tok::Open) {
                            return Err(format!("`{agg}` without its argument"));
                        }
                        self.at += 1;
                        let inner = self.level(within, true)?;
                        if grouping.is_none() {
                            grouping = self.grouping()?;
                        }
                        let folds_instances = match &grouping {
                            None => true,
                            Some((true, labels)) => labels.iter().any(|l| l == "instance"),
                            Some((false, labels)) => !labels.iter().any(|l| l == "instance"),
                        };
                        if !folds_instances {
                            out.extend(inner);
                        }
                    }
                    Tok::Ident(function) if self.peek() == Some(&Tok::Open) => {
                        self.at += 1;
                        let mut inner_within = within.to_vec();
                        inner_within.push(function);
                        out.extend(self.level(&inner_within, true)?);
                    }
                    Tok::Ident(series) => {
                        // Its matchers are part of it.
                        if self.peek() == Some(&Tok::Opaque('{')) {
                            self.at += 1;
                        }
                        // Recorded series are named `level:metric:operation`; raw ones
                        // have no colon.
                        if !series.contains(':') {
                            out.push(Unaggregated {
                                series,
                                within: within.to_vec(),
                            });
                        }
                    }
                    Tok::Opaque('{') => out.push(Unaggregated {
                        series: "{...}".to_string(),
                        within: within.to_vec(),
                    }),
                    Tok::Opaque(_) | Tok::Other => {}
                }
            }
            if nested {
                return Err("unclosed `(`".to_string());
            }
            Ok(out)
        }
    }

    /// The raw series `expr` reads outside any aggregation that folds `instance` away: `sum`,
    /// `max`, ... with no grouping, with `without (instance, ...)`, or with a `by (...)` that
    /// leaves `instance` out. A series with a `:` in its name is a recorded one (aggregated by
    /// its own rule) and is not listed. Shallow: it knows PromQL's shape, not its types.
    pub fn unaggregated(expr: &str) -> Result<Vec<Unaggregated>, String> {
        let mut r = Reader {
            toks: lex(expr)?,
            at: 0,
        };
        r.level(&[], false)
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        fn raw(expr: &str) -> Vec<String> {
            match unaggregated(expr) {
                Ok(found) => found
                    .into_iter()
                    .map(|u| {
                        if u.within.is_empty() {
                            u.series
                        } else {
                            format!("{} in {}", u.series, u.within.join("/"))
                        }
                    })
                    .collect(),
                Err(e) => vec![format!("error: {e}")],
            }
        }

        #[test]
        fn what_aggregates_and_what_does_not() {
            let none: Vec<String> = Vec::new();
            for ok in [
                "sum without (instance) (rate(x_total[5m]))",
                "sum without (instance, a, b) (rate(x_total{a=~\"b|c\"}[5m]))",
                "sum(rate(x[5m])) by (le)",
                "histogram_quantile(0.95, sum by (le) (rate(x_bucket[$__rate_interval])))",
                "max by (p) (x)",
                "max(x)",
                "job:x:rate5m / sum without (a) (job_a:x:rate5m)",
                "deriv(job_p:x:max[5m])",
                "group by (job) (present_over_time(x[1h]))",
                "count(x) > 3",
            ] {
                assert_eq!(raw(ok), none, "{ok}");
            }
            assert_eq!(raw("rate(x_total[5m])"), ["x_total in rate"]);
            assert_eq!(raw("sum by (instance) (x)"), ["x"]);
            assert_eq!(raw("sum without (job) (x)"), ["x"]);
            assert_eq!(raw("topk(3, x)"), ["x in topk"]);
            assert_eq!(
                raw("up == 0 and on (job) group by (job) (x)"),
                ["up"],
                "the label list of `on` is no series"
            );
            assert_eq!(raw("absent(x)"), ["x in absent"]);
            assert_eq!(raw("{__name__=\"x\"}"), ["{...}"]);
            assert_eq!(
                raw("x{a=\"(\"} + sum(y)"),
                ["x"],
                "parentheses in a matcher are text"
            );
            assert_eq!(raw("sum(x"), ["error: unclosed `(`"]);
            assert_eq!(raw("sum x"), ["error: `sum` without its argument"]);
            assert_eq!(raw("sum(x))"), ["error: unbalanced `)`"]);
        }
    }
}
