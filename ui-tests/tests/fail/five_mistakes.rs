//! One family, five mistakes, five errors in one compile: no doc comment (R10), no `app_`
//! prefix (R2), a counter without `_total` (R3), a raw path label (R7), and a misspelled
//! attribute key (`compnent`), whose parse error does not hide the policy's errors.

use metrics_runtime::{LabelValue, MetricFamily};

/// How a request ended.
#[derive(LabelValue, Clone, Copy)]
pub enum Outcome {
    Ok,
    Error,
}

#[derive(MetricFamily)]
#[metric(counter, name = "requests", compnent = "api")]
pub struct Requests {
    pub path: Outcome,
}

fn main() {}
