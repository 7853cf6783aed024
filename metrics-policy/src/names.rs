//! Metric names and units (R1-R5).

use crate::case::{is_snake_case, snake_case};
use crate::kind::MetricKind;
use crate::policy::Policy;
use crate::rule::{Rule, Target, Violation};

/// The base units a name states in its suffix (R4; Prometheus naming practice: "use base
/// units", seconds and bytes, and ratios from 0 to 1 rather than percentages).
pub const BASE_UNITS: &[&str] = &["seconds", "bytes", "ratio"];

/// Units that are not base units (R4), with the base unit to use instead.
pub const NON_BASE_UNITS: &[(&str, &str)] = &[
    ("ms", "seconds"),
    ("msec", "seconds"),
    ("millis", "seconds"),
    ("milliseconds", "seconds"),
    ("us", "seconds"),
    ("micros", "seconds"),
    ("microseconds", "seconds"),
    ("ns", "seconds"),
    ("nanos", "seconds"),
    ("nanoseconds", "seconds"),
    ("mins", "seconds"),
    ("minutes", "seconds"),
    ("hours", "seconds"),
    ("days", "seconds"),
    ("kb", "bytes"),
    ("kib", "bytes"),
    ("kilobytes", "bytes"),
    ("mb", "bytes"),
    ("mib", "bytes"),
    ("megabytes", "bytes"),
    ("gb", "bytes"),
    ("gib", "bytes"),
    ("gigabytes", "bytes"),
    ("bits", "bytes"),
    ("percent", "ratio"),
    ("percentage", "ratio"),
    ("pct", "ratio"),
];

/// The base unit to use instead of `unit`, when `unit` is not a base unit (R4).
pub fn non_base_unit(unit: &str) -> Option<&'static str> {
    NON_BASE_UNITS
        .iter()
        .find(|(bad, _)| *bad == unit)
        .map(|(_, base)| *base)
}

/// Words that make a name a duration (R4): such a name must be measured in seconds.
pub const TIME_WORDS: &[&str] = &["duration", "latency", "time", "elapsed"];

/// Suffixes the exposition format derives from a family name (R5, OpenMetrics and the text
/// format: histogram and summary samples, counter creation timestamps).
pub const RESERVED_SUFFIXES: &[&str] = &["_bucket", "_count", "_sum", "_created"];

/// Every name an exposition of a family of `kind` named `name` holds, in the text format or
/// OpenMetrics: its family names (a counter `x_total` is family `x` in OpenMetrics) and its
/// sample names (a histogram's `_bucket`, `_sum`, `_count`, every `_created`). Two families
/// of one program must not share one, or the exposition would hold the name twice: the derive
/// claims each as a link symbol, the runtime's registry as an owner, the toolkit checks
/// catalogs with it.
pub fn exposed_names(name: &str, kind: crate::MetricKind) -> Vec<String> {
    let mut names = vec![name.to_string()];
    let with = |suffixes: &[&str], base: &str, names: &mut Vec<String>| {
        names.extend(suffixes.iter().map(|s| format!("{base}{s}")));
    };
    match kind {
        crate::MetricKind::Gauge => {}
        crate::MetricKind::Counter => {
            let base = name.strip_suffix("_total").unwrap_or(name);
            if base != name {
                names.push(base.to_string());
            }
            with(&["_created"], base, &mut names);
        }
        crate::MetricKind::Histogram => {
            with(&["_bucket", "_sum", "_count", "_created"], name, &mut names);
        }
    }
    names
}

/// Aggregation suffixes that may follow the unit (`..._seconds_max`).
const AGGREGATIONS: &[&str] = &["_max", "_min"];

/// The segment where a name states its unit: the last one, before `_total` (counters) and an
/// aggregation suffix (`_max`, `_min`). Only that position is checked, so `ns` (a namespace)
/// or `us` (a region) elsewhere in a name are not mistaken for units.
fn unit_segment(name: &str) -> &str {
    let base = name.strip_suffix("_total").unwrap_or(name);
    let base = AGGREGATIONS
        .iter()
        .find_map(|a| base.strip_suffix(a))
        .unwrap_or(base);
    base.rsplit('_').next().unwrap_or(base)
}

/// A valid unit attribute: snake case and a base unit.
fn valid_unit(unit: &str) -> bool {
    is_snake_case(unit) && non_base_unit(unit).is_none()
}

