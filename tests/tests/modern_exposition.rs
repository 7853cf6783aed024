//! The modern exposition: OpenMetrics with `_created` lines and exemplars, native histograms,
//! and the protobuf format, each compared exactly (created timestamps normalised, exemplar
//! timestamps fixed), the text through the strict parser and promtool, the protobuf decoded
//! with prost's generated messages.

use std::time::{Duration, UNIX_EPOCH};

use metrics_runtime::proto::client;
use metrics_runtime::{Exemplar, Format, LabelValue, MetricFamily, Registry};
use prost::Message as _;

/// How a job ended.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    Failed,
}

/// Jobs run, by outcome.
#[derive(MetricFamily)]
#[metric(counter, name = "modern_jobs_total")]
pub struct Jobs {
    pub outcome: Outcome,
}

/// Job latency, classic buckets for text scrapes and a native histogram for protobuf.
#[derive(MetricFamily)]
#[metric(histogram, name = "modern_job_duration_seconds", unit = "seconds",
         buckets = [0.1, 1.0], native(schema = 0, max_buckets = 4))]
pub struct JobDuration {
    pub outcome: Outcome,
}

/// Payload sizes, a native histogram only.
#[derive(MetricFamily)]
#[metric(histogram, name = "modern_payload_bytes", unit = "bytes",
         native(schema = 2, zero_threshold = 0.5, max_buckets = 160, range = [1.0, 1e6]))]
pub struct PayloadSize;

/// Temperature offsets, a signed native histogram (no unit).
#[derive(MetricFamily)]
#[metric(histogram, name = "modern_offset", native(schema = 1, range = [0.01, 100.0]))]
pub struct Offset;

/// Workers busy now.
#[derive(MetricFamily)]
#[metric(gauge, name = "modern_workers_busy")]
pub struct Busy;

fn registry() -> Registry {
    let mut r = Registry::new();
    for res in [
        r.register::<Jobs>(),
        r.register::<JobDuration>(),
        r.register::<PayloadSize>(),
        r.register::<Offset>(),
        r.register::<Busy>(),
    ] {
        assert_eq!(res, Ok(()));
    }
    r
}

fn at(ms: u64) -> std::time::SystemTime {
    UNIX_EPOCH + Duration::from_millis(ms)
}

fn record() {
    let trace = Exemplar::trace_id("4bf92f3577b34da6a3ce929d0e0e4736")
        .expect("valid")
        .at(at(1_700_000_000_500));
    let pair = Exemplar::new(&[("trace_id", "abc"), ("span_id", "00f067aa0ba902b7")])
        .expect("valid")
        .at(at(1_700_000_001_000));
    Jobs {
        outcome: Outcome::Ok,
    }
    .inc_by(3);
    Jobs {
        outcome: Outcome::Ok,
    }
    .inc_with_exemplar(&trace);
    Jobs {
        outcome: Outcome::Failed,
    }
    .inc();
    for v in [0.05, 0.3, 0.7, 3.0] {
        JobDuration {
            outcome: Outcome::Ok,
        }
        .observe(v);
    }
    JobDuration {
        outcome: Outcome::Ok,
    }
    .observe_with_exemplar(0.25, &pair);
    JobDuration {
        outcome: Outcome::Ok,
    }
    .observe_with_exemplar(7.5, &trace);
    for v in [0.0, 0.25, 3.0, 5.0, 1024.0, 1e9] {
        PayloadSize.observe(v);
    }
    PayloadSize.observe_with_exemplar(100.0, &trace);
    for v in [-3.0, -0.5, 0.0, 2.0] {
        Offset.observe(v);
    }
    Busy.set(2.0);
}

