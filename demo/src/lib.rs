//! The platform's demo exporter and the framing of its toolkit outputs.
//!
//! `metrics-demo serve` is a demo exporter of every catalog family, with a simulated workload
//! that records continuously, behind the real `/metrics` auth gate. With no auth flags it
//! listens on 127.0.0.1 and trusts loopback only, so a newcomer's
//! `curl 127.0.0.1:9464/metrics` works and nothing else can reach it.
//!
//! Every other command of `metrics-demo` is the toolkit's, over [`catalog`].

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use metrics_runtime::http::{self, HttpMetrics, HttpMetricsLayer, HttpObservation};
use metrics_runtime::{Exemplar, LabelValue, MetricFamily, MetricsConfig, Registry};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use metrics_catalog::control_plane::{
    HttpMethod, HttpRequestDuration, HttpRequests, PathTemplate, StatusClass,
};
use metrics_catalog::{agent, control_plane, edge, events, projections, scheduler};

/// The catalog-wide series bound the platform holds itself to: seed 004's guidance of under
/// 10,000 series for a typical deployment, applied to the worst case.
pub const SERIES_LIMIT: usize = 10_000;

/// The command that regenerates the committed reference.
pub const REGENERATE: &str = "cargo run -p metrics-demo -- docs";

/// The platform catalog, as the toolkit reads it.
pub fn catalog() -> metrics_tools::Catalog {
    let all: Vec<&metrics_runtime::Component> = metrics_catalog::COMPONENTS.iter().collect();
    metrics_tools::Catalog::from_components(&all)
}

/// `docs/metrics.md` at the workspace root this crate was built from.
pub fn docs_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("docs")
        .join("metrics.md")
}

/// How the platform's reference is framed.
pub fn docs_options() -> metrics_tools::docs::DocsOptions {
    metrics_tools::docs::DocsOptions {
        title: Some("Metric reference".to_string()),
        intro: Some(
            "The platform's required metric families (seed 000, \"Required metrics by component\"), one section \
             per component, declared in `metrics-catalog/src/`.\n\n\
             [`operations.md`](operations.md) tells how to check a running exporter against this reference \
             (`check`), find families declared but never recorded (`coverage`), compare with the committed \
             baseline (`diff`), and use the generated Prometheus rules and Grafana dashboards."
                .to_string(),
        ),
        stability_note: Some(
            "Seed 000 is a draft policy, so no family is stable yet. A family is beta when seed 000 itself fixes its \
             whole shape: its name, its type, and either no labels or every value of its labels (the unschedulable \
             reasons, the agent failure reasons, the cache kinds, the SNI results); histograms stay alpha because \
             their buckets are the catalog's choice. Every other family is alpha: the catalog chose its label values, \
             buckets or name (see the deviations below), and a review of the seed may change them. \
             `check` warns when a scrape exposes a deprecated family."
                .to_string(),
        ),
        regenerate: Some(REGENERATE.to_string()),
        series_limit: Some(SERIES_LIMIT),
    }
}

/// What `serve` is told on the command line.
#[derive(Debug, Clone, Default)]
pub struct ServeOptions {
    /// Where to listen.
    pub listen: Option<SocketAddr>,
    /// The bearer token.
    pub token: Option<String>,
    /// A file holding the bearer token.
    pub token_file: Option<PathBuf>,
    /// Trusted source networks.
    pub trusted_cidrs: Vec<String>,
    /// A `MetricsConfig` TOML file.
    pub config: Option<PathBuf>,
    /// Milliseconds between workload ticks.
    pub tick_ms: u64,
    /// Answer the demo API's `GET /v1/orgs` with 500, so this replica records server errors
    /// (`trc_http_requests_total{status="5xx"}`): how a test forces an error-ratio alert on
    /// one replica of several.
    pub server_errors: bool,
}

/// The default listen address.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:9464";

