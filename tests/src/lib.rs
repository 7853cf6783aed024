//! Helpers for the end-to-end tests: finding the real `promtool` and running it.
//!
//! A test that needs promtool prints a visible skip when it is missing, and fails instead
//! when `METRICS_REQUIRE_PROMETHEUS=1` (set by `.ci/run`).

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// Whether the environment demands the real Prometheus tools.
pub fn prometheus_required() -> bool {
    std::env::var("METRICS_REQUIRE_PROMETHEUS").is_ok_and(|v| v == "1")
}

/// The path of a Prometheus binary (`promtool`, `prometheus`), or `None` after printing a
/// visible skip. Panics when the tools are required and missing.
pub fn find_tool(name: &str, test: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(name))
            .find(|p| p.is_file())
    });
    match found {
        Some(p) => Some(p),
        None if prometheus_required() => {
            panic!(
                "{test}: `{name}` is required (METRICS_REQUIRE_PROMETHEUS=1) but not on PATH; install Debian's `prometheus` package"
            )
        }
        None => {
            // Straight to the process's stderr: the test harness captures `eprintln!` of
            // passing tests, and a skip must be visible.
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED {test}: `{name}` not found on PATH (install Debian's `prometheus` package to run it)"
            );
            None
        }
    }
}

/// Runs `promtool check metrics` on `text`. Returns `None` when skipped, else its exit success
/// and everything it printed.
pub fn promtool_check_metrics(text: &str, test: &str) -> Option<(bool, String)> {
    let promtool = find_tool("promtool", test)?;
    let mut child = Command::new(&promtool)
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{test}: cannot start {}: {e}", promtool.display()));
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(text.as_bytes())
            .unwrap_or_else(|e| panic!("{test}: cannot write to promtool: {e}"));
    }
    let out = child
        .wait_with_output()
        .unwrap_or_else(|e| panic!("{test}: promtool did not finish: {e}"));
    let mut printed = String::from_utf8_lossy(&out.stdout).into_owned();
    printed.push_str(&String::from_utf8_lossy(&out.stderr));
    Some((out.status.success(), printed))
}

/// A response read by [`http_get`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// Header lines, lower-cased names.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: String,
}

impl HttpResponse {
    /// The first header named `name` (lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Sends raw HTTP/1.1 request bytes to `addr` over real TCP and reads the whole response
/// (`Connection: close`). Used to send exactly the headers a test means, malformed included.
pub fn http_raw(addr: std::net::SocketAddr, request: &[u8]) -> std::io::Result<HttpResponse> {
    use std::io::Read;
    let mut stream = std::net::TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(std::time::Duration::from_secs(10)))?;
    stream.write_all(request)?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("no status line in {head:?}")))?;
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect::<Vec<_>>();
    let chunked = headers
        .iter()
        .any(|(k, v)| k == "transfer-encoding" && v.contains("chunked"));
    let body = if chunked {
        dechunk(body)
    } else {
        body.to_string()
    };
    Ok(HttpResponse {
        status,
        headers,
        body,
    })
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

/// `GET path` with optional extra header lines (`"Authorization: Bearer x"`).
pub fn http_get(
    addr: std::net::SocketAddr,
    path: &str,
    extra_headers: &[&str],
) -> std::io::Result<HttpResponse> {
    let mut req = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for h in extra_headers {
        req.push_str(h);
        req.push_str("\r\n");
    }
    req.push_str("\r\n");
    http_raw(addr, req.as_bytes())
}

/// A keep-alive HTTP/1.1 connection for load tests: requests go one after another on one TCP
/// connection; responses are read by their `Content-Length`.
#[derive(Debug)]
pub struct HttpConn {
    reader: std::io::BufReader<std::net::TcpStream>,
    host: String,
}

impl HttpConn {
    /// Connects to `addr`.
    pub fn connect(addr: std::net::SocketAddr) -> std::io::Result<Self> {
        let stream = std::net::TcpStream::connect(addr)?;
        stream.set_read_timeout(Some(std::time::Duration::from_secs(10)))?;
        stream.set_nodelay(true)?;
        Ok(HttpConn {
            reader: std::io::BufReader::new(stream),
            host: addr.to_string(),
        })
    }

    /// `GET path` with extra header lines; returns the status and the body.
    pub fn get(&mut self, path: &str, extra_headers: &[&str]) -> std::io::Result<(u16, String)> {
        use std::io::{BufRead, Read};
        let mut req = format!("GET {path} HTTP/1.1\r\nHost: {}\r\n", self.host);
        for h in extra_headers {
            req.push_str(h);
            req.push_str("\r\n");
        }
        req.push_str("\r\n");
        self.reader.get_mut().write_all(req.as_bytes())?;
        let mut line = String::new();
        self.reader.read_line(&mut line)?;
        let status = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| std::io::Error::other(format!("bad status line {line:?}")))?;
        let mut length = 0usize;
        loop {
            line.clear();
            self.reader.read_line(&mut line)?;
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((k, v)) = l.split_once(':')
                && k.eq_ignore_ascii_case("content-length")
            {
                length = v.trim().parse().map_err(std::io::Error::other)?;
            }
        }
        let mut body = vec![0; length];
        self.reader.read_exact(&mut body)?;
        Ok((status, String::from_utf8_lossy(&body).into_owned()))
    }
}
