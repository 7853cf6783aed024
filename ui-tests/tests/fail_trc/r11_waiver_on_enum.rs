//! R11's waiver holds only on a capped label type, whose cap bounds the per-tenant series: on
//! an enum it is refused, at the field's type.

use metrics_runtime::{LabelValue, MetricFamily};

/// The orgs this test knows.
#[derive(LabelValue, Clone, Copy)]
pub enum OrgKind {
    Internal,
    Customer,
}

/// Requests handled, by org.
#[derive(MetricFamily)]
#[metric(counter, name = "trc_requests_total")]
pub struct Requests {
    #[label(allow = "only two kinds of org")]
    pub org_id: OrgKind,
}

fn main() {}
