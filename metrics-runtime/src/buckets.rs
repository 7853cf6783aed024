//! Bucket lists computed at compile time, for a histogram's `buckets = ...`.
//!
//! Both helpers are `const fn`s, so a list can be a shared `const` that several families
//! name, or be written in the attribute itself:
//!
//! ```
//! use metrics_runtime::{MetricFamily, buckets};
//!
//! /// 5 ms to ~2.6 s, doubling.
//! pub const LATENCY_BUCKETS: [f64; 10] = buckets::exponential(0.005, 2.0);
//!
//! /// Time to answer one query.
//! #[derive(MetricFamily)]
//! #[metric(histogram, name = "doc_query_duration_seconds", unit = "seconds", buckets = LATENCY_BUCKETS)]
//! pub struct QueryDuration;
//!
//! /// Size of one reply.
//! #[derive(MetricFamily)]
//! #[metric(histogram, name = "doc_reply_size_bytes", unit = "bytes",
//!          buckets = metrics_runtime::buckets::exponential::<6>(256.0, 4.0))]
//! pub struct ReplySize;
//!
//! QueryDuration.observe(0.02);
//! assert_eq!(<QueryDuration as MetricFamily>::DESCRIPTOR.buckets.len(), 10);
//! assert_eq!(<ReplySize as MetricFamily>::DESCRIPTOR.buckets[5], 262144.0);
//! ```
//!
//! The derive cannot read a constant's values, so it checks R12 on them in a const assertion
//! of its output: the list is not empty, every bound is finite, bounds strictly increase, and
//! a histogram of seconds or bytes has no negative bound. A violation is a compile error at
//! the `buckets = ...` expression, worded as for a literal list.

/// `N` bounds: `start`, then each `factor` times the previous one (Prometheus'
/// `ExponentialBuckets`).
///
/// # Panics
///
/// When `N` is 0, `start` is not positive or `factor` is not above 1: in a `const`, that is a
/// compile error.
pub const fn exponential<const N: usize>(start: f64, factor: f64) -> [f64; N] {
    assert!(N > 0, "exponential buckets: N must be at least 1");
    assert!(
        start > 0.0 && start.is_finite(),
        "exponential buckets: `start` must be positive and finite"
    );
    assert!(
        factor > 1.0 && factor.is_finite(),
        "exponential buckets: `factor` must be above 1 and finite"
    );
    let mut out = [0.0; N];
    let mut v = start;
    let mut i = 0;
    while i < N {
        out[i] = v;
        v *= factor;
        i += 1;
    }
    out
}

/// `N` bounds: `start`, then each `width` above the previous one (Prometheus'
/// `LinearBuckets`). Each bound is computed from `start` (`start + i * width`), so errors do
/// not add up.
///
/// # Panics
///
/// When `N` is 0, `width` is not positive or a bound is not finite: in a `const`, that is a
/// compile error.
pub const fn linear<const N: usize>(start: f64, width: f64) -> [f64; N] {
    assert!(N > 0, "linear buckets: N must be at least 1");
    assert!(
        width > 0.0 && width.is_finite() && start.is_finite(),
        "linear buckets: `width` must be positive, `start` and `width` finite"
    );
    let mut out = [0.0; N];
    let mut i = 0;
    while i < N {
        out[i] = start + i as f64 * width;
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn as_prometheus_computes_them() {
        const E: [f64; 4] = exponential(1.0, 2.0);
        assert_eq!(E, [1.0, 2.0, 4.0, 8.0]);
        const L: [f64; 3] = linear(0.5, 0.25);
        assert_eq!(L, [0.5, 0.75, 1.0]);
        assert!(metrics_policy::bucket_constant_message("E", &E, Some("seconds")).is_empty());
        assert!(
            metrics_policy::bucket_constant_message("L", &linear::<3>(-1.0, 1.0), Some("bytes"))
                .as_str()
                .contains("negative bucket bound `-1.0`")
        );
    }
}
