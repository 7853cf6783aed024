//! R8: `&'static str` is not a bounded label type.

use metrics_runtime::MetricFamily;

/// A test family.
#[derive(MetricFamily)]
#[metric(counter, name = "app_requests_total")]
pub struct Family {
    pub outcome: &'static str,
}

fn main() {}
