//! R12: a native histogram's schema is one Prometheus accepts, -4..=8.

use metrics_runtime::MetricFamily;

/// A test family.
#[derive(MetricFamily)]
#[metric(histogram, name = "app_wait_seconds", native(schema = 9))]
pub struct Family;

fn main() {}
