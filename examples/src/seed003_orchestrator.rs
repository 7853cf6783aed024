//! Seed 003: Warren's metrics audit: 30+ families defined, two components instrumented. The
//! families are declared here by component (`component = "warren-..."`), the audit's current
//! instrumentation and its week-2 plan record into them, and [`CoverageReport`] (from
//! `Registry::unrecorded`) shows what is declared and never recorded, the audit's finding.
//!
//! Rewrites (docs/seeds.md has the table): the cluster-state gauges named `..._total`
//! (`warren_nodes_total`, `warren_services_total`, `warren_containers_total`,
//! `warren_secrets_total`, `warren_volumes_total`, `warren_raft_peers_total`) lose `_total`
//! (R3); the ingress `host` label, the client's Host header, is forbidden (R7) and unbounded
//! (R8) and is dropped, `backend` being a capped service name.

use metrics_runtime::http::StatusClass;
use metrics_runtime::{Family, LabelValue, MetricFamily, Registry};

use metrics_runtime::Component;

// ---- label types ---------------------------------------------------------------------------

/// A node's role.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeRole {
    Manager,
    Worker,
}

/// A node's status.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeStatus {
    Ready,
    Down,
    Draining,
    Unknown,
}

/// A container's state.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContainerState {
    Pending,
    Running,
    Stopped,
    Failed,
}

/// A method of Warren's API (the ones the audit names, and `other`).
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApiMethod {
    CreateService,
    UpdateService,
    DeleteService,
    GetService,
    ListServices,
    CreateSecret,
    DeleteSecret,
    CreateVolume,
    DeleteVolume,
    ListNodes,
    DrainNode,
    CreateIngress,
    UpdateIngress,
    DeleteIngress,
    ListContainers,
    /// Any other method.
    Other,
}

/// How an API call ended (gRPC status, bounded).
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApiStatus {
    Ok,
    InvalidArgument,
    NotFound,
    AlreadyExists,
    Unavailable,
    Internal,
    /// Any other status.
    Other,
}

/// Why a container could not be scheduled (the audit: "add scheduling reason labels").
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScheduleFailure {
    InsufficientResources,
    NoEligibleNode,
    VolumeUnavailable,
    /// Anything else.
    Other,
}

metrics_runtime::capped_label! {
    /// A Warren service behind an ingress rule: the cluster's own objects, 64 of them with
    /// series of their own; any more share the overflow value.
    pub struct ServiceName(cap = 64);
}

/// A DNS query type.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum DnsQueryType {
    A,
    Aaaa,
    Srv,
    Ptr,
    /// Any other type.
    Other,
}

/// How a DNS query ended.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum DnsResult {
    Success,
    Nxdomain,
    Failure,
}

// ---- cluster state (the collector) ---------------------------------------------------------

/// Node count by role and status.
#[derive(MetricFamily)]
#[metric(gauge, name = "warren_nodes", component = "warren-cluster")]
pub struct Nodes {
    pub role: NodeRole,
    pub status: NodeStatus,
}

/// Services defined.
#[derive(MetricFamily)]
#[metric(gauge, name = "warren_services", component = "warren-cluster")]
pub struct Services;

/// Container count by state.
#[derive(MetricFamily)]
#[metric(gauge, name = "warren_containers", component = "warren-cluster")]
pub struct Containers {
    pub state: ContainerState,
}

/// Secrets stored.
#[derive(MetricFamily)]
#[metric(gauge, name = "warren_secrets", component = "warren-cluster")]
pub struct Secrets;

/// Volumes defined.
#[derive(MetricFamily)]
#[metric(gauge, name = "warren_volumes", component = "warren-cluster")]
pub struct Volumes;

// ---- manager / raft ------------------------------------------------------------------------

/// 1 if this manager is the Raft leader, else 0.
#[derive(MetricFamily)]
#[metric(gauge, name = "warren_raft_is_leader", component = "warren-raft")]
pub struct RaftIsLeader;

/// Raft peers.
#[derive(MetricFamily)]
#[metric(gauge, name = "warren_raft_peers", component = "warren-raft")]
pub struct RaftPeers;

/// Current Raft log index.
#[derive(MetricFamily)]
#[metric(gauge, name = "warren_raft_log_index", component = "warren-raft")]
pub struct RaftLogIndex;

