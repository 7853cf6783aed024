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
    Arc::new(r.with_self_metrics("t_metrics_").expect("valid prefix"))
}

/// The test app: a few routes, the metrics route of `config`, the metrics layer last.
fn app(config: &MetricsConfig) -> axum::Router {
    axum::Router::new()
        .route("/items/{id}", axum::routing::get(|| async { "item\n" }))
        .route("/health", axum::routing::get(|| async { "ok\n" }))
        .route(
            "/upload",
            axum::routing::post(|body: String| async move { body.len().to_string() }),
        )
        // The same, for the stalled-body test alone (`/upload`'s sizes are another test's).
        .route(
            "/upload-stalled",
            axum::routing::post(|body: String| async move { body.len().to_string() }),
        )
        .route(
            "/boom",
            axum::routing::get(|| async {
                if std::hint::black_box(true) {
                    panic!("the handler panics (on purpose: tests/tests/http.rs)");
                }
                "unreachable\n"
            }),
        )
        // A handler that never answers: a request in progress that only a deadline ends.
        .route(
            "/forever",
            axum::routing::get(std::future::pending::<&'static str>),
        )
        .merge(http::metrics_router(registry(), config))
        // Last, so it wraps every route and the fallback (unmatched requests).
        .layer(HttpMetricsLayer::new(AppMetrics))
}

/// Starts the app on an ephemeral loopback port in a background runtime, served within
/// `config.limits`; it stops when `stop` is sent (or never, when it is dropped unsent).
/// The server's thread sends `()` on the returned receiver when `serve_with` returned.
fn start_stoppable(
    config: MetricsConfig,
) -> (
    SocketAddr,
    tokio::sync::oneshot::Sender<()>,
    std::sync::mpsc::Receiver<()>,
) {
    let (tx, rx) = std::sync::mpsc::channel();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let (done_tx, done) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            tx.send(listener.local_addr().expect("addr")).expect("send");
            let shutdown = async move {
                if stopped.await.is_err() {
                    std::future::pending::<()>().await;
                }
            };
            let served = http::serve_with(listener, app(&config), &config.limits, shutdown).await;
            assert!(served.is_ok(), "{served:?}");
            let _ = done_tx.send(());
        });
        // The runtime is dropped here, with whatever its tasks still hold.
    });
    (rx.recv().expect("server started"), stop, done)
}

/// Starts the app on an ephemeral loopback port in a background runtime, served until the
/// test process ends.
fn start(config: MetricsConfig) -> SocketAddr {
    // A dropped sender is never a shutdown.
    let (addr, _stop, _) = start_stoppable(config);
    addr
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
    // A 32 KiB token fits the head limit (`limits.max_header_bytes`, 64 KiB): a wrong
    // token, so 401.
    let long = format!("Authorization: Bearer {}", "x".repeat(32 * 1024));
    let r = http_get(addr, "/metrics", &[&long]).expect("a 32 KiB header is answered");
    assert_eq!(r.status, 401);
    // More header lines than the server parses (hyper's limit is 100): 431.
    let many: Vec<String> = (0..150).map(|i| format!("X-Filler-{i}: {i}")).collect();
    let many: Vec<&str> = many.iter().map(String::as_str).collect();
    let r = http_get(addr, "/metrics", &many).expect("150 header lines are answered");
    assert_eq!(r.status, 431, "150 header lines");
    // A head larger than `limits.max_header_bytes` is refused with 431; the server may close
    // the connection before the client has written it all, so the status is read only when
    // the response arrives before the reset.
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

/// Reads from `stream` until the server closes it (`Ok` with what was read), or until
/// `deadline` passes with the connection still open (`Err`). A reset counts as closed.
fn read_until_closed(
    stream: &mut std::net::TcpStream,
    deadline: std::time::Duration,
) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let end = std::time::Instant::now() + deadline;
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let left = end.saturating_duration_since(std::time::Instant::now());
        if left.is_zero() {
            return Err(format!(
                "still open after {deadline:?}; read {:?}",
                String::from_utf8_lossy(&got)
            ));
        }
        stream.set_read_timeout(Some(left)).expect("timeout");
        match stream.read(&mut buf) {
            Ok(0) => return Ok(got),
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(_) => return Ok(got),
        }
    }
}

