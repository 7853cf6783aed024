//! The metrics policy as data: every rule table and every check, in one place, with no
//! dependencies.
//!
//! The derive macros (`metrics-macros`) call these checks at compile time and point each
//! [`Violation`] at the offending token; the runtime (`metrics_runtime::validate`) calls them on
//! what arrives at run time (global labels, bucket overrides); a compliance checker calls them
//! on the label names of any exporter's scrape. Each rule says where it comes from.
//!
//! ```
//! use metrics_policy::{MetricKind, Policy, Rule};
//!
//! let policy = Policy { prefix: Some("app_".into()), ..Policy::default() };
//! let found = metrics_policy::check_metric_name("app_latency_ms", MetricKind::Histogram, None, &policy);
//! assert_eq!(found[0].rule, Rule::R4);
//! assert_eq!(
//!     found[0].to_string(),
//!     "R4: `_ms` is not a base unit; measure in seconds and write `app_latency_seconds`"
//! );
//!
//! let path = metrics_policy::forbidden_label("path").map(|f| f.instead);
//! assert!(path.is_some_and(|instead| instead.contains("path_template")));
//! ```
//!
//! # What a crate gets without a policy
//!
//! Prometheus' naming and labelling practices (R1, R3-R6, R12), the forbidden unbounded label
//! names (R7), HELP text (R10), bounded label values (R13), reasons for waivers (R14), declared
//! roles that fit the kind (R15) and a budget of [`DEFAULT_MAX_SERIES`] series per family
//! (R9). Everything specific to one platform is a setting of [`Policy`], read from the crate's
//! `[package.metadata.metrics]`: the name prefix (R2), the budget, extra forbidden names, the
//! tenant labels (R11) and whether HELP carries the stability level.
//!
//! # Relaxations carry reasons
//!
//! A rule is relaxed only with a reason, which lands in the family's descriptor and so in the
//! generated docs (R14 rejects an empty one):
//!
//! - `#[metric(allow = "why")]` records a naming deviation: it waives the `_total` rule (R3)
//!   and the unit-suffix rules of R4 ([`Violation::waivable`]), never a bad unit attribute,
//!   the prefix or a reserved suffix.
//! - `#[label(allow = "why")]` on a field waives a forbidden label name (R7); it never admits
//!   an unbounded type (R8 holds regardless).
//! - `#[label(allow = "why")]` on a tenant label of a counter or histogram waives R11 **only
//!   when the field's type is a capped label** (`capped_label!`, whose `LabelValue::CAP` is
//!   `Some`). A capped label keeps its first `cap` values and folds every later one into one
//!   overflow value, so the per-tenant series stay bounded by `cap + 1`, and the series budget
//!   (R9) counts exactly that. On an enum type the waiver is refused by a const assertion
//!   spanned on the field's type: a fixed enum of tenants is not a tenant label, and an
//!   unbounded one does not compile anyway (R8). See [`tenant_waiver_needs_cap`].

mod buckets;
mod case;
mod constmsg;
mod kind;
mod labels;
mod names;
mod native;
mod policy;
mod rule;
mod series;

pub use buckets::{
    DEFAULT_BUCKETS, bucket_constant_message, bucket_violations, check_buckets,
    check_buckets_allowed, check_default_buckets,
};
pub use case::{is_snake_case, snake_case};
pub use constmsg::ConstMessage;
pub use kind::{FamilyRole, MetricKind, Stability, check_role};
pub use labels::{
    FORBIDDEN_LABELS, ForbiddenLabel, RESERVED_LABEL_PREFIX, RESERVED_LABELS, ReservedLabel,
    check_label_name, check_label_syntax, check_label_value, check_tenant_label, forbidden_label,
    reserved_label, tenant_waiver_needs_cap,
};
pub use names::{
    BASE_UNITS, NON_BASE_UNITS, RESERVED_SUFFIXES, TIME_WORDS, check_metric_name, declared_unit,
    exposed_names, non_base_unit, suggest_metric_name,
};
pub use native::{
    NATIVE_BOUNDS, NATIVE_DEFAULT_MAX_BUCKETS, NATIVE_DEFAULT_SCHEMA,
    NATIVE_DEFAULT_ZERO_THRESHOLD, NATIVE_MAX_WINDOW, NATIVE_SCHEMA_MAX, NATIVE_SCHEMA_MIN,
    NativeDeclaration, NativePart, NativeSpec, check_native, default_native_range, frexp,
    native_coarser_key, native_key, native_upper_bound, native_worst_case_series,
    unit_can_be_negative,
};
pub use policy::Policy;
pub use rule::{Rule, Target, Violation};
pub use series::{
    BudgetFactor, DEFAULT_MAX_SERIES, series_budget_message, series_budget_violation,
    series_budget_violation_native, worst_case_series,
};
