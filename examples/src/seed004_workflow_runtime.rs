//! Seed 004: duroxide's telemetry spec: orchestration, activity, provider and worker
//! families with bounded `outcome`, `error_type` and `retry_attempt` labels and the seed's
//! buckets per family; orchestration and activity names as capped labels; a simulated
//! runtime ([`Engine`]) that records into them, and the seed's load scenarios (section 6).
//!
//! Rewrites (docs/seeds.md has the table): `execution_id` is forbidden (R7) and dropped;
//! `worker_id` is a capped label on the processed-items counter only; `final_turn_count`
//! is an enum of ranges (R8); `error_code` is dropped (R8: a user-defined string);
//! `version` stays on the starts counter only, capped (R9); `duroxide_worker_processing_rate`
//! (a gauge of a rate) is the counter `duroxide_worker_items_processed_total`; the history
//! size is in events (`unit = "events"`, R4); `duroxide_worker_count` is `duroxide_workers`
//! (R5); `duroxide_worker_active_time_seconds` is the activity histogram's `_sum`.

use std::collections::BTreeMap;

use metrics_runtime::{LabelValue, MetricFamily, Registry};

use metrics_runtime::Component;

// ---- label types ---------------------------------------------------------------------------

metrics_runtime::capped_label! {
    /// An orchestration's fully qualified name (`toygres::CreateInstance`): registered in
    /// code, 24 of them with series of their own; any more share the overflow value.
    pub struct OrchestrationName(cap = 24);
}

metrics_runtime::capped_label! {
    /// An activity's fully qualified name (`toygres::DeployPostgres`): registered in code,
    /// 32 of them with series of their own; any more share the overflow value.
    pub struct ActivityName(cap = 32);
}

metrics_runtime::capped_label! {
    /// An orchestration version (`1.0.0`): the few live during a rollout; 4 with series of
    /// their own, any more share the overflow value.
    pub struct OrchestrationVersion(cap = 4);
}

metrics_runtime::capped_label! {
    /// A worker slot of this runtime (`activity-0`), from its configured concurrency, not a
    /// per-start id: 16 with series of their own, any more share the overflow value.
    pub struct WorkerId(cap = 16);
}

/// How an orchestration was started.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum InitiatedBy {
    Client,
    Suborchestration,
    #[label(rename = "continueAsNew")]
    ContinueAsNew,
    Signal,
}

/// How an orchestration ended.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompletionStatus {
    Success,
    Failed,
    Cancelled,
}

/// How many turns an orchestration took, as a range (the seed's "50+" overlapped "11-50").
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum TurnCount {
    #[label(rename = "1-5")]
    UpTo5,
    #[label(rename = "6-10")]
    UpTo10,
    #[label(rename = "11-50")]
    UpTo50,
    #[label(rename = "51+")]
    Over50,
}

impl TurnCount {
    /// The range of a turn count.
    pub fn of(turns: u64) -> Self {
        match turns {
            0..=5 => TurnCount::UpTo5,
            6..=10 => TurnCount::UpTo10,
            11..=50 => TurnCount::UpTo50,
            _ => TurnCount::Over50,
        }
    }
}

/// Why an orchestration failed.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum OrchestrationErrorType {
    AppError,
    InfrastructureError,
    ConfigError,
    Timeout,
    Nondeterminism,
}

/// The high-level category of a failure.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorCategory {
    Database,
    Network,
    Logic,
    Validation,
    /// Anything else.
    Other,
}

/// How one activity attempt ended.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Success,
    AppError,
    InfraError,
    Timeout,
    /// Failed and will be retried.
    Retry,
}

/// Which attempt this was: the first (`0`), a retry, or a third retry or later (`3+`).
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum RetryAttempt {
    #[label(rename = "0")]
    First,
    #[label(rename = "1")]
    Second,
    #[label(rename = "2")]
    Third,
    #[label(rename = "3+")]
    Later,
}

