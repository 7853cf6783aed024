//! Two threads each increment one series ten million times while a third encodes: the total is
//! exact and every encode parses with
//! the checker's strict parser, its counters never go backwards and its histogram is consistent.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use metrics_exposition as exposition;
use metrics_runtime::{LabelValue, MetricFamily, Registry};

/// Which side of the test recorded.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Left,
    Right,
}

/// Increments under contention.
#[derive(MetricFamily)]
#[metric(counter, name = "conc_increments_total")]
pub struct Increments {
    pub side: Side,
}

/// One shared series.
#[derive(MetricFamily)]
#[metric(counter, name = "conc_shared_total")]
pub struct Shared;

/// Observations under contention.
#[derive(MetricFamily)]
#[metric(histogram, name = "conc_observed_seconds", unit = "seconds", buckets = [0.5, 1.0])]
pub struct Observed;

/// A gauge moved up and down.
#[derive(MetricFamily)]
#[metric(gauge, name = "conc_level")]
pub struct Level;

const N: u64 = 10_000_000;

#[test]
fn two_threads_ten_million_increments_each_with_concurrent_encodes() {
    let mut reg = Registry::new();
    reg.register::<Increments>().expect("new");
    reg.register::<Shared>().expect("new");
    reg.register::<Observed>().expect("new");
    reg.register::<Level>().expect("new");
    let done = Arc::new(AtomicBool::new(false));
    let encoder = {
        let done = Arc::clone(&done);
        std::thread::spawn(move || {
            let mut encodes = 0u64;
            let mut last_shared = 0u64;
            while !done.load(Ordering::Relaxed) {
                let text = reg.encode_text();
                // Every encode parses with the checker's strict parser.
                let parsed = exposition::parse(&text)
                    .unwrap_or_else(|e| panic!("encode #{encodes} does not parse: {e}"));
                let value = |family: &str, sample: &str, le: Option<&str>| {
                    parsed
                        .family(family)
                        .and_then(|f| {
                            f.samples
                                .iter()
                                .find(|s| s.name == sample && s.label("le") == le)
                        })
                        .map(|s| s.value)
                        .unwrap_or_else(|| panic!("{sample} missing from encode #{encodes}"))
                };
                let shared = value("conc_shared_total", "conc_shared_total", None) as u64;
                assert!(shared >= last_shared, "a counter went backwards");
                last_shared = shared;
                // A histogram is consistent within one encode: buckets cumulative, and
                // `_count` is the `+Inf` bucket.
                let h = "conc_observed_seconds";
                let (b1, b2, inf) = (
                    value(h, "conc_observed_seconds_bucket", Some("0.5")),
                    value(h, "conc_observed_seconds_bucket", Some("1")),
                    value(h, "conc_observed_seconds_bucket", Some("+Inf")),
                );
                assert!(
                    b1 <= b2 && b2 <= inf,
                    "buckets not cumulative: {b1} {b2} {inf}"
                );
                assert_eq!(value(h, "conc_observed_seconds_count", None), inf);
                encodes += 1;
            }
            encodes
        })
    };
    let workers: Vec<_> = [Side::Left, Side::Right]
        .into_iter()
        .map(|side| {
            std::thread::spawn(move || {
                for i in 0..N {
                    Increments { side }.inc();
                    Shared.inc();
                    if i % 8 == 0 {
                        Observed.observe(0.75);
                        Level.inc();
                        Level.dec();
                    }
                }
            })
        })
        .collect();
    for w in workers {
        w.join().expect("worker");
    }
    done.store(true, Ordering::Relaxed);
    let encodes = encoder.join().expect("encoder");
    assert!(encodes > 0);
    assert_eq!(Increments { side: Side::Left }.get(), N);
    assert_eq!(Increments { side: Side::Right }.get(), N);
    assert_eq!(Shared.get(), 2 * N);
    let obs = Observed.get();
    assert_eq!(obs.count, 2 * N.div_ceil(8));
    assert_eq!(obs.buckets[0].1, 0);
    assert_eq!(obs.buckets[1].1, obs.count);
    assert!((obs.sum - 0.75 * obs.count as f64).abs() < 1e-6 * obs.sum);
    assert_eq!(Level.get(), 0.0);
    eprintln!("{encodes} concurrent encodes");
}

/// Counted by more threads than there are owned storage rows.
#[derive(MetricFamily)]
#[metric(counter, name = "conc_crowd_total")]
pub struct Crowd;

/// Observed by the same crowd.
#[derive(MetricFamily)]
#[metric(histogram, name = "conc_crowd_seconds", unit = "seconds", buckets = [0.5])]
pub struct CrowdObserved;

/// More live threads than owned rows (some record through the shared row with atomic adds),
/// then waves of short-lived threads that take over rows given back by exited ones: every
/// increment and observation is counted, exactly.
#[test]
fn more_threads_than_rows_and_reused_rows_lose_nothing() {
    const PER: u64 = 100_000;
    let threads = 3 * metrics_runtime::shard::OWNED_ROWS;
    let barrier = Arc::new(std::sync::Barrier::new(threads));
    let crowd: Vec<_> = (0..threads)
        .map(|_| {
            let b = Arc::clone(&barrier);
            std::thread::spawn(move || {
                b.wait();
                for i in 0..PER {
                    Crowd.inc();
                    CrowdObserved.observe(if i % 2 == 0 { 0.25 } else { 1.0 });
                }
            })
        })
        .collect();
    for t in crowd {
        t.join().expect("crowd thread");
    }
    for _wave in 0..10 {
        let wave: Vec<_> = (0..4)
            .map(|_| std::thread::spawn(|| Crowd.inc_by(PER)))
            .collect();
        for t in wave {
            t.join().expect("wave thread");
        }
    }
    let total = threads as u64 * PER + 10 * 4 * PER;
    assert_eq!(Crowd.get(), total);
    let h = CrowdObserved.get();
    assert_eq!(h.count, threads as u64 * PER);
    assert_eq!(h.buckets[0].1, threads as u64 * PER / 2);
    assert!((h.sum - threads as f64 * PER as f64 * 0.625).abs() < 1e-6 * h.sum);
}
