//! R8 holds under a waiver: `#[label(allow = "...")]` admits a forbidden name, never an
//! unbounded type.

use metrics_runtime::MetricFamily;

/// Calls made to an upstream, by host.
#[derive(MetricFamily)]
#[metric(counter, name = "app_upstream_calls_total")]
pub struct UpstreamCalls {
    #[label(allow = "only a few upstream hosts")]
    pub host: String,
}

fn main() {}
