//! The `/metrics` route: the gate first, whatever the method, then the exposition in the
//! format the scraper asks for (`Accept`), compressed as it asks (`Accept-Encoding`).

use std::net::SocketAddr;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::gate::{Denied, authorize};
use crate::Registry;
use crate::config::{AuthConfig, ConfigError, MetricsConfig};
use crate::encode::Format;

struct Endpoint {
    registry: Arc<Registry>,
    auth: AuthConfig,
}

async fn metrics_handler(endpoint: Arc<Endpoint>, req: Request) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    // The gate answers before anything else, so an anonymous caller learns the same of
    // every method: a 405 before the gate would tell it the route exists.
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
        Ok(()) if req.method() != Method::GET && req.method() != Method::HEAD => (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, HeaderValue::from_static("GET, HEAD"))],
            "the metrics endpoint answers GET and HEAD\n",
        )
            .into_response(),
        Ok(()) => exposition(&endpoint.registry, req.headers()),
    }
}

/// What the response depends on besides the path: caches and proxies must key on both.
const VARY: HeaderValue = HeaderValue::from_static("Accept, Accept-Encoding");

/// The answer past the gate: the registry's exposition in the format `Accept` asks for (that
/// the registry can write), in the content coding `Accept-Encoding` asks for.
fn exposition(registry: &Registry, headers: &HeaderMap) -> Response {
    // Decided before encoding, so a request no coding can satisfy costs no encode.
    let Some(coding) = Coding::negotiate(
        headers
            .get_all(header::ACCEPT_ENCODING)
            .iter()
            .map(|v| v.to_str().unwrap_or("")),
    ) else {
        return (
            StatusCode::NOT_ACCEPTABLE,
            [(header::VARY, VARY)],
            "no content coding that Accept-Encoding accepts is available\n",
        )
            .into_response();
    };
    let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok());
    let format = registry.format_for(Format::negotiate(accept));
    respond(format, coding, coding.apply(registry.encode(format)))
}

/// The response of a body encoded in `format` and then in `coding`, or 500 when the coding
/// failed: nothing of the exposition leaks into that answer, only a status and a fixed line.
fn respond(format: Format, coding: Coding, body: std::io::Result<Vec<u8>>) -> Response {
    let Ok(body) = body else {
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            "the exposition could not be compressed\n",
        )
            .into_response();
    };
    let mut response = (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(format.content_type()),
            ),
            (header::VARY, VARY),
        ],
        body,
    )
        .into_response();
    if let Some(name) = coding.header() {
        response
            .headers_mut()
            .insert(header::CONTENT_ENCODING, HeaderValue::from_static(name));
    }
    response
}

/// A content coding of the response body (RFC 9110 section 8.4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Coding {
    /// The body as encoded.
    Identity,
    /// gzip (feature `gzip`), at the fastest level: a scrape is written once and read once, so
    /// time matters more than the last percent of size (the catalog's text scrape shrinks to
    /// under a tenth at level 1, see `BENCHMARKS.md`).
    Gzip,
}

