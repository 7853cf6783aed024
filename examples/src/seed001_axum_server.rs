//! Seed 001: the Tachikoma server's metrics (spec 333): HTTP, WebSocket, execution, storage,
//! cache, backend and business families, recorded by an axum app through the runtime's HTTP
//! layer, configured by a `MetricsConfig`, served behind the `/metrics` gate.
//!
//! Rewrites (docs/seeds.md has the table): every name takes the `tachikoma_` prefix; the raw
//! `path` label is the route template ([`ApiRoute`], R7); `status` is a bounded set of codes
//! (R8); `model` is a capped label (R8); `cache_size` is `cache_entries` (it counts entries);
//! `missions_total` and `specs_total` are gauges and lose `_total` (R3). The seed's `Timer`,
//! whose `Drop` did nothing, is the runtime's timer, which records when dropped.

use std::sync::Arc;

use axum::extract::Path;
use axum::http::StatusCode as HttpStatus;
use axum::routing::{get, post};
use metrics_runtime::http::{self, HttpMetrics, HttpMetricsLayer, HttpObservation};
use metrics_runtime::{LabelValue, MetricFamily, MetricsConfig, Registry};

use metrics_runtime::Component;

// ---- label types ---------------------------------------------------------------------------

/// HTTP method, bounded (HEAD counts as GET).
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
    /// Any other method.
    Other,
}

impl Method {
    /// The bounded value of the method the HTTP layer saw.
    pub fn of(m: http::HttpMethod) -> Self {
        match m {
            http::HttpMethod::Get | http::HttpMethod::Head => Method::Get,
            http::HttpMethod::Post => Method::Post,
            http::HttpMethod::Put => Method::Put,
            http::HttpMethod::Patch => Method::Patch,
            http::HttpMethod::Delete => Method::Delete,
            _ => Method::Other,
        }
    }
}

/// The route template a request matched, as the router spells it: the seed's raw `path`
/// (normalised by a UUID regex, which still let every numeric id or typo through) replaced by
/// the router's own templates, so the label has exactly these values.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApiRoute {
    #[label(rename = "/api/v1/missions")]
    Missions,
    #[label(rename = "/api/v1/missions/{id}")]
    Mission,
    #[label(rename = "/api/v1/missions/{id}/specs")]
    MissionSpecs,
    #[label(rename = "/api/v1/specs/{id}")]
    Spec,
    #[label(rename = "/api/v1/executions")]
    Executions,
    #[label(rename = "/api/v1/executions/{id}")]
    Execution,
    #[label(rename = "/ws")]
    WebSocket,
    #[label(rename = "/health")]
    Health,
    #[label(rename = "/metrics")]
    Metrics,
    /// No route matched (probes, typos): one value, whatever the path.
    Unmatched,
}

impl ApiRoute {
    /// The enum value of the template the HTTP layer reports; unknown ones are `unmatched`.
    pub fn of(template: &str) -> Self {
        ApiRoute::VALUES
            .iter()
            .copied()
            .find(|r| r.as_str() == template)
            .unwrap_or(ApiRoute::Unmatched)
    }
}

/// The response status code: the codes this server answers with, and `other`.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    #[label(rename = "200")]
    Ok,
    #[label(rename = "201")]
    Created,
    #[label(rename = "204")]
    NoContent,
    #[label(rename = "304")]
    NotModified,
    #[label(rename = "400")]
    BadRequest,
    #[label(rename = "401")]
    Unauthorized,
    #[label(rename = "403")]
    Forbidden,
    #[label(rename = "404")]
    NotFound,
    #[label(rename = "409")]
    Conflict,
    #[label(rename = "422")]
    Unprocessable,
    #[label(rename = "429")]
    TooManyRequests,
    /// The client went away before the response.
    #[label(rename = "499")]
    ClientClosed,
    #[label(rename = "500")]
    InternalError,
    #[label(rename = "502")]
    BadGateway,
    #[label(rename = "503")]
    Unavailable,
    /// Any other code.
    Other,
}

