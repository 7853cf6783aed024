//! R4: `_percent` is not a base unit; a ratio is.

use metrics_runtime::MetricFamily;

/// A test family.
#[derive(MetricFamily)]
#[metric(gauge, name = "app_cpu_percent")]
pub struct Family;

fn main() {}
