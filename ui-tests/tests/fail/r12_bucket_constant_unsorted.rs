//! R12 on buckets from a named constant: the macro cannot read it, so a const assertion of
//! the expansion checks it, with the message a literal list gets, under the expression.

use metrics_runtime::MetricFamily;

/// Shared latency buckets, with two bounds swapped.
pub const LATENCY_BUCKETS: [f64; 4] = [0.01, 0.1, 0.05, 1.0];

/// Time to answer one query.
#[derive(MetricFamily)]
#[metric(histogram, name = "app_query_duration_seconds", unit = "seconds", buckets = LATENCY_BUCKETS)]
pub struct QueryDuration;

fn main() {}
