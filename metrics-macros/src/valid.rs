//! Every compile-time rule of the metrics policy, in one place. Each rule says where it comes
//! from; each error points at the offending token and says what to write instead. All errors
//! of one declaration are collected and reported together.
//!
//! R8 (bounded label types) and R9 (series budget) need type information and are enforced by
//! the generated code (a trait bound spanned on the field type, a const assertion).

use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::{Expr, Ident, Lit, LitStr, Type, UnOp};

use crate::ast::{FamilyInput, FieldInput, LabelInput, doc_lines, doc_summary};
use crate::case::snake_case;
use crate::policy::Policy;

/// Collects errors; the derive reports them all at once.
#[derive(Default)]
pub struct Errors(Vec<syn::Error>);

impl Errors {
    pub fn push(&mut self, span: Span, msg: impl std::fmt::Display) {
        self.0.push(syn::Error::new(span, msg));
    }

    /// An error spanning every token of `tokens` (`-1.0`, not just its `-`).
    pub fn push_spanned(&mut self, tokens: &impl quote::ToTokens, msg: impl std::fmt::Display) {
        self.0.push(syn::Error::new_spanned(tokens, msg));
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    #[cfg(test)]
    pub fn messages(&self) -> Vec<String> {
        self.0.iter().map(|e| e.to_string()).collect()
    }

    pub fn to_compile_errors(&self) -> proc_macro2::TokenStream {
        self.0.iter().map(syn::Error::to_compile_error).collect()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Counter,
    Gauge,
    Histogram,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Counter => "counter",
            Kind::Gauge => "gauge",
            Kind::Histogram => "histogram",
        }
    }
}

/// A label after validation.
pub struct Label<'a> {
    pub ident: &'a Ident,
    pub name: String,
    pub ty: &'a Type,
    pub waiver: Option<String>,
    pub doc: String,
}

/// A family after validation: what `expand` generates code from.
pub struct Family<'a> {
    pub ident: &'a Ident,
    pub kind: Kind,
    pub name: String,
    pub help: String,
    pub unit: Option<String>,
    pub buckets: Vec<f64>,
    pub max_series: usize,
    pub labels: Vec<Label<'a>>,
    pub component: Option<String>,
    pub deviations: Vec<String>,
    pub stability: String,
    pub deprecated_since: Option<String>,
    pub is_unit_struct: bool,
}

