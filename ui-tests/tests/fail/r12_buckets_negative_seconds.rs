//! R12: a negative bound for seconds.

use metrics_runtime::MetricFamily;

/// A test family.
#[derive(MetricFamily)]
#[metric(histogram, name = "app_wait_seconds", buckets = [-1.0, 0.5, 1.0])]
pub struct Family;

fn main() {}
