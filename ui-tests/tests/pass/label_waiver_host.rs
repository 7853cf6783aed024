//! `#[label(allow = "...")]` admits an R7 name when the reason says why it is bounded; the
//! reason is kept in the descriptor (and so in the generated docs).

use metrics_runtime::{LabelValue, MetricFamily};

/// The upstreams this service calls: three hosts it owns.
#[derive(LabelValue, Clone, Copy)]
pub enum Upstream {
    Billing,
    Inventory,
    Search,
}

/// Calls made to an upstream, by host.
#[derive(MetricFamily)]
#[metric(counter, name = "app_upstream_calls_total")]
pub struct UpstreamCalls {
    #[label(allow = "one of the three upstream hosts this service owns")]
    pub host: Upstream,
}

fn main() {
    let host = Upstream::Search;
    UpstreamCalls { host }.inc();
    assert_eq!(UpstreamCalls { host }.get(), 1);
    let label = &<UpstreamCalls as MetricFamily>::DESCRIPTOR.labels[0];
    assert_eq!(label.name, "host");
    let reason = "one of the three upstream hosts this service owns";
    assert_eq!(label.waiver, Some(reason));
}
