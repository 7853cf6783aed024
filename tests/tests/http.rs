//! The `/metrics` endpoint and the HTTP metrics layer over real HTTP on 127.0.0.1.

use std::net::SocketAddr;
use std::sync::Arc;

use metrics_runtime::http::{
    self, HttpMethod, HttpMetrics, HttpMetricsLayer, HttpObservation, RouteTemplate, StatusClass,
};
use metrics_runtime::{MetricFamily, MetricsConfig, Registry};
use metrics_tests::{http_get, http_raw};

/// Requests served by this test's app.
#[derive(MetricFamily)]
#[metric(counter, name = "t_http_requests_total", max_series = 5000)]
pub struct Requests {
    pub method: HttpMethod,
    pub path_template: RouteTemplate,
    pub status: StatusClass,
}

/// Request latency.
#[derive(MetricFamily)]
#[metric(histogram, name = "t_http_request_duration_seconds", unit = "seconds", buckets = [0.001, 0.01, 0.1, 1.0], max_series = 5000)]
pub struct Duration {
    pub method: HttpMethod,
    pub path_template: RouteTemplate,
}

/// Requests in flight.
#[derive(MetricFamily)]
#[metric(gauge, name = "t_http_requests_in_flight")]
pub struct InFlight;

/// Response body sizes.
#[derive(MetricFamily)]
#[metric(histogram, name = "t_http_response_size_bytes", unit = "bytes", buckets = [10.0, 100.0, 1000.0])]
pub struct ResponseSize;

/// Request body sizes, by route.
#[derive(MetricFamily)]
#[metric(histogram, name = "t_http_request_size_bytes", unit = "bytes", buckets = [10.0, 100.0, 1000.0], max_series = 500)]
pub struct RequestSize {
    pub path_template: RouteTemplate,
}

struct AppMetrics;

impl HttpMetrics for AppMetrics {
    fn on_request(&self, _method: HttpMethod, _route: &str) {
        InFlight.inc();
    }
    fn on_response(&self, o: &HttpObservation<'_>) {
        InFlight.dec();
        let route = RouteTemplate::new(o.route);
        Requests {
            method: o.method,
            path_template: route,
            status: StatusClass::of(o.status),
        }
        .inc();
        Duration {
            method: o.method,
            path_template: route,
        }
        .observe(o.duration.as_secs_f64());
        if let Some(n) = o.response_bytes {
            ResponseSize.observe(n as f64);
        }
        if let Some(n) = o.request_bytes {
            RequestSize {
                path_template: route,
            }
            .observe(n as f64);
        }
    }
}

fn registry() -> Arc<Registry> {
    let mut r = Registry::new();
    r.register::<Requests>().expect("new");
    r.register::<Duration>().expect("new");
    r.register::<InFlight>().expect("new");
    r.register::<ResponseSize>().expect("new");
    r.register::<RequestSize>().expect("new");
    Arc::new(r.with_self_metrics("t_metrics_"))
}

/// Starts the app on an ephemeral loopback port in a background runtime.
fn start(config: MetricsConfig) -> SocketAddr {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async move {
            let app = axum::Router::new()
                .route("/items/{id}", axum::routing::get(|| async { "item\n" }))
                .route("/health", axum::routing::get(|| async { "ok\n" }))
                .route(
                    "/upload",
                    axum::routing::post(|body: String| async move { body.len().to_string() }),
                )
                .merge(http::metrics_router(registry(), &config))
                // Last, so it wraps every route and the fallback (unmatched requests).
                .layer(HttpMetricsLayer::new(AppMetrics));
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            tx.send(listener.local_addr().expect("addr")).expect("send");
            let _ = http::serve(listener, app, std::future::pending()).await;
        });
    });
    rx.recv().expect("server started")
}

fn config(toml: &str) -> MetricsConfig {
    MetricsConfig::from_toml_str(toml).expect("valid config")
}

#[test]
fn no_gate_configured_means_no_route() {
    let addr = start(MetricsConfig::default());
    assert_eq!(http_get(addr, "/metrics", &[]).expect("http").status, 404);
    // Unless the network is declared trusted, explicitly.
    let addr = start(config("[auth]\ntrust_network = true\n"));
    assert_eq!(http_get(addr, "/metrics", &[]).expect("http").status, 200);
}

