//! Serving for real (feature `axum`): the `/metrics` route behind its auth gate, and a tower
//! layer that records HTTP metrics labelled by route *template*, never by raw path.
//!
//! ```no_run
//! use std::sync::Arc;
//! use metrics_runtime::{http, MetricsConfig, Registry};
//!
//! # async fn run() -> std::io::Result<()> {
//! let config = MetricsConfig::default().with_env("METRICS_").map_err(std::io::Error::other)?;
//! let registry = Arc::new(config.apply(Registry::all()).map_err(std::io::Error::other)?);
//! let app = axum::Router::new().merge(http::metrics_router(registry, &config));
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:9464").await?;
//! http::serve(listener, app, std::future::pending()).await
//! # }
//! ```

use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, MatchedPath, Request};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use ipnet::IpNet;
use subtle::ConstantTimeEq;

use crate::config::{AuthConfig, MetricsConfig};
use crate::encode::Format;
use crate::{LabelValue, Registry};

/// The route label of requests that matched no route: one fixed value, so probes of random
/// paths cannot create series.
pub const UNMATCHED_ROUTE: &str = "unmatched";

/// HTTP request method, bounded: the standard methods and `other`.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HttpMethod {
    /// GET
    Get,
    /// HEAD
    Head,
    /// POST
    Post,
    /// PUT
    Put,
    /// DELETE
    Delete,
    /// PATCH
    Patch,
    /// OPTIONS
    Options,
    /// CONNECT
    Connect,
    /// TRACE
    Trace,
    /// Any extension method.
    Other,
}

impl HttpMethod {
    /// The bounded value of a request method.
    pub fn of(method: &Method) -> Self {
        match *method {
            Method::GET => HttpMethod::Get,
            Method::HEAD => HttpMethod::Head,
            Method::POST => HttpMethod::Post,
            Method::PUT => HttpMethod::Put,
            Method::DELETE => HttpMethod::Delete,
            Method::PATCH => HttpMethod::Patch,
            Method::OPTIONS => HttpMethod::Options,
            Method::CONNECT => HttpMethod::Connect,
            Method::TRACE => HttpMethod::Trace,
            _ => HttpMethod::Other,
        }
    }
}

/// HTTP status class, bounded.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StatusClass {
    /// 1xx
    #[label(rename = "1xx")]
    Informational,
    /// 2xx
    #[label(rename = "2xx")]
    Success,
    /// 3xx
    #[label(rename = "3xx")]
    Redirection,
    /// 4xx
    #[label(rename = "4xx")]
    ClientError,
    /// 5xx
    #[label(rename = "5xx")]
    ServerError,
}

impl StatusClass {
    /// The class of a status code.
    pub fn of(status: u16) -> Self {
        match status {
            100..=199 => StatusClass::Informational,
            200..=299 => StatusClass::Success,
            300..=399 => StatusClass::Redirection,
            400..=499 => StatusClass::ClientError,
            _ => StatusClass::ServerError,
        }
    }
}

crate::capped_label! {
    /// A route template from the router (`/api/v1/items/{id}`), capped: a router has few
    /// routes; past the cap, values fold into the overflow value.
    pub struct RouteTemplate(cap = 64);
}

/// One finished request, as the metrics layer saw it.
#[derive(Debug, Clone)]
pub struct HttpObservation<'a> {
    /// The bounded method.
    pub method: HttpMethod,
    /// The matched route template, or [`UNMATCHED_ROUTE`].
    pub route: &'a str,
    /// The response status (499 when the client went away before the response).
    pub status: u16,
    /// Time from the request entering the layer to the response leaving it.
    pub duration: Duration,
    /// Request body size, when known up front: from `Content-Length` or a body of known
    /// length. A streamed body of unknown length (chunked) is `None`, never a guess.
    pub request_bytes: Option<u64>,
    /// Response body size, known the same way.
    pub response_bytes: Option<u64>,
}

/// Where the HTTP metrics layer records: implement it for your families (a component's
/// names carry its prefix and its own bounded enums).
pub trait HttpMetrics: Send + Sync + 'static {
    /// A request entered (count it in flight).
    fn on_request(&self, method: HttpMethod, route: &str);
    /// A request left (count it, time it, take it out of flight).
    fn on_response(&self, observation: &HttpObservation<'_>);
}

