//! The series budget (R9).

use crate::kind::MetricKind;
use crate::rule::{Rule, Target, Violation};

/// The worst-case series budget of a family when neither it nor its crate declares one.
pub const DEFAULT_MAX_SERIES: usize = 1000;

/// The samples a family exposes in the worst case: one per label set, times `buckets + 3`
/// for a histogram (each declared bound, `+Inf`, `_sum`, `_count`). R9 holds it to the budget.
pub const fn worst_case_series(kind: MetricKind, label_sets: usize, buckets: usize) -> usize {
    match kind {
        MetricKind::Histogram => label_sets * (buckets + 3),
        _ => label_sets,
    }
}

/// R9: family `name` exceeds its budget of `max_series`. The derive checks the budget in a
/// const assertion, where the label cardinalities are known, and panics with this message.
pub fn series_budget_violation(
    name: &str,
    kind: MetricKind,
    max_series: usize,
    buckets: usize,
) -> Violation {
    let per_set = if kind == MetricKind::Histogram {
        format!(
            " times {} samples per label set ({buckets} buckets, +Inf, _sum, _count)",
            buckets + 3
        )
    } else {
        String::new()
    };
    Violation::new(
        Rule::R9,
        Target::Name,
        format!("family `{name}` exceeds its series budget of {max_series}: its worst case, the product of its label cardinalities{per_set}, is larger"),
    )
    .with_fix("use fewer labels or coarser enums, or raise the budget with `max_series = N`")
}

/// R9 for a native histogram: its worst case counts `max_buckets` per label set beside the
/// classic samples ([`crate::native_worst_case_series`]).
pub fn series_budget_violation_native(
    name: &str,
    max_series: usize,
    buckets: usize,
    max_buckets: usize,
) -> Violation {
    Violation::new(
        Rule::R9,
        Target::Name,
        format!(
            "family `{name}` exceeds its series budget of {max_series}: its worst case, the product of its label cardinalities times {} samples per label set ({buckets} buckets, +Inf, _sum, _count and up to {max_buckets} native buckets), is larger",
            buckets + 3 + max_buckets
        ),
    )
    .with_fix("use fewer labels or coarser enums, lower `max_buckets`, or raise the budget with `max_series = N`")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histograms_count_every_sample() {
        assert_eq!(worst_case_series(MetricKind::Counter, 6, 0), 6);
        assert_eq!(worst_case_series(MetricKind::Gauge, 6, 0), 6);
        assert_eq!(worst_case_series(MetricKind::Histogram, 6, 11), 84);
    }

    #[test]
    fn the_message_says_how_to_fix_it() {
        let v = series_budget_violation("app_x_total", MetricKind::Counter, 1000, 0);
        assert_eq!(
            v.to_string(),
            "R9: family `app_x_total` exceeds its series budget of 1000: its worst case, the product of its label cardinalities, is larger; use fewer labels or coarser enums, or raise the budget with `max_series = N`"
        );
        let v = series_budget_violation("app_x_seconds", MetricKind::Histogram, 10, 2);
        assert!(
            v.message
                .contains("times 5 samples per label set (2 buckets, +Inf, _sum, _count)")
        );
    }
}
