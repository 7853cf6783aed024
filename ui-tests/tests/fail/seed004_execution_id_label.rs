//! Seed 004 (duroxide) as written: `duroxide_orchestration_continue_as_new_total` labelled by
//! `execution_id`, the execution number. R7 forbids the name (a per-execution id is churny
//! and unbounded) and R8 rejects `u64` as a label type.

use metrics_runtime::MetricFamily;

metrics_runtime::capped_label! {
    /// An orchestration's registered name.
    pub struct OrchestrationName(cap = 24);
}

/// Continue-as-new operations performed.
#[derive(MetricFamily)]
#[metric(counter, name = "app_orchestration_continue_as_new_total")]
pub struct ContinueAsNew {
    pub orchestration_name: OrchestrationName,
    pub execution_id: u64,
}

fn main() {}
