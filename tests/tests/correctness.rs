//! What a new user found could silently go wrong, each now either impossible or loud:
//! NaN and negative observations never poison a series (they are dropped and counted), two
//! families of one name or a label given twice are errors when the registry is put together,
//! and a capped label cannot be built out of range.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use metrics_runtime::{LabelValue, MetricFamily, Registry, RegistryError};

/// How a request ended.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    Error,
}

/// Request latency.
#[derive(MetricFamily)]
#[metric(histogram, name = "corr_latency_seconds", unit = "seconds", buckets = [0.1, 1.0])]
pub struct Latency {
    pub outcome: Outcome,
}

/// A temperature, which may be negative.
#[derive(MetricFamily)]
#[metric(histogram, name = "corr_temperature_celsius", buckets = [-10.0, 0.0, 10.0])]
pub struct Temperature;

/// Time spent busy.
#[derive(MetricFamily)]
#[metric(counter, name = "corr_busy_seconds_total", unit = "seconds")]
pub struct Busy;

/// A level that moves both ways.
#[derive(MetricFamily)]
#[metric(gauge, name = "corr_level")]
pub struct Level;

#[test]
fn nan_and_negative_observations_never_poison_a_series() {
    let series = Latency {
        outcome: Outcome::Ok,
    };
    let before_invalid = metrics_runtime::invalid_observations();
    series.observe(0.5);
    series.observe(f64::NAN);
    series.observe(-1.0);
    series.observe(0.05);
    let h = series.get();
    assert_eq!(
        h.count, 2,
        "the NaN and the negative duration are not counted"
    );
    assert!((h.sum - 0.55).abs() < 1e-9, "sum stays a number: {}", h.sum);
    assert!(metrics_runtime::invalid_observations() >= before_invalid + 2);

    // A unit that can be negative takes negative values; NaN is still refused.
    Temperature.observe(-5.0);
    Temperature.observe(f64::NAN);
    assert_eq!(Temperature.get().count, 1);
    assert_eq!(Temperature.get().sum, -5.0);

    // A gauge delta of NaN is dropped; `set` replaces the value, so it cannot poison later sets.
    Level.set(2.0);
    Level.add(f64::NAN);
    assert_eq!(Level.get(), 2.0);

    // Infinities poison as NaN does (a sum or gauge that became infinite, or NaN from +Inf
    // plus -Inf, stays so): refused too, and a delta that would overflow to infinity.
    series.observe(f64::INFINITY);
    assert_eq!(series.get().count, 2);
    assert!(series.get().sum.is_finite());
    // The longest duration is a large but finite number of seconds: recorded.
    series.observe_duration(std::time::Duration::MAX);
    assert_eq!(series.get().count, 3);
    assert!(series.get().sum.is_finite());
    Temperature.observe(f64::NEG_INFINITY);
    assert_eq!(Temperature.get().count, 1);
    Level.add(f64::INFINITY);
    Level.add(f64::NEG_INFINITY);
    assert_eq!(Level.get(), 2.0);
    Level.set(f64::MAX);
    Level.add(f64::MAX);
    assert_eq!(Level.get(), f64::MAX, "an overflow to +Inf is refused");
    Level.set(2.0);

    // A sum that would overflow to infinity (and then to NaN, once an opposite infinity
    // joins it) drops the observation whole: `_count`, buckets and `_sum` stay in step.
    let before = Temperature.get();
    Temperature.observe(f64::MAX);
    Temperature.observe(f64::MAX);
    let after = Temperature.get();
    assert_eq!(
        after.count,
        before.count + 1,
        "the second f64::MAX is dropped"
    );
    assert!(after.sum.is_finite(), "{}", after.sum);
    Temperature.observe(-f64::MAX);
    Temperature.observe(-f64::MAX);
    Temperature.observe(-f64::MAX);
    let after = Temperature.get();
    assert_eq!(after.count, before.count + 3);
    assert!(after.sum.is_finite(), "{}", after.sum);
    // The same for a counter of seconds.
    Busy.inc_by(f64::MAX);
    Busy.inc_by(f64::MAX);
    assert_eq!(Busy.get(), f64::MAX);

    // The count is a self-metric.
    let mut registry = Registry::new();
    registry.register::<Latency>().unwrap();
    let text = registry
        .with_self_metrics("corr_self_")
        .expect("valid prefix")
        .encode_text();
    assert!(
        text.lines()
            .any(|l| l.starts_with("corr_self_invalid_observations_total ")),
        "{text}"
    );
}