impl RetryAttempt {
    /// The bounded value of a 0-based attempt number.
    pub fn of(attempt: u32) -> Self {
        match attempt {
            0 => RetryAttempt::First,
            1 => RetryAttempt::Second,
            2 => RetryAttempt::Third,
            _ => RetryAttempt::Later,
        }
    }
}

/// Why an activity attempt failed.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActivityErrorType {
    AppError,
    InfrastructureError,
    ConfigError,
    Timeout,
}

/// Whether the error is retried.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Retryable {
    #[label(rename = "true")]
    Yes,
    #[label(rename = "false")]
    No,
}

/// A provider (storage) operation.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProviderOperation {
    Fetch,
    Ack,
    SaveEvent,
    CreateInstance,
    Query,
}

/// How a provider operation ended.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProviderStatus {
    Success,
    Error,
}

/// Why a provider operation failed.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProviderErrorType {
    Timeout,
    Connection,
    Deadlock,
    Corruption,
    ConstraintViolation,
}

/// Which dispatcher a worker serves.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum WorkerType {
    Orchestration,
    Activity,
}

/// A live instance's state.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum InstanceState {
    Running,
    Waiting,
    Suspended,
}

/// How a sub-orchestration call ended.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum SubOutcome {
    Success,
    Failed,
}

// ---- 1.1 orchestration lifecycle -----------------------------------------------------------

/// Orchestrations started.
#[derive(MetricFamily)]
#[metric(
    counter,
    name = "duroxide_orchestration_starts_total",
    component = "duroxide-orchestration"
)]
pub struct OrchestrationStarts {
    pub orchestration_name: OrchestrationName,
    pub version: OrchestrationVersion,
    pub initiated_by: InitiatedBy,
}

/// Orchestrations that completed (successfully or not), with their turn count range.
#[derive(MetricFamily)]
#[metric(
    counter,
    name = "duroxide_orchestration_completions_total",
    component = "duroxide-orchestration"
)]
pub struct OrchestrationCompletions {
    pub orchestration_name: OrchestrationName,
    pub status: CompletionStatus,
    pub final_turn_count: TurnCount,
}

/// End-to-end orchestration execution time.
#[derive(MetricFamily)]
#[metric(histogram, name = "duroxide_orchestration_duration_seconds", unit = "seconds",
         component = "duroxide-orchestration", max_series = 1200,
         buckets = [0.1, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 300.0, 600.0, 1800.0, 3600.0])]
pub struct OrchestrationDuration {
    pub orchestration_name: OrchestrationName,
    pub status: CompletionStatus,
}

/// Orchestration failures, by error type and category.
#[derive(MetricFamily)]
#[metric(
    counter,
    name = "duroxide_orchestration_failures_total",
    component = "duroxide-orchestration"
)]
pub struct OrchestrationFailures {
    pub orchestration_name: OrchestrationName,
    pub error_type: OrchestrationErrorType,
    pub error_category: ErrorCategory,
}

// ---- 1.2 activities ------------------------------------------------------------------------

/// Activity execution attempts, by outcome and attempt.
#[derive(MetricFamily)]
#[metric(
    counter,
    name = "duroxide_activity_executions_total",
    component = "duroxide-activity"
)]
pub struct ActivityExecutions {
    pub activity_name: ActivityName,
    pub outcome: Outcome,
    pub retry_attempt: RetryAttempt,
}

/// Activity execution time (wall clock), by outcome.
#[derive(MetricFamily)]
#[metric(histogram, name = "duroxide_activity_duration_seconds", unit = "seconds",
         component = "duroxide-activity", max_series = 2500,
         buckets = [0.01, 0.05, 0.1, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0])]
pub struct ActivityDuration {
    pub activity_name: ActivityName,
    pub outcome: Outcome,
}

/// Activity errors, by type and whether they are retried.
#[derive(MetricFamily)]
#[metric(
    counter,
    name = "duroxide_activity_errors_total",
    component = "duroxide-activity"
)]
pub struct ActivityErrors {
    pub activity_name: ActivityName,
    pub error_type: ActivityErrorType,
    pub retryable: Retryable,
}

