//! R1: a metric name must be snake case.

use metrics_runtime::MetricFamily;

/// A test family.
#[derive(MetricFamily)]
#[metric(counter, name = "app_HttpRequests_total")]
pub struct Family;

fn main() {}
