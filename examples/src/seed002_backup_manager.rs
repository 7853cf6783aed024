//! Seed 002: restic-manager's `/metrics` (P6-04) and Grafana dashboard (P6-05): per-host
//! gauges, server gauges, `rm_build_info`, the job-duration histogram, served only behind
//! the token/CIDR gate.
//!
//! Rewrites (docs/seeds.md has the table): `host` is a forbidden label name (R7) kept with a
//! waiver, because these hosts are the operator's own enrolled fleet, and typed by a capped
//! label (R8); `host_id` is dropped (a second capped label in the same families would square
//! their worst case, R9, for a value 1:1 with `host`); `rm_host_snapshot_count` ends in the
//! reserved `_count` (R5) and is `rm_host_snapshots`; `rm_hosts_total` is a gauge (R3) and is
//! `rm_hosts`; `rm_host_last_backup_success`, whose "omitted if no backup yet" a typed family
//! cannot express, is the one-hot `rm_host_last_backup_status{status="none"|...}`.

use std::sync::Arc;

use metrics_runtime::{BuildInfo, LabelValue, MetricFamily, MetricsConfig, Registry};

use metrics_runtime::Component;

metrics_runtime::capped_label! {
    /// A host of the fleet, by its name (`hosts.name`): the operator's own enrolled
    /// machines, at most 128 with series of their own; any more share the overflow value.
    pub struct HostName(cap = 128);
}

/// The reason `host` may be a label here (R7 forbids it by default), as printed in the
/// descriptors and docs/seeds.md.
pub const HOST_WAIVER: &str = "the operator's own enrolled fleet (restic-manager's hosts table), never a client-supplied Host header; capped at 128 hosts, more fold into __overflow__";

/// A repository's status.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum RepoStatus {
    Unknown,
    Ready,
    InitFailed,
}

/// How a host's last backup ended; `none` before its first.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum LastBackup {
    /// No backup yet (the seed omitted the series then).
    None,
    Succeeded,
    Failed,
}

/// An alert's severity.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    Info,
    Warning,
    Critical,
}

/// Every job kind restic-manager dispatches.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum JobKind {
    Backup,
    Forget,
    Prune,
    Check,
    Unlock,
    Restore,
    Diff,
    Init,
    Update,
}

/// How a job ended.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum JobStatus {
    Succeeded,
    Failed,
    Cancelled,
}

// ---- per-host gauges -----------------------------------------------------------------------

/// 1 if the host's agent is online, else 0.
#[derive(MetricFamily)]
#[metric(gauge, name = "rm_host_agent_online", component = "restic-manager")]
pub struct HostAgentOnline {
    /// The host's name.
    #[label(
        allow = "the operator's own enrolled fleet (restic-manager's hosts table), never a client-supplied Host header; capped at 128 hosts, more fold into __overflow__"
    )]
    pub host: HostName,
}

/// Unix time of the host's last backup, in seconds; 0 before its first.
#[derive(MetricFamily)]
#[metric(
    gauge,
    name = "rm_host_last_backup_timestamp_seconds",
    component = "restic-manager"
)]
pub struct HostLastBackupTimestamp {
    /// The host's name.
    #[label(
        allow = "the operator's own enrolled fleet (restic-manager's hosts table), never a client-supplied Host header; capped at 128 hosts, more fold into __overflow__"
    )]
    pub host: HostName,
}

/// How the host's last backup ended: 1 on exactly one status per host (`none` before the first backup).
#[derive(MetricFamily)]
#[metric(
    gauge,
    name = "rm_host_last_backup_status",
    component = "restic-manager"
)]
pub struct HostLastBackupStatus {
    /// The host's name.
    #[label(
        allow = "the operator's own enrolled fleet (restic-manager's hosts table), never a client-supplied Host header; capped at 128 hosts, more fold into __overflow__"
    )]
    pub host: HostName,
    pub status: LastBackup,
}

/// Total size of the host's repository from its latest stats, in bytes; 0 while unknown.
#[derive(MetricFamily)]
#[metric(
    gauge,
    name = "rm_host_repo_size_bytes",
    unit = "bytes",
    component = "restic-manager"
)]
pub struct HostRepoSize {
    /// The host's name.
    #[label(
        allow = "the operator's own enrolled fleet (restic-manager's hosts table), never a client-supplied Host header; capped at 128 hosts, more fold into __overflow__"
    )]
    pub host: HostName,
}

/// Snapshots in the host's repository.
#[derive(MetricFamily)]
#[metric(gauge, name = "rm_host_snapshots", component = "restic-manager")]
pub struct HostSnapshots {
    /// The host's name.
    #[label(
        allow = "the operator's own enrolled fleet (restic-manager's hosts table), never a client-supplied Host header; capped at 128 hosts, more fold into __overflow__"
    )]
    pub host: HostName,
}

