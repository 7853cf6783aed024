//! The series budget (R9).

use crate::constmsg::ConstMessage;
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

/// One label as R9's message names it: the label name, its type as written, and the number
/// of values the type has.
pub type BudgetFactor<'a> = (&'a str, &'a str, usize);

/// R9's message with the numbers, built where they are known (const evaluation of the
/// derive's output): the worst case, each label's cardinality with its type, and for a
/// histogram the samples per label set. `native_max_buckets` is 0 for a family without native
/// buckets.
///
/// ```
/// use metrics_policy::{MetricKind, series_budget_message};
///
/// const M: metrics_policy::ConstMessage = series_budget_message(
///     "app_requests_total", 1000, 1331,
///     &[("region", "Region", 11), ("tier", "Tier", 11), ("shard", "Shard", 11)],
///     MetricKind::Counter, 0, 0,
/// );
/// assert_eq!(
///     M.as_str(),
///     "R9: family `app_requests_total` can expose 1331 series, over its budget of 1000: \
///      11 `region` values (Region) × 11 `tier` values (Tier) × 11 `shard` values (Shard); \
///      use fewer labels or coarser enums, or raise the budget with `max_series = N`"
/// );
/// ```
#[allow(clippy::too_many_arguments)]
pub const fn series_budget_message(
    name: &str,
    max_series: usize,
    worst_case: usize,
    labels: &[BudgetFactor<'_>],
    kind: MetricKind,
    buckets: usize,
    native_max_buckets: usize,
) -> ConstMessage {
    let histogram = matches!(kind, MetricKind::Histogram);
    let mut m = ConstMessage::new()
        .str("R9: family `")
        .str(name)
        .str("` can expose ")
        .usize(worst_case)
        .str(if histogram { " samples" } else { " series" })
        .str(", over its budget of ")
        .usize(max_series)
        .str(": ");
    let mut i = 0;
    while i < labels.len() {
        let (label, ty, cardinality) = labels[i];
        if i > 0 {
            m = m.str(" × ");
        }
        m = m
            .usize(cardinality)
            .str(" `")
            .str(label)
            .str("` values (")
            .str(ty)
            .str(")");
        i += 1;
    }
    if histogram {
        if !labels.is_empty() {
            m = m.str(" × ");
        }
        m = m
            .usize(buckets + 3 + native_max_buckets)
            .str(" samples per label set (")
            .usize(buckets)
            .str(" buckets, +Inf, _sum, _count");
        if native_max_buckets > 0 {
            m = m
                .str(", up to ")
                .usize(native_max_buckets)
                .str(" native buckets");
        }
        m = m.str(")");
    } else if labels.is_empty() {
        m = m.str("1 series");
    }
    m.str(if native_max_buckets > 0 {
        "; use fewer labels or coarser enums, lower `max_buckets`, or raise the budget with `max_series = N`"
    } else if histogram {
        "; use fewer labels, coarser enums or fewer buckets, or raise the budget with `max_series = N`"
    } else {
        "; use fewer labels or coarser enums, or raise the budget with `max_series = N`"
    })
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
    fn the_const_message_gives_the_factors() {
        let m = series_budget_message(
            "app_x_seconds",
            1000,
            1210,
            &[("region", "Region", 11), ("tier", "Tier", 11)],
            MetricKind::Histogram,
            7,
            0,
        );
        assert_eq!(
            m.as_str(),
            "R9: family `app_x_seconds` can expose 1210 samples, over its budget of 1000: 11 `region` values (Region) × 11 `tier` values (Tier) × 10 samples per label set (7 buckets, +Inf, _sum, _count); use fewer labels, coarser enums or fewer buckets, or raise the budget with `max_series = N`"
        );
        let m = series_budget_message("app_y_seconds", 20, 170, &[], MetricKind::Histogram, 7, 160);
        assert!(
            m.as_str().contains(
                ": 170 samples per label set (7 buckets, +Inf, _sum, _count, up to 160 native buckets); use fewer labels or coarser enums, lower `max_buckets`"
            ),
            "{}",
            m.as_str()
        );
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