/// The exposition with every `_created` value of process start replaced by `<created>`.
fn normalised(text: &str) -> String {
    let mut created = Vec::new();
    metrics_runtime::encode::write_f64(metrics_runtime::process_start_seconds(), &mut created);
    let created = String::from_utf8(created).expect("ascii");
    text.lines()
        .map(|l| match l.split_once("_created") {
            Some(_) if l.ends_with(&format!(" {created}")) => {
                format!("{}<created>", &l[..l.len() - created.len()])
            }
            _ => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

// One test records and checks, so the values are exact whatever order the harness picks.
#[test]
fn openmetrics_text_and_protobuf_are_exact() {
    let reg = registry();
    record();

    // Reading back.
    assert_eq!(
        Jobs {
            outcome: Outcome::Ok
        }
        .get(),
        4
    );
    let ex = Jobs::family().exemplar(0, 0).expect("stored");
    assert_eq!(ex.value, 1.0);
    assert_eq!(ex.timestamp, 1_700_000_000.5);
    let native = JobDuration {
        outcome: Outcome::Ok,
    }
    .native_histogram()
    .expect("native");
    // Schema 0 holds 0.05, 0.25, 0.3, 0.7, 3, 7.5 in keys -4, -2, -1, 0, 2, 3: six buckets,
    // more than `max_buckets = 4`; schema -1 still has five (-2, -1, 0, 1, 2), schema -2
    // three.
    assert_eq!(native.schema, -2);
    assert_eq!(native.positive, vec![(-1, 1), (0, 3), (1, 2)]);
    assert!(native.populated() <= 4, "{native:?}");
    assert_eq!(native.count(), 6);
    let payload = PayloadSize.native_histogram().expect("native");
    // 0 and 0.25 are within the zero threshold (0.5); 1e9 is beyond the range: clamped.
    assert_eq!(payload.zero_count, 2);
    assert_eq!(payload.count(), 7);
    assert!(metrics_runtime::native_clamped() >= 1);
    let offset = Offset.native_histogram().expect("native");
    assert_eq!(offset.negative.len(), 2);
    assert_eq!(offset.zero_count, 1);

    // Text 0.0.4: no exemplars, no `_created`; a native-only histogram is `+Inf`, `_sum`,
    // `_count`. Exact, strict, and promtool-clean.
    let text = reg.encode_text();
    insta::assert_snapshot!("modern_text", text);
    assert!(!text.contains(" # {") && !text.contains("_created"));
    metrics_exposition::parse(&text).expect("the strict parser reads the text format");
    if let Some((ok, printed)) =
        metrics_tests::promtool_check_metrics(&text, "openmetrics_text_and_protobuf_are_exact")
    {
        assert!(ok, "promtool failed:\n{printed}");
        assert_eq!(printed.trim(), "", "promtool reported problems");
    }

    // OpenMetrics: `_created` per counter and histogram series, exemplars on the counter
    // sample and on the buckets they fell in.
    let om = reg.encode_as(Format::OpenMetrics);
    insta::assert_snapshot!("modern_openmetrics", normalised(&om));
    // Through the strict parser: families by their OpenMetrics names, `_created` in its
    // family, the exemplars read back.
    let parsed = metrics_exposition::parse(&om).expect("the strict parser reads OpenMetrics");
    let jobs = parsed.family("modern_jobs").expect("the counter family");
    assert_eq!(jobs.kind, "counter");
    assert_eq!(jobs.samples.len(), 4, "two _total and two _created samples");
    let ex = jobs.samples[0].exemplar().expect("an exemplar");
    assert_eq!(
        (ex.labels[0].1.as_str(), ex.value, ex.timestamp),
        (
            "4bf92f3577b34da6a3ce929d0e0e4736",
            1.0,
            Some(1_700_000_000.5)
        )
    );
    let buckets = parsed
        .family("modern_job_duration_seconds")
        .expect("the histogram family");
    assert_eq!(
        buckets
            .samples
            .iter()
            .filter(|s| s.exemplar().is_some())
            .count(),
        2
    );

    // Protobuf: decoded with the generated messages.
    let bytes = reg.encode(Format::Protobuf);
    let mut rest = bytes.as_slice();
    let mut families = Vec::new();
    while !rest.is_empty() {
        families.push(client::MetricFamily::decode_length_delimited(&mut rest).expect("decodes"));
    }
    let names: Vec<&str> = families.iter().filter_map(|f| f.name.as_deref()).collect();
    assert_eq!(
        names,
        [
            "modern_job_duration_seconds",
            "modern_jobs_total",
            "modern_offset",
            "modern_payload_bytes",
            "modern_workers_busy"
        ]
    );
    let start = metrics_runtime::process_start_seconds();
    let created = metrics_runtime::proto::Timestamp::from_seconds(start);
    for f in &mut families {
        for m in &mut f.metric {
            if let Some(c) = &mut m.counter {
                assert_eq!(c.created_timestamp, Some(created));
                c.created_timestamp = None;
            }
            if let Some(h) = &mut m.histogram {
                assert_eq!(h.created_timestamp, Some(created));
                h.created_timestamp = None;
            }
        }
    }
    let label = |n: &str, v: &str| client::LabelPair {
        name: Some(n.into()),
        value: Some(v.into()),
    };
    let ts = |ms: i64| metrics_runtime::proto::Timestamp {
        seconds: ms / 1000,
        nanos: ((ms % 1000) * 1_000_000) as i32,
    };
    let jobs = client::MetricFamily {
        name: Some("modern_jobs_total".into()),
        help: Some("Jobs run, by outcome.".into()),
        r#type: Some(client::MetricType::Counter as i32),
        metric: vec![
            client::Metric {
                label: vec![label("outcome", "ok")],
                counter: Some(client::Counter {
                    value: Some(4.0),
                    exemplar: Some(client::Exemplar {
                        label: vec![label("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736")],
                        value: Some(1.0),
                        timestamp: Some(ts(1_700_000_000_500)),
                    }),
                    created_timestamp: None,
                }),
                ..Default::default()
            },
            client::Metric {
                label: vec![label("outcome", "failed")],
                counter: Some(client::Counter {
                    value: Some(1.0),
                    exemplar: None,
                    created_timestamp: None,
                }),
                ..Default::default()
            },
        ],
        unit: None,
    };
    assert_eq!(families[1], jobs);
    let busy = client::MetricFamily {
        name: Some("modern_workers_busy".into()),
        help: Some("Workers busy now.".into()),
        r#type: Some(client::MetricType::Gauge as i32),
        metric: vec![client::Metric {
            gauge: Some(client::Gauge { value: Some(2.0) }),
            ..Default::default()
        }],
        unit: None,
    };
    assert_eq!(families[4], busy);
    // The native-only histogram, field by field.
    let payload = families[3].metric[0].histogram.clone().expect("histogram");
    assert_eq!(families[3].unit.as_deref(), Some("bytes"));
    assert_eq!(payload.sample_count, Some(7));
    assert_eq!(payload.schema, Some(2));
    assert_eq!(payload.zero_threshold, Some(0.5));
    assert_eq!(payload.zero_count, Some(2));
    // No classic buckets but `+Inf`, written for its exemplar (where Prometheus 2.42 reads the
    // exemplars of a native histogram).
    let inf: Vec<(Option<u64>, Option<f64>, bool)> = payload
        .bucket
        .iter()
        .map(|b| (b.cumulative_count, b.upper_bound, b.exemplar.is_some()))
        .collect();
    assert_eq!(inf, [(Some(7), Some(f64::INFINITY), true)]);
    // 3 (key 7), 5 (key 10: the gap of two is filled, as client_golang does), 100 (key 27),
    // 1024 (key 40), 1e9 (clamped into the range's last key, 80).
    let spans: Vec<(i32, u32)> = payload
        .positive_span
        .iter()
        .map(|s| (s.offset.unwrap_or(0), s.length.unwrap_or(0)))
        .collect();
    assert_eq!(spans, [(7, 4), (16, 1), (12, 1), (39, 1)]);
    assert_eq!(payload.positive_delta, [1, -1, 0, 1, 0, 0, 0]);
    assert_eq!(payload.exemplars.len(), 1);
    assert_eq!(payload.exemplars[0].value, Some(100.0));
    // The classic and native histogram: classic buckets with their exemplars (`+Inf` written
    // for its exemplar), the native buckets reduced to at most 4.
    let both = families[0].metric[0].histogram.clone().expect("histogram");
    let classic: Vec<(Option<u64>, Option<f64>, bool)> = both
        .bucket
        .iter()
        .map(|b| (b.cumulative_count, b.upper_bound, b.exemplar.is_some()))
        .collect();
    assert_eq!(
        classic,
        [
            (Some(1), Some(0.1), false),
            (Some(4), Some(1.0), true),
            (Some(6), Some(f64::INFINITY), true)
        ]
    );
    assert_eq!(both.schema, Some(-2));
    assert_eq!(both.sample_count, Some(6));
    assert_eq!(both.exemplars.len(), 2);
    let signed = families[2].metric[0].histogram.clone().expect("histogram");
    // -3 (key 4 at schema 1) and -0.5 (key -2) in the negative buckets, 2 (key 2) positive.
    assert_eq!(signed.negative_span.len(), 2);
    assert_eq!(signed.negative_delta, [1, 0]);
    assert_eq!(signed.zero_count, Some(1));
    // An untouched native series is still native: a no-op span.
    let empty = families[0].metric[1].histogram.clone().expect("histogram");
    assert_eq!(empty.positive_span.len(), 1);
    assert_eq!(empty.positive_span[0].length, Some(0));
    insta::assert_snapshot!("modern_protobuf", format!("{families:#?}"));
}

#[test]
fn negotiation_as_prometheus_sends_it() {
    // Prometheus 2.42 with `--enable-feature=native-histograms`.
    let native = "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.7,text/plain;version=0.0.4;q=0.3,*/*;q=0.1";
    assert_eq!(Format::negotiate(Some(native)), Format::Protobuf);
    // What Debian's Prometheus 2.42 sends with `--enable-feature=native-histograms` (seen on
    // the wire): protobuf without a quality, OpenMetrics and text after it.
    let seen = "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited,application/openmetrics-text;version=1.0.0;q=0.8,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
    assert_eq!(Format::negotiate(Some(seen)), Format::Protobuf);
    assert_eq!(
        Format::Protobuf.content_type(),
        "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited"
    );
    // Prometheus 2.x default, and Prometheus 3's with escaping.
    let om = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
    assert_eq!(Format::negotiate(Some(om)), Format::OpenMetrics);
    let p3 = "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,application/openmetrics-text;version=0.0.1;q=0.5,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2";
    assert_eq!(Format::negotiate(Some(p3)), Format::OpenMetrics);
    // A text/plain 1.0.0 request with escaping gets text 0.0.4, which Prometheus reads.
    assert_eq!(
        Format::negotiate(Some("text/plain;version=1.0.0;escaping=underscores")),
        Format::Text
    );
    // A protobuf range without the delimited encoding is not ours to answer.
    assert_eq!(
        Format::negotiate(Some(
            "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;q=0.9,text/plain;q=0.1"
        )),
        Format::Text
    );
    // A registry with a hand-written `prometheus` registry writes text whatever is asked.
    let hand = registry();
    assert_eq!(hand.format_for(Format::Protobuf), Format::Protobuf);
}
