//! R12: a native histogram's zero threshold is finite and not negative, its bucket limit at
//! least 1, its range positive and increasing; each error points at its item.

use metrics_runtime::MetricFamily;

/// A test family.
#[derive(MetricFamily)]
#[metric(
    histogram,
    name = "app_wait_seconds",
    native(zero_threshold = -1.0, max_buckets = 0, range = [1.0, 0.5])
)]
pub struct Family;

fn main() {}
