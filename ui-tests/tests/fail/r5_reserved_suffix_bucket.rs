//! R5: `_bucket` is derived by the exposition for histograms.

use metrics_runtime::MetricFamily;

/// A test family.
#[derive(MetricFamily)]
#[metric(histogram, name = "app_request_duration_seconds_bucket")]
pub struct Family;

fn main() {}
