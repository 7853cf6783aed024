//! Seed 003: the coverage report shows which Warren families are declared and never
//! recorded, before and after the audit's week-2 plan; the exposition passes promtool.
//!
//! One test: the report is exact, so nothing else in this binary records into the families.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use metrics_examples::seed003_orchestrator::{
    self as warren, CoverageReport, IngressRequestDuration, IngressRequests, ServiceName,
};
use metrics_runtime::http::StatusClass;

#[test]
fn coverage_report_shows_declared_and_never_recorded() {
    let all: Vec<&str> = warren::SEED.families().map(|f| f.name()).collect();
    assert_eq!(all.len(), 30);
    let report = CoverageReport::now().unwrap();
    assert_eq!(report.unrecorded().len(), 30, "nothing recorded yet");
    assert_eq!(report.components_instrumented(), (0, 8));

    // The audit's finding: only service operations and the reconciler are instrumented.
    warren::instrument_current();
    let now = CoverageReport::now().unwrap();
    assert_eq!(now.components_instrumented(), (2, 8));
    let mut recorded: Vec<&str> = all
        .iter()
        .copied()
        .filter(|f| !now.unrecorded().contains(f))
        .collect();
    recorded.sort_unstable();
    assert_eq!(
        recorded,
        [
            "warren_reconciliation_cycles_total",
            "warren_reconciliation_duration_seconds",
            "warren_service_create_duration_seconds",
            "warren_service_delete_duration_seconds",
            "warren_service_update_duration_seconds",
        ]
    );
    let text = now.render();
    assert!(
        text.starts_with("families recorded: 5/30; components instrumented: 2/8\n"),
        "{text}"
    );
    assert!(
        text.contains("  Scheduler                  0/3 families recorded  NOT instrumented\n"),
        "{text}"
    );
    assert!(text.contains("\n  warren_raft_is_leader\n"), "{text}");

    // The week-2 plan: scheduler, manager/Raft, the collector.
    warren::instrument_week2();
    let after = CoverageReport::now().unwrap();
    assert_eq!(after.components_instrumented(), (5, 8));
    assert_eq!(
        after.unrecorded(),
        [
            "warren_api_request_duration_seconds",
            "warren_api_requests_total",
            "warren_container_create_duration_seconds",
            "warren_container_start_duration_seconds",
            "warren_container_stop_duration_seconds",
            "warren_dns_queries_total",
            "warren_dns_query_duration_seconds",
            "warren_ingress_create_duration_seconds",
            "warren_ingress_request_duration_seconds",
            "warren_ingress_requests_total",
            "warren_ingress_update_duration_seconds",
        ]
    );

    // The ingress, once instrumented, labels the backend service (capped), never a host.
    let web = ServiceName::new("web");
    IngressRequests {
        backend: web,
        status: StatusClass::Success,
    }
    .inc();
    IngressRequestDuration { backend: web }.observe(0.03);
    let last = CoverageReport::now().unwrap();
    assert!(!last.unrecorded().contains(&"warren_ingress_requests_total"));
    let text = warren::SEED.registry().unwrap().encode_text();
    assert!(
        text.contains("warren_ingress_requests_total{backend=\"web\",status=\"2xx\"} 1\n"),
        "{text}"
    );
    assert!(!text.contains("host="), "{text}");
    // The renamed cluster-state gauges.
    for gauge in ["warren_nodes{", "warren_services ", "warren_raft_peers "] {
        assert!(text.contains(gauge), "{gauge}");
    }
    assert!(!text.contains("warren_nodes_total"));
    if let Some((ok, printed)) = metrics_tests::promtool_check_metrics(
        &text,
        "seed003 coverage_report_shows_declared_and_never_recorded",
    ) {
        assert!(ok && printed.trim().is_empty(), "{printed}");
    }
}