/// The configuration `serve` runs with: file, then `METRICS_*` environment, then flags; with
/// no gate at all, loopback only.
pub fn config(opts: &ServeOptions) -> Result<MetricsConfig, String> {
    let mut cfg = match &opts.config {
        Some(path) => MetricsConfig::from_file(path).map_err(|e| e.to_string())?,
        None => MetricsConfig::default(),
    };
    cfg = cfg.with_env("METRICS_").map_err(|e| e.to_string())?;
    // Each flag as the variable it stands for, its value as an OS string: a token file's
    // path need not be UTF-8, and is read as given (its text form is only for messages).
    let mut vars: Vec<(&str, &str, std::ffi::OsString)> = Vec::new();
    if let Some(t) = &opts.token {
        vars.push(("--token", "AUTH_TOKEN", t.into()));
    }
    if let Some(f) = &opts.token_file {
        vars.push((
            "--token-file",
            "AUTH_TOKEN_FILE",
            f.clone().into_os_string(),
        ));
    }
    if !opts.trusted_cidrs.is_empty() {
        vars.push((
            "--trusted-cidr",
            "AUTH_TRUSTED_CIDRS",
            opts.trusted_cidrs.join(",").into(),
        ));
    }
    for (flag, key, value) in vars {
        cfg = cfg
            .with_os_vars("", [(std::ffi::OsString::from(key), value)])
            .map_err(|e| format!("invalid {flag}: {}", e.message))?;
    }
    if !cfg.auth.serves() {
        cfg.auth.trusted_cidrs = vec![
            "127.0.0.0/8".parse().map_err(|_| "loopback")?,
            "::1/128".parse().map_err(|_| "loopback")?,
        ];
    }
    Ok(cfg)
}

/// Records the control plane's HTTP families from the middleware: the route template is
/// mapped onto the catalog's bounded `PathTemplate` enum; anything else is `unmatched`.
#[derive(Debug, Clone, Copy, Default)]
pub struct ControlPlaneHttp;

fn method(m: http::HttpMethod) -> HttpMethod {
    match m {
        http::HttpMethod::Get | http::HttpMethod::Head => HttpMethod::Get,
        http::HttpMethod::Post => HttpMethod::Post,
        http::HttpMethod::Put => HttpMethod::Put,
        http::HttpMethod::Patch => HttpMethod::Patch,
        http::HttpMethod::Delete => HttpMethod::Delete,
        _ => HttpMethod::Other,
    }
}

fn status(code: u16) -> StatusClass {
    match code {
        100..=199 => StatusClass::Informational,
        200..=299 => StatusClass::Success,
        300..=399 => StatusClass::Redirection,
        400..=499 => StatusClass::ClientError,
        _ => StatusClass::ServerError,
    }
}

impl HttpMetrics for ControlPlaneHttp {
    fn on_request(&self, _method: http::HttpMethod, _route: &str) {}
    fn on_response(&self, o: &HttpObservation<'_>) {
        // Axum writes `{param}`, as the catalog's templates do; a template the catalog does
        // not declare, and a request no route matched, are `unmatched`.
        let path_template = o.route_label().unwrap_or(PathTemplate::Unmatched);
        let (method, status) = (method(o.method), status(o.status));
        HttpRequests {
            method,
            path_template,
            status,
        }
        .inc();
        HttpRequestDuration {
            method,
            path_template,
            status,
        }
        .observe(o.duration.as_secs_f64());
    }
}

/// The demo API: a few of the control plane's routes. With `server_errors`, `GET /v1/orgs`
/// fails with 500.
fn demo_app(server_errors: bool) -> axum::Router {
    use axum::routing::{get, post};
    let list_orgs = move || async move {
        if server_errors {
            (axum::http::StatusCode::INTERNAL_SERVER_ERROR, "{}\n")
        } else {
            (axum::http::StatusCode::OK, "[]\n")
        }
    };
    axum::Router::new()
        .route(
            "/v1/orgs",
            get(list_orgs).post(|| async { (axum::http::StatusCode::CREATED, "{}\n") }),
        )
        .route("/v1/orgs/{org_id}", get(|| async { "{}\n" }))
        .route(
            "/v1/envs/{env_id}/deploys",
            post(|| async { (axum::http::StatusCode::ACCEPTED, "{}\n") }),
        )
        .route("/v1/envs/{env_id}/instances", get(|| async { "[]\n" }))
        .route(
            "/v1/auth/token",
            post(|| async {
                (
                    axum::http::StatusCode::BAD_REQUEST,
                    "{\"error\":\"invalid_grant\"}\n",
                )
            }),
        )
}

