//! Push for batch jobs (`metrics_runtime::push`, feature `push`) against the real
//! Pushgateway (Debian's `prometheus-pushgateway`), started on a free loopback port with no
//! persistence file, and scraped every second by a real Prometheus with `honor_labels: true`
//! so the pushed `job` and grouping labels are kept. Through Prometheus' API: the pushed
//! values; `PUT` replaces the group, `POST` replaces the metrics of the same names only,
//! `DELETE` removes the group and leaves the others; grouping values with a `/` and empty
//! ones arrive as given. Against a gateway that requires basic auth: refused without the
//! credentials, accepted with them. A gateway nobody listens on is a clear error naming the
//! URL and the cause, after the bounded retries.
//!
//! Without the tools these print SKIPPED, unless `METRICS_REQUIRE_PROMETHEUS=1`.

// A panic is how a test fails.
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;
#[path = "common/servers.rs"]
mod servers;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use common::free_port;
use metrics_runtime::push::{Method, PushError, Pusher, Retry};
use metrics_runtime::{Format, LabelValue, MetricFamily, Registry};
use metrics_tests::{find_tool, http_get};
use servers::{Scratch, prometheus, pushgateway, query, wait_for};

/// How a backup ended.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
enum BackupResult {
    Ok,
    Failed,
}

/// Backups the batch job ran, by result.
#[derive(MetricFamily)]
#[metric(counter, name = "push_e2e_backups_total")]
struct Backups {
    result: BackupResult,
}

/// Bytes the last backup wrote.
#[derive(MetricFamily)]
#[metric(gauge, name = "push_e2e_backup_size_bytes", unit = "bytes")]
struct BackupSize;

/// Time the backup took.
#[derive(MetricFamily)]
#[metric(
    histogram,
    name = "push_e2e_backup_duration_seconds",
    unit = "seconds",
    buckets = [1.0, 10.0, 60.0]
)]
struct BackupDuration;

const WAIT: Duration = Duration::from_secs(60);

/// Few, quick retries: a test waits for nothing.
fn quick() -> Retry {
    Retry {
        attempts: 3,
        backoff: Duration::from_millis(50),
        max_backoff: Duration::from_millis(200),
    }
}

/// The value of the one series `q` selects through Prometheus, or `None`.
fn value(prom: SocketAddr, q: &str) -> Option<f64> {
    let found = query(prom, q);
    assert!(found.len() <= 1, "{q}: {found:?}");
    found.first().map(servers::Series::value)
}

/// Waits until Prometheus reads `expected` for `q` (`None`: no series).
fn wait_value(prom: SocketAddr, q: &str, expected: Option<f64>) {
    wait_for(
        &format!("{q} = {expected:?}"),
        WAIT,
        || format!("now {:?}", query(prom, q)),
        || value(prom, q) == expected,
    );
}

