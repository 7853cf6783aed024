//! R4: `unit = "bytes"` needs a name ending in `_bytes`.

use metrics_runtime::MetricFamily;

/// A test family.
#[derive(MetricFamily)]
#[metric(gauge, name = "app_disk_free", unit = "bytes")]
pub struct Family;

fn main() {}
