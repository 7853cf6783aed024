//! R9 by the crate's policy: `max_series = 20` is the default budget, and 5 x 5 = 25 series
//! exceed it (the built-in default of 1000 would admit them).

use metrics_runtime::{LabelValue, MetricFamily};

/// Five values.
#[derive(LabelValue, Clone, Copy)]
pub enum Region {
    A,
    B,
    C,
    D,
    E,
}

/// Five values.
#[derive(LabelValue, Clone, Copy)]
pub enum Tier {
    A,
    B,
    C,
    D,
    E,
}

/// Requests, by region and tier.
#[derive(MetricFamily)]
#[metric(counter, name = "app_requests_total")]
pub struct Requests {
    pub region: Region,
    pub tier: Tier,
}

fn main() {}