/// A connection to `addr` that has sent the first line and a half of a request head.
fn half_sent(addr: SocketAddr) -> std::net::TcpStream {
    use std::io::Write;
    let mut s = std::net::TcpStream::connect(addr).expect("connect");
    s.write_all(b"GET /metrics HTTP/1.1\r\nHost: flood\r\nX-Wait: ")
        .expect("write");
    s
}

/// A client that never finishes its request head, or trickles it a byte at a time, is closed
/// after `limits.header_read_timeout`; hyper runs the same timer over the wait for the next
/// request on a keep-alive connection. (Before: no timer at all; a half-sent head stayed
/// open for as long as the client liked.)
#[test]
fn half_sent_and_trickled_heads_are_closed() {
    let addr = start(config(
        "[auth]\ntoken = \"s3cret\"\n[limits]\nheader_read_timeout = 1\nidle_timeout = 60\n",
    ));
    let mut slow = half_sent(addr);
    // One byte now and then does not reset the header timer.
    let mut trickle = half_sent(addr);
    std::thread::spawn({
        let mut trickle = trickle.try_clone().expect("clone");
        move || {
            use std::io::Write;
            for _ in 0..40 {
                std::thread::sleep(std::time::Duration::from_millis(250));
                if trickle.write_all(b"x").is_err() {
                    break;
                }
            }
        }
    });
    let mut conn = metrics_tests::HttpConn::connect(addr).expect("connect");
    assert_eq!(conn.get("/health", &[]).expect("first request").0, 200);
    let answered = std::time::Instant::now();
    let limit = std::time::Duration::from_secs(15);
    for (what, stream) in [
        ("a half-sent head", &mut slow),
        ("a trickled head", &mut trickle),
    ] {
        let got = read_until_closed(stream, limit).unwrap_or_else(|e| panic!("{what}: {e}"));
        // hyper answers nothing to a head it never got whole.
        assert!(
            got.is_empty() || got.starts_with(b"HTTP/1.1 408"),
            "{what}: {got:?}"
        );
    }
    std::thread::sleep(std::time::Duration::from_millis(2500).saturating_sub(answered.elapsed()));
    let next = conn.get("/health", &[]);
    assert!(
        next.is_err(),
        "the silent keep-alive connection is closed: {next:?}"
    );
}

/// A connection on which nothing moves while no handler runs is closed after
/// `limits.idle_timeout`, even when `header_read_timeout` is longer: a keep-alive
/// connection waiting for its next request, a connection that never sent a byte. A handler
/// that takes longer than that is not idle. (Before: an idle keep-alive connection stayed
/// open forever.)
#[test]
fn idle_connections_are_closed_but_slow_handlers_are_not() {
    let addr = start(config(
        "[auth]\ntoken = \"s3cret\"\n[limits]\nheader_read_timeout = 60\nidle_timeout = 1\n",
    ));
    let mut silent = std::net::TcpStream::connect(addr).expect("connect");
    let mut keep_alive = metrics_tests::HttpConn::connect(addr).expect("connect");
    assert_eq!(keep_alive.get("/health", &[]).expect("request").0, 200);
    read_until_closed(&mut silent, std::time::Duration::from_secs(15))
        .expect("a silent connection is closed");
    std::thread::sleep(std::time::Duration::from_millis(500));
    let next = keep_alive.get("/health", &[]);
    assert!(
        next.is_err(),
        "the idle keep-alive connection is closed: {next:?}"
    );
    // A request in a handler for longer than the idle timeout keeps its connection.
    let mut waiting = std::net::TcpStream::connect(addr).expect("connect");
    {
        use std::io::Write;
        waiting
            .write_all(b"GET /forever HTTP/1.1\r\nHost: t\r\n\r\n")
            .expect("write");
    }
    let still = read_until_closed(&mut waiting, std::time::Duration::from_secs(3));
    assert!(
        still.is_err(),
        "a connection in a handler is not idle: {still:?}"
    );
}

