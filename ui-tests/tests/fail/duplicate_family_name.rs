// Two families of one metric name: the second is a build error at its declaration, so one can
// never silently disappear from the exposition.
use metrics_runtime::MetricFamily;

/// Requests.
#[derive(MetricFamily)]
#[metric(counter, name = "app_requests_total")]
pub struct Requests;

/// Requests, declared again elsewhere.
#[derive(MetricFamily)]
#[metric(counter, name = "app_requests_total")]
pub struct RequestsAgain;

fn main() {}
