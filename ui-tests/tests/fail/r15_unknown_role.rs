//! R15: an unknown role; the message lists every role with the kind it applies to.

use metrics_runtime::MetricFamily;

/// Events the consumer has not applied yet.
#[derive(MetricFamily)]
#[metric(gauge, name = "app_consumer_lag_events", role = "backlog")]
pub struct ConsumerLag;

fn main() {}
