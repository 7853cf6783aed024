//! Histogram buckets (R12).

use crate::constmsg::ConstMessage;
use crate::kind::MetricKind;
use crate::rule::{Rule, Target, Violation};

/// Prometheus' default buckets, in seconds: what a histogram that declares none gets.
pub const DEFAULT_BUCKETS: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// The example a message gives.
const EXAMPLE: &str = "`buckets = [0.005, 0.01, 0.1, 1.0]`";

/// Every R12 violation of a bucket list, each at its bound ([`Target::Bound`]): the list is
/// not empty, every bound is finite (`+Inf` is implied), bounds strictly increase, and bounds
/// of a histogram of seconds or bytes are not negative. `unit` is the family's unit, if known.
pub fn bucket_violations(bounds: &[f64], unit: Option<&str>) -> Vec<Violation> {
    let mut out = Vec::new();
    if bounds.is_empty() {
        out.push(
            Violation::new(Rule::R12, Target::Buckets, "empty bucket list").with_fix(format!(
                "give the upper bounds in increasing order, for example {EXAMPLE} (`+Inf` is implied)"
            )),
        );
        return out;
    }
    let non_negative = unit.filter(|u| matches!(*u, "seconds" | "bytes"));
    let mut prev: Option<f64> = None;
    for (i, &v) in bounds.iter().enumerate() {
        let at = Target::Bound(i);
        if !v.is_finite() {
            out.push(
                Violation::new(Rule::R12, at, "a bucket bound must be finite")
                    .with_fix("`+Inf` is implied, drop it"),
            );
            continue;
        }
        if let Some(u) = non_negative
            && v < 0.0
        {
            out.push(
                Violation::new(
                    Rule::R12,
                    at,
                    format!("negative bucket bound `{v:?}` for a histogram of {u}"),
                )
                .with_fix(format!("{u} are never negative")),
            );
        }
        if let Some(p) = prev {
            if v == p {
                out.push(
                    Violation::new(
                        Rule::R12,
                        at,
                        format!("bucket bound `{v:?}` is given twice"),
                    )
                    .with_fix("remove the duplicate"),
                );
            } else if v < p {
                out.push(
                    Violation::new(
                        Rule::R12,
                        at,
                        format!("buckets must increase: `{v:?}` follows `{p:?}`"),
                    )
                    .with_fix("sort the list"),
                );
            }
        }
        prev = Some(v);
    }
    out
}

/// R12 on a bucket list: the first violation, if any (see [`bucket_violations`]).
pub fn check_buckets(bounds: &[f64], unit: Option<&str>) -> Result<(), Violation> {
    match bucket_violations(bounds, unit).into_iter().next() {
        Some(v) => Err(v),
        None => Ok(()),
    }
}

/// R12: buckets are declared on histograms only.
pub fn check_buckets_allowed(kind: MetricKind) -> Result<(), Violation> {
    if kind == MetricKind::Histogram {
        return Ok(());
    }
    Err(Violation::new(
        Rule::R12,
        Target::Buckets,
        "`buckets` only apply to histograms",
    )
    .with_fix(format!("remove them from this {kind}")))
}

/// R12: a histogram without `buckets` gets [`DEFAULT_BUCKETS`], which are in seconds, so one
/// of another unit must declare its own.
pub fn check_default_buckets(unit: Option<&str>) -> Result<(), Violation> {
    match unit {
        Some(u) if u != "seconds" => Err(Violation::new(
            Rule::R12,
            Target::Name,
            "the default buckets are in seconds",
        )
        .with_fix(format!("a histogram of {u} needs `buckets = [...]`"))),
        _ => Ok(()),
    }
}