/// Last applied Raft log index.
#[derive(MetricFamily)]
#[metric(gauge, name = "warren_raft_applied_index", component = "warren-raft")]
pub struct RaftAppliedIndex;

/// Time to apply a Raft log entry.
#[derive(MetricFamily)]
#[metric(
    histogram,
    name = "warren_raft_apply_duration_seconds",
    unit = "seconds",
    component = "warren-raft"
)]
pub struct RaftApplyDuration;

/// Time to commit a Raft log entry.
#[derive(MetricFamily)]
#[metric(
    histogram,
    name = "warren_raft_commit_duration_seconds",
    unit = "seconds",
    component = "warren-raft"
)]
pub struct RaftCommitDuration;

// ---- API server ----------------------------------------------------------------------------

/// API requests, by method and status.
#[derive(MetricFamily)]
#[metric(counter, name = "warren_api_requests_total", component = "warren-api")]
pub struct ApiRequests {
    pub method: ApiMethod,
    pub status: ApiStatus,
}

/// API request latency.
#[derive(MetricFamily)]
#[metric(
    histogram,
    name = "warren_api_request_duration_seconds",
    unit = "seconds",
    component = "warren-api"
)]
pub struct ApiRequestDuration {
    pub method: ApiMethod,
}

/// Service creation time.
#[derive(MetricFamily)]
#[metric(
    histogram,
    name = "warren_service_create_duration_seconds",
    unit = "seconds",
    component = "warren-api"
)]
pub struct ServiceCreateDuration;

/// Service update time.
#[derive(MetricFamily)]
#[metric(
    histogram,
    name = "warren_service_update_duration_seconds",
    unit = "seconds",
    component = "warren-api"
)]
pub struct ServiceUpdateDuration;

/// Service deletion time.
#[derive(MetricFamily)]
#[metric(
    histogram,
    name = "warren_service_delete_duration_seconds",
    unit = "seconds",
    component = "warren-api"
)]
pub struct ServiceDeleteDuration;

// ---- scheduler -----------------------------------------------------------------------------

/// Time to schedule one container.
#[derive(MetricFamily)]
#[metric(
    histogram,
    name = "warren_scheduling_latency_seconds",
    unit = "seconds",
    component = "warren-scheduler"
)]
pub struct SchedulingLatency;

/// Containers scheduled.
#[derive(MetricFamily)]
#[metric(
    counter,
    name = "warren_containers_scheduled_total",
    component = "warren-scheduler"
)]
pub struct ContainersScheduled;

/// Containers that could not be scheduled, by reason.
#[derive(MetricFamily)]
#[metric(
    counter,
    name = "warren_containers_failed_total",
    component = "warren-scheduler"
)]
pub struct ContainersFailed {
    pub reason: ScheduleFailure,
}

// ---- worker / runtime ----------------------------------------------------------------------

/// Container creation time.
#[derive(MetricFamily)]
#[metric(
    histogram,
    name = "warren_container_create_duration_seconds",
    unit = "seconds",
    component = "warren-worker"
)]
pub struct ContainerCreateDuration;

/// Container start time.
#[derive(MetricFamily)]
#[metric(
    histogram,
    name = "warren_container_start_duration_seconds",
    unit = "seconds",
    component = "warren-worker"
)]
pub struct ContainerStartDuration;

/// Container stop time.
#[derive(MetricFamily)]
#[metric(
    histogram,
    name = "warren_container_stop_duration_seconds",
    unit = "seconds",
    component = "warren-worker"
)]
pub struct ContainerStopDuration;

// ---- reconciler ----------------------------------------------------------------------------

/// Reconciliation cycle time.
#[derive(MetricFamily)]
#[metric(
    histogram,
    name = "warren_reconciliation_duration_seconds",
    unit = "seconds",
    component = "warren-reconciler"
)]
pub struct ReconciliationDuration;

/// Reconciliation cycles completed.
#[derive(MetricFamily)]
#[metric(
    counter,
    name = "warren_reconciliation_cycles_total",
    component = "warren-reconciler"
)]
pub struct ReconciliationCycles;

// ---- ingress -------------------------------------------------------------------------------

