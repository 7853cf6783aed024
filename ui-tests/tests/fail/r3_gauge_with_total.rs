//! R3: a gauge must not end in `_total`.

use metrics_runtime::MetricFamily;

/// A test family.
#[derive(MetricFamily)]
#[metric(gauge, name = "app_backends_active_total")]
pub struct Family;

fn main() {}
