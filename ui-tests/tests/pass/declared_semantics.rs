#![deny(warnings)]

//! Declared semantics land in the descriptors: error outcomes (`#[label(error)]`), route
//! templates (`#[label(route_templates)]`, or the `route_templates` flag of a capped label),
//! and family roles (`#[metric(role = "...")]`). Under a policy without `tenant_labels` R11
//! is off, so `org_id` on a counter compiles; without `stability_in_help`, HELP is the doc
//! comment alone (a deprecation is always shown).

use metrics_runtime::{FamilyRole, LabelValue, MetricFamily};

/// How a request ended.
#[derive(LabelValue, Clone, Copy)]
pub enum Outcome {
    Ok,
    #[label(error)]
    Failed,
    #[label(error, rename = "timeout")]
    TimedOut,
    #[label(default)]
    Cancelled,
}

/// The routes of the API.
#[derive(LabelValue, Clone, Copy)]
#[label(route_templates)]
pub enum Route {
    #[label(rename = "/v1/things/{id}")]
    Thing,
    #[label(rename = "unmatched")]
    Unmatched,
}

metrics_runtime::capped_label! {
    /// Route templates of the services behind the proxy.
    pub struct ProxiedRoute(cap = 8, route_templates);
}

metrics_runtime::capped_label! {
    /// Org ids.
    pub struct OrgId(cap = 4);
}

/// Requests handled, by route and outcome.
#[derive(MetricFamily)]
#[metric(counter, name = "app_requests_total", deprecated_since = "1.2.0")]
pub struct Requests {
    pub path_template: Route,
    pub result: Outcome,
}

/// Requests proxied, by route template.
#[derive(MetricFamily)]
#[metric(counter, name = "app_proxied_requests_total")]
pub struct Proxied {
    pub path_template: ProxiedRoute,
}

/// Requests by org: no tenant labels in this crate's policy.
#[derive(MetricFamily)]
#[metric(counter, name = "app_org_requests_total")]
pub struct OrgRequests {
    pub org_id: OrgId,
}

/// Events the consumer has not applied yet.
#[derive(MetricFamily)]
#[metric(gauge, name = "app_consumer_lag_events", role = "lag")]
pub struct ConsumerLag;

/// Id of the last event the consumer applied.
#[derive(MetricFamily)]
#[metric(gauge, name = "app_consumer_last_applied_event_id", role = "position")]
pub struct ConsumerPosition;

/// Requests being handled.
#[derive(MetricFamily)]
#[metric(gauge, name = "app_requests_in_flight", role = "in_flight")]
pub struct InFlight;

/// Placements that failed.
#[derive(MetricFamily)]
#[metric(counter, name = "app_placement_failures_total", role = "spikes")]
pub struct PlacementFailures;

/// Time of the last successful backup.
#[derive(MetricFamily)]
#[metric(gauge, name = "app_last_backup_timestamp_seconds", role = "timestamp")]
pub struct LastBackup;

// Checked at compile time: the declarations are const data.
const _: () = assert!(<Outcome as LabelValue>::ERROR_VALUES.len() == 2);
const _: () = assert!(<Route as LabelValue>::ROUTE_TEMPLATES);
const _: () = assert!(!<Outcome as LabelValue>::ROUTE_TEMPLATES);
const _: () = assert!(<ProxiedRoute as LabelValue>::ROUTE_TEMPLATES);
const _: () = assert!(!<OrgId as LabelValue>::ROUTE_TEMPLATES);

fn main() {
    assert_eq!(<Outcome as LabelValue>::ERROR_VALUES, ["failed", "timeout"]);
    assert!(<Route as LabelValue>::ERROR_VALUES.is_empty());

    let d = <Requests as MetricFamily>::DESCRIPTOR;
    assert!(d.labels[0].route_templates);
    assert_eq!(d.labels[1].error_values, ["failed", "timeout"]);
    assert!(!d.labels[1].route_templates);
    assert_eq!(d.role, FamilyRole::None);
    assert!(<Proxied as MetricFamily>::DESCRIPTOR.labels[0].route_templates);

    let role = |d: &metrics_runtime::FamilyDescriptor| d.role;
    assert_eq!(role(<ConsumerLag as MetricFamily>::DESCRIPTOR), FamilyRole::Lag);
    assert_eq!(role(<ConsumerPosition as MetricFamily>::DESCRIPTOR), FamilyRole::Position);
    assert_eq!(role(<InFlight as MetricFamily>::DESCRIPTOR), FamilyRole::InFlight);
    assert_eq!(role(<PlacementFailures as MetricFamily>::DESCRIPTOR), FamilyRole::Spikes);
    assert_eq!(role(<LastBackup as MetricFamily>::DESCRIPTOR), FamilyRole::Timestamp);

    // This crate's policy: prefix `app_`, no stability level in HELP.
    assert_eq!(d.prefix, Some("app_"));
    assert!(!d.stability_in_help);
    assert_eq!(
        d.exposed_help(),
        "(Deprecated since 1.2.0) Requests handled, by route and outcome."
    );
    OrgRequests { org_id: OrgId::new("org-1") }.inc();
    let text = metrics_runtime::encode_text();
    assert!(
        text.contains("# HELP app_consumer_lag_events Events the consumer has not applied yet.\n"),
        "{text}"
    );
}
