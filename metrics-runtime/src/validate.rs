//! Run-time checks of what arrives at run time (global labels and bucket overrides from
//! config). The same rules as the derive's R1, R6 (`__` prefix, `le`, `quantile`, `job`,
//! `instance`) and R12.

/// Checks a label name: `[a-z_][a-z0-9_]*`, not `__`-prefixed, not `le`, `quantile`, `job`
/// or `instance`.
pub fn label_name(name: &str) -> Result<(), String> {
    let mut chars = name.chars();
    let ok_first = chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_');
    if !ok_first || !chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_') {
        return Err(format!(
            "label name `{name}` is not snake case `[a-z_][a-z0-9_]*`"
        ));
    }
    if name.starts_with("__") {
        return Err(format!(
            "label name `{name}` starts with `__`, which Prometheus reserves"
        ));
    }
    if name == "le" || name == "quantile" {
        return Err(format!(
            "label name `{name}` is reserved for histogram and summary samples"
        ));
    }
    if name == "job" || name == "instance" {
        return Err(format!(
            "label name `{name}` is set by Prometheus for every target; a sample label of that name is renamed `exported_{name}`"
        ));
    }
    Ok(())
}

/// Checks bucket bounds the way the derive's R12 does: not empty, finite, increasing.
pub fn buckets(bounds: &[f64]) -> Result<(), String> {
    if bounds.is_empty() {
        return Err(
            "an empty bucket list; give increasing upper bounds (`+Inf` is implied)".into(),
        );
    }
    for (i, b) in bounds.iter().enumerate() {
        if !b.is_finite() {
            return Err(format!("bound #{} is not finite; `+Inf` is implied", i + 1));
        }
        if i > 0 && *b <= bounds[i - 1] {
            return Err(format!(
                "bounds must increase: `{b}` follows `{}`",
                bounds[i - 1]
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn label_names_follow_r1_and_r6() {
        for ok in ["zone", "_private", "http_status2"] {
            assert_eq!(super::label_name(ok), Ok(()), "{ok}");
        }
        for bad in [
            "", "Zone", "2xx", "a-b", "__name", "le", "quantile", "job", "instance",
        ] {
            assert!(super::label_name(bad).is_err(), "{bad}");
        }
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
    }
}