/// Past `limits.max_connections`, the connection idle the longest is closed to admit the
/// new one: half-sent requests cannot keep a scraper out, and the server never holds more
/// than the cap. (Before: no cap; every half-sent request held a descriptor.)
#[test]
fn at_the_cap_the_idlest_connection_makes_room() {
    let addr = start(config(
        "[auth]\ntoken = \"s3cret\"\n[limits]\nmax_connections = 8\nheader_read_timeout = 60\nidle_timeout = 60\n",
    ));
    // One after the other, so that the first is the idlest.
    let mut flood: Vec<_> = (0..8)
        .map(|_| {
            let s = half_sent(addr);
            std::thread::sleep(std::time::Duration::from_millis(20));
            s
        })
        .collect();
    std::thread::sleep(std::time::Duration::from_millis(200));
    let r = http_get(addr, "/metrics", &["Authorization: Bearer s3cret"]).expect("scrape");
    assert_eq!(r.status, 200, "a scrape at the cap is served");
    // The scrape took the oldest half-sent connection's place.
    read_until_closed(&mut flood[0], std::time::Duration::from_secs(10))
        .expect("the idlest connection was closed");
    // Eight more half-sent requests: the server closes as many of the older ones.
    flood.extend((0..8).map(|_| half_sent(addr)));
    std::thread::sleep(std::time::Duration::from_millis(200));
    let r = http_get(addr, "/metrics", &["Authorization: Bearer s3cret"]).expect("scrape");
    assert_eq!(r.status, 200);
    let open = flood
        .iter_mut()
        .map(|s| read_until_closed(s, std::time::Duration::from_millis(300)))
        .filter(Result::is_err)
        .count();
    assert!(
        open <= 8,
        "{open} half-sent connections open with a cap of 8"
    );
}

/// When every connection under the cap is in a handler, a new one is refused at once
/// (closed without an answer) rather than queued.
#[test]
fn at_the_cap_with_every_connection_busy_new_ones_are_refused() {
    use std::io::Write;
    let addr = start(config(
        "[auth]\ntoken = \"s3cret\"\n[limits]\nmax_connections = 2\n",
    ));
    let busy: Vec<_> = (0..2)
        .map(|_| {
            let mut s = std::net::TcpStream::connect(addr).expect("connect");
            s.write_all(b"GET /forever HTTP/1.1\r\nHost: t\r\n\r\n")
                .expect("write");
            s
        })
        .collect();
    std::thread::sleep(std::time::Duration::from_millis(300));
    match http_get(addr, "/health", &[]) {
        Err(_) => {}
        Ok(r) => panic!("a connection past a busy cap was served: {r:?}"),
    }
    drop(busy);
}

/// At shutdown, connections with no request in progress (idle, or a head still arriving)
/// close at once, requests in progress get `limits.drain_timeout`, and then `serve_with`
/// returns whatever is left. (Before: one client that sent one byte, or one handler that
/// never ends, held the shutdown up forever.)
#[test]
fn shutdown_drains_for_a_bounded_time() {
    use std::io::Write;
    let (addr, stop, done) = start_stoppable(config(
        "[auth]\ntoken = \"s3cret\"\n[limits]\ndrain_timeout = 1\nheader_read_timeout = 60\nidle_timeout = 60\n",
    ));
    let mut one_byte = std::net::TcpStream::connect(addr).expect("connect");
    one_byte.write_all(b"G").expect("write");
    let mut idle = metrics_tests::HttpConn::connect(addr).expect("connect");
    assert_eq!(idle.get("/health", &[]).expect("request").0, 200);
    let mut in_handler = std::net::TcpStream::connect(addr).expect("connect");
    in_handler
        .write_all(b"GET /forever HTTP/1.1\r\nHost: t\r\n\r\n")
        .expect("write");
    std::thread::sleep(std::time::Duration::from_millis(200));
    stop.send(()).expect("the server is running");
    read_until_closed(&mut one_byte, std::time::Duration::from_secs(10))
        .expect("a half-sent head does not hold the shutdown");
    done.recv_timeout(std::time::Duration::from_secs(20))
        .expect("serve_with returned after the drain deadline");
    read_until_closed(&mut in_handler, std::time::Duration::from_secs(10))
        .expect("the request past the deadline was dropped");
    assert!(
        idle.get("/health", &[]).is_err(),
        "the idle connection is closed"
    );
}

