//! R11 under a policy with `tenant_labels = ["org_id", "env_id"]` (`policy/trc`): no tenant
//! label on a counter.

use metrics_runtime::{LabelValue, MetricFamily};

/// How a request ended.
#[derive(LabelValue, Clone, Copy)]
pub enum Outcome {
    Ok,
    Error,
}

/// A test family.
#[derive(MetricFamily)]
#[metric(counter, name = "trc_requests_total")]
pub struct Family {
    pub org_id: Outcome,
}

fn main() {}