// ---- 1.3 provider --------------------------------------------------------------------------

/// Provider (database) operation latency.
#[derive(MetricFamily)]
#[metric(histogram, name = "duroxide_provider_operation_duration_seconds", unit = "seconds",
         component = "duroxide-provider",
         buckets = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 2.0, 5.0])]
pub struct ProviderOperationDuration {
    pub operation: ProviderOperation,
    pub status: ProviderStatus,
}

/// Provider (storage layer) errors.
#[derive(MetricFamily)]
#[metric(
    counter,
    name = "duroxide_provider_errors_total",
    component = "duroxide-provider"
)]
pub struct ProviderErrors {
    pub operation: ProviderOperation,
    pub error_type: ProviderErrorType,
}

// ---- 1.4 workers ---------------------------------------------------------------------------

/// Work items pending, by queue.
#[derive(MetricFamily)]
#[metric(
    gauge,
    name = "duroxide_worker_queue_depth",
    component = "duroxide-worker"
)]
pub struct WorkerQueueDepth {
    pub worker_type: WorkerType,
}

/// Work items processed, by worker: `rate()` of it is the seed's processing rate.
#[derive(MetricFamily)]
#[metric(
    counter,
    name = "duroxide_worker_items_processed_total",
    component = "duroxide-worker"
)]
pub struct WorkerItemsProcessed {
    pub worker_type: WorkerType,
    pub worker_id: WorkerId,
}

/// Workers configured, by type (section 2.3's `duroxide_worker_count`).
#[derive(MetricFamily)]
#[metric(gauge, name = "duroxide_workers", component = "duroxide-worker")]
pub struct Workers {
    pub worker_type: WorkerType,
}

/// History events at an execution's completion.
#[derive(MetricFamily)]
#[metric(histogram, name = "duroxide_orchestration_history_events", unit = "events",
         component = "duroxide-orchestration",
         buckets = [10.0, 50.0, 100.0, 500.0, 1000.0, 5000.0, 10000.0])]
pub struct OrchestrationHistoryEvents {
    pub orchestration_name: OrchestrationName,
}

// ---- 1.5, 1.6 long-running and sub-orchestrations ------------------------------------------

/// Orchestration instances alive now, by state.
#[derive(MetricFamily)]
#[metric(
    gauge,
    name = "duroxide_orchestration_active_instances",
    component = "duroxide-orchestration"
)]
pub struct ActiveInstances {
    pub orchestration_name: OrchestrationName,
    pub state: InstanceState,
}

/// Continue-as-new operations performed.
#[derive(MetricFamily)]
#[metric(
    counter,
    name = "duroxide_orchestration_continue_as_new_total",
    component = "duroxide-orchestration"
)]
pub struct ContinueAsNew {
    pub orchestration_name: OrchestrationName,
}

/// Sub-orchestration invocations, by parent, child and outcome.
#[derive(MetricFamily)]
#[metric(
    counter,
    name = "duroxide_suborchestration_calls_total",
    component = "duroxide-orchestration",
    max_series = 1300
)]
pub struct SuborchestrationCalls {
    pub parent_orchestration: OrchestrationName,
    pub child_orchestration: OrchestrationName,
    pub outcome: SubOutcome,
}

/// Every family name of the seed starts with it.
pub const PREFIX: &str = "duroxide_";

/// Seed 004's families, in the order the seed lists them.
pub const SEED: Component = Component {
    name: "duroxide",
    title: "duroxide (seed 004)",
    about: "duroxide's telemetry: orchestration, activity, provider and worker metrics.",
    families: &[
        OrchestrationStarts::family,
        OrchestrationCompletions::family,
        OrchestrationDuration::family,
        OrchestrationFailures::family,
        ActivityExecutions::family,
        ActivityDuration::family,
        ActivityErrors::family,
        ProviderOperationDuration::family,
        ProviderErrors::family,
        WorkerQueueDepth::family,
        WorkerItemsProcessed::family,
        Workers::family,
        OrchestrationHistoryEvents::family,
        ActiveInstances::family,
        ContinueAsNew::family,
        SuborchestrationCalls::family,
    ],
};

