//! R1: a unit must be snake case.

use metrics_runtime::MetricFamily;

/// A test family.
#[derive(MetricFamily)]
#[metric(histogram, name = "app_wait_seconds", unit = "Seconds")]
pub struct Family;

fn main() {}
