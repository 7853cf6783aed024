//! `summary` is not a kind: the message lists the kinds and says why summaries are left out
//! (their quantiles cannot be aggregated across instances). The family still expands as a
//! histogram, so its `observe` call adds no error.

use metrics_runtime::MetricFamily;

/// Time to handle one request.
#[derive(MetricFamily)]
#[metric(summary, name = "app_request_duration_seconds", unit = "seconds")]
pub struct RequestDuration;

fn main() {
    RequestDuration.observe(0.1);
}
