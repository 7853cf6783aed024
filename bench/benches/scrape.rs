//! A full `/metrics` scrape of the catalog over loopback: the registry `metrics-catalog serve`
//! exposes (every catalog family, self-metrics, build info, process metrics), behind the real
//! auth gate (loopback CIDR) and the HTTP metrics layer, served by axum on 127.0.0.1 and read
//! by a plain HTTP/1.1 client on one kept-alive connection, as Prometheus scrapes.
//!
//! `encode_only` is the same registry's `encode_text()` without HTTP, so the difference is
//! what serving costs. Traffic goes to 127.0.0.1 only; the server stops when the bench ends.
//!
//! `scrape_gzip` is the same scrape compressed: the encode alone and the encode then gzip at
//! the route's setting (flate2 on zlib-rs, level 1), in text and in protobuf, and the scrape
//! over loopback with and without `Accept-Encoding: gzip`. The wire bytes of each answer go
//! to `scrape_gzip/wire.json`, and a paired measurement (101 rounds of an encode and an
//! encode-then-gzip back to back, in alternating order; the median of the per-round ratios) to
//! `scrape_gzip/paired.json`, both read by `ratios`.

use std::hint::black_box;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::Instant;

use criterion::{Criterion, criterion_group, criterion_main};
use metrics_demo::{self as serve, ControlPlaneHttp, ServeOptions};
use metrics_runtime::Format;
use metrics_runtime::http::{self, HttpMetricsLayer};

/// One kept-alive HTTP/1.1 connection to the exporter.
struct Client {
    reader: BufReader<TcpStream>,
    body: Vec<u8>,
}

impl Client {
    fn connect(addr: SocketAddr) -> Client {
        let stream = TcpStream::connect(addr).expect("loopback connect");
        stream.set_nodelay(true).expect("nodelay");
        Client {
            reader: BufReader::with_capacity(256 * 1024, stream),
            body: Vec::new(),
        }
    }

    /// GET /metrics; returns the body length. Panics on anything but a 200 with a length.
    fn scrape(&mut self) -> usize {
        self.scrape_with(b"Accept: text/plain\r\n")
    }

    /// GET /metrics with `headers` (whole lines); returns the body length as sent, compressed
    /// or not.
    fn scrape_with(&mut self, headers: &[u8]) -> usize {
        let stream = self.reader.get_mut();
        stream
            .write_all(b"GET /metrics HTTP/1.1\r\nHost: bench\r\n")
            .and_then(|()| stream.write_all(headers))
            .and_then(|()| stream.write_all(b"\r\n"))
            .expect("send request");
        let mut line = String::new();
        self.reader.read_line(&mut line).expect("status line");
        assert!(line.starts_with("HTTP/1.1 200"), "scrape answered {line:?}");
        let mut length = None;
        loop {
            line.clear();
            self.reader.read_line(&mut line).expect("header");
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((k, v)) = l.split_once(':')
                && k.eq_ignore_ascii_case("content-length")
            {
                length = v.trim().parse::<usize>().ok();
            }
        }
        let length = length.expect("the exporter sends Content-Length");
        self.body.resize(length, 0);
        self.reader.read_exact(&mut self.body).expect("body");
        length
    }
}

fn scrape(c: &mut Criterion) {
    let cfg = serve::config(&ServeOptions::default()).expect("loopback-only config");
    let registry = Arc::new(serve::registry(&cfg).expect("catalog registry"));
    // Values everywhere, as after a while of the demo workload.
    for tick in 0..1_000 {
        serve::simulate_tick(tick);
    }

    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("tokio runtime");
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("bind loopback");
    let addr = listener.local_addr().expect("local addr");
    let app = http::metrics_router(Arc::clone(&registry), &cfg)
        .layer(HttpMetricsLayer::new(ControlPlaneHttp));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = rt.spawn(http::serve(listener, app, async {
        let _ = stopped.await;
    }));

    let mut client = Client::connect(addr);
    let bytes = client.scrape();
    let samples = metrics_bench::sample_lines(&client.body);
    eprintln!(
        "catalog scrape: {} families, {samples} samples, {bytes} bytes",
        registry.families().len()
    );

    let mut g = c.benchmark_group("scrape_catalog");
    g.throughput(criterion::Throughput::Elements(samples as u64));
    g.bench_function("http_loopback", |b| b.iter(|| black_box(client.scrape())));
    g.bench_function("encode_only", |b| {
        b.iter(|| black_box(registry.encode_text().len()))
    });
    g.finish();

    gzip_group(c, &registry, addr);

    drop(client);
    let _ = stop.send(());
    rt.block_on(server)
        .expect("server task")
        .expect("server stops cleanly");
}

