//! R15: a role fits one kind; `lag` is a gauge's role, not a counter's.

use metrics_runtime::MetricFamily;

/// Events the consumer has not applied yet.
#[derive(MetricFamily)]
#[metric(counter, name = "app_consumer_lag_events_total", role = "lag")]
pub struct ConsumerLag;

/// Time to apply one batch.
#[derive(MetricFamily)]
#[metric(histogram, name = "app_apply_duration_seconds", role = "spikes")]
pub struct ApplyDuration;

fn main() {}
