//! R12: `native` applies to histograms only.

use metrics_runtime::MetricFamily;

/// A test family.
#[derive(MetricFamily)]
#[metric(counter, name = "app_requests_total", native)]
pub struct Family;

fn main() {}