impl Coding {
    /// The coding an `Accept-Encoding` header asks for (its values, for a header sent more than
    /// once), as RFC 9110 section 12.5.3 reads it: the available coding of the highest weight
    /// (`q`, default 1), gzip on a tie with identity; `*` weighs every coding the header does
    /// not name, identity included; identity is acceptable unless `identity;q=0`, or `*;q=0`
    /// without an `identity` entry, refuses it, and is then what a client that named no
    /// available coding gets. No header: identity (a client that did not ask may not decode).
    /// An entry whose weight cannot be read (not a number from 0 to 1) is ignored. `None` when
    /// nothing available is acceptable: 406.
    fn negotiate<'a>(values: impl Iterator<Item = &'a str>) -> Option<Coding> {
        let (mut gzip, mut identity, mut star): (Option<f64>, Option<f64>, Option<f64>) =
            (None, None, None);
        for entry in values.flat_map(|v| v.split(',')) {
            let mut parts = entry.split(';').map(str::trim);
            let name = parts.next().unwrap_or("");
            if name.is_empty() {
                continue;
            }
            let mut q = Some(1.0);
            for param in parts {
                if let Some((k, v)) = param.split_once('=')
                    && k.trim().eq_ignore_ascii_case("q")
                {
                    q = v
                        .trim()
                        .parse::<f64>()
                        .ok()
                        .filter(|q| (0.0..=1.0).contains(q));
                }
            }
            let Some(q) = q else { continue };
            let slot = if name.eq_ignore_ascii_case("gzip") || name.eq_ignore_ascii_case("x-gzip") {
                &mut gzip
            } else if name.eq_ignore_ascii_case("identity") {
                &mut identity
            } else if name == "*" {
                &mut star
            } else {
                continue;
            };
            *slot = Some(slot.map_or(q, |old: f64| old.max(q)));
        }
        let gzip = if cfg!(feature = "gzip") {
            gzip.or(star).unwrap_or(0.0)
        } else {
            0.0
        };
        // Identity named by no entry is acceptable, below every coding the client did name.
        let identity = identity.or(star).unwrap_or(f64::MIN_POSITIVE);
        if gzip > 0.0 && gzip >= identity {
            Some(Coding::Gzip)
        } else if identity > 0.0 {
            Some(Coding::Identity)
        } else {
            None
        }
    }

    /// The `Content-Encoding` value, if any.
    fn header(self) -> Option<&'static str> {
        match self {
            Coding::Identity => None,
            Coding::Gzip => Some("gzip"),
        }
    }

    /// `body` in this coding.
    fn apply(self, body: Vec<u8>) -> std::io::Result<Vec<u8>> {
        match self {
            Coding::Identity => Ok(body),
            Coding::Gzip => gzip(&body),
        }
    }
}

/// `body` gzipped at level 1 (flate2 on zlib-rs). Writing into a `Vec` does not fail; the
/// error is passed on all the same, never unwrapped.
#[cfg(feature = "gzip")]
fn gzip(body: &[u8]) -> std::io::Result<Vec<u8>> {
    use std::io::Write as _;
    // A text scrape shrinks to about a twelfth: start there, grow if need be.
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(body.len() / 8 + 64),
        flate2::Compression::fast(),
    );
    encoder.write_all(body)?;
    encoder.finish()
}

/// Without the feature, [`Coding::negotiate`] never picks gzip.
#[cfg(not(feature = "gzip"))]
fn gzip(_body: &[u8]) -> std::io::Result<Vec<u8>> {
    Err(std::io::Error::new(
        std::io::ErrorKind::Unsupported,
        "built without the `gzip` feature",
    ))
}

/// The metrics route at `config.path`, behind its gate, for every method (the gate answers
/// first; past it, anything but GET and HEAD gets 405). With the endpoint disabled, with
/// neither token nor trusted CIDRs and the network not declared trusted, or with a config
/// that fails [`MetricsConfig::validate`] (a struct built by hand), the route is not mounted
/// at all (404), so a deployment cannot expose metrics openly, or panic, by accident.
///
/// Merging it into an application that routes the same path panics in axum's
/// `Router::merge`, and merging it into one whose pattern matches the path (`/users/{id}`
/// for `/users/metrics`) silently takes that path from the application; [`mount`] refuses
/// both with an error. Merge this router yourself only into a router you know.
pub fn metrics_router(registry: Arc<Registry>, config: &MetricsConfig) -> axum::Router {
    if !config.enabled || !config.auth.serves() || config.validate().is_err() {
        return axum::Router::new();
    }
    let endpoint = Arc::new(Endpoint {
        registry,
        auth: config.auth.clone(),
    });
    let handler = move |req: Request| metrics_handler(Arc::clone(&endpoint), req);
    // One service for every method, not a method router: axum's method router adds an
    // `Allow` header to whatever its method fallback answers (extension methods such as
    // `PROPFIND` reach only the fallback), so an anonymous 401 or 403 would differ by method
    // and name the route's methods. The handler answers 405 with its own `Allow` past the
    // gate. Nor `any` (a method fallback, which axum would quietly merge beside an
    // application's own handlers for the same path): a route of the application at this path
    // is then an overlap that `mount` reports, and a route added after it a panic at startup.
    axum::Router::new().route_service(
        &config.path,
        axum::handler::HandlerWithoutStateExt::into_service(handler),
    )
}