impl Status {
    /// The bounded value of a status code.
    pub fn of(code: u16) -> Self {
        match code {
            200 => Status::Ok,
            201 => Status::Created,
            204 => Status::NoContent,
            304 => Status::NotModified,
            400 => Status::BadRequest,
            401 => Status::Unauthorized,
            403 => Status::Forbidden,
            404 => Status::NotFound,
            409 => Status::Conflict,
            422 => Status::Unprocessable,
            429 => Status::TooManyRequests,
            499 => Status::ClientClosed,
            500 => Status::InternalError,
            502 => Status::BadGateway,
            503 => Status::Unavailable,
            _ => Status::Other,
        }
    }
}

/// WebSocket message type.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum MessageType {
    Text,
    Binary,
    Ping,
    Pong,
    Close,
}

/// The LLM backend an execution runs on.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Claude,
    Codex,
    Gemini,
    Ollama,
}

metrics_runtime::capped_label! {
    /// The model an execution used, as configured: a deployment configures a handful, so
    /// 16 get their own series and any more share the overflow value.
    pub struct ModelName(cap = 16);
}

/// How an execution ended.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExecutionStatus {
    Success,
    Failure,
    Cancelled,
}

/// Which side of an exchange tokens were counted on.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenType {
    Prompt,
    Completion,
}

/// A database operation.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum DbOperation {
    Select,
    Insert,
    Update,
    Delete,
}

/// The tables the server queries.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum DbTable {
    Missions,
    Specs,
    Executions,
    FileChanges,
}

/// A backend API endpoint.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum BackendEndpoint {
    Messages,
    Completions,
    Embeddings,
    Models,
}

/// Why a backend call failed.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum BackendErrorType {
    RateLimited,
    Timeout,
    Authentication,
    InvalidRequest,
    ServerError,
    Network,
}

/// A spec's status.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum SpecStatus {
    Planned,
    InProgress,
    Complete,
    Blocked,
}

/// What a file change did.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangeType {
    Created,
    Modified,
    Deleted,
    Renamed,
}

/// What became of a file change.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangeStatus {
    Applied,
    Rejected,
    Reverted,
}

// ---- HTTP ----------------------------------------------------------------------------------

/// Total number of HTTP requests.
#[derive(MetricFamily)]
#[metric(counter, name = "tachikoma_http_requests_total")]
pub struct HttpRequests {
    pub method: Method,
    pub path_template: ApiRoute,
    pub status: Status,
}

/// HTTP request latency in seconds.
#[derive(MetricFamily)]
#[metric(histogram, name = "tachikoma_http_request_duration_seconds", unit = "seconds",
         buckets = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0])]
pub struct HttpRequestDuration {
    pub method: Method,
    pub path_template: ApiRoute,
}

/// HTTP request size in bytes.
#[derive(MetricFamily)]
#[metric(histogram, name = "tachikoma_http_request_size_bytes", unit = "bytes",
         buckets = [100.0, 1000.0, 10000.0, 100000.0, 1000000.0, 10000000.0])]
pub struct HttpRequestSize {
    pub method: Method,
    pub path_template: ApiRoute,
}

/// HTTP response size in bytes.
#[derive(MetricFamily)]
#[metric(histogram, name = "tachikoma_http_response_size_bytes", unit = "bytes",
         buckets = [100.0, 1000.0, 10000.0, 100000.0, 1000000.0, 10000000.0])]
pub struct HttpResponseSize {
    pub method: Method,
    pub path_template: ApiRoute,
}

/// Current number of HTTP requests being processed.
#[derive(MetricFamily)]
#[metric(gauge, name = "tachikoma_http_requests_in_flight")]
pub struct HttpRequestsInFlight;

// ---- WebSocket -----------------------------------------------------------------------------

/// Total number of WebSocket connections.
#[derive(MetricFamily)]
#[metric(counter, name = "tachikoma_ws_connections_total")]
pub struct WsConnections;

/// Current number of active WebSocket connections.
#[derive(MetricFamily)]
#[metric(gauge, name = "tachikoma_ws_connections_current")]
pub struct WsConnectionsCurrent;