/// A tower layer recording every request into an [`HttpMetrics`]. Add it with
/// `Router::layer` as the last step, after every `route`, `merge` and `fallback`: it then
/// wraps each route (so the matched route template is known) and the fallback (so
/// unmatched requests are counted under [`UNMATCHED_ROUTE`]).
#[derive(Debug)]
pub struct HttpMetricsLayer<M> {
    metrics: Arc<M>,
}

impl<M> Clone for HttpMetricsLayer<M> {
    fn clone(&self) -> Self {
        HttpMetricsLayer {
            metrics: Arc::clone(&self.metrics),
        }
    }
}

impl<M: HttpMetrics> HttpMetricsLayer<M> {
    /// A layer recording into `metrics`.
    pub fn new(metrics: M) -> Self {
        HttpMetricsLayer {
            metrics: Arc::new(metrics),
        }
    }
}

impl<S, M> tower_layer::Layer<S> for HttpMetricsLayer<M> {
    type Service = HttpMetricsService<S, M>;
    fn layer(&self, inner: S) -> Self::Service {
        HttpMetricsService {
            inner,
            metrics: Arc::clone(&self.metrics),
        }
    }
}

/// The service of [`HttpMetricsLayer`].
#[derive(Debug)]
pub struct HttpMetricsService<S, M> {
    inner: S,
    metrics: Arc<M>,
}

impl<S: Clone, M> Clone for HttpMetricsService<S, M> {
    fn clone(&self) -> Self {
        HttpMetricsService {
            inner: self.inner.clone(),
            metrics: Arc::clone(&self.metrics),
        }
    }
}

/// Records the request when dropped: on completion with its status, on cancellation as 499.
struct Pending<M: HttpMetrics> {
    metrics: Arc<M>,
    method: HttpMethod,
    route: Option<MatchedPath>,
    started: Instant,
    request_bytes: Option<u64>,
    done: Option<(u16, Option<u64>)>,
}

impl<M: HttpMetrics> Drop for Pending<M> {
    fn drop(&mut self) {
        let (status, response_bytes) = self.done.unwrap_or((499, None));
        let route = self
            .route
            .as_ref()
            .map_or(UNMATCHED_ROUTE, MatchedPath::as_str);
        self.metrics.on_response(&HttpObservation {
            method: self.method,
            route,
            status,
            duration: self.started.elapsed(),
            request_bytes: self.request_bytes,
            response_bytes,
        });
    }
}

fn content_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

impl<S, M, ReqBody, ResBody> tower_service::Service<axum::http::Request<ReqBody>>
    for HttpMetricsService<S, M>
where
    S: tower_service::Service<
            axum::http::Request<ReqBody>,
            Response = axum::http::Response<ResBody>,
        >,
    S::Future: Send + 'static,
    ResBody: http_body::Body,
    M: HttpMetrics,
    ReqBody: http_body::Body,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<S::Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: axum::http::Request<ReqBody>) -> Self::Future {
        let method = HttpMethod::of(req.method());
        // The route template the router matched; the raw path is never read.
        let route = req.extensions().get::<MatchedPath>().cloned();
        let request_bytes =
            content_length(req.headers()).or_else(|| req.body().size_hint().exact());
        self.metrics.on_request(
            method,
            route.as_ref().map_or(UNMATCHED_ROUTE, MatchedPath::as_str),
        );
        let mut pending = Pending {
            metrics: Arc::clone(&self.metrics),
            method,
            route,
            started: Instant::now(),
            request_bytes,
            done: None,
        };
        let fut = self.inner.call(req);
        Box::pin(async move {
            let result = fut.await;
            if let Ok(res) = &result {
                let size = content_length(res.headers()).or_else(|| res.body().size_hint().exact());
                pending.done = Some((res.status().as_u16(), size));
            } else {
                pending.done = Some((500, None));
            }
            drop(pending);
            result
        })
    }
}

/// Why a scrape was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denied {
    /// No token, or the wrong one: 401.
    Unauthorized,
    /// The source is outside the trusted networks (or unknown): 403.
    Forbidden,
}

