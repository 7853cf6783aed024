//! A label enum without `Clone, Copy`: one error at the enum, saying to derive both (rustc's
//! own hint names `Copy` alone), and none at the families that use it.

use metrics_runtime::{LabelValue, MetricFamily};

/// How a request ended.
#[derive(LabelValue)]
pub enum Outcome {
    Ok,
    Error,
}

/// A test family.
#[derive(MetricFamily)]
#[metric(counter, name = "app_requests_total")]
pub struct Requests {
    pub outcome: Outcome,
}

fn main() {
    Requests { outcome: Outcome::Ok }.inc();
}
