//! R8: `String` is not a bounded label type.

use metrics_runtime::MetricFamily;

/// A test family.
#[derive(MetricFamily)]
#[metric(counter, name = "app_requests_total")]
pub struct Family {
    pub outcome: String,
}

fn main() {}
