//! `check`'s bounds, through the standalone `metrics-tools` binary: every input is read whole
//! or refused (exit 2), never judged on a prefix; every input has a size limit, `/dev/zero`
//! included; `--timeout` covers reading, parsing and checking; a bad `--timeout` is bad
//! input, not a panic; a redirect to another scheme is named; a message never echoes more
//! than an excerpt of the input; a NUL in a name is named.
//!
//! Every child process is killed if it outlives its bound, so a regression fails the test
//! instead of hanging it. Servers listen on 127.0.0.1 only.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const CATALOG: &str = r#"{ "schema_version": 1, "components": [ { "name": "web", "families": [
  { "name": "web_requests_total", "type": "counter", "max_series": 10,
    "labels": [ { "name": "code", "values": [ { "value": "2xx" }, { "value": "5xx" } ] } ] } ] } ] }"#;

const COMPLIANT: &str = "# TYPE web_requests_total counter\nweb_requests_total{code=\"2xx\"} 1\nweb_requests_total{code=\"5xx\"} 0\n";

/// The default `--max-bytes`.
const MAX: usize = 64 << 20;

fn scratch(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("checker_limits");
    std::fs::create_dir_all(&dir).expect("scratch dir");
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write scratch file");
    path
}

/// The test catalog's path, written once (tests run in parallel and must not read it while
/// another writes it).
fn catalog() -> &'static str {
    static PATH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    PATH.get_or_init(|| {
        scratch("catalog.json", CATALOG.as_bytes())
            .to_str()
            .expect("UTF-8 path")
            .to_string()
    })
}

enum Stdin {
    Null,
    Bytes(Vec<u8>),
    /// `/dev/zero`: never ends.
    Zero,
    /// A pipe held open and never written: a producer that stalls.
    Stalled,
}

/// Runs `metrics-tools --catalog <test catalog> ARGS`, killing it after `bound`; returns its
/// output and how long it ran.
fn run(args: &[&str], stdin: Stdin, bound: Duration) -> (Output, Duration) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_metrics-tools"));
    if !args.contains(&"--catalog") {
        cmd.args(["--catalog", catalog()]);
    }
    cmd.args(args).stdout(Stdio::piped()).stderr(Stdio::piped());
    cmd.stdin(match &stdin {
        Stdin::Null => Stdio::null(),
        Stdin::Bytes(_) | Stdin::Stalled => Stdio::piped(),
        Stdin::Zero => Stdio::from(std::fs::File::open("/dev/zero").expect("/dev/zero")),
    });
    let start = Instant::now();
    let mut child = cmd.spawn().expect("spawn metrics-tools");
    let mut held = None;
    match stdin {
        Stdin::Bytes(bytes) => {
            let mut pipe = child.stdin.take().expect("stdin");
            // The child may stop reading early (that is the point): a broken pipe is fine.
            std::thread::spawn(move || {
                let _ = pipe.write_all(&bytes);
            });
        }
        Stdin::Stalled => held = child.stdin.take(),
        Stdin::Null | Stdin::Zero => {}
    }
    let mut out = child.stdout.take().expect("stdout");
    let mut err = child.stderr.take().expect("stderr");
    let out = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = out.read_to_end(&mut v);
        v
    });
    let err = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = err.read_to_end(&mut v);
        v
    });
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if start.elapsed() > bound {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "`metrics-tools {}` did not end within {bound:?}",
                args.join(" ")
            );
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let elapsed = start.elapsed();
    drop(held);
    let output = Output {
        status,
        stdout: out.join().expect("stdout reader"),
        stderr: err.join().expect("stderr reader"),
    };
    (output, elapsed)
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Exit 2, one line on standard error containing `needle`, no report.
fn assert_bad_input(out: &Output, needle: &str, what: &str) {
    let err = stderr(out);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{what}: stdout:\n{}\nstderr:\n{err}",
        stdout(out)
    );
    assert_eq!(err.lines().count(), 1, "{what}: one line: {err}");
    assert!(err.contains(needle), "{what}: {err}");
    assert!(out.stdout.is_empty(), "{what}: no report: {}", stdout(out));
}

