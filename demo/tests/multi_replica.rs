//! Past one machine, with real servers only. Three replicas of `metrics-demo serve` on
//! loopback ports (each its own `instance`, ticking at different speeds so each one's share
//! of a sum differs) are scraped by a Prometheus in agent mode (`--enable-feature=agent`),
//! which remote-writes everything to a central Prometheus
//! (`--web.enable-remote-write-receiver`) holding the rules `metrics-demo rules` generates,
//! evaluated every second: the shape in which Thanos, Mimir or Cortex receive a fleet.
//!
//! On the central server, through its HTTP API:
//!
//! - every recording rule that folds instances (`sum without (instance ...)`,
//!   `max without (instance)`) equals the sum (or max) over the replicas of the raw series it
//!   reads, queried on the central server too, label set by label set ([`check_aggregation`]
//!   says how the two are compared, and within which tolerance); no recorded series keeps
//!   `instance`, and the agent's `external_labels` survive every rule;
//! - the error-ratio alert fires when one replica of three answers errors (`--server-errors`);
//! - a replica that stops shows up as `up == 0` and the generated `<Component>TargetDown`
//!   alerts, and the aggregates keep holding over what remains.
//!
//! The generated alerts' `for:` durations are shortened to 2 s in the loaded copy, so the
//! test runs in well under a minute; their expressions are exactly as generated.
//!
//! `a_rule_that_forgets_to_aggregate_fails_the_check` is the test of this test: the same
//! check, against rules rewritten to forget their `sum without (instance)` (or to take a
//! `max` where the sum belongs), fails.
//!
//! Without `prometheus` on PATH these print SKIPPED, unless `METRICS_REQUIRE_PROMETHEUS=1`.

// A panic is how a test fails.
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;
#[path = "common/servers.rs"]
mod servers;

use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::path::Path;
use std::time::{Duration, Instant};

use common::{Killed, free_port, run, start_serve_ticking};
use metrics_tests::find_tool;
use servers::{Scratch, Server, alerts, now, prometheus, query, try_query, wait_for};

/// The central server's evaluation interval, in seconds.
const EVALUATION_INTERVAL: f64 = 1.0;

/// The agent's scrape interval, in seconds: five evaluations per scrape. A replica's scrape
/// reaches the central server a little after its timestamp (the scrape itself, the agent's
/// write-ahead log, the remote-write batch: tens of milliseconds, more on a busy machine),
/// and an evaluation in that gap runs without it. Scrape and evaluation offsets are fixed,
/// so with one scrape per evaluation the same replica's sample may be missed at every
/// evaluation; with five, most evaluations come after every replica's latest scrape has
/// arrived, and [`check_aggregation`] compares at one of those.
const SCRAPE_INTERVAL: f64 = 5.0;

/// How far a recorded value may be from the sum (or max) over the replicas of the raw series
/// it reads, relative to it: rounding only (a sum adds its series in any order), because the
/// comparison is made at an evaluation that saw every replica's latest sample, where rule
/// and query compute the same thing from the same samples. A tolerance for a late sample
/// instead would have to be wide: a rate over a young window moves by up to one scrape's
/// share of the window (a fifth with five samples), close to what a rule that reads one
/// replica too few is off by.
const TOLERANCE: f64 = 1e-9;

/// How many of a rule's latest evaluations [`check_aggregation`] looks through for one that
/// had every replica's latest sample: four scrapes' worth.
const EVALUATIONS: usize = 20;

/// Scrapes of each replica before anything is checked.
const MIN_SAMPLES: usize = 4;

/// Milliseconds between workload ticks per replica: 20, 10 and 5 ticks a second, so the
/// slowest replica is 1/7 of a sum and a rule reading one replica, or the max of them,
/// cannot pass for their sum.
const REPLICAS: [u64; 3] = [50, 100, 200];

/// How long any wait for the servers may take.
const WAIT: Duration = Duration::from_secs(90);

/// The job the agent scrapes the replicas as.
const JOB: &str = "trc";

/// The agent's `external_labels`, which every recorded series must keep.
const EXTERNAL_LABEL: (&str, &str) = ("cluster", "e2e");

