//! R7 by the crate's policy: `forbidden_labels = ["tenant"]` forbids a name the built-in list
//! allows.

use metrics_runtime::{LabelValue, MetricFamily};

/// A tenant tier.
#[derive(LabelValue, Clone, Copy)]
pub enum Tier {
    Free,
    Paid,
}

/// Requests, by tenant.
#[derive(MetricFamily)]
#[metric(counter, name = "app_requests_total")]
pub struct Requests {
    pub tenant: Tier,
}

fn main() {}
