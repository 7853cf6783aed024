//! R8: an integer label (`u32`, a status code kept as a number) is unbounded. One error,
//! under the type, however many places the generated code reads the label type.

use metrics_runtime::MetricFamily;

/// A test family.
#[derive(MetricFamily)]
#[metric(histogram, name = "app_request_duration_seconds", unit = "seconds")]
pub struct RequestDuration {
    pub status: u32,
}

fn main() {}
