//! A real Prometheus server (Debian package `prometheus`) scrapes `metrics-demo serve` on
//! 127.0.0.1 with a bearer token every second; its target is healthy and PromQL over its HTTP
//! API returns what the simulated workload recorded.

// A panic is how a test fails.
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use std::net::SocketAddr;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{Killed, free_port, start_serve};
use metrics_tests::{find_tool, http_get};

fn encode(q: &str) -> String {
    q.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Runs an instant query and returns the values of its vector result.
fn query(prom: SocketAddr, q: &str) -> Vec<(serde_json::Value, f64)> {
    let r = http_get(prom, &format!("/api/v1/query?query={}", encode(q)), &[])
        .expect("prometheus answers");
    assert_eq!(r.status, 200, "{q}: {}", r.body);
    let v: serde_json::Value = serde_json::from_str(&r.body).expect("json");
    v["data"]["result"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|s| {
                    (
                        s["metric"].clone(),
                        s["value"][1]
                            .as_str()
                            .and_then(|x| x.parse().ok())
                            .unwrap_or(f64::NAN),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn wait_for(what: &str, timeout: Duration, mut f: impl FnMut() -> bool) {
    let start = Instant::now();
    while !f() {
        assert!(start.elapsed() < timeout, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn serve_without_flags_answers_loopback_and_refuses_without_token_when_set() {
    let addr = free_port();
    let _serve = start_serve(addr, &[]);
    let r = http_get(addr, "/metrics", &[]).expect("http");
    assert_eq!(r.status, 200);
    assert!(
        r.body
            .contains("# TYPE trc_scheduler_unschedulable_total counter")
    );

    let addr = free_port();
    let _serve = start_serve(addr, &["--token", "e2e-token"]);
    assert_eq!(http_get(addr, "/metrics", &[]).expect("http").status, 401);
    assert_eq!(
        http_get(addr, "/metrics", &["Authorization: Bearer e2e-token"])
            .expect("http")
            .status,
        200
    );
}

#[test]
fn real_prometheus_scrapes_serve_and_promql_agrees_with_the_workload() {
    let Some(prometheus) = find_tool(
        "prometheus",
        "real_prometheus_scrapes_serve_and_promql_agrees_with_the_workload",
    ) else {
        return;
    };
    let token = "e2e-s3cret-token";
    let target = free_port();
    let _serve = start_serve(target, &["--token", token]);

    let dir = std::env::temp_dir().join(format!("metrics-e2e-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("data")).expect("temp dir");
    let config = format!(
        "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: catalog\n    authorization:\n      type: Bearer\n      credentials: {token}\n    static_configs:\n      - targets: ['{target}']\n"
    );
    std::fs::write(dir.join("prometheus.yml"), config).expect("config written");
    let prom = free_port();
    let _prometheus = Killed(
        Command::new(prometheus)
            .arg(format!(
                "--config.file={}",
                dir.join("prometheus.yml").display()
            ))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.join("data").display()
            ))
            .arg(format!("--web.listen-address={prom}"))
            .arg("--log.level=warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("prometheus starts"),
    );
    wait_for("prometheus to be ready", Duration::from_secs(60), || {
        http_get(prom, "/-/ready", &[]).is_ok_and(|r| r.status == 200)
    });
    wait_for("the target to be up", Duration::from_secs(60), || {
        query(prom, "up{job=\"catalog\"}")
            .first()
            .is_some_and(|(_, v)| *v == 1.0)
    });
    // Enough samples for rate() over 5 s windows.
    wait_for("a few scrapes", Duration::from_secs(60), || {
        query(prom, "count_over_time(up{job=\"catalog\"}[1m])")
            .first()
            .is_some_and(|(_, v)| *v >= 7.0)
    });

    let targets = http_get(prom, "/api/v1/targets", &[]).expect("targets");
    let t: serde_json::Value = serde_json::from_str(&targets.body).expect("json");
    let active = &t["data"]["activeTargets"][0];
    assert_eq!(active["health"], "up", "{}", targets.body);
    assert_eq!(active["lastError"], "", "{}", targets.body);

    // Prometheus asks for OpenMetrics first, and the exporter served it.
    let om = query(
        prom,
        "metrics_runtime_scrapes_total{format=\"openmetrics\"}",
    );
    assert!(
        om.first().is_some_and(|(_, v)| *v >= 3.0),
        "OpenMetrics scrapes: {om:?}"
    );
    // Every unschedulable reason is exposed from the start; six series.
    assert_eq!(
        query(prom, "count(trc_scheduler_unschedulable_total)")[0].1,
        6.0
    );
    // The workload ticks every 50 ms and sends one GET /v1/orgs per tick: about 20/s.
    let rate = query(
        prom,
        "sum(rate(trc_http_requests_total{path_template=\"/v1/orgs\",method=\"get\"}[5s]))",
    )[0]
    .1;
    assert!(
        (5.0..=40.0).contains(&rate),
        "rate of GET /v1/orgs = {rate}/s, expected about 20"
    );
    // Unknown paths are counted under one fixed value, never their raw path: the workload's
    // one GET of an unknown path per tick, about 20/s (the scrapes of /metrics are not API
    // traffic and are not counted).
    let unmatched = query(
        prom,
        "sum(rate(trc_http_requests_total{path_template=\"unmatched\"}[5s]))",
    )[0]
    .1;
    assert!(
        (5.0..=40.0).contains(&unmatched),
        "rate of unmatched requests = {unmatched}/s, expected about 20"
    );
    assert!(query(prom, "count({path_template=~\".*does-not-exist.*\"})").is_empty());
    // Group reconcile durations cycle through 10..100 ms: p95 lies in the (0.05, 0.1] bucket.
    let p95 = query(
        prom,
        "histogram_quantile(0.95, sum by (le) (rate(trc_scheduler_group_reconcile_duration_seconds_bucket[5s])))",
    )[0]
    .1;
    assert!(p95 > 0.05 && p95 <= 0.1, "p95 = {p95}");
    let p50 = query(
        prom,
        "histogram_quantile(0.5, sum by (le) (rate(trc_scheduler_group_reconcile_duration_seconds_bucket[5s])))",
    )[0]
    .1;
    // Half the values are at most 50 ms; windowed rates blur the edge a little.
    assert!(p50 > 0.025 && p50 < 0.075, "p50 = {p50}");
    let _ = std::fs::remove_dir_all(Path::new(&dir));
}