/// The unit a family documents: its valid `unit = "..."`, else the base unit its name ends in.
pub fn declared_unit<'a>(name: &'a str, unit: Option<&'a str>) -> Option<&'a str> {
    match unit {
        Some(u) if valid_unit(u) => Some(u),
        _ => Some(unit_segment(name)).filter(|last| BASE_UNITS.contains(last)),
    }
}

/// A name passing R2-R5 at once, so every message suggests one name that fixes them all:
/// the crate's prefix, no reserved suffix, base units, `_seconds` on durations, the declared
/// unit, and `_total` on counters only.
pub fn suggest_metric_name(
    name: &str,
    kind: MetricKind,
    unit: Option<&str>,
    policy: &Policy,
) -> String {
    let unit = unit.filter(|u| valid_unit(u));
    let mut core = name.to_string();
    while let Some(s) = RESERVED_SUFFIXES
        .iter()
        .find_map(|suf| core.strip_suffix(suf))
        .map(str::to_string)
    {
        core = s;
    }
    while let Some(s) = core.strip_suffix("_total").map(str::to_string) {
        core = s;
    }
    let agg = AGGREGATIONS.iter().find(|a| core.ends_with(*a)).copied();
    if let Some(a) = agg {
        core.truncate(core.len() - a.len());
    }
    let mut segments: Vec<String> = core.split('_').map(str::to_string).collect();
    if let Some(last) = segments.last_mut()
        && let Some(base) = non_base_unit(last)
    {
        *last = base.to_string();
    }
    let mut core = segments.join("_");
    let last = core.rsplit('_').next().unwrap_or("").to_string();
    if TIME_WORDS.contains(&last.as_str()) {
        core.push_str("_seconds");
    }
    if let Some(u) = unit
        && !core.ends_with(&format!("_{u}"))
    {
        core.push('_');
        core.push_str(u);
    }
    if let Some(a) = agg {
        core.push_str(a);
    }
    if kind == MetricKind::Counter {
        core.push_str("_total");
    }
    match &policy.prefix {
        Some(p) if !core.starts_with(p.as_str()) => format!("{p}{core}"),
        _ => core,
    }
}