/// Total WebSocket messages received.
#[derive(MetricFamily)]
#[metric(counter, name = "tachikoma_ws_messages_received_total")]
pub struct WsMessagesReceived {
    pub message_type: MessageType,
}

/// Total WebSocket messages sent.
#[derive(MetricFamily)]
#[metric(counter, name = "tachikoma_ws_messages_sent_total")]
pub struct WsMessagesSent {
    pub message_type: MessageType,
}

// ---- executions ----------------------------------------------------------------------------

/// Total number of LLM executions.
#[derive(MetricFamily)]
#[metric(counter, name = "tachikoma_executions_total")]
pub struct Executions {
    pub backend: Backend,
    pub model: ModelName,
    pub status: ExecutionStatus,
}

/// LLM execution duration in seconds.
#[derive(MetricFamily)]
#[metric(histogram, name = "tachikoma_execution_duration_seconds", unit = "seconds",
         buckets = [0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0])]
pub struct ExecutionDuration {
    pub backend: Backend,
    pub model: ModelName,
}

/// Total tokens used.
#[derive(MetricFamily)]
#[metric(counter, name = "tachikoma_execution_tokens_total")]
pub struct ExecutionTokens {
    pub backend: Backend,
    pub model: ModelName,
    pub r#type: TokenType,
}

/// Current number of executions in progress.
#[derive(MetricFamily)]
#[metric(gauge, name = "tachikoma_executions_in_progress")]
pub struct ExecutionsInProgress;

// ---- storage -------------------------------------------------------------------------------

/// Total database queries.
#[derive(MetricFamily)]
#[metric(counter, name = "tachikoma_db_queries_total")]
pub struct DbQueries {
    pub operation: DbOperation,
    pub table: DbTable,
}

/// Database query duration in seconds.
#[derive(MetricFamily)]
#[metric(histogram, name = "tachikoma_db_query_duration_seconds", unit = "seconds",
         buckets = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0])]
pub struct DbQueryDuration {
    pub operation: DbOperation,
}

/// Current number of database connections.
#[derive(MetricFamily)]
#[metric(gauge, name = "tachikoma_db_connections_current")]
pub struct DbConnectionsCurrent;

// ---- cache ---------------------------------------------------------------------------------

/// Total cache hits.
#[derive(MetricFamily)]
#[metric(counter, name = "tachikoma_cache_hits_total")]
pub struct CacheHits;

/// Total cache misses.
#[derive(MetricFamily)]
#[metric(counter, name = "tachikoma_cache_misses_total")]
pub struct CacheMisses;

/// Entries currently in the cache (the seed's `cache_size`, which did not say in what).
#[derive(MetricFamily)]
#[metric(gauge, name = "tachikoma_cache_entries")]
pub struct CacheEntries;

// ---- backends ------------------------------------------------------------------------------

/// Total backend API requests.
#[derive(MetricFamily)]
#[metric(counter, name = "tachikoma_backend_requests_total")]
pub struct BackendRequests {
    pub backend: Backend,
    pub endpoint: BackendEndpoint,
}

/// Backend API request duration in seconds.
#[derive(MetricFamily)]
#[metric(histogram, name = "tachikoma_backend_request_duration_seconds", unit = "seconds",
         buckets = [0.1, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0])]
pub struct BackendRequestDuration {
    pub backend: Backend,
}

/// Total backend API errors.
#[derive(MetricFamily)]
#[metric(counter, name = "tachikoma_backend_errors_total")]
pub struct BackendErrors {
    pub backend: Backend,
    pub error_type: BackendErrorType,
}

// ---- business ------------------------------------------------------------------------------

/// Number of missions (the seed's `missions_total`: a gauge, so no `_total`).
#[derive(MetricFamily)]
#[metric(gauge, name = "tachikoma_missions")]
pub struct Missions;

/// Number of specs, by status (the seed's `specs_total`: a gauge, so no `_total`).
#[derive(MetricFamily)]
#[metric(gauge, name = "tachikoma_specs")]
pub struct Specs {
    pub status: SpecStatus,
}

