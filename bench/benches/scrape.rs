//! A full `/metrics` scrape of the catalog over loopback: the registry `metrics-catalog serve`
//! exposes (every catalog family, self-metrics, build info, process metrics), behind the real
//! auth gate (loopback CIDR) and the HTTP metrics layer, served by axum on 127.0.0.1 and read
//! by a plain HTTP/1.1 client on one kept-alive connection, as Prometheus scrapes.
//!
//! `encode_only` is the same registry's `encode_text()` without HTTP, so the difference is
//! what serving costs. Traffic goes to 127.0.0.1 only; the server stops when the bench ends.

use std::hint::black_box;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use metrics_demo::{self as serve, ControlPlaneHttp, ServeOptions};
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
        self.reader
            .get_mut()
            .write_all(b"GET /metrics HTTP/1.1\r\nHost: bench\r\nAccept: text/plain\r\n\r\n")
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

    drop(client);
    let _ = stop.send(());
    rt.block_on(server)
        .expect("server task")
        .expect("server stops cleanly");
}

criterion_group!(benches, scrape);
criterion_main!(benches);
