//! Under the strict policy a family raises its own budget with `max_series`, and a waiver
//! with its reason admits a name the crate forbids.

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

/// The two tenant tiers.
#[derive(LabelValue, Clone, Copy)]
pub enum Tier {
    Free,
    Paid,
}

/// Requests, by region and zone: 25 series, over the crate's budget of 20 but within its own.
#[derive(MetricFamily)]
#[metric(counter, name = "app_requests_total", max_series = 25)]
pub struct Requests {
    pub region: Region,
    pub zone: Region,
}

/// Requests, by tenant tier.
#[derive(MetricFamily)]
#[metric(counter, name = "app_tier_requests_total")]
pub struct TierRequests {
    #[label(allow = "the tier, two values, not a tenant id")]
    pub tenant: Tier,
}

fn main() {
    Requests { region: Region::A, zone: Region::E }.inc();
    TierRequests { tenant: Tier::Paid }.inc();
    assert_eq!(<Requests as MetricFamily>::DESCRIPTOR.max_series, 25);
    assert_eq!(<TierRequests as MetricFamily>::DESCRIPTOR.max_series, 20);
}