/// A compliant scrape padded with comments to `size` bytes, then a line with a value outside
/// the declared enum: compliant on any prefix of `size` bytes, not compliant whole.
fn padded_with_a_violation_at_the_end(size: usize) -> Vec<u8> {
    let mut text = String::with_capacity(size + 100);
    text.push_str(COMPLIANT);
    let pad = format!("# {}\n", "p".repeat(1021));
    while text.len() + pad.len() <= size {
        text.push_str(&pad);
    }
    text.push_str(&format!(
        "#{}\n",
        "p".repeat(size.saturating_sub(text.len() + 2))
    ));
    text.push_str("web_requests_total{code=\"teapot\"} 1\n");
    text.into_bytes()
}

// ---- item 8: never a verdict on a part of the input ----------------------------------------

/// The issue's case: standard input was cut at 64 MiB without a word and the scrape reported
/// COMPLIANT; the same bytes as a file were NOT COMPLIANT.
#[test]
fn standard_input_over_the_limit_is_refused_never_compliant() {
    let bytes = padded_with_a_violation_at_the_end(MAX + 1024);
    assert!(bytes.len() > MAX);
    let (out, _) = run(
        &["check", "--component", "web", "-"],
        Stdin::Bytes(bytes.clone()),
        Duration::from_secs(60),
    );
    assert_bad_input(
        &out,
        "standard input is larger than 64 MiB (raise it with --max-bytes)",
        "stdin over the limit",
    );
    // The same bytes as a file: the same refusal, before a byte is read.
    let path = scratch("over-the-limit.prom", &bytes);
    let path = path.to_str().expect("UTF-8 path");
    let (out, _) = run(
        &["check", "--component", "web", "--file", path],
        Stdin::Null,
        Duration::from_secs(60),
    );
    assert_bad_input(&out, "is larger than 64 MiB", "file over the limit");
    // With the limit raised, both read it whole and find the violation at its end (with time
    // to parse 64 MiB in a debug build on a busy machine).
    for (args, stdin) in [
        (vec!["--file", path], Stdin::Null),
        (vec!["-"], Stdin::Bytes(bytes.clone())),
    ] {
        let mut all = vec![
            "check",
            "--component",
            "web",
            "--max-bytes",
            "65MiB",
            "--timeout",
            "120",
        ];
        all.extend(args);
        let (out, _) = run(&all, stdin, Duration::from_secs(120));
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert!(
            stdout(&out).ends_with("NOT COMPLIANT: 1 violation, 0 warnings\n"),
            "{}",
            stdout(&out)
        );
    }
}

/// Every input has a limit and a device that never ends is refused at it, quickly: scrapes
/// (file and standard input) at `--max-bytes`, catalogs and baselines at 16 MiB, token files
/// at 64 KiB. Before, `/dev/zero` grew the process to gigabytes.
#[test]
fn dev_zero_is_refused_at_the_limit_of_every_input() {
    if !std::path::Path::new("/dev/zero").exists() {
        eprintln!("SKIPPED: no /dev/zero");
        return;
    }
    let cases: [(&[&str], Stdin, &str); 6] = [
        (
            &["check", "--component", "web", "--file", "/dev/zero"],
            Stdin::Null,
            "/dev/zero is larger than 64 MiB (raise it with --max-bytes)",
        ),
        (
            &["check", "--component", "web", "-"],
            Stdin::Zero,
            "standard input is larger than 64 MiB (raise it with --max-bytes)",
        ),
        (
            &[
                "check",
                "--component",
                "web",
                "--file",
                "/dev/zero",
                "--max-bytes",
                "1MiB",
            ],
            Stdin::Null,
            "/dev/zero is larger than 1 MiB (raise it with --max-bytes)",
        ),
        (
            &["--catalog", "/dev/zero", "json"],
            Stdin::Null,
            "/dev/zero is larger than 16 MiB (the limit of a catalog file)",
        ),
        (
            &["diff", "--baseline", "/dev/zero"],
            Stdin::Null,
            "/dev/zero is larger than 16 MiB (the limit of a catalog file)",
        ),
        (
            &[
                "check",
                "--url",
                "http://127.0.0.1:9/metrics",
                "--token-file",
                "/dev/zero",
            ],
            Stdin::Null,
            "/dev/zero is larger than 64 KiB (the limit of a token file)",
        ),
    ];
    for (args, stdin, needle) in cases {
        let (out, took) = run(args, stdin, Duration::from_secs(20));
        assert_bad_input(&out, needle, &args.join(" "));
        assert!(took < Duration::from_secs(10), "{args:?} took {took:?}");
    }
}