/// `app` with the metrics route of [`metrics_router`] merged in. A config that fails
/// [`MetricsConfig::validate`], or a `path` a route of the application matches, is an error
/// naming `path` (and the application's route) rather than a takeover or a panic at startup.
///
/// A route of the application matches `path` when it is that path, or a pattern that
/// matches it (`/users/{id}` matches `/users/metrics`, `/{*rest}` every path), for any
/// method, in a nested router or under a nested service: axum would send those requests to
/// the metrics route from then on, silently. The application's fallback does not count: it
/// answers only what no route matches. The check runs no handler and no middleware of the
/// application: it sends requests for `path` through a copy of the router whose every route
/// and fallback answers at once with a mark of which it was.
pub fn mount(
    app: axum::Router,
    registry: Arc<Registry>,
    config: &MetricsConfig,
) -> Result<axum::Router, ConfigError> {
    config.validate()?;
    let metrics = metrics_router(registry, config);
    if !metrics.has_routes() {
        return Ok(app);
    }
    if let Some(route) = probe::route_of(&app, &config.path) {
        let by = match route {
            probe::Route::Template(template) => format!("the application's route `{template}`"),
            probe::Route::Nested => {
                "a service the application nests at a prefix of it (`nest_service`)".to_string()
            }
            probe::Route::Unknown => "a route of the application".to_string(),
        };
        return Err(ConfigError {
            key: "path".to_string(),
            message: format!(
                "`{}` is served by {by}, which the metrics endpoint would take over; give the \
                 metrics endpoint a path the application does not route",
                config.path
            ),
        });
    }
    // The probe finds every overlap axum refuses; should one ever slip past it, axum's panic
    // is still an error here (its message printed by the panic hook first).
    std::panic::catch_unwind(AssertUnwindSafe(move || app.merge(metrics))).map_err(|panic| {
        let why = panic
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| panic.downcast_ref::<&str>().copied())
            .unwrap_or("the routes overlap");
        ConfigError {
            key: "path".to_string(),
            message: format!(
                "`{}` is a route of the application too ({why}); give the metrics endpoint a \
                 path of its own",
                config.path
            ),
        }
    })
}

/// Whether a route of an application matches a path, found without running any of it.
mod probe {
    use std::convert::Infallible;
    use std::future::Ready;
    use std::task::{Context, Poll};

    use axum::body::Body;
    use axum::extract::{MatchedPath, Request};
    use axum::http::{Method, StatusCode};
    use axum::response::Response;
    use futures_util::FutureExt as _;

