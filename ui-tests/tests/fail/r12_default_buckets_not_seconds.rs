//! R12: the default buckets are in seconds; a histogram of bytes needs its own.

use metrics_runtime::MetricFamily;

/// A test family.
#[derive(MetricFamily)]
#[metric(histogram, name = "app_payload_bytes")]
pub struct Family;

fn main() {}
