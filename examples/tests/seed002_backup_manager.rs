//! Seed 002: the golden exposition of a fixed fleet of three hosts (insta, then
//! `promtool check metrics`), info-style families with exactly one series at 1 per host, the
//! `host` waiver, the auth gate over real HTTP, and the generated Grafana dashboard.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::SocketAddr;
use std::sync::Once;

use metrics_examples::samples_of;
use metrics_examples::seed002_backup_manager::{self as rm, HOST_WAIVER};
use metrics_runtime::{BuildInfo, MetricFamily, MetricKind};
use metrics_tests::http_get;
use metrics_tools::dashboard;

/// Records the fixed fleet once per process: every test of this file reads the same values,
/// and the hosts are interned in one order, so the golden text is stable.
fn fleet() {
    static FLEET: Once = Once::new();
    FLEET.call_once(rm::record_demo);
}

fn build() -> BuildInfo {
    BuildInfo {
        version: "0.1.0".into(),
        commit: "0123abc".into(),
        rustc: "1.85.0".into(),
    }
}

#[test]
fn golden_exposition_of_three_hosts() {
    fleet();
    let text = rm::registry(build()).unwrap().encode_text();
    insta::assert_snapshot!("seed002_exposition", text);
    if let Some((ok, printed)) =
        metrics_tests::promtool_check_metrics(&text, "seed002 golden_exposition_of_three_hosts")
    {
        assert!(ok && printed.trim().is_empty(), "{printed}");
    }
}

#[test]
fn info_style_families_have_exactly_one_series_at_one_per_host() {
    fleet();
    let text = rm::registry(build()).unwrap().encode_text();
    for family in ["rm_host_repo_status", "rm_host_last_backup_status"] {
        for host in ["nas-01", "web-01", "laptop-03"] {
            let at_one: Vec<&str> = samples_of(&text, family)
                .into_iter()
                .filter(|l| l.contains(&format!("host=\"{host}\",")) && l.ends_with(" 1"))
                .collect();
            assert_eq!(at_one.len(), 1, "{family} {host}: {at_one:?}");
        }
    }
    assert!(text.contains("rm_host_repo_status{host=\"laptop-03\",status=\"init_failed\"} 1\n"));
    assert!(text.contains("rm_host_last_backup_status{host=\"laptop-03\",status=\"none\"} 1\n"));
    assert!(text.contains("rm_hosts 3\n") && text.contains("rm_hosts_online 2\n"));
}

#[test]
fn host_is_a_waived_capped_label_on_every_per_host_family() {
    let per_host: Vec<_> = rm::SEED
        .families()
        .map(|f| f.descriptor())
        .filter(|d| d.labels.iter().any(|l| l.name == "host"))
        .collect();
    assert_eq!(per_host.len(), 7);
    for d in per_host {
        let host = d.labels.iter().find(|l| l.name == "host").unwrap();
        assert_eq!(host.waiver, Some(HOST_WAIVER), "{}", d.name);
        assert_eq!(host.cap, Some(128), "{}", d.name);
        assert_eq!(d.kind, MetricKind::Gauge);
    }
    let jobs = rm::JobDuration::DESCRIPTOR;
    assert_eq!(
        jobs.buckets,
        [
            1.0, 5.0, 30.0, 60.0, 300.0, 1800.0, 3600.0, 21600.0, 86400.0
        ]
    );
}

fn serve(vars: &[(&str, &str)]) -> SocketAddr {
    let config = rm::config(vars.iter().map(|(k, v)| (k.to_string(), v.to_string()))).unwrap();
    let app = rm::app(&config).unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            tx.send(listener.local_addr().expect("addr")).expect("send");
            let _ = metrics_runtime::http::serve(listener, app, std::future::pending()).await;
        });
    });
    rx.recv().expect("server started")
}

