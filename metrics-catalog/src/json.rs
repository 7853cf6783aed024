//! The catalog as JSON for other tools (`metrics-catalog json`): a serde view of the
//! families' descriptors, grouped by component. Field names are part of the output format.

use metrics_runtime::{FamilyDescriptor, LabelDescriptor};
use serde::Serialize;

use crate::Component;

/// The whole catalog, or the selected components.
#[derive(Debug, Serialize)]
pub struct Catalog {
    /// The sum of the components' `worst_case_series`.
    pub worst_case_series: usize,
    /// The components, in seed 000's order.
    pub components: Vec<ComponentView>,
}

/// One component and its families.
#[derive(Debug, Serialize)]
pub struct ComponentView {
    /// The name used on the command line.
    pub name: &'static str,
    /// A human title.
    pub title: &'static str,
    /// What the component is.
    pub about: &'static str,
    /// The sum of the families' `worst_case_series`.
    pub worst_case_series: usize,
    /// The families, in the order seed 000 lists them.
    pub families: Vec<FamilyView>,
}

/// One family: its descriptor.
#[derive(Debug, Serialize)]
pub struct FamilyView {
    /// The exposed name (histograms add `_bucket`, `_sum`, `_count`).
    pub name: &'static str,
    /// `counter`, `gauge` or `histogram`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The HELP text.
    pub help: &'static str,
    /// The unit (`seconds`, `bytes`), if any.
    pub unit: Option<&'static str>,
    /// The labels, in declaration order.
    pub labels: Vec<LabelView>,
    /// Histogram bucket upper bounds, without `+Inf`; empty for other types.
    pub buckets: &'static [f64],
    /// Number of label combinations.
    pub label_sets: usize,
    /// Worst-case series, as a scrape returns them: the label sets, times `buckets + 3` for a
    /// histogram (each bound, `+Inf`, `_sum`, `_count`).
    pub worst_case_series: usize,
    /// The series budget the family is held to.
    pub max_series: usize,
    /// The component named in the declaration.
    pub component: Option<&'static str>,
    /// Declared deviations from the naming policy or from seed 000, each with its reason.
    pub deviations: &'static [&'static str],
    /// `alpha`, `beta` or `stable`, as Kubernetes grades metrics.
    pub stability: &'static str,
    /// The version since which the family is deprecated, if it is.
    pub deprecated_since: Option<&'static str>,
    /// The Rust type declaring the family, with its module.
    pub declared_by: String,
}

/// One label and every value it can take.
#[derive(Debug, Serialize)]
pub struct LabelView {
    /// The label name.
    pub name: &'static str,
    /// The Rust type of its values.
    pub type_name: &'static str,
    /// The type's doc comment: what the values mean and why this set was chosen.
    pub type_doc: &'static str,
    /// The field's doc comment, if any.
    #[serde(skip_serializing_if = "str::is_empty")]
    pub doc: &'static str,
    /// The reason given when the label name needed a waiver (rule R14).
    pub waiver: Option<&'static str>,
    /// For a capped string label, how many distinct values get their own series before the
    /// rest fold into `__overflow__`; `values` is then empty. `null` for enums.
    pub cap: Option<usize>,
    /// Every value, in declaration order.
    pub values: Vec<ValueView>,
}

/// One label value.
#[derive(Debug, Serialize)]
pub struct ValueView {
    /// The value as exposed.
    pub value: &'static str,
    /// Its doc comment.
    pub doc: &'static str,
}

impl Catalog {
    /// The view of the given components.
    pub fn new(components: &[&Component]) -> Self {
        let components: Vec<ComponentView> =
            components.iter().map(|c| ComponentView::new(c)).collect();
        Catalog {
            worst_case_series: components.iter().map(|c| c.worst_case_series).sum(),
            components,
        }
    }

    /// The view of every component.
    pub fn all() -> Self {
        let all: Vec<&Component> = crate::COMPONENTS.iter().collect();
        Catalog::new(&all)
    }
}

impl ComponentView {
    fn new(c: &Component) -> Self {
        ComponentView {
            name: c.name,
            title: c.title,
            about: c.about,
            worst_case_series: c.worst_case_series(),
            families: c.descriptors().into_iter().map(FamilyView::new).collect(),
        }
    }
}

impl FamilyView {
    fn new(d: &'static FamilyDescriptor) -> Self {
        FamilyView {
            name: d.name,
            kind: d.kind.as_str(),
            help: d.help,
            unit: d.unit,
            labels: d.labels.iter().map(LabelView::new).collect(),
            buckets: d.buckets,
            label_sets: d.label_sets,
            worst_case_series: d.worst_case_series,
            max_series: d.max_series,
            component: d.component,
            deviations: d.deviations,
            stability: d.stability.as_str(),
            deprecated_since: d.deprecated_since,
            declared_by: format!("{}::{}", d.module_path, d.type_name),
        }
    }
}

impl LabelView {
    fn new(l: &'static LabelDescriptor) -> Self {
        LabelView {
            name: l.name,
            type_name: l.type_name,
            type_doc: l.type_doc,
            doc: l.doc,
            waiver: l.waiver,
            cap: l.cap,
            values: l
                .values
                .iter()
                .enumerate()
                .map(|(i, value)| ValueView {
                    value,
                    doc: l.value_docs.get(i).copied().unwrap_or(""),
                })
                .collect(),
        }
    }
}
