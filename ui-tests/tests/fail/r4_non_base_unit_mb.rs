//! R4: `_mb` is not a base unit.

use metrics_runtime::MetricFamily;

/// A test family.
#[derive(MetricFamily)]
#[metric(gauge, name = "app_heap_mb")]
pub struct Family;

fn main() {}