/// Open, unresolved alerts attached to the host.
#[derive(MetricFamily)]
#[metric(gauge, name = "rm_host_open_alerts", component = "restic-manager")]
pub struct HostOpenAlerts {
    /// The host's name.
    #[label(
        allow = "the operator's own enrolled fleet (restic-manager's hosts table), never a client-supplied Host header; capped at 128 hosts, more fold into __overflow__"
    )]
    pub host: HostName,
}

/// The host's repository status, info-style: 1 on exactly one status per host.
#[derive(MetricFamily)]
#[metric(gauge, name = "rm_host_repo_status", component = "restic-manager")]
pub struct HostRepoStatus {
    /// The host's name.
    #[label(
        allow = "the operator's own enrolled fleet (restic-manager's hosts table), never a client-supplied Host header; capped at 128 hosts, more fold into __overflow__"
    )]
    pub host: HostName,
    pub status: RepoStatus,
}

// ---- server gauges -------------------------------------------------------------------------

/// Hosts enrolled (pending hosts excluded).
#[derive(MetricFamily)]
#[metric(gauge, name = "rm_hosts", component = "restic-manager")]
pub struct Hosts;

/// Hosts whose agent is online.
#[derive(MetricFamily)]
#[metric(gauge, name = "rm_hosts_online", component = "restic-manager")]
pub struct HostsOnline;

/// Open alerts, by severity.
#[derive(MetricFamily)]
#[metric(gauge, name = "rm_active_alerts", component = "restic-manager")]
pub struct ActiveAlerts {
    pub severity: Severity,
}

// ---- jobs ----------------------------------------------------------------------------------

/// Duration of finished jobs, by kind and status: from unlock (seconds) to backups (hours).
#[derive(MetricFamily)]
#[metric(histogram, name = "rm_job_duration_seconds", unit = "seconds", component = "restic-manager",
         buckets = [1.0, 5.0, 30.0, 60.0, 300.0, 1800.0, 3600.0, 21600.0, 86400.0])]
pub struct JobDuration {
    pub kind: JobKind,
    pub status: JobStatus,
}

/// Every family name of the seed starts with it.
pub const PREFIX: &str = "rm_";

/// Seed 002's families, in the order the seed lists them (`rm_build_info` is the registry's).
pub const SEED: Component = Component {
    name: "restic-manager",
    title: "restic-manager (seed 002)",
    about: "restic-manager: per-host backup state, repository sizes, snapshots, alerts and job durations.",
    families: &[
        HostAgentOnline::family,
        HostLastBackupTimestamp::family,
        HostLastBackupStatus::family,
        HostRepoSize::family,
        HostSnapshots::family,
        HostOpenAlerts::family,
        HostRepoStatus::family,
        Hosts::family,
        HostsOnline::family,
        ActiveAlerts::family,
        JobDuration::family,
    ],
};

// ---- recording -----------------------------------------------------------------------------

/// One host as the store knows it (the seed's `Host` row).
#[derive(Debug, Clone, PartialEq)]
pub struct HostRow {
    /// `hosts.name`.
    pub name: String,
    /// Not yet accepted: counted in no server gauge.
    pub pending: bool,
    /// `status = 'online'`.
    pub online: bool,
    /// Unix seconds and success of the last backup, if any.
    pub last_backup: Option<(f64, bool)>,
    /// From the latest repo stats, if known.
    pub repo_size_bytes: Option<u64>,
    /// Snapshots in the repository.
    pub snapshots: u64,
    /// Open, unresolved alerts.
    pub open_alerts: u64,
    /// The repository's status.
    pub repo_status: RepoStatus,
}

/// What the handler pulled from the store (the seed's `Snapshot`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FleetSnapshot {
    /// Every host.
    pub hosts: Vec<HostRow>,
    /// Open alerts per severity.
    pub alerts: Vec<(Severity, u64)>,
}

