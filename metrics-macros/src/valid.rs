//! Every compile-time check of a declaration, in one place: the rules themselves live in
//! `metrics-policy` (shared with the runtime and the checker); this module maps each
//! violation to the token it is about and adds the checks that are about Rust syntax (a
//! missing doc comment, a data-carrying variant, an empty waiver reason). All errors of one
//! declaration are collected and reported together.
//!
//! R8 (bounded label types), R9 (series budget), R12 on bucket constants and R11's waiver (a
//! capped type) need type information or values only the compiler sees, and are enforced by
//! the generated code (one trait obligation per label type, spanned on it; const assertions
//! spanned on the struct, the `buckets` expression and the field type).

use metrics_policy::{
    FamilyRole, MetricKind as Kind, NativeDeclaration, NativePart, NativeSpec, Rule, Stability,
    Target, Violation, bucket_violations, check_buckets_allowed, check_default_buckets,
    check_label_name, check_label_value, check_metric_name, check_role, check_tenant_label,
    declared_unit, snake_case,
};
use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::{Expr, Ident, Lit, LitStr, Type, UnOp};

use crate::ast::{FamilyInput, FieldInput, LabelInput, NativeAttr, doc_lines, doc_summary};
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

    /// A policy violation, reported at `span`.
    pub fn violation(&mut self, span: Span, v: &Violation) {
        self.push(span, v);
    }

    /// darling's errors (attribute items it could not parse), each at its own span.
    pub fn darling(&mut self, e: darling::Error) {
        self.0.push(syn::Error::from(e));
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Every error of `other` after these.
    pub fn extend(&mut self, other: Errors) {
        self.0.extend(other.0);
    }

    #[cfg(test)]
    pub fn messages(&self) -> Vec<String> {
        self.0
            .iter()
            .flat_map(|e| e.clone().into_iter().map(|e| e.to_string()))
            .collect()
    }

    pub fn to_compile_errors(&self) -> proc_macro2::TokenStream {
        self.0.iter().map(syn::Error::to_compile_error).collect()
    }
}

/// A label after validation.
pub struct Label<'a> {
    pub ident: &'a Ident,
    pub name: String,
    pub ty: &'a Type,
    pub waiver: Option<String>,
    /// R11 is waived on this tenant label: the generated code asserts its type is capped.
    pub tenant_waiver: bool,
    pub doc: String,
}

/// A histogram's classic buckets.
pub enum Buckets<'a> {
    /// A literal list (or the defaults), checked here; empty for other kinds and for a
    /// native-only histogram.
    Literal(Vec<f64>),
    /// A const expression the macro cannot read (`LATENCY_BUCKETS`,
    /// `exponential::<8>(0.005, 2.0)`): R12 is a const assertion of the expansion.
    Const(&'a Expr),
}

/// A family after validation: what `expand` generates code from.
pub struct Family<'a> {
    pub ident: &'a Ident,
    pub kind: Kind,
    pub name: String,
    pub help: String,
    pub unit: Option<String>,
    pub buckets: Buckets<'a>,
    /// `native(...)`: the validated native histogram spec.
    pub native: Option<NativeSpec>,
    pub max_series: usize,
    pub labels: Vec<Label<'a>>,
    pub component: Option<String>,
    pub deviations: Vec<String>,
    pub stability: Stability,
    pub deprecated_since: Option<String>,
    pub role: FamilyRole,
    /// The crate policy's prefix and HELP setting, recorded in the descriptor.
    pub prefix: Option<String>,
    pub stability_in_help: bool,
    /// The crate policy's own forbidden labels (R7, beyond the built-in table) and tenant
    /// labels (R11), recorded so that a checker of any scrape applies them too.
    pub forbidden_labels: Vec<String>,
    pub tenant_labels: Vec<String>,
    pub is_unit_struct: bool,
    /// Some attribute items were rejected (and reported): checks that could fire only because
    /// one is missing (the series budget, a misspelled `max_series`) are skipped.
    pub partial: bool,
}

fn field_label_name(ident: &Ident) -> String {
    let s = ident.to_string();
    s.strip_prefix("r#").map(str::to_string).unwrap_or(s)
}

