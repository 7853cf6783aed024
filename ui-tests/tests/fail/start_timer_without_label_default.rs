//! `start_timer()` needs the labels a timer dropped before `finish` records under: every
//! label type's `#[label(default)]`. `Outcome` has none, so it is `start_timer_with(labels)`.

use metrics_runtime::{LabelValue, MetricFamily};

/// How a job ended.
#[derive(LabelValue, Clone, Copy)]
pub enum Outcome {
    Ok,
    Failed,
}

/// Time to run one job.
#[derive(MetricFamily)]
#[metric(histogram, name = "app_job_duration_seconds", unit = "seconds")]
pub struct JobDuration {
    pub outcome: Outcome,
}

fn main() {
    let timer = JobDuration::start_timer();
    timer.finish(JobDuration {
        outcome: Outcome::Ok,
    });
}
