//! R11 under a policy with `tenant_labels = ["org_id", "env_id"]` (`policy/trc`): no tenant
//! label on a histogram.

use metrics_runtime::{LabelValue, MetricFamily};

/// How a request ended.
#[derive(LabelValue, Clone, Copy)]
pub enum Outcome {
    Ok,
    Error,
}

/// A test family.
#[derive(MetricFamily)]
#[metric(histogram, name = "trc_request_duration_seconds")]
pub struct Family {
    pub env_id: Outcome,
}

fn main() {}
