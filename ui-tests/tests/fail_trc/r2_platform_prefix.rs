//! R2 under the platform policy (`policy/trc/Cargo.toml`, prefix `trc_`): proves the second
//! trybuild run reads that policy, not this crate's `app_`.

use metrics_runtime::MetricFamily;

/// A test family.
#[derive(MetricFamily)]
#[metric(counter, name = "app_requests_total")]
pub struct Family;

fn main() {}
