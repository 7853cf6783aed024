//! Bounded label values: the `LabelValue` trait that `#[derive(LabelValue)]` implements.

/// A finite set of label values, known at compile time (rule R8).
///
/// Implemented by `#[derive(LabelValue)]` on a field-less enum: each variant is one value,
/// rendered as the snake_case of its name unless `#[label(rename = "...")]` says otherwise.
/// Only types implementing this trait can be the type of a metric label, so an unbounded
/// value (`String`, `u64`, `Uuid`) can never reach a series.
///
/// The derive also adds inherent `const fn index(self)` and `const fn as_str(self)` so both
/// can be used in const context.
#[diagnostic::on_unimplemented(
    message = "R8: `{Self}` is not a bounded label type",
    label = "this label's type has no finite, known set of values",
    note = "a label type must be an enum with `#[derive(LabelValue)]` (every value known at compile time); \
            a string, integer or id would make the series count unbounded",
    note = "for semi-bounded ids (node_id, org_id, route_id) use the capped string label type"
)]
pub trait LabelValue: Copy + Send + Sync + 'static {
    /// How many distinct values the type has.
    const CARDINALITY: usize;
    /// Every value, in declaration order; `VALUES[v.index()] == v`.
    const VALUES: &'static [Self];
    /// Every value as its exposition text, in declaration order.
    const NAMES: &'static [&'static str];
    /// The value declared with `#[label(default)]`, used by timers dropped before they finish.
    const DEFAULT: Option<Self>;
    /// The exposition text of [`LabelValue::DEFAULT`].
    const DEFAULT_NAME: Option<&'static str> = None;
    /// The Rust type name, for docs.
    const TYPE_NAME: &'static str;
    /// The type's doc comment, for docs.
    const DOC: &'static str;
    /// Per value doc comments, in declaration order (empty where a variant has none).
    const VALUE_DOCS: &'static [&'static str];
    /// For capped string labels: how many distinct values get their own series (the last
    /// index, `CAP`, is the shared overflow value). `None` for enums, whose values are `NAMES`.
    const CAP: Option<usize> = None;
    /// The values that are error outcomes (`#[label(error)]` on their variants): generated
    /// error ratios and alerts count exactly these.
    const ERROR_VALUES: &'static [&'static str] = &[];
    /// Whether the values are route templates (`#[label(route_templates)]` on the enum, or a
    /// capped label declared so): a checker rejects raw paths in them.
    const ROUTE_TEMPLATES: bool = false;

    /// The exposition text of the value at `index`, if that value exists yet (a capped
    /// label's slots fill as values arrive).
    fn value_at(index: usize) -> Option<&'static str> {
        Self::NAMES.get(index).copied()
    }

    /// The dense index of this value: `0..CARDINALITY`, in declaration order.
    fn index(self) -> usize;

    /// The value as it appears in the exposition.
    fn as_str(self) -> &'static str {
        Self::value_at(self.index()).unwrap_or("")
    }
}

/// A label of a family, as data: its name and every value it can take.
#[derive(Debug, Clone, Copy)]
pub struct LabelDescriptor {
    /// The label name (the struct field's name).
    pub name: &'static str,
    /// The Rust type of the label.
    pub type_name: &'static str,
    /// The type's doc comment.
    pub type_doc: &'static str,
    /// Every value the label can take, in declaration order.
    pub values: &'static [&'static str],
    /// Doc comment per value (empty string where none).
    pub value_docs: &'static [&'static str],
    /// For a capped string label, the number of distinct values it admits before folding the
    /// rest into its overflow value; `values` is then empty.
    pub cap: Option<usize>,
    /// The value at an index, including the values a capped label has seen so far.
    pub value_at: fn(usize) -> Option<&'static str>,
    /// The value a timer dropped before `finish` records under (`#[label(default)]`).
    pub default: Option<&'static str>,
    /// The reason given in `#[label(allow = "...")]` when the name needed a waiver (R14).
    pub waiver: Option<&'static str>,
    /// The values that are error outcomes (`#[label(error)]`), empty when none is.
    pub error_values: &'static [&'static str],
    /// Whether the values are route templates (`#[label(route_templates)]`).
    pub route_templates: bool,
    /// The field's doc comment.
    pub doc: &'static str,
}
