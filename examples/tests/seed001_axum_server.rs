//! Seed 001 over real HTTP: the middleware labels route templates (never raw paths), the
//! `MetricsConfig` applies (global labels, bucket override, process metrics, the gate), the
//! timer records on drop, and the scrape passes `promtool check metrics`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::SocketAddr;
use std::sync::Arc;

use metrics_examples::seed001_axum_server::{
    self as tachikoma, ApiRoute, Backend, ExecutionDuration, ExecutionError, ExecutionStatus,
    Executions, HttpRequests, Method, ModelName, Status, WsConnectionsCurrent, WsSession,
};
use metrics_tests::{http_get, http_raw};

/// Starts the app with the demo config on an ephemeral loopback port.
fn start() -> SocketAddr {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async move {
            let config = tachikoma::config(std::iter::empty()).expect("config");
            let registry = Arc::new(tachikoma::registry(&config).expect("registry"));
            let app = tachikoma::app(registry, &config);
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            tx.send(listener.local_addr().expect("addr")).expect("send");
            let _ = metrics_runtime::http::serve(listener, app, std::future::pending()).await;
        });
    });
    rx.recv().expect("server started")
}

const TOKEN: &str = "Authorization: Bearer tachikoma-demo-token";

#[test]
fn server_labels_route_templates_and_applies_its_config() {
    let addr = start();
    let mission = HttpRequests {
        method: Method::Get,
        path_template: ApiRoute::Mission,
        status: Status::Ok,
    };
    let before = mission.get();
    for id in [
        "123e4567-e89b-12d3-a456-426614174000",
        "42",
        "abc?token=s3cr3t",
    ] {
        let r = http_get(addr, &format!("/api/v1/missions/{id}"), &[]).unwrap();
        assert_eq!(r.status, 200);
    }
    assert_eq!(mission.get() - before, 3);
    assert_eq!(
        http_get(addr, "/no/such/path/999", &[]).unwrap().status,
        404
    );
    let post = b"POST /api/v1/executions HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}";
    assert_eq!(http_raw(addr, post).unwrap().status, 201);

    // The gate: no token, no metrics.
    assert_eq!(http_get(addr, "/metrics", &[]).unwrap().status, 401);
    let text = http_get(addr, "/metrics", &[TOKEN]).unwrap().body;

    // Route templates, never raw paths.
    assert!(
        text.contains(
            "tachikoma_http_requests_total{service=\"tachikoma\",method=\"get\",path_template=\"/api/v1/missions/{id}\",status=\"200\"} 3\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("path_template=\"unmatched\",status=\"404\"} 1\n"),
        "{text}"
    );
    for raw in ["123e4567", "\"42\"", "s3cr3t", "/no/such"] {
        assert!(
            !text.contains(raw),
            "raw path piece {raw} reached the exposition"
        );
    }
    // The request and response size histograms were fed by the layer.
    assert!(
        text.contains("tachikoma_http_request_size_bytes_count{service=\"tachikoma\",method=\"post\",path_template=\"/api/v1/executions\"} 1\n"),
        "{text}"
    );
    // The config: global label, the latency bucket override (4 bounds instead of 12),
    // process metrics, build info, self-metrics.
    assert!(text.contains("le=\"0.005\""), "{text}");
    let duration_buckets = text
        .lines()
        .filter(|l| {
            l.starts_with("tachikoma_http_request_duration_seconds_bucket{service=\"tachikoma\",method=\"get\",path_template=\"/health\",")
        })
        .count();
    assert_eq!(duration_buckets, 5, "4 configured bounds and +Inf");
    assert!(text.contains("process_resident_memory_bytes{service=\"tachikoma\"} "));
    assert!(text.contains("tachikoma_build_info{service=\"tachikoma\","));
    assert!(
        text.contains("tachikoma_metrics_label_values{service=\"tachikoma\",label=\"ModelName\"} ")
    );
    // The execution the POST ran.
    assert!(
        text.contains("model=\"claude-sonnet-4\",status=\"success\"}"),
        "{text}"
    );

    if let Some((ok, printed)) = metrics_tests::promtool_check_metrics(
        &text,
        "seed001 server_labels_route_templates_and_applies_its_config",
    ) {
        assert!(ok, "{printed}");
    }
}

#[test]
fn config_carries_the_seeds_fields() {
    let c = tachikoma::config([
        (
            "TACHIKOMA_METRICS_PATH".to_string(),
            "/internal/metrics".to_string(),
        ),
        (
            "TACHIKOMA_METRICS_GLOBAL_LABELS".to_string(),
            "service=tachikoma,region=eu".to_string(),
        ),
        (
            "TACHIKOMA_METRICS_PROCESS_METRICS".to_string(),
            "false".to_string(),
        ),
    ])
    .unwrap();
    assert_eq!(c.path, "/internal/metrics");
    assert!(!c.process_metrics);
    assert_eq!(c.global_labels.len(), 2);
    assert_eq!(
        c.buckets["tachikoma_http_request_duration_seconds"],
        [0.005, 0.05, 0.5, 5.0]
    );
    let err = tachikoma::config([(
        "TACHIKOMA_METRICS_GLOBAL_LABELS".to_string(),
        "Service=x".to_string(),
    )])
    .unwrap_err();
    assert!(
        err.contains("TACHIKOMA_METRICS_GLOBAL_LABELS") || err.contains("Service"),
        "{err}"
    );
}

#[test]
fn the_timer_records_on_drop_even_on_an_early_return() {
    // Gemini is recorded only by this test, so the values are this test's own.
    let model = ModelName::new("gemini-2.5-pro");
    let labels = || ExecutionDuration {
        backend: Backend::Gemini,
        model,
    };
    assert_eq!(labels().count(), 0);
    // The `?` in run_execution returns early; the timer dropped there records.
    assert_eq!(
        tachikoma::run_execution(
            Backend::Gemini,
            model,
            (10, 5),
            Some(ExecutionError::Timeout)
        ),
        Err(ExecutionError::Timeout)
    );
    assert_eq!(labels().count(), 1);
    assert_eq!(
        Executions {
            backend: Backend::Gemini,
            model,
            status: ExecutionStatus::Failure
        }
        .get(),
        1
    );
    tachikoma::run_execution(Backend::Gemini, model, (10, 5), None).unwrap();
    assert_eq!(labels().count(), 2);
    // A bare timer, dropped at the end of its scope.
    {
        let _timer = ExecutionDuration::start_timer_with(labels());
    }
    assert_eq!(labels().count(), 3);
}

#[test]
fn websocket_sessions_count_while_they_live() {
    let before = WsConnectionsCurrent.get();
    let a = WsSession::open();
    let b = WsSession::open();
    assert_eq!(WsConnectionsCurrent.get(), before + 2.0);
    drop(a);
    drop(b);
    assert_eq!(WsConnectionsCurrent.get(), before);
}

#[test]
fn every_route_of_the_router_has_its_label_value() {
    for template in [
        "/api/v1/missions",
        "/api/v1/missions/{id}",
        "/api/v1/missions/{id}/specs",
        "/api/v1/executions",
        "/health",
        "/metrics",
    ] {
        assert_ne!(ApiRoute::of(template), ApiRoute::Unmatched, "{template}");
    }
    assert_eq!(ApiRoute::of("/api/v1/missions/42"), ApiRoute::Unmatched);
    assert_eq!(Status::of(418), Status::Other);
}
