//! Label names (R1, R6, R7, R11) and label values (R13).

use crate::case::{is_snake_case, snake_case};
use crate::kind::MetricKind;
use crate::policy::Policy;
use crate::rule::{Rule, Target, Violation};

/// A group of label names forbidden for one reason (R7), with the bounded alternative.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ForbiddenLabel {
    /// The names, as a field or a scraped label would spell them.
    pub names: &'static [&'static str],
    /// Why their values are unbounded (or must never be exported).
    pub reason: &'static str,
    /// What to label instead.
    pub instead: &'static str,
}

/// Label names whose values are unbounded by nature (R7), grouped by why, with the bounded
/// alternative: every id, address or string in a label becomes a series of its own. From the
/// Prometheus instrumentation practices ("do not use labels to store dimensions with high
/// cardinality ... user IDs, email addresses") and the unbounded labels real services shipped.
pub const FORBIDDEN_LABELS: &[ForbiddenLabel] = &[
    ForbiddenLabel {
        names: &[
            "path",
            "raw_path",
            "url",
            "uri",
            "full_url",
            "query",
            "query_string",
        ],
        reason: "a raw path, URL or query string is unbounded: every id in it becomes a series",
        instead: "label the route template instead: `path_template` typed by a route-template enum (the HTTP middleware fills it from the router's matched path)",
    },
    ForbiddenLabel {
        names: &["hostname", "host"],
        reason: "a raw hostname is unbounded (every client, tenant or scanner brings new ones)",
        instead: "use a bounded enum of known hosts, the capped node label, or `#[label(allow = \"why it is bounded\")]` when the host set is yours and small",
    },
    ForbiddenLabel {
        names: &[
            "instance_id",
            "execution_id",
            "job_id",
            "container_id",
            "pod_id",
        ],
        reason: "a per-instance or per-execution id is churny and unbounded in high-rate metrics",
        instead: "aggregate over instances (a state or kind enum) and keep ids in logs and traces",
    },
    ForbiddenLabel {
        names: &["user_id", "user", "username", "user_name", "email"],
        reason: "a user id or email is unbounded and personal data",
        instead: "count globally; keep per-user detail in logs and event queries",
    },
    ForbiddenLabel {
        names: &[
            "error",
            "err",
            "error_message",
            "error_msg",
            "message",
            "msg",
        ],
        reason: "an error message string is unbounded",
        instead: "label an `error_kind` enum with a fixed set of error classes; put the message in logs",
    },
    ForbiddenLabel {
        names: &["idempotency_key"],
        reason: "an idempotency key is unique per request",
        instead: "count hits and conflicts by endpoint; keep keys in logs",
    },
    ForbiddenLabel {
        names: &[
            "token",
            "secret",
            "password",
            "passwd",
            "api_key",
            "apikey",
            "authorization",
            "credential",
            "credentials",
        ],
        reason: "a secret-like value must never be exported, and is unbounded",
        instead: "remove the label; count by a bounded `auth_result` or `grant_type` enum",
    },
    ForbiddenLabel {
        names: &[
            "session_id",
            "request_id",
            "trace_id",
            "span_id",
            "correlation_id",
        ],
        reason: "a per-request or per-session id is unique per event",
        instead: "keep it in logs and traces; use exemplars to link a series to a trace",
    },
    ForbiddenLabel {
        names: &[
            "ip",
            "client_ip",
            "remote_ip",
            "ip_address",
            "remote_addr",
            "peer_addr",
        ],
        reason: "a client address is unbounded",
        instead: "aggregate; keep addresses in access logs",
    },
    ForbiddenLabel {
        names: &["timestamp", "date", "datetime"],
        reason: "a time as a label value makes a new series every moment",
        instead: "expose the time as a gauge value in seconds (`..._timestamp_seconds`)",
    },
];

/// The built-in forbidden label group `name` belongs to (R7), if any. A crate's own
/// `forbidden_labels` are in its [`Policy`]; [`check_label_name`] checks both.
pub fn forbidden_label(name: &str) -> Option<&'static ForbiddenLabel> {
    FORBIDDEN_LABELS.iter().find(|f| f.names.contains(&name))
}

/// A label name Prometheus reserves (R6), with why and what to name it instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReservedLabel {
    /// The name.
    pub name: &'static str,
    /// Who uses it.
    pub reason: &'static str,
    /// What to name the label instead.
    pub instead: &'static str,
}

/// Label names starting with this are reserved for Prometheus' internal labels (R6; the data
/// model: "label names beginning with `__` are reserved for internal use").
pub const RESERVED_LABEL_PREFIX: &str = "__";

