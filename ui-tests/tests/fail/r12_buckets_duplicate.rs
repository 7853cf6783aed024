//! R12: a bucket bound given twice.

use metrics_runtime::MetricFamily;

/// A test family.
#[derive(MetricFamily)]
#[metric(histogram, name = "app_wait_seconds", buckets = [0.1, 0.1, 1.0])]
pub struct Family;

fn main() {}