/// R14: the reason of a waiver, which must say something.
fn waiver(lit: &Option<LitStr>, errors: &mut Errors, what: &str) -> Option<String> {
    let lit = lit.as_ref()?;
    let reason = lit.value();
    if reason.trim().is_empty() {
        errors.push(
            lit.span(),
            format!("{}: a waiver needs a reason: write {what}(allow = \"why it is bounded\")]; the reason is printed in the generated docs", Rule::R14),
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

/// R1-R5 on the name and unit, each error at the name or the unit attribute. Returns the unit
/// to record in the descriptor.
///
/// `written` is false for a name the macro made up after reporting a missing `name`: only the
/// unit attribute, which the user did write, is checked then.
#[allow(clippy::too_many_arguments)]
fn check_name(
    name: &str,
    span: Span,
    kind: Kind,
    unit: Option<&LitStr>,
    naming_waived: bool,
    written: bool,
    policy: &Policy,
    errors: &mut Errors,
) -> Option<String> {
    let unit_value = unit.map(LitStr::value);
    let found = check_metric_name(name, kind, unit_value.as_deref(), policy);
    let not_snake = found
        .iter()
        .any(|v| v.rule == Rule::R1 && v.target == Target::Name);
    for v in found {
        if (naming_waived && v.waivable()) || (!written && v.target != Target::Unit) {
            continue;
        }
        let at = match (v.target, unit) {
            (Target::Unit, Some(lit)) => lit.span(),
            _ => span,
        };
        errors.violation(at, &v);
    }
    if not_snake {
        return None;
    }
    declared_unit(name, unit_value.as_deref()).map(str::to_string)
}

fn check_label<'a>(
    field: &'a FieldInput,
    kind: Kind,
    policy: &Policy,
    errors: &mut Errors,
) -> Option<Label<'a>> {
    let ident = field.ident.as_ref()?;
    let name = field_label_name(ident);
    let span = ident.span();
    let allowed = waiver(&field.allow, errors, "#[label");
    // R1, R6 and R7; a waiver with its reason admits an R7 name (never an unbounded type).
    for v in check_label_name(&name, policy) {
        if v.rule == Rule::R7 && allowed.is_some() {
            continue;
        }
        errors.violation(span, &v);
    }
    // R11: a tenant label on a high-frequency kind. A waiver holds only on a capped type,
    // which the generated code asserts (the cap is known to the type checker, not here).
    let mut tenant_waiver = false;
    if let Err(v) = check_tenant_label(&name, kind, policy) {
        if allowed.is_some() {
            tenant_waiver = true;
        } else {
            errors.violation(span, &v);
        }
    }
    Some(Label {
        ident,
        name,
        ty: &field.ty,
        waiver: allowed,
        tenant_waiver,
        doc: doc_summary(&field.attrs),
    })
}

/// R12 on declared buckets, each error at its bound. Returns bounds the expansion can use
/// whatever the errors (sorted, distinct, finite), so one mistake does not cascade; a
/// non-literal expression is a constant the expansion checks.
fn check_buckets<'a>(
    expr: &'a Expr,
    kind: Kind,
    unit: Option<&str>,
    errors: &mut Errors,
) -> Buckets<'a> {
    if let Err(v) = check_buckets_allowed(kind) {
        errors.violation(expr.span(), &v);
        return Buckets::Literal(Vec::new());
    }
    let arr = match expr {
        Expr::Array(arr) => arr,
        Expr::Group(g) if matches!(*g.expr, Expr::Array(_)) => {
            return check_buckets(&g.expr, kind, unit, errors);
        }
        Expr::Lit(_) => {
            errors.push_spanned(expr, format!("{}: `buckets` is a list of numbers or a constant holding one, for example `buckets = [0.005, 0.01, 0.1, 1.0]` or `buckets = LATENCY_BUCKETS`", Rule::R12));
            return Buckets::Literal(Vec::new());
        }
        _ => return Buckets::Const(expr),
    };
    let mut bounds: Vec<(f64, &Expr)> = Vec::with_capacity(arr.elems.len());
    let mut ok = true;
    for elem in &arr.elems {
        match bucket_value(elem) {
            Some(v) => bounds.push((v, elem)),
            None => {
                errors.push_spanned(
                    elem,
                    format!("{}: a bucket bound must be a number literal", Rule::R12),
                );
                ok = false;
            }
        }
    }
    let values: Vec<f64> = bounds.iter().map(|(v, _)| *v).collect();
    if arr.elems.is_empty() || !values.is_empty() {
        for v in bucket_violations(&values, unit) {
            ok = false;
            match v.target {
                Target::Bound(i) if i < bounds.len() => errors.push_spanned(bounds[i].1, &v),
                _ => errors.violation(expr.span(), &v),
            }
        }
    }
    let mut out = values;
    if !ok {
        out.retain(|v| v.is_finite());
        out.sort_by(|a, b| a.total_cmp(b));
        out.dedup();
    }
    Buckets::Literal(out)
}

