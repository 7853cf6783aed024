//! Event append and command handling (seed 000, section B): the write path of the event log
//! and the commands that produce events.

use metrics_runtime::{Component, LabelValue, MetricFamily};

/// The families of this component, in the order the seed lists them.
pub const COMPONENT: Component = Component {
    name: "events",
    title: "Event append and command handling",
    about: "The event log's write path: every append, the size of the events table, and every \
        command the API turns into events.",
    families: &[
        EventAppends::family,
        EventAppendDuration::family,
        EventsTableRows::family,
        EventsTableSizeBytes::family,
        Commands::family,
        CommandDuration::family,
    ],
};

// ---- labels -------------------------------------------------------------------------------

/// How one append of a batch of events to a stream ended. Optimistic concurrency makes `conflict` a
/// normal, retried outcome; `error` is the one to alert on.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum AppendResult {
    /// The events were committed.
    Ok,
    /// The stream's version was not the expected one (a concurrent writer won); the command is
    /// retried.
    Conflict,
    /// The batch was refused before writing (unknown event type, schema violation, oversized
    /// payload).
    Invalid,
    /// The database failed or timed out.
    #[label(error)]
    Error,
    /// The caller went away before the append finished (timer dropped).
    #[label(default)]
    Cancelled,
}

/// A command of the platform's write API: one value per command type the command handler knows,
/// named `<verb>_<resource>`. Each command validates against current state and appends events; new
/// command types are added here when they are added to the handler.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Command {
    /// Create an organisation.
    CreateOrg,
    /// Create an environment in an organisation.
    CreateEnv,
    /// Delete an environment and everything in it.
    DeleteEnv,
    /// Start a deploy (a rollout of a new release).
    Deploy,
    /// Roll back to a previous release.
    Rollback,
    /// Change the desired instance count of a process type.
    Scale,
    /// Stop or restart instances.
    RestartInstances,
    /// Create or update a route.
    PutRoute,
    /// Delete a route.
    DeleteRoute,
    /// Set or remove secrets of an environment.
    SetSecrets,
    /// Create, resize or delete a volume.
    ChangeVolume,
    /// Snapshot, back up or restore a volume.
    VolumeBackup,
}

/// How one command ended. Separates refusals the caller must fix (`invalid`, `forbidden`), races
/// the handler retries (`conflict`) and failures of the platform (`error`).
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum CommandResult {
    /// The command was accepted and its events appended.
    Ok,
    /// The command was refused by validation or a business rule (4xx).
    Invalid,
    /// The caller lacks the permission or the quota for it.
    Forbidden,
    /// Optimistic-concurrency retries were exhausted.
    Conflict,
    /// The platform failed while handling it (5xx).
    #[label(error)]
    Error,
    /// The caller went away before the command finished (timer dropped).
    #[label(default)]
    Cancelled,
}

// ---- families -----------------------------------------------------------------------------

/// Appends of event batches to the event log, by outcome.
#[derive(MetricFamily)]
#[metric(counter, name = "trc_event_append_total", component = "events")]
pub struct EventAppends {
    pub result: AppendResult,
}

/// Time to append one batch of events, from the transaction's start to its commit, by outcome.
#[derive(MetricFamily)]
#[metric(
    histogram,
    name = "trc_event_append_duration_seconds",
    unit = "seconds",
    buckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5],
    component = "events"
)]
pub struct EventAppendDuration {
    pub result: AppendResult,
}

/// Rows in the events table (approximate, from the planner's statistics).
#[derive(MetricFamily)]
#[metric(
    gauge,
    name = "trc_events_table_rows",
    stability = "beta",
    component = "events"
)]
pub struct EventsTableRows;

/// Size of the events table with its indexes, in bytes (approximate).
#[derive(MetricFamily)]
#[metric(
    gauge,
    name = "trc_events_table_size_bytes",
    stability = "beta",
    unit = "bytes",
    component = "events"
)]
pub struct EventsTableSizeBytes;

/// Commands handled, by command type and outcome.
#[derive(MetricFamily)]
#[metric(counter, name = "trc_commands_total", component = "events")]
pub struct Commands {
    pub command: Command,
    pub result: CommandResult,
}

/// Time to handle one command, from validation to the events' commit, by command type and outcome.
#[derive(MetricFamily)]
#[metric(
    histogram,
    name = "trc_command_duration_seconds",
    unit = "seconds",
    buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0],
    component = "events"
)]
pub struct CommandDuration {
    pub command: Command,
    pub result: CommandResult,
}
