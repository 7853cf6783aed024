//! R8: `Option<T>` is not a bounded label type, even around a label enum (a missing value
//! is one more value: give the enum a variant for it). One error, under the type.

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
pub struct Requests {
    pub outcome: Option<Outcome>,
}

fn main() {
    // Recording still type-checks: the unbounded type is the one error.
    Requests { outcome: None }.inc();
}