/// An unauthenticated request gets the same 401/403 whatever its method: the gate answers
/// before the method is looked at, so the route's existence is not revealed. Past the gate,
/// a method other than GET or HEAD gets 405.
#[test]
fn the_gate_answers_before_the_method() {
    let addr = start(config("[auth]\ntoken = \"s3cret\"\n"));
    let outside = start(config(
        "[auth]\ntoken = \"s3cret\"\ntrusted_cidrs = [\"10.0.0.0/8\"]\n",
    ));
    let request = |addr: SocketAddr, method: &str, auth: &str| {
        let head = format!(
            "{method} /metrics HTTP/1.1\r\nHost: t\r\n{auth}Content-Length: 0\r\nConnection: close\r\n\r\n"
        );
        http_raw(addr, head.as_bytes()).expect("answered")
    };
    for method in [
        "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "BREW",
    ] {
        assert_eq!(
            request(addr, method, "").status,
            401,
            "{method} without a token"
        );
        assert_eq!(
            request(outside, method, "Authorization: Bearer s3cret\r\n").status,
            403,
            "{method} from outside the networks"
        );
        let past = request(addr, method, "Authorization: Bearer s3cret\r\n");
        if matches!(method, "GET" | "HEAD") {
            assert_eq!(past.status, 200, "{method}");
        } else {
            assert_eq!(past.status, 405, "{method} with the token");
            assert_eq!(past.header("allow"), Some("GET, HEAD"));
        }
    }
}

/// Without credentials, every method gets the very answer a GET gets: status, every header
/// but `Date`, body. axum's method router adds `Allow` to what its method fallback answers,
/// which told an anonymous caller the route exists (and its methods) for an unusual method.
/// Past the gate, 405 keeps its `Allow`.
#[test]
fn an_unusual_method_gets_the_answer_a_get_gets() {
    let request = |addr: SocketAddr, method: &str, auth: &str| {
        let head = format!(
            "{method} /metrics HTTP/1.1\r\nHost: t\r\n{auth}Content-Length: 0\r\nConnection: close\r\n\r\n"
        );
        let mut answer = http_raw(addr, head.as_bytes()).expect("answered");
        answer.headers.retain(|(name, _)| name != "date");
        answer
    };
    for (gate, toml, status) in [
        ("token", "[auth]\ntoken = \"s3cret\"\n", 401),
        (
            "networks",
            "[auth]\ntrusted_cidrs = [\"10.0.0.0/8\"]\n",
            403,
        ),
        (
            "token and networks",
            "[auth]\ntoken = \"s3cret\"\ntrusted_cidrs = [\"10.0.0.0/8\"]\n",
            403,
        ),
    ] {
        let addr = start(config(toml));
        let get = request(addr, "GET", "");
        assert_eq!(get.status, status, "{gate}");
        for method in [
            "PROPFIND", "FOO", "get", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE",
        ] {
            assert_eq!(
                request(addr, method, ""),
                get,
                "{method} with the {gate} gate"
            );
        }
        // HEAD: the same head, no body.
        let head = request(addr, "HEAD", "");
        assert_eq!(
            (head.status, &head.headers),
            (get.status, &get.headers),
            "HEAD, {gate}"
        );
    }
    // Past the gate, an unusual method is told what the route answers.
    let addr = start(config("[auth]\ntoken = \"s3cret\"\n"));
    for method in ["PROPFIND", "FOO", "get", "POST"] {
        let past = request(addr, method, "Authorization: Bearer s3cret\r\n");
        assert_eq!(past.status, 405, "{method} with the token");
        assert_eq!(past.header("allow"), Some("GET, HEAD"), "{method}");
    }
}

