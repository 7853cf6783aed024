//! A counter of seconds (`unit = "seconds"`, or a name ending in `_seconds_total`) counts
//! fractions of a second: `inc_by(0.25)`. Its slots hold `f64` bits, and every exposition
//! writes the float: text, OpenMetrics, protobuf, and the `prometheus` crate's collector.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use metrics_runtime::{Format, LabelValue, MetricFamily, Registry};

/// Which mode the CPU ran in.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    User,
    System,
}

/// CPU time spent, by mode.
#[derive(MetricFamily)]
#[metric(counter, name = "float_cpu_seconds_total", unit = "seconds")]
pub struct CpuSeconds {
    pub mode: Mode,
}

/// Time spent waiting: a counter of seconds by its name alone.
#[derive(MetricFamily)]
#[metric(counter, name = "float_wait_seconds_total")]
pub struct WaitSeconds;

/// Time spent idle: read by the protobuf test only.
#[derive(MetricFamily)]
#[metric(counter, name = "float_idle_seconds_total")]
pub struct IdleSeconds;

/// Jobs run: a counter of whole counts, unchanged.
#[derive(MetricFamily)]
#[metric(counter, name = "float_jobs_total")]
pub struct Jobs;

fn registry() -> Registry {
    let mut r = Registry::new();
    r.register::<CpuSeconds>().unwrap();
    r.register::<WaitSeconds>().unwrap();
    r.register::<Jobs>().unwrap();
    r.register::<IdleSeconds>().unwrap();
    r
}

#[test]
fn fractions_of_a_second_add_up_and_are_exposed_as_floats() {
    let user = CpuSeconds { mode: Mode::User };
    user.inc_by(0.25);
    user.inc_by(0.5);
    user.inc_by_duration(std::time::Duration::from_millis(250));
    // A counter never goes down: a negative or NaN amount is dropped and counted.
    let invalid = metrics_runtime::invalid_observations();
    user.inc_by(-1.0);
    user.inc_by(f64::NAN);
    assert!(metrics_runtime::invalid_observations() >= invalid + 2);
    assert_eq!(user.get(), 1.0);
    WaitSeconds.inc_by(1.5);
    Jobs.inc_by(3);
    assert_eq!(Jobs.get(), 3);
    assert!(<CpuSeconds as MetricFamily>::DESCRIPTOR.float_counter());
    assert!(<WaitSeconds as MetricFamily>::DESCRIPTOR.float_counter());
    assert!(!<Jobs as MetricFamily>::DESCRIPTOR.float_counter());

    let text = String::from_utf8(registry().encode(Format::Text)).unwrap();
    assert!(
        text.contains("float_cpu_seconds_total{mode=\"user\"} 1\n"),
        "{text}"
    );
    assert!(text.contains("float_wait_seconds_total 1.5\n"), "{text}");
    assert!(text.contains("float_jobs_total 3\n"), "{text}");
    let om = String::from_utf8(registry().encode(Format::OpenMetrics)).unwrap();
    assert!(om.contains("float_wait_seconds_total 1.5\n"), "{om}");
}

#[cfg(feature = "prometheus")]
#[test]
fn the_prometheus_collector_reads_the_float() {
    use prometheus::core::Collector;
    CpuSeconds { mode: Mode::System }.inc_by(0.0625);
    let c = CpuSeconds::collector().unwrap();
    let families = c.collect();
    let value = families[0]
        .get_metric()
        .iter()
        .find(|m| m.get_label()[0].value() == "system")
        .map(|m| m.get_counter().get_value());
    assert!(
        value.is_some_and(|v| v >= 0.0625 && v.fract() != 0.0),
        "{value:?}"
    );
}

#[cfg(feature = "protobuf")]
#[test]
fn protobuf_carries_the_float() {
    use metrics_runtime::proto::client;
    use prost::Message;
    IdleSeconds.inc_by(0.25);
    let bytes = registry().encode(Format::Protobuf);
    let mut rest = bytes.as_slice();
    let mut found = None;
    while !rest.is_empty() {
        let f = client::MetricFamily::decode_length_delimited(&mut rest).unwrap();
        if f.name.as_deref() == Some("float_idle_seconds_total") {
            found = f
                .metric
                .first()
                .and_then(|m| m.counter.as_ref())
                .and_then(|c| c.value);
        }
    }
    assert_eq!(found, Some(0.25));
}
