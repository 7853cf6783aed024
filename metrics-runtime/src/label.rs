//! Bounded label values: the `LabelValue` trait that `#[derive(LabelValue)]` implements.

/// A finite set of label values, known at compile time (rule R8).
///
/// Implemented by `#[derive(LabelValue)]` on a field-less enum: each variant is one value,
/// rendered as the snake_case of its name unless `#[label(rename = "...")]` says otherwise.
/// Only types implementing this trait can be the type of a metric label, so an unbounded
/// value (`String`, `u64`, `Uuid`) can never reach a series.
///
/// The derive also adds inherent `const fn index(self)` and `const fn as_str(self)` so both
/// can be used in const context. The associated consts are trait items: import the trait
/// (`use metrics_runtime::LabelValue;`, which also imports the derive) to write
/// `Outcome::VALUES`.
///
/// A label value is `Copy` (recording takes the label struct by reference and reads each
/// value out of it): derive `Clone, Copy` beside `LabelValue`.
///
/// `bool` is a label type too, with the values `false` and `true`.
#[diagnostic::on_unimplemented(
    message = "R8: `{Self}` is not a bounded label type",
    label = "this label's type has no finite, known set of values",
    note = "a label type must be an enum with `#[derive(LabelValue)]` (every value known at compile time) or `bool`; \
            a string, integer or id would make the series count unbounded",
    note = "for semi-bounded ids (node_id, org_id, route_id) use a capped string label: \
            `metrics_runtime::capped_label! {{ pub struct NodeId(cap = 64); }}`, then `NodeId::new(id)`"
)]
pub trait LabelValue: CopyLabel + Send + Sync + 'static {
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

    /// The value whose exposition text is `text`, if the type declares one (a capped label
    /// declares none up front: make its values with `new`). Maps text from outside, such as a
    /// router's matched path template, onto the enum without a hand-written table.
    fn from_value(text: &str) -> Option<Self> {
        Self::NAMES
            .iter()
            .position(|n| *n == text)
            .and_then(|i| Self::VALUES.get(i).copied())
    }

    /// The value as it appears in the exposition.
    fn as_str(self) -> &'static str {
        Self::value_at(self.index()).unwrap_or("")
    }
}

/// `Copy`, as every label value is, with the message a label enum without `Clone, Copy`
/// should get (rustc's own hint names `Copy` alone, which does not compile without `Clone`).
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "label enum `{Self}` must derive `Clone, Copy`",
    label = "add `Clone, Copy` to this enum's `#[derive(...)]`",
    note = "recording reads each label value out of the label struct by copy: write `#[derive(LabelValue, Clone, Copy)]`"
)]
pub trait CopyLabel: Copy {}

// `do_not_recommend`: an enum without `Copy` is reported as not `CopyLabel` (the message
// above), not as not `Copy` with a hint that names `Copy` alone. `#[derive(LabelValue)]`
// asserts it once, at the enum, and implements `LabelValue` under it (`where Self:
// CopyLabel`), so the enum's missing `Copy` is that one error: the families using it read
// its `BoundedLabel` impl, which needs no `Copy`.
#[diagnostic::do_not_recommend]
impl<T: Copy> CopyLabel for T {}

/// `bool` is bounded: `false` and `true`, as Prometheus' own boolean labels read.
impl LabelValue for bool {
    const CARDINALITY: usize = 2;
    const VALUES: &'static [Self] = &[false, true];
    const NAMES: &'static [&'static str] = &["false", "true"];
    const DEFAULT: Option<Self> = None;
    const TYPE_NAME: &'static str = "bool";
    const DOC: &'static str = "A yes/no label: `false` or `true`.";
    const VALUE_DOCS: &'static [&'static str] = &["", ""];

    #[inline(always)]
    fn index(self) -> usize {
        self as usize
    }
}

/// A label type with a declared default value (`#[label(default)]`): what a timer dropped
/// before `finish` records under. `start_timer()` needs one on every label of its family.
#[diagnostic::on_unimplemented(
    message = "`start_timer()` needs a default for every label, and `{Self}` declares none",
    label = "a timer dropped before `finish` would have no `{Self}` value to record under",
    note = "start with `start_timer_with(labels)`, whose labels an early drop records under, \
            or mark the value an early drop means with `#[label(default)]` on one variant of `{Self}`"
)]
pub trait DefaultLabel: BoundedLabel {
    /// The `#[label(default)]` value.
    const DEFAULT_LABEL: Self;
}

