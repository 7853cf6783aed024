//! The modern exposition against a real Prometheus (Debian's 2.42, `/usr/bin/prometheus`),
//! started with `--enable-feature=native-histograms,exemplar-storage` on a free loopback port
//! with its own storage, scraping `metrics-demo serve` (bearer token) every second through a
//! recording proxy on loopback:
//!
//! - Prometheus asks for protobuf with `Accept-Encoding: gzip` and gets exactly that
//!   (`Content-Type` of the delimited `MetricFamily`, `Content-Encoding: gzip`), as the proxy
//!   saw on the wire and as the exporter's own `scrapes_total{format="protobuf"}` counts;
//! - `histogram_quantile(0.5, sum(rate(demo_db_query_duration_seconds[1m])))` over the native
//!   series agrees with the workload, whose query times are known (1 to 9 ms in turn, median
//!   5 ms), within the bucket of schema 3 that holds the true median;
//! - `/api/v1/query_exemplars` returns the trace ids the workload recorded, on the counter
//!   and on the native histogram, each with the value recorded at the tick it names;
//! - a text-only scrape still works: text 0.0.4, gzipped or not, with the classic buckets,
//!   through the strict parser and promtool; and OpenMetrics with its exemplars through the
//!   strict parser (promtool 2.42 cannot read OpenMetrics: its `check metrics` lints text
//!   0.0.4 and stops at the first exemplar, "expected integer as timestamp, got #").
//!
//! Bounded in time (every wait has a deadline), loopback only; the exporter and Prometheus
//! are killed and the scratch directory removed when the test ends, however it ends. Without
//! `prometheus` on PATH this prints SKIPPED, unless `METRICS_REQUIRE_PROMETHEUS=1`.

// A panic is how a test fails.
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use common::{Killed, free_port, start_serve};
use metrics_tests::{find_tool, http_get, promtool_check_metrics};

const NAME: &str = "real_prometheus_scrapes_protobuf_with_gzip_native_histograms_and_exemplars";
const TOKEN: &str = "e2e-modern-t0ken";
/// The content type of the delimited protobuf exposition, exactly as the exporter sends it.
const PROTOBUF: &str =
    "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited";
/// The native histogram of the workload (`metrics_demo::DemoDbQueryDuration`).
const NATIVE: &str = "demo_db_query_duration_seconds";
/// Its declared schema: buckets grow by 2^(2^-3) = 1.0905.
const SCHEMA: i32 = 3;

/// A scratch directory, removed when dropped (declared first, so dropped last).
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// What a loopback proxy between Prometheus and the exporter saw.
#[derive(Default)]
struct Seen {
    /// Every request head, in order (a scrape is a GET without a body, so the client's bytes
    /// are request heads only).
    requests: Vec<String>,
    /// The head of the first response on each connection.
    responses: Vec<String>,
}

/// A TCP proxy on 127.0.0.1 that forwards to `target` and notes the HTTP heads it carries.
/// Stops accepting when dropped; its connections end with the processes at either end.
struct Proxy {
    addr: SocketAddr,
    seen: Arc<Mutex<Seen>>,
    stop: Arc<AtomicBool>,
}

impl Proxy {
    fn start(target: SocketAddr) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the proxy");
        let addr = listener.local_addr().expect("proxy address");
        let seen = Arc::new(Mutex::new(Seen::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let (seen2, stop2) = (Arc::clone(&seen), Arc::clone(&stop));
        std::thread::spawn(move || {
            for client in listener.incoming() {
                if stop2.load(Ordering::Relaxed) {
                    break;
                }
                let Ok(client) = client else { continue };
                let Ok(upstream) = TcpStream::connect(target) else {
                    continue;
                };
                let (c2, u2) = (
                    client.try_clone().expect("clone"),
                    upstream.try_clone().expect("clone"),
                );
                let (s_req, s_resp) = (Arc::clone(&seen2), Arc::clone(&seen2));
                std::thread::spawn(move || {
                    pipe(client, upstream, |bytes| {
                        let mut seen = s_req.lock().unwrap();
                        let text = String::from_utf8_lossy(bytes);
                        seen.requests.extend(
                            text.split("\r\n\r\n")
                                .filter(|h| !h.trim().is_empty())
                                .map(str::to_string),
                        );
                        true
                    });
                });
                std::thread::spawn(move || {
                    let mut head = Vec::new();
                    pipe(u2, c2, |bytes| {
                        head.extend_from_slice(bytes);
                        match head.windows(4).position(|w| w == b"\r\n\r\n") {
                            Some(end) => {
                                let text = String::from_utf8_lossy(&head[..end]).into_owned();
                                s_resp.lock().unwrap().responses.push(text);
                                false
                            }
                            None => head.len() < 64 * 1024,
                        }
                    });
                });
            }
        });
        Proxy { addr, seen, stop }
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        // Wakes the accept loop so it sees the flag.
        let _ = TcpStream::connect(self.addr);
    }
}

/// Copies `from` to `to` until either side closes, showing each chunk to `note` while it
/// returns true; then closes `to` for writing so the other direction ends too.
fn pipe(mut from: TcpStream, mut to: TcpStream, mut note: impl FnMut(&[u8]) -> bool) {
    let mut buf = vec![0u8; 64 * 1024];
    let mut noting = true;
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        if noting {
            noting = note(&buf[..n]);
        }
        if to.write_all(&buf[..n]).is_err() {
            break;
        }
    }
    let _ = to.shutdown(Shutdown::Write);
    let _ = from.shutdown(Shutdown::Read);
}

