//! Seed 001 (Tachikoma's axum server) as written: `http_requests_total{method,path,status}`
//! with the raw request path as a string label. R7 forbids the name `path` (the bounded
//! alternative is the route template), and R8 rejects `String` as a label type.

use metrics_runtime::{LabelValue, MetricFamily};

/// HTTP method, bounded.
#[derive(LabelValue, Clone, Copy)]
pub enum Method {
    Get,
    Post,
    Other,
}

/// Response status class.
#[derive(LabelValue, Clone, Copy)]
pub enum Status {
    #[label(rename = "2xx")]
    Success,
    #[label(rename = "5xx")]
    ServerError,
}

/// Total number of HTTP requests.
#[derive(MetricFamily)]
#[metric(counter, name = "app_http_requests_total")]
pub struct HttpRequests {
    pub method: Method,
    pub path: String,
    pub status: Status,
}

fn main() {}
