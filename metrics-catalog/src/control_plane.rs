//! Control plane API (seed 000, section A): HTTP availability and latency, token issuance,
//! the database pool and idempotency.

use metrics_runtime::{Component, LabelValue, MetricFamily};

/// The families of this component, in the order the seed lists them.
pub const COMPONENT: Component = Component {
    name: "control-plane",
    title: "Control plane API",
    about: "The public API service: every HTTP request, token issuance (OAuth 2 grants and the \
        device flow), the database pool behind it and idempotent command endpoints.",
    families: &[
        HttpRequests::family,
        HttpRequestDuration::family,
        AuthTokenMints::family,
        AuthTokenRefresh::family,
        AuthDeviceFlowPolls::family,
        DbConnectionsInUse::family,
        DbConnectionsMax::family,
        DbQueryDuration::family,
        IdempotencyHits::family,
        IdempotencyConflicts::family,
    ],
};

// ---- labels -------------------------------------------------------------------------------

/// HTTP request method, spelled like the runtime's HTTP layer (`metrics_runtime::http`) and
/// the Go client: lower case. The methods the API routes serve get their own value; HEAD,
/// OPTIONS, CONNECT, TRACE and extension methods fold into `other`, so a client sending
/// invented methods cannot add series.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum HttpMethod {
    /// GET: reads.
    Get,
    /// POST: creates and commands.
    Post,
    /// PUT: full replacement (secrets, route specs).
    Put,
    /// PATCH: partial updates.
    Patch,
    /// DELETE: removals.
    Delete,
    /// Every other method (HEAD, OPTIONS, CONNECT, TRACE, extension methods).
    Other,
}

/// The route template the router matched, never the raw path (seed 000 forbids raw paths and query
/// strings). One value per route of the v1 API; ids appear as `{placeholders}`; requests that match
/// no route share `unmatched`, so scanners probing random paths cannot add series.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
#[label(route_templates)]
pub enum PathTemplate {
    /// OAuth 2 token endpoint: every grant and refresh.
    #[label(rename = "/v1/auth/token")]
    AuthToken,
    /// OAuth 2 device authorization endpoint (RFC 8628): device and user codes.
    #[label(rename = "/v1/auth/device/code")]
    AuthDeviceCode,
    /// Organisations: list and create.
    #[label(rename = "/v1/orgs")]
    Orgs,
    /// One organisation.
    #[label(rename = "/v1/orgs/{org_id}")]
    Org,
    /// The environments of an organisation: list and create.
    #[label(rename = "/v1/orgs/{org_id}/envs")]
    OrgEnvs,
    /// One environment.
    #[label(rename = "/v1/envs/{env_id}")]
    Env,
    /// Deploys of an environment: list and start (a rollout).
    #[label(rename = "/v1/envs/{env_id}/deploys")]
    EnvDeploys,
    /// Instances of an environment: list, scale, stop and restart.
    #[label(rename = "/v1/envs/{env_id}/instances")]
    EnvInstances,
    /// Routes of an environment (edge ingress configuration).
    #[label(rename = "/v1/envs/{env_id}/routes")]
    EnvRoutes,
    /// Secrets of an environment (names and versions; values are write-only).
    #[label(rename = "/v1/envs/{env_id}/secrets")]
    EnvSecrets,
    /// Volumes of an environment, with snapshots and backups.
    #[label(rename = "/v1/envs/{env_id}/volumes")]
    EnvVolumes,
    /// The event query endpoint (audit and status views).
    #[label(rename = "/v1/events")]
    Events,
    /// Any request no route matched (404 from the router).
    #[label(rename = "unmatched")]
    Unmatched,
}

