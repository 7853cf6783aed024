//! Recording: one labelled increment, one labelled histogram observation, and one series
//! incremented from two threads, in each crate, in one run.
//!
//! Label values go through `black_box` so no crate gets its index or hash folded at compile
//! time; each measured call is what an instrumented hot path writes.

use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use metrics_bench::{OBSERVED, meas, ours, pc, prom};

static BARE: AtomicU64 = AtomicU64::new(0);
static SHARED: AtomicU64 = AtomicU64::new(0);

fn counter_3_labels(c: &mut Criterion) {
    let mut g = c.benchmark_group("counter_3_labels");

    g.bench_function("bare_atomic", |b| {
        b.iter(|| black_box(&BARE).fetch_add(black_box(1), Ordering::Relaxed))
    });

    g.bench_function("ours", |b| {
        b.iter(|| {
            ours::Requests {
                method: black_box(ours::Method::Post),
                status: black_box(ours::Status::ClientError),
                handler: black_box(ours::Handler::Deploys),
            }
            .inc()
        })
    });

    let pv = prom::requests();
    g.bench_function("prometheus", |b| {
        b.iter(|| {
            pv.with_label_values(&[black_box("post"), black_box("4xx"), black_box("deploys")])
                .inc()
        })
    });

    let cached = pv.with_label_values(&["post", "4xx", "deploys"]);
    g.bench_function("prometheus_cached", |b| b.iter(|| black_box(&cached).inc()));

    let pcf = prometheus_client::metrics::family::Family::<
        pc::RequestLabels,
        prometheus_client::metrics::counter::Counter,
    >::default();
    g.bench_function("prometheus_client", |b| {
        b.iter(|| {
            pcf.get_or_create(&pc::RequestLabels {
                method: black_box(pc::Method::Post),
                status: black_box(pc::Status::ClientError),
                handler: black_box(pc::Handler::Deploys),
            })
            .inc()
        })
    });

    let mv = meas::requests();
    g.bench_function("measured", |b| {
        b.iter(|| {
            mv.inc(meas::RequestLabels {
                method: black_box(meas::Method::Post),
                status: black_box(meas::Status::ClientError),
                handler: black_box(meas::Handler::Deploys),
            })
        })
    });
    g.finish();
}

fn histogram_2_labels(c: &mut Criterion) {
    let mut g = c.benchmark_group("histogram_2_labels");

    g.bench_function("ours", |b| {
        b.iter(|| {
            ours::Latency {
                method: black_box(ours::Method::Post),
                status: black_box(ours::Status::ClientError),
            }
            .observe(black_box(OBSERVED))
        })
    });

    let pv = prom::latency();
    g.bench_function("prometheus", |b| {
        b.iter(|| {
            pv.with_label_values(&[black_box("post"), black_box("4xx")])
                .observe(black_box(OBSERVED))
        })
    });

    // The cached child: no labels to resolve, the target for ours.
    let cached = pv.with_label_values(&["post", "4xx"]);
    g.bench_function("prometheus_cached", |b| {
        b.iter(|| black_box(&cached).observe(black_box(OBSERVED)))
    });

    let pcf = pc::latency();
    g.bench_function("prometheus_client", |b| {
        b.iter(|| {
            pcf.get_or_create(&pc::LatencyLabels {
                method: black_box(pc::Method::Post),
                status: black_box(pc::Status::ClientError),
            })
            .observe(black_box(OBSERVED))
        })
    });

    let mv = meas::latency();
    g.bench_function("measured", |b| {
        b.iter(|| {
            mv.observe(
                meas::LatencyLabels {
                    method: black_box(meas::Method::Post),
                    status: black_box(meas::Status::ClientError),
                },
                black_box(OBSERVED),
            )
        })
    });
    g.finish();
}

/// Native histogram recording beside the classic one it is held to (issue 14: at most
/// 1.5x): the same labels and value, classic only, native only (schema 3), and both.
fn native_histogram(c: &mut Criterion) {
    let mut g = c.benchmark_group("native_histogram");
    g.bench_function("ours_classic", |b| {
        b.iter(|| {
            ours::Latency {
                method: black_box(ours::Method::Post),
                status: black_box(ours::Status::ClientError),
            }
            .observe(black_box(OBSERVED))
        })
    });
    g.bench_function("ours_native", |b| {
        b.iter(|| {
            ours::LatencyNative {
                method: black_box(ours::Method::Post),
                status: black_box(ours::Status::ClientError),
            }
            .observe(black_box(OBSERVED))
        })
    });
    g.bench_function("ours_classic_and_native", |b| {
        b.iter(|| {
            ours::LatencyBoth {
                method: black_box(ours::Method::Post),
                status: black_box(ours::Status::ClientError),
            }
            .observe(black_box(OBSERVED))
        })
    });
    g.finish();
    paired_native();
}

/// Observations per timed batch of the paired native measurement.
const NATIVE_BATCH: u32 = 1_000_000;

