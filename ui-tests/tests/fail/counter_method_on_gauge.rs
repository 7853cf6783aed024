//! `.inc_by(n)` on a gauge: one error saying the family is a gauge (which has `add`).

use metrics_runtime::MetricFamily;

/// Requests being handled.
#[derive(MetricFamily)]
#[metric(gauge, name = "app_requests_in_flight")]
pub struct InFlight;

fn main() {
    InFlight.inc_by(2);
}