// ---- configuration (section 4) -------------------------------------------------------------

/// The metric categories of section 4, each a component of families.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Categories {
    /// `DUROXIDE_METRICS_ORCHESTRATION`
    pub orchestration: bool,
    /// `DUROXIDE_METRICS_ACTIVITY`
    pub activity: bool,
    /// `DUROXIDE_METRICS_PROVIDER`
    pub provider: bool,
    /// `DUROXIDE_METRICS_WORKER`
    pub worker: bool,
}

impl Default for Categories {
    fn default() -> Self {
        Categories {
            orchestration: true,
            activity: true,
            provider: true,
            worker: true,
        }
    }
}

impl Categories {
    /// Reads `DUROXIDE_METRICS_{ORCHESTRATION,ACTIVITY,PROVIDER,WORKER}` (`true`/`false`);
    /// an unset one is on. Sampling (`DUROXIDE_METRICS_SAMPLE_RATE`) and error messages
    /// (`..._INCLUDE_ERROR_MESSAGES`) are refused: see docs/seeds.md.
    pub fn from_vars(vars: impl IntoIterator<Item = (String, String)>) -> Result<Self, String> {
        let mut c = Categories::default();
        for (k, v) in vars {
            let Some(key) = k.strip_prefix("DUROXIDE_METRICS_") else {
                continue;
            };
            let slot = match key {
                "ORCHESTRATION" => &mut c.orchestration,
                "ACTIVITY" => &mut c.activity,
                "PROVIDER" => &mut c.provider,
                "WORKER" => &mut c.worker,
                "SAMPLE_RATE" if v.trim() == "1.0" || v.trim() == "1" => continue,
                "SAMPLE_RATE" => {
                    return Err(format!(
                        "{k}={v}: sampling drops recordings; recording is one atomic add, so every event is counted"
                    ));
                }
                "INCLUDE_ERROR_MESSAGES" if v.trim() == "false" => continue,
                "INCLUDE_ERROR_MESSAGES" => {
                    return Err(format!(
                        "{k}={v}: an error message is an unbounded label (R7); messages go to logs"
                    ));
                }
                _ => return Err(format!("{k}: unknown variable")),
            };
            *slot = match v.trim() {
                "true" | "1" => true,
                "false" | "0" => false,
                other => return Err(format!("{k}: `{other}` is not true or false")),
            };
        }
        Ok(c)
    }

    fn components(&self) -> Vec<&'static str> {
        [
            (self.orchestration, "duroxide-orchestration"),
            (self.activity, "duroxide-activity"),
            (self.provider, "duroxide-provider"),
            (self.worker, "duroxide-worker"),
        ]
        .into_iter()
        .filter(|(on, _)| *on)
        .map(|(_, c)| c)
        .collect()
    }
}

/// A registry of the enabled categories' families, with the runtime's self-metrics under
/// `duroxide_metrics_` (the capped names' overflow shows there).
pub fn registry(categories: Categories) -> Result<Registry, String> {
    let components = categories.components();
    let mut registry = Registry::new();
    for family in SEED.families() {
        if family
            .descriptor()
            .component
            .is_some_and(|c| components.contains(&c))
        {
            registry
                .register_family(family)
                .map_err(|e| e.to_string())?;
        }
    }
    registry
        .with_self_metrics("duroxide_metrics_")
        .map_err(|e| e.to_string())
}

// ---- a simulated runtime -------------------------------------------------------------------

/// An activity of a workflow and its simulated wall-clock seconds.
#[derive(Debug, Clone, Copy)]
pub struct Activity {
    /// Its name, resolved once.
    pub name: ActivityName,
    /// Simulated seconds per attempt.
    pub seconds: f64,
}

