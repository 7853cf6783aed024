//! Native histograms: alone, beside classic buckets, signed (a unit that can be negative);
//! the descriptor carries the settings and R9 counts `max_buckets` per label set.

use metrics_runtime::{Exemplar, LabelValue, MetricFamily};

/// Outcome.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    Error,
}

/// Latency, native only.
#[derive(MetricFamily)]
#[metric(histogram, name = "app_latency_seconds", native)]
pub struct Latency {
    pub outcome: Outcome,
}

/// Sizes, classic and native.
#[derive(MetricFamily)]
#[metric(histogram, name = "app_size_bytes", buckets = [1024.0, 65536.0],
         native(schema = 2, zero_threshold = 0.5, max_buckets = 40, range = [1.0, 1e9]))]
pub struct Size;

/// Drift, can be negative.
#[derive(MetricFamily)]
#[metric(histogram, name = "app_drift", native(schema = -1, range = [0.001, 1000.0]))]
pub struct Drift;

fn main() {
    let ex = Exemplar::trace_id("abc").expect("short");
    Latency { outcome: Outcome::Ok }.observe(0.01);
    Latency { outcome: Outcome::Ok }.observe_with_exemplar(0.02, &ex);
    Size.observe(4096.0);
    Drift.observe(-2.0);
    let d = <Latency as MetricFamily>::DESCRIPTOR;
    let n = d.native.expect("native");
    assert_eq!((n.schema, n.max_buckets, n.classic, n.signed), (3, 160, false, false));
    assert!(d.buckets.is_empty());
    assert_eq!(d.worst_case_series, 2 * (0 + 3 + 160));
    assert_eq!(<Size as MetricFamily>::DESCRIPTOR.worst_case_series, 2 + 3 + 40);
    assert!(<Drift as MetricFamily>::DESCRIPTOR.native.expect("native").signed);
    assert_eq!(Latency { outcome: Outcome::Ok }.count(), 2);
    assert_eq!(
        Latency { outcome: Outcome::Ok }
            .native_histogram()
            .map(|h| h.count()),
        Some(2)
    );
}