#[test]
fn auth_matrix_over_real_http() {
    // token only
    let addr = start(config("[auth]\ntoken = \"s3cret\"\n"));
    assert_eq!(http_get(addr, "/metrics", &[]).expect("http").status, 401);
    let wrong = http_get(addr, "/metrics", &["Authorization: Bearer nope"]).expect("http");
    assert_eq!(wrong.status, 401);
    assert!(
        wrong
            .header("www-authenticate")
            .is_some_and(|v| v.starts_with("Bearer"))
    );
    let ok = http_get(addr, "/metrics", &["Authorization: Bearer s3cret"]).expect("http");
    assert_eq!(ok.status, 200);
    assert_eq!(
        ok.header("content-type"),
        Some("text/plain; version=0.0.4; charset=utf-8")
    );
    assert!(ok.body.contains("# TYPE t_http_requests_total counter"));
    // A scraper that asks for OpenMetrics (as Prometheus does) gets it.
    let om = http_get(
        addr,
        "/metrics",
        &[
            "Authorization: Bearer s3cret",
            "Accept: application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5",
        ],
    )
    .expect("http");
    assert_eq!(
        om.header("content-type"),
        Some("application/openmetrics-text; version=1.0.0; charset=utf-8")
    );
    assert!(
        om.body.contains("# TYPE t_http_requests counter\n"),
        "{}",
        om.body
    );
    assert!(om.body.ends_with("# EOF\n"));
    // CIDR only: loopback is inside 127.0.0.0/8, outside 10.0.0.0/8.
    let inside = start(config("[auth]\ntrusted_cidrs = [\"127.0.0.0/8\"]\n"));
    assert_eq!(http_get(inside, "/metrics", &[]).expect("http").status, 200);
    let outside = start(config("[auth]\ntrusted_cidrs = [\"10.0.0.0/8\"]\n"));
    assert_eq!(
        http_get(outside, "/metrics", &[]).expect("http").status,
        403
    );
    // Both: both must pass.
    let both = start(config(
        "[auth]\ntoken = \"s3cret\"\ntrusted_cidrs = [\"127.0.0.0/8\"]\n",
    ));
    assert_eq!(http_get(both, "/metrics", &[]).expect("http").status, 401);
    assert_eq!(
        http_get(both, "/metrics", &["Authorization: Bearer s3cret"])
            .expect("http")
            .status,
        200
    );
    let both_out = start(config(
        "[auth]\ntoken = \"s3cret\"\ntrusted_cidrs = [\"10.0.0.0/8\"]\n",
    ));
    assert_eq!(
        http_get(both_out, "/metrics", &["Authorization: Bearer s3cret"])
            .expect("http")
            .status,
        403
    );
}

#[test]
fn forwarded_for_is_honoured_only_from_trusted_proxies() {
    // The peer (127.0.0.1) is not a trusted proxy: a spoofed header changes nothing.
    let addr = start(config("[auth]\ntrusted_cidrs = [\"10.0.0.0/8\"]\n"));
    assert_eq!(
        http_get(addr, "/metrics", &["X-Forwarded-For: 10.1.2.3"])
            .expect("http")
            .status,
        403
    );
    // The peer is a trusted proxy: the forwarded client decides.
    let proxied = start(config(
        "[auth]\ntrusted_cidrs = [\"10.0.0.0/8\"]\ntrusted_proxies = [\"127.0.0.1/32\"]\n",
    ));
    assert_eq!(
        http_get(proxied, "/metrics", &["X-Forwarded-For: 10.1.2.3"])
            .expect("http")
            .status,
        200
    );
    assert_eq!(
        http_get(proxied, "/metrics", &["X-Forwarded-For: 192.0.2.1"])
            .expect("http")
            .status,
        403
    );
    assert_eq!(
        http_get(proxied, "/metrics", &["X-Forwarded-For: garbage"])
            .expect("http")
            .status,
        403
    );
}

