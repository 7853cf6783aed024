//! Reading what one test recorded while other tests record into the same families.
//!
//! A family's storage is process-wide, and `cargo test` runs tests on parallel threads of one
//! process, so an absolute value (`Requests { .. }.get() == 1`) depends on what other tests
//! recorded. Counters and histograms keep per-thread storage rows ([`crate::shard`]): a thread
//! that owns a row is the only one writing it, so the change of that row between two moments
//! is exactly what that thread recorded. [`ThreadDelta`] reads that.
//!
//! ```
//! use metrics_runtime::{LabelValue, MetricFamily, testing::ThreadDelta};
//!
//! /// How a request ended.
//! #[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
//! pub enum Outcome { Ok, Error }
//!
//! /// Requests handled, by outcome.
//! #[derive(MetricFamily)]
//! #[metric(counter, name = "doc_handled_total")]
//! pub struct Handled { pub outcome: Outcome }
//!
//! fn handle() { Handled { outcome: Outcome::Ok }.inc() }
//!
//! let seen = ThreadDelta::start();
//! handle();
//! handle();
//! // Exact, whatever other threads record into `Handled` meanwhile.
//! assert_eq!(seen.counter(&Handled { outcome: Outcome::Ok }), 2);
//! assert_eq!(seen.counter(&Handled { outcome: Outcome::Error }), 0);
//! ```
//!
//! What it guarantees, and what it does not:
//!
//! - It counts what **the calling thread** records, after [`ThreadDelta::start`]: exactly,
//!   whatever other threads record into the same series. Work that runs on other threads
//!   (spawned threads, a multi-threaded Tokio runtime's workers) is not in it; a
//!   `#[tokio::test]` runs its tasks on the test thread by default, so they are.
//! - Counters and histograms only. A gauge holds one value per series for the whole process
//!   (a `set` is a value, not a sum), so nothing can tell one test's part of it: give such a
//!   test label values or a family no other test touches, or run it in its own process
//!   (`cargo nextest run`).
//! - [`crate::Family::reset`] of a family while a delta over it is open makes that delta
//!   meaningless; reset only in tests that own the process.

use core::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::family::{Family, HistogramSnapshot, Slots};
use crate::registry::FAMILIES;
use crate::shard::OWNED_ROWS;
use crate::{MetricFamily, MetricKind};

/// How long [`ThreadDelta::start`] waits for a storage row of its own when more threads than
/// there are owned rows are recording.
const WAIT_FOR_ROW: Duration = Duration::from_secs(30);

/// What the calling thread recorded into counters and histograms since
/// [`ThreadDelta::start`]. See the [module docs](self) for what it guarantees.
#[derive(Debug)]
pub struct ThreadDelta {
    row: usize,
    /// This thread's row of every linked counter and histogram at the start: counts, then
    /// (histograms) bucket counts and the sums' bits.
    start: Vec<(&'static Family, Box<[u64]>)>,
}

fn row_of(family: &Family, row: usize) -> Option<Box<[u64]>> {
    let sets = family.descriptor().label_sets;
    let load = |s: &[AtomicU64], from: usize, len: usize| -> Vec<u64> {
        s.iter()
            .skip(from)
            .take(len)
            .map(|a| a.load(Ordering::Relaxed))
            .collect()
    };
    match family.slots() {
        Slots::Counter(s) => Some(load(s, row * sets, sets).into_boxed_slice()),
        Slots::Histogram { buckets, sums } => {
            let width = family.descriptor().buckets.len() + 1;
            let mut v = load(buckets, row * sets * width, sets * width);
            v.extend(load(sums, row * sets, sets));
            Some(v.into_boxed_slice())
        }
        Slots::Gauge(_) => None,
    }
}

impl ThreadDelta {
    /// Starts reading what this thread records from now on, into any linked counter or
    /// histogram.
    ///
    /// # Panics
    ///
    /// When this thread cannot get a storage row of its own within 30 seconds: more than 8
    /// threads kept recording all that time. Its readings would then include other threads'
    /// recordings, so it refuses rather than give a wrong number.
    pub fn start() -> Self {
        let Some(row) = crate::shard::own_row(WAIT_FOR_ROW) else {
            panic!(
                "ThreadDelta: no storage row of its own for this thread: more than {OWNED_ROWS} threads kept recording for {}s; run fewer tests at once (--test-threads) or this test in its own process",
                WAIT_FOR_ROW.as_secs()
            )
        };
        let start = FAMILIES
            .iter()
            .filter_map(|f| row_of(f, row).map(|r| (*f, r)))
            .collect();
        ThreadDelta { row, start }
    }

    fn rows<F: MetricFamily>(&self, kind: MetricKind) -> (&'static Family, &[u64], Box<[u64]>) {
        let family = F::family();
        let d = family.descriptor();
        assert!(
            d.kind == kind,
            "`{}` is a {}: ThreadDelta::{} reads {kind}s",
            d.name,
            d.kind,
            if kind == MetricKind::Counter {
                "counter"
            } else {
                "histogram"
            }
        );
        let before = self
            .start
            .iter()
            .find(|(f, _)| core::ptr::eq(*f, family))
            .map_or(&[][..], |(_, r)| &r[..]);
        let now = row_of(family, self.row).unwrap_or_default();
        (family, before, now)
    }

