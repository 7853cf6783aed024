//! R5: `_sum` is derived by the exposition for histograms.

use metrics_runtime::MetricFamily;

/// A test family.
#[derive(MetricFamily)]
#[metric(gauge, name = "app_payload_sum")]
pub struct Family;

fn main() {}
