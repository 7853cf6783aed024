//! The `/metrics` route's content codings and formats over real HTTP on 127.0.0.1: gzip
//! negotiated from `Accept-Encoding` with its weights (`gzip;q=0`, `identity;q=0`, `*`), the
//! gzipped body decoded with flate2 and read by the strict parser, protobuf with its exact
//! content type decoded with prost, and the gate still answering first.

use std::io::{Read as _, Write as _};
use std::net::SocketAddr;
use std::sync::{Arc, Once};

use metrics_runtime::proto::client;
use metrics_runtime::{Exemplar, LabelValue, MetricFamily, MetricsConfig, Registry, http};
use prost::Message as _;

/// How a request ended.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    Failed,
}

/// Requests handled, by outcome.
#[derive(MetricFamily)]
#[metric(counter, name = "gz_requests_total")]
pub struct Requests {
    pub outcome: Outcome,
}

/// Request latency: classic buckets for text scrapes, a native histogram for protobuf.
#[derive(MetricFamily)]
#[metric(histogram, name = "gz_request_duration_seconds", unit = "seconds",
         buckets = [0.01, 0.1, 1.0], native(schema = 3, max_buckets = 40))]
pub struct Latency {
    pub outcome: Outcome,
}

const TRACE: &str = "0af7651916cd43dd8448eb211c80319c";
const TOKEN: &str = "gz-s3cret";

/// What the families hold, recorded once for every test of this binary.
fn record() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let ex = Exemplar::trace_id(TRACE).expect("a valid trace id");
        Requests {
            outcome: Outcome::Ok,
        }
        .inc_with_exemplar(&ex);
        for i in 1..=100 {
            Latency {
                outcome: Outcome::Ok,
            }
            .observe(f64::from(i) / 1000.0);
        }
        Latency {
            outcome: Outcome::Failed,
        }
        .observe_with_exemplar(0.5, &ex);
    });
}

/// The families alone, no self-metrics: two scrapes of it are the same bytes.
fn registry() -> Arc<Registry> {
    let mut r = Registry::new();
    assert_eq!(r.register::<Requests>(), Ok(()));
    assert_eq!(r.register::<Latency>(), Ok(()));
    Arc::new(r)
}

/// The metrics route behind a bearer token, served on an ephemeral loopback port until the
/// test process ends.
fn start() -> SocketAddr {
    record();
    let config = MetricsConfig::from_toml_str(&format!("[auth]\ntoken = \"{TOKEN}\"\n"))
        .expect("valid config");
    let app = http::metrics_router(registry(), &config);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            tx.send(listener.local_addr().expect("addr")).expect("send");
            let served = http::serve(listener, app, std::future::pending()).await;
            assert!(served.is_ok(), "{served:?}");
        });
    });
    rx.recv().expect("server started")
}

/// A response with its body as bytes (a gzipped or protobuf body is not text).
struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn gunzipped(&self) -> Vec<u8> {
        assert_eq!(self.header("content-encoding"), Some("gzip"));
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(self.body.as_slice())
            .read_to_end(&mut out)
            .expect("a whole gzip stream");
        out
    }

    fn text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("a UTF-8 body")
    }
}

/// `method /metrics` with the bearer token (unless `token` is false) and `headers`, over one
/// connection that the server closes after the answer.
fn request(addr: SocketAddr, method: &str, token: bool, headers: &[&str]) -> Response {
    let mut stream = std::net::TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .expect("timeout");
    let mut req = format!("{method} /metrics HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    if token {
        req.push_str(&format!("Authorization: Bearer {TOKEN}\r\n"));
    }
    for h in headers {
        req.push_str(h);
        req.push_str("\r\n");
    }
    req.push_str("\r\n");
    stream.write_all(req.as_bytes()).expect("send");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read the answer");
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a whole head");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .expect("a status line");
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let body = raw[split + 4..].to_vec();
    if let Some(length) = headers.iter().find(|(k, _)| k == "content-length")
        && method != "HEAD"
    {
        assert_eq!(length.1, body.len().to_string(), "Content-Length");
    }
    Response {
        status,
        headers,
        body,
    }
}

