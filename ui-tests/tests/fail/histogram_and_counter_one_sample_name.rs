// A histogram `app_wait_seconds` writes the samples `app_wait_seconds_count`; a counter
// `app_wait_seconds_count_total` is the OpenMetrics family `app_wait_seconds_count`: one name
// twice in an exposition, so a build error rather than a family dropped from the registry.
use metrics_runtime::MetricFamily;

/// Time spent waiting.
#[derive(MetricFamily)]
#[metric(histogram, name = "app_wait_seconds", unit = "seconds", buckets = [0.1, 1.0])]
pub struct Wait;

/// Waits counted by hand.
#[derive(MetricFamily)]
#[metric(counter, name = "app_wait_seconds_count_total")]
pub struct WaitCount;

fn main() {}