#[test]
fn max_bytes_takes_units_and_refuses_nonsense() {
    let path = scratch("compliant.prom", COMPLIANT.as_bytes());
    let path = path.to_str().expect("UTF-8 path");
    let check = |max: &str| {
        run(
            &[
                "check",
                "--component",
                "web",
                "--file",
                path,
                &format!("--max-bytes={max}"),
            ],
            Stdin::Null,
            Duration::from_secs(20),
        )
        .0
    };
    assert_eq!(check("1KiB").status.code(), Some(0));
    assert_eq!(check(&COMPLIANT.len().to_string()).status.code(), Some(0));
    assert_bad_input(
        &check(&(COMPLIANT.len() - 1).to_string()),
        &format!(
            "is larger than {} bytes (raise it with --max-bytes)",
            COMPLIANT.len() - 1
        ),
        "one byte over",
    );
    for bad in ["0", "12XB", "-1", "", "99999999999999999999GiB"] {
        let out = check(bad);
        assert_eq!(out.status.code(), Some(2), "--max-bytes {bad:?}");
        assert!(stderr(&out).contains("--max-bytes"), "{}", stderr(&out));
    }
}

#[test]
fn a_token_file_must_hold_a_token() {
    for (name, content, needle) in [
        ("token-empty", &b"\n\n"[..], "is empty"),
        (
            "token-nul",
            &b"abc\0def\n"[..],
            "holds U+0000 (NUL), which an HTTP header cannot carry",
        ),
        (
            "token-lines",
            &b"abc\ndef\n"[..],
            "holds U+000A (a control character)",
        ),
    ] {
        let path = scratch(name, content);
        let (out, _) = run(
            &[
                "check",
                "--url",
                "http://127.0.0.1:9/metrics",
                "--token-file",
                path.to_str().expect("UTF-8 path"),
            ],
            Stdin::Null,
            Duration::from_secs(20),
        );
        assert_bad_input(&out, needle, name);
    }
}

// ---- items 9 and 11: --timeout covers the whole run, and is a sane number --------------------