/// Time to run one database query of the simulated workload, by query class: what the
/// catalog's `trc_db_query_duration_seconds` records, as a native histogram (schema 3, buckets
/// 9% wide from 10 µs to 100 s) beside the same classic buckets.
//
// The demo's own family, outside the catalog: a catalog family with a native histogram makes
// `metrics-tools rules` and `dashboard` read its native series only, which a Prometheus that
// scrapes text never stores, so the generated rules over it would go empty there (the
// multi-replica test's text-scraping agent shows it). Here the exporter serves a native
// histogram to a Prometheus that asks for protobuf, and the catalog's rules, dashboards and
// reference stay as they are.
#[derive(MetricFamily)]
#[metric(
    histogram,
    name = "demo_db_query_duration_seconds",
    unit = "seconds",
    buckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0],
    native(schema = 3, zero_threshold = 1e-5, max_buckets = 64, range = [1e-5, 100.0])
)]
pub struct DemoDbQueryDuration {
    pub query_class: control_plane::QueryClass,
}

/// The registry `serve` exposes: every catalog family, configured, the demo's native histogram
/// ([`DemoDbQueryDuration`]), and the runtime's self-metrics and build info under
/// `metrics_runtime_`.
pub fn registry(cfg: &MetricsConfig) -> Result<Registry, String> {
    let mut reg = metrics_catalog::registry().map_err(|e| e.to_string())?;
    reg.register::<DemoDbQueryDuration>()
        .map_err(|e| e.to_string())?;
    let reg = cfg.apply(reg).map_err(|e| e.to_string())?;
    reg.with_self_metrics("metrics_runtime_")
        .and_then(|r| r.with_build_info("metrics_runtime_", metrics_runtime::build_info!()))
        .map_err(|e| e.to_string())
}

/// The value at `tick` of a deterministic, uneven walk over an enum's values.
fn pick<T: LabelValue>(tick: u64, salt: u64) -> T {
    let n = T::CARDINALITY as u64;
    // Earlier values come up more often, like real outcome mixes.
    let x = (tick.wrapping_mul(2654435761).wrapping_add(salt)) % (n * (n + 1) / 2);
    let mut acc = 0;
    for i in 0..n {
        acc += n - i;
        if x < acc {
            return T::VALUES[i as usize];
        }
    }
    T::VALUES[0]
}

/// The trace id the workload's tick `tick` records as the exemplar of
/// `trc_auth_token_mints_total` and `demo_db_query_duration_seconds`: 32 lowercase hex digits,
/// as W3C Trace Context writes one, `7472635f64656d6f` ("trc_demo") then the tick.
pub fn trace_id(tick: u64) -> String {
    format!("7472635f64656d6f{tick:016x}")
}

/// The database query time the workload's tick `tick` observes: 1, 2, ..., 9 ms in turn, so
/// over any whole number of cycles the median is 5 ms (a value with a ninth of the
/// observations, not a boundary between two) and a test knows what a quantile must give.
pub fn db_query_seconds(tick: u64) -> f64 {
    (tick % 9 + 1) as f64 / 1000.0
}

