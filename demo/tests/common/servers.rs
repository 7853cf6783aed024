//! Real servers for the end-to-end tests: Prometheus (a server, or an agent) and the
//! Pushgateway, each on a free loopback port with its own scratch directory, killed when its
//! guard drops; and the parts of Prometheus' HTTP API the tests read.
//!
//! Included with `#[path = "common/servers.rs"] mod servers;` beside `mod common;`.

#![allow(dead_code, clippy::expect_used, clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{Killed, free_port};
use metrics_tests::http_get;

/// How long a server may take to become ready.
pub const READY_TIMEOUT: Duration = Duration::from_secs(60);

/// A scratch directory under the test target's temporary directory, removed when dropped.
pub struct Scratch(PathBuf);

impl Scratch {
    /// A fresh, empty `name` directory for this process.
    pub fn new(name: &str) -> Scratch {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch dir");
        Scratch(dir)
    }

    /// Its path.
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A running server: its address and the process, killed on drop.
pub struct Server {
    /// Where it listens (loopback).
    pub addr: SocketAddr,
    /// What it printed (standard error), for failure messages.
    pub log: PathBuf,
    process: Killed,
}

impl Server {
    /// The end of what it logged, for a failure message.
    pub fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(20)..].join("\n")
    }

    /// Kills it now.
    pub fn stop(self) {
        drop(self);
    }
}