/// The client address: the peer, or, when the peer is a trusted proxy, the right-most
/// `X-Forwarded-For` entry that is not itself a trusted proxy. `None` when a trusted proxy
/// forwards an entry that is not an address.
///
/// Addresses are compared in their canonical form: an IPv4-mapped IPv6 address
/// (`::ffff:127.0.0.1`, what a dual-stack `[::]` listener sees for an IPv4 peer) is the IPv4
/// address it maps, so `127.0.0.0/8` admits it.
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted_proxies: &[IpNet]) -> Option<IpAddr> {
    let peer = peer.to_canonical();
    let trusted = |ip: &IpAddr| trusted_proxies.iter().any(|n| n.contains(ip));
    if !trusted(&peer) {
        return Some(peer);
    }
    let mut hops: Vec<&str> = Vec::new();
    for value in headers.get_all("x-forwarded-for") {
        let value = value.to_str().ok()?;
        hops.extend(value.split(',').map(str::trim).filter(|h| !h.is_empty()));
    }
    let mut client = peer;
    for hop in hops.iter().rev() {
        let ip = hop
            .parse::<IpAddr>()
            .ok()
            .or_else(|| hop.parse::<SocketAddr>().ok().map(|s| s.ip()))?
            .to_canonical();
        client = ip;
        if !trusted(&ip) {
            break;
        }
    }
    Some(client)
}

/// The gate of seed 002: the source must be inside a trusted CIDR when CIDRs are set, and the
/// bearer token must match (constant-time) when a token is set; both when both are.
pub fn authorize(
    auth: &AuthConfig,
    peer: Option<IpAddr>,
    headers: &HeaderMap,
) -> Result<(), Denied> {
    if !auth.trusted_cidrs.is_empty() {
        let client = peer.and_then(|p| client_ip(p, headers, &auth.trusted_proxies));
        match client {
            Some(ip) if auth.trusted_cidrs.iter().any(|n| n.contains(&ip)) => {}
            _ => return Err(Denied::Forbidden),
        }
    }
    if let Some(expected) = &auth.token {
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                let (scheme, token) = v.trim().split_once(' ')?;
                scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
            });
        match given {
            Some(t) if token_matches(t.as_bytes(), expected.as_bytes()) => {}
            _ => return Err(Denied::Unauthorized),
        }
    }
    Ok(())
}

/// Compares a presented token with the expected one in constant time: the work depends on
/// the expected token's length only, so neither its bytes nor its length leak through timing
/// (`subtle`'s slice comparison returns at once on a length mismatch).
fn token_matches(given: &[u8], expected: &[u8]) -> bool {
    let mut same = (given.len() as u64).ct_eq(&(expected.len() as u64));
    for (i, e) in expected.iter().enumerate() {
        same &= given.get(i).copied().unwrap_or(0).ct_eq(e);
    }
    bool::from(same)
}

struct Endpoint {
    registry: Arc<Registry>,
    auth: AuthConfig,
}

async fn metrics_handler(endpoint: Arc<Endpoint>, req: Request) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    match authorize(&endpoint.auth, peer, req.headers()) {
        Err(Denied::Unauthorized) => (
            StatusCode::UNAUTHORIZED,
            [(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"metrics\""),
            )],
            "missing or wrong bearer token\n",
        )
            .into_response(),
        Err(Denied::Forbidden) => {
            (StatusCode::FORBIDDEN, "source address not allowed\n").into_response()
        }
        Ok(()) => {
            let accept = req
                .headers()
                .get(header::ACCEPT)
                .and_then(|v| v.to_str().ok());
            let format = endpoint.registry.format_for(Format::negotiate(accept));
            let body = endpoint.registry.encode_as(format);
            (
                [(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static(format.content_type()),
                )],
                body,
            )
                .into_response()
        }
    }
}

/// The metrics route at `config.path`, behind its gate. With the endpoint disabled, or with
/// neither token nor trusted CIDRs and the network not declared trusted, the route is not
/// mounted at all (404), so a deployment cannot expose metrics openly by accident.
pub fn metrics_router(registry: Arc<Registry>, config: &MetricsConfig) -> axum::Router {
    if !config.enabled || !config.auth.serves() {
        return axum::Router::new();
    }
    let endpoint = Arc::new(Endpoint {
        registry,
        auth: config.auth.clone(),
    });
    axum::Router::new().route(
        &config.path,
        axum::routing::get(move |req: Request| metrics_handler(Arc::clone(&endpoint), req)),
    )
}

