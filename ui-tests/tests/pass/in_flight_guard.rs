//! `track()` on a gauge: one more now, one less when the guard is dropped, on every path.

#![deny(warnings)]

use metrics_runtime::{LabelValue, MetricFamily};

/// Which queue.
#[derive(LabelValue, Clone, Copy)]
pub enum Queue {
    Fast,
    Slow,
}

/// Jobs being worked on, by queue.
#[derive(MetricFamily)]
#[metric(gauge, name = "app_jobs_in_flight", role = "in_flight")]
pub struct InFlight {
    pub queue: Queue,
}

fn work(fail: bool) -> Result<(), &'static str> {
    let _g = InFlight { queue: Queue::Fast }.track();
    assert_eq!(InFlight { queue: Queue::Fast }.get(), 1.0);
    if fail {
        return Err("failed");
    }
    Ok(())
}

fn main() {
    assert_eq!(work(false), Ok(()));
    assert_eq!(work(true), Err("failed"));
    assert_eq!(InFlight { queue: Queue::Fast }.get(), 0.0);
    let outer = InFlight { queue: Queue::Slow }.track();
    let inner = InFlight { queue: Queue::Slow }.track();
    assert_eq!(InFlight { queue: Queue::Slow }.get(), 2.0);
    drop(inner);
    drop(outer);
    assert_eq!(InFlight { queue: Queue::Slow }.get(), 0.0);
}
