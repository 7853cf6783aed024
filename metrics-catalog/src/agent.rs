//! Node agent (seed 000, section E): heartbeat and overlay connectivity, the instance
//! lifecycle, the image cache, disk pressure, secrets delivery, snapshots and backups.

use metrics_runtime::{Component, LabelValue, MetricFamily};

/// The families of this component, in the order the seed lists them.
pub const COMPONENT: Component = Component {
    name: "agent",
    title: "Node agent",
    about: "The agent on every node: its link to the control plane and the overlay, the microVM \
        instances it runs, its image cache and disks, secrets delivery into instances, snapshots \
        and backups.",
    families: &[
        Heartbeats::family,
        ControlplaneReconnects::family,
        OverlayPeers::family,
        OverlayHandshakeAgeSecondsMax::family,
        InstancesDesired::family,
        InstancesRunning::family,
        InstancesReady::family,
        InstanceBootDuration::family,
        InstanceFailures::family,
        ImagePulls::family,
        ImagePullDuration::family,
        RootdiskBuildDuration::family,
        CacheBytes::family,
        CacheEvictions::family,
        VolumePoolFreeBytes::family,
        VolumePoolUsedBytes::family,
        DiskFreeBytes::family,
        DiskPressure::family,
        SecretsDeliveries::family,
        SecretsDeliveryDuration::family,
        Snapshots::family,
        SnapshotDuration::family,
        Backups::family,
        BackupDuration::family,
        BackupBytes::family,
    ],
};

// ---- labels -------------------------------------------------------------------------------

/// How one heartbeat to the control plane ended. A node whose `ok` rate drops to zero is considered
/// lost by the scheduler.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeartbeatResult {
    /// The control plane acknowledged the heartbeat.
    Ok,
    /// No answer within the heartbeat timeout.
    #[label(error)]
    Timeout,
    /// The control plane refused it (unknown or retired node, bad credentials).
    #[label(error)]
    Rejected,
    /// The connection failed (reset, TLS or DNS error).
    #[label(error)]
    Error,
}

/// How an instance boot (microVM start until the instance reports ready or fails) ended. The
/// failure's reason is counted in `trc_agent_instance_failures_total`.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum BootResult {
    /// The instance started and passed its first health check.
    Ok,
    /// The boot failed.
    #[label(error)]
    Failed,
    /// The instance did not become ready within the boot timeout.
    #[label(error)]
    Timeout,
    /// The boot was abandoned (instance stopped or agent shutting down; timer dropped).
    #[label(default)]
    Cancelled,
}

/// Why an instance failed: exactly the reason codes seed 000 lists, shared with the scheduler and
/// the API's instance status.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum InstanceFailureReason {
    /// The OCI image could not be pulled.
    ImagePullFailed,
    /// The root filesystem could not be built from the image.
    RootfsBuildFailed,
    /// The Firecracker microVM did not start.
    FirecrackerStartFailed,
    /// The instance's network (tap device, overlay address, routes) could not be set up.
    NetworkSetupFailed,
    /// A volume could not be attached.
    VolumeAttachFailed,
    /// A secret the instance references does not exist.
    SecretsMissing,
    /// Secrets could not be delivered into the instance.
    SecretsInjectionFailed,
    /// The instance failed its health check.
    HealthcheckFailed,
    /// The instance was killed for running out of memory.
    OomKilled,
    /// The instance keeps crashing and is restarted with back-off.
    CrashLoopBackoff,
}

/// How one OCI image pull ended. Registry answers are split so that credentials problems and
/// missing tags are not mistaken for registry outages.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImagePullResult {
    /// Every layer was fetched and verified.
    Ok,
    /// The registry does not have the image or tag.
    NotFound,
    /// The registry refused the credentials.
    Unauthorized,
    /// The registry or the network did not answer in time.
    #[label(error)]
    Timeout,
    /// Any other failure (digest mismatch, disk full, registry 5xx).
    #[label(error)]
    Error,
    /// The pull was abandoned (instance stopped; timer dropped).
    #[label(default)]
    Cancelled,
}

/// How one root-disk build (unpacking image layers into a block device) ended.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum RootdiskBuildResult {
    /// The root disk is ready.
    Ok,
    /// There was no room for it in the cache, even after eviction.
    #[label(error)]
    NoSpace,
    /// Any other failure (corrupt layer, filesystem error).
    #[label(error)]
    Error,
    /// The build was abandoned (instance stopped; timer dropped).
    #[label(default)]
    Cancelled,
}

/// A kind of the agent's cache: exactly the kinds seed 000 lists.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum CacheKind {
    /// Pulled OCI image layers and manifests.
    Oci,
    /// Built root disks, reused by instances of the same image.
    Rootdisks,
    /// Scratch space for pulls and builds in progress.
    Tmp,
}

