//! One family, five mistakes, five errors in one compile: no doc comment (R10), no `app_`
//! prefix (R2), a counter without `_total` (R3), a raw path label (R7), a per-org label on a
//! counter (R11).

use metrics_runtime::{LabelValue, MetricFamily};

/// How a request ended.
#[derive(LabelValue, Clone, Copy)]
pub enum Outcome {
    Ok,
    Error,
}

#[derive(MetricFamily)]
#[metric(counter, name = "requests")]
pub struct Requests {
    pub path: Outcome,
    pub org_id: Outcome,
}

fn main() {}