/// The class of the final HTTP status code. Classes rather than exact codes keep the request
/// histogram inside the catalog's series budget while still separating client errors (`4xx`) from
/// server errors (`5xx`) for error-ratio alerts; the exact code is in the access log.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusClass {
    /// 100-199: informational (101 Switching Protocols for streamed event queries).
    #[label(rename = "1xx")]
    Informational,
    /// 200-299: success.
    #[label(rename = "2xx")]
    Success,
    /// 300-399: redirection and 304 Not Modified.
    #[label(rename = "3xx")]
    Redirection,
    /// 400-499: the client's fault (validation, auth, not found, conflicts, rate limits).
    #[label(rename = "4xx")]
    ClientError,
    /// 500-599: the server's fault; the availability SLO counts these.
    #[label(rename = "5xx")]
    #[label(error)]
    ServerError,
}

/// The OAuth 2 grant a token was minted through (RFC 6749 section 4, RFC 8628, RFC 8693). Refreshes
/// are counted by `trc_auth_token_refresh_total`, not here, so `refresh_token` is not a value.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum GrantType {
    /// Browser login: authorization code with PKCE.
    AuthorizationCode,
    /// Machine clients (service accounts, CI) with a client id and secret.
    ClientCredentials,
    /// CLI login through the device authorization flow (RFC 8628).
    DeviceCode,
    /// Exchange of an external identity token (for example a CI provider's OIDC token) for a
    /// platform token (RFC 8693).
    TokenExchange,
}

/// The outcome of a token request: `ok`, or the OAuth 2 error code the token endpoint answered with
/// (RFC 6749 section 5.2), which operators and client authors already know; `server_error` covers
/// failures on our side.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenResult {
    /// A token was issued.
    Ok,
    /// The request was malformed (missing or repeated parameter).
    InvalidRequest,
    /// Client authentication failed (unknown client, bad secret).
    InvalidClient,
    /// The grant (code, refresh token, subject token) is invalid, expired, revoked or was issued to
    /// another client.
    InvalidGrant,
    /// The client is not allowed to use this grant type.
    UnauthorizedClient,
    /// The grant type is not supported by the platform.
    UnsupportedGrantType,
    /// The requested scope is invalid or exceeds what the grant allows.
    InvalidScope,
    /// The platform failed (database, signing key): a 5xx answer.
    #[label(error)]
    ServerError,
}

/// The answer to one device-flow poll of the token endpoint (RFC 8628 section 3.5).
/// `authorization_pending` and `slow_down` are the normal waiting answers; a rise of `slow_down`
/// means CLIs poll too fast.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum DevicePollResult {
    /// The user approved: a token was issued.
    Ok,
    /// The user has not finished yet; the client keeps polling.
    AuthorizationPending,
    /// The client polled faster than the interval; it must back off by 5 seconds.
    SlowDown,
    /// The user denied the request.
    AccessDenied,
    /// The device code expired before the user approved.
    ExpiredToken,
    /// The platform failed to answer the poll.
    #[label(error)]
    ServerError,
}

/// The class of a database query: one value per data-access path of the control plane, named
/// `<area>_<operation>`, so a slow class points at one piece of code. Ad-hoc queries are not
/// allowed in the API; maintenance work uses `maintenance`.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueryClass {
    /// Insert of a batch of events into the event log.
    EventAppend,
    /// Read of one stream of events (aggregate load).
    EventStreamRead,
    /// Scan of the event log after a position (projection catch-up, event queries).
    EventScan,
    /// Read of a projection table (API reads).
    ProjectionRead,
    /// Write of projection rows (projection apply).
    ProjectionWrite,
    /// Lookup and insert of idempotency records.
    Idempotency,
    /// Token, client and device-code reads and writes.
    Auth,
    /// Scheduler state reads and placement writes.
    Scheduler,
    /// Leases and advisory locks (leader election, worker claims).
    Lease,
    /// Migrations, vacuum and size estimates run in the background.
    Maintenance,
}

/// The idempotent command endpoint that received an `Idempotency-Key`: one value per POST operation
/// that accepts the header, named `<verb>_<resource>` after the operation rather than the path, so
/// a retry storm on one operation is visible.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdempotentEndpoint {
    /// POST /v1/orgs.
    CreateOrg,
    /// POST /v1/orgs/{org_id}/envs.
    CreateEnv,
    /// POST /v1/envs/{env_id}/deploys.
    CreateDeploy,
    /// POST /v1/envs/{env_id}/instances (scale, stop, restart).
    ChangeInstances,
    /// POST /v1/envs/{env_id}/routes.
    CreateRoute,
    /// POST /v1/envs/{env_id}/secrets.
    SetSecrets,
    /// POST /v1/envs/{env_id}/volumes (create, snapshot, backup, restore).
    ChangeVolumes,
}

