//! `metrics-demo serve` as a service: its HTTP metrics measure the demo API, not the
//! scrapes of `/metrics`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use common::{free_port, start_serve_ticking};
use metrics_exposition as exposition;
use metrics_tests::http_get;

/// `trc_http_requests_total` summed over the series matching `path_template` (any if None).
fn http_requests(text: &str, path_template: Option<&str>) -> f64 {
    let parsed = exposition::parse(text).unwrap_or_else(|e| panic!("{e}"));
    parsed
        .family("trc_http_requests_total")
        .expect("the HTTP family")
        .samples
        .iter()
        .filter(|s| path_template.is_none_or(|p| s.label("path_template") == Some(p)))
        .map(|s| s.value)
        .sum()
}

#[test]
fn scrapes_are_not_counted_as_api_requests() {
    let addr = free_port();
    // One tick at start (six demo requests, one of them to an unknown path), then none for an hour.
    let _serve = start_serve_ticking(addr, 3_600_000, &[]);
    let scrape = || {
        let r = http_get(addr, "/metrics", &[]).expect("scrape");
        assert_eq!(r.status, 200);
        r.body
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut text = scrape();
    while http_requests(&text, None) < 6.0 {
        assert!(
            Instant::now() < deadline,
            "the demo requests never arrived:\n{text}"
        );
        std::thread::sleep(Duration::from_millis(50));
        text = scrape();
    }
    for _ in 0..5 {
        text = scrape();
    }
    assert_eq!(http_requests(&text, None), 6.0, "only the demo requests");
    assert_eq!(
        http_requests(&text, Some("unmatched")),
        1.0,
        "only the demo's unknown path is unmatched"
    );
}

/// SIGTERM and SIGINT (Ctrl-C) stop `serve` gracefully with exit code 0.
#[cfg(unix)]
#[test]
fn a_signal_stops_serve_cleanly() {
    for signal in ["-TERM", "-INT"] {
        let addr = free_port();
        let mut serve = start_serve_ticking(addr, 50, &[]);
        assert_eq!(http_get(addr, "/metrics", &[]).expect("scrape").status, 200);
        let pid = serve.0.id().to_string();
        let killed = std::process::Command::new("kill")
            .args([signal, &pid])
            .status()
            .expect("kill runs");
        assert!(killed.success());
        let deadline = Instant::now() + Duration::from_secs(10);
        let status = loop {
            if let Some(status) = serve.0.try_wait().expect("wait") {
                break status;
            }
            assert!(
                Instant::now() < deadline,
                "serve still running after {signal}"
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        assert_eq!(status.code(), Some(0), "exit after {signal}");
    }
}

/// A config file for one test, in the temporary directory.
fn config_file(name: &str, text: &str) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!(
        "metrics-demo-serve-{}-{name}.toml",
        std::process::id()
    ));
    std::fs::write(&path, text).expect("write the config");
    path
}

/// Starts `metrics-demo serve --listen ADDR` plus `extra` with `envs` added, and returns it
/// with its first line of output (empty when it printed none before exiting).
fn spawn_serve(
    addr: std::net::SocketAddr,
    extra: &[&str],
    envs: &[(&str, &std::ffi::OsStr)],
) -> (common::Killed, String) {
    use std::io::BufRead;
    let mut child = common::bin()
        .args([
            "serve",
            "--listen",
            &addr.to_string(),
            "--tick-ms",
            "3600000",
        ])
        .args(extra)
        .envs(envs.iter().map(|(k, v)| (k, v)))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("serve starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    let _ = std::io::BufReader::new(stdout).read_line(&mut line);
    (common::Killed(child), line)
}

/// Waits for `serve` to exit, at most `limit`; its exit status, or `None` if still running.
fn exited_within(serve: &mut common::Killed, limit: Duration) -> Option<std::process::ExitStatus> {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = serve.0.try_wait().expect("wait") {
            return Some(status);
        }
        if Instant::now() >= deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[cfg(unix)]
fn signal(serve: &common::Killed, signal: &str) {
    let killed = std::process::Command::new("kill")
        .args([signal, &serve.0.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(killed.success());
}

/// A client that sent one byte of a request does not hold up SIGTERM: a connection with no
/// request in progress closes at once. (Before: the shutdown waited for it forever.)
#[cfg(unix)]
#[test]
fn a_client_that_sent_one_byte_does_not_hold_sigterm() {
    use std::io::Write;
    let addr = free_port();
    let mut serve = start_serve_ticking(addr, 3_600_000, &[]);
    let mut one_byte = std::net::TcpStream::connect(addr).expect("connect");
    one_byte.write_all(b"G").expect("write");
    // The server has the byte before the signal.
    assert_eq!(http_get(addr, "/metrics", &[]).expect("scrape").status, 200);
    signal(&serve, "-TERM");
    let status = exited_within(&mut serve, Duration::from_secs(20))
        .expect("serve exits although a client sent one byte");
    assert_eq!(status.code(), Some(0));
}

/// A request in progress (a scrape whose client does not read it) gets the drain deadline
/// after the first SIGTERM, and a second signal stops `serve` at once, long before it.
/// (Before: further signals were ignored.)
#[cfg(unix)]
#[test]
fn a_second_signal_stops_at_once() {
    use std::io::Write;
    let addr = free_port();
    let config = config_file(
        "second-signal",
        "[limits]\ndrain_timeout = 600\nidle_timeout = 3600\nheader_read_timeout = 60\n",
    );
    let config = config.to_str().expect("UTF-8 path");
    let (mut serve, banner) = spawn_serve(addr, &["--config", config], &[]);
    assert!(banner.contains("/metrics"), "{banner}");
    // Pipelined scrapes never read: the responses fill the socket buffers and the one being
    // written stays in progress.
    let mut stalled = std::net::TcpStream::connect(addr).expect("connect");
    let scrape = format!("GET /metrics HTTP/1.1\r\nHost: {addr}\r\n\r\n");
    let _ = stalled.write_all(scrape.repeat(2000).as_bytes());
    std::thread::sleep(Duration::from_millis(500));
    signal(&serve, "-TERM");
    assert!(
        exited_within(&mut serve, Duration::from_secs(2)).is_none(),
        "the first signal drains (for up to 600 s)"
    );
    signal(&serve, "-INT");
    let status = exited_within(&mut serve, Duration::from_secs(20))
        .expect("a second signal stops serve at once");
    assert_eq!(status.code(), Some(0));
    drop(stalled);
}

/// The startup line tells the real path, and does not advertise an endpoint that is off.
#[test]
fn the_banner_tells_the_real_path_or_that_metrics_are_off() {
    let addr = free_port();
    let config = config_file("path", "path = \"/internal/metrics\"\n");
    let (_serve, banner) = spawn_serve(addr, &["--config", config.to_str().expect("UTF-8")], &[]);
    assert!(
        banner.contains(&format!("http://{addr}/internal/metrics")),
        "{banner}"
    );
    assert_eq!(
        http_get(addr, "/internal/metrics", &[])
            .expect("scrape")
            .status,
        200
    );
    let addr = free_port();
    let config = config_file("disabled", "enabled = false\n");
    let (_serve, banner) = spawn_serve(addr, &["--config", config.to_str().expect("UTF-8")], &[]);
    assert!(banner.contains("disabled"), "{banner}");
    assert!(!banner.contains("/metrics"), "{banner}");
    assert!(!banner.contains("curl"), "{banner}");
    assert_eq!(http_get(addr, "/metrics", &[]).expect("http").status, 404);
}

/// A metrics path the demo API routes too, or a path a router reads as a pattern, is a
/// config error naming `path` (exit 2), not a panic at startup (exit 101).
#[test]
fn a_metrics_path_of_the_api_is_a_config_error() {
    for (name, path) in [
        ("api", "/v1/orgs"),
        ("pattern", "/m{"),
        ("wildcard", "/{*rest}"),
    ] {
        let config = config_file(name, &format!("path = \"{path}\"\n"));
        let out = common::run(&[
            "serve",
            "--listen",
            &free_port().to_string(),
            "--config",
            config.to_str().expect("UTF-8"),
        ]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{path}: {stderr}");
        assert!(stderr.contains("`path`"), "{path}: {stderr}");
    }
}

/// An environment variable that is not UTF-8 is another program's business unless it is one
/// of ours, and then it is an error naming it. (Before: any such variable made `serve`
/// panic.)
#[cfg(unix)]
#[test]
fn environment_variables_that_are_not_utf8() {
    use std::os::unix::ffi::OsStrExt;
    let not_utf8 = std::ffi::OsStr::from_bytes(b"caf\xe9");
    let addr = free_port();
    let (_serve, banner) = spawn_serve(addr, &[], &[("SOME_OTHER_TOOL_SETTING", not_utf8)]);
    assert!(banner.contains("/metrics"), "serve starts: {banner}");
    let out = common::bin()
        .args(["serve", "--listen", &free_port().to_string()])
        .env("METRICS_PATH", not_utf8)
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("METRICS_PATH"), "{stderr}");
}

/// A token file whose name is not UTF-8 is read as named, through the flag and the
/// variable. (Before: the flag's path went through text, so `tok\xff` read `tok\u{fffd}`,
/// and the variable was refused as not UTF-8.)
#[cfg(unix)]
#[test]
fn a_token_file_whose_name_is_not_utf8() {
    use std::ffi::OsString;
    use std::io::BufRead;
    use std::os::unix::ffi::OsStringExt;
    let dir = std::env::temp_dir().join(format!("metrics-demo-tokpath-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let mut name = dir.clone().into_os_string().into_vec();
    name.extend_from_slice(b"/tok\xff");
    let path = OsString::from_vec(name);
    std::fs::write(&path, "s3cret\n").expect("token written");
    // What the path's lossy text names: reading it would be the bug.
    std::fs::write(dir.join("tok\u{fffd}"), "wrong\n").expect("decoy written");
    for by_flag in [true, false] {
        let addr = free_port();
        let mut command = common::bin();
        command.args([
            "serve",
            "--listen",
            &addr.to_string(),
            "--tick-ms",
            "3600000",
        ]);
        if by_flag {
            command.arg("--token-file").arg(&path);
        } else {
            command.env("METRICS_AUTH_TOKEN_FILE", &path);
        }
        let mut child = command
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("serve starts");
        let stdout = child.stdout.take().expect("stdout");
        let serve = common::Killed(child);
        let mut banner = String::new();
        let _ = std::io::BufReader::new(stdout).read_line(&mut banner);
        assert!(banner.contains("/metrics"), "by flag {by_flag}: {banner}");
        let with = |token: &str| {
            http_get(
                addr,
                "/metrics",
                &[&format!("Authorization: Bearer {token}")],
            )
            .expect("answered")
            .status
        };
        assert_eq!(with("s3cret"), 200, "by flag {by_flag}");
        assert_eq!(with("wrong"), 401, "by flag {by_flag}");
        drop(serve);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A connection cap above what the process may open is refused when serving starts, naming
/// `limits.max_connections`, its value, the limit and what to do (exit 2); a cap that fits
/// serves. (Before: accepted, and under a flood the descriptors were pinned at the limit and
/// scrapes timed out.)
#[cfg(target_os = "linux")]
#[test]
fn a_connection_cap_above_the_open_files_limit_is_refused() {
    use std::io::BufRead;
    let under_256 = |max_connections: &str| {
        let mut command = std::process::Command::new("sh");
        command
            .args(["-c", "ulimit -n 256 && exec \"$0\" \"$@\""])
            .arg(common::bin().get_program())
            .args(["serve", "--listen", &free_port().to_string()])
            .args(["--tick-ms", "3600000"]);
        if !max_connections.is_empty() {
            command.env("METRICS_LIMITS_MAX_CONNECTIONS", max_connections);
        }
        command
    };
    let mut refused = under_256("")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("runs");
    let stderr = refused.stderr.take().expect("stderr");
    let stdout = refused.stdout.take().expect("stdout");
    let mut refused = common::Killed(refused);
    let status = exited_within(&mut refused, Duration::from_secs(20)).expect("exits");
    let mut message = String::new();
    let _ = std::io::Read::read_to_string(&mut std::io::BufReader::new(stderr), &mut message);
    let mut said = String::new();
    let _ = std::io::Read::read_to_string(&mut std::io::BufReader::new(stdout), &mut said);
    assert_eq!(status.code(), Some(2), "{message}");
    // Refused before the banner: nothing announces a server that never serves.
    assert!(!said.contains("families on"), "{said}");
    assert!(!message.contains("families on"), "{message}");
    for part in [
        "`limits.max_connections`",
        "512 connections",
        "only 256",
        "at most 192",
        "ulimit -n",
    ] {
        assert!(message.contains(part), "{part}: {message}");
    }
    let mut fits = under_256("192")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("runs");
    let stdout = fits.stdout.take().expect("stdout");
    let mut fits = common::Killed(fits);
    let mut banner = String::new();
    let _ = std::io::BufReader::new(stdout).read_line(&mut banner);
    assert!(banner.contains("/metrics"), "{banner}");
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        exited_within(&mut fits, Duration::ZERO).is_none(),
        "a cap that fits serves"
    );
}
