//! What a family is not: the bounds of the recording methods of other kinds.
//!
//! rustc words a call to a method a type lacks (error E0599) itself, and lists every trait
//! of the dependency graph that has a method of that name, which is how `.set(..)` on a
//! counter came to suggest implementing `prometheus::atomic64::Atomic`. A message cannot be
//! attached to E0599, only to an unmet trait bound (E0277). So each family also has the
//! recording methods of the other kinds, hidden from its docs, each bounded by one of these
//! traits, which no family implements: calling one is a single error that says what the
//! family is and what it records with.

/// Implemented by nothing a user declares; it keeps rustc from adding "this trait has no
/// implementations" to the messages (`do_not_recommend` keeps it out of them).
#[derive(Debug)]
#[allow(dead_code)]
pub struct Never;

macro_rules! wrong_kind {
    ($($(#[$doc:meta])* $name:ident => $message:literal, $label:literal, $note:literal;)*) => {$(
        $(#[$doc])*
        #[diagnostic::on_unimplemented(
            message = $message,
            label = $label,
            note = $note,
            note = "every family reads with `get()`; its kind is the first item of its `#[metric(...)]`"
        )]
        pub trait $name {}

        #[diagnostic::do_not_recommend]
        impl $name for Never {}
    )*};
}

wrong_kind! {
    /// A counter method called on a gauge.
    CounterMethodOnGauge =>
        "`{Self}` is a gauge family, not a counter: it records with `set(v)`, `inc()`, `dec()`, `add(v)`, `sub(v)` and `track()`",
        "a counter method",
        "`inc_by(n)` and the `*_with_exemplar` increments are counter methods; a gauge adds an amount with `add(v)`";
    /// A counter method called on a histogram.
    CounterMethodOnHistogram =>
        "`{Self}` is a histogram family, not a counter: it records with `observe(v)` (and, when in seconds, `observe_duration(d)` and timers)",
        "a counter method",
        "`inc()` and `inc_by(n)` are counter methods; a histogram counts its observations itself (`count()`)";
    /// A gauge method called on a counter.
    GaugeMethodOnCounter =>
        "`{Self}` is a counter family, not a gauge: it records with `inc()` and `inc_by(n)`",
        "a gauge method",
        "`set`, `dec`, `add`, `sub` and `track` are gauge methods; a counter only goes up, a value that is set or goes down is a gauge: `#[metric(gauge, ...)]`";
    /// A gauge method called on a histogram.
    GaugeMethodOnHistogram =>
        "`{Self}` is a histogram family, not a gauge: it records with `observe(v)` (and, when in seconds, `observe_duration(d)` and timers)",
        "a gauge method",
        "`set`, `dec`, `add`, `sub` and `track` are gauge methods: `#[metric(gauge, ...)]`";
    /// A histogram method called on a counter.
    HistogramMethodOnCounter =>
        "`{Self}` is a counter family, not a histogram: it records with `inc()` and `inc_by(n)`",
        "a histogram method",
        "`observe`, `observe_duration`, timers, `count` and `sum` are histogram methods; a distribution of values (durations, sizes) is a histogram: `#[metric(histogram, ...)]`";
    /// A histogram method called on a gauge.
    HistogramMethodOnGauge =>
        "`{Self}` is a gauge family, not a histogram: it records with `set(v)`, `inc()`, `dec()`, `add(v)`, `sub(v)` and `track()`",
        "a histogram method",
        "`observe`, `observe_duration`, timers, `count` and `sum` are histogram methods; a distribution of values (durations, sizes) is a histogram: `#[metric(histogram, ...)]`";
}