/// One tick of simulated work across the components: every family but the HTTP ones (which
/// the middleware records) is recorded, or set to a non-zero value, within the first two ticks
/// (`metrics-catalog coverage --ticks 2` lists only the HTTP families). The group reconcile durations cycle through 10, 20, ..., 100 ms so the
/// end-to-end test knows the quantiles to expect.
pub fn simulate_tick(tick: u64) {
    let cycle = (tick % 10 + 1) as f64 / 100.0;
    // scheduler
    scheduler::ReconcileRuns.inc();
    scheduler::ReconcileDuration.observe(cycle / 2.0);
    let g = pick::<scheduler::GroupReconcileResult>(tick, 1);
    scheduler::GroupReconciles { result: g }.inc();
    scheduler::GroupReconcileDuration { result: g }.observe(cycle);
    scheduler::InstanceAllocations {
        result: pick(tick, 2),
    }
    .inc();
    scheduler::Unschedulable {
        reason: pick(tick, 3),
    }
    .inc();
    if tick.is_multiple_of(5) {
        scheduler::InstanceDrains {
            reason: pick(tick, 4),
        }
        .inc();
        scheduler::InstanceStops {
            reason: pick(tick, 5),
        }
        .inc();
        let r = pick::<scheduler::RolloutResult>(tick, 6);
        scheduler::RolloutDuration { result: r }.observe(30.0 + cycle * 600.0);
        scheduler::RolloutFailures {
            reason: pick(tick, 7),
        }
        .inc();
    }
    // agent
    agent::Heartbeats {
        result: pick(tick, 8),
    }
    .inc();
    agent::OverlayPeers.set(12.0);
    agent::OverlayHandshakeAgeSecondsMax.set(5.0 + cycle * 100.0);
    agent::InstancesDesired.set(40.0);
    agent::InstancesRunning.set(38.0 + (tick % 3) as f64);
    agent::InstancesReady.set(37.0 + (tick % 3) as f64);
    agent::InstanceFailures {
        reason: pick(tick, 9),
    }
    .inc();
    let boot = pick::<agent::BootResult>(tick, 10);
    agent::InstanceBootDuration { result: boot }.observe(0.2 + cycle * 10.0);
    let pull = pick::<agent::ImagePullResult>(tick, 11);
    agent::ImagePulls { result: pull }.inc();
    agent::ImagePullDuration { result: pull }.observe(1.0 + cycle * 20.0);
    agent::RootdiskBuildDuration {
        result: pick(tick, 12),
    }
    .observe(2.0 + cycle * 30.0);
    for (i, kind) in agent::CacheKind::VALUES.iter().enumerate() {
        agent::CacheBytes { kind: *kind }.set(1e9 * (i + 1) as f64 + (tick % 100) as f64 * 1e6);
    }
    agent::CacheEvictions {
        kind: pick(tick, 13),
    }
    .inc();
    agent::VolumePoolFreeBytes.set(5e11);
    agent::VolumePoolUsedBytes.set(2e11 + (tick % 50) as f64 * 1e9);
    for m in agent::Mount::VALUES {
        agent::DiskFreeBytes { mount: *m }.set(1e11);
    }
    // The cache is over its limit half of the time, and evicts.
    agent::DiskPressure {
        kind: agent::PressureKind::Cache,
    }
    .set(if tick % 100 < 50 { 1.0 } else { 0.0 });
    let sd = pick::<agent::SecretsDeliveryResult>(tick, 14);
    agent::SecretsDeliveries {
        result: sd,
        reason: pick(tick, 15),
    }
    .inc();
    agent::SecretsDeliveryDuration { result: sd }.observe(cycle);
    if tick.is_multiple_of(10) {
        let j = pick::<agent::JobResult>(tick, 16);
        agent::Snapshots { result: j }.inc();
        agent::SnapshotDuration { result: j }.observe(10.0 + cycle * 100.0);
        agent::Backups { result: j }.inc();
        agent::BackupDuration { result: j }.observe(60.0 + cycle * 1000.0);
        agent::BackupBytes { result: j }.inc_by(1 << 20);
        agent::ControlplaneReconnects.inc();
    }
    // events
    let a = pick::<events::AppendResult>(tick, 17);
    events::EventAppends { result: a }.inc();
    events::EventAppendDuration { result: a }.observe(cycle / 20.0);
    events::EventsTableRows.set(1e6 + tick as f64);
    events::EventsTableSizeBytes.set(2e9 + tick as f64 * 512.0);
    let (c, r) = (
        pick::<events::Command>(tick, 18),
        pick::<events::CommandResult>(tick, 19),
    );
    events::Commands {
        command: c,
        result: r,
    }
    .inc();
    events::CommandDuration {
        command: c,
        result: r,
    }
    .observe(cycle / 10.0);
    // projections
    let p = pick::<projections::Projection>(tick, 20);
    projections::ProjectionLastAppliedEventId { projection: p }.set(1e6 + tick as f64);
    projections::ProjectionLagEvents { projection: p }.set((tick % 7) as f64);
    projections::ProjectionApplyDuration { projection: p }.observe(cycle / 50.0);
    if tick.is_multiple_of(20) {
        projections::ProjectionErrors { projection: p }.inc();
    }
    if tick.is_multiple_of(50) {
        projections::ProjectionRebuilds { projection: p }.inc();
    }
    // control plane, besides HTTP (which the middleware records)
    // The request behind this tick's token mint and query, as a tracer would name it: the
    // counter and the demo's native histogram carry it as their exemplar.
    let exemplar = Exemplar::trace_id(&trace_id(tick)).ok();
    let mint = control_plane::AuthTokenMints {
        grant_type: pick(tick, 21),
        result: pick(tick, 22),
    };
    match &exemplar {
        Some(ex) => mint.inc_with_exemplar(ex),
        None => mint.inc(),
    }
    control_plane::AuthTokenRefresh {
        result: pick(tick, 23),
    }
    .inc();
    control_plane::AuthDeviceFlowPolls {
        result: pick(tick, 24),
    }
    .inc();
    control_plane::DbConnectionsMax.set(50.0);
    control_plane::DbConnectionsInUse.set((tick % 20) as f64);
    let query_class = pick(tick, 25);
    control_plane::DbQueryDuration { query_class }.observe(db_query_seconds(tick));
    let native = DemoDbQueryDuration { query_class };
    match &exemplar {
        Some(ex) => native.observe_with_exemplar(db_query_seconds(tick), ex),
        None => native.observe(db_query_seconds(tick)),
    }
    if tick.is_multiple_of(4) {
        control_plane::IdempotencyHits {
            endpoint: pick(tick, 26),
        }
        .inc();
    }
    if tick.is_multiple_of(8) {
        control_plane::IdempotencyConflicts {
            endpoint: pick(tick, 34),
        }
        .inc();
    }
    // edge
    let port = pick::<edge::ListenerPort>(tick, 27);
    edge::Connections {
        listener_port: port,
        result: pick(tick, 28),
    }
    .inc();
    edge::ConcurrentConnections {
        listener_port: port,
    }
    .set((tick % 100) as f64);
    edge::RoutesLoaded.set(120.0);
    edge::BackendsActive.set(64.0);
    edge::BackendsActiveByProtocol {
        protocol_hint: pick(tick, 29),
    }
    .set(16.0);
    let sni = pick::<edge::SniResult>(tick, 30);
    edge::SniSniffs { result: sni }.inc();
    edge::SniSniffDuration { result: sni }.observe(cycle / 100.0);
    edge::ProxyV2EnabledRoutes.set(8.0);
    edge::ProxyV2Injections {
        result: pick(tick, 31),
    }
    .inc();
    if tick.is_multiple_of(10) {
        let ca = pick::<edge::ConfigApplyResult>(tick, 32);
        edge::ConfigApplies { result: ca }.inc();
        edge::ConfigApplyDuration { result: ca }.observe(cycle);
        edge::UpstreamConnectFailures {
            reason: pick(tick, 33),
        }
        .inc();
    }
}