/// Total file changes.
#[derive(MetricFamily)]
#[metric(counter, name = "tachikoma_file_changes_total")]
pub struct FileChanges {
    pub change_type: ChangeType,
    pub status: ChangeStatus,
}

/// Every family name of the seed starts with it.
pub const PREFIX: &str = "tachikoma_";

/// Seed 001's families, in the order the seed lists them.
pub const SEED: Component = Component {
    name: "tachikoma",
    title: "Tachikoma server (seed 001)",
    about: "The Tachikoma server: HTTP, WebSocket, execution, storage and session metrics (spec 333).",
    families: &[
        HttpRequests::family,
        HttpRequestDuration::family,
        HttpRequestSize::family,
        HttpResponseSize::family,
        HttpRequestsInFlight::family,
        WsConnections::family,
        WsConnectionsCurrent::family,
        WsMessagesReceived::family,
        WsMessagesSent::family,
        Executions::family,
        ExecutionDuration::family,
        ExecutionTokens::family,
        ExecutionsInProgress::family,
        DbQueries::family,
        DbQueryDuration::family,
        DbConnectionsCurrent::family,
        CacheHits::family,
        CacheMisses::family,
        CacheEntries::family,
        BackendRequests::family,
        BackendRequestDuration::family,
        BackendErrors::family,
        Missions::family,
        Specs::family,
        FileChanges::family,
    ],
};

// ---- recording -----------------------------------------------------------------------------

/// The seed's `metrics_middleware`, as an [`HttpMetrics`] for the runtime's layer: the layer
/// hands over the router's matched template (never the raw path), the method, the status, the
/// duration and the body sizes.
#[derive(Debug, Clone, Copy, Default)]
pub struct TachikomaHttp;

impl HttpMetrics for TachikomaHttp {
    fn on_request(&self, _method: http::HttpMethod, _route: &str) {
        HttpRequestsInFlight.inc();
    }

    fn on_response(&self, o: &HttpObservation<'_>) {
        HttpRequestsInFlight.dec();
        let (method, path_template) = (Method::of(o.method), ApiRoute::of(o.route));
        HttpRequests {
            method,
            path_template,
            status: Status::of(o.status),
        }
        .inc();
        HttpRequestDuration {
            method,
            path_template,
        }
        .observe_duration(o.duration);
        if let Some(n) = o.request_bytes {
            HttpRequestSize {
                method,
                path_template,
            }
            .observe(n as f64);
        }
        if let Some(n) = o.response_bytes {
            HttpResponseSize {
                method,
                path_template,
            }
            .observe(n as f64);
        }
    }
}

/// Why a simulated execution failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExecutionError {
    /// The backend answered 429.
    RateLimited,
    /// The backend did not answer in time.
    Timeout,
}

/// One LLM execution, as the seed's `record_execution` saw it, but timed by a timer that
/// records on every exit: the `?` below returns early on a backend error, and the timer,
/// dropped there, still records the duration under its labels. (The seed's `Timer` had an
/// empty `Drop`, so an early return lost the observation.)
pub fn run_execution(
    backend: Backend,
    model: ModelName,
    tokens: (u64, u64),
    fail: Option<ExecutionError>,
) -> Result<(), ExecutionError> {
    let _timer = ExecutionDuration::start_timer_with(ExecutionDuration { backend, model });
    ExecutionsInProgress.inc();
    let outcome = call_backend(backend, fail);
    ExecutionsInProgress.dec();
    let status = match outcome {
        Ok(()) => ExecutionStatus::Success,
        Err(_) => ExecutionStatus::Failure,
    };
    Executions {
        backend,
        model,
        status,
    }
    .inc();
    outcome?;
    ExecutionTokens {
        backend,
        model,
        r#type: TokenType::Prompt,
    }
    .inc_by(tokens.0);
    ExecutionTokens {
        backend,
        model,
        r#type: TokenType::Completion,
    }
    .inc_by(tokens.1);
    Ok(())
}

