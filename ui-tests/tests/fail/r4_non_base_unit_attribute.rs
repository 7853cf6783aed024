//! R4: `unit = "ms"` is not a base unit.

use metrics_runtime::MetricFamily;

/// A test family.
#[derive(MetricFamily)]
#[metric(histogram, name = "app_wait_seconds", unit = "ms")]
pub struct Family;

fn main() {}
