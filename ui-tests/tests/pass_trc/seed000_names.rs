//! Every family and label of seed 000 ("Required metrics by component") compiles under the
//! platform policy (prefix `trc_`, read from `policy/trc/Cargo.toml`): counters for `_total`
//! names, histograms for `_bucket` names (declared without the suffix the exposition adds),
//! gauges otherwise. The label enums are small placeholders. Left out: the seed's own
//! counter-example `trc_edge_backends_active{route_id}`, which it forbids.

// The families are declared to prove their names and kinds; none is recorded here.
#![allow(dead_code)]

use metrics_runtime::{LabelValue, MetricFamily};

/// The HTTP method.
#[derive(LabelValue, Clone, Copy)]
pub enum HttpMethod {
    Get,
    Post,
    Delete,
}

/// The router's matched route template.
#[derive(LabelValue, Clone, Copy)]
pub enum PathTemplate {
    #[label(rename = "/v1/apps")]
    Apps,
    #[label(rename = "/v1/apps/{app_id}")]
    App,
}

/// The status class.
#[derive(LabelValue, Clone, Copy)]
pub enum HttpStatus {
    #[label(rename = "2xx")]
    Success,
    #[label(rename = "4xx")]
    ClientError,
    #[label(rename = "5xx")]
    ServerError,
}

/// The OAuth grant.
#[derive(LabelValue, Clone, Copy)]
pub enum GrantType {
    ClientCredentials,
    DeviceCode,
    RefreshToken,
}

/// How an operation ended.
#[derive(LabelValue, Clone, Copy)]
pub enum Outcome {
    Ok,
    Error,
}

/// A bounded query class name.
#[derive(LabelValue, Clone, Copy)]
pub enum QueryClass {
    Read,
    Write,
}

/// An idempotent endpoint.
#[derive(LabelValue, Clone, Copy)]
pub enum Endpoint {
    CreateApp,
    Deploy,
}

/// A command class.
#[derive(LabelValue, Clone, Copy)]
pub enum Command {
    CreateApp,
    Deploy,
}

/// A projection worker.
#[derive(LabelValue, Clone, Copy)]
pub enum Projection {
    Apps,
    Instances,
}

/// Why a placement could not be made.
#[derive(LabelValue, Clone, Copy)]
pub enum SchedulerReason {
    NoCapacityMemory,
    NoNodesActive,
    VolumeLocalityNoNode,
    IpamExhausted,
    SecretsMissing,
    OrgQuotaExceeded,
}

/// Why an instance failed.
#[derive(LabelValue, Clone, Copy)]
pub enum InstanceFailureReason {
    ImagePullFailed,
    RootfsBuildFailed,
    FirecrackerStartFailed,
    NetworkSetupFailed,
    VolumeAttachFailed,
    SecretsMissing,
    SecretsInjectionFailed,
    HealthcheckFailed,
    OomKilled,
    CrashLoopBackoff,
}

/// Why a secrets delivery failed.
#[derive(LabelValue, Clone, Copy)]
pub enum SecretsReason {
    Unavailable,
    Timeout,
    Denied,
}

/// Why an upstream connect failed.
#[derive(LabelValue, Clone, Copy)]
pub enum ConnectFailureReason {
    Refused,
    Timeout,
}

/// A cache kind.
#[derive(LabelValue, Clone, Copy)]
pub enum CacheKind {
    Oci,
    Rootdisks,
    Tmp,
}

/// A resource under pressure.
#[derive(LabelValue, Clone, Copy)]
pub enum PressureKind {
    Memory,
    Disk,
}

/// A bounded mount.
#[derive(LabelValue, Clone, Copy)]
pub enum Mount {
    Root,
    Volumes,
}

/// A listener port.
#[derive(LabelValue, Clone, Copy)]
pub enum ListenerPort {
    #[label(rename = "80")]
    Http,
    #[label(rename = "443")]
    Https,
}

/// A backend protocol hint.
#[derive(LabelValue, Clone, Copy)]
pub enum ProtocolHint {
    Http,
    Tls,
    Tcp,
}

/// How an SNI sniff ended.
#[derive(LabelValue, Clone, Copy)]
pub enum SniResult {
    Ok,
    Timeout,
    NotTls,
    NoSni,
}

// A) Control plane API