    /// What matched the path.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub(super) enum Route {
        /// A route, by its template (`/users/{id}`).
        Template(String),
        /// A service nested at a prefix of the path (`nest_service`): axum keeps no
        /// template for those.
        Nested,
        /// A route that answered 405 without the mark (not expected: every route is marked).
        Unknown,
    }

    /// The mark the probe's answer carries: a route (and its template, when axum has one)
    /// or the fallback.
    #[derive(Debug, Clone)]
    struct Reached {
        route: bool,
        template: Option<String>,
    }

    /// A layer whose service answers at once with a [`Reached`] mark, never calling what it
    /// wraps: on a copy of the application, neither a handler nor a middleware runs.
    #[derive(Debug, Clone, Copy)]
    struct Mark {
        route: bool,
    }

    impl<S> tower_layer::Layer<S> for Mark {
        type Service = Mark;
        fn layer(&self, _inner: S) -> Mark {
            *self
        }
    }

    impl tower_service::Service<Request> for Mark {
        type Response = Response;
        type Error = Infallible;
        type Future = Ready<Result<Response, Infallible>>;

        fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
            Poll::Ready(Ok(()))
        }

        fn call(&mut self, req: Request) -> Self::Future {
            let mut response = Response::new(Body::empty());
            response.extensions_mut().insert(Reached {
                route: self.route,
                template: req
                    .extensions()
                    .get::<MatchedPath>()
                    .map(|m| m.as_str().to_string()),
            });
            std::future::ready(Ok(response))
        }
    }

    /// The route of `app` that matches `path`, if one does, for any method.
    ///
    /// `Router::layer` wraps every endpoint, the fallbacks' (nested ones included) too;
    /// `Router::route_layer` only the routes', each with its method router's own fallback
    /// (the 405), and as it is applied second it is the outer one there. So a request that
    /// matches a route comes back marked `route`, one that only a fallback takes is marked
    /// otherwise, and neither reaches the application (axum 0.8: `routing/mod.rs`,
    /// `path_router.rs`, `method_routing.rs`). Every method is tried, although the route
    /// mark answers every method of a matched path, so that a route found by one method
    /// only is found all the same.
    pub(super) fn route_of(app: &axum::Router, path: &str) -> Option<Route> {
        // `route_layer` panics on a router without routes; such a router routes nothing.
        if !app.has_routes() {
            return None;
        }
        let probe = app
            .clone()
            .layer(Mark { route: false })
            .route_layer(Mark { route: true });
        let methods = [
            Method::GET,
            Method::HEAD,
            Method::POST,
            Method::PUT,
            Method::DELETE,
            Method::PATCH,
            Method::OPTIONS,
            Method::TRACE,
        ];
        for method in methods {
            let Ok(request) = Request::builder()
                .method(method)
                .uri(path)
                .body(Body::empty())
            else {
                // A path that is no URI (refused by validation already): nothing to probe.
                return None;
            };
            let mut router = probe.clone();
            // The marks answer at once, so the answer is ready at its first poll; an answer
            // that is not (never seen) counts as a route, not as a free path.
            let answer = tower_service::Service::call(&mut router, request).now_or_never();
            let Some(Ok(response)) = answer else {
                return Some(Route::Unknown);
            };
            match response.extensions().get::<Reached>() {
                Some(Reached {
                    route: true,
                    template,
                }) => {
                    return Some(template.clone().map_or(Route::Nested, Route::Template));
                }
                Some(_) => {}
                None if response.status() == StatusCode::METHOD_NOT_ALLOWED => {
                    return Some(Route::Unknown);
                }
                None => {}
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn coding(header: &str) -> Option<Coding> {
        Coding::negotiate(std::iter::once(header))
    }

    /// What the build can pick for a request that asks for gzip.
    const GZIP: Coding = if cfg!(feature = "gzip") {
        Coding::Gzip
    } else {
        Coding::Identity
    };

    #[test]
    fn accept_encoding_as_clients_send_it() {
        // No header: identity, whatever is available.
        assert_eq!(
            Coding::negotiate(std::iter::empty()),
            Some(Coding::Identity)
        );
        // Prometheus (every version) and curl --compressed.
        assert_eq!(coding("gzip"), Some(GZIP));
        assert_eq!(coding("deflate, gzip, br, zstd"), Some(GZIP));
        assert_eq!(coding("GZip"), Some(GZIP));
        assert_eq!(coding("x-gzip"), Some(GZIP));
        // An empty value asks for no coding.
        assert_eq!(coding(""), Some(Coding::Identity));
        assert_eq!(coding("br, zstd"), Some(Coding::Identity));
        // The header sent twice: both lines count.
        assert_eq!(
            Coding::negotiate(["identity;q=0.5", "gzip;q=0.9"].into_iter()),
            Some(GZIP)
        );
    }

    #[test]
    fn weights_are_honoured() {
        assert_eq!(coding("gzip;q=0"), Some(Coding::Identity));
        assert_eq!(coding("gzip; q=0.000"), Some(Coding::Identity));
        assert_eq!(coding("gzip;q=0.5"), Some(GZIP));
        // Identity named above gzip wins; on a tie gzip does.
        assert_eq!(coding("gzip;q=0.5, identity"), Some(Coding::Identity));
        assert_eq!(coding("gzip, identity"), Some(GZIP));
        assert_eq!(coding("gzip;q=0.4, identity;q=0.4"), Some(GZIP));
        // `*` weighs what is not named, identity included.
        assert_eq!(coding("*"), Some(GZIP));
        assert_eq!(coding("*;q=0.2, identity"), Some(Coding::Identity));
        assert_eq!(coding("gzip;q=0, *"), Some(Coding::Identity));
        // A weight that is not a number from 0 to 1 drops its entry, never the request.
        assert_eq!(coding("gzip;q=2"), Some(Coding::Identity));
        assert_eq!(coding("gzip;q=abc"), Some(Coding::Identity));
        assert_eq!(coding("gzip;q=NaN"), Some(Coding::Identity));
        assert_eq!(coding("identity;q=-1"), Some(Coding::Identity));
        assert_eq!(coding(" , ;q=1, gzip;level=9"), Some(GZIP));
    }

    #[test]
    fn refused_identity_leaves_gzip_or_nothing() {
        let gzip_or_none = cfg!(feature = "gzip").then_some(Coding::Gzip);
        assert_eq!(coding("identity;q=0, gzip"), gzip_or_none);
        assert_eq!(coding("*;q=0, gzip;q=0.1"), gzip_or_none);
        assert_eq!(coding("*;q=0"), None);
        assert_eq!(coding("identity;q=0"), None);
        assert_eq!(coding("gzip;q=0, identity;q=0"), None);
        // `*;q=0` with identity named keeps identity.
        assert_eq!(coding("*;q=0, identity"), Some(Coding::Identity));
    }

    #[test]
    #[cfg(feature = "gzip")]
    fn gzip_round_trips() {
        use std::io::Read as _;
        let body = b"# TYPE x_total counter\nx_total 1\n".repeat(1000);
        let zipped = Coding::Gzip.apply(body.clone()).unwrap();
        assert!(zipped.len() * 20 < body.len(), "{} bytes", zipped.len());
        let mut back = Vec::new();
        flate2::read::GzDecoder::new(zipped.as_slice())
            .read_to_end(&mut back)
            .unwrap();
        assert_eq!(back, body);
        assert_eq!(Coding::Identity.apply(body.clone()).unwrap(), body);
    }

    #[test]
    #[cfg(not(feature = "gzip"))]
    fn without_the_feature_gzip_is_never_applied() {
        assert!(Coding::Gzip.apply(vec![1, 2, 3]).is_err());
        assert_eq!(Coding::Identity.apply(vec![1, 2, 3]).unwrap(), [1, 2, 3]);
    }

    #[test]
    fn a_coding_error_is_a_500_without_the_body() {
        let failed = respond(
            Format::Text,
            Coding::Gzip,
            Err(std::io::Error::other("the encoder failed")),
        );
        assert_eq!(failed.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(failed.headers().get(header::CONTENT_ENCODING).is_none());
        assert_eq!(
            failed.headers().get(header::CONTENT_TYPE),
            Some(&HeaderValue::from_static("text/plain; charset=utf-8"))
        );
        let ok = respond(Format::Protobuf, Coding::Gzip, Ok(vec![1, 2, 3]));
        assert_eq!(ok.status(), StatusCode::OK);
        assert_eq!(
            ok.headers().get(header::CONTENT_ENCODING),
            Some(&HeaderValue::from_static("gzip"))
        );
        assert_eq!(
            ok.headers().get(header::CONTENT_TYPE),
            Some(&HeaderValue::from_static(
                crate::encode::PROTOBUF_CONTENT_TYPE
            ))
        );
        assert_eq!(ok.headers().get(header::VARY), Some(&VARY));
    }
}
