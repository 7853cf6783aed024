//! R14: a label waiver needs a reason; without one it waives nothing.

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
    #[label(allow = "")]
    pub host: Outcome,
}

fn main() {}