/// Seed 000: `trc_http_requests_total`.
#[derive(MetricFamily)]
#[metric(counter, name = "trc_http_requests_total")]
pub struct HttpRequestsTotal {
    pub method: HttpMethod,
    pub path_template: PathTemplate,
    pub status: HttpStatus,
}

/// Seed 000: `trc_http_request_duration_seconds`.
#[derive(MetricFamily)]
#[metric(histogram, name = "trc_http_request_duration_seconds")]
pub struct HttpRequestDurationSeconds {
    pub method: HttpMethod,
    pub path_template: PathTemplate,
    pub status: HttpStatus,
}

/// Seed 000: `trc_auth_token_mints_total`.
#[derive(MetricFamily)]
#[metric(counter, name = "trc_auth_token_mints_total")]
pub struct AuthTokenMintsTotal {
    pub grant_type: GrantType,
    pub result: Outcome,
}

/// Seed 000: `trc_auth_token_refresh_total`.
#[derive(MetricFamily)]
#[metric(counter, name = "trc_auth_token_refresh_total")]
pub struct AuthTokenRefreshTotal {
    pub result: Outcome,
}

/// Seed 000: `trc_auth_device_flow_polls_total`.
#[derive(MetricFamily)]
#[metric(counter, name = "trc_auth_device_flow_polls_total")]
pub struct AuthDeviceFlowPollsTotal {
    pub result: Outcome,
}

/// Seed 000: `trc_db_connections_in_use`.
#[derive(MetricFamily)]
#[metric(gauge, name = "trc_db_connections_in_use")]
pub struct DbConnectionsInUse;

/// Seed 000: `trc_db_connections_max`.
#[derive(MetricFamily)]
#[metric(gauge, name = "trc_db_connections_max")]
pub struct DbConnectionsMax;

/// Seed 000: `trc_db_query_duration_seconds`.
#[derive(MetricFamily)]
#[metric(histogram, name = "trc_db_query_duration_seconds")]
pub struct DbQueryDurationSeconds {
    pub query_class: QueryClass,
}

/// Seed 000: `trc_idempotency_hits_total`.
#[derive(MetricFamily)]
#[metric(counter, name = "trc_idempotency_hits_total")]
pub struct IdempotencyHitsTotal {
    pub endpoint: Endpoint,
}

/// Seed 000: `trc_idempotency_conflicts_total`.
#[derive(MetricFamily)]
#[metric(counter, name = "trc_idempotency_conflicts_total")]
pub struct IdempotencyConflictsTotal {
    pub endpoint: Endpoint,
}

// B) Event append and command handling

/// Seed 000: `trc_event_append_total`.
#[derive(MetricFamily)]
#[metric(counter, name = "trc_event_append_total")]
pub struct EventAppendTotal {
    pub result: Outcome,
}

/// Seed 000: `trc_event_append_duration_seconds`.
#[derive(MetricFamily)]
#[metric(histogram, name = "trc_event_append_duration_seconds")]
pub struct EventAppendDurationSeconds {
    pub result: Outcome,
}

/// Seed 000: `trc_events_table_rows`.
#[derive(MetricFamily)]
#[metric(gauge, name = "trc_events_table_rows")]
pub struct EventsTableRows;

/// Seed 000: `trc_events_table_size_bytes`.
#[derive(MetricFamily)]
#[metric(gauge, name = "trc_events_table_size_bytes")]
pub struct EventsTableSizeBytes;

/// Seed 000: `trc_commands_total`.
#[derive(MetricFamily)]
#[metric(counter, name = "trc_commands_total")]
pub struct CommandsTotal {
    pub command: Command,
    pub result: Outcome,
}

/// Seed 000: `trc_command_duration_seconds`.
#[derive(MetricFamily)]
#[metric(histogram, name = "trc_command_duration_seconds")]
pub struct CommandDurationSeconds {
    pub command: Command,
    pub result: Outcome,
}

// C) Projection workers

/// Seed 000: `trc_projection_last_applied_event_id`.
#[derive(MetricFamily)]
#[metric(gauge, name = "trc_projection_last_applied_event_id")]
pub struct ProjectionLastAppliedEventId {
    pub projection: Projection,
}

/// Seed 000: `trc_projection_lag_events`.
#[derive(MetricFamily)]
#[metric(gauge, name = "trc_projection_lag_events")]
pub struct ProjectionLagEvents {
    pub projection: Projection,
}

