//! Buckets from a named constant and from a const expression in the attribute: the helpers
//! are `const fn`s, the descriptor holds the computed bounds, and storage is sized by them.

#![deny(warnings)]

use metrics_runtime::{MetricFamily, buckets};

/// 5 ms to 2.56 s, doubling.
pub const LATENCY_BUCKETS: [f64; 10] = buckets::exponential(0.005, 2.0);

/// A slice constant works too.
pub const SIZE_BUCKETS: &[f64] = &[256.0, 4096.0, 65536.0];

/// Time to answer one query.
#[derive(MetricFamily)]
#[metric(histogram, name = "app_query_duration_seconds", unit = "seconds", buckets = LATENCY_BUCKETS)]
pub struct QueryDuration;

/// Time to answer one write: the same buckets.
#[derive(MetricFamily)]
#[metric(histogram, name = "app_write_duration_seconds", unit = "seconds", buckets = LATENCY_BUCKETS,
         native)]
pub struct WriteDuration;

/// Size of one reply.
#[derive(MetricFamily)]
#[metric(histogram, name = "app_reply_size_bytes", unit = "bytes", buckets = SIZE_BUCKETS)]
pub struct ReplySize;

/// Items per batch.
#[derive(MetricFamily)]
#[metric(histogram, name = "app_batch_items", buckets = buckets::linear::<5>(10.0, 10.0))]
pub struct BatchItems;

fn main() {
    QueryDuration.observe(0.02);
    WriteDuration.observe(3.0);
    ReplySize.observe(5000.0);
    BatchItems.observe(35.0);
    let d = <QueryDuration as MetricFamily>::DESCRIPTOR;
    assert_eq!(d.buckets, LATENCY_BUCKETS);
    assert_eq!(d.worst_case_series, 13);
    assert_eq!(<BatchItems as MetricFamily>::DESCRIPTOR.buckets, [10.0, 20.0, 30.0, 40.0, 50.0]);
    assert_eq!(QueryDuration.get().buckets[3], (0.04, 1));
    assert_eq!(ReplySize.get().buckets[2], (65536.0, 1));
    let text = metrics_runtime::encode_text();
    assert!(text.contains("app_batch_items_bucket{le=\"40\"} 1\n"), "{text}");
}