fn classic_batch() -> Duration {
    let t0 = Instant::now();
    for _ in 0..NATIVE_BATCH {
        ours::Latency {
            method: black_box(ours::Method::Post),
            status: black_box(ours::Status::ClientError),
        }
        .observe(black_box(OBSERVED));
    }
    t0.elapsed()
}

fn native_batch() -> Duration {
    let t0 = Instant::now();
    for _ in 0..NATIVE_BATCH {
        ours::LatencyNative {
            method: black_box(ours::Method::Post),
            status: black_box(ours::Status::ClientError),
        }
        .observe(black_box(OBSERVED));
    }
    t0.elapsed()
}

/// Native against classic, batch for batch (as `paired_contention` does): criterion measures
/// the two seconds apart, and on a shared machine the load changes in between by more than
/// the difference judged. Each round times one batch of each back to back, in alternating
/// order; the median per-round ratio is the figure. Written to
/// `<criterion dir>/native_histogram/paired.json` for `ratios`.
fn paired_native() {
    let mut ratios = Vec::with_capacity(PAIRED_ROUNDS);
    for round in 0..PAIRED_ROUNDS {
        let (c, n) = if round % 2 == 0 {
            let c = classic_batch();
            (c, native_batch())
        } else {
            let n = native_batch();
            (classic_batch(), n)
        };
        ratios.push(n.as_secs_f64() / c.as_secs_f64());
    }
    ratios.sort_by(f64::total_cmp);
    let (r, lo, hi) = (
        ratios[PAIRED_ROUNDS / 2],
        ratios[PAIRED_ROUNDS / 4],
        ratios[3 * PAIRED_ROUNDS / 4],
    );
    println!(
        "native_histogram/paired: {PAIRED_ROUNDS} alternating rounds of {NATIVE_BATCH} observations; native / classic per round: median {r:.3}, quartiles {lo:.3}..{hi:.3}"
    );
    let dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::PathBuf::from("target"))
        .join("criterion")
        .join("native_histogram");
    let json = format!(
        "{{\"rounds\":{PAIRED_ROUNDS},\"ratio_median\":{r},\"ratio_p25\":{lo},\"ratio_p75\":{hi}}}\n"
    );
    if std::fs::create_dir_all(&dir).is_ok() {
        let _ = std::fs::write(dir.join("paired.json"), json);
    }
}

/// Recording with an exemplar and without one, side by side (issue 14): the without case is
/// what `counter_3_labels` and `histogram_2_labels` measure, on families of their own.
fn exemplars(c: &mut Criterion) {
    let ex = metrics_runtime::Exemplar::trace_id("4bf92f3577b34da6a3ce929d0e0e4736")
        .expect("a valid trace id");
    let mut g = c.benchmark_group("exemplar");
    g.bench_function("counter_without", |b| {
        b.iter(|| {
            ours::ExemplarRequests {
                method: black_box(ours::Method::Post),
                status: black_box(ours::Status::ClientError),
                handler: black_box(ours::Handler::Deploys),
            }
            .inc()
        })
    });
    g.bench_function("counter_with", |b| {
        b.iter(|| {
            ours::ExemplarRequests {
                method: black_box(ours::Method::Post),
                status: black_box(ours::Status::ClientError),
                handler: black_box(ours::Handler::Deploys),
            }
            .inc_with_exemplar(black_box(&ex))
        })
    });
    g.bench_function("histogram_without", |b| {
        b.iter(|| {
            ours::ExemplarLatency {
                method: black_box(ours::Method::Post),
                status: black_box(ours::Status::ClientError),
            }
            .observe(black_box(OBSERVED))
        })
    });
    g.bench_function("histogram_with", |b| {
        b.iter(|| {
            ours::ExemplarLatency {
                method: black_box(ours::Method::Post),
                status: black_box(ours::Status::ClientError),
            }
            .observe_with_exemplar(black_box(OBSERVED), black_box(&ex))
        })
    });
    g.finish();
}

/// Increments per timed batch, split evenly over the two threads.
const BATCH: u64 = 1_000_000;

/// Times `iters` batches of [`BATCH`] calls of `op`, half on each of two threads. Both
/// threads spin until the other is ready, so they start within nanoseconds of each other
/// rather than a scheduler wake-up apart; a batch's time runs from the first thread's start
/// to the last one's end, measured by the threads themselves (start-up is outside it).
fn two_threads(iters: u64, op: &(dyn Fn() + Sync)) -> Duration {
    let mut total = Duration::ZERO;
    for _ in 0..iters {
        let ready = AtomicU64::new(0);
        let spans: [(Instant, Instant); 2] = std::thread::scope(|s| {
            let worker = || {
                ready.fetch_add(1, Ordering::AcqRel);
                while ready.load(Ordering::Acquire) < 2 {
                    std::hint::spin_loop();
                }
                let t0 = Instant::now();
                for _ in 0..BATCH / 2 {
                    op();
                }
                (t0, Instant::now())
            };
            let a = s.spawn(worker);
            let b = s.spawn(worker);
            [
                a.join().expect("worker thread"),
                b.join().expect("worker thread"),
            ]
        });
        let first = spans[0].0.min(spans[1].0);
        let last = spans[0].1.max(spans[1].1);
        total += last - first;
    }
    total
}

