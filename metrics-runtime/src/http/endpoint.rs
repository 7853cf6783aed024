//! The `/metrics` route: the gate first, whatever the method, then the exposition in the
//! format the scraper asks for.

use std::net::SocketAddr;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::MethodFilter;

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

/// The metrics route at `config.path`, behind its gate, for every method (the gate answers
/// first; past it, anything but GET and HEAD gets 405). With the endpoint disabled, with
/// neither token nor trusted CIDRs and the network not declared trusted, or with a config
/// that fails [`MetricsConfig::validate`] (a struct built by hand), the route is not mounted
/// at all (404), so a deployment cannot expose metrics openly, or panic, by accident.
///
/// Merging it into an application that routes the same path panics in axum's
/// `Router::merge`; [`mount`] returns that as an error instead.
pub fn metrics_router(registry: Arc<Registry>, config: &MetricsConfig) -> axum::Router {
    if !config.enabled || !config.auth.serves() || config.validate().is_err() {
        return axum::Router::new();
    }
    let endpoint = Arc::new(Endpoint {
        registry,
        auth: config.auth.clone(),
    });
    let handler = move |req: Request| metrics_handler(Arc::clone(&endpoint), req);
    // Every method by name, not `any` (a method fallback, which axum would quietly merge
    // beside an application's own handlers for the same path): an application route at
    // this path is then an overlap that `mount` reports.
    let methods = [
        MethodFilter::GET,
        MethodFilter::HEAD,
        MethodFilter::POST,
        MethodFilter::PUT,
        MethodFilter::DELETE,
        MethodFilter::PATCH,
        MethodFilter::OPTIONS,
        MethodFilter::TRACE,
        MethodFilter::CONNECT,
    ]
    .into_iter()
    .fold(MethodFilter::GET, MethodFilter::or);
    axum::Router::new().route(
        &config.path,
        axum::routing::on(methods, handler.clone()).fallback(handler),
    )
}

/// `app` with the metrics route of [`metrics_router`] merged in. A config that fails
/// [`MetricsConfig::validate`], or a `path` the application routes already, is an error
/// naming `path` rather than a panic at startup.
///
/// axum reports the overlap only by panicking, so the merge runs under `catch_unwind`: the
/// panic hook still prints axum's own message before the error comes back, and a program
/// built with `panic = "abort"` aborts there as `Router::merge` would.
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