#[test]
fn a_batch_job_pushes_and_prometheus_reads_it_through_the_gateway() {
    const NAME: &str = "a_batch_job_pushes_and_prometheus_reads_it_through_the_gateway";
    let Some(gateway_bin) = find_tool("prometheus-pushgateway", NAME) else {
        return;
    };
    let Some(prometheus_bin) = find_tool("prometheus", NAME) else {
        return;
    };
    let dir = Scratch::new("push");
    let gateway = pushgateway(&gateway_bin, "pushgateway", dir.path(), &[], &[]);
    let prom = prometheus(
        &prometheus_bin,
        "prometheus",
        dir.path(),
        &format!(
            "global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: pushgateway\n    honor_labels: true\n    static_configs:\n      - targets: ['{}']\n",
            gateway.addr
        ),
        &[],
    );
    let url = format!("http://{}", gateway.addr);

    // The job's work, then its push: every family of the registry, by the scrape encoder.
    let mut full = Registry::new();
    full.register::<Backups>().unwrap();
    full.register::<BackupSize>().unwrap();
    full.register::<BackupDuration>().unwrap();
    let mut counts = Registry::new();
    counts.register::<Backups>().unwrap();
    Backups {
        result: BackupResult::Ok,
    }
    .inc_by(3);
    Backups {
        result: BackupResult::Failed,
    }
    .inc();
    BackupSize.set(1.5e9);
    BackupDuration.observe(42.0);

    let db1 = Pusher::new(&url, "backup")
        .unwrap()
        .grouping("instance", "db-1")
        .unwrap()
        .grouping("volume", "/var/lib/db")
        .unwrap()
        .retry(quick());
    assert_eq!(
        db1.url(),
        format!("{url}/metrics/job/backup/instance/db-1/volume@base64/L3Zhci9saWIvZGI=")
    );
    db1.push(&full).unwrap();
    let group = r#"job="backup",instance="db-1",volume="/var/lib/db""#;
    let ok = format!(r#"push_e2e_backups_total{{{group},result="ok"}}"#);
    let size = format!("push_e2e_backup_size_bytes{{{group}}}");
    wait_value(prom.addr, &ok, Some(3.0));
    assert_eq!(
        value(
            prom.addr,
            &format!(r#"push_e2e_backups_total{{{group},result="failed"}}"#)
        ),
        Some(1.0)
    );
    assert_eq!(value(prom.addr, &size), Some(1.5e9));
    assert_eq!(
        value(
            prom.addr,
            &format!(r#"push_e2e_backup_duration_seconds_bucket{{{group},le="60"}}"#)
        ),
        Some(1.0)
    );
    // The gateway's own record of the push, and the scrape job's name kept apart: with
    // `honor_labels: true` the pushed `job` wins.
    assert!(value(prom.addr, &format!("push_time_seconds{{{group}}}")).is_some());
    assert!(query(prom.addr, r#"push_e2e_backups_total{job="pushgateway"}"#).is_empty());

    // POST replaces the metrics of the same names and keeps the group's others.
    Backups {
        result: BackupResult::Ok,
    }
    .inc();
    db1.push_add(&counts).unwrap();
    wait_value(prom.addr, &ok, Some(4.0));
    assert_eq!(
        value(prom.addr, &size),
        Some(1.5e9),
        "POST keeps the others"
    );

    // PUT replaces the whole group: what this push lacks is gone.
    db1.push(&counts).unwrap();
    wait_value(prom.addr, &size, None);
    assert_eq!(value(prom.addr, &ok), Some(4.0));

    // A second group of the same job, with an empty grouping value (sent as `=`, which
    // Prometheus shows as no label).
    let db2 = Pusher::new(&url, "backup")
        .unwrap()
        .grouping("instance", "db-2")
        .unwrap()
        .grouping("volume", "")
        .unwrap()
        .retry(quick());
    assert!(db2.url().ends_with("/instance/db-2/volume@base64/="));
    db2.push(&full).unwrap();
    let db2_ok = r#"push_e2e_backups_total{job="backup",instance="db-2",volume="",result="ok"}"#;
    wait_value(prom.addr, db2_ok, Some(4.0));

    // DELETE removes that group, and only it.
    db1.delete().unwrap();
    wait_value(prom.addr, &ok, None);
    assert_eq!(value(prom.addr, db2_ok), Some(4.0));

    // Protobuf, when the registry writes it (feature `protobuf`): the same values arrive.
    if full.format_for(Format::Protobuf) == Format::Protobuf {
        let db3 = Pusher::new(&url, "backup")
            .unwrap()
            .grouping("instance", "db-3")
            .unwrap()
            .format(Format::Protobuf)
            .retry(quick());
        db3.push(&full).unwrap();
        wait_value(
            prom.addr,
            r#"push_e2e_backup_size_bytes{job="backup",instance="db-3"}"#,
            Some(1.5e9),
        );
    }
}

#[test]
fn basic_auth_is_refused_without_the_credentials_and_accepted_with_them() {
    const NAME: &str = "basic_auth_is_refused_without_the_credentials_and_accepted_with_them";
    let Some(gateway_bin) = find_tool("prometheus-pushgateway", NAME) else {
        return;
    };
    let dir = Scratch::new("push-auth");
    // bcrypt (cost 4) of `push-pass`, as the exporter toolkit's web config takes it.
    let web = dir.path().join("web.yml");
    std::fs::write(
        &web,
        "basic_auth_users:\n  pusher: $2b$04$OncntwFj.SapMpdvy1tsoe.QmPydx4XPnuwIb7yf9fjhXptLOvY7m\n",
    )
    .unwrap();
    // `pusher:push-pass`
    let credentials = "Authorization: Basic cHVzaGVyOnB1c2gtcGFzcw==";
    let gateway = pushgateway(
        &gateway_bin,
        "pushgateway-auth",
        dir.path(),
        &[format!("--web.config.file={}", web.display())],
        &[credentials],
    );
    let url = format!("http://{}", gateway.addr);
    let mut registry = Registry::new();
    registry.register::<Backups>().unwrap();
    let pusher = || Pusher::new(&url, "auth_job").unwrap().retry(quick());
    for (what, p) in [
        ("no credentials", pusher()),
        ("a wrong password", pusher().basic_auth("pusher", "wrong")),
    ] {
        match p.push(&registry) {
            Err(PushError::Rejected {
                status: 401,
                attempts: 1,
                method: Method::Put,
                ..
            }) => {}
            other => panic!("{what}: {other:?}"),
        }
    }
    pusher()
        .basic_auth("pusher", "push-pass")
        .push(&registry)
        .unwrap();
    let exposed = http_get(gateway.addr, "/metrics", &[credentials]).unwrap();
    assert_eq!(exposed.status, 200);
    assert!(
        exposed
            .body
            .lines()
            .any(|l| l.starts_with("push_e2e_backups_total{") && l.contains("job=\"auth_job\"")),
        "{}",
        exposed.body
    );
}

#[test]
fn an_unreachable_gateway_is_a_clear_error_after_bounded_retries() {
    // Nobody listens there: connection refused at once, three tries 50 and 100 ms apart.
    let addr = free_port();
    let started = Instant::now();
    let err = Pusher::new(&format!("http://{addr}"), "backup")
        .unwrap()
        .grouping("instance", "db-1")
        .unwrap()
        .timeout(Duration::from_secs(2))
        .retry(quick())
        .push(&Registry::new())
        .unwrap_err();
    let elapsed = started.elapsed();
    match &err {
        PushError::Unreachable {
            url,
            method: Method::Put,
            attempts: 3,
            cause,
        } => {
            assert_eq!(
                url,
                &format!("http://{addr}/metrics/job/backup/instance/db-1")
            );
            assert!(cause.to_lowercase().contains("refused"), "{cause}");
        }
        other => panic!("{other:?}"),
    }
    let message = err.to_string();
    assert!(
        message.starts_with(&format!(
            "cannot push to http://{addr}/metrics/job/backup/instance/db-1 (PUT, 3 tries): "
        )),
        "{message}"
    );
    assert!(
        elapsed >= Duration::from_millis(150) && elapsed < Duration::from_secs(5),
        "{elapsed:?}"
    );
}
