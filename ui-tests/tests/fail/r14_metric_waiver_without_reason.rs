//! R14: a naming waiver needs a reason; without one it waives nothing.

use metrics_runtime::MetricFamily;

/// A test family.
#[derive(MetricFamily)]
#[metric(gauge, name = "app_backends_active_total", allow = "")]
pub struct Family;

fn main() {}
