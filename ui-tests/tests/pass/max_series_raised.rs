//! `max_series` raises a family's budget above the default of 1000: 11 x 11 x 11 = 1331
//! series compile when the family declares `max_series = 1500`.

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

/// Requests, by region, tier and shard: 1331 series, within its declared budget.
#[derive(MetricFamily)]
#[metric(counter, name = "app_requests_total", max_series = 1500)]
pub struct Requests {
    pub region: Region,
    pub tier: Tier,
    pub shard: Shard,
}

fn main() {
    let (region, tier, shard) = (Region::R10, Tier::T00, Shard::S05);
    let series = Requests {
        region,
        tier,
        shard,
    };
    series.inc();
    assert_eq!(series.get(), 1);
    let d = <Requests as MetricFamily>::DESCRIPTOR;
    assert_eq!(d.worst_case_series, 1331);
    assert_eq!(d.max_series, 1500);
}
