//! R3: a counter must end in `_total`.

use metrics_runtime::MetricFamily;

/// A test family.
#[derive(MetricFamily)]
#[metric(counter, name = "app_requests")]
pub struct Family;

fn main() {}