/// Seed 000: `trc_projection_apply_duration_seconds`.
#[derive(MetricFamily)]
#[metric(histogram, name = "trc_projection_apply_duration_seconds")]
pub struct ProjectionApplyDurationSeconds {
    pub projection: Projection,
}

/// Seed 000: `trc_projection_errors_total`.
#[derive(MetricFamily)]
#[metric(counter, name = "trc_projection_errors_total")]
pub struct ProjectionErrorsTotal {
    pub projection: Projection,
}

/// Seed 000: `trc_projection_rebuilds_total`.
#[derive(MetricFamily)]
#[metric(counter, name = "trc_projection_rebuilds_total")]
pub struct ProjectionRebuildsTotal {
    pub projection: Projection,
}

// D) Scheduler

/// Seed 000: `trc_scheduler_reconcile_runs_total`.
#[derive(MetricFamily)]
#[metric(counter, name = "trc_scheduler_reconcile_runs_total")]
pub struct SchedulerReconcileRunsTotal;

/// Seed 000: `trc_scheduler_reconcile_duration_seconds`.
#[derive(MetricFamily)]
#[metric(histogram, name = "trc_scheduler_reconcile_duration_seconds")]
pub struct SchedulerReconcileDurationSeconds;

/// Seed 000: `trc_scheduler_group_reconciles_total`.
#[derive(MetricFamily)]
#[metric(counter, name = "trc_scheduler_group_reconciles_total")]
pub struct SchedulerGroupReconcilesTotal {
    pub result: Outcome,
}

/// Seed 000: `trc_scheduler_group_reconcile_duration_seconds`.
#[derive(MetricFamily)]
#[metric(histogram, name = "trc_scheduler_group_reconcile_duration_seconds")]
pub struct SchedulerGroupReconcileDurationSeconds {
    pub result: Outcome,
}

/// Seed 000: `trc_scheduler_instance_allocations_total`.
#[derive(MetricFamily)]
#[metric(counter, name = "trc_scheduler_instance_allocations_total")]
pub struct SchedulerInstanceAllocationsTotal {
    pub result: Outcome,
}

/// Seed 000: `trc_scheduler_instance_drains_total`.
#[derive(MetricFamily)]
#[metric(counter, name = "trc_scheduler_instance_drains_total")]
pub struct SchedulerInstanceDrainsTotal {
    pub reason: SchedulerReason,
}

/// Seed 000: `trc_scheduler_instance_stops_total`.
#[derive(MetricFamily)]
#[metric(counter, name = "trc_scheduler_instance_stops_total")]
pub struct SchedulerInstanceStopsTotal {
    pub reason: SchedulerReason,
}

/// Seed 000: `trc_scheduler_unschedulable_total`.
#[derive(MetricFamily)]
#[metric(counter, name = "trc_scheduler_unschedulable_total")]
pub struct SchedulerUnschedulableTotal {
    pub reason: SchedulerReason,
}

/// Seed 000: `trc_scheduler_rollout_seconds`.
#[derive(MetricFamily)]
#[metric(histogram, name = "trc_scheduler_rollout_seconds")]
pub struct SchedulerRolloutSeconds {
    pub result: Outcome,
}

/// Seed 000: `trc_scheduler_rollout_failures_total`.
#[derive(MetricFamily)]
#[metric(counter, name = "trc_scheduler_rollout_failures_total")]
pub struct SchedulerRolloutFailuresTotal {
    pub reason: SchedulerReason,
}

// E) Node agent

/// Seed 000: `trc_agent_heartbeat_total`.
#[derive(MetricFamily)]
#[metric(counter, name = "trc_agent_heartbeat_total")]
pub struct AgentHeartbeatTotal {
    pub result: Outcome,
}

/// Seed 000: `trc_agent_controlplane_reconnects_total`.
#[derive(MetricFamily)]
#[metric(counter, name = "trc_agent_controlplane_reconnects_total")]
pub struct AgentControlplaneReconnectsTotal;

/// Seed 000: `trc_agent_overlay_peers`.
#[derive(MetricFamily)]
#[metric(gauge, name = "trc_agent_overlay_peers")]
pub struct AgentOverlayPeers;

/// Seed 000: `trc_agent_overlay_handshake_age_seconds_max`.
#[derive(MetricFamily)]
#[metric(gauge, name = "trc_agent_overlay_handshake_age_seconds_max")]
pub struct AgentOverlayHandshakeAgeSecondsMax;

