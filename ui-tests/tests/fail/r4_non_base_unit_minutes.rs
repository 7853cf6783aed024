//! R4: `_minutes` is not a base unit.

use metrics_runtime::MetricFamily;

/// A test family.
#[derive(MetricFamily)]
#[metric(gauge, name = "app_uptime_minutes")]
pub struct Family;

fn main() {}
