//! Seed 000's "Allowed bounded labels (v1)" compile under the platform policy: `component`,
//! `node_id` and `route_id` (capped string labels), `org_id` and `env_id` on a gauge,
//! `process_type`, `status`, `reason`, `event_type`, `http_method`, `http_path_template`,
//! `http_status`. None is mistaken for a forbidden label.

use metrics_runtime::{LabelValue, MetricFamily};

metrics_runtime::capped_label! {
    /// Node ids, bounded by the cluster's size.
    pub struct NodeId(cap = 64);
}
metrics_runtime::capped_label! {
    /// Route ids, bounded by org quotas.
    pub struct RouteId(cap = 32);
}
metrics_runtime::capped_label! {
    /// Org ids, sparingly.
    pub struct OrgId(cap = 16);
}
metrics_runtime::capped_label! {
    /// Env ids, sparingly.
    pub struct EnvId(cap = 4);
}

/// A platform component.
#[derive(LabelValue, Clone, Copy)]
pub enum Component {
    Api,
    Scheduler,
}

/// A process type.
#[derive(LabelValue, Clone, Copy)]
pub enum ProcessType {
    Web,
    Worker,
}

/// A small status enum.
#[derive(LabelValue, Clone, Copy)]
pub enum Status {
    Ok,
    Failed,
}

/// A small reason enum.
#[derive(LabelValue, Clone, Copy)]
pub enum Reason {
    NoCapacity,
    Quota,
}

/// An event type of the event catalog.
#[derive(LabelValue, Clone, Copy)]
pub enum EventType {
    AppCreated,
    AppDeleted,
}

/// The HTTP method.
#[derive(LabelValue, Clone, Copy)]
pub enum HttpMethod {
    Get,
    Other,
}

/// A route template.
#[derive(LabelValue, Clone, Copy)]
pub enum PathTemplate {
    #[label(rename = "/v1/apps/{app_id}")]
    App,
}

/// A status class.
#[derive(LabelValue, Clone, Copy)]
pub enum HttpStatus {
    #[label(rename = "2xx")]
    Success,
}

/// Requests, by every bounded HTTP label.
#[derive(MetricFamily)]
#[metric(counter, name = "trc_http_requests_total")]
pub struct HttpRequests {
    pub component: Component,
    pub http_method: HttpMethod,
    pub http_path_template: PathTemplate,
    pub http_status: HttpStatus,
}

/// Events, by type, process type, status and reason.
#[derive(MetricFamily)]
#[metric(counter, name = "trc_events_total")]
pub struct Events {
    pub event_type: EventType,
    pub process_type: ProcessType,
    pub status: Status,
    pub reason: Reason,
}

/// Heartbeats, by node.
#[derive(MetricFamily)]
#[metric(counter, name = "trc_agent_heartbeats_total")]
pub struct Heartbeats {
    pub node_id: NodeId,
}

/// Active backends, by route.
#[derive(MetricFamily)]
#[metric(gauge, name = "trc_edge_route_backends")]
pub struct RouteBackends {
    pub route_id: RouteId,
}

/// Instances, per org and env: a gauge, which the per-org rule (R11) allows.
#[derive(MetricFamily)]
#[metric(gauge, name = "trc_org_instances")]
pub struct OrgInstances {
    pub org_id: OrgId,
    pub env_id: EnvId,
}

fn main() {
    HttpRequests {
        component: Component::Api,
        http_method: HttpMethod::Get,
        http_path_template: PathTemplate::App,
        http_status: HttpStatus::Success,
    }
    .inc();
    Events {
        event_type: EventType::AppCreated,
        process_type: ProcessType::Web,
        status: Status::Ok,
        reason: Reason::Quota,
    }
    .inc();
    Heartbeats { node_id: NodeId::new("node-a") }.inc();
    RouteBackends { route_id: RouteId::new("r-1") }.set(2.0);
    OrgInstances { org_id: OrgId::new("org-1"), env_id: EnvId::new("prod") }.set(3.0);
    let text = metrics_runtime::encode_text();
    assert!(text.contains("trc_agent_heartbeats_total{node_id=\"node-a\"} 1\n"), "{text}");
    assert!(text.contains("trc_org_instances{org_id=\"org-1\",env_id=\"prod\"} 3\n"), "{text}");
}