    /// What this thread added to the counter series `labels` since the start.
    ///
    /// # Panics
    ///
    /// When `F` is not a counter, or is a counter of seconds (read it with
    /// [`ThreadDelta::counter_f64`]).
    pub fn counter<F: MetricFamily>(&self, labels: &F) -> u64 {
        let (family, before, now) = self.rows::<F>(MetricKind::Counter);
        assert!(
            !family.descriptor().float_counter(),
            "`{}` counts seconds as floats: read it with ThreadDelta::counter_f64",
            family.name()
        );
        let i = labels.series_index();
        let at = |r: &[u64]| r.get(i).copied().unwrap_or(0);
        at(&now).wrapping_sub(at(before))
    }

    /// What this thread added to the counter series `labels` since the start, as a float:
    /// the seconds of a counter of seconds, the count of any other counter.
    ///
    /// # Panics
    ///
    /// When `F` is not a counter.
    pub fn counter_f64<F: MetricFamily>(&self, labels: &F) -> f64 {
        let (family, before, now) = self.rows::<F>(MetricKind::Counter);
        let i = labels.series_index();
        let at = |r: &[u64]| r.get(i).copied().unwrap_or(0);
        if family.descriptor().float_counter() {
            f64::from_bits(at(&now)) - f64::from_bits(at(before))
        } else {
            at(&now).wrapping_sub(at(before)) as f64
        }
    }

    /// What this thread observed into the histogram series `labels` since the start:
    /// cumulative buckets (the bounds in force, then `+Inf`), count and sum.
    ///
    /// # Panics
    ///
    /// When `F` is not a histogram.
    pub fn histogram<F: MetricFamily>(&self, labels: &F) -> HistogramSnapshot {
        let (family, before, now) = self.rows::<F>(MetricKind::Histogram);
        let d = family.descriptor();
        let width = d.buckets.len() + 1;
        let i = labels.series_index();
        let at = |r: &[u64], j: usize| r.get(j).copied().unwrap_or(0);
        let bounds = family.buckets();
        let mut snap = HistogramSnapshot {
            buckets: Vec::with_capacity(bounds.len() + 1),
            count: 0,
            sum: 0.0,
        };
        let mut cumulative = 0u64;
        for b in 0..=bounds.len() {
            let j = i * width + b;
            cumulative = cumulative.wrapping_add(at(&now, j).wrapping_sub(at(before, j)));
            snap.buckets
                .push((bounds.get(b).copied().unwrap_or(f64::INFINITY), cumulative));
        }
        snap.count = cumulative;
        let sum_at = d.label_sets * width + i;
        snap.sum = f64::from_bits(at(&now, sum_at)) - f64::from_bits(at(before, sum_at));
        snap
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{LabelValue, MetricFamily};

    /// Which side.
    #[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
    enum Side {
        Left,
        Right,
    }

    /// Test counter.
    #[derive(MetricFamily)]
    #[metric(counter, name = "testing_delta_total")]
    struct Hits {
        side: Side,
    }

    /// Test histogram.
    #[derive(MetricFamily)]
    #[metric(histogram, name = "testing_delta_seconds", unit = "seconds", buckets = [0.1, 1.0])]
    struct Latency;

    #[test]
    fn other_threads_do_not_disturb_the_reading() {
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let noise: Vec<_> = (0..3)
            .map(|_| {
                let stop = std::sync::Arc::clone(&stop);
                std::thread::spawn(move || {
                    while !stop.load(Ordering::Relaxed) {
                        Hits { side: Side::Left }.inc();
                        Latency.observe(0.5);
                    }
                })
            })
            .collect();
        let seen = ThreadDelta::start();
        for _ in 0..1000 {
            Hits { side: Side::Left }.inc();
        }
        Latency.observe(0.05);
        Latency.observe(2.0);
        assert_eq!(seen.counter(&Hits { side: Side::Left }), 1000);
        assert_eq!(seen.counter(&Hits { side: Side::Right }), 0);
        let h = seen.histogram(&Latency);
        assert_eq!(h.count, 2);
        assert_eq!(h.buckets, [(0.1, 1), (1.0, 1), (f64::INFINITY, 2)]);
        assert!((h.sum - 2.05).abs() < 1e-9);
        stop.store(true, Ordering::Relaxed);
        for t in noise {
            t.join().unwrap_or_default();
        }
        assert!(Hits { side: Side::Left }.get() >= 1000);
    }

    /// Test counter of seconds.
    #[derive(MetricFamily)]
    #[metric(counter, name = "testing_busy_seconds_total")]
    struct Busy;

    #[test]
    fn a_counter_of_seconds_reads_as_a_float() {
        let seen = ThreadDelta::start();
        Busy.inc_by(0.25);
        Busy.inc_by_duration(std::time::Duration::from_millis(500));
        Busy.inc_by(-1.0);
        assert!((seen.counter_f64(&Busy) - 0.75).abs() < 1e-12);
        assert!(Busy.get() >= 0.75);
    }

    #[test]
    #[should_panic(expected = "is a histogram: ThreadDelta::counter reads counters")]
    fn a_reading_of_the_wrong_kind_says_so() {
        ThreadDelta::start().counter(&Latency);
    }
}
