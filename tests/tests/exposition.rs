//! Families of each kind, recorded, encoded, compared exactly; the same registry through the
//! real `promtool check metrics` and through the `prometheus` crate's collector interface.

use metrics_runtime::{LabelValue, MetricFamily, Registry};

/// HTTP method, bounded.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    /// Anything else.
    Other,
}

/// Response class.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    #[label(rename = "2xx")]
    Success,
    #[label(rename = "5xx")]
    ServerError,
}

/// Values that need escaping in the exposition.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tricky {
    #[label(rename = "quote\"d")]
    Quoted,
    #[label(rename = "back\\slash")]
    Backslash,
    #[label(rename = "new\nline")]
    Newline,
}

/// Requests served, by method and status.
#[derive(MetricFamily)]
#[metric(counter, name = "snap_http_requests_total", stability = "stable")]
pub struct Requests {
    pub method: Method,
    pub status: Status,
}

/// Requests being served now.
#[derive(MetricFamily)]
#[metric(gauge, name = "snap_http_requests_in_flight", stability = "beta")]
pub struct InFlight;

/// Request latency, by method.
#[derive(MetricFamily)]
#[metric(histogram, name = "snap_http_request_duration_seconds", unit = "seconds", buckets = [0.1, 0.5, 1.0])]
pub struct Latency {
    pub method: Method,
}

/// Queue depth by worker pool, a labelled gauge.
#[derive(MetricFamily)]
#[metric(
    gauge,
    name = "snap_queue_depth",
    stability = "beta",
    deprecated_since = "0.9.0"
)]
pub struct QueueDepth {
    pub method: Method,
}

/// Help with a backslash \ and a second
///
/// paragraph that is not part of HELP.
#[derive(MetricFamily)]
#[metric(counter, name = "snap_escaping_total")]
pub struct Escaping {
    pub value: Tricky,
}

fn registry() -> Registry {
    let mut r = Registry::new();
    for res in [
        r.register::<Requests>(),
        r.register::<InFlight>(),
        r.register::<Latency>(),
        r.register::<QueueDepth>(),
        r.register::<Escaping>(),
    ] {
        assert_eq!(res, Ok(()));
    }
    r
}

fn record() {
    Requests {
        method: Method::Get,
        status: Status::Success,
    }
    .inc();
    Requests {
        method: Method::Get,
        status: Status::Success,
    }
    .inc_by(4);
    Requests {
        method: Method::Post,
        status: Status::ServerError,
    }
    .inc();
    InFlight.set(3.0);
    InFlight.inc();
    InFlight.dec();
    InFlight.add(2.5);
    InFlight.sub(0.5);
    for v in [0.05, 0.1, 0.3, 0.7, 2.0] {
        Latency {
            method: Method::Get,
        }
        .observe(v);
    }
    QueueDepth {
        method: Method::Other,
    }
    .set(-1.25);
    Escaping {
        value: Tricky::Newline,
    }
    .inc();
}

// One test records and checks, so the values are exact whatever order the harness picks.
#[test]
fn exposition_is_exact_valid_and_interoperable() {
    let reg = registry();
    // Before anything is recorded, every label set is exposed at zero.
    let zero = reg.encode_text();
    assert!(zero.contains("snap_http_requests_total{method=\"other\",status=\"5xx\"} 0\n"));
    assert!(
        zero.contains("snap_http_request_duration_seconds_bucket{method=\"post\",le=\"+Inf\"} 0\n")
    );

    record();
    assert_eq!(
        Requests {
            method: Method::Get,
            status: Status::Success
        }
        .get(),
        5
    );
    assert_eq!(InFlight.get(), 5.0);
    let snap = Latency {
        method: Method::Get,
    }
    .get();
    assert_eq!(snap.count, 5);
    assert_eq!(
        snap.buckets,
        vec![(0.1, 2), (0.5, 3), (1.0, 4), (f64::INFINITY, 5)]
    );
    assert!((snap.sum - 3.15).abs() < 1e-9);

    let text = reg.encode_text();
    insta::assert_snapshot!("exposition", text);
    // The same slots as OpenMetrics: counter families without `_total` in their metadata,
    // UNIT where the name ends in it, `# EOF` last.
    // `_created` (process start) per counter and histogram series, normalised.
    let om = reg.encode_as(metrics_runtime::Format::OpenMetrics);
    let mut created = Vec::new();
    metrics_runtime::encode::write_f64(metrics_runtime::process_start_seconds(), &mut created);
    let created = String::from_utf8(created).expect("ascii");
    let om = om.replace(&format!(" {created}\n"), " <created>\n");
    insta::assert_snapshot!("openmetrics", om);

    // The real promtool accepts it without a single lint.
    if let Some((ok, printed)) =
        metrics_tests::promtool_check_metrics(&text, "exposition_is_exact_valid_and_interoperable")
    {
        assert!(ok, "promtool failed:\n{printed}");
        assert_eq!(printed.trim(), "", "promtool reported problems");
    }

    // The same families as `prometheus` collectors, beside a hand-written metric, encoded by
    // the `prometheus` crate's own TextEncoder, carry the same samples.
    let prom = prometheus::Registry::new();
    reg.register_into(&prom)
        .expect("our families register as collectors");
    let hand = prometheus::IntCounter::new("snap_hand_written_total", "A hand-written counter.")
        .expect("valid");
    hand.inc_by(7);
    prom.register(Box::new(hand))
        .expect("registers beside ours");
    let mut theirs = Vec::new();
    prometheus::Encoder::encode(&prometheus::TextEncoder::new(), &prom.gather(), &mut theirs)
        .expect("encodes");
    let theirs = String::from_utf8(theirs).expect("utf-8");
    assert!(theirs.contains("snap_hand_written_total 7\n"), "{theirs}");
    let samples = |t: &str| {
        let mut v: Vec<String> = t
            .lines()
            .filter(|l| !l.starts_with('#') && !l.starts_with("snap_hand"))
            .map(str::to_string)
            .collect();
        v.sort();
        v
    };
    assert_eq!(samples(&theirs), samples(&text));

    // Exposing that registry after our own families would repeat every family: refused.
    let err = registry()
        .with_prometheus(prom)
        .expect_err("our families are in it too");
    assert!(err.to_string().contains("which family `snap_"), "{err}");
    // A registry of only hand-written metrics is exposed after our families.
    let hand_only = prometheus::Registry::new();
    let hand = prometheus::IntCounter::new("snap_hand_written_total", "A hand-written counter.")
        .expect("valid");
    hand.inc_by(7);
    hand_only.register(Box::new(hand)).expect("registers");
    let mixed = registry()
        .with_prometheus(hand_only)
        .expect("no name in common");
    assert!(mixed.encode_text().contains("snap_hand_written_total 7\n"));
}

