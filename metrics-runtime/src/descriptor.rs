//! Families as data: every generated family exposes a `const` descriptor from
//! which docs, JSON, the checker, dashboards and rules are generated.

use crate::label::LabelDescriptor;

// The kinds, stability levels and roles are the policy's vocabulary: one spelling each,
// shared by the derive, the descriptors and the catalog schema.
pub use metrics_policy::{FamilyRole, MetricKind, NativeSpec, Stability};

/// Everything a family declares, as const data.
#[derive(Debug, Clone, Copy)]
pub struct FamilyDescriptor {
    /// The metric name, as exposed (`_bucket`/`_sum`/`_count` are added for histograms).
    pub name: &'static str,
    /// Counter, gauge or histogram.
    pub kind: MetricKind,
    /// The HELP text: the struct's doc comment.
    pub help: &'static str,
    /// The declared unit (`seconds`, `bytes`, ...), if any.
    pub unit: Option<&'static str>,
    /// The labels, in field order.
    pub labels: &'static [LabelDescriptor],
    /// Classic histogram bucket upper bounds (without `+Inf`); empty for other kinds and for a
    /// native-only histogram.
    pub buckets: &'static [f64],
    /// The native histogram declaration (`native(...)`) and its storage window, if any.
    pub native: Option<NativeSpec>,
    /// Number of label combinations: the product of the label cardinalities.
    pub label_sets: usize,
    /// Worst-case exposed samples: `label_sets`, times `buckets + 3` for histograms (each
    /// declared bucket, `+Inf`, `_sum` and `_count`), plus `max_buckets` per label set for a
    /// native histogram (rule R9).
    pub worst_case_series: usize,
    /// The series budget this family is held to (`max_series`, else the crate policy's default).
    pub max_series: usize,
    /// The component the family belongs to (`component = "..."`), if declared.
    pub component: Option<&'static str>,
    /// Declared deviations from the naming policy, each with its reason.
    pub deviations: &'static [&'static str],
    /// Stability level: `alpha`, `beta` or `stable` (Kubernetes' metric stability levels).
    pub stability: Stability,
    /// The version since which the family is deprecated, if it is.
    pub deprecated_since: Option<&'static str>,
    /// What the family means where rules and dashboards depend on it (`role = "..."`).
    pub role: FamilyRole,
    /// The name prefix the declaring crate's policy requires (`[package.metadata.metrics]
    /// prefix`), if any: a checker treats other names with it as undeclared families.
    pub prefix: Option<&'static str>,
    /// Whether HELP carries the stability level (`[ALPHA] `), as the declaring crate's policy
    /// says (`stability_in_help = true`); a deprecation is always shown.
    pub stability_in_help: bool,
    /// Label names the declaring crate's policy forbids beyond the built-in table
    /// (`forbidden_labels`, R7): a checker of a scrape holds every series to them too.
    pub forbidden_labels: &'static [&'static str],
    /// The declaring crate's tenant labels (`tenant_labels`, R11): not on counters or
    /// histograms.
    pub tenant_labels: &'static [&'static str],
    /// The Rust type that declares the family.
    pub type_name: &'static str,
    /// The module that declares the family.
    pub module_path: &'static str,
}

impl FamilyDescriptor {
    /// The HELP text as exposed: the stability level and any deprecation first, as Kubernetes
    /// writes them (`[ALPHA] `, `[BETA] `, `(Deprecated since 1.2.0) `), then the doc comment.
    pub fn exposed_help(&self) -> String {
        let mut s = String::new();
        if self.stability_in_help {
            s.push_str(self.stability.help_prefix());
        }
        if let Some(v) = self.deprecated_since {
            s.push_str("(Deprecated since ");
            s.push_str(v);
            s.push_str(") ");
        }
        s.push_str(self.help);
        s
    }

    /// Worst-case series for a family of this kind with these label sets and buckets.
    pub const fn worst_case(kind: MetricKind, label_sets: usize, buckets: usize) -> usize {
        metrics_policy::worst_case_series(kind, label_sets, buckets)
    }

    /// Worst-case series of a native histogram: `label_sets * (buckets + 3 + max_buckets)`.
    pub const fn worst_case_native(label_sets: usize, buckets: usize, max_buckets: usize) -> usize {
        metrics_policy::native_worst_case_series(label_sets, buckets, max_buckets)
    }

    /// The label values of series `index` (mixed-radix decode, last label fastest), or `None`
    /// when a capped label has not seen a value for its slot yet.
    pub fn label_values(&self, mut index: usize) -> Option<Vec<(&'static str, &'static str)>> {
        let mut vals = Vec::with_capacity(self.labels.len());
        for label in self.labels.iter().rev() {
            let card = match label.cap {
                Some(cap) => cap + 1,
                None => label.values.len(),
            }
            .max(1);
            vals.push((label.name, (label.value_at)(index % card)?));
            index /= card;
        }
        vals.reverse();
        Some(vals)
    }

    /// Whether the family is a counter of seconds (`unit = "seconds"`, or a name ending in
    /// `_seconds_total`): its slots hold `f64` bits, so it can count fractions of a second
    /// (`inc_by(0.25)`), and it is exposed as a float. Other counters hold `u64` counts.
    pub fn float_counter(&self) -> bool {
        self.kind == MetricKind::Counter && self.unit == Some("seconds")
    }

    /// Whether a label of this family is a capped string label.
    pub fn has_capped_label(&self) -> bool {
        self.labels.iter().any(|l| l.cap.is_some())
    }
}