#[test]
fn hostile_requests_get_status_codes_not_panics() {
    let addr = start(config("[auth]\ntoken = \"s3cret\"\n"));
    // A 64 KiB token fits the server's header buffer: a wrong token, so 401.
    let long = format!("Authorization: Bearer {}", "x".repeat(64 * 1024));
    let r = http_get(addr, "/metrics", &[&long]).expect("a 64 KiB header is answered");
    assert_eq!(r.status, 401);
    // More header lines than the server parses (hyper's limit is 100): 431.
    let many: Vec<String> = (0..150).map(|i| format!("X-Filler-{i}: {i}")).collect();
    let many: Vec<&str> = many.iter().map(String::as_str).collect();
    let r = http_get(addr, "/metrics", &many).expect("150 header lines are answered");
    assert_eq!(r.status, 431, "150 header lines");
    // A head larger than the server's read buffer (about 400 KiB) is refused with 431; the
    // server may close the connection before the client has written it all, so the status
    // is read only when the response arrives before the reset.
    let huge = format!("X-Huge: {}", "y".repeat(1024 * 1024));
    match http_get(addr, "/metrics", &[&huge]) {
        Ok(r) => assert_eq!(r.status, 431, "a 1 MiB header"),
        Err(e) => eprintln!("a 1 MiB header: connection closed by the server ({e})"),
    }
    for raw in [
        &b"GET /metrics HTTP/1.1\r\nHost: x\r\nAuthorization: \xff\xfe\r\nConnection: close\r\n\r\n"[..],
        b"GET /metrics HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer\r\nConnection: close\r\n\r\n",
        b"GET /metrics HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: ,,,\r\nConnection: close\r\n\r\n",
        b"BREW /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        b"GET /%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    ] {
        let r = http_raw(addr, raw).expect("the server answers");
        assert!((400..500).contains(&r.status), "{} for {:?}", r.status, String::from_utf8_lossy(raw));
    }
    // Still serving afterwards.
    assert_eq!(
        http_get(addr, "/metrics", &["Authorization: Bearer s3cret"])
            .expect("http")
            .status,
        200
    );
}

#[test]
fn middleware_labels_route_templates_never_raw_paths() {
    let addr = start(config("[auth]\ntoken = \"s3cret\"\n"));
    let before = Requests {
        method: HttpMethod::Get,
        path_template: RouteTemplate::new("/items/{id}"),
        status: StatusClass::Success,
    }
    .get();
    for id in ["12345", "67890", "c0ffee-uuid-like-4d2a"] {
        assert_eq!(
            http_get(addr, &format!("/items/{id}?token=abc"), &[])
                .expect("http")
                .status,
            200
        );
    }
    assert_eq!(
        http_get(addr, "/no/such/path/999", &[])
            .expect("http")
            .status,
        404
    );
    let text = http_get(addr, "/metrics", &["Authorization: Bearer s3cret"])
        .expect("http")
        .body;
    let after = Requests {
        method: HttpMethod::Get,
        path_template: RouteTemplate::new("/items/{id}"),
        status: StatusClass::Success,
    }
    .get();
    assert_eq!(after - before, 3);
    assert!(text.contains("path_template=\"/items/{id}\""), "{text}");
    assert!(
        text.contains("path_template=\"unmatched\",status=\"4xx\""),
        "{text}"
    );
    for raw in ["12345", "67890", "c0ffee", "token=abc", "/no/such"] {
        assert!(
            !text.contains(raw),
            "raw path piece {raw} reached the exposition"
        );
    }
    assert!(text.contains("t_http_response_size_bytes_count "), "{text}");
    assert!(
        text.contains("t_metrics_scrapes_total{format=\"text\"} "),
        "{text}"
    );
}

/// Payload sizes, recorded by no other test (a bucket override needs an unrecorded family).
#[derive(MetricFamily)]
#[metric(histogram, name = "t_payload_size_bytes", unit = "bytes", buckets = [10.0, 100.0, 1000.0])]
pub struct PayloadSize;

#[test]
fn config_applies_global_labels_and_bucket_overrides() {
    let cfg = config(
        "[global_labels]\nservice = \"api\"\n[buckets]\nt_payload_size_bytes = [50.0, 500.0]\n",
    );
    let mut r = Registry::new();
    r.register::<PayloadSize>().expect("new");
    let r = cfg.apply(r).expect("applies");
    let text = r.encode_text();
    assert!(
        text.contains("t_payload_size_bytes_bucket{service=\"api\",le=\"50\"} "),
        "{text}"
    );
    assert!(!text.contains("le=\"1000\""), "{text}");
    assert!(
        text.contains("process_resident_memory_bytes{service=\"api\"} "),
        "{text}"
    );
    PayloadSize.observe(70.0);
    assert_eq!(
        PayloadSize.get().buckets,
        vec![(50.0, 0), (500.0, 1), (f64::INFINITY, 1)]
    );
    // A second override, or one with more buckets than declared, is refused with the key.
    let err = config("[buckets]\nt_payload_size_bytes = [1.0, 2.0, 3.0, 4.0]\n").apply({
        let mut r = Registry::new();
        r.register::<PayloadSize>().expect("new");
        r
    });
    assert!(err.is_err_and(|e| e.key == "buckets.t_payload_size_bytes"));
}