/// A handler that panics is answered with 500 by `serve_with` and recorded as 500 by the
/// metrics layer, not as 499 (client went away), so error-rate alerts see it.
#[test]
fn a_panicking_handler_is_a_500() {
    let addr = start(config("[auth]\ntoken = \"s3cret\"\n"));
    let errors = || {
        Requests {
            method: HttpMethod::Get,
            path_template: RouteTemplate::new("/boom"),
            status: StatusClass::ServerError,
        }
        .get()
    };
    let gone = || {
        Requests {
            method: HttpMethod::Get,
            path_template: RouteTemplate::new("/boom"),
            status: StatusClass::ClientError,
        }
        .get()
    };
    let (errors_before, gone_before) = (errors(), gone());
    let r = http_get(addr, "/boom", &[]).expect("a panic is answered");
    assert_eq!(r.status, 500);
    // The layer records once the response is on its way; give it a moment.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while errors() == errors_before && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert_eq!(errors() - errors_before, 1, "recorded as 5xx");
    assert_eq!(gone() - gone_before, 0, "not as 499");
    // The server goes on.
    assert_eq!(http_get(addr, "/health", &[]).expect("http").status, 200);
}

/// A metrics path the application routes too is an error naming `path` from `mount`, not a
/// panic at startup; so is a path a router would read as a pattern.
#[test]
fn mount_refuses_a_path_of_the_application() {
    let app = || axum::Router::new().route("/v1/orgs", axum::routing::get(|| async { "[]" }));
    let err = http::mount(
        app(),
        registry(),
        &config("path = \"/v1/orgs\"\n[auth]\ntoken = \"s3cret\"\n"),
    )
    .expect_err("a conflict is an error");
    assert_eq!(err.key, "path");
    assert!(err.message.contains("/v1/orgs"), "{err}");
    // A path that passed no validation (a struct built by hand) is refused, never routed.
    let mut bad = config("[auth]\ntoken = \"s3cret\"\n");
    bad.path = "/{*rest}".to_string();
    assert_eq!(
        http::mount(app(), registry(), &bad).err().map(|e| e.key),
        Some("path".to_string())
    );
    assert!(!http::metrics_router(registry(), &bad).has_routes());
    assert!(
        http::mount(app(), registry(), &config("[auth]\ntoken = \"s3cret\"\n"))
            .is_ok_and(|r| r.has_routes())
    );
}

/// A request body that stops arriving fails after `limits.idle_timeout` instead of keeping
/// its handler, and so its connection, busy for ever: busy connections are never evicted at
/// the cap, so stalled uploads to an application route could otherwise lock scrapers out.
/// (Before: still open, its handler waiting, long after the idle timeout.)
#[test]
fn a_stalled_request_body_does_not_hold_its_connection() {
    use std::io::Write;
    let addr = start(config(
        "[auth]\ntoken = \"s3cret\"\n[limits]\nheader_read_timeout = 60\nidle_timeout = 1\n",
    ));
    let mut s = std::net::TcpStream::connect(addr).expect("connect");
    s.write_all(b"POST /upload-stalled HTTP/1.1\r\nHost: a\r\nContent-Length: 1000000\r\n\r\nA")
        .expect("write");
    let got = read_until_closed(&mut s, std::time::Duration::from_secs(10))
        .unwrap_or_else(|e| panic!("a stalled body held its connection: {e}"));
    let head = String::from_utf8_lossy(&got);
    assert!(
        head.is_empty() || !head.starts_with("HTTP/1.1 200"),
        "the handler must not see a whole body: {head}"
    );
}

