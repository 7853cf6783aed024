//! R4: a counter's unit goes before `_total`.

use metrics_runtime::MetricFamily;

/// A test family.
#[derive(MetricFamily)]
#[metric(counter, name = "app_backup_written_total", unit = "bytes")]
pub struct Family;

fn main() {}
