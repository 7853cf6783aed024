//! Seed 003 (Warren's ingress) as written: `warren_ingress_requests_total{host, backend}`
//! with the request's Host header as a string label. R7 forbids the name `host` (a raw
//! hostname is unbounded: every client or scanner brings new ones) and R8 rejects `String`.
//! The backend is already typed as a capped service name, as in the rewrite.

use metrics_runtime::MetricFamily;

metrics_runtime::capped_label! {
    /// A Warren service: the cluster's own objects.
    pub struct ServiceName(cap = 64);
}

/// Requests proxied by the ingress.
#[derive(MetricFamily)]
#[metric(counter, name = "app_ingress_requests_total")]
pub struct IngressRequests {
    pub host: String,
    pub backend: ServiceName,
}

fn main() {}
