//! R2: a family name must start with the crate's prefix (`app_` in this crate).

use metrics_runtime::MetricFamily;

/// A test family.
#[derive(MetricFamily)]
#[metric(counter, name = "http_requests_total")]
pub struct Family;

fn main() {}