/// Seed 000: `trc_agent_instances_desired`.
#[derive(MetricFamily)]
#[metric(gauge, name = "trc_agent_instances_desired")]
pub struct AgentInstancesDesired;

/// Seed 000: `trc_agent_instances_running`.
#[derive(MetricFamily)]
#[metric(gauge, name = "trc_agent_instances_running")]
pub struct AgentInstancesRunning;

/// Seed 000: `trc_agent_instances_ready`.
#[derive(MetricFamily)]
#[metric(gauge, name = "trc_agent_instances_ready")]
pub struct AgentInstancesReady;

/// Seed 000: `trc_agent_instance_boot_seconds`.
#[derive(MetricFamily)]
#[metric(histogram, name = "trc_agent_instance_boot_seconds")]
pub struct AgentInstanceBootSeconds {
    pub result: Outcome,
}

/// Seed 000: `trc_agent_instance_failures_total`.
#[derive(MetricFamily)]
#[metric(counter, name = "trc_agent_instance_failures_total")]
pub struct AgentInstanceFailuresTotal {
    pub reason: InstanceFailureReason,
}

/// Seed 000: `trc_agent_image_pulls_total`.
#[derive(MetricFamily)]
#[metric(counter, name = "trc_agent_image_pulls_total")]
pub struct AgentImagePullsTotal {
    pub result: Outcome,
}

/// Seed 000: `trc_agent_image_pull_seconds`.
#[derive(MetricFamily)]
#[metric(histogram, name = "trc_agent_image_pull_seconds")]
pub struct AgentImagePullSeconds {
    pub result: Outcome,
}

/// Seed 000: `trc_agent_rootdisk_build_seconds`.
#[derive(MetricFamily)]
#[metric(histogram, name = "trc_agent_rootdisk_build_seconds")]
pub struct AgentRootdiskBuildSeconds {
    pub result: Outcome,
}

/// Seed 000: `trc_agent_cache_bytes`.
#[derive(MetricFamily)]
#[metric(gauge, name = "trc_agent_cache_bytes")]
pub struct AgentCacheBytes {
    pub kind: CacheKind,
}

/// Seed 000: `trc_agent_cache_evictions_total`.
#[derive(MetricFamily)]
#[metric(counter, name = "trc_agent_cache_evictions_total")]
pub struct AgentCacheEvictionsTotal {
    pub kind: CacheKind,
}

/// Seed 000: `trc_agent_volume_pool_free_bytes`.
#[derive(MetricFamily)]
#[metric(gauge, name = "trc_agent_volume_pool_free_bytes")]
pub struct AgentVolumePoolFreeBytes;

/// Seed 000: `trc_agent_volume_pool_used_bytes`.
#[derive(MetricFamily)]
#[metric(gauge, name = "trc_agent_volume_pool_used_bytes")]
pub struct AgentVolumePoolUsedBytes;

/// Seed 000: `trc_agent_disk_free_bytes`.
#[derive(MetricFamily)]
#[metric(gauge, name = "trc_agent_disk_free_bytes")]
pub struct AgentDiskFreeBytes {
    pub mount: Mount,
}

/// Seed 000: `trc_agent_disk_pressure`.
#[derive(MetricFamily)]
#[metric(gauge, name = "trc_agent_disk_pressure")]
pub struct AgentDiskPressure {
    pub kind: PressureKind,
}

/// Seed 000: `trc_agent_secrets_delivery_total`.
#[derive(MetricFamily)]
#[metric(counter, name = "trc_agent_secrets_delivery_total")]
pub struct AgentSecretsDeliveryTotal {
    pub result: Outcome,
    pub reason: SecretsReason,
}

/// Seed 000: `trc_agent_secrets_delivery_seconds`.
#[derive(MetricFamily)]
#[metric(histogram, name = "trc_agent_secrets_delivery_seconds")]
pub struct AgentSecretsDeliverySeconds {
    pub result: Outcome,
}

/// Seed 000: `trc_agent_snapshots_total`.
#[derive(MetricFamily)]
#[metric(counter, name = "trc_agent_snapshots_total")]
pub struct AgentSnapshotsTotal {
    pub result: Outcome,
}

/// Seed 000: `trc_agent_snapshot_seconds`.
#[derive(MetricFamily)]
#[metric(histogram, name = "trc_agent_snapshot_seconds")]
pub struct AgentSnapshotSeconds {
    pub result: Outcome,
}

