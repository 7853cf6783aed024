//! A histogram of seconds without `name`: the suggestion ends in the unit; the unit
//! attribute, which the user wrote, is still checked (here it is fine).

use metrics_runtime::MetricFamily;

/// Time to authorize one payment.
#[derive(MetricFamily)]
#[metric(histogram, unit = "seconds")]
pub struct AuthorizationLatency;

fn main() {}
