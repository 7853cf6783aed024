//! Scheduler (seed 000, section D): loop health, placements and actions, rollouts.

use metrics_runtime::{Component, LabelValue, MetricFamily};

/// The families of this component, in the order the seed lists them.
pub const COMPONENT: Component = Component {
    name: "scheduler",
    title: "Scheduler",
    about: "The reconcile loop that places instances on nodes: loop and per-group reconcile health, \
        allocations, drains, stops, unschedulable placements and rollouts.",
    families: &[
        ReconcileRuns::family,
        ReconcileDuration::family,
        GroupReconciles::family,
        GroupReconcileDuration::family,
        InstanceAllocations::family,
        InstanceDrains::family,
        InstanceStops::family,
        Unschedulable::family,
        RolloutDuration::family,
        RolloutFailures::family,
    ],
};

// ---- labels -------------------------------------------------------------------------------

/// How the reconcile of one group (the instances of one process type of one environment) ended.
/// `unschedulable` is split from `error` because it needs capacity, not a fix.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupReconcileResult {
    /// Observed state already matched desired state; nothing to do.
    Noop,
    /// Actions (allocations, drains, stops) were issued.
    Changed,
    /// Some desired instances could not be placed (see `trc_scheduler_unschedulable_total`).
    Unschedulable,
    /// The reconcile failed (store error, invalid state) and will be retried.
    #[label(error)]
    Error,
    /// The loop was interrupted (shutdown, lost leadership) before the group finished (timer
    /// dropped).
    #[label(default)]
    Cancelled,
}

/// How one attempt to allocate an instance to a node ended.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum AllocationResult {
    /// The instance was placed on a node.
    Ok,
    /// No node fits (the reason is counted in `trc_scheduler_unschedulable_total`).
    Unschedulable,
    /// The chosen node's capacity changed concurrently; the allocation is retried.
    Conflict,
    /// The allocation failed (store or agent error).
    #[label(error)]
    Error,
}

/// Why the scheduler drained instances off a node (moved them elsewhere before stopping them
/// there).
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum DrainReason {
    /// An operator cordoned and drained the node.
    OperatorRequest,
    /// The node stopped heartbeating or reports itself unhealthy.
    NodeUnhealthy,
    /// The node is being retired or replaced (maintenance, upgrade).
    NodeRetiring,
    /// The node is under disk or memory pressure.
    NodePressure,
    /// The scheduler moved instances to spread load or free a node.
    Rebalance,
}

/// Why the scheduler stopped instances.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum StopReason {
    /// The desired instance count went down.
    ScaleDown,
    /// A rollout replaced the instance with one of the new release.
    RolloutReplaced,
    /// The instance was drained off its node and its replacement is running.
    Drained,
    /// The environment or process type was deleted.
    Deleted,
    /// The org exceeded a quota (suspension or billing hold).
    QuotaExceeded,
    /// The agent reported the instance failed and it is not restarted in place.
    Failed,
    /// An operator or the owner stopped it.
    UserRequest,
}

/// Why a placement could not be made: exactly the reasons seed 000 lists, so compliance tests can
/// match them deterministically.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnschedulableReason {
    /// No active node has enough free memory.
    NoCapacityMemory,
    /// No node is active at all.
    NoNodesActive,
    /// The instance's volume lives on a node that cannot take it.
    VolumeLocalityNoNode,
    /// The overlay network has no free address.
    IpamExhausted,
    /// A secret the instance references does not exist.
    SecretsMissing,
    /// The org's quota forbids another instance.
    OrgQuotaExceeded,
}

/// How a rollout (a deploy replacing every instance of a release) ended.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum RolloutResult {
    /// Every instance of the new release is running and ready.
    Succeeded,
    /// The rollout stopped (the reason is counted in `trc_scheduler_rollout_failures_total`).
    #[label(error)]
    Failed,
    /// The rollout failed and the previous release was restored.
    #[label(error)]
    RolledBack,
    /// A newer deploy replaced it before it finished.
    Superseded,
    /// The rollout was abandoned without an outcome (scheduler shutdown; timer dropped).
    #[label(default)]
    Cancelled,
}

/// Why a rollout failed.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum RolloutFailureReason {
    /// New instances could not be placed.
    Unschedulable,
    /// New instances failed to boot (the agent's reason is in `trc_agent_instance_failures_total`).
    InstanceBootFailed,
    /// New instances booted but never passed their health check.
    HealthcheckFailed,
    /// The rollout did not finish within its deadline.
    DeadlineExceeded,
    /// An operator or the owner aborted it.
    Aborted,
}

// ---- families -----------------------------------------------------------------------------

/// Runs of the scheduler's reconcile loop.
#[derive(MetricFamily)]
#[metric(
    counter,
    name = "trc_scheduler_reconcile_runs_total",
    stability = "beta",
    component = "scheduler"
)]
pub struct ReconcileRuns;

/// Time of one run of the reconcile loop over every group.
#[derive(MetricFamily)]
#[metric(
    histogram,
    name = "trc_scheduler_reconcile_duration_seconds",
    unit = "seconds",
    buckets = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0],
    component = "scheduler"
)]
pub struct ReconcileDuration;

/// Reconciles of one group (the instances of one process type of one environment), by outcome.
#[derive(MetricFamily)]
#[metric(
    counter,
    name = "trc_scheduler_group_reconciles_total",
    component = "scheduler"
)]
pub struct GroupReconciles {
    pub result: GroupReconcileResult,
}

/// Time to reconcile one group, by outcome.
#[derive(MetricFamily)]
#[metric(
    histogram,
    name = "trc_scheduler_group_reconcile_duration_seconds",
    unit = "seconds",
    buckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5],
    component = "scheduler"
)]
pub struct GroupReconcileDuration {
    pub result: GroupReconcileResult,
}

/// Attempts to allocate an instance to a node, by outcome.
#[derive(MetricFamily)]
#[metric(
    counter,
    name = "trc_scheduler_instance_allocations_total",
    component = "scheduler"
)]
pub struct InstanceAllocations {
    pub result: AllocationResult,
}

/// Instances drained off their node, by reason.
#[derive(MetricFamily)]
#[metric(
    counter,
    name = "trc_scheduler_instance_drains_total",
    component = "scheduler"
)]
pub struct InstanceDrains {
    pub reason: DrainReason,
}

/// Instances the scheduler stopped, by reason.
#[derive(MetricFamily)]
#[metric(
    counter,
    name = "trc_scheduler_instance_stops_total",
    component = "scheduler"
)]
pub struct InstanceStops {
    pub reason: StopReason,
}

/// Placements the scheduler could not make, by reason.
#[derive(MetricFamily)]
#[metric(
    counter,
    name = "trc_scheduler_unschedulable_total",
    role = "spikes",
    stability = "beta",
    component = "scheduler"
)]
pub struct Unschedulable {
    pub reason: UnschedulableReason,
}

/// Time from a deploy's start to its rollout's end, by outcome.
#[derive(MetricFamily)]
#[metric(
    histogram,
    name = "trc_scheduler_rollout_seconds",
    unit = "seconds",
    buckets = [5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1200.0, 1800.0, 3600.0],
    component = "scheduler"
)]
pub struct RolloutDuration {
    pub result: RolloutResult,
}

/// Rollouts that failed, by reason.
#[derive(MetricFamily)]
#[metric(
    counter,
    name = "trc_scheduler_rollout_failures_total",
    component = "scheduler"
)]
pub struct RolloutFailures {
    pub reason: RolloutFailureReason,
}
