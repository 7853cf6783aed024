//! R11 waived with a reason on a capped label type: the per-tenant series stay bounded by the
//! cap plus the overflow value, which the series budget (R9) counts. The reason lands in the
//! descriptor, so in the generated docs.

use metrics_runtime::{LabelValue, MetricFamily};

metrics_runtime::capped_label! {
    /// Org ids of the largest tenants; the rest share the overflow value.
    pub struct OrgId(cap = 20);
}

/// How a request ended.
#[derive(LabelValue, Clone, Copy)]
pub enum Outcome {
    Ok,
    #[label(error)]
    Error,
}

/// Requests handled, by org and outcome.
#[derive(MetricFamily)]
#[metric(counter, name = "trc_org_requests_total")]
pub struct OrgRequests {
    #[label(allow = "capped at 20 orgs for the billing dashboard; the rest fold into __overflow__")]
    pub org_id: OrgId,
    pub result: Outcome,
}

fn main() {
    OrgRequests { org_id: OrgId::new("org-1"), result: Outcome::Ok }.inc();
    let d = <OrgRequests as MetricFamily>::DESCRIPTOR;
    assert_eq!(d.worst_case_series, 21 * 2);
    assert_eq!(d.labels[0].cap, Some(20));
    assert_eq!(
        d.labels[0].waiver,
        Some("capped at 20 orgs for the billing dashboard; the rest fold into __overflow__")
    );
    // The platform policy: its prefix, and stability levels in HELP.
    assert_eq!(d.prefix, Some("trc_"));
    assert!(d.stability_in_help);
    assert_eq!(d.exposed_help(), "[ALPHA] Requests handled, by org and outcome.");
}