fn int_value(expr: &Expr) -> Option<i64> {
    match expr {
        Expr::Lit(l) => match &l.lit {
            Lit::Int(i) => i.base10_parse::<i64>().ok(),
            _ => None,
        },
        Expr::Unary(u) if matches!(u.op, UnOp::Neg(_)) => int_value(&u.expr).map(|v| -v),
        Expr::Group(g) => int_value(&g.expr),
        Expr::Paren(p) => int_value(&p.expr),
        _ => None,
    }
}

/// R12 on `native(...)`: each item a literal of its type, then the policy's checks, each
/// error at the item it is about (at `native` for a default that does not fit, such as a
/// default range too wide for the schema).
fn check_native_attr(
    native: &darling::util::SpannedValue<darling::util::Override<NativeAttr>>,
    kind: Kind,
    unit: Option<&str>,
    classic: bool,
    errors: &mut Errors,
) -> Option<NativeSpec> {
    let at = native.span();
    if kind != Kind::Histogram {
        errors.push(
            at,
            format!(
                "{}: `native` applies to histograms only; remove it from this {kind}",
                Rule::R12
            ),
        );
        return None;
    }
    let empty = NativeAttr::default();
    let attr = match &**native {
        darling::util::Override::Explicit(a) => a,
        darling::util::Override::Inherit => &empty,
    };
    let mut ok = true;
    let mut number = |expr: &Option<Expr>, what: &str, int: bool| -> Option<f64> {
        let e = expr.as_ref()?;
        let v = if int {
            int_value(e).map(|v| v as f64)
        } else {
            bucket_value(e)
        };
        if v.is_none() {
            ok = false;
            errors.push_spanned(
                e,
                format!(
                    "{}: `{what}` must be {} literal",
                    Rule::R12,
                    if int { "an integer" } else { "a number" }
                ),
            );
        }
        v
    };
    let schema = number(&attr.schema, "schema", true).map(|v| v as i64);
    let zero_threshold = number(&attr.zero_threshold, "zero_threshold", false);
    let max_buckets = number(&attr.max_buckets, "max_buckets", true).map(|v| v as i64);
    let range = match &attr.range {
        Some(Expr::Array(arr)) if arr.elems.len() == 2 => {
            match (bucket_value(&arr.elems[0]), bucket_value(&arr.elems[1])) {
                (Some(lo), Some(hi)) => Some((lo, hi)),
                _ => {
                    ok = false;
                    errors.push_spanned(arr, format!("{}: `range` bounds must be number literals, for example `range = [1e-6, 100.0]`", Rule::R12));
                    None
                }
            }
        }
        Some(other) => {
            ok = false;
            errors.push_spanned(
                other,
                format!(
                    "{}: `range` must be `[min, max]`, for example `range = [1e-6, 100.0]`",
                    Rule::R12
                ),
            );
            None
        }
        None => None,
    };
    if !ok {
        return None;
    }
    let decl = NativeDeclaration {
        schema,
        zero_threshold,
        max_buckets,
        range,
    };
    match metrics_policy::check_native(&decl, unit, classic) {
        Ok(spec) => Some(spec),
        Err(found) => {
            for (part, v) in found {
                let expr = match part {
                    NativePart::Schema => &attr.schema,
                    NativePart::ZeroThreshold => &attr.zero_threshold,
                    NativePart::MaxBuckets => &attr.max_buckets,
                    NativePart::Range => &attr.range,
                };
                match expr {
                    Some(e) => errors.push_spanned(e, &v),
                    None => errors.violation(at, &v),
                }
            }
            None
        }
    }
}