fn get(addr: SocketAddr, headers: &[&str]) -> Response {
    request(addr, "GET", true, headers)
}

const TEXT: &str = "text/plain; version=0.0.4; charset=utf-8";
const PROTOBUF: &str =
    "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited";
/// What Prometheus 2.42 sends with `--enable-feature=native-histograms`.
const PROMETHEUS_NATIVE_ACCEPT: &str = "Accept: application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited,application/openmetrics-text;version=1.0.0;q=0.8,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

fn vary_names(r: &Response) -> Vec<String> {
    r.header("vary")
        .unwrap_or("")
        .split(',')
        .map(|v| v.trim().to_ascii_lowercase())
        .collect()
}

#[test]
fn gzip_round_trips_through_the_strict_parser() {
    let addr = start();
    let plain = get(addr, &["Accept: text/plain"]);
    assert_eq!(plain.status, 200);
    assert_eq!(plain.header("content-type"), Some(TEXT));
    assert_eq!(plain.header("content-encoding"), None);
    // The answer depends on both headers, whichever coding it got.
    assert_eq!(vary_names(&plain), ["accept", "accept-encoding"]);

    let zipped = get(addr, &["Accept: text/plain", "Accept-Encoding: gzip"]);
    assert_eq!(zipped.status, 200);
    assert_eq!(zipped.header("content-type"), Some(TEXT));
    assert_eq!(vary_names(&zipped), ["accept", "accept-encoding"]);
    let text = zipped.gunzipped();
    assert_eq!(text, plain.body, "gzip gives back the very bytes");
    assert!(zipped.body.len() < plain.body.len());
    let text = String::from_utf8(text).expect("UTF-8");
    let parsed = metrics_exposition::parse(&text).expect("the strict parser reads it");
    assert_eq!(
        parsed
            .family("gz_requests_total")
            .expect("the counter")
            .samples[0]
            .value,
        1.0
    );

    // OpenMetrics, gzipped: its exemplar survives the trip.
    let om = get(
        addr,
        &[
            "Accept: application/openmetrics-text;version=1.0.0",
            "Accept-Encoding: deflate, gzip;q=0.9, br;q=0.8",
        ],
    );
    assert_eq!(
        om.header("content-type"),
        Some("application/openmetrics-text; version=1.0.0; charset=utf-8")
    );
    let om = String::from_utf8(om.gunzipped()).expect("UTF-8");
    let parsed = metrics_exposition::parse(&om).expect("the strict parser reads OpenMetrics");
    let requests = parsed.family("gz_requests").expect("the counter family");
    let ex = requests.samples[0].exemplar().expect("the exemplar");
    assert_eq!(ex.labels[0].1.as_str(), TRACE);
    assert!(om.ends_with("# EOF\n"));
}

