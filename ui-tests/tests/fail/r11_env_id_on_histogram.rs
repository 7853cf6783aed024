//! R11: no per-org labels on high-frequency metrics (histogram).

use metrics_runtime::{LabelValue, MetricFamily};

/// How a request ended.
#[derive(LabelValue, Clone, Copy)]
pub enum Outcome {
    Ok,
    Error,
}

/// A test family.
#[derive(MetricFamily)]
#[metric(histogram, name = "app_request_duration_seconds")]
pub struct Family {
    pub env_id: Outcome,
}

fn main() {}