/// A header's value in a head (`name` in lower case), if present.
fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().skip(1).find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.trim().eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

fn url_encode(q: &str) -> String {
    q.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A GET of Prometheus' HTTP API, as JSON `data`.
fn api(prom: SocketAddr, path: &str) -> serde_json::Value {
    let r = http_get(prom, path, &[]).expect("prometheus answers");
    assert_eq!(r.status, 200, "{path}: {}", r.body);
    let v: serde_json::Value = serde_json::from_str(&r.body).expect("json");
    v["data"].clone()
}

/// An instant query's vector result.
fn query(prom: SocketAddr, q: &str) -> Vec<serde_json::Value> {
    api(prom, &format!("/api/v1/query?query={}", url_encode(q)))["result"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// The value of a one-element float result.
fn scalar(prom: SocketAddr, q: &str) -> Option<f64> {
    query(prom, q)
        .first()
        .and_then(|s| s["value"][1].as_str())
        .and_then(|v| v.parse().ok())
}

fn wait_for(what: &str, timeout: Duration, mut f: impl FnMut() -> bool) {
    let start = Instant::now();
    while !f() {
        assert!(start.elapsed() < timeout, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn unix_now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}

/// Every exemplar Prometheus holds for `selector` over the last five minutes, as
/// (trace id, value).
fn exemplars(prom: SocketAddr, selector: &str) -> Vec<(String, f64)> {
    let now = unix_now();
    let data = api(
        prom,
        &format!(
            "/api/v1/query_exemplars?query={}&start={}&end={}",
            url_encode(selector),
            now - 300.0,
            now + 1.0
        ),
    );
    let mut out = Vec::new();
    for series in data.as_array().cloned().unwrap_or_default() {
        for e in series["exemplars"].as_array().cloned().unwrap_or_default() {
            let trace = e["labels"]["trace_id"].as_str().unwrap_or("").to_string();
            let value = e["value"].as_str().and_then(|v| v.parse().ok());
            out.push((trace, value.unwrap_or(f64::NAN)));
        }
    }
    out
}

/// The workload tick a trace id of `metrics_demo::trace_id` names, checked by rebuilding it.
fn tick_of(trace: &str) -> Option<u64> {
    let tick = u64::from_str_radix(trace.get(16..)?, 16).ok()?;
    (metrics_demo::trace_id(tick) == trace).then_some(tick)
}

/// `(lower, upper]` of the native bucket at `schema` that holds `v > 0`, as client_golang
/// and Prometheus key them: bucket `k` is `(2^((k-1)/2^schema), 2^(k/2^schema)]`.
fn native_bucket(v: f64, schema: i32) -> (f64, f64) {
    let per_doubling = 2f64.powi(schema);
    let k = (v.log2() * per_doubling).ceil();
    // A value on a boundary belongs to the bucket below it.
    let k = if 2f64.powf((k - 1.0) / per_doubling) >= v {
        k - 1.0
    } else {
        k
    };
    (
        2f64.powf((k - 1.0) / per_doubling),
        2f64.powf(k / per_doubling),
    )
}

/// A GET of the exporter's `/metrics` with the token and `headers`; the body as text (ungzipped
/// when the exporter says it is gzip).
fn scrape(target: SocketAddr, headers: &[&str]) -> (String, Option<String>, String) {
    let mut stream = TcpStream::connect(target).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let mut req = format!(
        "GET /metrics HTTP/1.1\r\nHost: {target}\r\nConnection: close\r\nAuthorization: Bearer {TOKEN}\r\n"
    );
    for h in headers {
        req.push_str(h);
        req.push_str("\r\n");
    }
    req.push_str("\r\n");
    stream.write_all(req.as_bytes()).expect("send");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read");
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a whole head");
    let head = String::from_utf8_lossy(&raw[..end]).into_owned();
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    let content_type = header(&head, "content-type").unwrap_or("").to_string();
    let encoding = header(&head, "content-encoding").map(str::to_string);
    let body = &raw[end + 4..];
    let body = if encoding.as_deref() == Some("gzip") {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(body)
            .read_to_end(&mut out)
            .expect("a whole gzip stream");
        out
    } else {
        body.to_vec()
    };
    (
        content_type,
        encoding,
        String::from_utf8(body).expect("a text body"),
    )
}

#[test]
fn real_prometheus_scrapes_protobuf_with_gzip_native_histograms_and_exemplars() {
    let Some(prometheus) = find_tool("prometheus", NAME) else {
        return;
    };
    let started = Instant::now();
    let dir = Scratch(
        PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("e2e-modern-{}", std::process::id())),
    );
    let _ = std::fs::remove_dir_all(&dir.0);
    std::fs::create_dir_all(dir.0.join("data")).expect("scratch dir");

    let target = free_port();
    let _serve = start_serve(target, &["--token", TOKEN]);
    let proxy = Proxy::start(target);

    let config = format!(
        "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: modern\n    authorization:\n      type: Bearer\n      credentials: {TOKEN}\n    static_configs:\n      - targets: ['{}']\n",
        proxy.addr
    );
    std::fs::write(dir.0.join("prometheus.yml"), config).expect("config written");
    let prom = free_port();
    let log = dir.0.join("prometheus.log");
    let _prometheus = Killed(
        Command::new(prometheus)
            .arg(format!(
                "--config.file={}",
                dir.0.join("prometheus.yml").display()
            ))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.0.join("data").display()
            ))
            .arg(format!("--web.listen-address={prom}"))
            .arg("--enable-feature=native-histograms,exemplar-storage")
            .arg("--log.level=warn")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).expect("log file"))
            .spawn()
            .expect("prometheus starts"),
    );
    let logs = || std::fs::read_to_string(&log).unwrap_or_default();
    wait_for("prometheus to be ready", Duration::from_secs(60), || {
        http_get(prom, "/-/ready", &[]).is_ok_and(|r| r.status == 200)
    });
    wait_for("the target to be up", Duration::from_secs(60), || {
        scalar(prom, "up{job=\"modern\"}") == Some(1.0)
    });
    // Ten scrapes: a one-minute rate then spans about 9 s of the workload (20 ticks a
    // second, so some 180 query times).
    wait_for("ten scrapes", Duration::from_secs(60), || {
        scalar(prom, "count_over_time(up{job=\"modern\"}[1m])").is_some_and(|n| n >= 10.0)
    });
    let targets = api(prom, "/api/v1/targets");
    assert_eq!(
        targets["activeTargets"][0]["lastError"],
        "",
        "{targets}\n{}",
        logs()
    );

    // On the wire: protobuf asked for first, gzip accepted, and both answered.
    {
        let seen = proxy.seen.lock().unwrap();
        assert!(
            seen.requests.len() >= 10,
            "{} requests",
            seen.requests.len()
        );
        for r in &seen.requests {
            let accept = header(r, "accept").unwrap_or("");
            assert!(
                accept.starts_with(
                    "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited"
                ),
                "{r}"
            );
            assert_eq!(header(r, "accept-encoding"), Some("gzip"), "{r}");
            assert_eq!(
                header(r, "authorization"),
                Some(format!("Bearer {TOKEN}").as_str())
            );
        }
        assert!(!seen.responses.is_empty());
        for r in &seen.responses {
            assert!(r.starts_with("HTTP/1.1 200"), "{r}");
            assert_eq!(header(r, "content-type"), Some(PROTOBUF), "{r}");
            assert_eq!(header(r, "content-encoding"), Some("gzip"), "{r}");
        }
    }
    // And the exporter counted them as protobuf scrapes.
    let protobuf_scrapes = scalar(prom, "metrics_runtime_scrapes_total{format=\"protobuf\"}");
    assert!(
        protobuf_scrapes.is_some_and(|n| n >= 5.0),
        "protobuf scrapes: {protobuf_scrapes:?}"
    );

    // The native histogram is stored as one: each query class a series of histograms, with
    // no `_bucket` series beside it (Prometheus 2.42 keeps only the native buckets of a
    // histogram that has both).
    let native = query(prom, NATIVE);
    assert!(!native.is_empty(), "no native series: {}", logs());
    assert!(
        native.iter().all(|s| s.get("histogram").is_some()),
        "{native:?}"
    );
    assert!(query(prom, &format!("{NATIVE}_bucket")).is_empty());

    // The quantile agrees with the workload: its query times are 1..9 ms in turn, so the
    // median is the 5 ms value, and a one-minute window of consecutive ticks holds each
    // value within one of the others' counts, which keeps rank 0.5 inside that value's
    // bucket. Prometheus interpolates inside the bucket, so the answer is in the bucket of
    // schema 3 that holds 5 ms: within its relative width, 2^(1/8) - 1 = 9%, of the truth.
    let mut cycle: Vec<f64> = (0..9).map(metrics_demo::db_query_seconds).collect();
    cycle.sort_by(f64::total_cmp);
    let expected = cycle[cycle.len() / 2];
    let (lower, upper) = native_bucket(expected, SCHEMA);
    let q = format!("histogram_quantile(0.5, sum(rate({NATIVE}[1m])))");
    let p50 = scalar(prom, &q).expect("a quantile");
    let relative = (p50 - expected).abs() / expected;
    let width = 2f64.powf(2f64.powi(-SCHEMA)) - 1.0;
    let _ = writeln!(
        std::io::stderr(),
        "{NAME}: {q} = {p50} s; the workload's median {expected} s lies in ({lower}, {upper}]; relative error {relative:.4} (bound {width:.4})"
    );
    assert!(
        lower <= p50 && p50 <= upper,
        "p50 = {p50}, outside ({lower}, {upper}]"
    );
    assert!(relative <= width, "relative error {relative}");
    // The classic buckets would only have placed it in (2.5 ms, 5 ms] or (5 ms, 10 ms].

    // Exemplars: the trace ids the workload recorded, each with the value of its tick.
    for (selector, value_of) in [
        (
            NATIVE,
            &metrics_demo::db_query_seconds as &dyn Fn(u64) -> f64,
        ),
        ("trc_auth_token_mints_total", &|_| 1.0),
    ] {
        let mut found = Vec::new();
        wait_for(
            &format!("exemplars of {selector}"),
            Duration::from_secs(30),
            || {
                found = exemplars(prom, selector);
                !found.is_empty()
            },
        );
        for (trace, value) in &found {
            let tick = tick_of(trace)
                .unwrap_or_else(|| panic!("{selector}: trace id {trace:?} is not the workload's"));
            assert_eq!(
                *value,
                value_of(tick),
                "{selector}: exemplar of tick {tick}"
            );
        }
        let _ = writeln!(
            std::io::stderr(),
            "{NAME}: {} exemplars of {selector}, e.g. trace_id {}",
            found.len(),
            found[0].0
        );
    }

    // A text-only scraper still gets the classic buckets, gzipped or not, and OpenMetrics
    // gets the exemplars.
    for gzip in [false, true] {
        let mut headers = vec!["Accept: text/plain;version=0.0.4"];
        if gzip {
            headers.push("Accept-Encoding: gzip");
        }
        let (content_type, encoding, text) = scrape(target, &headers);
        assert_eq!(content_type, "text/plain; version=0.0.4; charset=utf-8");
        assert_eq!(encoding.as_deref(), gzip.then_some("gzip"));
        let parsed = metrics_exposition::parse(&text).expect("the strict parser reads it");
        let family = parsed.family(NATIVE).expect("the histogram");
        assert_eq!(family.kind, "histogram");
        assert!(family.samples.iter().any(|s| s.name.ends_with("_bucket")));
        assert!(!text.contains(" # {"), "no exemplar in text 0.0.4");
        if let Some((ok, printed)) = promtool_check_metrics(&text, NAME) {
            assert!(ok && printed.trim().is_empty(), "promtool:\n{printed}");
        }
    }
    let (content_type, encoding, om) = scrape(
        target,
        &[
            "Accept: application/openmetrics-text;version=1.0.0",
            "Accept-Encoding: gzip",
        ],
    );
    assert_eq!(
        content_type,
        "application/openmetrics-text; version=1.0.0; charset=utf-8"
    );
    assert_eq!(encoding.as_deref(), Some("gzip"));
    let parsed = metrics_exposition::parse(&om).expect("the strict parser reads OpenMetrics");
    let mints = parsed
        .family("trc_auth_token_mints")
        .expect("the counter family");
    let traced: Vec<&str> = mints
        .samples
        .iter()
        .filter_map(|s| s.exemplar())
        .map(|e| e.labels[0].1.as_str())
        .collect();
    assert!(!traced.is_empty());
    assert!(traced.iter().all(|t| tick_of(t).is_some()), "{traced:?}");

    assert!(
        started.elapsed() < Duration::from_secs(180),
        "took {:?}",
        started.elapsed()
    );
    drop(proxy);
}