/// Seed 000: `trc_agent_backups_total`.
#[derive(MetricFamily)]
#[metric(counter, name = "trc_agent_backups_total")]
pub struct AgentBackupsTotal {
    pub result: Outcome,
}

/// Seed 000: `trc_agent_backup_seconds`.
#[derive(MetricFamily)]
#[metric(histogram, name = "trc_agent_backup_seconds")]
pub struct AgentBackupSeconds {
    pub result: Outcome,
}

/// Seed 000: `trc_agent_backup_bytes_total`.
#[derive(MetricFamily)]
#[metric(counter, name = "trc_agent_backup_bytes_total")]
pub struct AgentBackupBytesTotal {
    pub result: Outcome,
}

// F) Edge ingress

/// Seed 000: `trc_edge_connections_total`.
#[derive(MetricFamily)]
#[metric(counter, name = "trc_edge_connections_total")]
pub struct EdgeConnectionsTotal {
    pub listener_port: ListenerPort,
    pub result: Outcome,
}

/// Seed 000: `trc_edge_concurrent_connections`.
#[derive(MetricFamily)]
#[metric(gauge, name = "trc_edge_concurrent_connections")]
pub struct EdgeConcurrentConnections {
    pub listener_port: ListenerPort,
}

/// Seed 000: `trc_edge_upstream_connect_failures_total`.
#[derive(MetricFamily)]
#[metric(counter, name = "trc_edge_upstream_connect_failures_total")]
pub struct EdgeUpstreamConnectFailuresTotal {
    pub reason: ConnectFailureReason,
}

/// Seed 000: `trc_edge_routes_loaded`.
#[derive(MetricFamily)]
#[metric(gauge, name = "trc_edge_routes_loaded")]
pub struct EdgeRoutesLoaded;

/// Seed 000: `trc_edge_config_apply_total`.
#[derive(MetricFamily)]
#[metric(counter, name = "trc_edge_config_apply_total")]
pub struct EdgeConfigApplyTotal {
    pub result: Outcome,
}

/// Seed 000: `trc_edge_config_apply_seconds`.
#[derive(MetricFamily)]
#[metric(histogram, name = "trc_edge_config_apply_seconds")]
pub struct EdgeConfigApplySeconds {
    pub result: Outcome,
}

/// Seed 000: `trc_edge_backends_active_total`.
#[derive(MetricFamily)]
#[metric(
    gauge,
    name = "trc_edge_backends_active_total",
    allow = "seed 000 names this gauge with _total; kept for dashboard compatibility"
)]
pub struct EdgeBackendsActiveTotal;

/// Seed 000: `trc_edge_backends_active_by_protocol`.
#[derive(MetricFamily)]
#[metric(gauge, name = "trc_edge_backends_active_by_protocol")]
pub struct EdgeBackendsActiveByProtocol {
    pub protocol_hint: ProtocolHint,
}

/// Seed 000: `trc_edge_sni_sniffs_total`.
#[derive(MetricFamily)]
#[metric(counter, name = "trc_edge_sni_sniffs_total")]
pub struct EdgeSniSniffsTotal {
    pub result: SniResult,
}

/// Seed 000: `trc_edge_sni_sniff_seconds`.
#[derive(MetricFamily)]
#[metric(histogram, name = "trc_edge_sni_sniff_seconds")]
pub struct EdgeSniSniffSeconds {
    pub result: SniResult,
}

/// Seed 000: `trc_edge_proxy_v2_enabled_routes`.
#[derive(MetricFamily)]
#[metric(gauge, name = "trc_edge_proxy_v2_enabled_routes")]
pub struct EdgeProxyV2EnabledRoutes;

/// Seed 000: `trc_edge_proxy_v2_injections_total`.
#[derive(MetricFamily)]
#[metric(counter, name = "trc_edge_proxy_v2_injections_total")]
pub struct EdgeProxyV2InjectionsTotal {
    pub result: Outcome,
}

