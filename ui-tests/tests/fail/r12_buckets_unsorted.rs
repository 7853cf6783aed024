//! R12: buckets must increase.

use metrics_runtime::MetricFamily;

/// A test family.
#[derive(MetricFamily)]
#[metric(histogram, name = "app_wait_seconds", buckets = [0.1, 0.05, 1.0])]
pub struct Family;

fn main() {}