/// Starts `bin` with `args` plus `--web.listen-address=127.0.0.1:<free>`, logging into
/// `dir/<name>.log`, and waits until `/-/ready` answers 200.
fn start(bin: &Path, name: &str, dir: &Path, args: &[String], ready_headers: &[&str]) -> Server {
    let addr = free_port();
    let log = dir.join(format!("{name}.log"));
    let child = Command::new(bin)
        .args(args)
        .arg(format!("--web.listen-address={addr}"))
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).expect("log file"))
        .spawn()
        .unwrap_or_else(|e| panic!("{name}: cannot start {}: {e}", bin.display()));
    let server = Server {
        addr,
        log,
        process: Killed(child),
    };
    let started = Instant::now();
    while !http_get(addr, "/-/ready", ready_headers).is_ok_and(|r| r.status == 200) {
        assert!(
            started.elapsed() < READY_TIMEOUT,
            "{name} not ready within {READY_TIMEOUT:?}:\n{}",
            server.log_tail()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    server
}

/// A Prometheus server (or agent, with `--enable-feature=agent` in `extra`) with `config`
/// (YAML) in `dir/<name>.yml` and its storage in `dir/<name>-data`.
pub fn prometheus(bin: &Path, name: &str, dir: &Path, config: &str, extra: &[&str]) -> Server {
    let config_file = dir.join(format!("{name}.yml"));
    std::fs::write(&config_file, config).expect("config written");
    let data = dir.join(format!("{name}-data"));
    let agent = extra.contains(&"--enable-feature=agent");
    let storage = if agent {
        format!("--storage.agent.path={}", data.display())
    } else {
        format!("--storage.tsdb.path={}", data.display())
    };
    let mut args = vec![
        format!("--config.file={}", config_file.display()),
        storage,
        "--log.level=warn".to_string(),
    ];
    args.extend(extra.iter().map(|a| a.to_string()));
    start(bin, name, dir, &args, &[])
}

/// A Pushgateway keeping its metrics in memory only (no persistence file), with `extra`
/// arguments (`--web.config.file=...`); `ready_headers` get it to answer `/-/ready` (its
/// credentials, when its web config asks for some).
pub fn pushgateway(
    bin: &Path,
    name: &str,
    dir: &Path,
    extra: &[String],
    ready_headers: &[&str],
) -> Server {
    let mut args = vec![
        // Empty: nothing is written to disk (the Debian default is /var/lib/...).
        "--persistence.file=".to_string(),
        "--log.level=warn".to_string(),
    ];
    args.extend(extra.iter().cloned());
    start(bin, name, dir, &args, ready_headers)
}

/// A query parameter, percent-encoded.
pub fn encode(q: &str) -> String {
    q.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// One series of a query result: its labels (`__name__` included when there is one) and
/// its samples (one for a vector, many for a matrix), as (timestamp, value).
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Labels.
    pub labels: BTreeMap<String, String>,
    /// (Unix seconds, value).
    pub samples: Vec<(f64, f64)>,
}

impl Series {
    /// The value of a vector's series.
    pub fn value(&self) -> f64 {
        self.samples.first().map_or(f64::NAN, |(_, v)| *v)
    }

    /// A label's value, or "".
    pub fn label(&self, name: &str) -> &str {
        self.labels.get(name).map_or("", String::as_str)
    }
}

fn sample(v: &serde_json::Value) -> (f64, f64) {
    (
        v[0].as_f64().unwrap_or(f64::NAN),
        v[1].as_str()
            .and_then(|x| x.parse().ok())
            .unwrap_or(f64::NAN),
    )
}

/// An instant query (at `time`, Unix seconds, or now): the series of its vector or matrix
/// result. Err with Prometheus' answer when it refuses the query.
pub fn try_query(prom: SocketAddr, q: &str, time: Option<f64>) -> Result<Vec<Series>, String> {
    let mut path = format!("/api/v1/query?query={}", encode(q));
    if let Some(t) = time {
        path.push_str(&format!("&time={t:.3}"));
    }
    let r = http_get(prom, &path, &[]).map_err(|e| format!("{q}: {e}"))?;
    if r.status != 200 {
        return Err(format!("{q}: HTTP {}: {}", r.status, r.body));
    }
    let v: serde_json::Value =
        serde_json::from_str(&r.body).map_err(|e| format!("{q}: {e}: {}", r.body))?;
    let result = &v["data"]["result"];
    Ok(result
        .as_array()
        .map(|a| {
            a.iter()
                .map(|s| Series {
                    labels: s["metric"]
                        .as_object()
                        .map(|m| {
                            m.iter()
                                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
                                .collect()
                        })
                        .unwrap_or_default(),
                    samples: if s["values"].is_array() {
                        s["values"]
                            .as_array()
                            .into_iter()
                            .flatten()
                            .map(sample)
                            .collect()
                    } else {
                        vec![sample(&s["value"])]
                    },
                })
                .collect()
        })
        .unwrap_or_default())
}

/// [`try_query`], panicking on an error.
pub fn query(prom: SocketAddr, q: &str) -> Vec<Series> {
    try_query(prom, q, None).unwrap_or_else(|e| panic!("{e}"))
}

/// An active alert (`/api/v1/alerts`).
#[derive(Debug, Clone, PartialEq)]
pub struct Alert {
    /// Its labels (`alertname`, the expression's labels, `severity`, `component`).
    pub labels: BTreeMap<String, String>,
    /// `pending` or `firing`.
    pub state: String,
}

impl Alert {
    /// A label's value, or "".
    pub fn label(&self, name: &str) -> &str {
        self.labels.get(name).map_or("", String::as_str)
    }
}

/// The active (pending or firing) alerts.
pub fn alerts(prom: SocketAddr) -> Vec<Alert> {
    let r = http_get(prom, "/api/v1/alerts", &[]).expect("alerts");
    assert_eq!(r.status, 200, "{}", r.body);
    let v: serde_json::Value = serde_json::from_str(&r.body).expect("json");
    v["data"]["alerts"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|a| Alert {
            labels: a["labels"]
                .as_object()
                .map(|m| {
                    m.iter()
                        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
                        .collect()
                })
                .unwrap_or_default(),
            state: a["state"].as_str().unwrap_or("").to_string(),
        })
        .collect()
}

/// Polls `f` every 200 ms until it holds; panics with `what` (and `context()`) after
/// `timeout`.
pub fn wait_for(
    what: &str,
    timeout: Duration,
    mut context: impl FnMut() -> String,
    mut f: impl FnMut() -> bool,
) {
    let start = Instant::now();
    while !f() {
        assert!(
            start.elapsed() < timeout,
            "timed out after {timeout:?} waiting for {what}\n{}",
            context()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// The current Unix time in seconds.
pub fn now() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}
