//! R3: a histogram must not end in `_total`.

use metrics_runtime::MetricFamily;

/// A test family.
#[derive(MetricFamily)]
#[metric(histogram, name = "app_request_seconds_total")]
pub struct Family;

fn main() {}