#[test]
fn served_only_behind_the_gate() {
    fleet();
    let bearer = "Authorization: Bearer t0ken";
    // Neither switch set: the route is not mounted.
    assert_eq!(http_get(serve(&[]), "/metrics", &[]).unwrap().status, 404);
    // Token only.
    let addr = serve(&[("RM_METRICS_TOKEN", "t0ken")]);
    assert_eq!(http_get(addr, "/metrics", &[]).unwrap().status, 401);
    assert_eq!(
        http_get(addr, "/metrics", &["Authorization: Bearer nope"])
            .unwrap()
            .status,
        401
    );
    let ok = http_get(addr, "/metrics", &[bearer]).unwrap();
    assert_eq!(ok.status, 200);
    assert!(ok.body.contains("rm_hosts 3\n"), "{}", ok.body);
    assert!(ok.body.contains("rm_build_info{"), "{}", ok.body);
    // CIDR only (the runtime answers 403 to a source outside, where the seed said 401).
    let inside = serve(&[("RM_METRICS_TRUSTED_CIDR", "10.0.0.0/8,127.0.0.0/8")]);
    assert_eq!(http_get(inside, "/metrics", &[]).unwrap().status, 200);
    let outside = serve(&[("RM_METRICS_TRUSTED_CIDR", "10.0.0.0/8")]);
    assert_eq!(http_get(outside, "/metrics", &[]).unwrap().status, 403);
    // Both: both must pass.
    let both = serve(&[
        ("RM_METRICS_TOKEN", "t0ken"),
        ("RM_METRICS_TRUSTED_CIDR", "127.0.0.0/8"),
    ]);
    assert_eq!(http_get(both, "/metrics", &[]).unwrap().status, 401);
    assert_eq!(http_get(both, "/metrics", &[bearer]).unwrap().status, 200);
    // Behind a trusted proxy, the forwarded client decides.
    let proxied = serve(&[
        ("RM_METRICS_TRUSTED_CIDR", "10.0.0.0/8"),
        ("RM_TRUSTED_PROXY", "127.0.0.1"),
    ]);
    assert_eq!(
        http_get(proxied, "/metrics", &["X-Forwarded-For: 10.1.2.3"])
            .unwrap()
            .status,
        200
    );
    // A bad value names the seed's variable's runtime key.
    assert!(rm::config([("RM_METRICS_TRUSTED_CIDR".into(), "10.0.0.0/33".into())]).is_err());
}

/// Where the generated dashboard is committed.
const DASHBOARD: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/dashboards/restic-manager.json"
);

#[test]
fn grafana_dashboard_is_generated_from_the_descriptors() {
    let dashboard = rm::dashboard();
    let exprs = dashboard::expressions(&dashboard);
    // The seed's six panels, then one per family (rows aside).
    let titles: Vec<&str> = dashboard["panels"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["type"] != "row")
        .filter_map(|p| p["title"].as_str())
        .collect();
    assert_eq!(
        &titles[..6],
        [
            "Fleet status",
            "Open alerts",
            "Hosts",
            "Repo size over time",
            "Backups failing",
            "Job duration p95"
        ]
    );
    let names: Vec<&str> = rm::SEED.families().map(|f| f.name()).collect();
    for name in &names {
        assert!(
            exprs.iter().any(|e| e.contains(name)),
            "no panel shows {name}"
        );
    }
    // Every metric a query names is a declared family (or its histogram series).
    for e in &exprs {
        for word in e.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
            if let Some(base) = word.strip_prefix("rm_") {
                let base = format!("rm_{base}");
                let family = base.strip_suffix("_bucket").unwrap_or(&base);
                assert!(
                    names.contains(&family),
                    "{e} names {word}, which is not declared"
                );
            }
        }
    }
    // Every query is valid PromQL: promtool checks them as recording rules.
    if let Some(promtool) =
        metrics_tests::find_tool("promtool", "seed002 grafana_dashboard_is_generated")
    {
        let mut rules = String::from("groups:\n  - name: dashboard\n    rules:\n");
        for (i, e) in exprs.iter().enumerate() {
            rules.push_str(&format!(
                "      - record: dashboard:panel_{i}\n        expr: {}\n",
                serde_json::to_string(&dashboard::as_promql(e)).unwrap()
            ));
        }
        let path = std::env::temp_dir().join(format!("rm-dashboard-{}.yml", std::process::id()));
        std::fs::write(&path, rules).unwrap();
        let out = std::process::Command::new(promtool)
            .args(["check", "rules"])
            .arg(&path)
            .output()
            .unwrap();
        let _ = std::fs::remove_file(&path);
        assert!(
            out.status.success(),
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // The committed file is what the generator writes (UPDATE_DASHBOARDS=1 rewrites it).
    let generated = serde_json::to_string_pretty(&dashboard).unwrap() + "\n";
    if std::env::var("UPDATE_DASHBOARDS").is_ok_and(|v| v == "1") {
        std::fs::create_dir_all(std::path::Path::new(DASHBOARD).parent().unwrap()).unwrap();
        std::fs::write(DASHBOARD, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(DASHBOARD).unwrap_or_default();
    assert!(
        committed == generated,
        "{DASHBOARD} is out of date: run `UPDATE_DASHBOARDS=1 cargo test -p metrics-examples --test seed002_backup_manager`"
    );
}
