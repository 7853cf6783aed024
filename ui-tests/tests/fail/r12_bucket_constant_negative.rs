//! R12 on buckets computed in the attribute: a linear list from -1 has a negative bound,
//! which a histogram of seconds never observes.

use metrics_runtime::MetricFamily;

/// Time to answer one query.
#[derive(MetricFamily)]
#[metric(histogram, name = "app_query_duration_seconds", unit = "seconds",
         buckets = metrics_runtime::buckets::linear::<4>(-1.0, 1.0))]
pub struct QueryDuration;

fn main() {}