#[test]
fn a_timeout_out_of_range_is_bad_input_not_a_panic() {
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let url = format!("http://127.0.0.1:{port}/metrics");
    for (timeout, shown) in [
        ("1e20", "1e20"),
        ("1e-12", "1e-12"),
        ("inf", "inf"),
        ("NaN", "NaN"),
        ("-1", "-1"),
        ("0", "0"),
        ("86401", "86401"),
    ] {
        let arg = format!("--timeout={timeout}");
        let (out, _) = run(
            &["check", "--component", "web", "--url", &url, &arg],
            Stdin::Null,
            Duration::from_secs(20),
        );
        assert_bad_input(
            &out,
            &format!(
                "--timeout {shown} is out of range: give seconds from 0.001 (1ms) to 86400 (a day)"
            ),
            &arg,
        );
    }
    // The smallest timeout is reported in milliseconds, not as "0s".
    let (out, _) = run(
        &[
            "check",
            "--component",
            "web",
            "--url",
            &url,
            "--timeout",
            "0.001",
        ],
        Stdin::Null,
        Duration::from_secs(20),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(!stderr(&out).contains(" 0s"), "{}", stderr(&out));
}

/// A producer that never closes standard input used to hold `check` forever: `--timeout`
/// only covered `--url`.
#[test]
fn the_timeout_covers_a_standard_input_that_never_ends() {
    let (out, took) = run(
        &["check", "--component", "web", "-", "--timeout", "0.5"],
        Stdin::Stalled,
        Duration::from_secs(20),
    );
    assert_bad_input(
        &out,
        "was not read, parsed and checked within the --timeout of 500ms; nothing is reported",
        "stalled stdin",
    );
    assert!(took < Duration::from_secs(5), "took {took:?}");
}

/// Parsing and checking count against `--timeout` too: a 20 MB scrape cannot be parsed in
/// 20 ms, so the run stops at the deadline instead of answering late.
#[test]
fn the_timeout_covers_parsing_and_checking() {
    let mut text = String::from("# TYPE web_requests_total counter\n");
    for i in 0..600_000 {
        text.push_str(&format!(
            "web_requests_total{{code=\"2xx\",shard=\"{i}\"}} 1\n"
        ));
    }
    let path = scratch("slow-to-check.prom", text.as_bytes());
    let path = path.to_str().expect("UTF-8 path");
    let (out, took) = run(
        &[
            "check",
            "--component",
            "web",
            "--file",
            path,
            "--timeout",
            "0.02",
        ],
        Stdin::Null,
        Duration::from_secs(60),
    );
    assert_bad_input(&out, "within the --timeout of 20ms", "slow to check");
    assert!(took < Duration::from_secs(5), "took {took:?}");
    // Given the time, the same file is checked.
    let (out, _) = run(
        &[
            "check",
            "--component",
            "web",
            "--file",
            path,
            "--timeout",
            "600",
        ],
        Stdin::Null,
        Duration::from_secs(600),
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
}

/// An exporter that sends its body a byte at a time is cut off at the deadline.
#[test]
fn the_timeout_covers_a_slow_exporter() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}/metrics", listener.local_addr().expect("addr"));
    std::thread::spawn(move || {
        for stream in listener.incoming().take(3) {
            let Ok(mut stream) = stream else { continue };
            std::thread::spawn(move || {
                let mut head = [0u8; 4096];
                let _ = stream.read(&mut head);
                let _ = stream.write_all(
                    b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 100000\r\n\r\n",
                );
                for _ in 0..400 {
                    if stream.write_all(b"#").is_err() {
                        return;
                    }
                    std::thread::sleep(Duration::from_millis(50));
                }
            });
        }
    });
    let (out, took) = run(
        &[
            "check",
            "--component",
            "web",
            "--url",
            &url,
            "--timeout",
            "0.5",
        ],
        Stdin::Null,
        Duration::from_secs(20),
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(out.stdout.is_empty(), "{}", stdout(&out));
    assert!(
        took < Duration::from_secs(5),
        "took {took:?}: {}",
        stderr(&out)
    );
}

// ---- item 11: redirects, excerpts, control characters ---------------------------------------

/// Answers every connection with a redirect to `location`.
fn redirecting_to(location: &'static str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}/metrics", listener.local_addr().expect("addr"));
    std::thread::spawn(move || {
        for stream in listener.incoming().take(20) {
            let Ok(mut stream) = stream else { continue };
            let mut head = [0u8; 4096];
            let _ = stream.read(&mut head);
            let _ = write!(
                stream,
                "HTTP/1.1 302 Found\r\nlocation: {location}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
            );
        }
    });
    url
}

#[test]
fn a_redirect_to_another_scheme_is_reported_as_such() {
    let url = redirecting_to("file:///etc/passwd");
    let (out, _) = run(
        &["check", "--component", "web", "--url", &url],
        Stdin::Null,
        Duration::from_secs(20),
    );
    assert_bad_input(
        &out,
        "redirects (HTTP 302) to \"file:///etc/passwd\": `file:` is not HTTP; give the final http:// URL with --url",
        "redirect to file://",
    );
    assert!(!stderr(&out).contains("too many redirects"));
}

#[test]
fn a_nul_in_a_metric_name_is_named() {
    let path = scratch("nul.prom", b"web\0requests_total 1\n");
    let (out, _) = run(
        &[
            "check",
            "--component",
            "web",
            "--file",
            path.to_str().expect("UTF-8 path"),
        ],
        Stdin::Null,
        Duration::from_secs(20),
    );
    assert_bad_input(
        &out,
        "line 1: invalid character U+0000 (NUL) in the metric name `web` at column 4",
        "NUL in a name",
    );
}

/// A 1 MB value, name or label value never comes back whole: messages quote 80 characters.
#[test]
fn messages_quote_an_excerpt_of_the_input() {
    let long = "x".repeat(1 << 20);
    for (name, text) in [
        (
            "long-value.prom",
            format!("{COMPLIANT}web_requests_total {long}\n"),
        ),
        ("long-name.prom", format!("{long}\u{1} 1\n")),
        (
            "long-type.prom",
            format!("# TYPE web_requests_total {long}\n"),
        ),
    ] {
        let path = scratch(name, text.as_bytes());
        let (out, _) = run(
            &[
                "check",
                "--component",
                "web",
                "--file",
                path.to_str().expect("UTF-8 path"),
            ],
            Stdin::Null,
            Duration::from_secs(20),
        );
        assert_eq!(out.status.code(), Some(2), "{name}");
        assert!(
            out.stderr.len() < 600,
            "{name}: {} bytes of error",
            out.stderr.len()
        );
        assert!(stderr(&out).contains("xxx…"), "{name}: {}", stderr(&out));
    }
    // A finding quotes offending values the same way, in text and in JSON messages.
    let text = format!(
        "# TYPE web_requests_total counter\nweb_requests_total{{code=\"2xx\"}} 1\nweb_requests_total{{code=\"5xx\"}} 1\nweb_requests_total{{code=\"/{long}\"}} 1\n"
    );
    let path = scratch("long-label-value.prom", text.as_bytes());
    let path = path.to_str().expect("UTF-8 path");
    let (out, _) = run(
        &["check", "--component", "web", "--file", path],
        Stdin::Null,
        Duration::from_secs(20),
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    for line in stdout(&out).lines() {
        assert!(line.len() < 600, "a {}-byte report line", line.len());
    }
    let (out, _) = run(
        &[
            "check",
            "--component",
            "web",
            "--file",
            path,
            "--format",
            "json",
        ],
        Stdin::Null,
        Duration::from_secs(20),
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    let message = report["findings"][0]["message"].as_str().expect("message");
    assert!(message.len() < 600, "a {}-byte message", message.len());
}

// ---- catalogs and paths ----------------------------------------------------------------------

#[test]
fn a_catalog_with_a_control_character_or_a_bad_name_is_bad_input() {
    for (name, catalog, needle) in [
        (
            "catalog-nul-name",
            CATALOG.replace("web_requests_total", "web_requests\\u0000_total"),
            "family name \"web_requests\\0_total\" is not a Prometheus metric name: U+0000 (NUL) at column 13 of the name",
        ),
        (
            "catalog-esc-value",
            CATALOG.replace("\"2xx\"", "\"2\\u001bxx\""),
            "a value of label `code` of family `web_requests_total` \"2\\u{1b}xx\" holds the control character U+001B (a control character) at column 2",
        ),
        (
            "catalog-label-name",
            CATALOG.replace("\"name\": \"code\"", "\"name\": \"co-de\""),
            "label name \"co-de\" of family `web_requests_total` is not a Prometheus label name: `-` (U+002D) at column 3 of the name",
        ),
    ] {
        let path = scratch(name, catalog.as_bytes());
        let (out, _) = run(
            &[
                "--catalog",
                path.to_str().expect("UTF-8 path"),
                "check",
                "--file",
                "/dev/null",
            ],
            Stdin::Null,
            Duration::from_secs(20),
        );
        assert_bad_input(&out, needle, name);
    }
}

#[cfg(unix)]
#[test]
fn a_token_file_path_need_not_be_utf8() {
    use std::os::unix::ffi::OsStrExt;
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("checker_limits");
    std::fs::create_dir_all(&dir).expect("scratch dir");
    let path = dir.join(std::ffi::OsStr::from_bytes(b"token-\xff"));
    std::fs::write(&path, "s3cret\n").expect("token file");
    // Nothing listens on port 9: the token was read, and the error is the fetch's.
    let out = Command::new(env!("CARGO_BIN_EXE_metrics-tools"))
        .args([
            "--catalog",
            catalog(),
            "check",
            "--url",
            "http://127.0.0.1:9/metrics",
        ])
        .arg("--token-file")
        .arg(&path)
        .output()
        .expect("metrics-tools runs");
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(!err.contains("token"), "the token file was read: {err}");
    assert!(err.contains("127.0.0.1:9"), "{err}");
    // A missing one is named as the system shows it.
    let missing = dir.join(std::ffi::OsStr::from_bytes(b"missing-\xff"));
    let out = Command::new(env!("CARGO_BIN_EXE_metrics-tools"))
        .args([
            "--catalog",
            catalog(),
            "check",
            "--url",
            "http://127.0.0.1:9/metrics",
        ])
        .arg("--token-file")
        .arg(&missing)
        .output()
        .expect("metrics-tools runs");
    assert_bad_input(
        &out,
        &format!("cannot read {}", missing.display()),
        "missing",
    );
}

/// `--timeout` covers reading the catalog too: a catalog that is a FIFO nobody writes, or a
/// standard input that stalls, fails at the deadline (it used to wait forever, or until the
/// writer ended).
#[test]
fn the_timeout_covers_reading_the_catalog() {
    let scrape = scratch("catalog_timeout.txt", COMPLIANT.as_bytes());
    let scrape = scrape.to_str().expect("UTF-8 path");
    let fifo = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("checker_limits_catalog.fifo");
    let _ = std::fs::remove_file(&fifo);
    let made = Command::new("mkfifo").arg(&fifo).status();
    if made.is_ok_and(|s| s.success()) {
        let (out, took) = run(
            &[
                "--catalog",
                fifo.to_str().expect("UTF-8 path"),
                "check",
                "--file",
                scrape,
                "--timeout",
                "0.5",
            ],
            Stdin::Null,
            Duration::from_secs(20),
        );
        assert_bad_input(
            &out,
            "was not read within the --timeout of 500ms",
            "catalog FIFO",
        );
        assert!(took < Duration::from_secs(5), "took {took:?}");
        let _ = std::fs::remove_file(&fifo);
    } else {
        eprintln!("SKIPPED the FIFO: no mkfifo");
    }
    let (out, took) = run(
        &[
            "--catalog",
            "/dev/stdin",
            "coverage",
            "--file",
            scrape,
            "--timeout",
            "0.5",
        ],
        Stdin::Stalled,
        Duration::from_secs(20),
    );
    assert_bad_input(
        &out,
        "the catalog /dev/stdin was not read",
        "stalled catalog",
    );
    assert!(took < Duration::from_secs(5), "took {took:?}");
}

/// `diff --timeout` (10 s by default) covers reading the baseline and the catalog: a baseline
/// that is a FIFO nobody writes fails at the deadline (it used to wait forever).
#[test]
fn the_diff_timeout_covers_reading_the_baseline_and_the_catalog() {
    let catalog_file = catalog();
    let fifo = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("checker_limits_baseline.fifo");
    let _ = std::fs::remove_file(&fifo);
    let made = Command::new("mkfifo").arg(&fifo).status();
    if made.is_ok_and(|s| s.success()) {
        let fifo = fifo.to_str().expect("UTF-8 path");
        for args in [
            ["--catalog", catalog_file, "diff", "--baseline", fifo],
            ["--catalog", fifo, "diff", "--baseline", catalog_file],
        ] {
            let mut args = args.to_vec();
            args.extend(["--timeout", "0.5"]);
            let (out, took) = run(&args, Stdin::Null, Duration::from_secs(20));
            assert_bad_input(
                &out,
                "was not read within the --timeout of 500ms",
                "diff FIFO",
            );
            assert!(took < Duration::from_secs(5), "took {took:?}");
        }
        let _ = std::fs::remove_file(fifo);
    } else {
        eprintln!("SKIPPED the FIFO: no mkfifo");
    }
    // The same catalog as its own baseline: no change, exit 0.
    let (out, _) = run(
        &[
            "--catalog",
            catalog_file,
            "diff",
            "--baseline",
            catalog_file,
            "--timeout",
            "5",
        ],
        Stdin::Null,
        Duration::from_secs(20),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let (out, _) = run(
        &[
            "--catalog",
            catalog_file,
            "diff",
            "--baseline",
            catalog_file,
            "--timeout",
            "0",
        ],
        Stdin::Null,
        Duration::from_secs(20),
    );
    assert_bad_input(&out, "--timeout 0 is out of range", "diff --timeout 0");
}
