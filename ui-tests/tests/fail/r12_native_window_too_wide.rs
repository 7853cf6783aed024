//! R12: storage is static, so a range that needs more than 4096 buckets per label set at the
//! declared schema is refused with the fix (narrow the range or lower the schema).

use metrics_runtime::MetricFamily;

/// A test family.
#[derive(MetricFamily)]
#[metric(histogram, name = "app_wait_seconds", native(schema = 8, range = [1e-9, 1e6]))]
pub struct Family;

fn main() {}