/// Sets every gauge from a snapshot of the store. The seed rendered the snapshot on each
/// scrape; here the gauges hold the last snapshot recorded, so call this whenever the store
/// changes (or on a timer).
pub fn record_fleet(snapshot: &FleetSnapshot) {
    let mut enrolled = 0u64;
    let mut online = 0u64;
    for h in &snapshot.hosts {
        let host = HostName::new(&h.name);
        if !h.pending {
            enrolled += 1;
            online += u64::from(h.online);
        }
        HostAgentOnline { host }.set(if h.online { 1.0 } else { 0.0 });
        let (timestamp, status) = match h.last_backup {
            None => (0.0, LastBackup::None),
            Some((t, true)) => (t, LastBackup::Succeeded),
            Some((t, false)) => (t, LastBackup::Failed),
        };
        HostLastBackupTimestamp { host }.set(timestamp);
        one_hot(status, |s, v| {
            HostLastBackupStatus { host, status: s }.set(v)
        });
        HostRepoSize { host }.set(h.repo_size_bytes.unwrap_or(0) as f64);
        HostSnapshots { host }.set(h.snapshots as f64);
        HostOpenAlerts { host }.set(h.open_alerts as f64);
        one_hot(h.repo_status, |s, v| {
            HostRepoStatus { host, status: s }.set(v)
        });
    }
    Hosts.set(enrolled as f64);
    HostsOnline.set(online as f64);
    for severity in Severity::VALUES {
        let n = snapshot
            .alerts
            .iter()
            .filter(|(s, _)| s == severity)
            .map(|(_, n)| n)
            .sum::<u64>();
        ActiveAlerts {
            severity: *severity,
        }
        .set(n as f64);
    }
}

/// Sets the series of `current` to 1 and every other value's to 0: info-style, one series
/// at 1. The new value goes to 1 before the others go to 0, so a scrape in between sees two
/// at 1 rather than none (a scrape cannot be made atomic across series).
fn one_hot<T: LabelValue + PartialEq>(current: T, mut set: impl FnMut(T, f64)) {
    set(current, 1.0);
    for v in T::VALUES {
        if *v != current {
            set(*v, 0.0);
        }
    }
}

/// A job finished (the seed's `Registry.ObserveJob`).
pub fn observe_job(kind: JobKind, status: JobStatus, seconds: f64) {
    JobDuration { kind, status }.observe(seconds);
}

/// The fixed fleet of the golden test and the demo: three hosts in three different states.
pub fn demo_fleet() -> FleetSnapshot {
    FleetSnapshot {
        hosts: vec![
            HostRow {
                name: "nas-01".into(),
                pending: false,
                online: true,
                last_backup: Some((1_778_140_800.0, true)),
                repo_size_bytes: Some(52_428_800_000),
                snapshots: 214,
                open_alerts: 0,
                repo_status: RepoStatus::Ready,
            },
            HostRow {
                name: "web-01".into(),
                pending: false,
                online: true,
                last_backup: Some((1_778_137_200.0, false)),
                repo_size_bytes: Some(1_073_741_824),
                snapshots: 31,
                open_alerts: 2,
                repo_status: RepoStatus::Ready,
            },
            HostRow {
                name: "laptop-03".into(),
                pending: false,
                online: false,
                last_backup: None,
                repo_size_bytes: None,
                snapshots: 0,
                open_alerts: 1,
                repo_status: RepoStatus::InitFailed,
            },
        ],
        alerts: vec![(Severity::Warning, 2), (Severity::Critical, 1)],
    }
}

/// The jobs of the golden test and the demo: `(kind, status, seconds)`.
pub const DEMO_JOBS: &[(JobKind, JobStatus, f64)] = &[
    (JobKind::Backup, JobStatus::Succeeded, 45.0),
    (JobKind::Backup, JobStatus::Succeeded, 600.0),
    (JobKind::Backup, JobStatus::Succeeded, 7200.0),
    (JobKind::Backup, JobStatus::Failed, 30.0),
    (JobKind::Forget, JobStatus::Succeeded, 2.0),
    (JobKind::Prune, JobStatus::Failed, 1900.0),
    (JobKind::Check, JobStatus::Succeeded, 30.5),
    (JobKind::Unlock, JobStatus::Succeeded, 0.5),
    (JobKind::Init, JobStatus::Failed, 1.0),
    (JobKind::Backup, JobStatus::Cancelled, 90000.0),
];

/// Records [`demo_fleet`] and [`DEMO_JOBS`].
pub fn record_demo() {
    record_fleet(&demo_fleet());
    for (kind, status, secs) in DEMO_JOBS {
        observe_job(*kind, *status, *secs);
    }
}

/// The seed's configuration variables mapped onto the runtime's: `RM_METRICS_TOKEN` (bearer
/// token), `RM_METRICS_TRUSTED_CIDR` (comma-separated CIDRs), `RM_TRUSTED_PROXY` (whose
/// `X-Forwarded-For` is believed). Neither token nor CIDR set: the route is not mounted (404).
pub fn config(vars: impl IntoIterator<Item = (String, String)>) -> Result<MetricsConfig, String> {
    let mapped: Vec<(String, String)> = vars
        .into_iter()
        .filter_map(|(k, v)| {
            let key = match k.as_str() {
                "RM_METRICS_TOKEN" => "AUTH_TOKEN",
                "RM_METRICS_TRUSTED_CIDR" => "AUTH_TRUSTED_CIDRS",
                "RM_TRUSTED_PROXY" => "AUTH_TRUSTED_PROXIES",
                _ => return None,
            };
            Some((key.to_string(), v))
        })
        .collect();
    let config = MetricsConfig {
        process_metrics: false,
        ..MetricsConfig::default()
    };
    config.with_vars("", mapped).map_err(|e| e.to_string())
}