/// What generated code reads of one label type, gathered in one const that holds the only
/// `LabelValue` obligation of a family on that type ([`BoundedLabel::LABEL_OF`]): an unbounded
/// type is then one error (R8), not one per use. It holds no `T`, so reading it in const
/// evaluation never needs `T`'s destructor.
#[doc(hidden)]
#[derive(Debug)]
pub struct LabelOf<T: 'static> {
    /// `T::CARDINALITY`.
    pub cardinality: usize,
    /// `T::CAP`.
    pub cap: Option<usize>,
    /// `T::index`, through a reference so the caller's use does not need `T: Copy`.
    pub index: fn(&T) -> usize,
    /// The parts of the label's descriptor that come from its type.
    pub type_name: &'static str,
    /// `T::DOC`.
    pub type_doc: &'static str,
    /// `T::NAMES`.
    pub values: &'static [&'static str],
    /// `T::VALUE_DOCS`.
    pub value_docs: &'static [&'static str],
    /// `T::DEFAULT_NAME`.
    pub default_name: Option<&'static str>,
    /// `T::value_at`.
    pub value_at: fn(usize) -> Option<&'static str>,
    /// `T::ERROR_VALUES`.
    pub error_values: &'static [&'static str],
    /// `T::ROUTE_TEMPLATES`.
    pub route_templates: bool,
}

fn index_of<T: LabelValue>(value: &T) -> usize {
    T::index(*value)
}

/// [`LabelOf`] of a label type, as generated code names it: `<T as BoundedLabel>::LABEL_OF`.
/// Implemented beside every [`LabelValue`] impl (by the derive, `capped_label!`, and here for
/// `bool`); for any other type, the qualified path is the one error of R8, worded as
/// [`LabelValue`]'s, under the field's type.
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "R8: `{Self}` is not a bounded label type",
    label = "this label's type has no finite, known set of values",
    note = "a label type must be an enum with `#[derive(LabelValue)]` (every value known at compile time) or `bool`; \
            a string, integer or id would make the series count unbounded",
    note = "for semi-bounded ids (node_id, org_id, route_id) use a capped string label: \
            `metrics_runtime::capped_label! {{ pub struct NodeId(cap = 64); }}`, then `NodeId::new(id)`"
)]
pub trait BoundedLabel: Sized + 'static {
    /// What generated code reads of this label type.
    const LABEL_OF: LabelOf<Self>;
}

// Every impl is `do_not_recommend`: an unbounded type's R8 message lists no types that are.
#[diagnostic::do_not_recommend]
impl BoundedLabel for bool {
    const LABEL_OF: LabelOf<bool> = label_of::<bool>();
}

/// [`LabelOf`] of a [`LabelValue`] type: its [`BoundedLabel::LABEL_OF`], for impls that
/// have the `LabelValue` impl at hand (`capped_label!`, `bool`).
#[doc(hidden)]
pub const fn label_of<T: LabelValue>() -> LabelOf<T> {
    LabelOf {
        cardinality: T::CARDINALITY,
        cap: T::CAP,
        index: index_of::<T>,
        type_name: T::TYPE_NAME,
        type_doc: T::DOC,
        values: T::NAMES,
        value_docs: T::VALUE_DOCS,
        default_name: T::DEFAULT_NAME,
        value_at: T::value_at,
        error_values: T::ERROR_VALUES,
        route_templates: T::ROUTE_TEMPLATES,
    }
}

impl<T: 'static> LabelOf<T> {
    /// The descriptor of a label of this type named `name`.
    pub const fn descriptor(
        &self,
        name: &'static str,
        waiver: Option<&'static str>,
        doc: &'static str,
    ) -> LabelDescriptor {
        LabelDescriptor {
            name,
            type_name: self.type_name,
            type_doc: self.type_doc,
            values: self.values,
            value_docs: self.value_docs,
            cap: self.cap,
            value_at: self.value_at,
            default: self.default_name,
            waiver,
            error_values: self.error_values,
            route_templates: self.route_templates,
            doc,
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bool_is_a_two_valued_label() {
        assert_eq!(<bool as LabelValue>::CARDINALITY, 2);
        assert_eq!(false.index(), 0);
        assert_eq!(LabelValue::as_str(true), "true");
        let l = <bool as BoundedLabel>::LABEL_OF;
        assert_eq!((l.index)(&true), 1);
        assert_eq!(l.descriptor("cached", None, "").values, ["false", "true"]);
    }
}
