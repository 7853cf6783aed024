//! R6: labels starting with `__` are reserved by Prometheus.

use metrics_runtime::{LabelValue, MetricFamily};

/// How a request ended.
#[derive(LabelValue, Clone, Copy)]
pub enum Outcome {
    Ok,
    Error,
}

/// A test family.
#[derive(MetricFamily)]
#[metric(counter, name = "app_requests_total")]
pub struct Family {
    pub __x: Outcome,
}

fn main() {}
