//! Attribute syntax mistakes (a value of the wrong type, `name = requests` without quotes;
//! a key without a value) are reported with the policy's errors of the same declaration,
//! in one compile: here R2 and R3 of the counter below, and R7 of its `path` label.

use metrics_runtime::{LabelValue, MetricFamily};

/// How a request ended.
#[derive(LabelValue, Clone, Copy)]
pub enum Outcome {
    Ok,
    Error,
}

/// Requests handled.
#[derive(MetricFamily)]
#[metric(counter, name = "requests", unit = seconds, max_series)]
pub struct Requests {
    pub path: Outcome,
}

fn main() {}