/// Serves `app` on `listener` with the peer address available to the auth gate, until
/// `shutdown` completes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: axum::Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net(s: &str) -> IpNet {
        s.parse()
            .unwrap_or_else(|_| IpNet::from(IpAddr::from([0, 0, 0, 0])))
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            if let Ok(v) = HeaderValue::from_str(v) {
                h.append(*k, v);
            }
        }
        h
    }

    #[test]
    fn token_and_cidr_matrix() {
        let local: IpAddr = [127, 0, 0, 1].into();
        let outside: IpAddr = [192, 0, 2, 7].into();
        let both = AuthConfig {
            token: Some("t0k".into()),
            trusted_cidrs: vec![net("127.0.0.0/8")],
            ..AuthConfig::default()
        };
        let good = headers(&[("authorization", "Bearer t0k")]);
        assert_eq!(authorize(&both, Some(local), &good), Ok(()));
        assert_eq!(
            authorize(
                &both,
                Some(local),
                &headers(&[("authorization", "bearer t0k")])
            ),
            Ok(())
        );
        assert_eq!(
            authorize(&both, Some(local), &headers(&[])),
            Err(Denied::Unauthorized)
        );
        assert_eq!(
            authorize(
                &both,
                Some(local),
                &headers(&[("authorization", "Bearer t0kx")])
            ),
            Err(Denied::Unauthorized)
        );
        assert_eq!(
            authorize(
                &both,
                Some(local),
                &headers(&[("authorization", "Basic t0k")])
            ),
            Err(Denied::Unauthorized)
        );
        assert_eq!(
            authorize(&both, Some(outside), &good),
            Err(Denied::Forbidden)
        );
        assert_eq!(authorize(&both, None, &good), Err(Denied::Forbidden));
        let token_only = AuthConfig {
            token: Some("t0k".into()),
            ..AuthConfig::default()
        };
        assert_eq!(authorize(&token_only, Some(outside), &good), Ok(()));
    }

    #[test]
    fn forwarded_for_only_from_trusted_proxies() {
        let proxy: IpAddr = [10, 0, 0, 1].into();
        let proxies = [net("10.0.0.0/24")];
        let xff = headers(&[("x-forwarded-for", "203.0.113.9, 10.0.0.2")]);
        assert_eq!(
            client_ip(proxy, &xff, &proxies),
            Some([203, 0, 113, 9].into())
        );
        // An untrusted peer's header is ignored.
        let peer: IpAddr = [198, 51, 100, 1].into();
        assert_eq!(client_ip(peer, &xff, &proxies), Some(peer));
        // Spoofed left-most entries do not win over the first untrusted hop from the right.
        let spoof = headers(&[("x-forwarded-for", "127.0.0.1, 203.0.113.9")]);
        assert_eq!(
            client_ip(proxy, &spoof, &proxies),
            Some([203, 0, 113, 9].into())
        );
        // Garbage from a trusted proxy: unknown client.
        assert_eq!(
            client_ip(
                proxy,
                &headers(&[("x-forwarded-for", "not-an-ip")]),
                &proxies
            ),
            None
        );
    }

    #[test]
    fn method_and_status_are_bounded() {
        assert_eq!(HttpMethod::of(&Method::GET).as_str(), "get");
        assert_eq!(
            HttpMethod::of(&Method::from_bytes(b"PURGE").unwrap_or(Method::GET)).as_str(),
            "other"
        );
        assert_eq!(StatusClass::of(404).as_str(), "4xx");
        assert_eq!(StatusClass::of(999).as_str(), "5xx");
    }

    #[test]
    fn ipv4_mapped_peers_and_hops_are_their_ipv4_address() {
        let mapped: IpAddr = "::ffff:127.0.0.1".parse().unwrap_or(IpAddr::from([0; 16]));
        let loopback_only = AuthConfig {
            trusted_cidrs: vec![net("127.0.0.0/8")],
            ..AuthConfig::default()
        };
        assert_eq!(
            authorize(&loopback_only, Some(mapped), &headers(&[])),
            Ok(())
        );
        let proxied = AuthConfig {
            trusted_cidrs: vec![net("10.0.0.0/8")],
            trusted_proxies: vec![net("127.0.0.1/32")],
            ..AuthConfig::default()
        };
        let xff = headers(&[("x-forwarded-for", "::ffff:10.1.2.3")]);
        assert_eq!(authorize(&proxied, Some(mapped), &xff), Ok(()));
        let outside = headers(&[("x-forwarded-for", "::ffff:192.0.2.1")]);
        assert_eq!(
            authorize(&proxied, Some(mapped), &outside),
            Err(Denied::Forbidden)
        );
    }

    #[test]
    fn tokens_compare_by_content_and_length() {
        assert!(token_matches(b"s3cret", b"s3cret"));
        for wrong in [&b""[..], b"s3cre", b"s3crett", b"s3creT", b"s3cret\0"] {
            assert!(!token_matches(wrong, b"s3cret"), "{wrong:?}");
        }
    }
}