/// The demo requests of one tick: real HTTP over loopback through the middleware.
const DEMO_REQUESTS: &[(&str, &str)] = &[
    ("GET", "/v1/orgs"),
    ("GET", "/v1/orgs/42"),
    ("POST", "/v1/envs/7/deploys"),
    ("GET", "/v1/envs/7/instances"),
    ("POST", "/v1/auth/token"),
    ("GET", "/v1/does-not-exist"),
];

async fn demo_request(addr: SocketAddr, method: &str, path: &str) -> std::io::Result<()> {
    let mut s = tokio::net::TcpStream::connect(addr).await?;
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: demo\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    );
    s.write_all(req.as_bytes()).await?;
    let mut sink = Vec::new();
    s.read_to_end(&mut sink).await?;
    Ok(())
}

/// A status line on standard output. An exporter keeps serving when nobody reads its output
/// any more (`println!` would panic on the closed pipe).
fn say(line: &str) {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}").and_then(|()| out.flush());
}

/// The listen queue `run` asks for: the kernel caps it at `net.core.somaxconn` (4096 by
/// default). The usual 128 drops the SYNs of a burst of connections, and a dropped SYN costs
/// a scraper a one-second retransmission.
pub const LISTEN_BACKLOG: u32 = 4096;

/// Binds `addr` with a listen queue of [`LISTEN_BACKLOG`].
fn listen(addr: SocketAddr) -> std::io::Result<tokio::net::TcpListener> {
    let socket = if addr.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(LISTEN_BACKLOG)
}