/// A request head of exactly `len` bytes: a request line, `Host`, `Authorization` when
/// `token` is given, one `X-Pad` header that makes up the length, `Connection: close`, the
/// blank line.
fn head_of(len: usize, token: Option<&str>) -> Vec<u8> {
    let auth = token.map_or(String::new(), |t| format!("Authorization: Bearer {t}\r\n"));
    let start = format!("GET /metrics HTTP/1.1\r\nHost: a\r\n{auth}X-Pad: ");
    let end = "\r\nConnection: close\r\n\r\n";
    let pad = len
        .checked_sub(start.len() + end.len())
        .expect("a head that long");
    let mut head = start.into_bytes();
    head.extend(std::iter::repeat_n(b'y', pad));
    head.extend_from_slice(end.as_bytes());
    assert_eq!(head.len(), len);
    head
}

/// Sends `head` in `pieces` writes (1: one `write_all`) and returns the status the server
/// answered. A server that refuses a head may close before it has read the rest, so a
/// failed write is not the end: what it answered before is still read.
fn status_for_head(addr: SocketAddr, head: &[u8], pieces: usize) -> Option<u16> {
    use std::io::Write;
    let mut s = std::net::TcpStream::connect(addr).expect("connect");
    let size = head.len().div_ceil(pieces);
    for piece in head.chunks(size) {
        if s.write_all(piece).is_err() {
            break;
        }
        if pieces > 1 {
            let _ = s.flush();
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
    }
    let got = read_until_closed(&mut s, std::time::Duration::from_secs(10)).ok()?;
    let text = String::from_utf8_lossy(&got);
    text.strip_prefix("HTTP/1.1 ")?.get(..3)?.parse().ok()
}

/// A head larger than `limits.max_header_bytes` gets 431 however it arrives: in one write,
/// where hyper's adaptive read can take it whole past its buffer cap, or in pieces; one at the
/// limit is served. (Before: a head arriving in one burst was served up to about 112 KiB with
/// the 64 KiB default, since hyper measured the buffer only while the head was incomplete.)
#[test]
fn a_head_over_the_limit_gets_431_however_it_arrives() {
    let addr = start(config("[auth]\ntoken = \"s3cret\"\n"));
    for (len, pieces) in [
        (70 * 1024, 1),
        (100 * 1024, 1),
        (70 * 1024, 70),
        (100 * 1024, 25),
    ] {
        assert_eq!(
            status_for_head(addr, &head_of(len, Some("s3cret")), pieces),
            Some(431),
            "a head of {len} bytes in {pieces} writes"
        );
    }
    for pieces in [1, 60] {
        assert_eq!(
            status_for_head(addr, &head_of(60 * 1024, Some("s3cret")), pieces),
            Some(200),
            "a head of 60 KiB in {pieces} writes"
        );
    }
    // The limit is exact, for a limit set by the config too: a head of exactly
    // `max_header_bytes` bytes is served, one byte more is 431. The gate's answer (401)
    // shows the request got through.
    let addr = start(config(
        "[auth]\ntoken = \"s3cret\"\n[limits]\nmax_header_bytes = 16384\n",
    ));
    for pieces in [1, 16] {
        assert_eq!(
            status_for_head(addr, &head_of(16384, None), pieces),
            Some(401)
        );
        assert_eq!(
            status_for_head(addr, &head_of(16385, None), pieces),
            Some(431)
        );
        assert_eq!(
            status_for_head(addr, &head_of(30_000, None), pieces),
            Some(431)
        );
    }
    // Still serving.
    assert_eq!(
        http_get(addr, "/metrics", &["Authorization: Bearer s3cret"])
            .expect("http")
            .status,
        200
    );
}

/// Handler and middleware runs of the apps that `mount` probes.
static PROBED_APP_RUNS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// A handler that counts its runs in [`PROBED_APP_RUNS`].
async fn counted() -> &'static str {
    PROBED_APP_RUNS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    "app\n"
}

/// The error `mount` gives for `path` on `app`, with a token so the route is mounted.
fn mount_error(app: axum::Router, path: &str) -> Option<metrics_runtime::ConfigError> {
    let config = config(&format!("path = \"{path}\"\n[auth]\ntoken = \"s3cret\"\n"));
    http::mount(app, registry(), &config).err()
}