/// Label names the exposition or the server gives a meaning of their own (R6): `le` and
/// `quantile` hold histogram bounds and summary quantiles; Prometheus sets `job` and `instance`
/// on every scraped series and renames a clashing sample label `exported_*`.
pub const RESERVED_LABELS: &[ReservedLabel] = &[
    ReservedLabel {
        name: "le",
        reason: "is reserved for histogram buckets and summary quantiles",
        instead: "rename it (for example `le_class`)",
    },
    ReservedLabel {
        name: "quantile",
        reason: "is reserved for histogram buckets and summary quantiles",
        instead: "rename it (for example `quantile_class`)",
    },
    ReservedLabel {
        name: "job",
        reason: "is set by Prometheus on every scraped series and would clash",
        instead: "rename it (for example `source_job`)",
    },
    ReservedLabel {
        name: "instance",
        reason: "is set by Prometheus on every scraped series and would clash",
        instead: "rename it (for example `source_instance`)",
    },
];

/// The reserved label `name` is (R6), if any; the `__` prefix is [`RESERVED_LABEL_PREFIX`].
pub fn reserved_label(name: &str) -> Option<&'static ReservedLabel> {
    RESERVED_LABELS.iter().find(|r| r.name == name)
}

/// R1 and R6: what any label name must be, whatever its values. The runtime checks global
/// labels with it (one value per process, so R7 does not apply).
pub fn check_label_syntax(name: &str) -> Vec<Violation> {
    let mut out = Vec::new();
    if !is_snake_case(name) {
        out.push(
            Violation::new(
                Rule::R1,
                Target::Label,
                format!("label name `{name}` is not snake case `[a-z_][a-z0-9_]*`"),
            )
            .with_fix(format!("write `{}`", snake_case(name))),
        );
    }
    if name.starts_with(RESERVED_LABEL_PREFIX) {
        out.push(
            Violation::new(
                Rule::R6,
                Target::Label,
                format!(
                    "label `{name}` starts with `__`, which Prometheus reserves for internal labels"
                ),
            )
            .with_fix(format!("rename it to `{}`", name.trim_start_matches('_'))),
        );
    } else if let Some(r) = reserved_label(name) {
        out.push(
            Violation::new(
                Rule::R6,
                Target::Label,
                format!("label `{name}` {}", r.reason),
            )
            .with_fix(r.instead),
        );
    }
    out
}

/// R1, R6 and R7: the name of a label that carries values per series (a family's field, a
/// scraped label). R7 covers the built-in [`FORBIDDEN_LABELS`] and the crate's own
/// `forbidden_labels`; `#[label(allow = "why")]` waives R7 (the caller drops those).
pub fn check_label_name(name: &str, policy: &Policy) -> Vec<Violation> {
    let mut out = check_label_syntax(name);
    if let Some(f) = forbidden_label(name) {
        out.push(
            Violation::new(
                Rule::R7,
                Target::Label,
                format!("label `{name}` is forbidden: {}", f.reason),
            )
            .with_fix(f.instead),
        );
    } else if policy.forbidden_labels.iter().any(|f| f == name) {
        out.push(
            Violation::new(
                Rule::R7,
                Target::Label,
                format!("label `{name}` is forbidden by this crate's policy (Cargo.toml [package.metadata.metrics] forbidden_labels)"),
            )
            .with_fix("remove it or waive it with #[label(allow = \"why it is bounded\")]"),
        );
    }
    out
}

/// R11: a tenant label (the crate's `tenant_labels`, for example `org_id`) on a counter or
/// histogram. Those are the high-frequency kinds, recorded on every request or event, so a
/// tenant label multiplies their series by the number of tenants; a gauge of per-tenant state
/// may carry one sparingly. Off unless the policy names tenant labels.
pub fn check_tenant_label(name: &str, kind: MetricKind, policy: &Policy) -> Result<(), Violation> {
    if !policy.is_tenant_label(name) || kind == MetricKind::Gauge {
        return Ok(());
    }
    Err(Violation::new(
        Rule::R11,
        Target::Label,
        format!("`{name}` on a {kind} makes one series per tenant of a high-frequency metric, which this crate's policy forbids (Cargo.toml [package.metadata.metrics] tenant_labels)"),
    )
    .with_fix("count a global aggregate and keep per-tenant detail in logs and event queries (a gauge may carry it sparingly; a capped label type may carry it with #[label(allow = \"why\")])"))
}

