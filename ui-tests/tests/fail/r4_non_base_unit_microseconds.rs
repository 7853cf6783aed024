//! R4: `_microseconds` is not a base unit.

use metrics_runtime::MetricFamily;

/// A test family.
#[derive(MetricFamily)]
#[metric(gauge, name = "app_gc_pause_microseconds")]
pub struct Family;

fn main() {}