/// A metrics `path` that a route of the application matches (a parameter, a wildcard, a
/// nested router or service, one method only, `any`) is an error naming `path` and the
/// route, found without running a handler or a middleware of the application; a fallback
/// is not a route. (Before: `/users/{id}` with `path = "/users/metrics"` merged, and
/// `GET /users/metrics`, the application's, went to the metrics endpoint from then on.)
#[test]
fn mount_refuses_a_path_a_route_of_the_application_matches() {
    use axum::routing::{any, get, post};
    use std::sync::atomic::Ordering;
    // A middleware on every route and the fallback, counted like the handlers.
    let counted_layer = || {
        axum::middleware::from_fn(
            |req: axum::extract::Request, next: axum::middleware::Next| async move {
                PROBED_APP_RUNS.fetch_add(1, Ordering::SeqCst);
                next.run(req).await
            },
        )
    };
    let nested_service = || {
        axum::Router::new()
            .route("/{*file}", get(counted))
            .fallback(counted)
    };
    let cases: Vec<(&str, axum::Router, &str, &str)> = vec![
        (
            "a parameter",
            axum::Router::new().route("/users/{id}", get(counted)),
            "/users/metrics",
            "`/users/{id}`",
        ),
        (
            "a wildcard",
            axum::Router::new().route("/files/{*rest}", get(counted)),
            "/files/a/metrics",
            "`/files/{*rest}`",
        ),
        (
            "a wildcard at the root",
            axum::Router::new()
                .route("/health", get(counted))
                .route("/{*rest}", get(counted)),
            "/metrics",
            "`/{*rest}`",
        ),
        (
            "a nested router",
            axum::Router::new().nest(
                "/api",
                axum::Router::new().route("/{name}", get(counted).post(counted)),
            ),
            "/api/metrics",
            "`/api/{name}`",
        ),
        (
            "a nested service",
            axum::Router::new().nest_service("/static", nested_service()),
            "/static/metrics",
            "nests",
        ),
        (
            "a nested service at the path itself",
            axum::Router::new().nest_service("/metrics", nested_service()),
            "/metrics",
            // axum routes the prefix itself as a route of its own.
            "`/metrics`",
        ),
        (
            "a route of one method only",
            axum::Router::new().route("/users/{id}", post(counted)),
            "/users/metrics",
            "`/users/{id}`",
        ),
        (
            "a service routed by a pattern",
            axum::Router::new()
                .route_service("/svc/{name}", axum::routing::get(counted).with_state(())),
            "/svc/metrics",
            "`/svc/{name}`",
        ),
        (
            "a route of any method",
            axum::Router::new().route("/hooks/{name}", any(counted)),
            "/hooks/metrics",
            "`/hooks/{name}`",
        ),
        (
            "the same path, with a layer",
            axum::Router::new()
                .route("/metrics", get(counted))
                .layer(counted_layer()),
            "/metrics",
            "`/metrics`",
        ),
        (
            "a parameter, with a fallback and a layer",
            axum::Router::new()
                .route("/users/{id}", get(counted))
                .fallback(counted)
                .layer(counted_layer()),
            "/users/metrics",
            "`/users/{id}`",
        ),
    ];
    for (what, app, path, route) in cases {
        let err = mount_error(app, path);
        let Some(err) = err else {
            panic!("{what}: `{path}` was mounted over the application's route")
        };
        assert_eq!(err.key, "path", "{what}");
        assert!(
            err.message.contains(&format!("`{path}`")) && err.message.contains(route),
            "{what}: {err}"
        );
    }
    // Not a route of the application: a fallback (the router's or a nested router's), a
    // path the application routes only with a trailing slash, a parameter that matches one
    // segment where the path has two.
    let free: Vec<(&str, axum::Router, &str)> = vec![
        (
            "a fallback handler",
            axum::Router::new()
                .route("/health", get(counted))
                .fallback(counted)
                .layer(counted_layer()),
            "/metrics",
        ),
        (
            "a nested router's fallback",
            axum::Router::new().nest(
                "/api",
                axum::Router::new()
                    .route("/users", get(counted))
                    .fallback(counted),
            ),
            "/api/metrics",
        ),
        (
            "a trailing slash",
            axum::Router::new().route("/metrics/", get(counted)),
            "/metrics",
        ),
        (
            "one segment",
            axum::Router::new().route("/users/{id}", get(counted)),
            "/users/a/metrics",
        ),
        (
            "no routes, only a fallback",
            axum::Router::new().fallback(counted),
            "/metrics",
        ),
    ];
    for (what, app, path) in free {
        assert_eq!(mount_error(app, path), None, "{what}");
    }
    assert_eq!(
        PROBED_APP_RUNS.load(Ordering::SeqCst),
        0,
        "the probe ran a handler or a middleware of the application"
    );
}

