//! R4: `_kb` is not a base unit.

use metrics_runtime::MetricFamily;

/// A test family.
#[derive(MetricFamily)]
#[metric(gauge, name = "app_cache_kb")]
pub struct Family;

fn main() {}