/// A filesystem the agent watches, named by its role rather than its path, so the label is the same
/// on every node whatever the disk layout; the agent's configuration maps each role to a mount
/// point.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mount {
    /// The host's root filesystem.
    Root,
    /// The agent's state directory (instance records, sockets, logs).
    State,
    /// The filesystem holding the image cache (`oci`, `rootdisks`, `tmp`).
    Cache,
}

/// A kind of resource pressure the agent reports, after the kubelet's eviction signals: each is 1
/// while its threshold is crossed and the agent stops admitting new instances or evicts cache.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum PressureKind {
    /// Free bytes on a watched mount are below the threshold.
    Disk,
    /// Free inodes on a watched mount are below the threshold.
    Inodes,
    /// The volume pool's free space is below the threshold.
    VolumePool,
    /// The image cache is above its size limit and evicting.
    Cache,
}

/// How one delivery of secrets into an instance ended.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum SecretsDeliveryResult {
    /// Every secret was delivered.
    Ok,
    /// The delivery failed (see the reason).
    #[label(error)]
    Error,
    /// The delivery was abandoned (instance stopped; timer dropped).
    #[label(default)]
    Cancelled,
}

/// Why a secrets delivery failed, `none` when it did not. The two reasons seed 000 shares with
/// instance failures (`secrets_missing`, `secrets_injection_failed`) keep their names.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum SecretsDeliveryReason {
    /// The delivery succeeded.
    None,
    /// A referenced secret does not exist.
    SecretsMissing,
    /// The secret store (control plane) could not be reached or refused the agent.
    StoreUnavailable,
    /// A secret could not be decrypted with the node's key.
    DecryptFailed,
    /// Writing the secrets into the instance failed.
    SecretsInjectionFailed,
    /// The delivery did not finish in time.
    Timeout,
}

/// How a snapshot or backup job ended.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum JobResult {
    /// The job finished and was verified.
    Ok,
    /// The job failed (volume, storage or upload error).
    #[label(error)]
    Failed,
    /// The job did not finish within its deadline.
    #[label(error)]
    Timeout,
    /// The job was abandoned (volume deleted, agent shutting down; timer dropped).
    #[label(default)]
    Cancelled,
}

// ---- families -----------------------------------------------------------------------------

/// Heartbeats sent to the control plane, by outcome.
#[derive(MetricFamily)]
#[metric(counter, name = "trc_agent_heartbeat_total", component = "agent")]
pub struct Heartbeats {
    pub result: HeartbeatResult,
}

/// Reconnections of the agent's stream to the control plane.
#[derive(MetricFamily)]
#[metric(
    counter,
    name = "trc_agent_controlplane_reconnects_total",
    stability = "beta",
    component = "agent"
)]
pub struct ControlplaneReconnects;

/// Overlay network peers this node currently has a tunnel with.
#[derive(MetricFamily)]
#[metric(
    gauge,
    name = "trc_agent_overlay_peers",
    stability = "beta",
    component = "agent"
)]
pub struct OverlayPeers;

/// Age of the oldest overlay peer handshake, in seconds: a stale tunnel shows as a growing age.
#[derive(MetricFamily)]
#[metric(
    gauge,
    name = "trc_agent_overlay_handshake_age_seconds_max",
    stability = "beta",
    unit = "seconds",
    component = "agent"
)]
pub struct OverlayHandshakeAgeSecondsMax;

/// Instances the control plane wants on this node.
#[derive(MetricFamily)]
#[metric(
    gauge,
    name = "trc_agent_instances_desired",
    stability = "beta",
    component = "agent"
)]
pub struct InstancesDesired;

/// Instances whose microVM is running on this node.
#[derive(MetricFamily)]
#[metric(
    gauge,
    name = "trc_agent_instances_running",
    stability = "beta",
    component = "agent"
)]
pub struct InstancesRunning;

/// Instances on this node passing their health check.
#[derive(MetricFamily)]
#[metric(
    gauge,
    name = "trc_agent_instances_ready",
    stability = "beta",
    component = "agent"
)]
pub struct InstancesReady;

/// Time from an instance's start request to ready (or failure), by outcome.
#[derive(MetricFamily)]
#[metric(
    histogram,
    name = "trc_agent_instance_boot_seconds",
    unit = "seconds",
    buckets = [0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0],
    component = "agent"
)]
pub struct InstanceBootDuration {
    pub result: BootResult,
}

/// Instance failures on this node, by reason code.
#[derive(MetricFamily)]
#[metric(
    counter,
    name = "trc_agent_instance_failures_total",
    stability = "beta",
    component = "agent"
)]
pub struct InstanceFailures {
    pub reason: InstanceFailureReason,
}