/// The exposition of the golden test: seed 002's families and `rm_build_info`.
pub fn registry(build: BuildInfo) -> Result<Registry, String> {
    SEED.registry()
        .and_then(|r| r.with_build_info("rm_", build))
        .map_err(|e| e.to_string())
}

/// The `/metrics` app: [`registry`] behind the gate of `config` (404 when no gate is set).
pub fn app(config: &MetricsConfig) -> Result<axum::Router, String> {
    let registry = config
        .apply(registry(metrics_runtime::build_info!())?)
        .map_err(|e| e.to_string())?;
    Ok(metrics_runtime::http::metrics_router(
        Arc::new(registry),
        config,
    ))
}

/// The demo: records the fixed fleet and jobs, serves `/metrics` on loopback behind the token
/// `RM_METRICS_TOKEN=demo-token`, scrapes it without the token (401) and with it (200).
/// Returns the scraped exposition.
pub fn run_demo() -> Result<String, Box<dyn std::error::Error>> {
    record_demo();
    let config = config([("RM_METRICS_TOKEN".to_string(), "demo-token".to_string())])?;
    let app = app(&config)?;
    crate::runtime()?.block_on(async move {
        let server = crate::start_server(app).await?;
        let denied = crate::get(server.addr, "/metrics", &[]).await?;
        let ok = crate::get(
            server.addr,
            "/metrics",
            &["Authorization: Bearer demo-token"],
        )
        .await?;
        server.shutdown().await?;
        if denied.status != 401 || ok.status != 200 {
            return Err(format!(
                "expected 401 then 200 from /metrics, got {} and {}",
                denied.status, ok.status
            )
            .into());
        }
        Ok(ok.body)
    })
}

/// The seed's Grafana dashboard (P6-05): its six panels, written against the descriptors'
/// names and label values, then one generated panel per family.
pub fn dashboard() -> serde_json::Value {
    use metrics_tools::dashboard::{self, Meta, Panel, Row};
    let n = |d: &metrics_runtime::FamilyDescriptor| d.name;
    let online = n(HostsOnline::DESCRIPTOR);
    let hosts = n(Hosts::DESCRIPTOR);
    let alerts = n(ActiveAlerts::DESCRIPTOR);
    let agent = n(HostAgentOnline::DESCRIPTOR);
    let last = n(HostLastBackupTimestamp::DESCRIPTOR);
    let status = n(HostLastBackupStatus::DESCRIPTOR);
    let size = n(HostRepoSize::DESCRIPTOR);
    let snapshots = n(HostSnapshots::DESCRIPTOR);
    let jobs = n(JobDuration::DESCRIPTOR);
    let failed = LastBackup::Failed.as_str();
    let t = |expr: String, legend: &str| (expr, legend.to_string());
    let panels = [
        Panel::new(
            "Fleet status",
            "stat",
            "percentunit",
            vec![t(format!("{online} / {hosts}"), "online")],
        ),
        Panel::new(
            "Open alerts",
            "stat",
            "short",
            vec![t(format!("sum by (severity) ({alerts})"), "{{severity}}")],
        ),
        Panel::new(
            "Hosts",
            "table",
            "short",
            vec![
                t(agent.to_string(), "online"),
                t(format!("time() - ({last} > 0)"), "since last backup"),
                t(size.to_string(), "repo size"),
                t(snapshots.to_string(), "snapshots"),
            ],
        ),
        Panel::new(
            "Repo size over time",
            "timeseries",
            "bytes",
            vec![t(size.to_string(), "{{host}}")],
        ),
        Panel::new(
            "Backups failing",
            "timeseries",
            "short",
            vec![t(
                format!("count({status}{{status=\"{failed}\"}} == 1) or vector(0)"),
                "hosts",
            )],
        ),
        Panel::new(
            "Job duration p95",
            "timeseries",
            "s",
            vec![t(
                format!("histogram_quantile(0.95, sum by (kind, le) (rate({jobs}_bucket[1h])))"),
                "{{kind}}",
            )],
        ),
    ];
    dashboard::build(
        Meta {
            title: "restic-manager",
            uid: "restic-manager",
            description: "Seed 002's dashboard, generated from the family descriptors.",
            tags: &["restic-manager", "generated"],
        },
        &[
            Row {
                title: "Fleet".to_string(),
                panels: panels.to_vec(),
            },
            Row::of_families(
                "Every family",
                SEED.families()
                    .map(|f| metrics_tools::Family::from_descriptor(f.descriptor())),
            ),
        ],
    )
}
