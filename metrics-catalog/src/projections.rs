//! Projection workers (seed 000, section C): how far each read model is behind the event log,
//! how long applying events takes, and failures and rebuilds.

use metrics_runtime::{Component, LabelValue, MetricFamily};

/// The families of this component, in the order the seed lists them.
pub const COMPONENT: Component = Component {
    name: "projections",
    title: "Projection workers",
    about: "The workers that fold the event log into read models: position and lag per projection, \
        apply latency, errors and rebuilds.",
    families: &[
        ProjectionLastAppliedEventId::family,
        ProjectionLagEvents::family,
        ProjectionApplyDuration::family,
        ProjectionErrors::family,
        ProjectionRebuilds::family,
    ],
};

// ---- labels -------------------------------------------------------------------------------

/// A projection (read model) built from the event log: one value per projection the workers run,
/// named after the table or view it maintains. A new projection is added here when it is added to
/// the workers.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Projection {
    /// Organisations, members and their quotas.
    Orgs,
    /// Environments and their settings.
    Envs,
    /// Deploys and rollout status, as the API's deploy status view shows them.
    Deploys,
    /// Desired and observed instance states, as the API's instance view shows them.
    Instances,
    /// Routes, as the edge configuration is built from them.
    Routes,
    /// Secret names and versions (never values).
    Secrets,
    /// Volumes, snapshots and backups.
    Volumes,
    /// Nodes and their capacity, as the scheduler reads them.
    Nodes,
    /// Per-org usage against quotas.
    Quotas,
    /// The audit log the event query endpoint serves.
    AuditLog,
}

// ---- families -----------------------------------------------------------------------------

/// Id (global position) of the last event the projection applied.
#[derive(MetricFamily)]
#[metric(
    gauge,
    name = "trc_projection_last_applied_event_id",
    role = "position",
    component = "projections"
)]
pub struct ProjectionLastAppliedEventId {
    pub projection: Projection,
}

/// Events appended to the log but not yet applied by the projection.
#[derive(MetricFamily)]
#[metric(
    gauge,
    name = "trc_projection_lag_events",
    unit = "events",
    role = "lag",
    component = "projections"
)]
pub struct ProjectionLagEvents {
    pub projection: Projection,
}

/// Time to apply one batch of events to the projection, in its transaction.
#[derive(MetricFamily)]
#[metric(
    histogram,
    name = "trc_projection_apply_duration_seconds",
    unit = "seconds",
    buckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0],
    component = "projections"
)]
pub struct ProjectionApplyDuration {
    pub projection: Projection,
}

/// Batches the projection failed to apply (each failure is retried; the projection stalls until one
/// succeeds).
#[derive(MetricFamily)]
#[metric(
    counter,
    name = "trc_projection_errors_total",
    component = "projections"
)]
pub struct ProjectionErrors {
    pub projection: Projection,
}

/// Rebuilds of the projection from the start of the event log (operator action or schema change).
#[derive(MetricFamily)]
#[metric(
    counter,
    name = "trc_projection_rebuilds_total",
    component = "projections"
)]
pub struct ProjectionRebuilds {
    pub projection: Projection,
}
