//! R5: `_created` is derived by the exposition for counters.

use metrics_runtime::MetricFamily;

/// A test family.
#[derive(MetricFamily)]
#[metric(gauge, name = "app_job_created")]
pub struct Family;

fn main() {}