#[test]
fn two_families_of_one_name_are_an_error_not_a_silent_drop() {
    // Two derived families of one name do not build: each claims a symbol named after its
    // metric (ui-tests `fail/duplicate_family_name`). So every linked family is exposed.
    assert_eq!(Registry::conflicts(), Vec::<String>::new());
    let all = Registry::try_all().expect("no two linked families share a name");
    assert_eq!(all.families().len(), Registry::all().families().len());
    // Registering a family twice by hand is refused, not ignored.
    let mut registry = Registry::new();
    registry.register::<Level>().unwrap();
    let err = registry.register::<Level>().unwrap_err();
    assert_eq!(err, RegistryError::DuplicateName("corr_level"));
}

#[test]
fn a_global_label_that_a_family_has_is_an_error() {
    let mut registry = Registry::new();
    registry.register::<Latency>().unwrap();
    let err = registry
        .set_global_labels(&[("outcome", "x")])
        .expect_err("`outcome` is a label of corr_latency_seconds");
    assert!(err.to_string().contains("outcome"), "{err}");
    // An empty value reads as a missing label in Prometheus: refused.
    let err = Registry::new()
        .set_global_labels(&[("region", "")])
        .expect_err("empty value");
    assert!(err.to_string().contains("empty value"), "{err}");
    let cfg = metrics_runtime::MetricsConfig::default()
        .with_vars("M_", [("M_GLOBAL_LABELS".to_string(), " ".to_string())]);
    assert!(
        cfg.is_err(),
        "an empty list from the environment is an error"
    );
    // ... and the other order: a family registered after a clashing global label.
    let mut registry = Registry::new();
    registry.set_global_labels(&[("outcome", "x")]).unwrap();
    let err = registry.register::<Latency>().unwrap_err();
    assert!(err.to_string().contains("outcome"), "{err}");
}

#[test]
fn a_hand_written_metric_of_a_family_name_is_an_error() {
    let prom = prometheus::Registry::new();
    let counter = prometheus::IntCounter::new("corr_level", "hand-written").unwrap();
    prom.register(Box::new(counter)).unwrap();
    let mut registry = Registry::new();
    registry.register::<Level>().unwrap();
    let err = registry.with_prometheus(prom).unwrap_err();
    assert!(err.to_string().contains("corr_level"), "{err}");
}

/// Requests served: a counter, which OpenMetrics names `corr_served` (and `corr_served_created`).
#[derive(MetricFamily)]
#[metric(counter, name = "corr_served_total")]
pub struct Served;

/// A family named like a self-metric of the prefix `corr_self2_`.
#[derive(MetricFamily)]
#[metric(gauge, name = "corr_self2_scrape_series")]
pub struct LooksLikeASelfMetric;

/// Whether `text` names any family or sample twice (`# TYPE` lines, and sample names
/// outside their family's block).
fn names_twice(text: &str) -> Option<String> {
    let mut seen = std::collections::BTreeSet::new();
    text.lines()
        .filter_map(|l| l.strip_prefix("# TYPE "))
        .filter_map(|l| l.split(' ').next())
        .find(|n| !seen.insert(n.to_string()))
        .map(str::to_string)
}

#[test]
fn a_hand_written_metric_registered_after_attaching_is_refused_by_prometheus() {
    let prom = prometheus::Registry::new();
    let mut registry = Registry::new();
    registry.register::<Latency>().unwrap();
    registry.register::<Served>().unwrap();
    let registry = registry.with_prometheus(prom.clone()).unwrap();
    // The program keeps a handle on its hand-written registry and registers later: every name
    // our families write is claimed there, so `register` fails as a duplicate would.
    for name in [
        "corr_latency_seconds",
        "corr_latency_seconds_bucket",
        "corr_latency_seconds_count",
        "corr_latency_seconds_sum",
        "corr_served_total",
        "corr_served",
        "corr_served_created",
    ] {
        let hand = prometheus::Gauge::new(name, "hand-written").unwrap();
        let err = prom.register(Box::new(hand)).expect_err(name);
        assert!(err.to_string().contains(name), "{name}: {err}");
    }
    // Other names register, and are exposed after ours.
    let ok = prometheus::IntCounter::new("corr_hand_total", "hand-written").unwrap();
    ok.inc();
    prom.register(Box::new(ok)).unwrap();
    let text = registry.encode_text();
    assert!(text.contains("corr_hand_total 1\n"), "{text}");
    assert_eq!(names_twice(&text), None, "{text}");
    // Dropping the registry takes its claims back, so a registry put together again (as a
    // reload does) can attach the same hand-written registry.
    drop(registry);
    let mut again = Registry::new();
    again.register::<Latency>().unwrap();
    again.register::<Served>().unwrap();
    let again = again.with_prometheus(prom).unwrap();
    assert_eq!(names_twice(&again.encode_text()), None);
}