/// One cluster at a time: two would share the machine's cores with ten servers, and slow
/// the remote write whose delay [`check_aggregation`] waits out.
static ONE_CLUSTER: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// The generated rules, as `metrics-demo rules` prints them.
fn generated_rules() -> String {
    let out = run(&["rules"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// The rules with every alert's `for:` shortened to 2 s; nothing else changes.
fn with_short_for(rules: &str) -> String {
    let mut out = String::with_capacity(rules.len());
    for line in rules.lines() {
        if line.trim_start().starts_with("for: ") {
            out.push_str("        for: 2s");
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

/// A recording rule that folds instances: `<op> without (<labels>) (<inner>)`.
#[derive(Debug, Clone)]
struct Aggregation {
    record: String,
    op: Op,
    without: Vec<String>,
    inner: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Sum,
    Max,
}

/// Every recording rule of a rules file (as `metrics-demo rules` writes it: `- record:`
/// then `expr:`, single-quoted) whose expression folds `instance` away.
fn aggregations(rules: &str) -> Vec<Aggregation> {
    let mut out = Vec::new();
    let mut lines = rules.lines();
    while let Some(line) = lines.next() {
        let Some(record) = line.trim_start().strip_prefix("- record: ") else {
            continue;
        };
        let expr = lines
            .next()
            .and_then(|l| l.trim_start().strip_prefix("expr: '"))
            .and_then(|e| e.strip_suffix('\''))
            .map(|e| e.replace("''", "'"))
            .unwrap_or_else(|| panic!("{record}: no expr line"));
        let (op, rest) = if let Some(rest) = expr.strip_prefix("sum without (") {
            (Op::Sum, rest)
        } else if let Some(rest) = expr.strip_prefix("max without (") {
            (Op::Max, rest)
        } else {
            continue;
        };
        let (labels, inner) = rest.split_once(") (").expect("`without (...) (`");
        let without: Vec<String> = labels.split(", ").map(str::to_string).collect();
        if !without.iter().any(|l| l == "instance") {
            continue;
        }
        out.push(Aggregation {
            record: record.to_string(),
            op,
            without,
            inner: inner.strip_suffix(')').expect("closing `)`").to_string(),
        });
    }
    out
}

/// What one comparison found.
#[derive(Debug, Default, Clone, Copy)]
struct Checked {
    /// Label sets compared.
    label_sets: usize,
    /// Replicas that contributed a non-zero value to some label set.
    replicas_contributing: usize,
    /// How many evaluations back the one that matched was (0: the latest at least 2 s old).
    evaluations_back: usize,
}

/// Why an evaluation did not match.
enum Miss {
    /// Wrong whatever the timing: a recorded series keeps `instance`.
    Shape(String),
    /// A value or a label set differs at this evaluation.
    Value(String),
}

/// A series' labels without its name and `drop`.
fn key(labels: &BTreeMap<String, String>, drop: &[String]) -> BTreeMap<String, String> {
    let mut key = labels.clone();
    key.remove("__name__");
    for l in drop {
        key.remove(l);
    }
    key
}

/// Compares a recorded aggregate with the replicas' raw series, both read on the central
/// server, at one of the rule's evaluations.
///
/// Remote write delivers a replica's scrape some milliseconds after its timestamp; a rule
/// evaluated in between ran without that sample, and differs from what the same expression
/// gives later at the same timestamp by a sample's worth. So the check looks through the
/// rule's latest [`EVALUATIONS`] evaluations at least 2 s old (every sample up to them has
/// arrived by then) for one at which, label set by label set, the recorded value equals the
/// sum (or max) over the replicas of the rule's inner expression evaluated at the
/// evaluation's timestamp, within [`TOLERANCE`]. An evaluation that ran after every
/// replica's latest sample had arrived gives exactly that; a rule that aggregates wrongly
/// matches none.
///
/// Only evaluations after `since` (Unix seconds) count.
///
/// Err names the rule and the label set: a recorded series that keeps `instance` (at once),
/// or the last mismatch (a label set on one side only, a value) when no evaluation matched.
fn check_aggregation(prom: SocketAddr, a: &Aggregation, since: f64) -> Result<Checked, String> {
    let record = &a.record;
    let now = now();
    let recent = try_query(prom, &format!("{record}[{}s]", EVALUATIONS + 10), Some(now))?;
    let mut times: Vec<f64> = recent
        .iter()
        .flat_map(|s| s.samples.iter().map(|(t, _)| *t))
        .filter(|t| *t <= now - 2.0 && *t > since)
        .collect();
    times.sort_by(|x, y| y.total_cmp(x));
    times.dedup();
    let mut last = format!("{record}: not evaluated in the last {} s", EVALUATIONS + 10);
    for (back, t) in times.iter().take(EVALUATIONS).enumerate() {
        match compare_at(prom, a, &recent, *t) {
            Ok(checked) => {
                return Ok(Checked {
                    evaluations_back: back,
                    ..checked
                });
            }
            Err(Miss::Shape(e)) => return Err(e),
            Err(Miss::Value(e)) => last = e,
        }
    }
    Err(format!(
        "no evaluation of the last {} matches the replicas; the latest mismatch: {last}",
        times.len().min(EVALUATIONS)
    ))
}

/// [`check_aggregation`] at the evaluation at `t`, whose recorded samples are in `recent`.
fn compare_at(
    prom: SocketAddr,
    a: &Aggregation,
    recent: &[servers::Series],
    t: f64,
) -> Result<Checked, Miss> {
    let record = &a.record;
    let mut recorded = BTreeMap::new();
    for s in recent {
        if s.labels.contains_key("instance") {
            return Err(Miss::Shape(format!(
                "{record}{:?}: the recorded series keeps `instance`: the rule did not aggregate across instances",
                s.labels
            )));
        }
        if let Some((_, v)) = s.samples.iter().find(|(at, _)| *at == t) {
            recorded.insert(key(&s.labels, &[]), *v);
        }
    }
    // label set -> (the op over every replica's series, replicas with a non-zero value)
    let mut raw: BTreeMap<BTreeMap<String, String>, (f64, BTreeSet<String>)> = BTreeMap::new();
    for s in try_query(prom, &a.inner, Some(t)).map_err(Miss::Value)? {
        let (v, replicas) = raw
            .entry(key(&s.labels, &a.without))
            .or_insert((f64::NAN, BTreeSet::new()));
        *v = match (v.is_nan(), a.op) {
            (true, _) => s.value(),
            (false, Op::Sum) => *v + s.value(),
            (false, Op::Max) => v.max(s.value()),
        };
        if s.value() != 0.0 {
            replicas.insert(s.label("instance").to_string());
        }
    }
    let mut contributing = BTreeSet::new();
    for (k, (expected, replicas)) in &raw {
        let Some(value) = recorded.get(k) else {
            return Err(Miss::Value(format!(
                "{record}{k:?}: no recorded series at {t}, while the replicas' {:?} is {expected}",
                a.op
            )));
        };
        if (value - expected).abs() > TOLERANCE * expected.abs().max(1e-12) {
            return Err(Miss::Value(format!(
                "{record}{k:?} = {value} at {t}, but the {:?} over the replicas ({replicas:?} non-zero) is {expected}",
                a.op
            )));
        }
        contributing.extend(replicas.iter().cloned());
    }
    if let Some(k) = recorded.keys().find(|k| !raw.contains_key(*k)) {
        return Err(Miss::Value(format!(
            "{record}{k:?}: recorded at {t} with no raw series behind it"
        )));
    }
    Ok(Checked {
        label_sets: raw.len(),
        replicas_contributing: contributing.len(),
        evaluations_back: 0,
    })
}

/// Three replicas, the agent and the central server, all killed (and the scratch directory
/// removed) when dropped.
struct Cluster {
    replicas: Vec<Option<Killed>>,
    targets: Vec<SocketAddr>,
    agent: Server,
    central: Server,
    /// When every replica had [`MIN_SAMPLES`] on the central server (Unix seconds): the
    /// evaluations compared come after it, when every replica's rates are under way.
    ready_at: f64,
    // Last: removed after every process is gone.
    _dir: Scratch,
}

impl Cluster {
    /// Starts the central server with `rules`, the replicas (the first with
    /// `--server-errors` when `server_errors`), then the agent; returns once every replica
    /// is up on the central server with [`MIN_SAMPLES`] samples, and a scrape cycle of
    /// evaluations later.
    fn start(prometheus_bin: &Path, name: &str, rules: &str, server_errors: bool) -> Cluster {
        let dir = Scratch::new(name);
        std::fs::write(dir.path().join("rules.yml"), rules).expect("rules written");
        let central = prometheus(
            prometheus_bin,
            "central",
            dir.path(),
            &format!(
                "global:\n  evaluation_interval: {EVALUATION_INTERVAL}s\nrule_files:\n  - rules.yml\n"
            ),
            &["--web.enable-remote-write-receiver"],
        );
        let mut replicas = Vec::new();
        let mut targets = Vec::new();
        for (i, tick_ms) in REPLICAS.iter().enumerate() {
            let addr = free_port();
            let extra: &[&str] = if server_errors && i == 0 {
                &["--server-errors"]
            } else {
                &[]
            };
            replicas.push(Some(start_serve_ticking(addr, *tick_ms, extra)));
            targets.push(addr);
        }
        let (label, value) = EXTERNAL_LABEL;
        let agent_config = format!(
            "global:\n  scrape_interval: {SCRAPE_INTERVAL}s\n  external_labels:\n    {label}: {value}\n\
             scrape_configs:\n  - job_name: {JOB}\n    static_configs:\n      - targets: [{}]\n\
             remote_write:\n  - url: http://{}/api/v1/write\n    queue_config:\n      capacity: 20000\n      \
             max_samples_per_send: 10000\n      batch_send_deadline: 100ms\n      min_backoff: 50ms\n      max_backoff: 1s\n",
            targets
                .iter()
                .map(|t| format!("'{t}'"))
                .collect::<Vec<_>>()
                .join(", "),
            central.addr
        );
        let agent = prometheus(
            prometheus_bin,
            "agent",
            dir.path(),
            &agent_config,
            &["--enable-feature=agent"],
        );
        let mut cluster = Cluster {
            replicas,
            targets,
            agent,
            central,
            ready_at: f64::INFINITY,
            _dir: dir,
        };
        let prom = cluster.central.addr;
        wait_for(
            "every replica up on the central server",
            WAIT,
            || cluster.logs(),
            || query(prom, &format!("up{{job=\"{JOB}\"}} == 1")).len() == REPLICAS.len(),
        );
        wait_for(
            "enough samples of every replica",
            WAIT,
            || cluster.logs(),
            || {
                let counts = query(prom, &format!("count_over_time(up{{job=\"{JOB}\"}}[5m])"));
                counts.len() == REPLICAS.len()
                    && counts.iter().all(|s| s.value() >= MIN_SAMPLES as f64)
            },
        );
        cluster.ready_at = now();
        // Evaluations after it, at least 2 s old, over a whole scrape cycle.
        std::thread::sleep(Duration::from_secs_f64(SCRAPE_INTERVAL + 3.0));
        cluster
    }

    fn logs(&self) -> String {
        format!(
            "central:\n{}\nagent:\n{}",
            self.central.log_tail(),
            self.agent.log_tail()
        )
    }

    fn instance(&self, i: usize) -> String {
        self.targets[i].to_string()
    }

    /// Kills replica `i`.
    fn stop(&mut self, i: usize) {
        self.replicas[i] = None;
    }
}

/// Every aggregation checked; the summary over them.
fn check_all(
    prom: SocketAddr,
    checks: &[Aggregation],
    since: f64,
) -> Result<Vec<(String, Checked)>, String> {
    checks
        .iter()
        .map(|a| check_aggregation(prom, a, since).map(|c| (a.record.clone(), c)))
        .collect()
}

fn firing(prom: SocketAddr, alertname: &str) -> Vec<servers::Alert> {
    alerts(prom)
        .into_iter()
        .filter(|a| a.label("alertname") == alertname && a.state == "firing")
        .collect()
}

#[test]
fn replicas_through_an_agent_into_a_central_prometheus_add_up() {
    const NAME: &str = "replicas_through_an_agent_into_a_central_prometheus_add_up";
    let Some(prometheus_bin) = find_tool("prometheus", NAME) else {
        return;
    };
    let _one = ONE_CLUSTER.lock().unwrap_or_else(|e| e.into_inner());
    let started = Instant::now();
    let generated = generated_rules();
    let checks = aggregations(&generated);
    assert!(checks.len() > 60, "{} aggregations found", checks.len());
    let mut cluster = Cluster::start(
        &prometheus_bin,
        "multi-replica",
        &with_short_for(&generated),
        true,
    );
    let prom = cluster.central.addr;

    // Every aggregate is the sum (or max) over the three replicas.
    let results = check_all(prom, &checks, cluster.ready_at)
        .unwrap_or_else(|e| panic!("{e}\n{}", cluster.logs()));
    let all_three = results
        .iter()
        .filter(|(_, c)| c.replicas_contributing == REPLICAS.len())
        .count();
    assert!(
        all_three >= checks.len() / 2,
        "only {all_three} of {} aggregates had every replica contributing: {results:?}",
        checks.len()
    );
    let back = results
        .iter()
        .map(|(_, c)| c.evaluations_back)
        .max()
        .unwrap_or(0);
    let _ = std::io::Write::write_all(
        &mut std::io::stderr(),
        format!(
            "{NAME}: {} aggregates over {} label sets equal the replicas' sum or max, {all_three} with all three replicas non-zero; \
             the matching evaluation was at most {back} back\n",
            results.len(),
            results.iter().map(|(_, c)| c.label_sets).sum::<usize>(),
        )
        .as_bytes(),
    );

    // No recorded series keeps `instance`; every one keeps the agent's external label.
    let (label, value) = EXTERNAL_LABEL;
    assert_eq!(
        query(prom, r#"count({__name__=~"job[a-z_]*:.+"})"#)[0].value(),
        query(
            prom,
            &format!(r#"count({{__name__=~"job[a-z_]*:.+",{label}="{value}"}})"#)
        )[0]
        .value()
    );
    assert!(query(prom, r#"{__name__=~"job[a-z_]*:.+",instance!=""}"#).is_empty());

    // Quantiles over the summed buckets: every replica's group reconciles cycle through
    // 10..100 ms, so the fleet's p95 is in the (0.05, 0.1] bucket.
    let p95 = query(
        prom,
        "job:trc_scheduler_group_reconcile_duration_seconds:p95_rate5m",
    );
    assert_eq!(p95.len(), 1, "{p95:?}");
    assert!(p95[0].value() > 0.05 && p95[0].value() <= 0.1, "{p95:?}");

    // One replica of three answers 5xx: the errors come from it alone, and the generated
    // alert on the job's error ratio fires.
    let errors_by_replica = query(
        prom,
        "sum by (instance) (rate(trc_http_requests_total{status=\"5xx\"}[5m])) > 0",
    );
    assert_eq!(
        errors_by_replica
            .iter()
            .map(|s| s.label("instance").to_string())
            .collect::<Vec<_>>(),
        [cluster.instance(0)]
    );
    wait_for(
        "TrcHttpRequestsErrorRatioHigh to fire",
        WAIT,
        || format!("{:?}", alerts(prom)),
        || !firing(prom, "TrcHttpRequestsErrorRatioHigh").is_empty(),
    );
    let alert = &firing(prom, "TrcHttpRequestsErrorRatioHigh")[0];
    assert_eq!(alert.label("job"), JOB);
    assert_eq!(alert.label("component"), "control-plane");
    assert_eq!(alert.label("instance"), "", "a job-level alert: {alert:?}");
    let ratio = query(prom, "job:trc_http_requests_errors:ratio_rate5m")[0].value();
    // Replica 0 makes 20 of the fleet's 35 ticks a second, and one request of its six per
    // tick fails: 20 / (35 * 6) = 9.5%.
    assert!((0.07..0.12).contains(&ratio), "error ratio {ratio}");

    // A replica stops: it is down on the central server, each component's TargetDown alert
    // fires for it and no other, and no component is absent.
    let stopped = cluster.instance(2);
    cluster.stop(2);
    wait_for(
        "up == 0 for the stopped replica",
        WAIT,
        || cluster.logs(),
        || query(prom, &format!("up{{instance=\"{stopped}\"}} == 0")).len() == 1,
    );
    let components = metrics_catalog::COMPONENTS.len();
    wait_for(
        "every component's TargetDown alert to fire",
        WAIT,
        || format!("{:?}", alerts(prom)),
        || {
            alerts(prom)
                .iter()
                .filter(|a| a.label("alertname").ends_with("TargetDown") && a.state == "firing")
                .count()
                == components
        },
    );
    for a in alerts(prom) {
        if a.label("alertname").ends_with("TargetDown") {
            assert_eq!(a.label("instance"), stopped, "{a:?}");
            assert_eq!(a.label("job"), JOB, "{a:?}");
        }
        assert!(!a.label("alertname").ends_with("Absent"), "{a:?}");
    }

    // The aggregates keep holding, at evaluations after the stop was seen: the rates over
    // what every replica recorded in their window, the gauges over the two that remain.
    let down_seen = now();
    while now() < down_seen + 2.0 * SCRAPE_INTERVAL + 2.0 {
        std::thread::sleep(Duration::from_millis(200));
    }
    check_all(prom, &checks, down_seen)
        .unwrap_or_else(|e| panic!("after the stop: {e}\n{}", cluster.logs()));
    let reporting = query(prom, "count by (instance) (trc_agent_overlay_peers)");
    assert_eq!(reporting.len(), REPLICAS.len() - 1, "{reporting:?}");
    assert!(reporting.iter().all(|s| s.label("instance") != stopped));
    let _ = std::io::Write::write_all(
        &mut std::io::stderr(),
        format!("{NAME}: ran in {:.1?}\n", started.elapsed()).as_bytes(),
    );
}

/// The test of the test: the same check fails on a rule that forgets to aggregate (it keeps
/// `instance`) and on one that takes the max where the sum belongs (its values are one
/// replica's), and still passes on the rules left as generated. Without a replica answering
/// errors, the error-ratio alert stays silent.
#[test]
fn a_rule_that_forgets_to_aggregate_fails_the_check() {
    const NAME: &str = "a_rule_that_forgets_to_aggregate_fails_the_check";
    let Some(prometheus_bin) = find_tool("prometheus", NAME) else {
        return;
    };
    let _one = ONE_CLUSTER.lock().unwrap_or_else(|e| e.into_inner());
    let generated = generated_rules();
    let checks = aggregations(&generated);
    let check = |record: &str| {
        checks
            .iter()
            .find(|a| a.record == record)
            .unwrap_or_else(|| panic!("{record} is generated"))
            .clone()
    };
    let forgets = check("job_reason:trc_scheduler_unschedulable:rate5m");
    let takes_max = check("job_result:trc_agent_heartbeat:rate5m");
    let untouched = check("job_result:trc_scheduler_group_reconciles:rate5m");
    let mut broken = with_short_for(&generated);
    for (good, bad) in [
        (
            "expr: 'sum without (instance) (rate(trc_scheduler_unschedulable_total[5m]))'",
            "expr: 'rate(trc_scheduler_unschedulable_total[5m])'",
        ),
        (
            "expr: 'sum without (instance) (rate(trc_agent_heartbeat_total[5m]))'",
            "expr: 'max without (instance) (rate(trc_agent_heartbeat_total[5m]))'",
        ),
    ] {
        assert_eq!(broken.matches(good).count(), 1, "{good}");
        broken = broken.replace(good, bad);
    }
    let cluster = Cluster::start(&prometheus_bin, "multi-replica-broken", &broken, false);
    let prom = cluster.central.addr;

    let err = check_aggregation(prom, &forgets, cluster.ready_at)
        .expect_err("a rule keeping `instance` fails");
    assert!(err.contains("keeps `instance`"), "{err}");
    let err =
        check_aggregation(prom, &takes_max, cluster.ready_at).expect_err("a max for a sum fails");
    assert!(err.contains("but the Sum over the replicas"), "{err}");
    check_aggregation(prom, &untouched, cluster.ready_at).unwrap_or_else(|e| panic!("{e}"));

    // Two evaluations after the alert would have fired with `for: 2s`, it has not.
    std::thread::sleep(Duration::from_secs(4));
    assert!(
        query(prom, "job:trc_http_requests_errors:ratio_rate5m")
            .iter()
            .all(|s| s.value() == 0.0)
    );
    assert!(
        !alerts(prom)
            .iter()
            .any(|a| a.label("alertname") == "TrcHttpRequestsErrorRatioHigh"),
        "{:?}",
        alerts(prom)
    );
}
