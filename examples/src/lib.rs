//! Four real systems' metric specs (seeds 001-004), declared with the DSL, recorded into and
//! served. Each module holds one seed's declarations and a `run_demo()` that the runnable
//! example of the same name calls (`cargo run -p metrics-examples --example backup_manager`)
//! and that the tests call too, so what the examples show is what the tests check.
//!
//! | module | seed | prefix | example |
//! | --- | --- | --- | --- |
//! | [`seed001_axum_server`] | 001, Tachikoma's axum server | `tachikoma_` | `axum_server` |
//! | [`seed002_backup_manager`] | 002, restic-manager | `rm_` | `backup_manager` |
//! | [`seed003_orchestrator`] | 003, Warren's metrics audit | `warren_` | `orchestrator` |
//! | [`seed004_workflow_runtime`] | 004, duroxide's telemetry spec | `duroxide_` | `workflow_runtime` |
//!
//! What each seed asked for, what the policy rejected and how it was rewritten is in
//! `docs/seeds.md`.

pub mod seed001_axum_server;
pub mod seed002_backup_manager;
pub mod seed003_orchestrator;
pub mod seed004_workflow_runtime;

use std::net::SocketAddr;

use metrics_runtime::{Component, Family};

/// The four seeds: (id, family name prefix, component).
pub const SEEDS: [(&str, &str, &Component); 4] = [
    (
        "001",
        seed001_axum_server::PREFIX,
        &seed001_axum_server::SEED,
    ),
    (
        "002",
        seed002_backup_manager::PREFIX,
        &seed002_backup_manager::SEED,
    ),
    (
        "003",
        seed003_orchestrator::PREFIX,
        &seed003_orchestrator::SEED,
    ),
    (
        "004",
        seed004_workflow_runtime::PREFIX,
        &seed004_workflow_runtime::SEED,
    ),
];

/// The sum of a counter family over all its series, or the number of observations of a
/// histogram family: "how much was recorded", whatever the labels.
pub fn family_total(family: &Family) -> u64 {
    let d = family.descriptor();
    (0..d.label_sets)
        .map(|i| match d.kind {
            metrics_runtime::MetricKind::Counter => family.counter_value(i),
            metrics_runtime::MetricKind::Histogram => family.histogram_value(i).count,
            metrics_runtime::MetricKind::Gauge => 0,
        })
        .sum()
}

/// The lines of an exposition that are samples of `name` (its `_bucket`, `_sum` and
/// `_count` too).
pub fn samples_of<'a>(text: &'a str, name: &str) -> Vec<&'a str> {
    text.lines()
        .filter(|l| {
            l.strip_prefix(name)
                .is_some_and(|rest| rest.starts_with(['{', ' ', '_']))
        })
        .collect()
}

/// A response read by [`get`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// The body.
    pub body: String,
}

/// `GET path` over real TCP with optional extra header lines, for the demos (the tests use
/// `metrics_tests::http_get`).
pub async fn get(addr: SocketAddr, path: &str, headers: &[&str]) -> std::io::Result<Response> {
    send(addr, "GET", path, headers, "").await
}

/// `POST path` with a JSON body over real TCP.
pub async fn post(addr: SocketAddr, path: &str, body: &str) -> std::io::Result<Response> {
    send(
        addr,
        "POST",
        path,
        &["Content-Type: application/json"],
        body,
    )
    .await
}

/// One HTTP/1.1 request with `Connection: close`; chunked bodies decoded.
pub async fn send(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[&str],
    body: &str,
) -> std::io::Result<Response> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await?;
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for h in headers {
        req.push_str(h);
        req.push_str("\r\n");
    }
    if !body.is_empty() {
        req.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    req.push_str("\r\n");
    req.push_str(body);
    stream.write_all(req.as_bytes()).await?;
    let mut raw = Vec::new();
    tokio::time::timeout(
        std::time::Duration::from_secs(10),
        stream.read_to_end(&mut raw),
    )
    .await
    .map_err(std::io::Error::other)??;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .lines()
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("no status line in {head:?}")))?;
    let chunked = head.lines().any(|l| {
        l.to_ascii_lowercase()
            .starts_with("transfer-encoding: chunked")
    });
    let body = if chunked {
        dechunk(body)
    } else {
        body.to_string()
    };
    Ok(Response { status, body })
}

fn dechunk(mut s: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = s.split_once("\r\n") {
        let Ok(n) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        s = rest[n..].strip_prefix("\r\n").unwrap_or(&rest[n..]);
    }
    out
}

/// A server started by [`start_server`]: its address, and a handle that stops it.
#[derive(Debug)]
pub struct Server {
    /// Where it listens (127.0.0.1, an ephemeral port).
    pub addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Server {
    /// Stops accepting, lets open requests finish, and waits for the server to end.
    pub async fn shutdown(mut self) -> std::io::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        self.task.await.map_err(std::io::Error::other)?
    }
}

/// Serves `app` on 127.0.0.1 (an ephemeral port) in the current tokio runtime, with the
/// peer address available to the auth gate.
pub async fn start_server(app: axum::Router) -> std::io::Result<Server> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(metrics_runtime::http::serve(listener, app, async move {
        let _ = rx.await;
    }));
    Ok(Server {
        addr,
        stop: Some(tx),
        task,
    })
}

/// A current-thread tokio runtime for a demo's `main`.
pub fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
}