/// R1-R5 on a family's name and declared unit, in the order a reader fixes them. Every
/// message that suggests a name suggests the same one, which passes every rule.
///
/// A name that is not snake case gets only R1: the other rules read its segments.
/// [`Violation::waivable`] tells which of these a naming deviation waives.
pub fn check_metric_name(
    name: &str,
    kind: MetricKind,
    unit: Option<&str>,
    policy: &Policy,
) -> Vec<Violation> {
    let mut out = Vec::new();
    // R1: the policy's snake case.
    if !is_snake_case(name) {
        out.push(
            Violation::new(
                Rule::R1,
                Target::Name,
                format!("metric name `{name}` is not snake case `[a-z_][a-z0-9_]*`"),
            )
            .with_fix(format!("write `{}`", snake_case(name))),
        );
        return out;
    }
    let fixed = suggest_metric_name(name, kind, unit, policy);
    let write = format!("write `{fixed}`");
    // R2: the crate's required prefix.
    if let Some(prefix) = &policy.prefix
        && !name.starts_with(prefix.as_str())
    {
        out.push(
            Violation::new(
                Rule::R2,
                Target::Name,
                format!("`{name}` lacks this crate's required prefix `{prefix}` (Cargo.toml [package.metadata.metrics])"),
            )
            .with_fix(&write),
        );
    }
    // R5: suffixes the exposition derives from family names.
    for suffix in RESERVED_SUFFIXES {
        if name.ends_with(suffix) {
            out.push(
                Violation::new(
                    Rule::R5,
                    Target::Name,
                    format!("`{name}` ends in `{suffix}`, which the exposition format reserves for derived samples"),
                )
                .with_fix(format!("drop the suffix: {write}")),
            );
        }
    }
    // R3: `_total` is the counter suffix (OpenMetrics; promtool: "non-counter metrics should
    // not have _total suffix").
    match kind {
        MetricKind::Counter if !name.ends_with("_total") => out.push(
            Violation::new(
                Rule::R3,
                Target::Name,
                format!("counter `{name}` must end in `_total`"),
            )
            .with_fix(&write),
        ),
        MetricKind::Gauge | MetricKind::Histogram if name.ends_with("_total") => out.push(
            Violation::new(
                Rule::R3,
                Target::Name,
                format!("a {kind} must not end in `_total`, which marks counters"),
            )
            .with_fix(format!(
                "{write} (or record why with #[metric(allow = \"why\")])"
            )),
        ),
        _ => {}
    }
    let last = unit_segment(name);
    // R4: base units only (Prometheus naming practice).
    if let Some(base) = non_base_unit(last) {
        let ratio = if base == "ratio" {
            " (a 0..1 ratio)"
        } else {
            ""
        };
        out.push(
            Violation::new(
                Rule::R4,
                Target::Name,
                format!("`_{last}` is not a base unit"),
            )
            .with_fix(format!("measure in {base} and {write}{ratio}")),
        );
    }
    if let Some(u) = unit {
        if let Some(base) = non_base_unit(u) {
            out.push(
                Violation::new(
                    Rule::R4,
                    Target::Unit,
                    format!("unit `{u}` is not a base unit"),
                )
                .with_fix(format!("use `unit = \"{base}\"` and convert the values")),
            );
        } else if !is_snake_case(u) {
            out.push(
                Violation::new(
                    Rule::R1,
                    Target::Unit,
                    format!("unit `{u}` is not snake case"),
                )
                .with_fix(format!("write `{}`", snake_case(u))),
            );
        } else {
            // `_total` removed whatever the kind (R3 reports a misplaced one).
            let base = name.strip_suffix("_total").unwrap_or(name);
            let suffix = format!("_{u}");
            let states_unit = base.ends_with(&suffix)
                || AGGREGATIONS
                    .iter()
                    .any(|agg| base.ends_with(&format!("{suffix}{agg}")));
            if !states_unit {
                let before_total = if kind == MetricKind::Counter {
                    " before `_total`"
                } else {
                    ""
                };
                out.push(
                    Violation::new(
                        Rule::R4,
                        Target::Name,
                        format!(
                            "`unit = \"{u}\"` needs the name to end in `{suffix}`{before_total}"
                        ),
                    )
                    .with_fix(&write),
                );
            }
        }
    }
    // R4: a duration says it is in seconds (the time word is where the unit goes).
    if TIME_WORDS.contains(&last) {
        out.push(
            Violation::new(
                Rule::R4,
                Target::Name,
                format!("`{name}` is time-like (`_{last}`) but not in seconds"),
            )
            .with_fix(format!("measure in seconds and {write}")),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trc() -> Policy {
        Policy {
            prefix: Some("trc_".into()),
            ..Policy::default()
        }
    }

    fn rules(name: &str, kind: MetricKind, unit: Option<&str>) -> Vec<&'static str> {
        check_metric_name(name, kind, unit, &trc())
            .iter()
            .map(|v| v.rule.id())
            .collect()
    }

    #[test]
    fn seed_names_pass() {
        use MetricKind::*;
        for (name, kind, unit) in [
            ("trc_agent_overlay_handshake_age_seconds_max", Gauge, None),
            ("trc_events_table_rows", Gauge, None),
            ("trc_projection_lag_events", Gauge, None),
            ("trc_scheduler_rollout_seconds", Histogram, Some("seconds")),
            ("trc_agent_backup_bytes_total", Counter, Some("bytes")),
            ("trc_events_table_size_bytes", Gauge, Some("bytes")),
            ("trc_cpu_seconds_max", Gauge, Some("seconds")),
            ("trc_ns_pods", Gauge, None),
            ("trc_us_east_requests_total", Counter, None),
            ("trc_time_sync_failures_total", Counter, None),
        ] {
            assert_eq!(rules(name, kind, unit), Vec::<&str>::new(), "{name}");
        }
    }

    #[test]
    fn each_rule_fires() {
        use MetricKind::*;
        assert_eq!(rules("trc_HttpRequests_total", Counter, None), ["R1"]);
        assert_eq!(rules("http_requests_total", Counter, None), ["R2"]);
        assert_eq!(rules("trc_requests", Counter, None), ["R3"]);
        assert_eq!(rules("trc_backends_total", Gauge, None), ["R3"]);
        assert_eq!(rules("trc_latency_ms", Histogram, None), ["R4"]);
        assert_eq!(rules("trc_request_duration", Histogram, None), ["R4"]);
        assert_eq!(rules("trc_disk_free", Gauge, Some("bytes")), ["R4"]);
        assert_eq!(rules("trc_queue_count", Gauge, None), ["R5"]);
        assert_eq!(rules("trc_x_seconds", Gauge, Some("ms")), ["R4"]);
        assert_eq!(rules("trc_x_seconds", Gauge, Some("Seconds")), ["R1"]);
    }

    #[test]
    fn every_non_base_unit_is_refused_in_the_name_and_the_attribute() {
        for (bad, base) in NON_BASE_UNITS {
            let name = format!("trc_x_{bad}");
            let v = check_metric_name(&name, MetricKind::Gauge, None, &trc());
            assert_eq!(v.len(), 1, "{name}");
            assert_eq!((v[0].rule, v[0].target), (Rule::R4, Target::Name));
            assert!(
                v[0].to_string().contains(&format!("write `trc_x_{base}`")),
                "{}",
                v[0]
            );
            let v = check_metric_name("trc_x", MetricKind::Gauge, Some(bad), &trc());
            assert_eq!((v[0].rule, v[0].target), (Rule::R4, Target::Unit), "{bad}");
            assert!(!v[0].waivable());
        }
    }

    #[test]
    fn every_reserved_suffix_and_time_word_is_refused() {
        for suffix in RESERVED_SUFFIXES {
            assert_eq!(
                rules(&format!("trc_x{suffix}"), MetricKind::Gauge, None),
                ["R5"]
            );
        }
        for word in TIME_WORDS {
            assert_eq!(
                rules(&format!("trc_x_{word}"), MetricKind::Gauge, None),
                ["R4"]
            );
        }
    }

    #[test]
    fn every_suggestion_passes_every_rule() {
        use MetricKind::*;
        for (name, kind, unit, fixed) in [
            (
                "trc_request_latency_ms",
                Histogram,
                None,
                "trc_request_latency_seconds",
            ),
            (
                "trc_cpu_seconds_total",
                Gauge,
                Some("seconds"),
                "trc_cpu_seconds",
            ),
            ("requests", Counter, None, "trc_requests_total"),
            (
                "trc_request_duration",
                Histogram,
                None,
                "trc_request_duration_seconds",
            ),
            (
                "trc_backup",
                Counter,
                Some("bytes"),
                "trc_backup_bytes_total",
            ),
            ("trc_queue_count", Gauge, None, "trc_queue"),
            ("trc_usage_percent", Gauge, None, "trc_usage_ratio"),
        ] {
            let found = check_metric_name(name, kind, unit, &trc());
            assert!(!found.is_empty(), "{name}");
            for v in &found {
                assert!(v.to_string().contains(&format!("write `{fixed}`")), "{v}");
            }
            assert_eq!(rules(fixed, kind, unit), Vec::<&str>::new(), "{fixed}");
        }
    }

    #[test]
    fn naming_deviations_waive_suffix_rules_only() {
        let waivable = |name, kind, unit| -> Vec<bool> {
            check_metric_name(name, kind, unit, &trc())
                .iter()
                .map(Violation::waivable)
                .collect()
        };
        assert_eq!(
            waivable("trc_backends_total", MetricKind::Gauge, None),
            [true]
        );
        assert_eq!(waivable("trc_latency_ms", MetricKind::Gauge, None), [true]);
        assert_eq!(
            waivable("trc_queue_count", MetricKind::Gauge, None),
            [false]
        );
        assert_eq!(waivable("queue", MetricKind::Gauge, None), [false]);
    }

    #[test]
    fn the_declared_unit_is_the_attribute_or_the_suffix() {
        assert_eq!(declared_unit("trc_x_seconds", None), Some("seconds"));
        assert_eq!(declared_unit("trc_x_bytes_total", None), Some("bytes"));
        assert_eq!(declared_unit("trc_x_seconds_max", None), Some("seconds"));
        assert_eq!(declared_unit("trc_x", Some("bytes")), Some("bytes"));
        assert_eq!(declared_unit("trc_x_seconds", Some("ms")), Some("seconds"));
        assert_eq!(declared_unit("trc_x_events", None), None);
    }
}
