//! R12: a non-finite bound (1e999 is +Inf).

use metrics_runtime::MetricFamily;

/// A test family.
#[derive(MetricFamily)]
#[metric(histogram, name = "app_wait_seconds", buckets = [0.5, 1e999])]
pub struct Family;

fn main() {}
