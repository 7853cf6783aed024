//! R4: `_milliseconds` is not a base unit.

use metrics_runtime::MetricFamily;

/// A test family.
#[derive(MetricFamily)]
#[metric(histogram, name = "app_rpc_milliseconds")]
pub struct Family;

fn main() {}