fn same_series_2_threads(c: &mut Criterion) {
    let mut g = c.benchmark_group("same_series_2_threads");
    // Batches take milliseconds and two busy threads on a 2-core machine meet every
    // scheduling hiccup: more samples make the median steadier.
    g.sample_size(30);
    g.throughput(criterion::Throughput::Elements(BATCH));

    g.bench_function("shared_atomic", |b| {
        b.iter_custom(|iters| two_threads(iters, &shared_inc))
    });

    g.bench_function("ours", |b| {
        b.iter_custom(|iters| two_threads(iters, &ours_contended_inc))
    });

    let pv = prom::requests();
    g.bench_function("prometheus", |b| {
        b.iter_custom(|iters| {
            two_threads(iters, &|| {
                pv.with_label_values(&[black_box("get"), black_box("2xx"), black_box("orgs")])
                    .inc()
            })
        })
    });

    let pcf = prometheus_client::metrics::family::Family::<
        pc::RequestLabels,
        prometheus_client::metrics::counter::Counter,
    >::default();
    g.bench_function("prometheus_client", |b| {
        b.iter_custom(|iters| {
            two_threads(iters, &|| {
                pcf.get_or_create(&pc::RequestLabels {
                    method: black_box(pc::Method::Get),
                    status: black_box(pc::Status::Success),
                    handler: black_box(pc::Handler::Orgs),
                })
                .inc();
            })
        })
    });

    let mv = meas::requests();
    g.bench_function("measured", |b| {
        b.iter_custom(|iters| {
            two_threads(iters, &|| {
                mv.inc(meas::RequestLabels {
                    method: black_box(meas::Method::Get),
                    status: black_box(meas::Status::Success),
                    handler: black_box(meas::Handler::Orgs),
                })
            })
        })
    });
    g.finish();

    // Not a timing: every increment landed (a lost update would make the comparison moot).
    let ours_total = ours::Contended {
        method: ours::Method::Get,
        status: ours::Status::Success,
        handler: ours::Handler::Orgs,
    }
    .get();
    assert_eq!(ours_total % BATCH, 0, "ours lost increments");
    assert_eq!(SHARED.load(Ordering::Relaxed) % BATCH, 0);

    paired_contention();
}

fn shared_inc() {
    black_box(&SHARED).fetch_add(black_box(1), Ordering::Relaxed);
}

fn ours_contended_inc() {
    ours::Contended {
        method: black_box(ours::Method::Get),
        status: black_box(ours::Status::Success),
        handler: black_box(ours::Handler::Orgs),
    }
    .inc()
}

/// Rounds of the paired measurement.
const PAIRED_ROUNDS: usize = 101;

/// Ours against the shared atomic, batch for batch: criterion measures the two one after the
/// other, seconds apart, and on a shared 2-core machine the load changes in between by more
/// than the difference being judged. Here each round times one batch of each, back to back,
/// in alternating order, and the per-round ratio's median is the figure for the target.
/// Written to `<criterion dir>/same_series_2_threads/paired.json` for `ratios`.
fn paired_contention() {
    let mut ratios = Vec::with_capacity(PAIRED_ROUNDS);
    let (mut ours_ns, mut shared_ns) = (Vec::new(), Vec::new());
    for round in 0..PAIRED_ROUNDS {
        let (o, s) = if round % 2 == 0 {
            let s = two_threads(1, &shared_inc);
            (two_threads(1, &ours_contended_inc), s)
        } else {
            let o = two_threads(1, &ours_contended_inc);
            (o, two_threads(1, &shared_inc))
        };
        ratios.push(o.as_secs_f64() / s.as_secs_f64());
        ours_ns.push(o.as_secs_f64() * 1e9);
        shared_ns.push(s.as_secs_f64() * 1e9);
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (r, o, s) = (
        median(&mut ratios),
        median(&mut ours_ns),
        median(&mut shared_ns),
    );
    let (r_p25, r_p75) = (ratios[PAIRED_ROUNDS / 4], ratios[3 * PAIRED_ROUNDS / 4]);
    println!(
        "same_series_2_threads/paired: {PAIRED_ROUNDS} alternating rounds, ours {:.3} ms, shared atomic {:.3} ms per batch (medians); ours / shared per round: median {r:.3}, quartiles {r_p25:.3}..{r_p75:.3}",
        o / 1e6,
        s / 1e6
    );
    let dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::PathBuf::from("target"))
        .join("criterion")
        .join("same_series_2_threads");
    let json = format!(
        "{{\"rounds\":{PAIRED_ROUNDS},\"ratio_median\":{r},\"ratio_p25\":{r_p25},\"ratio_p75\":{r_p75},\"ours_median_ns\":{o},\"shared_median_ns\":{s}}}\n"
    );
    if std::fs::create_dir_all(&dir).is_ok() {
        let _ = std::fs::write(dir.join("paired.json"), json);
    }
}

criterion_group!(
    benches,
    counter_3_labels,
    histogram_2_labels,
    native_histogram,
    exemplars,
    same_series_2_threads
);
criterion_main!(benches);
