//! R12: an empty bucket list.

use metrics_runtime::MetricFamily;

/// A test family.
#[derive(MetricFamily)]
#[metric(histogram, name = "app_wait_seconds", buckets = [])]
pub struct Family;

fn main() {}