/// An orchestration: its activities in order and an optional sub-orchestration it calls last.
#[derive(Debug, Clone)]
pub struct Workflow {
    /// Its name, resolved once.
    pub name: OrchestrationName,
    /// Its version, resolved once.
    pub version: OrchestrationVersion,
    /// The activities it runs, in order.
    pub activities: Vec<Activity>,
    /// The sub-orchestration it calls after its activities, if any.
    pub child: Option<Box<Workflow>>,
}

/// What goes wrong in one orchestration run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Nothing.
    None,
    /// Activity `at` fails with an application error, not retried: the orchestration fails.
    AppError {
        /// The activity's index.
        at: usize,
    },
    /// Activity `at` fails `times` times with an infrastructure error, retried each time,
    /// then succeeds.
    Transient {
        /// The activity's index.
        at: usize,
        /// Failed attempts before the success.
        times: u32,
    },
    /// Activity `at` times out, not retried: the orchestration fails.
    Timeout {
        /// The activity's index.
        at: usize,
    },
    /// The provider deadlocks once saving activity `at`'s event; the save is retried.
    ProviderDeadlock {
        /// The activity's index.
        at: usize,
    },
}

/// The work done, counted by the engine itself in plain integers, to compare with what the
/// metrics say.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// Orchestrations started (sub-orchestrations and continue-as-new included).
    pub started: u64,
    /// Orchestrations that succeeded.
    pub succeeded: u64,
    /// Orchestrations that failed.
    pub failed: u64,
    /// Activity attempts.
    pub attempts: u64,
    /// Activity attempts that failed.
    pub activity_errors: u64,
    /// Provider operations.
    pub provider_ops: u64,
    /// Provider operations that failed.
    pub provider_errors: u64,
    /// Sub-orchestration calls.
    pub sub_calls: u64,
    /// Continue-as-new operations.
    pub continued: u64,
    /// Work items per worker (`worker type`, `worker id`).
    pub items: BTreeMap<(&'static str, &'static str), u64>,
}

impl Tally {
    /// Adds another tally (from another thread).
    pub fn merge(&mut self, other: &Tally) {
        self.started += other.started;
        self.succeeded += other.succeeded;
        self.failed += other.failed;
        self.attempts += other.attempts;
        self.activity_errors += other.activity_errors;
        self.provider_ops += other.provider_ops;
        self.provider_errors += other.provider_errors;
        self.sub_calls += other.sub_calls;
        self.continued += other.continued;
        for (k, v) in &other.items {
            *self.items.entry(*k).or_default() += v;
        }
    }
}

/// The toygres workflows of the seed's appendix, with their names resolved once.
#[derive(Debug, Clone)]
pub struct Toygres {
    /// `toygres::CreateInstance`: deploy, wait, test, DNS, then the backup sub-orchestration.
    pub create_instance: Workflow,
    /// `toygres::DeleteInstance`.
    pub delete_instance: Workflow,
    /// `toygres::InstanceActor`: the long-running health-check actor.
    pub instance_actor: Workflow,
}

impl Toygres {
    /// Resolves the names (once: recording afterwards touches no string).
    pub fn new() -> Self {
        let act = |name: &str, seconds: f64| Activity {
            name: ActivityName::new(name),
            seconds,
        };
        let v1 = OrchestrationVersion::new("1.0.0");
        let configure_backups = Workflow {
            name: OrchestrationName::new("toygres::ConfigureBackups"),
            version: v1,
            activities: vec![act("toygres::ScheduleBackups", 0.5)],
            child: None,
        };
        Toygres {
            create_instance: Workflow {
                name: OrchestrationName::new("toygres::CreateInstance"),
                version: OrchestrationVersion::new("1.1.0"),
                activities: vec![
                    act("toygres::DeployPostgres", 8.0),
                    act("toygres::WaitForReady", 45.0),
                    act("toygres::TestConnection", 0.5),
                    act("toygres::UpdateDns", 1.0),
                ],
                child: Some(Box::new(configure_backups)),
            },
            delete_instance: Workflow {
                name: OrchestrationName::new("toygres::DeleteInstance"),
                version: v1,
                activities: vec![
                    act("toygres::DeleteResources", 12.0),
                    act("toygres::UpdateDns", 1.0),
                ],
                child: None,
            },
            instance_actor: Workflow {
                name: OrchestrationName::new("toygres::InstanceActor"),
                version: OrchestrationVersion::new("2.0.0"),
                activities: vec![act("toygres::TestConnection", 0.5)],
                child: None,
            },
        }
    }
}