#[test]
fn weights_in_accept_encoding_are_honoured() {
    let addr = start();
    for (accept_encoding, gzipped) in [
        ("Accept-Encoding: gzip;q=0", false),
        ("Accept-Encoding: gzip; q=0.0", false),
        ("Accept-Encoding: gzip;q=0.5, identity", false),
        ("Accept-Encoding: identity", false),
        ("Accept-Encoding: br, zstd", false),
        ("Accept-Encoding: ", false),
        ("Accept-Encoding: *", true),
        ("Accept-Encoding: GZIP;Q=0.1", true),
        ("Accept-Encoding: x-gzip", true),
        ("Accept-Encoding: identity;q=0, gzip", true),
        ("Accept-Encoding: gzip;q=0, *", false),
    ] {
        let r = get(addr, &["Accept: text/plain", accept_encoding]);
        assert_eq!(r.status, 200, "{accept_encoding}");
        assert_eq!(vary_names(&r), ["accept", "accept-encoding"]);
        let body = if gzipped {
            r.gunzipped()
        } else {
            assert_eq!(r.header("content-encoding"), None, "{accept_encoding}");
            r.body.clone()
        };
        let text = String::from_utf8(body).expect("UTF-8");
        metrics_exposition::parse(&text).unwrap_or_else(|e| panic!("{accept_encoding}: {e}"));
    }
    // Nothing acceptable: 406, and no exposition in the answer.
    for refused in [
        "Accept-Encoding: identity;q=0",
        "Accept-Encoding: *;q=0",
        "Accept-Encoding: gzip;q=0, identity;q=0",
    ] {
        let r = get(addr, &[refused]);
        assert_eq!(r.status, 406, "{refused}");
        assert_eq!(r.header("content-encoding"), None);
        assert!(!r.text().contains("gz_requests_total"), "{refused}");
    }
}

#[test]
fn protobuf_content_type_is_exact_and_the_body_decodes() {
    let addr = start();
    for gzip in [false, true] {
        let mut headers = vec![PROMETHEUS_NATIVE_ACCEPT];
        if gzip {
            // What every Prometheus sends.
            headers.push("Accept-Encoding: gzip");
        }
        let r = get(addr, &headers);
        assert_eq!(r.status, 200);
        assert_eq!(r.header("content-type"), Some(PROTOBUF));
        let bytes = if gzip { r.gunzipped() } else { r.body.clone() };
        let mut rest = bytes.as_slice();
        let mut families = Vec::new();
        while !rest.is_empty() {
            families.push(
                client::MetricFamily::decode_length_delimited(&mut rest)
                    .expect("length-delimited MetricFamily messages"),
            );
        }
        let names: Vec<&str> = families.iter().filter_map(|f| f.name.as_deref()).collect();
        assert_eq!(names, ["gz_request_duration_seconds", "gz_requests_total"]);
        let counter = families[1].metric[0].counter.as_ref().expect("a counter");
        assert_eq!(counter.value, Some(1.0));
        let trace = counter
            .exemplar
            .as_ref()
            .and_then(|e| e.label.first())
            .and_then(|l| l.value.as_deref());
        assert_eq!(trace, Some(TRACE));
        // Both: classic buckets and native ones at schema 3.
        let ok = families[0].metric[0]
            .histogram
            .as_ref()
            .expect("a histogram");
        assert_eq!(ok.sample_count, Some(100));
        assert_eq!(ok.bucket.len(), 3);
        assert_eq!(ok.schema, Some(3));
        let native: i64 = ok.positive_delta.iter().copied().sum::<i64>();
        assert!(native > 0, "native bucket counts: {:?}", ok.positive_delta);
    }
}

#[test]
fn head_is_answered_like_get_and_the_gate_comes_first() {
    let addr = start();
    let head = request(addr, "HEAD", true, &["Accept-Encoding: gzip"]);
    assert_eq!(head.status, 200);
    assert_eq!(head.header("content-encoding"), Some("gzip"));
    assert!(head.body.is_empty());
    // Without the token: 401 whatever the headers ask for, and nothing compressed.
    let anonymous = request(
        addr,
        "GET",
        false,
        &["Accept-Encoding: gzip", PROMETHEUS_NATIVE_ACCEPT],
    );
    assert_eq!(anonymous.status, 401);
    assert_eq!(anonymous.header("content-encoding"), None);
    assert!(!anonymous.text().contains("gz_"));
    // Nor does a refused coding reveal the route to an anonymous caller.
    let refused = request(addr, "GET", false, &["Accept-Encoding: identity;q=0"]);
    assert_eq!(refused.status, 401);
    let post = request(addr, "POST", true, &["Accept-Encoding: gzip"]);
    assert_eq!(post.status, 405);
}
