//! R9: 11 x 11 x 11 = 1331 series exceed the default budget of 1000.

use metrics_runtime::{LabelValue, MetricFamily};

/// Eleven values.
#[derive(LabelValue, Clone, Copy)]
pub enum Region {
    R00,
    R01,
    R02,
    R03,
    R04,
    R05,
    R06,
    R07,
    R08,
    R09,
    R10,
}

/// Eleven values.
#[derive(LabelValue, Clone, Copy)]
pub enum Tier {
    T00,
    T01,
    T02,
    T03,
    T04,
    T05,
    T06,
    T07,
    T08,
    T09,
    T10,
}

/// Eleven values.
#[derive(LabelValue, Clone, Copy)]
pub enum Shard {
    S00,
    S01,
    S02,
    S03,
    S04,
    S05,
    S06,
    S07,
    S08,
    S09,
    S10,
}

/// A test family.
#[derive(MetricFamily)]
#[metric(counter, name = "app_requests_total")]
pub struct Family {
    pub region: Region,
    pub tier: Tier,
    pub shard: Shard,
}

fn main() {}