#[test]
fn registry_rejects_duplicates_and_bad_global_labels() {
    let mut r = Registry::new();
    assert_eq!(r.register::<InFlight>(), Ok(()));
    assert!(r.register::<InFlight>().is_err());
    r.register::<Requests>().expect("first time");
    assert!(
        r.set_global_labels(&[("method", "x")]).is_err(),
        "collides with a family label"
    );
    assert!(r.set_global_labels(&[("Service", "x")]).is_err());
    assert!(r.set_global_labels(&[("__name", "x")]).is_err());
    assert!(r.set_global_labels(&[("le", "x")]).is_err());
    assert!(r.set_global_labels(&[("a", "1"), ("a", "2")]).is_err());
    r.set_global_labels(&[("service", "api\"1")])
        .expect("valid");
    let text = r.encode_text();
    assert!(
        text.contains("snap_http_requests_in_flight{service=\"api\\\"1\"} "),
        "{text}"
    );
    assert!(
        text.contains(
            "snap_http_requests_total{service=\"api\\\"1\",method=\"get\",status=\"2xx\"} "
        ),
        "{text}"
    );
}

#[test]
fn global_registry_holds_every_linked_family_sorted() {
    let names: Vec<&str> = Registry::global()
        .families()
        .iter()
        .map(|f| f.name())
        .collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    assert_eq!(names, sorted);
    for n in [
        "snap_http_requests_total",
        "snap_http_requests_in_flight",
        "snap_http_request_duration_seconds",
        "snap_queue_depth",
        "snap_escaping_total",
    ] {
        assert!(names.contains(&n), "{n} missing from {names:?}");
    }
    assert!(Registry::conflicts().is_empty());
    assert_eq!(Requests::DESCRIPTOR.worst_case_series, 6);
    assert_eq!(Latency::DESCRIPTOR.worst_case_series, 3 * (3 + 3));
}

/// Declared, never recorded.
#[derive(MetricFamily)]
#[metric(counter, name = "snap_never_recorded_total")]
pub struct NeverRecorded;

/// Declared and recorded, only by the coverage test.
#[derive(MetricFamily)]
#[metric(gauge, name = "snap_recorded")]
pub struct Recorded;

#[test]
fn coverage_lists_families_never_recorded() {
    let mut r = Registry::new();
    r.register::<NeverRecorded>().expect("new");
    r.register::<Recorded>().expect("new");
    Recorded.set(2.0);
    let names: Vec<&str> = r.unrecorded().iter().map(|f| f.name()).collect();
    assert_eq!(names, ["snap_never_recorded_total"]);
}

/// The sample lines of an exposition: neither comments nor blank lines.
fn sample_lines(text: &str) -> usize {
    text.lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .count()
}

/// The value of an unlabelled sample `name` in `text`.
fn value_of(text: &str, name: &str) -> Option<f64> {
    text.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
}

/// `scrape_series` reports what the previous exposition held, counted by the encoders as they
/// write (typed families, build info, process and self metrics, a hand-written `prometheus`
/// registry), in both formats.
#[test]
fn scrape_series_counts_the_samples_of_the_previous_exposition() {
    let prom = prometheus::Registry::new();
    let hand = prometheus::IntCounterVec::new(
        prometheus::Opts::new("snap_series_hand_total", "A hand-written counter."),
        &["k"],
    )
    .expect("valid");
    for k in ["a", "b", "c"] {
        hand.with_label_values(&[k]).inc();
    }
    prom.register(Box::new(hand)).expect("new");
    let reg = registry()
        .with_build_info("snap_", metrics_runtime::build_info!())
        .and_then(|r| r.with_process_metrics(true))
        .and_then(|r| r.with_self_metrics("snap_metrics_"))
        .and_then(|r| r.with_prometheus(prom))
        .expect("no name in common");
    let first = reg.encode_text();
    let second = reg.encode_text();
    assert_eq!(
        value_of(&second, "snap_metrics_scrape_series"),
        Some(sample_lines(&first) as f64),
        "scrape_series after\n{first}"
    );
    // Without the hand-written registry OpenMetrics is served; its `# EOF` is no sample.
    let reg = registry()
        .with_self_metrics("snap_metrics_")
        .expect("valid prefix");
    let first = reg.encode_as(metrics_runtime::Format::OpenMetrics);
    let second = reg.encode_as(metrics_runtime::Format::OpenMetrics);
    assert!(first.ends_with("# EOF\n"));
    assert_eq!(
        value_of(&second, "snap_metrics_scrape_series"),
        Some(sample_lines(&first) as f64)
    );
}