/// Validates a family. Returns the model (when the kind is known, so the expansion can still
/// be emitted and one mistake does not cascade) and every error found.
///
/// `partial` says darling rejected some attribute items (reported by the caller): a check
/// that fires only because something is missing (the kind, the name, `buckets`) is skipped,
/// since the missing item is most likely the rejected one.
pub fn family<'a>(
    input: &'a FamilyInput,
    has_metric_attr: bool,
    policy: &Policy,
    partial: bool,
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
    // Prometheus' fourth kind is left out on purpose; say why where the user wrote it, and
    // expand the family as a histogram so calls to `observe` do not add errors.
    let mut summary = false;
    if input.summary.is_present() {
        summary = true;
        errors.push(input.summary.span(), "there is no `summary` kind: a summary's quantiles are computed in each process and cannot be aggregated across instances (the p99 of two replicas is not the average of their p99s); declare a `histogram` and compute quantiles over all instances with `histogram_quantile()` in PromQL; the kinds are `counter`, `gauge` and `histogram`");
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
        [] if summary => Some(Kind::Histogram),
        [] => {
            if !partial {
                errors.push(ident.span(), "missing metric kind: write `counter`, `gauge` or `histogram` first in #[metric(...)]");
            }
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
    // R10: HELP is mandatory (Prometheus: every metric is documented).
    if help.is_empty() {
        errors.push(ident.span(), format!("{}: family `{ident}` has no doc comment; write `/// What it counts and why.` above the struct: it becomes the HELP text", Rule::R10));
    }
    let naming_waiver = waiver(&input.allow, &mut errors, "#[metric");
    let Some(kind) = kind else {
        return (None, errors);
    };
    // Without a name, suggest one that passes every rule and check nothing about it but the
    // unit the user did write: errors about a name nobody wrote would only mislead.
    let written = input.name.is_some();
    let (name, name_span) = match &input.name {
        Some(lit) => (lit.value(), lit.span()),
        None => {
            let unit_value = input.unit.as_ref().map(LitStr::value);
            let unit_value = unit_value.as_deref();
            let snake = snake_case(&ident.to_string());
            let suggestion = metrics_policy::suggest_metric_name(&snake, kind, unit_value, policy);
            let passes = check_metric_name(&suggestion, kind, unit_value, policy).is_empty();
            if !partial {
                let example = if passes {
                    format!("for example `name = \"{suggestion}\"`")
                } else {
                    let prefix = policy.prefix.as_deref().unwrap_or("");
                    let total = if kind == Kind::Counter { "_total" } else { "" };
                    format!(
                        "snake case, starting with `{prefix}`{}",
                        if total.is_empty() {
                            String::new()
                        } else {
                            format!(" and ending in `{total}`")
                        }
                    )
                };
                errors.push(
                    ident.span(),
                    format!(
                        "missing `name = \"...\"` in #[metric(...)]: the metric name, {example}"
                    ),
                );
            }
            (suggestion, ident.span())
        }
    };
    let unit = check_name(
        &name,
        name_span,
        kind,
        input.unit.as_ref(),
        naming_waiver.is_some(),
        written,
        policy,
        &mut errors,
    );
    let mut deviations = Vec::new();
    if let Some(reason) = naming_waiver {
        deviations.push(reason);
    }
    for lit in &input.deviation {
        match lit.value().trim() {
            "" => errors.push(lit.span(), format!("{}: a deviation needs its reason: write #[metric(deviation = \"what differs from the spec and why\")]", Rule::R14)),
            reason => deviations.push(reason.to_string()),
        }
    }
    let stability = match &input.stability {
        Some(lit) => Stability::from_name(&lit.value()).unwrap_or_else(|| {
            errors.push(
                lit.span(),
                format!(
                    "unknown stability `{}`: write `alpha`, `beta` or `stable`",
                    lit.value()
                ),
            );
            Stability::default()
        }),
        None => Stability::default(),
    };
    let deprecated_since = input.deprecated_since.as_ref().map(LitStr::value);
    // R15: a declared role is known and fits the kind.
    let role = match &input.role {
        Some(lit) => check_role(&lit.value(), kind).unwrap_or_else(|v| {
            errors.violation(lit.span(), &v);
            FamilyRole::None
        }),
        None => FamilyRole::None,
    };
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
    let native = input.native.as_ref().and_then(|n| {
        check_native_attr(
            n,
            kind,
            unit.as_deref(),
            input.buckets.is_some(),
            &mut errors,
        )
    });
    let buckets = match (&input.buckets, kind) {
        (Some(expr), _) => check_buckets(expr, kind, unit.as_deref(), &mut errors),
        // A native-only histogram: no classic buckets (text scrapes get `+Inf`, `_sum`,
        // `_count`).
        (None, Kind::Histogram) if input.native.is_some() => Buckets::Literal(Vec::new()),
        (None, Kind::Histogram) => {
            if let Err(v) = check_default_buckets(unit.as_deref())
                && !partial
                && !summary
            {
                errors.violation(name_span, &v);
            }
            Buckets::Literal(metrics_policy::DEFAULT_BUCKETS.to_vec())
        }
        (None, _) => Buckets::Literal(Vec::new()),
    };
    let mut labels = Vec::new();
    let mut is_unit_struct = true;
    if let darling::ast::Data::Struct(fields) = &input.data {
        is_unit_struct = fields.style == darling::ast::Style::Unit;
        for field in &fields.fields {
            if let Some(label) = check_label(field, kind, policy, &mut errors) {
                labels.push(label);
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
        native,
        max_series,
        labels,
        component,
        deviations,
        stability,
        deprecated_since,
        role,
        prefix: policy.prefix.clone(),
        stability_in_help: policy.stability_in_help,
        forbidden_labels: policy.forbidden_labels.clone(),
        tenant_labels: policy.tenant_labels.clone(),
        is_unit_struct,
        partial: partial || summary,
    };
    (Some(family), errors)
}

/// One value of a label enum.
pub struct Value<'a> {
    pub ident: &'a Ident,
    /// As exposed.
    pub value: String,
    pub doc: String,
    /// `#[label(error)]`: an error outcome.
    pub error: bool,
}

/// A label enum after validation.
pub struct LabelEnum<'a> {
    pub ident: &'a Ident,
    pub doc: String,
    pub variants: Vec<Value<'a>>,
    pub default: Option<&'a Ident>,
    /// `#[label(route_templates)]`.
    pub route_templates: bool,
}

/// Validates a `LabelValue` enum (R13).
pub fn label_enum<'a>(input: &'a LabelInput) -> (LabelEnum<'a>, Errors) {
    let mut errors = Errors::default();
    let mut out = LabelEnum {
        ident: &input.ident,
        doc: doc_summary(&input.attrs),
        variants: Vec::new(),
        default: None,
        route_templates: input.route_templates.is_present(),
    };
    if !input.generics.params.is_empty() {
        errors.push(input.generics.span(), "a label enum cannot be generic");
    }
    let darling::ast::Data::Enum(variants) = &input.data else {
        return (out, errors);
    };
    if variants.is_empty() {
        errors.push(input.ident.span(), format!("{}: label enum `{}` has no variants, so the label could take no value; add one variant per value", Rule::R13, input.ident));
    }
    for v in variants {
        if !v.fields.is_empty() || v.fields.style != darling::ast::Style::Unit {
            errors.push(
                v.ident.span(),
                format!("{}: variant `{}` carries data, which would make the label unbounded; a label value is a unit variant (move the data elsewhere)", Rule::R13, v.ident),
            );
        }
        let value = match &v.rename {
            Some(lit) => {
                let s = lit.value();
                if let Err(e) = check_label_value(&s) {
                    errors.violation(lit.span(), &e);
                }
                s
            }
            None => snake_case(&v.ident.to_string()),
        };
        if let Some(other) = out.variants.iter().find(|o| o.value == value) {
            errors.push(
                v.ident.span(),
                format!("{}: variants `{}` and `{}` both render as `{value}`; give one `#[label(rename = \"...\")]`", Rule::R13, other.ident, v.ident),
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
        out.variants.push(Value {
            ident: &v.ident,
            value,
            doc: doc_lines(&v.attrs).join(" ").trim().to_string(),
            error: v.error.is_present(),
        });
    }
    (out, errors)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ast::LabelInput;
    use darling::FromDeriveInput;
    use syn::parse_quote;

    fn check(input: syn::DeriveInput, policy: &Policy) -> Vec<String> {
        let has = input.attrs.iter().any(|a| a.path().is_ident("metric"));
        match FamilyInput::from_derive_input(&input) {
            Ok(parsed) => family(&parsed, has, policy, false).1.messages(),
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
        // R11 is off unless the policy names tenant labels.
        assert_eq!(
            r(parse_quote! { /// h
            #[metric(counter, name = "trc_x_total")] struct A { org_id: P } }),
            Vec::<String>::new()
        );
    }

    #[test]
    fn tenant_labels_under_a_policy() {
        let p = Policy {
            tenant_labels: vec!["org_id".into()],
            ..trc()
        };
        let r = |i| rules(&check(i, &p));
        assert_eq!(
            r(parse_quote! { /// h
            #[metric(counter, name = "trc_x_total")] struct A { org_id: P } }),
            ["R11"]
        );
        assert_eq!(
            r(parse_quote! { /// h
            #[metric(gauge, name = "trc_x")] struct A { org_id: P } }),
            Vec::<String>::new()
        );
        // A waiver is admitted here; the generated code asserts the type is capped.
        let input: syn::DeriveInput = parse_quote! { /// h
        #[metric(histogram, name = "trc_x_seconds")]
        struct A { #[label(allow = "capped at the 50 largest orgs")] org_id: P } };
        let parsed = FamilyInput::from_derive_input(&input).map_err(|e| e.to_string());
        let parsed = parsed.as_ref().map_err(String::as_str);
        let (model, errors) = match parsed {
            Ok(parsed) => family(parsed, true, &p, false),
            Err(e) => panic!("{e}"),
        };
        assert!(errors.is_empty());
        let label = model
            .as_ref()
            .map(|m| (m.labels[0].tenant_waiver, m.labels[0].waiver.clone()));
        assert_eq!(
            label,
            Some((true, Some("capped at the 50 largest orgs".into())))
        );
    }

    #[test]
    fn roles_fit_the_kind() {
        let p = trc();
        let r = |i| rules(&check(i, &p));
        assert_eq!(
            r(parse_quote! { /// h
            #[metric(gauge, name = "trc_x_lag_events", role = "lag")] struct A; }),
            Vec::<String>::new()
        );
        assert_eq!(
            r(parse_quote! { /// h
            #[metric(counter, name = "trc_x_total", role = "lag")] struct A; }),
            ["R15"]
        );
        assert_eq!(
            r(parse_quote! { /// h
            #[metric(gauge, name = "trc_x", role = "lagging")] struct A; }),
            ["R15"]
        );
    }

    #[test]
    fn label_enums_declare_errors_and_route_templates() {
        let input: syn::DeriveInput = parse_quote! {
            #[label(route_templates)]
            enum R { #[label(rename = "/v1/x")] X, #[label(error)] Failed, #[label(error, rename = "5xx")] S }
        };
        let parsed = LabelInput::from_derive_input(&input).map_err(|e| e.to_string());
        let Ok(parsed) = parsed else {
            panic!("{parsed:?}", parsed = parsed.err())
        };
        let (model, errors) = label_enum(&parsed);
        assert!(errors.is_empty());
        assert!(model.route_templates);
        let errs: Vec<&str> = model
            .variants
            .iter()
            .filter(|v| v.error)
            .map(|v| v.value.as_str())
            .collect();
        assert_eq!(errs, ["failed", "5xx"]);
    }

    #[test]
    fn a_missing_name_is_one_error_suggesting_a_compliant_name() {
        let p = trc();
        for (input, suggestion) in [
            (
                parse_quote! { /// h
                #[metric(counter)] struct Payments; },
                "trc_payments_total",
            ),
            (
                parse_quote! { /// h
                #[metric(histogram, unit = "seconds")] struct AuthLatencyMs; },
                "trc_auth_latency_seconds",
            ),
            (
                parse_quote! { /// h
                #[metric(gauge)] struct QueueCount; },
                "trc_queue",
            ),
        ] {
            let i: syn::DeriveInput = input;
            let msgs = check(i, &p);
            assert_eq!(msgs.len(), 1, "{msgs:#?}");
            assert!(
                msgs[0].contains(&format!("`name = \"{suggestion}\"`")),
                "{msgs:#?}"
            );
            let kind = if suggestion.ends_with("_total") {
                Kind::Counter
            } else if suggestion.ends_with("_seconds") {
                Kind::Histogram
            } else {
                Kind::Gauge
            };
            let unit = suggestion.ends_with("_seconds").then_some("seconds");
            assert!(check_metric_name(suggestion, kind, unit, &p).is_empty());
        }
        // The unit the user did write is still checked.
        let msgs = check(
            parse_quote! { /// h
            #[metric(histogram, unit = "ms")] struct Latency; },
            &p,
        );
        assert_eq!(
            rules(&msgs),
            ["missing `name = \"...\"` in #[metric(...)]", "R4"]
        );
    }

    #[test]
    fn summary_is_one_error_that_says_why() {
        let msgs = check(
            parse_quote! { /// h
            #[metric(summary, name = "trc_x_seconds")] struct A; },
            &trc(),
        );
        assert_eq!(msgs.len(), 1, "{msgs:#?}");
        assert!(msgs[0].contains("cannot be aggregated across instances"));
        assert!(msgs[0].contains("`counter`, `gauge` and `histogram`"));
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
mod native_tests {
    use super::*;
    use darling::FromDeriveInput;
    use syn::parse_quote;

    fn check(input: syn::DeriveInput) -> (Option<NativeSpec>, Vec<String>) {
        let parsed = FamilyInput::from_derive_input(&input).map_err(|e| e.to_string());
        match parsed {
            Ok(parsed) => {
                let (model, errors) = family(&parsed, true, &Policy::default(), false);
                (model.and_then(|m| m.native), errors.messages())
            }
            Err(e) => (None, vec![e]),
        }
    }

    #[test]
    fn native_declarations() {
        let (spec, errs) = check(parse_quote! { /// h
        #[metric(histogram, name = "x_seconds", native)] struct A; });
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!(
            spec.map(|s| (s.schema, s.max_buckets, s.classic)),
            Some((3, 160, false))
        );
        let (spec, errs) = check(parse_quote! { /// h
        #[metric(histogram, name = "x_seconds", buckets = [0.1, 1.0],
                 native(schema = -2, zero_threshold = 1e-9, max_buckets = 20, range = [1e-3, 10.0]))]
        struct A; });
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!(
            spec.map(|s| (s.schema, s.max_buckets, s.classic)),
            Some((-2, 20, true))
        );
        let (_, errs) = check(parse_quote! { /// h
        #[metric(histogram, name = "x_seconds",
                 native(schema = 9, zero_threshold = -1.0, max_buckets = 0, range = [2.0, 1.0]))]
        struct A; });
        let rules: Vec<&str> = errs
            .iter()
            .map(|m| m.split(':').next().unwrap_or(""))
            .collect();
        assert_eq!(rules, ["R12", "R12", "R12", "R12"], "{errs:#?}");
        assert!(
            errs[0].contains("schema `9` is outside -4..=8"),
            "{errs:#?}"
        );
        let (_, errs) = check(parse_quote! { /// h
        #[metric(counter, name = "x_total", native)] struct A; });
        assert_eq!(errs.len(), 1);
        assert!(errs[0].contains("applies to histograms only"), "{errs:?}");
        let (_, errs) = check(parse_quote! { /// h
        #[metric(histogram, name = "x_seconds", native(schema = 1.5))] struct A; });
        assert!(errs[0].contains("must be an integer literal"), "{errs:?}");
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