/// OCI image pulls, by outcome (cache hits are not pulls).
#[derive(MetricFamily)]
#[metric(counter, name = "trc_agent_image_pulls_total", component = "agent")]
pub struct ImagePulls {
    pub result: ImagePullResult,
}

/// Time to pull one OCI image, by outcome.
#[derive(MetricFamily)]
#[metric(
    histogram,
    name = "trc_agent_image_pull_seconds",
    unit = "seconds",
    buckets = [0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0],
    component = "agent"
)]
pub struct ImagePullDuration {
    pub result: ImagePullResult,
}

/// Time to build one root disk from a pulled image, by outcome.
#[derive(MetricFamily)]
#[metric(
    histogram,
    name = "trc_agent_rootdisk_build_seconds",
    unit = "seconds",
    buckets = [0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0],
    component = "agent"
)]
pub struct RootdiskBuildDuration {
    pub result: RootdiskBuildResult,
}

/// Bytes held by the agent's cache, by kind.
#[derive(MetricFamily)]
#[metric(
    gauge,
    name = "trc_agent_cache_bytes",
    stability = "beta",
    unit = "bytes",
    component = "agent"
)]
pub struct CacheBytes {
    pub kind: CacheKind,
}

/// Entries evicted from the agent's cache, by kind.
#[derive(MetricFamily)]
#[metric(
    counter,
    name = "trc_agent_cache_evictions_total",
    stability = "beta",
    component = "agent"
)]
pub struct CacheEvictions {
    pub kind: CacheKind,
}

/// Free bytes in the node's volume pool.
#[derive(MetricFamily)]
#[metric(
    gauge,
    name = "trc_agent_volume_pool_free_bytes",
    stability = "beta",
    unit = "bytes",
    component = "agent"
)]
pub struct VolumePoolFreeBytes;

/// Bytes allocated to volumes in the node's volume pool.
#[derive(MetricFamily)]
#[metric(
    gauge,
    name = "trc_agent_volume_pool_used_bytes",
    stability = "beta",
    unit = "bytes",
    component = "agent"
)]
pub struct VolumePoolUsedBytes;

/// Free bytes on each filesystem the agent watches, by role.
#[derive(MetricFamily)]
#[metric(
    gauge,
    name = "trc_agent_disk_free_bytes",
    unit = "bytes",
    component = "agent"
)]
pub struct DiskFreeBytes {
    pub mount: Mount,
}

/// Whether the node is under pressure of this kind (1) or not (0).
#[derive(MetricFamily)]
#[metric(gauge, name = "trc_agent_disk_pressure", component = "agent")]
pub struct DiskPressure {
    pub kind: PressureKind,
}

/// Deliveries of secrets into instances, by outcome and failure reason.
#[derive(MetricFamily)]
#[metric(
    counter,
    name = "trc_agent_secrets_delivery_total",
    component = "agent"
)]
pub struct SecretsDeliveries {
    pub result: SecretsDeliveryResult,
    pub reason: SecretsDeliveryReason,
}

/// Time to deliver secrets into one instance, by outcome.
#[derive(MetricFamily)]
#[metric(
    histogram,
    name = "trc_agent_secrets_delivery_seconds",
    unit = "seconds",
    buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0],
    component = "agent"
)]
pub struct SecretsDeliveryDuration {
    pub result: SecretsDeliveryResult,
}

/// Volume snapshots taken by this agent, by outcome.
#[derive(MetricFamily)]
#[metric(counter, name = "trc_agent_snapshots_total", component = "agent")]
pub struct Snapshots {
    pub result: JobResult,
}

/// Time to take one volume snapshot, by outcome.
#[derive(MetricFamily)]
#[metric(
    histogram,
    name = "trc_agent_snapshot_seconds",
    unit = "seconds",
    buckets = [0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0],
    component = "agent"
)]
pub struct SnapshotDuration {
    pub result: JobResult,
}

/// Volume backups run by this agent, by outcome.
#[derive(MetricFamily)]
#[metric(counter, name = "trc_agent_backups_total", component = "agent")]
pub struct Backups {
    pub result: JobResult,
}

/// Time to run one volume backup, from snapshot to verified upload, by outcome.
#[derive(MetricFamily)]
#[metric(
    histogram,
    name = "trc_agent_backup_seconds",
    unit = "seconds",
    buckets = [10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0, 7200.0, 21600.0],
    component = "agent"
)]
pub struct BackupDuration {
    pub result: JobResult,
}

/// Bytes uploaded by volume backups, by the backup's outcome.
#[derive(MetricFamily)]
#[metric(
    counter,
    name = "trc_agent_backup_bytes_total",
    unit = "bytes",
    component = "agent"
)]
pub struct BackupBytes {
    pub result: JobResult,
}