impl Default for Toygres {
    fn default() -> Self {
        Self::new()
    }
}

/// A worker of the simulated runtime: records as the real dispatchers would.
#[derive(Debug, Clone, Copy)]
pub struct Engine {
    orchestration_worker: WorkerId,
    activity_worker: WorkerId,
    ids: (&'static str, &'static str),
}

/// Simulated seconds per provider operation.
const PROVIDER_SECONDS: f64 = 0.002;

impl Engine {
    /// A worker pair (orchestration and activity dispatcher) with slot `slot`.
    pub fn new(slot: usize) -> Self {
        let orchestration_worker = WorkerId::new(&format!("orchestration-{slot}"));
        let activity_worker = WorkerId::new(&format!("activity-{slot}"));
        Engine {
            orchestration_worker,
            activity_worker,
            ids: (orchestration_worker.as_str(), activity_worker.as_str()),
        }
    }

    fn item(&self, worker_type: WorkerType, tally: &mut Tally) {
        let (worker_id, id) = match worker_type {
            WorkerType::Orchestration => (self.orchestration_worker, self.ids.0),
            WorkerType::Activity => (self.activity_worker, self.ids.1),
        };
        WorkerItemsProcessed {
            worker_type,
            worker_id,
        }
        .inc();
        *tally.items.entry((worker_type.as_str(), id)).or_default() += 1;
    }

    fn provider(&self, operation: ProviderOperation, tally: &mut Tally) {
        ProviderOperationDuration {
            operation,
            status: ProviderStatus::Success,
        }
        .observe(PROVIDER_SECONDS);
        tally.provider_ops += 1;
    }

    /// Runs one orchestration of `wf` to its end, recording every family it touches.
    pub fn run(
        &self,
        wf: &Workflow,
        fault: Fault,
        initiated_by: InitiatedBy,
        tally: &mut Tally,
    ) -> CompletionStatus {
        self.run_execution(wf, fault, initiated_by, wf.activities.len() as u64, tally)
    }

    /// Runs the long-running `wf` for `turns` activity turns, continuing as new every
    /// `continue_every` turns (each execution's history is observed when it ends).
    pub fn run_actor(
        &self,
        wf: &Workflow,
        turns: u64,
        continue_every: u64,
        tally: &mut Tally,
    ) -> CompletionStatus {
        let mut left = turns;
        let mut initiated_by = InitiatedBy::Client;
        loop {
            let now = left.min(continue_every.max(1));
            left -= now;
            let status = self.run_execution(wf, Fault::None, initiated_by, now, tally);
            if left == 0 || status != CompletionStatus::Success {
                return status;
            }
            ContinueAsNew {
                orchestration_name: wf.name,
            }
            .inc();
            tally.continued += 1;
            initiated_by = InitiatedBy::ContinueAsNew;
        }
    }

