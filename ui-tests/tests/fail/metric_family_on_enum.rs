//! `#[derive(MetricFamily)]` on an enum: the values of a label derive `LabelValue`.

use metrics_runtime::MetricFamily;

/// How a request ended.
#[derive(MetricFamily)]
#[metric(counter, name = "app_requests_total")]
pub enum Outcome {
    Ok,
    Error,
}

fn main() {}