/// Ingress creation time.
#[derive(MetricFamily)]
#[metric(
    histogram,
    name = "warren_ingress_create_duration_seconds",
    unit = "seconds",
    component = "warren-ingress"
)]
pub struct IngressCreateDuration;

/// Ingress update time.
#[derive(MetricFamily)]
#[metric(
    histogram,
    name = "warren_ingress_update_duration_seconds",
    unit = "seconds",
    component = "warren-ingress"
)]
pub struct IngressUpdateDuration;

/// Requests proxied by the ingress, by backend service and status class.
#[derive(MetricFamily)]
#[metric(
    counter,
    name = "warren_ingress_requests_total",
    component = "warren-ingress"
)]
pub struct IngressRequests {
    pub backend: ServiceName,
    pub status: StatusClass,
}

/// Latency of requests proxied by the ingress, by backend service.
#[derive(MetricFamily)]
#[metric(
    histogram,
    name = "warren_ingress_request_duration_seconds",
    unit = "seconds",
    component = "warren-ingress"
)]
pub struct IngressRequestDuration {
    pub backend: ServiceName,
}

// ---- DNS (the audit's "metrics needed, not yet defined") ----------------------------------

/// DNS queries answered, by type and result.
#[derive(MetricFamily)]
#[metric(counter, name = "warren_dns_queries_total", component = "warren-dns")]
pub struct DnsQueries {
    pub qtype: DnsQueryType,
    pub result: DnsResult,
}

/// DNS query latency.
#[derive(MetricFamily)]
#[metric(
    histogram,
    name = "warren_dns_query_duration_seconds",
    unit = "seconds",
    component = "warren-dns"
)]
pub struct DnsQueryDuration;

/// Every family name of the seed starts with it.
pub const PREFIX: &str = "warren_";

/// Seed 003's families, in the order the audit lists them (DNS, which it asks for, last).
pub const SEED: Component = Component {
    name: "warren",
    title: "Warren (seed 003)",
    about: "Warren's metrics audit: the orchestrator's families, two components instrumented.",
    families: &[
        Nodes::family,
        Services::family,
        Containers::family,
        Secrets::family,
        Volumes::family,
        RaftIsLeader::family,
        RaftPeers::family,
        RaftLogIndex::family,
        RaftAppliedIndex::family,
        ApiRequests::family,
        ApiRequestDuration::family,
        SchedulingLatency::family,
        ContainersScheduled::family,
        ContainersFailed::family,
        ServiceCreateDuration::family,
        ServiceUpdateDuration::family,
        ServiceDeleteDuration::family,
        ContainerCreateDuration::family,
        ContainerStartDuration::family,
        ContainerStopDuration::family,
        RaftApplyDuration::family,
        RaftCommitDuration::family,
        ReconciliationDuration::family,
        ReconciliationCycles::family,
        IngressCreateDuration::family,
        IngressUpdateDuration::family,
        IngressRequests::family,
        IngressRequestDuration::family,
        DnsQueries::family,
        DnsQueryDuration::family,
    ],
};

/// The components, in the audit's order, with the titles it uses.
pub const COMPONENTS: &[(&str, &str)] = &[
    ("warren-api", "API server"),
    ("warren-reconciler", "Reconciler"),
    ("warren-scheduler", "Scheduler"),
    ("warren-raft", "Manager/Raft"),
    ("warren-worker", "Worker/Runtime"),
    ("warren-dns", "DNS"),
    ("warren-ingress", "Ingress"),
    ("warren-cluster", "Cluster state (collector)"),
];

// ---- instrumentation -----------------------------------------------------------------------

/// What the audit found instrumented: the API server's service create/update/delete timings
/// (pkg/api/server.go) and the reconciler's cycle timing and count.
pub fn instrument_current() {
    ServiceCreateDuration.observe(0.120);
    ServiceUpdateDuration.observe(0.080);
    ServiceDeleteDuration.observe(0.045);
    for secs in [0.012, 0.009, 0.015] {
        ReconciliationDuration.observe(secs);
        ReconciliationCycles.inc();
    }
}