    fn run_execution(
        &self,
        wf: &Workflow,
        fault: Fault,
        initiated_by: InitiatedBy,
        turns_wanted: u64,
        tally: &mut Tally,
    ) -> CompletionStatus {
        let name = wf.name;
        OrchestrationStarts {
            orchestration_name: name,
            version: wf.version,
            initiated_by,
        }
        .inc();
        tally.started += 1;
        let running = ActiveInstances {
            orchestration_name: name,
            state: InstanceState::Running,
        };
        running.inc();
        self.provider(ProviderOperation::CreateInstance, tally);
        self.item(WorkerType::Orchestration, tally);

        let mut seconds = 0.0;
        let mut turns = 0u64;
        let mut failure = None;
        let n = wf.activities.len().max(1);
        for step in 0..turns_wanted as usize {
            let at = step % n;
            let Some(activity) = wf.activities.get(at) else {
                break;
            };
            let mut attempt = 0u32;
            loop {
                self.provider(ProviderOperation::Fetch, tally);
                self.item(WorkerType::Activity, tally);
                tally.attempts += 1;
                turns += 1;
                seconds += activity.seconds;
                let (outcome, error) = match fault {
                    Fault::AppError { at: f } if f == step => (
                        Outcome::AppError,
                        Some((ActivityErrorType::AppError, Retryable::No)),
                    ),
                    Fault::Timeout { at: f } if f == step => (
                        Outcome::Timeout,
                        Some((ActivityErrorType::Timeout, Retryable::No)),
                    ),
                    Fault::Transient { at: f, times } if f == step && attempt < times => (
                        Outcome::Retry,
                        Some((ActivityErrorType::InfrastructureError, Retryable::Yes)),
                    ),
                    _ => (Outcome::Success, None),
                };
                ActivityExecutions {
                    activity_name: activity.name,
                    outcome,
                    retry_attempt: RetryAttempt::of(attempt),
                }
                .inc();
                ActivityDuration {
                    activity_name: activity.name,
                    outcome,
                }
                .observe(activity.seconds);
                if let Some((error_type, retryable)) = error {
                    ActivityErrors {
                        activity_name: activity.name,
                        error_type,
                        retryable,
                    }
                    .inc();
                    tally.activity_errors += 1;
                }
                self.provider(ProviderOperation::Ack, tally);
                if fault == (Fault::ProviderDeadlock { at: step }) && attempt == 0 {
                    ProviderOperationDuration {
                        operation: ProviderOperation::SaveEvent,
                        status: ProviderStatus::Error,
                    }
                    .observe(PROVIDER_SECONDS);
                    ProviderErrors {
                        operation: ProviderOperation::SaveEvent,
                        error_type: ProviderErrorType::Deadlock,
                    }
                    .inc();
                    tally.provider_ops += 1;
                    tally.provider_errors += 1;
                }
                self.provider(ProviderOperation::SaveEvent, tally);
                self.item(WorkerType::Orchestration, tally);
                match outcome {
                    Outcome::Retry => attempt += 1,
                    Outcome::Success => break,
                    Outcome::AppError => {
                        failure = Some((OrchestrationErrorType::AppError, ErrorCategory::Logic));
                        break;
                    }
                    Outcome::Timeout | Outcome::InfraError => {
                        failure = Some((OrchestrationErrorType::Timeout, ErrorCategory::Network));
                        break;
                    }
                }
            }
            if failure.is_some() {
                break;
            }
        }
        if failure.is_none()
            && let Some(child) = &wf.child
        {
            let outcome = match self.run(child, Fault::None, InitiatedBy::Suborchestration, tally) {
                CompletionStatus::Success => SubOutcome::Success,
                _ => SubOutcome::Failed,
            };
            SuborchestrationCalls {
                parent_orchestration: name,
                child_orchestration: child.name,
                outcome,
            }
            .inc();
            tally.sub_calls += 1;
        }
        let status = match failure {
            None => {
                tally.succeeded += 1;
                CompletionStatus::Success
            }
            Some((error_type, error_category)) => {
                OrchestrationFailures {
                    orchestration_name: name,
                    error_type,
                    error_category,
                }
                .inc();
                tally.failed += 1;
                CompletionStatus::Failed
            }
        };
        OrchestrationCompletions {
            orchestration_name: name,
            status,
            final_turn_count: TurnCount::of(turns),
        }
        .inc();
        OrchestrationDuration {
            orchestration_name: name,
            status,
        }
        .observe(seconds);
        // started, completed, and a scheduled and a completed event per activity turn
        OrchestrationHistoryEvents {
            orchestration_name: name,
        }
        .observe((2 + 2 * turns) as f64);
        running.dec();
        status
    }
}

