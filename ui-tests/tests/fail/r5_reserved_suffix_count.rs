//! R5: `_count` is derived by the exposition for histograms.

use metrics_runtime::MetricFamily;

/// A test family.
#[derive(MetricFamily)]
#[metric(gauge, name = "app_queue_count")]
pub struct Family;

fn main() {}