/// R11's waiver refused: `#[label(allow = "why")]` on tenant label `name` of a `kind` family
/// whose type, `type_name`, is not a capped label. The derive reports it from a const
/// assertion on `LabelValue::CAP`, spanned on the field's type.
///
/// Why only a capped type: a capped label keeps its first `cap` values and folds the rest into
/// one overflow value, so the per-tenant series of the family stay bounded by `cap + 1`, which
/// the series budget (R9) counts. A fixed enum of tenants is not a tenant label (rename it),
/// and an unbounded type never compiles (R8).
pub fn tenant_waiver_needs_cap(name: &str, kind: MetricKind, type_name: &str) -> Violation {
    Violation::new(
        Rule::R11,
        Target::Label,
        format!("the waiver of tenant label `{name}` on a {kind} holds only on a capped label type, whose cap bounds the per-tenant series; `{type_name}` has no cap"),
    )
    .with_fix(format!(
        "declare `capped_label! {{ pub struct {}(cap = N); }}` and use it as the type, or drop the label",
        upper_camel(name)
    ))
}

/// `org_id` -> `OrgId`: the type name a message suggests for a label.
fn upper_camel(name: &str) -> String {
    name.split('_')
        .filter(|s| !s.is_empty())
        .map(|s| {
            let mut c = s.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// R13: a label value is not empty; Prometheus reads an empty value as a missing label, so
/// it would merge with the series that lack it.
pub fn check_label_value(value: &str) -> Result<(), Violation> {
    if value.is_empty() {
        return Err(Violation::new(
            Rule::R13,
            Target::Value,
            "an empty label value reads as a missing label in Prometheus",
        )
        .with_fix("give a non-empty value"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(v: &[Violation]) -> Vec<&'static str> {
        v.iter().map(|v| v.rule.id()).collect()
    }

    #[test]
    fn every_forbidden_name_is_found_with_its_alternative() {
        for group in FORBIDDEN_LABELS {
            assert!(!group.reason.is_empty() && !group.instead.is_empty());
            for name in group.names {
                assert!(is_snake_case(name), "{name}");
                assert_eq!(forbidden_label(name), Some(group));
                let v = check_label_name(name, &Policy::default());
                assert_eq!(rules(&v), ["R7"], "{name}");
                assert_eq!(v[0].fix.as_deref(), Some(group.instead));
            }
        }
        assert_eq!(forbidden_label("path_template"), None);
    }

    #[test]
    fn no_name_is_in_two_groups() {
        let mut all: Vec<&str> = FORBIDDEN_LABELS
            .iter()
            .flat_map(|g| g.names)
            .copied()
            .collect();
        all.extend(RESERVED_LABELS.iter().map(|r| r.name));
        let n = all.len();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), n);
    }

    #[test]
    fn reserved_names_and_prefix() {
        for r in RESERVED_LABELS {
            assert_eq!(rules(&check_label_syntax(r.name)), ["R6"], "{}", r.name);
        }
        let v = check_label_syntax("__x");
        assert_eq!(
            v[0].to_string(),
            "R6: label `__x` starts with `__`, which Prometheus reserves for internal labels; rename it to `x`"
        );
        assert_eq!(rules(&check_label_syntax("Zone")), ["R1"]);
        assert_eq!(rules(&check_label_syntax("")), ["R1"]);
        assert!(check_label_syntax("zone").is_empty());
        assert!(check_label_syntax("_private").is_empty());
    }

    #[test]
    fn the_crate_policy_adds_forbidden_names() {
        let p = Policy {
            forbidden_labels: vec!["tenant".into()],
            ..Policy::default()
        };
        assert_eq!(rules(&check_label_name("tenant", &p)), ["R7"]);
        assert!(check_label_name("tenant", &Policy::default()).is_empty());
    }

    #[test]
    fn tenant_labels_only_under_a_policy_and_not_on_gauges() {
        let p = Policy {
            tenant_labels: vec!["org_id".into(), "env_id".into()],
            ..Policy::default()
        };
        assert!(check_tenant_label("org_id", MetricKind::Counter, &Policy::default()).is_ok());
        assert!(check_tenant_label("org_id", MetricKind::Gauge, &p).is_ok());
        assert!(check_tenant_label("zone", MetricKind::Counter, &p).is_ok());
        for kind in [MetricKind::Counter, MetricKind::Histogram] {
            let v = check_tenant_label("env_id", kind, &p).map_err(|v| v.rule);
            assert_eq!(v, Err(Rule::R11));
        }
        let w = tenant_waiver_needs_cap("org_id", MetricKind::Counter, "OrgKind");
        assert_eq!(w.rule, Rule::R11);
        assert!(
            w.to_string()
                .contains("capped_label! { pub struct OrgId(cap = N); }")
        );
    }

    #[test]
    fn empty_values_are_refused() {
        assert!(check_label_value("ok").is_ok());
        assert_eq!(check_label_value("").map_err(|v| v.rule), Err(Rule::R13));
    }
}