/// R12 on buckets the derive cannot read (`buckets = LATENCY_BUCKETS`, a named constant or
/// a const expression such as `exponential::<8>(0.005, 2.0)`): the first violation of
/// [`bucket_violations`] as a message naming `written` (the expression as written), or the
/// empty message. The derive checks it in a const assertion spanned on the expression.
///
/// ```
/// const BAD: [f64; 3] = [0.1, 0.05, 1.0];
/// let m = metrics_policy::bucket_constant_message("BAD", &BAD, Some("seconds"));
/// assert_eq!(m.as_str(), "R12: buckets must increase: `0.05` follows `0.1` in `BAD`; sort the list");
/// assert!(metrics_policy::bucket_constant_message("OK", &[0.1, 1.0], None).is_empty());
/// ```
pub const fn bucket_constant_message(
    written: &str,
    bounds: &[f64],
    unit: Option<&str>,
) -> ConstMessage {
    let m = ConstMessage::new();
    if bounds.is_empty() {
        return m
            .str("R12: `")
            .str(written)
            .str("` is an empty bucket list; give the upper bounds in increasing order, for example ")
            .str(EXAMPLE)
            .str(" (`+Inf` is implied)");
    }
    let non_negative = match unit {
        Some(u) => {
            let u = u.as_bytes();
            matches!(u, b"seconds" | b"bytes")
        }
        None => false,
    };
    let mut prev: Option<f64> = None;
    let mut i = 0;
    while i < bounds.len() {
        let v = bounds[i];
        i += 1;
        if !v.is_finite() {
            return m
                .str("R12: bucket bound `")
                .f64(v)
                .str("` in `")
                .str(written)
                .str("` must be finite; `+Inf` is implied, drop it");
        }
        if non_negative && v < 0.0 {
            let unit = match unit {
                Some(u) => u,
                None => "",
            };
            return m
                .str("R12: negative bucket bound `")
                .f64(v)
                .str("` in `")
                .str(written)
                .str("` for a histogram of ")
                .str(unit)
                .str("; ")
                .str(unit)
                .str(" are never negative");
        }
        if let Some(p) = prev {
            if v == p {
                return m
                    .str("R12: bucket bound `")
                    .f64(v)
                    .str("` is given twice in `")
                    .str(written)
                    .str("`; remove the duplicate");
            }
            if v < p {
                return m
                    .str("R12: buckets must increase: `")
                    .f64(v)
                    .str("` follows `")
                    .f64(p)
                    .str("` in `")
                    .str(written)
                    .str("`; sort the list");
            }
        }
        prev = Some(v);
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(bounds: &[f64], unit: Option<&str>) -> Vec<(Target, String)> {
        bucket_violations(bounds, unit)
            .into_iter()
            .map(|v| (v.target, v.to_string()))
            .collect()
    }

    #[test]
    fn the_default_buckets_pass() {
        assert_eq!(check_buckets(DEFAULT_BUCKETS, Some("seconds")), Ok(()));
        assert_eq!(check_default_buckets(Some("seconds")), Ok(()));
        assert_eq!(check_default_buckets(None), Ok(()));
        assert!(check_default_buckets(Some("bytes")).is_err());
    }

    #[test]
    fn each_violation_points_at_its_bound() {
        assert_eq!(found(&[], None)[0].0, Target::Buckets);
        assert_eq!(
            found(&[1.0, 0.5], None),
            [(
                Target::Bound(1),
                "R12: buckets must increase: `0.5` follows `1.0`; sort the list".into()
            )]
        );
        assert_eq!(
            found(&[0.1, 0.1], None),
            [(
                Target::Bound(1),
                "R12: bucket bound `0.1` is given twice; remove the duplicate".into()
            )]
        );
        assert_eq!(
            found(&[-1.0, 1.0], Some("seconds")),
            [(Target::Bound(0), "R12: negative bucket bound `-1.0` for a histogram of seconds; seconds are never negative".into())]
        );
        assert!(found(&[-1.0, 1.0], Some("celsius")).is_empty());
        assert_eq!(
            found(&[1.0, f64::INFINITY, f64::NAN], None),
            [
                (
                    Target::Bound(1),
                    "R12: a bucket bound must be finite; `+Inf` is implied, drop it".into()
                ),
                (
                    Target::Bound(2),
                    "R12: a bucket bound must be finite; `+Inf` is implied, drop it".into()
                ),
            ]
        );
        // A non-finite bound is skipped, so the next is compared with the last finite one.
        assert_eq!(found(&[1.0, f64::NAN, 0.5], None).len(), 2);
    }

    #[test]
    fn the_const_check_agrees_with_the_literal_one() {
        for (bounds, unit) in [
            (&[][..], None),
            (&[1.0, 0.5][..], None),
            (&[0.1, 0.1][..], None),
            (&[-1.0, 1.0][..], Some("seconds")),
            (&[-1.0, 1.0][..], Some("celsius")),
            (&[1.0, f64::INFINITY][..], None),
            (&[0.005, 0.01, 0.1][..], Some("bytes")),
        ] {
            let m = bucket_constant_message("B", bounds, unit);
            let first = bucket_violations(bounds, unit).into_iter().next();
            assert_eq!(m.is_empty(), first.is_none(), "{bounds:?}: {}", m.as_str());
            if let Some(v) = first {
                let fix = v.fix.clone().unwrap_or_default();
                assert!(m.as_str().ends_with(&fix), "{} / {v}", m.as_str());
            }
        }
    }

    #[test]
    fn only_histograms_take_buckets() {
        assert_eq!(check_buckets_allowed(MetricKind::Histogram), Ok(()));
        let e = check_buckets_allowed(MetricKind::Counter).map_err(|v| v.to_string());
        assert_eq!(
            e,
            Err("R12: `buckets` only apply to histograms; remove them from this counter".into())
        );
    }
}
