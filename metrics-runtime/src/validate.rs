//! Run-time checks of what arrives at run time (global labels and bucket overrides from
//! config), by the same functions the derive checks declarations with at compile time
//! (`metrics-policy`): R1 and R6 for label names, R12 for buckets.
//!
//! The policy's tables and checks are re-exported here for tools that check other sources,
//! such as a compliance checker reading any exporter's scrape.

pub use metrics_policy::{
    ForbiddenLabel, Policy, Rule, Target, Violation, check_label_name, check_label_syntax,
    forbidden_label,
};

/// Checks a label name that carries one value per process (a global label): snake case
/// `[a-z_][a-z0-9_]*` (R1), not `__`-prefixed, not `le`, `quantile`, `job` or `instance` (R6).
/// A forbidden name (R7) is not an error here: one value cannot be unbounded.
pub fn label_name(name: &str) -> Result<(), String> {
    match check_label_syntax(name).into_iter().next() {
        Some(v) => Err(v.to_string()),
        None => Ok(()),
    }
}

/// Checks bucket bounds the way the derive's R12 does: not empty, finite, increasing.
pub fn buckets(bounds: &[f64]) -> Result<(), String> {
    metrics_policy::check_buckets(bounds, None).map_err(|v| v.to_string())
}

#[cfg(test)]
mod tests {
    #[test]
    fn label_names_follow_r1_and_r6() {
        for ok in ["zone", "_private", "http_status2", "host"] {
            assert_eq!(super::label_name(ok), Ok(()), "{ok}");
        }
        for bad in [
            "", "Zone", "2xx", "a-b", "__name", "le", "quantile", "job", "instance",
        ] {
            assert!(super::label_name(bad).is_err(), "{bad}");
        }
        assert_eq!(
            super::label_name("le"),
            Err("R6: label `le` is reserved for histogram buckets and summary quantiles; rename it (for example `le_class`)".into())
        );
    }

    #[test]
    fn buckets_follow_r12() {
        assert_eq!(super::buckets(&[0.1, 1.0]), Ok(()));
        for bad in [
            &[][..],
            &[1.0, 1.0],
            &[2.0, 1.0],
            &[f64::NAN],
            &[f64::INFINITY],
        ] {
            assert!(super::buckets(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            super::buckets(&[2.0, 1.0]),
            Err("R12: buckets must increase: `1.0` follows `2.0`; sort the list".into())
        );
    }
}