/// Every family of the seed with its kind, as the exposition must announce it.
const EXPECTED: &[(&str, &str)] = &[
    ("trc_http_requests_total", "counter"),
    ("trc_http_request_duration_seconds", "histogram"),
    ("trc_auth_token_mints_total", "counter"),
    ("trc_auth_token_refresh_total", "counter"),
    ("trc_auth_device_flow_polls_total", "counter"),
    ("trc_db_connections_in_use", "gauge"),
    ("trc_db_connections_max", "gauge"),
    ("trc_db_query_duration_seconds", "histogram"),
    ("trc_idempotency_hits_total", "counter"),
    ("trc_idempotency_conflicts_total", "counter"),
    ("trc_event_append_total", "counter"),
    ("trc_event_append_duration_seconds", "histogram"),
    ("trc_events_table_rows", "gauge"),
    ("trc_events_table_size_bytes", "gauge"),
    ("trc_commands_total", "counter"),
    ("trc_command_duration_seconds", "histogram"),
    ("trc_projection_last_applied_event_id", "gauge"),
    ("trc_projection_lag_events", "gauge"),
    ("trc_projection_apply_duration_seconds", "histogram"),
    ("trc_projection_errors_total", "counter"),
    ("trc_projection_rebuilds_total", "counter"),
    ("trc_scheduler_reconcile_runs_total", "counter"),
    ("trc_scheduler_reconcile_duration_seconds", "histogram"),
    ("trc_scheduler_group_reconciles_total", "counter"),
    (
        "trc_scheduler_group_reconcile_duration_seconds",
        "histogram",
    ),
    ("trc_scheduler_instance_allocations_total", "counter"),
    ("trc_scheduler_instance_drains_total", "counter"),
    ("trc_scheduler_instance_stops_total", "counter"),
    ("trc_scheduler_unschedulable_total", "counter"),
    ("trc_scheduler_rollout_seconds", "histogram"),
    ("trc_scheduler_rollout_failures_total", "counter"),
    ("trc_agent_heartbeat_total", "counter"),
    ("trc_agent_controlplane_reconnects_total", "counter"),
    ("trc_agent_overlay_peers", "gauge"),
    ("trc_agent_overlay_handshake_age_seconds_max", "gauge"),
    ("trc_agent_instances_desired", "gauge"),
    ("trc_agent_instances_running", "gauge"),
    ("trc_agent_instances_ready", "gauge"),
    ("trc_agent_instance_boot_seconds", "histogram"),
    ("trc_agent_instance_failures_total", "counter"),
    ("trc_agent_image_pulls_total", "counter"),
    ("trc_agent_image_pull_seconds", "histogram"),
    ("trc_agent_rootdisk_build_seconds", "histogram"),
    ("trc_agent_cache_bytes", "gauge"),
    ("trc_agent_cache_evictions_total", "counter"),
    ("trc_agent_volume_pool_free_bytes", "gauge"),
    ("trc_agent_volume_pool_used_bytes", "gauge"),
    ("trc_agent_disk_free_bytes", "gauge"),
    ("trc_agent_disk_pressure", "gauge"),
    ("trc_agent_secrets_delivery_total", "counter"),
    ("trc_agent_secrets_delivery_seconds", "histogram"),
    ("trc_agent_snapshots_total", "counter"),
    ("trc_agent_snapshot_seconds", "histogram"),
    ("trc_agent_backups_total", "counter"),
    ("trc_agent_backup_seconds", "histogram"),
    ("trc_agent_backup_bytes_total", "counter"),
    ("trc_edge_connections_total", "counter"),
    ("trc_edge_concurrent_connections", "gauge"),
    ("trc_edge_upstream_connect_failures_total", "counter"),
    ("trc_edge_routes_loaded", "gauge"),
    ("trc_edge_config_apply_total", "counter"),
    ("trc_edge_config_apply_seconds", "histogram"),
    ("trc_edge_backends_active_total", "gauge"),
    ("trc_edge_backends_active_by_protocol", "gauge"),
    ("trc_edge_sni_sniffs_total", "counter"),
    ("trc_edge_sni_sniff_seconds", "histogram"),
    ("trc_edge_proxy_v2_enabled_routes", "gauge"),
    ("trc_edge_proxy_v2_injections_total", "counter"),
];

fn main() {
    let text = metrics_runtime::encode_text();
    for (name, kind) in EXPECTED {
        assert!(
            text.contains(&format!("# TYPE {name} {kind}\n")),
            "{name} {kind}\n{text}"
        );
    }
    // Nothing else under the platform prefix: the list is the seed's, complete.
    assert_eq!(
        text.matches("# TYPE trc_").count(),
        EXPECTED.len(),
        "{text}"
    );
}
