//! R4: a duration must be measured in seconds and say so.

use metrics_runtime::MetricFamily;

/// A test family.
#[derive(MetricFamily)]
#[metric(histogram, name = "app_request_duration")]
pub struct Family;

fn main() {}