/// The audit's week-2 plan: scheduler (priority 1), manager/Raft (priority 2) and the
/// cluster-state collector (priority 3).
pub fn instrument_week2() {
    // Scheduler
    for _ in 0..3 {
        let t = SchedulingLatency::start_timer(); // records on drop
        ContainersScheduled.inc();
        drop(t);
    }
    ContainersFailed {
        reason: ScheduleFailure::InsufficientResources,
    }
    .inc();
    // Manager/Raft state and operations
    RaftIsLeader.set(1.0);
    RaftPeers.set(3.0);
    RaftLogIndex.set(1042.0);
    RaftAppliedIndex.set(1041.0);
    RaftApplyDuration.observe(0.002);
    RaftCommitDuration.observe(0.004);
    // The collector
    Nodes {
        role: NodeRole::Manager,
        status: NodeStatus::Ready,
    }
    .set(3.0);
    Nodes {
        role: NodeRole::Worker,
        status: NodeStatus::Ready,
    }
    .set(5.0);
    Services.set(12.0);
    Containers {
        state: ContainerState::Running,
    }
    .set(30.0);
    Secrets.set(4.0);
    Volumes.set(6.0);
}

/// One family in a coverage report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoverageRow {
    /// The audit's component title.
    pub component: &'static str,
    /// The family name.
    pub family: &'static str,
    /// Whether anything was recorded into it since start.
    pub recorded: bool,
}

/// Which declared families were ever recorded, by component: the audit's table, computed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoverageReport {
    /// Every family of the seed, by component in the audit's order.
    pub rows: Vec<CoverageRow>,
}

impl CoverageReport {
    /// The report of seed 003's families now, from `Registry::unrecorded`.
    pub fn now() -> Result<Self, String> {
        let registry = SEED.registry().map_err(|e| e.to_string())?;
        Ok(Self::of(&registry))
    }

    /// The report of a registry's families that belong to a Warren component.
    pub fn of(registry: &Registry) -> Self {
        let unrecorded: Vec<&str> = registry.unrecorded().iter().map(|f| f.name()).collect();
        let mut rows = Vec::new();
        for (component, title) in COMPONENTS {
            for family in registry.families() {
                if family.descriptor().component == Some(component) {
                    rows.push(CoverageRow {
                        component: title,
                        family: family.name(),
                        recorded: !unrecorded.contains(&family.name()),
                    });
                }
            }
        }
        CoverageReport { rows }
    }

    /// Families declared and never recorded.
    pub fn unrecorded(&self) -> Vec<&'static str> {
        self.rows
            .iter()
            .filter(|r| !r.recorded)
            .map(|r| r.family)
            .collect()
    }

    /// Components with at least one recorded family, and all components.
    pub fn components_instrumented(&self) -> (usize, usize) {
        let done = COMPONENTS
            .iter()
            .filter(|(_, title)| {
                self.rows
                    .iter()
                    .any(|r| r.component == *title && r.recorded)
            })
            .count();
        (done, COMPONENTS.len())
    }

    /// The report as text: one line per component, then every family never recorded.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let recorded = self.rows.iter().filter(|r| r.recorded).count();
        let (done, all) = self.components_instrumented();
        out.push_str(&format!(
            "families recorded: {recorded}/{}; components instrumented: {done}/{all}\n",
            self.rows.len()
        ));
        for (_, title) in COMPONENTS {
            let rows: Vec<&CoverageRow> =
                self.rows.iter().filter(|r| r.component == *title).collect();
            let n = rows.iter().filter(|r| r.recorded).count();
            let mark = if n == 0 {
                "NOT instrumented"
            } else {
                "instrumented"
            };
            out.push_str(&format!(
                "  {title:<26} {n}/{} families recorded  {mark}\n",
                rows.len()
            ));
        }
        out.push_str("declared, never recorded:\n");
        for family in self.unrecorded() {
            out.push_str("  ");
            out.push_str(family);
            out.push('\n');
        }
        out
    }
}

/// The storage of every seed-003 family (for tests that read values).
pub fn families() -> Vec<&'static Family> {
    SEED.families().collect()
}

/// The demo: the audit's current instrumentation, its coverage report, then the week-2 plan
/// and the report again. Returns both reports.
pub fn run_demo() -> Result<(CoverageReport, CoverageReport), String> {
    instrument_current();
    let before = CoverageReport::now()?;
    instrument_week2();
    let after = CoverageReport::now()?;
    Ok((before, after))
}