#[test]
fn families_registered_into_a_prometheus_registry_claim_their_sample_names() {
    let prom = prometheus::Registry::new();
    let mut registry = Registry::new();
    registry.register::<Latency>().unwrap();
    registry.register_into(&prom).unwrap();
    for name in ["corr_latency_seconds_count", "corr_latency_seconds_bucket"] {
        let hand = prometheus::Gauge::new(name, "hand-written").unwrap();
        assert!(prom.register(Box::new(hand)).is_err(), "{name}");
    }
    // And in the other order.
    let prom = prometheus::Registry::new();
    let hand = prometheus::Gauge::new("corr_latency_seconds_sum", "hand-written").unwrap();
    prom.register(Box::new(hand)).unwrap();
    assert!(registry.register_into(&prom).is_err());
}

/// A collector that describes one name and collects another: it gets past the claims.
struct Liar {
    desc: prometheus::core::Desc,
    gauge: prometheus::Gauge,
}

impl prometheus::core::Collector for Liar {
    fn desc(&self) -> Vec<&prometheus::core::Desc> {
        vec![&self.desc]
    }
    fn collect(&self) -> Vec<prometheus::proto::MetricFamily> {
        prometheus::core::Collector::collect(&self.gauge)
    }
}

#[test]
fn a_hand_written_family_that_gets_past_the_claims_is_left_out_and_counted() {
    let prom = prometheus::Registry::new();
    let mut registry = Registry::new();
    registry.register::<Level>().unwrap();
    let registry = registry
        .with_self_metrics("corr_liar_")
        .and_then(|r| r.with_prometheus(prom.clone()))
        .unwrap();
    let liar = Liar {
        desc: prometheus::core::Desc::new(
            "corr_innocent".into(),
            "describes one name".into(),
            vec![],
            Default::default(),
        )
        .unwrap(),
        gauge: prometheus::Gauge::new("corr_level", "collects another").unwrap(),
    };
    prom.register(Box::new(liar)).unwrap();
    let first = registry.encode_text();
    assert_eq!(names_twice(&first), None, "{first}");
    assert_eq!(
        first.matches("\ncorr_level ").count() + usize::from(first.starts_with("corr_level ")),
        1,
        "{first}"
    );
    let second = registry.encode_text();
    assert!(
        second.contains("corr_liar_exposition_conflicts_total 1\n"),
        "{second}"
    );
}

#[test]
fn extras_and_families_never_share_a_name() {
    // A family named like a self-metric: refused in either order.
    let mut registry = Registry::new();
    registry.register::<LooksLikeASelfMetric>().unwrap();
    let err = registry.with_self_metrics("corr_self2_").unwrap_err();
    assert!(
        matches!(&err, RegistryError::NameClash { name, .. } if name == "corr_self2_scrape_series"),
        "{err}"
    );
    assert!(err.to_string().contains("LooksLikeASelfMetric"), "{err}");
    let mut registry = Registry::new().with_self_metrics("corr_self2_").unwrap();
    let err = registry.register::<LooksLikeASelfMetric>().unwrap_err();
    assert!(err.to_string().contains("the self-metrics"), "{err}");
    // Build info and self-metrics of one prefix live together; two prefixes that meet do not.
    let info = metrics_runtime::build_info!();
    let registry = Registry::new()
        .with_self_metrics("corr_x_")
        .and_then(|r| r.with_build_info("corr_x_", info.clone()))
        .unwrap();
    assert_eq!(names_twice(&registry.encode_text()), None);
    // Calling `with_self_metrics` again moves the names; the old ones are free.
    let mut registry = registry.with_self_metrics("corr_y_").unwrap();
    assert!(!registry.encode_text().contains("corr_x_scrapes_total"));
    assert!(registry.register::<LooksLikeASelfMetric>().is_ok());

    // A hand-written process collector beside the built-in process metrics: refused in
    // either order.
    let prom = prometheus::Registry::new();
    let hand = prometheus::Gauge::new("process_open_fds", "hand-written").unwrap();
    prom.register(Box::new(hand)).unwrap();
    let err = Registry::new()
        .with_process_metrics(true)
        .and_then(|r| r.with_prometheus(prom.clone()))
        .unwrap_err();
    assert!(err.to_string().contains("process_open_fds"), "{err}");
    let err = Registry::new()
        .with_prometheus(prom)
        .and_then(|r| r.with_process_metrics(true))
        .unwrap_err();
    assert!(err.to_string().contains("process_open_fds"), "{err}");
    // A hand-written metric named like build info.
    let prom = prometheus::Registry::new();
    let hand = prometheus::Gauge::new("corr_z_build_info", "hand-written").unwrap();
    prom.register(Box::new(hand)).unwrap();
    let err = Registry::new()
        .with_prometheus(prom)
        .and_then(|r| r.with_build_info("corr_z_", info))
        .unwrap_err();
    assert!(err.to_string().contains("corr_z_build_info"), "{err}");
}