fn call_backend(backend: Backend, fail: Option<ExecutionError>) -> Result<(), ExecutionError> {
    let timer = BackendRequestDuration::start_timer_with(BackendRequestDuration { backend });
    BackendRequests {
        backend,
        endpoint: BackendEndpoint::Messages,
    }
    .inc();
    if let Some(e) = fail {
        BackendErrors {
            backend,
            error_type: match e {
                ExecutionError::RateLimited => BackendErrorType::RateLimited,
                ExecutionError::Timeout => BackendErrorType::Timeout,
            },
        }
        .inc();
        return Err(e); // the timer records on this drop too
    }
    timer.finish(BackendRequestDuration { backend });
    Ok(())
}

/// One database query, timed (the seed's `record_db_query`).
pub fn db_query<T>(operation: DbOperation, table: DbTable, query: impl FnOnce() -> T) -> T {
    let timer = DbQueryDuration::start_timer_with(DbQueryDuration { operation });
    DbQueries { operation, table }.inc();
    let out = query();
    drop(timer);
    out
}

/// A WebSocket session: counts the connection while it lives.
#[derive(Debug)]
pub struct WsSession(());

impl WsSession {
    /// A connection opened.
    pub fn open() -> Self {
        WsConnections.inc();
        WsConnectionsCurrent.inc();
        WsSession(())
    }

    /// A message arrived.
    pub fn received(&self, message_type: MessageType) {
        WsMessagesReceived { message_type }.inc();
    }

    /// A message went out.
    pub fn sent(&self, message_type: MessageType) {
        WsMessagesSent { message_type }.inc();
    }
}

impl Drop for WsSession {
    fn drop(&mut self) {
        WsConnectionsCurrent.dec();
    }
}

/// The seed's `update_business_metrics`: gauges set from the store's counts.
pub fn update_business_metrics(missions: u64, specs: &[(SpecStatus, u64)]) {
    Missions.set(missions as f64);
    for (status, count) in specs {
        Specs { status: *status }.set(*count as f64);
    }
}

// ---- the server ----------------------------------------------------------------------------

/// The demo's metrics configuration: the seed's `MetricsConfig` fields in the runtime's file
/// format (`latency_buckets` is a `[buckets]` entry per family; `include_process_metrics` is
/// `process_metrics`), plus the gate the seed did not have.
pub const DEMO_CONFIG: &str = r#"
enabled = true
path = "/metrics"
process_metrics = true

[global_labels]
service = "tachikoma"

[buckets]
# The seed's `latency_buckets`, coarser than the declared default.
tachikoma_http_request_duration_seconds = [0.005, 0.05, 0.5, 5.0]

[auth]
token = "tachikoma-demo-token"
"#;

/// The configuration: [`DEMO_CONFIG`], then `TACHIKOMA_METRICS_*` variables from `vars`.
pub fn config(vars: impl IntoIterator<Item = (String, String)>) -> Result<MetricsConfig, String> {
    MetricsConfig::from_toml_str(DEMO_CONFIG)
        .and_then(|c| c.with_vars("TACHIKOMA_METRICS_", vars))
        .map_err(|e| e.to_string())
}

/// The registry the server exposes: seed 001's families configured by `config` (global
/// labels, bucket overrides, process metrics), with the runtime's self-metrics and build info.
/// Bucket overrides apply once per process, before anything is observed.
pub fn registry(config: &MetricsConfig) -> Result<Registry, String> {
    let registry = SEED.registry().map_err(|e| e.to_string())?;
    config
        .apply(registry)
        .map_err(|e| e.to_string())?
        .with_self_metrics("tachikoma_metrics_")
        .and_then(|r| r.with_build_info("tachikoma_", metrics_runtime::build_info!()))
        .map_err(|e| e.to_string())
}

async fn list_missions() -> &'static str {
    // A cache in front of the missions table: the first call misses.
    static WARM: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    if WARM.swap(true, std::sync::atomic::Ordering::Relaxed) {
        CacheHits.inc();
    } else {
        CacheMisses.inc();
        db_query(DbOperation::Select, DbTable::Missions, || ());
        CacheEntries.set(1.0);
    }
    "[]\n"
}

