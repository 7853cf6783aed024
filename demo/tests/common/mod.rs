//! Helpers shared by the integration tests that run the `metrics-demo` binary.

#![allow(dead_code, clippy::expect_used, clippy::unwrap_used)]

use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpListener};
use std::process::{Child, Command, Output, Stdio};

/// A child process killed when dropped.
pub struct Killed(pub Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A loopback address nobody listens on right now.
pub fn free_port() -> SocketAddr {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free loopback port")
}

/// The built binary.
pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_metrics-demo"))
}

/// Runs the binary to completion.
pub fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("run metrics-demo")
}

/// Starts `metrics-demo serve --listen ADDR --tick-ms 50` plus `extra`, and returns once
/// it printed its startup line (it listens by then).
pub fn start_serve(listen: SocketAddr, extra: &[&str]) -> Killed {
    start_serve_ticking(listen, 50, extra)
}

/// [`start_serve`] with the workload ticking every `tick_ms` (its first tick is at start).
pub fn start_serve_ticking(listen: SocketAddr, tick_ms: u64, extra: &[&str]) -> Killed {
    let mut child = bin()
        .args(["serve", "--listen", &listen.to_string()])
        .args(["--tick-ms", &tick_ms.to_string()])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("serve starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("a startup line");
    assert!(
        line.contains(&format!("http://{listen}/metrics")),
        "startup line: {line}"
    );
    assert!(
        line.contains("curl"),
        "startup line tells where to curl: {line}"
    );
    Killed(child)
}