#[test]
fn a_prefix_must_make_valid_names() {
    for bad in ["My-App_", "myapp", "my app_", "__x_", "x\n_", "1x_", "x:_"] {
        let err = Registry::new().with_self_metrics(bad).unwrap_err();
        assert!(
            matches!(err, RegistryError::InvalidPrefix(_)),
            "{bad:?}: {err}"
        );
        assert!(
            Registry::new()
                .with_build_info(bad, metrics_runtime::build_info!())
                .is_err(),
            "{bad:?}"
        );
    }
    // A long bad prefix is not echoed whole.
    let long = "A".repeat(10_000);
    let err = Registry::new().with_self_metrics(&long).unwrap_err();
    assert!(err.to_string().len() < 400, "{err}");
    for good in ["", "myapp_", "_x_", "a1_b2_"] {
        let registry = Registry::new().with_self_metrics(good).unwrap();
        let text = registry.encode_text();
        let parsed = metrics_exposition::parse(&text).unwrap_or_else(|e| panic!("{good:?}: {e}"));
        assert!(
            parsed.family(&format!("{good}scrapes_total")).is_some(),
            "{text}"
        );
    }
}

/// Jobs done, counted in whole numbers.
#[derive(MetricFamily)]
#[metric(counter, name = "corr_jobs_total")]
pub struct Jobs;

/// Time spent waiting, added from several threads.
#[derive(MetricFamily)]
#[metric(counter, name = "corr_wait_seconds_total", unit = "seconds")]
pub struct Wait;

/// Heat, observed from several threads.
#[derive(MetricFamily)]
#[metric(histogram, name = "corr_heat_celsius", buckets = [0.0])]
pub struct Heat;

#[test]
fn a_whole_number_counter_never_wraps() {
    let before = metrics_runtime::invalid_observations();
    // `-1i64 as u64`: a negative amount cast, dropped and counted.
    Jobs.inc_by(u64::MAX);
    assert_eq!(Jobs.get(), 0);
    let half = i64::MAX as u64;
    Jobs.inc_by(half);
    Jobs.inc_by(half);
    Jobs.inc_by(2); // would wrap the count to 0: dropped and counted
    assert_eq!(Jobs.get(), 2 * half);
    assert!(metrics_runtime::invalid_observations() >= before + 2);
    // Rows of other threads add up without wrapping either.
    std::thread::spawn(move || Jobs.inc_by(half))
        .join()
        .unwrap();
    assert_eq!(Jobs.get(), u64::MAX, "the total saturates");
}

