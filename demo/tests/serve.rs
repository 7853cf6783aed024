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