/// Requests of the load test only.
#[derive(MetricFamily)]
#[metric(counter, name = "t_load_requests_total", max_series = 5000)]
pub struct LoadRequests {
    pub path_template: RouteTemplate,
    pub status: StatusClass,
}

struct LoadMetrics;

impl HttpMetrics for LoadMetrics {
    fn on_request(&self, _method: HttpMethod, _route: &str) {}
    fn on_response(&self, o: &HttpObservation<'_>) {
        LoadRequests {
            path_template: RouteTemplate::new(o.route),
            status: StatusClass::of(o.status),
        }
        .inc();
    }
}

#[test]
fn bounded_loopback_load_loses_nothing() {
    use metrics_tests::HttpConn;
    const REQUESTS_PER_CLIENT: u64 = 50_000;
    const SCRAPES_PER_CLIENT: u64 = 5_000;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async move {
            let mut reg = Registry::new();
            reg.register::<LoadRequests>().expect("new");
            let cfg = config("[auth]\ntoken = \"load\"\n");
            let app = axum::Router::new()
                .route("/work/{id}", axum::routing::get(|| async { "done\n" }))
                .merge(http::metrics_router(Arc::new(reg), &cfg))
                .layer(HttpMetricsLayer::new(LoadMetrics));
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            tx.send(listener.local_addr().expect("addr")).expect("send");
            let _ = http::serve(listener, app, std::future::pending()).await;
        });
    });
    let addr = rx.recv().expect("server started");
    let started = std::time::Instant::now();
    let clients: Vec<_> = (0..2)
        .map(|c| {
            std::thread::spawn(move || {
                let mut conn = HttpConn::connect(addr).expect("connect");
                let mut errors = 0u64;
                for i in 0..REQUESTS_PER_CLIENT {
                    match conn.get(&format!("/work/{c}-{i}"), &[]) {
                        Ok((200, _)) => {}
                        _ => errors += 1,
                    }
                    if i % (REQUESTS_PER_CLIENT / SCRAPES_PER_CLIENT) == 0 {
                        match conn.get("/metrics", &["Authorization: Bearer load"]) {
                            Ok((200, body)) if body.contains("t_load_requests_total{") => {}
                            _ => errors += 1,
                        }
                    }
                }
                errors
            })
        })
        .collect();
    let errors: u64 = clients.into_iter().map(|c| c.join().expect("client")).sum();
    assert_eq!(errors, 0);
    let work = LoadRequests {
        path_template: RouteTemplate::new("/work/{id}"),
        status: StatusClass::Success,
    }
    .get();
    let scrapes = LoadRequests {
        path_template: RouteTemplate::new("/metrics"),
        status: StatusClass::Success,
    }
    .get();
    assert_eq!(
        work,
        2 * REQUESTS_PER_CLIENT,
        "every request counted exactly once"
    );
    // The last scrape of each client is counted after its response is written.
    assert_eq!(scrapes, 2 * SCRAPES_PER_CLIENT);
    eprintln!(
        "{} requests and {} scrapes over 2 keep-alive loopback connections in {:.1} s, 0 errors",
        2 * REQUESTS_PER_CLIENT,
        2 * SCRAPES_PER_CLIENT,
        started.elapsed().as_secs_f64()
    );
}

/// Request and response sizes come from `Content-Length` (or a body of known size); a
/// streamed body of unknown length is not observed rather than guessed.
#[test]
fn request_and_response_sizes_are_observed_when_known() {
    let addr = start(config("[auth]\ntoken = \"s3cret\"\n"));
    // Only this test posts to /upload.
    let upload = || RequestSize {
        path_template: RouteTemplate::new("/upload"),
    };
    let body = "x".repeat(300);
    let r = http_raw(
        addr,
        format!(
            "POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 300\r\nConnection: close\r\n\r\n{body}"
        )
        .as_bytes(),
    )
    .expect("http");
    assert_eq!((r.status, r.body.as_str()), (200, "300"));
    assert_eq!((upload().count(), upload().sum()), (1, 300.0));
    let r = http_raw(
        addr,
        b"POST /upload HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
    )
    .expect("http");
    assert_eq!((r.status, r.body.as_str()), (200, "5"));
    assert_eq!(
        upload().count(),
        1,
        "a chunked body's size is unknown up front"
    );
}
