//! R14: a recorded deviation needs its reason.

use metrics_runtime::MetricFamily;

/// A test family.
#[derive(MetricFamily)]
#[metric(counter, name = "app_requests_total", deviation = "")]
pub struct Family;

fn main() {}