/// An application with a fallback handler keeps it, over real HTTP: the metrics path is
/// the metrics endpoint's, every other unrouted path still the fallback's, and a path the
/// application routes only with a trailing slash still the application's.
#[test]
fn mount_beside_a_fallback_and_a_trailing_slash_route() {
    let app = axum::Router::new()
        .route("/metrics/", axum::routing::get(|| async { "slash\n" }))
        .fallback(|| async { (axum::http::StatusCode::IM_A_TEAPOT, "fallback\n") });
    let config = config("[auth]\ntoken = \"s3cret\"\n");
    let app = http::mount(app, registry(), &config).expect("no route of the application");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            tx.send(listener.local_addr().expect("addr")).expect("send");
            let _ = http::serve(listener, app, std::future::pending()).await;
        });
    });
    let addr = rx.recv().expect("server started");
    let token = ["Authorization: Bearer s3cret"];
    assert_eq!(
        http_get(addr, "/metrics", &token).expect("http").status,
        200
    );
    assert_eq!(http_get(addr, "/metrics", &[]).expect("http").status, 401);
    let slash = http_get(addr, "/metrics/", &[]).expect("http");
    assert_eq!((slash.status, slash.body.as_str()), (200, "slash\n"));
    for other in ["/other", "/metrics/x", "/Metrics", "/%6Detrics"] {
        let r = http_get(addr, other, &[]).expect("http");
        assert_eq!((r.status, r.body.as_str()), (418, "fallback\n"), "{other}");
    }
}

/// Every form of a request for the metrics path meets the gate first, whatever the method
/// or the form of the target (absolute, with a query); other spellings of the path (a
/// trailing slash, dot segments, percent-encoding, a doubled slash) are not the metrics
/// path and never reach it, with or without the token.
#[test]
fn other_forms_of_the_metrics_path() {
    let addr = start(config("[auth]\ntoken = \"s3cret\"\n"));
    let status = |line: &str, auth: &str| {
        let head = format!("{line}\r\nHost: t\r\n{auth}Connection: close\r\n\r\n");
        http_raw(addr, head.as_bytes()).expect("answered").status
    };
    let token = "Authorization: Bearer s3cret\r\n";
    for line in [
        "GET /metrics HTTP/1.0",
        "HEAD /metrics HTTP/1.1",
        "OPTIONS /metrics HTTP/1.1",
        "TRACE /metrics HTTP/1.1",
        "CONNECT /metrics HTTP/1.1",
        "GET http://t/metrics HTTP/1.1",
        "GET /metrics?x=1 HTTP/1.1",
    ] {
        assert_eq!(status(line, ""), 401, "{line}");
    }
    assert_eq!(status("GET http://t/metrics HTTP/1.1", token), 200);
    for line in [
        "GET /metrics/ HTTP/1.1",
        "GET //metrics HTTP/1.1",
        "GET /./metrics HTTP/1.1",
        "GET /items/../metrics HTTP/1.1",
        "GET /%6Detrics HTTP/1.1",
        "GET /metrics%2F HTTP/1.1",
        "GET /METRICS HTTP/1.1",
        "OPTIONS * HTTP/1.1",
    ] {
        assert_eq!(status(line, token), 404, "{line}");
    }
}