async fn get_mission(Path(id): Path<String>) -> Result<String, HttpStatus> {
    db_query(DbOperation::Select, DbTable::Missions, || ());
    if id.len() > 64 {
        return Err(HttpStatus::BAD_REQUEST);
    }
    Ok(format!("{{\"id\":\"{id}\"}}\n"))
}

async fn mission_specs(Path(_id): Path<String>) -> &'static str {
    db_query(DbOperation::Select, DbTable::Specs, || ());
    "[]\n"
}

async fn create_execution(body: String) -> (HttpStatus, &'static str) {
    let model = ModelName::new("claude-sonnet-4");
    let fail = body
        .contains("rate-limit")
        .then_some(ExecutionError::RateLimited);
    match run_execution(Backend::Claude, model, (1200, 350), fail) {
        Ok(()) => {
            db_query(DbOperation::Insert, DbTable::Executions, || ());
            (HttpStatus::CREATED, "{}\n")
        }
        Err(_) => (
            HttpStatus::TOO_MANY_REQUESTS,
            "{\"error\":\"rate_limited\"}\n",
        ),
    }
}

/// The Tachikoma API (a few of its routes), the gated `/metrics` route, and the HTTP metrics
/// layer last, so it wraps every route and the fallback.
pub fn app(registry: Arc<Registry>, config: &MetricsConfig) -> axum::Router {
    axum::Router::new()
        .route("/api/v1/missions", get(list_missions))
        .route("/api/v1/missions/{id}", get(get_mission))
        .route("/api/v1/missions/{id}/specs", get(mission_specs))
        .route("/api/v1/executions", post(create_execution))
        .route("/health", get(|| async { "ok\n" }))
        .merge(http::metrics_router(registry, config))
        .layer(HttpMetricsLayer::new(TachikomaHttp))
}

/// The demo: serves the app on loopback with [`DEMO_CONFIG`], sends it requests (raw paths
/// with ids, an unknown path, a failing execution), simulates a WebSocket session and the
/// business gauges, then scrapes `/metrics` without and with the token. Returns the scraped
/// exposition.
pub fn run_demo() -> Result<String, Box<dyn std::error::Error>> {
    let config = config(std::iter::empty())?;
    let registry = Arc::new(registry(&config)?);
    let token = config.auth.token.clone().unwrap_or_default();
    crate::runtime()?.block_on(async move {
        let server = crate::start_server(app(registry, &config)).await?;
        let addr = server.addr;
        for path in [
            "/api/v1/missions",
            "/api/v1/missions",
            "/api/v1/missions/123e4567-e89b-12d3-a456-426614174000",
            "/api/v1/missions/42/specs",
            "/health",
            "/wp-login.php",
        ] {
            crate::get(addr, path, &[]).await?;
        }
        for body in ["{}", "{\"simulate\":\"rate-limit\"}"] {
            crate::post(addr, "/api/v1/executions", body).await?;
        }
        {
            let ws = WsSession::open();
            ws.received(MessageType::Text);
            ws.sent(MessageType::Text);
            ws.sent(MessageType::Ping);
        }
        DbConnectionsCurrent.set(4.0);
        update_business_metrics(3, &[(SpecStatus::Planned, 12), (SpecStatus::InProgress, 2)]);
        FileChanges {
            change_type: ChangeType::Modified,
            status: ChangeStatus::Applied,
        }
        .inc_by(7);
        let denied = crate::get(addr, "/metrics", &[]).await?;
        let auth = format!("Authorization: Bearer {token}");
        let scraped = crate::get(addr, "/metrics", &[&auth]).await?;
        server.shutdown().await?;
        if denied.status != 401 || scraped.status != 200 {
            return Err(format!(
                "expected 401 then 200 from /metrics, got {} and {}",
                denied.status, scraped.status
            )
            .into());
        }
        Ok(scraped.body)
    })
}
