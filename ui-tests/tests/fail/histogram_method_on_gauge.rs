//! `.observe(v)` on a gauge: one error saying the family is a gauge.

use metrics_runtime::MetricFamily;

/// Jobs waiting.
#[derive(MetricFamily)]
#[metric(gauge, name = "app_queue_depth")]
pub struct QueueDepth;

fn main() {
    QueueDepth.observe(3.0);
}
