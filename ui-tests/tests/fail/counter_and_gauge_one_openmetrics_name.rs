// A counter `app_jobs_total` and a gauge `app_jobs` would both be the OpenMetrics family
// `app_jobs` (a counter family is named without `_total` there): a build error.
use metrics_runtime::MetricFamily;

/// Jobs run.
#[derive(MetricFamily)]
#[metric(counter, name = "app_jobs_total")]
pub struct JobsRun;

/// Jobs running.
#[derive(MetricFamily)]
#[metric(gauge, name = "app_jobs")]
pub struct JobsRunning;

fn main() {}