/// The startup line: where the metrics are, behind which gate, and the curl that reads them;
/// or that the endpoint is off.
pub fn banner(cfg: &MetricsConfig, families: usize, local: SocketAddr) -> String {
    if !cfg.enabled {
        return format!(
            "metrics-demo serve: the metrics endpoint is disabled (enabled = false); serving the demo API on http://{local}"
        );
    }
    let nets = || {
        cfg.auth
            .trusted_cidrs
            .iter()
            .map(|c| c.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let gate = match (&cfg.auth.token, cfg.auth.trusted_cidrs.is_empty()) {
        (Some(_), true) => "bearer token".to_string(),
        (Some(_), false) => format!("bearer token and sources in {}", nets()),
        (None, false) => format!("sources in {}", nets()),
        (None, true) => "none (network declared trusted)".to_string(),
    };
    let curl = if cfg.auth.token.is_some() {
        " -H 'Authorization: Bearer <token>'"
    } else {
        ""
    };
    format!(
        "metrics-demo serve: {families} families on http://{local}{path} (auth: {gate}); try: curl{curl} http://{local}{path}",
        path = cfg.path
    )
}

/// SIGTERM or SIGINT (Ctrl-C), as a stream: the first asks for a graceful stop, a second
/// for an immediate one.
struct Signals {
    #[cfg(unix)]
    term: Option<tokio::signal::unix::Signal>,
    #[cfg(unix)]
    int: Option<tokio::signal::unix::Signal>,
}

impl Signals {
    fn new() -> Self {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Signals {
                term: signal(SignalKind::terminate()).ok(),
                int: signal(SignalKind::interrupt()).ok(),
            }
        }
        #[cfg(not(unix))]
        {
            Signals {}
        }
    }

    /// The next SIGTERM or SIGINT.
    async fn recv(&mut self) {
        #[cfg(unix)]
        {
            async fn one(s: &mut Option<tokio::signal::unix::Signal>) {
                match s {
                    Some(s) => {
                        s.recv().await;
                    }
                    None => std::future::pending().await,
                }
            }
            tokio::select! {
                () = one(&mut self.term) => {}
                () = one(&mut self.int) => {}
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

/// Runs the exporter until SIGTERM or Ctrl-C: the first stops it gracefully (open requests
/// get `limits.drain_timeout`), a second at once.
pub async fn run(opts: ServeOptions) -> Result<(), String> {
    let cfg = config(&opts)?;
    for warning in MetricsConfig::misspelled_env("METRICS_") {
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), "metrics-demo: warning: {warning}");
    }
    let registry = Arc::new(registry(&cfg)?);
    let listen_on = match opts.listen {
        Some(a) => a,
        None => DEFAULT_LISTEN
            .parse()
            .map_err(|_| "default listen address")?,
    };
    // The middleware measures the control plane's API (its routes and the 404s of unknown
    // paths), not the scrapes of /metrics, which is mounted after the layer.
    let api = demo_app(opts.server_errors)
        // The 404 of an unknown path is the API's too: an explicit fallback, so the layer
        // wraps it and the merge below keeps it.
        .fallback(|| async { axum::http::StatusCode::NOT_FOUND })
        .layer(HttpMetricsLayer::new(ControlPlaneHttp));
    // A metrics path the API routes too is a config error, not a panic.
    let app = http::mount(api, Arc::clone(&registry), &cfg).map_err(|e| e.to_string())?;
    // Refused limits (a connection cap past `ulimit -n`) are said before the banner.
    http::check_limits(&cfg.limits).map_err(|e| e.to_string())?;
    let listener = listen(listen_on).map_err(|e| format!("cannot listen on {listen_on}: {e}"))?;
    let local = listener.local_addr().map_err(|e| e.to_string())?;
    say(&banner(&cfg, registry.families().len(), local));
    let tick = Duration::from_millis(opts.tick_ms.max(1));
    let workload = tokio::spawn(async move {
        let mut interval = tokio::time::interval(tick);
        let mut n = 0u64;
        loop {
            interval.tick().await;
            simulate_tick(n);
            for (method, path) in DEMO_REQUESTS {
                // A failed demo request is only a missing sample; the exporter goes on.
                let _ = demo_request(local, method, path).await;
            }
            n += 1;
        }
    });
    let mut signals = Signals::new();
    let (first_tx, first_rx) = tokio::sync::oneshot::channel::<()>();
    let shutdown = async move {
        let _ = first_rx.await;
    };
    let served = http::serve_with(listener, app, &cfg.limits, shutdown);
    tokio::pin!(served);
    let outcome = tokio::select! {
        served = &mut served => Some(served),
        () = signals.recv() => None,
    };
    workload.abort();
    let served = match outcome {
        Some(served) => served,
        None => {
            say(&format!(
                "metrics-demo serve: stopping; open requests get {:?} (a second signal stops at once)",
                cfg.limits.drain_timeout
            ));
            let _ = first_tx.send(());
            tokio::select! {
                served = &mut served => served,
                () = signals.recv() => {
                    say("metrics-demo serve: second signal, stopped at once");
                    return Ok(());
                }
            }
        }
    };
    say("metrics-demo serve: stopped");
    served.map_err(|e| format!("server error: {e}"))
}
