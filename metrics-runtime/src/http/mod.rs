//! Serving for real (feature `axum`): the `/metrics` route behind its auth gate, a tower
//! layer that records HTTP metrics labelled by route *template*, never by raw path, and a
//! server that no client without credentials can take down.
//!
//! | module | what |
//! | --- | --- |
//! | `gate` | who may scrape: bearer token, trusted networks, `X-Forwarded-For` from trusted proxies |
//! | `endpoint` | the `/metrics` route ([`metrics_router`], [`mount`]) |
//! | `layer` | the HTTP metrics layer ([`HttpMetricsLayer`]) |
//! | `serve` | the server ([`serve`], [`serve_with`]): connection cap, timeouts, bounded drain |
//!
//! ```no_run
//! use std::sync::Arc;
//! use metrics_runtime::{http, MetricsConfig, Registry};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let config = MetricsConfig::default().with_env("METRICS_")?;
//! let registry = Arc::new(config.apply(Registry::all())?);
//! let app = http::mount(axum::Router::new(), registry, &config)?;
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:9464").await?;
//! http::serve_with(listener, app, &config.limits, std::future::pending()).await?;
//! # Ok(())
//! # }
//! ```

mod endpoint;
mod gate;
mod layer;
mod serve;

pub use endpoint::{metrics_router, mount};
pub use gate::{Denied, authorize, client_ip};
pub use layer::{HttpMetrics, HttpMetricsLayer, HttpMetricsService, HttpObservation};
pub use serve::{check_limits, serve, serve_with};

use axum::http::Method;

use crate::LabelValue;

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

impl HttpMethod {
    /// The method as one of six values, [`CoarseMethod`]: what most services label by.
    pub const fn coarse(self) -> CoarseMethod {
        match self {
            HttpMethod::Get | HttpMethod::Head => CoarseMethod::Get,
            HttpMethod::Post => CoarseMethod::Post,
            HttpMethod::Put => CoarseMethod::Put,
            HttpMethod::Patch => CoarseMethod::Patch,
            HttpMethod::Delete => CoarseMethod::Delete,
            _ => CoarseMethod::Other,
        }
    }
}

/// HTTP request method in six values: `HEAD` counts as `get`, and `OPTIONS`, `CONNECT`,
/// `TRACE` and extension methods as `other`.
///
/// Every label combination is exposed from the first scrape, so a label's cardinality
/// multiplies a family's zero-valued lines: with [`HttpMethod`] (10 values) × 20 route
/// templates × 5 status classes a counter exposes 1,000 lines for the few dozen series a
/// service really has; with `CoarseMethod` 600. Label by `HttpMethod` only when the rare
/// methods matter.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CoarseMethod {
    /// GET and HEAD.
    Get,
    /// POST
    Post,
    /// PUT
    Put,
    /// PATCH
    Patch,
    /// DELETE
    Delete,
    /// Every other method.
    Other,
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