// ---- the load scenarios (section 6.1) ------------------------------------------------------

/// The fault of run `i` under normal and high load: every 10th run's `WaitForReady` fails
/// once with an infrastructure error and is retried; every 50th fails four times (attempt
/// `3+`); every 100th run's first event save deadlocks once.
pub fn background_fault(i: u64) -> Fault {
    if i % 50 == 49 {
        Fault::Transient { at: 1, times: 4 }
    } else if i % 10 == 9 {
        Fault::Transient { at: 1, times: 1 }
    } else if i.is_multiple_of(100) {
        Fault::ProviderDeadlock { at: 0 }
    } else {
        Fault::None
    }
}

/// Runs `CreateInstance` `n` times on worker slot `slot` with [`background_fault`]: `n`
/// items are queued (the queue-depth gauge goes up by `n`) and drained one by one.
pub fn load(toygres: &Toygres, slot: usize, n: u64) -> Tally {
    let engine = Engine::new(slot);
    let mut tally = Tally::default();
    let queue = WorkerQueueDepth {
        worker_type: WorkerType::Orchestration,
    };
    queue.add(n as f64);
    for i in 0..n {
        queue.dec();
        engine.run(
            &toygres.create_instance,
            background_fault(i),
            InitiatedBy::Client,
            &mut tally,
        );
    }
    tally
}

/// High load: `n` runs split over `threads` worker threads, the tallies merged.
pub fn load_parallel(toygres: &Toygres, threads: usize, n: u64) -> Tally {
    let per = n / threads as u64;
    let mut total = Tally::default();
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|slot| s.spawn(move || load(toygres, slot, per)))
            .collect();
        for h in handles {
            if let Ok(t) = h.join() {
                total.merge(&t);
            }
        }
    });
    total
}

/// The error spike: `n` runs of `CreateInstance`, every other one failing at
/// `DeployPostgres` with an application error (50%).
pub fn error_spike(toygres: &Toygres, n: u64) -> Tally {
    let engine = Engine::new(0);
    let mut tally = Tally::default();
    for i in 0..n {
        let fault = if i % 2 == 1 {
            Fault::AppError { at: 0 }
        } else {
            Fault::None
        };
        engine.run(
            &toygres.create_instance,
            fault,
            InitiatedBy::Client,
            &mut tally,
        );
    }
    tally
}

/// The long-running scenario: the instance actor for `turns` turns, continuing as new every
/// `continue_every`.
pub fn long_running(toygres: &Toygres, turns: u64, continue_every: u64) -> Tally {
    let mut tally = Tally::default();
    Engine::new(0).run_actor(&toygres.instance_actor, turns, continue_every, &mut tally);
    tally
}

/// What the demo did and the exposition it ended with.
#[derive(Debug, Clone)]
pub struct Demo {
    /// Normal load, the error spike and the long-running actor, merged.
    pub tally: Tally,
    /// The exposition of every category with self-metrics.
    pub exposition: String,
}

/// The demo: 100 orchestrations of normal load, an error spike of 100 (50 failing), a
/// 1,000-turn actor continuing as new every 250 turns; then the exposition.
pub fn run_demo() -> Result<Demo, String> {
    let toygres = Toygres::new();
    Workers {
        worker_type: WorkerType::Orchestration,
    }
    .set(1.0);
    Workers {
        worker_type: WorkerType::Activity,
    }
    .set(1.0);
    let mut tally = load(&toygres, 0, 100);
    tally.merge(&error_spike(&toygres, 100));
    tally.merge(&long_running(&toygres, 1000, 250));
    let exposition = registry(Categories::default())?.encode_text();
    Ok(Demo { tally, exposition })
}
