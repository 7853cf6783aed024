//! `.set()` on a counter: one error saying the family is a counter and what each kind
//! records with (rustc alone would suggest implementing `prometheus::atomic64::Atomic`).

use metrics_runtime::MetricFamily;

/// Requests handled.
#[derive(MetricFamily)]
#[metric(counter, name = "app_requests_total")]
pub struct Requests;

fn main() {
    Requests.set(1.0);
}