/// Units that are not base units (R4, Prometheus naming practice: "use base units"), with the
/// base unit to use instead.
const NON_BASE_UNITS: &[(&str, &str)] = &[
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

/// Words that make a name a duration (R4): such a name must be measured in seconds.
const TIME_WORDS: &[&str] = &["duration", "latency", "time", "elapsed"];

/// Suffixes the exposition format derives from a family name (R5, OpenMetrics and the text
/// format: histogram and summary samples, counter creation timestamps).
const RESERVED_SUFFIXES: &[&str] = &["_bucket", "_count", "_sum", "_created"];

/// Forbidden label names (R7) grouped by why, with the bounded alternative. From the platform
/// policy (seed 000 "Forbidden labels") and seeds 001-004's unbounded labels.
pub const FORBIDDEN_LABELS: &[(&[&str], &str, &str)] = &[
    (
        &[
            "path",
            "raw_path",
            "url",
            "uri",
            "full_url",
            "query",
            "query_string",
        ],
        "a raw path, URL or query string is unbounded: every id in it becomes a series",
        "label the route template instead: `path_template` typed by a route-template enum (the HTTP middleware fills it from the router's matched path)",
    ),
    (
        &["hostname", "host"],
        "a raw hostname is unbounded (every client, tenant or scanner brings new ones)",
        "use a bounded enum of known hosts, the capped node label, or `#[label(allow = \"why it is bounded\")]` when the host set is yours and small",
    ),
    (
        &[
            "instance_id",
            "execution_id",
            "job_id",
            "container_id",
            "pod_id",
        ],
        "a per-instance or per-execution id is churny and unbounded in high-rate metrics",
        "aggregate over instances (a state or kind enum) and keep ids in logs and traces",
    ),
    (
        &["user_id", "user", "username", "user_name", "email"],
        "a user id or email is unbounded and personal data",
        "count globally; keep per-user detail in logs and event queries",
    ),
    (
        &[
            "error",
            "err",
            "error_message",
            "error_msg",
            "message",
            "msg",
        ],
        "an error message string is unbounded",
        "label an `error_kind` enum with a fixed set of error classes; put the message in logs",
    ),
    (
        &["idempotency_key"],
        "an idempotency key is unique per request",
        "count hits and conflicts by endpoint; keep keys in logs",
    ),
    (
        &[
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
        "a secret-like value must never be exported, and is unbounded",
        "remove the label; count by a bounded `auth_result` or `grant_type` enum",
    ),
    (
        &[
            "session_id",
            "request_id",
            "trace_id",
            "span_id",
            "correlation_id",
        ],
        "a per-request or per-session id is unique per event",
        "keep it in logs and traces; use exemplars to link a series to a trace",
    ),
    (
        &[
            "ip",
            "client_ip",
            "remote_ip",
            "ip_address",
            "remote_addr",
            "peer_addr",
        ],
        "a client address is unbounded",
        "aggregate; keep addresses in access logs",
    ),
    (
        &["timestamp", "date", "datetime"],
        "a time as a label value makes a new series every moment",
        "expose the time as a gauge value in seconds (`..._timestamp_seconds`)",
    ),
];

/// Labels the per-org rule (R11) bans on high-frequency metrics: seed 000, "do not emit
/// per-org high-frequency metrics".
const PER_ORG_LABELS: &[&str] = &["org_id", "env_id"];

/// `[a-z_][a-z0-9_]*` (R1): the policy's snake case, a subset of Prometheus' name grammar.
pub fn is_snake(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn field_label_name(ident: &Ident) -> String {
    let s = ident.to_string();
    s.strip_prefix("r#").map(str::to_string).unwrap_or(s)
}

fn waiver(lit: &Option<LitStr>, errors: &mut Errors, what: &str) -> Option<String> {
    let lit = lit.as_ref()?;
    let reason = lit.value();
    if reason.trim().is_empty() {
        errors.push(
            lit.span(),
            format!("R14: a waiver needs a reason: write {what}(allow = \"why it is bounded\")]; the reason is printed in the generated docs"),
        );
        return None;
    }
    Some(reason.trim().to_string())
}

fn bucket_value(expr: &Expr) -> Option<f64> {
    match expr {
        Expr::Lit(l) => match &l.lit {
            Lit::Float(f) => f.base10_parse::<f64>().ok(),
            Lit::Int(i) => i.base10_parse::<f64>().ok(),
            _ => None,
        },
        Expr::Unary(u) if matches!(u.op, UnOp::Neg(_)) => bucket_value(&u.expr).map(|v| -v),
        Expr::Group(g) => bucket_value(&g.expr),
        Expr::Paren(p) => bucket_value(&p.expr),
        _ => None,
    }
}

/// A name passing R2-R5 at once, so every message suggests one name that fixes them all:
/// the crate's prefix, no reserved suffix, base units, `_seconds` on durations, the declared
/// unit, and `_total` on counters only.
fn suggest(name: &str, kind: Kind, unit: Option<&str>, policy: &Policy) -> String {
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
    let agg = ["_max", "_min"].into_iter().find(|a| core.ends_with(a));
    if let Some(a) = agg {
        core.truncate(core.len() - a.len());
    }
    let mut segments: Vec<String> = core.split('_').map(str::to_string).collect();
    if let Some(last) = segments.last_mut()
        && let Some((_, base)) = NON_BASE_UNITS.iter().find(|(bad, _)| bad == last)
    {
        *last = (*base).to_string();
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
    if kind == Kind::Counter {
        core.push_str("_total");
    }
    match &policy.prefix {
        Some(p) if !core.starts_with(p.as_str()) => format!("{p}{core}"),
        _ => core,
    }
}

/// The segment where a name states its unit: the last one, before `_total` (counters) and an
/// aggregation suffix (`_max`, `_min`). Only that position is checked, so `ns` (a namespace)
/// or `us` (a region) elsewhere in a name are not mistaken for units.
fn unit_segment(name: &str) -> &str {
    let base = name.strip_suffix("_total").unwrap_or(name);
    let base = ["_max", "_min"]
        .iter()
        .find_map(|a| base.strip_suffix(a))
        .unwrap_or(base);
    base.rsplit('_').next().unwrap_or(base)
}

/// Checks the metric name (R1-R5) and returns the unit to record in the descriptor.
fn check_name(
    name: &str,
    span: Span,
    kind: Kind,
    unit: Option<&LitStr>,
    naming_waived: bool,
    policy: &Policy,
    errors: &mut Errors,
) -> Option<String> {
    // R1: the policy's snake case.
    if !is_snake(name) {
        let fixed = snake_case(name);
        errors.push(
            span,
            format!(
                "R1: metric name `{name}` is not snake case `[a-z_][a-z0-9_]*`; write `{fixed}`"
            ),
        );
        return None;
    }
    let unit_value = unit
        .map(LitStr::value)
        .filter(|u| is_snake(u) && !NON_BASE_UNITS.iter().any(|(bad, _)| bad == u));
    let fixed = suggest(name, kind, unit_value.as_deref(), policy);
    // R2: the crate's required prefix (seed 000: "Prefix all platform metrics with `trc_`").
    if let Some(prefix) = &policy.prefix
        && !name.starts_with(prefix.as_str())
    {
        errors.push(span, format!("R2: `{name}` lacks this crate's required prefix `{prefix}` (Cargo.toml [package.metadata.metrics]); write `{fixed}`"));
    }
    // R5: suffixes the exposition derives from family names.
    for suffix in RESERVED_SUFFIXES {
        if name.ends_with(suffix) {
            errors.push(span, format!("R5: `{name}` ends in `{suffix}`, which the exposition format reserves for derived samples; drop the suffix: write `{fixed}`"));
        }
    }
    // R3: `_total` is the counter suffix (seed 000 naming conventions; OpenMetrics).
    if !naming_waived {
        match kind {
            Kind::Counter if !name.ends_with("_total") => {
                errors.push(
                    span,
                    format!("R3: counter `{name}` must end in `_total`; write `{fixed}`"),
                );
            }
            Kind::Gauge | Kind::Histogram if name.ends_with("_total") => {
                errors.push(
                    span,
                    format!("R3: a {} must not end in `_total`, which marks counters; write `{fixed}` (or record why with #[metric(allow = \"why\")])", kind.as_str()),
                );
            }
            _ => {}
        }
    }
    let last = unit_segment(name);
    // R4: base units only (Prometheus naming practice; seed 000: `_seconds`, `_bytes`).
    if let Some((bad, base)) = NON_BASE_UNITS.iter().find(|(bad, _)| *bad == last)
        && !naming_waived
    {
        errors.push(
            span,
            format!(
                "R4: `_{bad}` is not a base unit; measure in {base} and write `{fixed}`{}",
                if *base == "ratio" {
                    " (a 0..1 ratio)"
                } else {
                    ""
                }
            ),
        );
    }
    // The base for unit checks: `_total` removed whatever the kind (R3 reports a misplaced one).
    let base = name.strip_suffix("_total").unwrap_or(name);
    let mut declared = None;
    if let Some(unit_lit) = unit {
        let u = unit_lit.value();
        if let Some((_, base_unit)) = NON_BASE_UNITS.iter().find(|(bad, _)| *bad == u) {
            errors.push(unit_lit.span(), format!("R4: unit `{u}` is not a base unit; use `unit = \"{base_unit}\"` and convert the values"));
        } else if !is_snake(&u) {
            errors.push(
                unit_lit.span(),
                format!(
                    "R1: unit `{u}` is not snake case; write `{}`",
                    snake_case(&u)
                ),
            );
        } else {
            let suffix = format!("_{u}");
            let ok = base.ends_with(&suffix)
                || ["_max", "_min"]
                    .iter()
                    .any(|agg| base.ends_with(&format!("{suffix}{agg}")));
            if !ok && !naming_waived {
                errors.push(
                    span,
                    format!("R4: `unit = \"{u}\"` needs the name to end in `{suffix}`{}; write `{fixed}`", if kind == Kind::Counter { " before `_total`" } else { "" }),
                );
            }
            declared = Some(u);
        }
    }
    if declared.is_none() {
        // A name that already ends in a base unit documents it.
        if ["seconds", "bytes", "ratio"].contains(&last) {
            declared = Some(last.to_string());
        }
    }
    // R4: a duration must say it is in seconds (the time word is where the unit goes).
    if TIME_WORDS.contains(&last) && !naming_waived {
        errors.push(span, format!("R4: `{name}` is time-like (`_{last}`) but not in seconds; measure in seconds and write `{fixed}`"));
    }
    declared
}

fn check_label(
    field: &FieldInput,
    kind: Kind,
    policy: &Policy,
    errors: &mut Errors,
) -> Option<(String, Option<String>)> {
    let ident = field.ident.as_ref()?;
    let name = field_label_name(ident);
    let span = ident.span();
    let allowed = waiver(&field.allow, errors, "#[label");
    // R1 for labels.
    if !is_snake(&name) {
        errors.push(
            span,
            format!(
                "R1: label name `{name}` is not snake case `[a-z_][a-z0-9_]*`; write `{}`",
                snake_case(&name)
            ),
        );
    }
    // R6: names Prometheus reserves.
    if name.starts_with("__") {
        errors.push(span, format!("R6: label `{name}` starts with `__`, which Prometheus reserves for internal labels; rename it to `{}`", name.trim_start_matches('_')));
    } else if name == "le" || name == "quantile" {
        errors.push(span, format!("R6: label `{name}` is reserved for histogram buckets and summary quantiles; rename it (for example `{name}_class`)"));
    } else if name == "job" || name == "instance" {
        errors.push(span, format!("R6: label `{name}` is set by Prometheus on every scraped series and would clash; rename it (for example `source_{name}`)"));
    }
    // R7: forbidden label names, unless waived with a reason.
    let forbidden = FORBIDDEN_LABELS
        .iter()
        .find(|(names, _, _)| names.contains(&name.as_str()));
    if let Some((_, why, fix)) = forbidden {
        if allowed.is_none() {
            errors.push(
                span,
                format!("R7: label `{name}` is forbidden: {why}; {fix}"),
            );
        }
    } else if policy.forbidden_labels.contains(&name) && allowed.is_none() {
        errors.push(span, format!("R7: label `{name}` is forbidden by this crate's policy (Cargo.toml [package.metadata.metrics] forbidden_labels); remove it or waive it with #[label(allow = \"why it is bounded\")]"));
    }
    // R11: no per-org labels on high-frequency metrics (seed 000 per-org rule).
    if PER_ORG_LABELS.contains(&name.as_str()) && matches!(kind, Kind::Counter | Kind::Histogram) {
        errors.push(
            span,
            format!("R11: `{name}` on a {} is a per-org high-frequency metric, which the platform policy forbids; count a global aggregate and keep per-org detail in logs and event queries (a gauge may carry it sparingly)", kind.as_str()),
        );
    }
    Some((name, allowed))
}

fn check_buckets(expr: &Expr, kind: Kind, unit: Option<&str>, errors: &mut Errors) -> Vec<f64> {
    let Expr::Array(arr) = expr else {
        errors.push(expr.span(), "R12: `buckets` must be a list of numbers, for example `buckets = [0.005, 0.01, 0.1, 1.0]`");
        return Vec::new();
    };
    if kind != Kind::Histogram {
        errors.push(
            expr.span(),
            format!(
                "R12: `buckets` only apply to histograms; remove them from this {}",
                kind.as_str()
            ),
        );
    }
    if arr.elems.is_empty() {
        errors.push(expr.span(), "R12: empty bucket list; give the upper bounds in increasing order, for example `buckets = [0.005, 0.01, 0.1, 1.0]` (`+Inf` is implied)");
        return Vec::new();
    }
    let non_negative = matches!(unit, Some("seconds") | Some("bytes"));
    let mut out = Vec::with_capacity(arr.elems.len());
    let mut ok = true;
    for elem in &arr.elems {
        let Some(v) = bucket_value(elem) else {
            errors.push_spanned(elem, "R12: a bucket bound must be a number literal");
            ok = false;
            continue;
        };
        if !v.is_finite() {
            errors.push_spanned(
                elem,
                "R12: a bucket bound must be finite; `+Inf` is implied, drop it",
            );
            ok = false;
            continue;
        }
        if v < 0.0 && non_negative {
            errors.push_spanned(
                elem,
                format!(
                    "R12: negative bucket bound `{v:?}` for a histogram of {}; {} are never negative",
                    unit.unwrap_or(""),
                    unit.unwrap_or("")
                ),
            );
            ok = false;
        }
        if let Some(&prev) = out.last() {
            if v == prev {
                errors.push_spanned(
                    elem,
                    format!("R12: bucket bound `{v:?}` is given twice; remove the duplicate"),
                );
                ok = false;
            } else if v < prev {
                errors.push_spanned(
                    elem,
                    format!(
                        "R12: buckets must increase: `{v:?}` follows `{prev:?}`; sort the list"
                    ),
                );
                ok = false;
            }
        }
        out.push(v);
    }
    if !ok {
        out.sort_by(|a, b| a.total_cmp(b));
        out.dedup();
        out.retain(|v| v.is_finite());
    }
    out
}

/// Validates a family. Returns the model (when the kind is known, so the expansion can still
/// be emitted and one mistake does not cascade) and every error found.
pub fn family<'a>(
    input: &'a FamilyInput,
    has_metric_attr: bool,
    policy: &Policy,
) -> (Option<Family<'a>>, Errors) {
    let mut errors = Errors::default();
    let ident = &input.ident;
    if !has_metric_attr {
        errors.push(
            ident.span(),
            "missing #[metric(...)]: declare the kind and the name, for example #[metric(counter, name = \"app_requests_total\")]",
        );
        return (None, errors);
    }
    if !input.generics.params.is_empty() {
        errors.push(
            input.generics.span(),
            "a metric family cannot be generic: its storage is one static per family",
        );
    }
    // The kind: exactly one of counter, gauge, histogram.
    let kinds: Vec<(Kind, Span)> = [
        (Kind::Counter, &input.counter),
        (Kind::Gauge, &input.gauge),
        (Kind::Histogram, &input.histogram),
    ]
    .into_iter()
    .filter(|(_, f)| f.is_present())
    .map(|(k, f)| (k, f.span()))
    .collect();
    let kind = match kinds.as_slice() {
        [] => {
            errors.push(ident.span(), "missing metric kind: write `counter`, `gauge` or `histogram` first in #[metric(...)]");
            None
        }
        [(k, _)] => Some(*k),
        [(k, _), rest @ ..] => {
            for (_, span) in rest {
                errors.push(
                    *span,
                    "a family has exactly one kind: counter, gauge or histogram",
                );
            }
            Some(*k)
        }
    };
    let help = doc_summary(&input.attrs);
    // R10: HELP is mandatory (seed 000: every metric is documented; P2).
    if help.is_empty() {
        errors.push(ident.span(), format!("R10: family `{ident}` has no doc comment; write `/// What it counts and why.` above the struct: it becomes the HELP text"));
    }
    let naming_waiver = waiver(&input.allow, &mut errors, "#[metric");
    let Some(kind) = kind else {
        return (None, errors);
    };
    let (name, name_span) = match &input.name {
        Some(lit) => (lit.value(), lit.span()),
        None => {
            errors.push(
                ident.span(),
                format!(
                    "missing `name = \"...\"` in #[metric(...)]: for example `name = \"{}\"`",
                    snake_case(&ident.to_string())
                ),
            );
            (snake_case(&ident.to_string()), ident.span())
        }
    };
    let unit = check_name(
        &name,
        name_span,
        kind,
        input.unit.as_ref(),
        naming_waiver.is_some(),
        policy,
        &mut errors,
    );
    let mut deviations = Vec::new();
    if let Some(reason) = naming_waiver {
        deviations.push(reason);
    }
    for lit in &input.deviation {
        match lit.value().trim() {
            "" => errors.push(lit.span(), "R14: a deviation needs its reason: write #[metric(deviation = \"what differs from the spec and why\")]"),
            reason => deviations.push(reason.to_string()),
        }
    }
    let stability = match &input.stability {
        Some(lit) => match lit.value().as_str() {
            s @ ("alpha" | "beta" | "stable") => s.to_string(),
            other => {
                errors.push(
                    lit.span(),
                    format!("unknown stability `{other}`: write `alpha`, `beta` or `stable`"),
                );
                "alpha".to_string()
            }
        },
        None => "alpha".to_string(),
    };
    let deprecated_since = input.deprecated_since.as_ref().map(LitStr::value);
    let max_series = match &input.max_series {
        Some(lit) => match lit.base10_parse::<usize>() {
            Ok(n) if n > 0 => n,
            _ => {
                errors.push(lit.span(), "`max_series` must be a positive integer");
                policy.max_series
            }
        },
        None => policy.max_series,
    };
    let buckets = match (&input.buckets, kind) {
        (Some(expr), _) => check_buckets(expr, kind, unit.as_deref(), &mut errors),
        (None, Kind::Histogram) => {
            if matches!(unit.as_deref(), Some(u) if u != "seconds") {
                errors.push(name_span, format!("R12: the default buckets are in seconds; a histogram of {} needs `buckets = [...]`", unit.as_deref().unwrap_or("")));
            }
            vec![
                0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
            ]
        }
        (None, _) => Vec::new(),
    };
    let mut labels = Vec::new();
    let mut is_unit_struct = true;
    if let darling::ast::Data::Struct(fields) = &input.data {
        is_unit_struct = fields.style == darling::ast::Style::Unit;
        for field in &fields.fields {
            if let (Some(ident), Some((name, waiver))) = (
                field.ident.as_ref(),
                check_label(field, kind, policy, &mut errors),
            ) {
                labels.push(Label {
                    ident,
                    name,
                    ty: &field.ty,
                    waiver,
                    doc: doc_summary(&field.attrs),
                });
            }
        }
    }
    let component = input.component.as_ref().map(LitStr::value);
    let family = Family {
        ident,
        kind,
        name,
        help,
        unit,
        buckets,
        max_series,
        labels,
        component,
        deviations,
        stability,
        deprecated_since,
        is_unit_struct,
    };
    (Some(family), errors)
}

/// A label enum after validation.
pub struct LabelEnum<'a> {
    pub ident: &'a Ident,
    pub doc: String,
    pub variants: Vec<(&'a Ident, String, String)>,
    pub default: Option<&'a Ident>,
}

/// Validates a `LabelValue` enum (R13).
pub fn label_enum<'a>(input: &'a LabelInput) -> (LabelEnum<'a>, Errors) {
    let mut errors = Errors::default();
    let mut out = LabelEnum {
        ident: &input.ident,
        doc: doc_summary(&input.attrs),
        variants: Vec::new(),
        default: None,
    };
    if !input.generics.params.is_empty() {
        errors.push(input.generics.span(), "a label enum cannot be generic");
    }
    let darling::ast::Data::Enum(variants) = &input.data else {
        return (out, errors);
    };
    if variants.is_empty() {
        errors.push(input.ident.span(), format!("R13: label enum `{}` has no variants, so the label could take no value; add one variant per value", input.ident));
    }
    for v in variants {
        if !v.fields.is_empty() || v.fields.style != darling::ast::Style::Unit {
            errors.push(
                v.ident.span(),
                format!("R13: variant `{}` carries data, which would make the label unbounded; a label value is a unit variant (move the data elsewhere)", v.ident),
            );
        }
        let value = match &v.rename {
            Some(lit) => {
                let s = lit.value();
                if s.is_empty() {
                    errors.push(lit.span(), "R13: an empty label value reads as a missing label in Prometheus; give a non-empty value");
                }
                s
            }
            None => snake_case(&v.ident.to_string()),
        };
        if let Some((other, _, _)) = out.variants.iter().find(|(_, val, _)| *val == value) {
            errors.push(
                v.ident.span(),
                format!("R13: variants `{other}` and `{}` both render as `{value}`; give one `#[label(rename = \"...\")]`", v.ident),
            );
        }
        if v.default.is_present() {
            if let Some(d) = out.default {
                errors.push(
                    v.default.span(),
                    format!("only one default value: `{d}` is already the default"),
                );
            } else {
                out.default = Some(&v.ident);
            }
        }
        out.variants.push((
            &v.ident,
            value,
            doc_lines(&v.attrs).join(" ").trim().to_string(),
        ));
    }
    (out, errors)
}

#[cfg(test)]
mod tests {
    use super::*;
    use darling::FromDeriveInput;
    use syn::parse_quote;

    fn check(input: syn::DeriveInput, policy: &Policy) -> Vec<String> {
        let has = input.attrs.iter().any(|a| a.path().is_ident("metric"));
        match FamilyInput::from_derive_input(&input) {
            Ok(parsed) => family(&parsed, has, policy).1.messages(),
            Err(e) => e.flatten().into_iter().map(|e| e.to_string()).collect(),
        }
    }

    fn trc() -> Policy {
        Policy {
            prefix: Some("trc_".into()),
            ..Policy::default()
        }
    }

    fn rules(msgs: &[String]) -> Vec<String> {
        msgs.iter()
            .map(|m| m.split(':').next().unwrap_or("").to_string())
            .collect()
    }

    #[test]
    fn seed_names_pass() {
        let cases: Vec<syn::DeriveInput> = vec![
            parse_quote! { /// h
            #[metric(gauge, name = "trc_agent_overlay_handshake_age_seconds_max")] struct A; },
            parse_quote! { /// h
            #[metric(gauge, name = "trc_events_table_rows")] struct A; },
            parse_quote! { /// h
            #[metric(gauge, name = "trc_projection_lag_events")] struct A; },
            parse_quote! { /// h
            #[metric(histogram, name = "trc_scheduler_rollout_seconds", unit = "seconds")] struct A; },
            parse_quote! { /// h
            #[metric(counter, name = "trc_agent_backup_bytes_total", unit = "bytes")] struct A; },
            parse_quote! { /// h
            #[metric(gauge, name = "trc_events_table_size_bytes", unit = "bytes")] struct A; },
            parse_quote! { /// h
            #[metric(histogram, name = "trc_http_request_duration_seconds", unit = "seconds")] struct A { method: M } },
            parse_quote! { /// h
            #[metric(gauge, name = "trc_edge_backends_active_total", allow = "named so by seed 000")] struct A; },
            parse_quote! { /// h
            #[metric(gauge, name = "trc_agent_disk_free_bytes")] struct A { org_id: O } },
        ];
        for c in cases {
            assert_eq!(
                check(c.clone(), &trc()),
                Vec::<String>::new(),
                "{}",
                quote::quote!(#c)
            );
        }
    }

    #[test]
    fn each_name_rule_fires() {
        let p = trc();
        let r = |i| rules(&check(i, &p));
        assert_eq!(
            r(parse_quote! { /// h
            #[metric(counter, name = "trc_HttpRequests_total")] struct A; }),
            ["R1"]
        );
        assert_eq!(
            r(parse_quote! { /// h
            #[metric(counter, name = "http_requests_total")] struct A; }),
            ["R2"]
        );
        assert_eq!(
            r(parse_quote! { /// h
            #[metric(counter, name = "trc_requests")] struct A; }),
            ["R3"]
        );
        assert_eq!(
            r(parse_quote! { /// h
            #[metric(gauge, name = "trc_backends_total")] struct A; }),
            ["R3"]
        );
        assert_eq!(
            r(parse_quote! { /// h
            #[metric(histogram, name = "trc_latency_ms")] struct A; }),
            ["R4"]
        );
        assert_eq!(
            r(parse_quote! { /// h
            #[metric(histogram, name = "trc_request_duration")] struct A; }),
            ["R4"]
        );
        assert_eq!(
            r(parse_quote! { /// h
            #[metric(gauge, name = "trc_disk_free", unit = "bytes")] struct A; }),
            ["R4"]
        );
        assert_eq!(
            r(parse_quote! { /// h
            #[metric(gauge, name = "trc_queue_count")] struct A; }),
            ["R5"]
        );
        assert_eq!(
            r(parse_quote! {
            #[metric(gauge, name = "trc_queue_depth")] struct A; }),
            ["R10"]
        );
    }

    #[test]
    fn unit_words_elsewhere_in_a_name_are_not_units() {
        let p = trc();
        for input in [
            parse_quote! { /// h
            #[metric(gauge, name = "trc_ns_pods")] struct A; },
            parse_quote! { /// h
            #[metric(counter, name = "trc_us_east_requests_total")] struct A; },
            parse_quote! { /// h
            #[metric(counter, name = "trc_time_sync_failures_total")] struct A; },
            parse_quote! { /// h
            #[metric(gauge, name = "trc_cpu_seconds_max", unit = "seconds")] struct A; },
        ] {
            let i: syn::DeriveInput = input;
            assert_eq!(
                check(i.clone(), &p),
                Vec::<String>::new(),
                "{}",
                quote::quote!(#i)
            );
        }
    }

    #[test]
    fn every_suggestion_passes_every_rule() {
        let p = trc();
        let cases: Vec<(syn::DeriveInput, &str)> = vec![
            (
                parse_quote! { /// h
                #[metric(histogram, name = "trc_request_latency_ms")] struct A; },
                "trc_request_latency_seconds",
            ),
            (
                parse_quote! { /// h
                #[metric(gauge, name = "trc_cpu_seconds_total", unit = "seconds")] struct A; },
                "trc_cpu_seconds",
            ),
            (
                parse_quote! { /// h
                #[metric(counter, name = "requests")] struct A; },
                "trc_requests_total",
            ),
            (
                parse_quote! { /// h
                #[metric(histogram, name = "trc_request_duration")] struct A; },
                "trc_request_duration_seconds",
            ),
            (
                parse_quote! { /// h
                #[metric(counter, name = "trc_backup", unit = "bytes")] struct A; },
                "trc_backup_bytes_total",
            ),
            (
                parse_quote! { /// h
                #[metric(gauge, name = "trc_queue_count")] struct A; },
                "trc_queue",
            ),
        ];
        for (input, fixed) in cases {
            let msgs = check(input, &p);
            assert!(!msgs.is_empty());
            for m in &msgs {
                assert!(m.contains(&format!("write `{fixed}`")), "{m}");
            }
        }
    }

    #[test]
    fn label_rules_fire_at_the_field() {
        let p = Policy {
            forbidden_labels: vec!["tenant".into()],
            ..trc()
        };
        let r = |i| rules(&check(i, &p));
        assert_eq!(
            r(parse_quote! { /// h
            #[metric(counter, name = "trc_x_total")] struct A { path: P } }),
            ["R7"]
        );
        assert_eq!(
            r(parse_quote! { /// h
            #[metric(counter, name = "trc_x_total")] struct A { tenant: P } }),
            ["R7"]
        );
        assert_eq!(
            r(parse_quote! { /// h
            #[metric(counter, name = "trc_x_total")] struct A { #[label(allow = "three fixed hosts")] host: P } }),
            Vec::<String>::new()
        );
        assert_eq!(
            r(parse_quote! { /// h
            #[metric(counter, name = "trc_x_total")] struct A { #[label(allow = " ")] host: P } }),
            ["R14", "R7"]
        );
        assert_eq!(
            r(parse_quote! { /// h
            #[metric(counter, name = "trc_x_total")] struct A { le: P } }),
            ["R6"]
        );
        assert_eq!(
            r(parse_quote! { /// h
            #[metric(counter, name = "trc_x_total")] struct A { org_id: P } }),
            ["R11"]
        );
    }

    #[test]
    fn five_mistakes_five_errors() {
        let msgs = check(
            parse_quote! {
                #[metric(counter, name = "requests")]
                struct A { path: P, user_id: U }
            },
            &trc(),
        );
        assert_eq!(rules(&msgs), ["R10", "R2", "R3", "R7", "R7"], "{msgs:#?}");
    }

    #[test]
    fn bucket_rules() {
        let p = trc();
        let r = |i| rules(&check(i, &p));
        assert_eq!(
            r(parse_quote! { /// h
            #[metric(histogram, name = "trc_x_seconds", buckets = [])] struct A; }),
            ["R12"]
        );
        assert_eq!(
            r(parse_quote! { /// h
            #[metric(histogram, name = "trc_x_seconds", buckets = [1.0, 0.5])] struct A; }),
            ["R12"]
        );
        assert_eq!(
            r(parse_quote! { /// h
            #[metric(histogram, name = "trc_x_seconds", buckets = [1.0, 1.0])] struct A; }),
            ["R12"]
        );
        assert_eq!(
            r(parse_quote! { /// h
            #[metric(histogram, name = "trc_x_seconds", buckets = [-1.0, 1.0])] struct A; }),
            ["R12"]
        );
        assert_eq!(
            r(parse_quote! { /// h
            #[metric(histogram, name = "trc_x_bytes", buckets = [1e999])] struct A; }),
            ["R12"]
        );
        assert_eq!(
            r(parse_quote! { /// h
            #[metric(histogram, name = "trc_x_bytes")] struct A; }),
            ["R12"]
        );
    }
}

#[cfg(test)]
mod doc_tests {
    use crate::ast::doc_summary;
    use syn::parse_quote;

    #[test]
    fn help_is_the_first_paragraph() {
        let s: syn::ItemStruct = parse_quote! {
            /// First line
            /// continues.
            ///
            /// Second paragraph.
            struct A;
        };
        assert_eq!(doc_summary(&s.attrs), "First line continues.");
    }
}
