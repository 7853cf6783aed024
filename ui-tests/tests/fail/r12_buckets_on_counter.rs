//! R12: buckets only apply to histograms.

use metrics_runtime::MetricFamily;

/// A test family.
#[derive(MetricFamily)]
#[metric(counter, name = "app_requests_total", buckets = [0.1, 1.0])]
pub struct Family;

fn main() {}