#[test]
fn sums_over_the_rows_of_several_threads_stay_finite() {
    // Each thread's row takes 1.5e308 (finite); together they pass f64::MAX. The threads
    // live at once, so they hold rows of their own (a row a thread inherits, or the shared
    // one, refuses the second 1.5e308 instead).
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(4));
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let barrier = std::sync::Arc::clone(&barrier);
            std::thread::spawn(move || {
                Wait.inc_by(1.5e308);
                Heat.observe(1.5e308);
                barrier.wait();
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let heat = Heat.get();
    assert!(heat.count >= 1);
    assert!(heat.sum.is_finite() && Wait.get().is_finite());
    if heat.count >= 2 {
        assert_eq!(heat.sum, f64::MAX, "the total is the largest finite value");
    }
    let mut registry = Registry::new();
    registry.register::<Wait>().unwrap();
    registry.register::<Heat>().unwrap();
    let text = registry.encode_text();
    assert!(!text.contains("Inf ") && !text.contains("NaN"), "{text}");
    assert!(!text.contains("Inf\n"), "{text}");
}

#[test]
fn a_hand_written_histogram_without_series_still_claims_its_samples() {
    // A histogram vec with no child yet is invisible to `gather`: its name is claimed anyway.
    let prom = prometheus::Registry::new();
    let vec = prometheus::HistogramVec::new(
        prometheus::HistogramOpts::new("corr_empty_vec", "hand-written"),
        &["k"],
    )
    .unwrap();
    prom.register(Box::new(vec.clone())).unwrap();
    let mut registry = Registry::new().with_prometheus(prom.clone()).unwrap();
    // Our counter `corr_empty_vec_count_total` is OpenMetrics family `corr_empty_vec_count`,
    // a sample of the hand-written histogram once it has a child.
    let err = registry.register::<EmptyVecCount>().unwrap_err();
    assert!(err.to_string().contains("corr_empty_vec"), "{err}");
    // And in the other order: attaching a registry holding the empty vec is refused.
    let mut ours = Registry::new();
    ours.register::<EmptyVecCount>().unwrap();
    let err = ours.with_prometheus(prom.clone()).unwrap_err();
    assert!(err.to_string().contains("corr_empty_vec"), "{err}");
    // A hand-written histogram registered after ours claimed the name is refused there.
    let mut ours = Registry::new();
    ours.register::<EmptyVecCount>().unwrap();
    let fresh = prometheus::Registry::new();
    let _ours = ours.with_prometheus(fresh.clone()).unwrap();
    let late = prometheus::Histogram::with_opts(prometheus::HistogramOpts::new(
        "corr_empty_vec",
        "hand-written",
    ))
    .unwrap();
    assert!(fresh.register(Box::new(late)).is_err());
    vec.with_label_values(&["a"]).observe(1.0);
    assert_eq!(names_twice(&registry.encode_text()), None);
}

/// Counted by hand beside a histogram: see the test above.
#[derive(MetricFamily)]
#[metric(counter, name = "corr_empty_vec_count_total")]
pub struct EmptyVecCount;

#[test]
fn hand_written_metrics_that_clash_among_themselves_are_refused_or_left_out() {
    let prom = prometheus::Registry::new();
    let h =
        prometheus::Histogram::with_opts(prometheus::HistogramOpts::new("corr_hh", "h")).unwrap();
    h.observe(1.0);
    prom.register(Box::new(h)).unwrap();
    let g = prometheus::Gauge::new("corr_hh_count", "g").unwrap();
    prom.register(Box::new(g)).unwrap();
    let err = Registry::new().with_prometheus(prom).unwrap_err();
    assert!(err.to_string().contains("corr_hh_count"), "{err}");
    // Registered after attaching: the later family is left out and counted.
    let prom = prometheus::Registry::new();
    let registry = Registry::new()
        .with_self_metrics("corr_hh_")
        .and_then(|r| r.with_prometheus(prom.clone()))
        .unwrap();
    let h =
        prometheus::Histogram::with_opts(prometheus::HistogramOpts::new("corr_hh", "h")).unwrap();
    h.observe(1.0);
    prom.register(Box::new(h)).unwrap();
    let g = prometheus::Gauge::new("corr_hh_count", "g").unwrap();
    prom.register(Box::new(g)).unwrap();
    let text = registry.encode_text();
    assert_eq!(names_twice(&text), None, "{text}");
    assert_eq!(
        text.lines()
            .filter(|l| l.starts_with("corr_hh_count "))
            .count(),
        1,
        "{text}"
    );
    assert!(
        registry
            .encode_text()
            .contains("corr_hh_exposition_conflicts_total 1\n")
    );
}

#[test]
fn two_registries_can_attach_one_hand_written_registry() {
    let prom = prometheus::Registry::new();
    let mut a = Registry::new();
    a.register::<Served>().unwrap();
    let mut b = Registry::new();
    b.register::<Served>().unwrap();
    let _a = a.with_prometheus(prom.clone()).unwrap();
    let _b = b.with_prometheus(prom.clone()).unwrap();
    let hand = prometheus::Gauge::new("corr_served_total", "hand-written").unwrap();
    assert!(prom.register(Box::new(hand)).is_err());
}

/// Retries, with exemplars.
#[derive(MetricFamily)]
#[metric(counter, name = "corr_retries_total")]
pub struct Retries;

/// Time to settle, with exemplars.
#[derive(MetricFamily)]
#[metric(histogram, name = "corr_settle_celsius", buckets = [0.0])]
pub struct Settle;

#[test]
fn an_exemplar_is_kept_only_for_what_was_recorded() {
    let ex = metrics_runtime::Exemplar::trace_id("0123456789abcdef").unwrap();
    // Dropped (a negative amount cast): no exemplar points at an event that never counted.
    Retries.inc_by_with_exemplar(u64::MAX, &ex);
    Settle.observe(f64::MAX);
    Settle.observe_with_exemplar(f64::MAX, &ex); // overflows the sum: dropped
    let mut registry = Registry::new();
    registry.register::<Retries>().unwrap();
    registry.register::<Settle>().unwrap();
    let om = registry.encode_as(metrics_runtime::Format::OpenMetrics);
    assert!(!om.contains("0123456789abcdef"), "{om}");
    // Recorded: the exemplar is kept.
    Retries.inc_with_exemplar(&ex);
    let om = registry.encode_as(metrics_runtime::Format::OpenMetrics);
    assert!(om.contains("0123456789abcdef"), "{om}");
}

/// Drift, a native histogram over a narrow range.
#[derive(MetricFamily)]
#[metric(histogram, name = "corr_drift_celsius", native(range = [0.001, 1.0]))]
pub struct Drift;

#[test]
fn a_dropped_native_observation_is_not_counted_as_clamped() {
    Drift.observe(f64::MAX); // beyond the range: recorded in the edge bucket, clamped
    let clamped = metrics_runtime::native_clamped();
    let invalid = metrics_runtime::invalid_observations();
    Drift.observe(f64::MAX); // would overflow the sum: dropped whole
    assert_eq!(metrics_runtime::native_clamped(), clamped);
    assert!(metrics_runtime::invalid_observations() > invalid);
    assert_eq!(Drift.get().count, 1);
}

/// Requests of a namespaced application: `corr_ns_requests_total`.
#[derive(MetricFamily)]
#[metric(counter, name = "corr_ns_requests_total")]
pub struct NsRequests;

#[test]
fn a_namespaced_hand_written_registry_is_claimed_under_its_namespace() {
    // `new_custom(Some("corr_ns"))` writes `corr_ns_` before every name it gathers and checks
    // descriptions without it: the claims are made without it too.
    let prom = prometheus::Registry::new_custom(Some("corr_ns".into()), None).unwrap();
    let mut registry = Registry::new();
    registry.register::<NsRequests>().unwrap();
    let registry = registry.with_prometheus(prom.clone()).unwrap();
    let late = prometheus::IntCounter::new("requests_total", "hand-written").unwrap();
    let err = prom
        .register(Box::new(late))
        .expect_err("written as corr_ns_requests_total");
    assert!(err.to_string().contains("requests_total"), "{err}");
    // A name outside the namespace is free in that registry: it would be written prefixed.
    let free = prometheus::IntCounter::new("corr_ns_requests_total", "hand-written").unwrap();
    free.inc();
    prom.register(Box::new(free)).unwrap();
    let text = registry.encode_text();
    assert_eq!(names_twice(&text), None, "{text}");
    assert!(
        text.contains("corr_ns_corr_ns_requests_total 1\n"),
        "{text}"
    );
    // Registered before attaching: refused by with_prometheus, named as exposed.
    let prom = prometheus::Registry::new_custom(Some("corr_ns".into()), None).unwrap();
    let early = prometheus::IntCounterVec::new(
        prometheus::Opts::new("requests_total", "hand-written"),
        &["k"],
    )
    .unwrap();
    prom.register(Box::new(early)).unwrap();
    let mut registry = Registry::new();
    registry.register::<NsRequests>().unwrap();
    let err = registry.with_prometheus(prom).unwrap_err();
    assert!(err.to_string().contains("corr_ns_requests_total"), "{err}");
}

#[test]
fn a_hand_written_metric_with_a_label_twice_is_refused_or_left_out() {
    // A constant label that is also a common label of its registry: the prometheus crate
    // writes the name twice on each series.
    let common = std::collections::HashMap::from([("zone".to_string(), "x".to_string())]);
    let prom = prometheus::Registry::new_custom(None, Some(common)).unwrap();
    let g = prometheus::Gauge::with_opts(
        prometheus::Opts::new("corr_zoned", "hand-written").const_label("zone", "y"),
    )
    .unwrap();
    prom.register(Box::new(g)).unwrap();
    let err = Registry::new().with_prometheus(prom.clone()).unwrap_err();
    assert!(err.to_string().contains("`zone` twice"), "{err}");
    // Registered after attaching: left out of the exposition and counted.
    let common = std::collections::HashMap::from([("zone".to_string(), "x".to_string())]);
    let prom = prometheus::Registry::new_custom(None, Some(common)).unwrap();
    let registry = Registry::new()
        .with_self_metrics("corr_zoned_")
        .and_then(|r| r.with_prometheus(prom.clone()))
        .unwrap();
    let g = prometheus::Gauge::with_opts(
        prometheus::Opts::new("corr_zoned", "hand-written").const_label("zone", "y"),
    )
    .unwrap();
    prom.register(Box::new(g)).unwrap();
    let text = registry.encode_text();
    assert!(!text.contains("corr_zoned{"), "{text}");
    assert!(
        registry
            .encode_text()
            .contains("corr_zoned_exposition_conflicts_total 1\n")
    );
}

metrics_runtime::capped_label! {
    /// Merchants: bounded by the contracts signed.
    pub struct MerchantId(cap = 3);
}

/// Charges by merchant.
#[derive(MetricFamily)]
#[metric(counter, name = "corr_charges_total")]
pub struct Charges {
    pub merchant: MerchantId,
}

#[test]
fn a_capped_label_is_always_in_range_and_never_empty() {
    // `MerchantId(4)` does not compile (ui-tests `fail/capped_label_raw_index`); every value
    // comes from `new`, which folds what does not fit into the overflow value.
    let empty = MerchantId::new("");
    assert!(
        empty.is_overflow(),
        "an empty id is not a series of its own"
    );
    assert_eq!(empty.as_str(), metrics_runtime::OVERFLOW_VALUE);
    for id in ["a", "b", "c", "d", "e"] {
        Charges {
            merchant: MerchantId::new(id),
        }
        .inc();
    }
    assert!(MerchantId::new("e").is_overflow());
    assert_eq!(
        Charges {
            merchant: MerchantId::OVERFLOW
        }
        .get(),
        2
    );
    let mut registry = Registry::new();
    registry.register::<Charges>().unwrap();
    let text = registry.encode_text();
    assert!(!text.contains("merchant=\"\""), "{text}");
    assert!(
        text.contains("corr_charges_total{merchant=\"__overflow__\"} 2\n"),
        "{text}"
    );
}

/// A service's route templates, as its router writes them.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
#[label(route_templates)]
pub enum Route {
    #[label(rename = "/v1/charges")]
    Charges,
    #[label(rename = "/v1/charges/{id}")]
    Charge,
    Unmatched,
}

#[test]
fn a_route_enum_maps_the_matched_template_without_a_hand_written_table() {
    use metrics_runtime::http::{CoarseMethod, HttpMethod, HttpObservation, UNMATCHED_ROUTE};
    fn seen(route: &str) -> HttpObservation<'_> {
        HttpObservation {
            method: HttpMethod::Head,
            route,
            status: 200,
            duration: std::time::Duration::ZERO,
            request_bytes: None,
            response_bytes: None,
        }
    }
    assert_eq!(seen("/v1/charges/{id}").route_label(), Some(Route::Charge));
    assert_eq!(seen(UNMATCHED_ROUTE).route_label(), Some(Route::Unmatched));
    // A template the enum does not declare (a route added without its label value) is
    // counted as unmatched, never as a new series.
    assert_eq!(seen("/v1/refunds").route_label(), Some(Route::Unmatched));
    assert_eq!(Route::from_value("/v1/charges"), Some(Route::Charges));
    assert_eq!(Outcome::from_value("nope"), None);
    // An enum with no `unmatched` value says so instead of guessing.
    assert_eq!(seen("/v1/refunds").route_label::<Outcome>(), None);
    assert_eq!(HttpMethod::Head.coarse(), CoarseMethod::Get);
    assert_eq!(HttpMethod::Trace.coarse(), CoarseMethod::Other);
    assert_eq!(<CoarseMethod as LabelValue>::CARDINALITY, 6);
}