/// The route's gzip: flate2 on zlib-rs at level 1 (`metrics-runtime/src/http/endpoint.rs`).
fn gzip(body: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(
        Vec::with_capacity(body.len() / 8 + 64),
        flate2::Compression::fast(),
    );
    e.write_all(body).expect("write to a Vec");
    e.finish().expect("finish into a Vec")
}

const TEXT: &[u8] = b"Accept: text/plain\r\n";
const TEXT_GZIP: &[u8] = b"Accept: text/plain\r\nAccept-Encoding: gzip\r\n";
/// What Prometheus 2.42 sends with native histograms enabled, and its Accept-Encoding.
const PROTOBUF_GZIP: &[u8] = b"Accept: application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited,application/openmetrics-text;version=1.0.0;q=0.8,text/plain;version=0.0.4;q=0.5,*/*;q=0.1\r\nAccept-Encoding: gzip\r\n";

fn gzip_group(c: &mut Criterion, registry: &metrics_runtime::Registry, addr: SocketAddr) {
    // Wire bytes as served: the answers' lengths, compressed and not.
    let mut client = Client::connect(addr);
    let text = client.scrape_with(TEXT);
    let text_gzip = client.scrape_with(TEXT_GZIP);
    let protobuf = registry.encode(Format::Protobuf).len();
    let protobuf_gzip = client.scrape_with(PROTOBUF_GZIP);
    eprintln!(
        "gzip: text {text} -> {text_gzip} bytes ({:.3}x), protobuf {protobuf} -> {protobuf_gzip} bytes ({:.3}x)",
        text_gzip as f64 / text as f64,
        protobuf_gzip as f64 / protobuf as f64
    );

    let mut g = c.benchmark_group("scrape_gzip");
    g.bench_function("encode", |b| {
        b.iter(|| black_box(registry.encode(Format::Text).len()))
    });
    g.bench_function("encode_gzip", |b| {
        b.iter(|| black_box(gzip(&registry.encode(Format::Text)).len()))
    });
    g.bench_function("encode_protobuf", |b| {
        b.iter(|| black_box(registry.encode(Format::Protobuf).len()))
    });
    g.bench_function("encode_protobuf_gzip", |b| {
        b.iter(|| black_box(gzip(&registry.encode(Format::Protobuf)).len()))
    });
    // A fresh connection: the server closes one idle for `limits.idle_timeout` (30 s), as
    // the one above has been while the encodes were timed.
    let mut client = Client::connect(addr);
    g.bench_function("http_loopback", |b| {
        b.iter(|| black_box(client.scrape_with(TEXT)))
    });
    g.bench_function("http_loopback_gzip", |b| {
        b.iter(|| black_box(client.scrape_with(TEXT_GZIP)))
    });
    g.bench_function("http_loopback_protobuf_gzip", |b| {
        b.iter(|| black_box(client.scrape_with(PROTOBUF_GZIP)))
    });
    g.finish();

    // Paired: each round times 20 encodes and 20 encode-then-gzips back to back, the order
    // alternating between rounds, and keeps the ratio of the two; the median of the rounds'
    // ratios moves less with the machine's load than a ratio of two medians taken minutes
    // apart.
    let time = |f: &dyn Fn() -> usize| {
        let start = Instant::now();
        for _ in 0..20 {
            black_box(f());
        }
        start.elapsed().as_secs_f64()
    };
    let plain = || registry.encode(Format::Text).len();
    let zipped = || gzip(&registry.encode(Format::Text)).len();
    let mut ratios: Vec<f64> = (0..101)
        .map(|round| {
            let (p, z) = if round % 2 == 0 {
                let p = time(&plain);
                (p, time(&zipped))
            } else {
                let z = time(&zipped);
                (time(&plain), z)
            };
            z / p
        })
        .collect();
    ratios.sort_by(f64::total_cmp);
    let dir = std::path::Path::new(
        &std::env::var_os("CARGO_TARGET_DIR").unwrap_or_else(|| "target".into()),
    )
    .join("criterion")
    .join("scrape_gzip");
    std::fs::create_dir_all(&dir).expect("criterion directory");
    let paired = format!(
        "{{\"rounds\": {}, \"ratio_median\": {}, \"ratio_p25\": {}, \"ratio_p75\": {}}}\n",
        ratios.len(),
        ratios[50],
        ratios[25],
        ratios[75]
    );
    std::fs::write(dir.join("paired.json"), paired).expect("paired.json");
    let wire = format!(
        "{{\"text\": {text}, \"text_gzip\": {text_gzip}, \"protobuf\": {protobuf}, \"protobuf_gzip\": {protobuf_gzip}}}\n"
    );
    std::fs::write(dir.join("wire.json"), wire).expect("wire.json");
    eprintln!(
        "scrape_gzip paired: encode+gzip / encode = {:.2}x (quartiles {:.2}x..{:.2}x)",
        ratios[50], ratios[25], ratios[75]
    );
}

criterion_group!(benches, scrape);
criterion_main!(benches);