impl PathTemplate {
    /// The value for a router's matched path template (axum's `MatchedPath`, as the runtime's
    /// HTTP layer reports it); a template the API does not declare is `unmatched`.
    pub fn of(template: &str) -> Self {
        <Self as LabelValue>::VALUES
            .iter()
            .copied()
            .find(|t| t.as_str() == template)
            .unwrap_or(PathTemplate::Unmatched)
    }
}

// ---- families -----------------------------------------------------------------------------

/// HTTP requests served by the control plane API, by method, route template and status class.
#[derive(MetricFamily)]
#[metric(counter, name = "trc_http_requests_total", component = "control-plane")]
pub struct HttpRequests {
    pub method: HttpMethod,
    pub path_template: PathTemplate,
    pub status: StatusClass,
}

/// Time to serve one HTTP request of the control plane API, from the first byte read to the last
/// byte written.
#[derive(MetricFamily)]
#[metric(
    histogram,
    name = "trc_http_request_duration_seconds",
    unit = "seconds",
    buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0],
    max_series = 5500,
    component = "control-plane"
)]
pub struct HttpRequestDuration {
    pub method: HttpMethod,
    pub path_template: PathTemplate,
    pub status: StatusClass,
}

/// Tokens requested from the token endpoint, by grant type and outcome.
#[derive(MetricFamily)]
#[metric(
    counter,
    name = "trc_auth_token_mints_total",
    component = "control-plane"
)]
pub struct AuthTokenMints {
    pub grant_type: GrantType,
    pub result: TokenResult,
}

/// Refresh-token grants requested from the token endpoint, by outcome.
#[derive(MetricFamily)]
#[metric(
    counter,
    name = "trc_auth_token_refresh_total",
    component = "control-plane"
)]
pub struct AuthTokenRefresh {
    pub result: TokenResult,
}

/// Device-flow polls of the token endpoint, by answer.
#[derive(MetricFamily)]
#[metric(
    counter,
    name = "trc_auth_device_flow_polls_total",
    component = "control-plane"
)]
pub struct AuthDeviceFlowPolls {
    pub result: DevicePollResult,
}

/// Database connections currently checked out of the pool.
#[derive(MetricFamily)]
#[metric(
    gauge,
    name = "trc_db_connections_in_use",
    role = "in_flight",
    stability = "beta",
    component = "control-plane"
)]
pub struct DbConnectionsInUse;

/// Maximum size of the database connection pool.
#[derive(MetricFamily)]
#[metric(
    gauge,
    name = "trc_db_connections_max",
    stability = "beta",
    component = "control-plane"
)]
pub struct DbConnectionsMax;

/// Time to run one database query, including the wait for a pooled connection, by query class.
#[derive(MetricFamily)]
#[metric(
    histogram,
    name = "trc_db_query_duration_seconds",
    unit = "seconds",
    buckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0],
    component = "control-plane"
)]
pub struct DbQueryDuration {
    pub query_class: QueryClass,
}

/// Requests whose idempotency key matched an earlier request with the same body, answered from the
/// stored response.
#[derive(MetricFamily)]
#[metric(
    counter,
    name = "trc_idempotency_hits_total",
    component = "control-plane"
)]
pub struct IdempotencyHits {
    pub endpoint: IdempotentEndpoint,
}

/// Requests whose idempotency key matched an earlier request with a different body, or one still in
/// flight, and were refused with 409/422.
#[derive(MetricFamily)]
#[metric(
    counter,
    name = "trc_idempotency_conflicts_total",
    component = "control-plane"
)]
pub struct IdempotencyConflicts {
    pub endpoint: IdempotentEndpoint,
}
