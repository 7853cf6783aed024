//! `#[derive(MetricFamily)]` on a tuple struct: a family has one named field per label, the
//! field's name being the label's name.

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
pub struct Requests(Outcome);

fn main() {}
