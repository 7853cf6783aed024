//! R10: the doc comment is the HELP text; a family needs one.

use metrics_runtime::MetricFamily;

#[derive(MetricFamily)]
#[metric(counter, name = "app_requests_total")]
pub struct Family;

fn main() {}
