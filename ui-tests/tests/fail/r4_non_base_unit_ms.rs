//! R4: `_ms` is not a base unit.

use metrics_runtime::MetricFamily;

/// A test family.
#[derive(MetricFamily)]
#[metric(gauge, name = "app_gc_pause_ms")]
pub struct Family;

fn main() {}
