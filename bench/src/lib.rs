//! Shared fixtures of the benchmarks: the same label sets and families declared in each crate
//! under test (ours, `prometheus`, `prometheus-client`, `measured`), and the code that fills
//! them with identical data. The benches in `benches/` only time; `src/bin/ratios.rs` turns
//! criterion's medians into the tables of `BENCHMARKS.md`.

// Wide label enums (100 and 10 values) per crate, written by build.rs.
include!(concat!(env!("OUT_DIR"), "/labels.rs"));

/// The upper bounds every histogram of these benchmarks uses: Prometheus' defaults.
pub const BUCKETS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// The value observed by the recording benchmarks: lands in the fourth bucket (`le="0.05"`),
/// so every crate does the same four bound comparisons.
pub const OBSERVED: f64 = 0.042;

/// The counted lines of an exposition: samples, not comments.
pub fn sample_lines(text: &[u8]) -> usize {
    text.split(|&b| b == b'\n')
        .filter(|l| !l.is_empty() && l[0] != b'#')
        .count()
}

/// Ours: label enums and families as a component author writes them.
pub mod ours {
    use metrics_runtime::{LabelValue, MetricFamily, Registry};

    pub use crate::ours_l10::L10;
    pub use crate::ours_l100::L100;

    /// HTTP method.
    #[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Method {
        Get,
        Post,
        Put,
        Delete,
    }

    /// Response class.
    #[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Status {
        #[label(rename = "2xx")]
        Success,
        #[label(rename = "3xx")]
        Redirect,
        #[label(rename = "4xx")]
        ClientError,
        #[label(rename = "5xx")]
        ServerError,
    }

    /// Route template.
    #[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Handler {
        Orgs,
        Org,
        Deploys,
        Instances,
        Token,
        Health,
        Metrics,
        Unmatched,
    }

    /// Requests served (3 labels: the recording benchmark).
    #[derive(MetricFamily)]
    #[metric(counter, name = "bench_requests_total")]
    pub struct Requests {
        pub method: Method,
        pub status: Status,
        pub handler: Handler,
    }

    /// Request latency (2 labels: the recording benchmark).
    #[derive(MetricFamily)]
    #[metric(histogram, name = "bench_request_duration_seconds", unit = "seconds",
             buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0])]
    pub struct Latency {
        pub method: Method,
        pub status: Status,
    }

    /// Request latency as a native histogram only (2 labels, schema 3): the native recording
    /// benchmark.
    #[derive(MetricFamily)]
    #[metric(histogram, name = "bench_request_duration_native_seconds", unit = "seconds",
             native(schema = 3, max_buckets = 160), max_series = 3000)]
    pub struct LatencyNative {
        pub method: Method,
        pub status: Status,
    }

    /// Request latency with classic buckets and a native histogram.
    #[derive(MetricFamily)]
    #[metric(histogram, name = "bench_request_duration_both_seconds", unit = "seconds",
             buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0],
             native(schema = 3, max_buckets = 160), max_series = 3000)]
    pub struct LatencyBoth {
        pub method: Method,
        pub status: Status,
    }

    /// Requests, recorded with an exemplar (the exemplar benchmark has its own family).
    #[derive(MetricFamily)]
    #[metric(counter, name = "bench_exemplar_requests_total")]
    pub struct ExemplarRequests {
        pub method: Method,
        pub status: Status,
        pub handler: Handler,
    }

    /// Latency, recorded with an exemplar.
    #[derive(MetricFamily)]
    #[metric(histogram, name = "bench_exemplar_duration_seconds", unit = "seconds",
             buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0])]
    pub struct ExemplarLatency {
        pub method: Method,
        pub status: Status,
    }

    /// One series hammered from two threads (the contention benchmark has a family of its own
    /// so the single-thread numbers are not recorded into the same line).
    #[derive(MetricFamily)]
    #[metric(counter, name = "bench_contended_total")]
    pub struct Contended {
        pub method: Method,
        pub status: Status,
        pub handler: Handler,
    }

    /// 10 000 counter series.
    #[derive(MetricFamily)]
    #[metric(counter, name = "bench_enc_counter_total", max_series = 10000)]
    pub struct EncCounter {
        pub a: L100,
        pub b: L100,
    }

    /// 1 000 histogram series (label sets) of 11 buckets: 14 000 samples.
    #[derive(MetricFamily)]
    #[metric(histogram, name = "bench_enc_histogram_seconds", unit = "seconds", max_series = 14000,
             buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0])]
    pub struct EncHistogram {
        pub a: L100,
        pub c: L10,
    }

    /// 100 counter series.
    #[derive(MetricFamily)]
    #[metric(counter, name = "bench_scale_100_total")]
    pub struct Scale100 {
        pub a: L100,
    }

    /// 10 000 counter series.
    #[derive(MetricFamily)]
    #[metric(counter, name = "bench_scale_10k_total", max_series = 10000)]
    pub struct Scale10k {
        pub a: L100,
        pub b: L100,
    }

    /// 100 000 counter series.
    #[derive(MetricFamily)]
    #[metric(counter, name = "bench_scale_100k_total", max_series = 100000)]
    pub struct Scale100k {
        pub a: L100,
        pub b: L100,
        pub c: L10,
    }

    /// The 10k counters + 1k histograms, recorded with the shared data pattern.
    pub fn encode_fixture() -> Registry {
        for (i, a) in L100::VALUES.iter().enumerate() {
            for (j, b) in L100::VALUES.iter().enumerate() {
                EncCounter { a: *a, b: *b }.inc_by((i * 100 + j) as u64 + 1);
            }
            for c in L10::VALUES {
                for v in crate::fixture_observations(i) {
                    EncHistogram { a: *a, c: *c }.observe(v);
                }
            }
        }
        let mut r = Registry::new();
        r.register::<EncCounter>().expect("new registry");
        r.register::<EncHistogram>().expect("new registry");
        r
    }

    /// A registry of one counter family of `series` series (100, 10 000 or 100 000), every
    /// series recorded.
    pub fn scale_fixture(series: usize) -> Registry {
        let mut r = Registry::new();
        let mut n = 0u64;
        match series {
            100 => {
                for a in L100::VALUES {
                    n += 1;
                    Scale100 { a: *a }.inc_by(n);
                }
                r.register::<Scale100>().expect("new registry");
            }
            10_000 => {
                for a in L100::VALUES {
                    for b in L100::VALUES {
                        n += 1;
                        Scale10k { a: *a, b: *b }.inc_by(n);
                    }
                }
                r.register::<Scale10k>().expect("new registry");
            }
            100_000 => {
                for a in L100::VALUES {
                    for b in L100::VALUES {
                        for c in L10::VALUES {
                            n += 1;
                            Scale100k {
                                a: *a,
                                b: *b,
                                c: *c,
                            }
                            .inc_by(n);
                        }
                    }
                }
                r.register::<Scale100k>().expect("new registry");
            }
            _ => panic!("scale_fixture: 100, 10_000 or 100_000 series"),
        }
        r
    }
}

/// Three observations per histogram series, spread over the buckets by the series' index.
pub fn fixture_observations(i: usize) -> [f64; 3] {
    [
        BUCKETS[i % 11] * 0.9,
        BUCKETS[(i + 5) % 11] * 0.9,
        20.0, // +Inf
    ]
}

/// The `prometheus` crate (0.14): string label values, `*Vec` families in a registry.
pub mod prom {
    use prometheus::{HistogramOpts, HistogramVec, IntCounterVec, Opts, Registry};

    pub const METHOD: [&str; 4] = ["get", "post", "put", "delete"];
    pub const STATUS: [&str; 4] = ["2xx", "3xx", "4xx", "5xx"];

    pub fn requests() -> IntCounterVec {
        IntCounterVec::new(
            Opts::new("bench_requests_total", "Requests served."),
            &["method", "status", "handler"],
        )
        .expect("valid counter")
    }

    pub fn latency() -> HistogramVec {
        HistogramVec::new(
            HistogramOpts::new("bench_request_duration_seconds", "Request latency.")
                .buckets(crate::BUCKETS.to_vec()),
            &["method", "status"],
        )
        .expect("valid histogram")
    }

    pub fn encode_fixture() -> Registry {
        let r = Registry::new();
        let c = IntCounterVec::new(
            Opts::new("bench_enc_counter_total", "10 000 counter series."),
            &["a", "b"],
        )
        .expect("valid");
        let h = HistogramVec::new(
            HistogramOpts::new(
                "bench_enc_histogram_seconds",
                "1 000 histogram series (label sets) of 11 buckets: 14 000 samples.",
            )
            .buckets(crate::BUCKETS.to_vec()),
            &["a", "c"],
        )
        .expect("valid");
        for (i, a) in crate::NAMES_100.iter().enumerate() {
            for (j, b) in crate::NAMES_100.iter().enumerate() {
                c.with_label_values(&[a, b])
                    .inc_by((i * 100 + j) as u64 + 1);
            }
            for cc in crate::NAMES_10 {
                let s = h.with_label_values(&[a, &cc]);
                for v in crate::fixture_observations(i) {
                    s.observe(v);
                }
            }
        }
        r.register(Box::new(c)).expect("new registry");
        r.register(Box::new(h)).expect("new registry");
        r
    }

    pub fn scale_fixture(series: usize) -> Registry {
        let r = Registry::new();
        let labels: &[&str] = match series {
            100 => &["a"],
            10_000 => &["a", "b"],
            100_000 => &["a", "b", "c"],
            _ => panic!("scale_fixture: 100, 10_000 or 100_000 series"),
        };
        let c =
            IntCounterVec::new(Opts::new("bench_scale_total", "Scaling."), labels).expect("valid");
        let mut n = 0u64;
        for a in crate::NAMES_100 {
            if series == 100 {
                n += 1;
                c.with_label_values(&[a]).inc_by(n);
                continue;
            }
            for b in crate::NAMES_100 {
                if series == 10_000 {
                    n += 1;
                    c.with_label_values(&[a, b]).inc_by(n);
                    continue;
                }
                for cc in crate::NAMES_10 {
                    n += 1;
                    c.with_label_values(&[a, b, cc]).inc_by(n);
                }
            }
        }
        r.register(Box::new(c)).expect("new registry");
        r
    }
}

/// `prometheus-client` (0.25): label sets derived with `EncodeLabelSet`, values with
/// `EncodeLabelValue`, `Family` of metrics.
pub mod pc {
    use prometheus_client::encoding::{EncodeLabelSet, EncodeLabelValue};
    use prometheus_client::metrics::counter::Counter;
    use prometheus_client::metrics::family::Family;
    use prometheus_client::metrics::histogram::Histogram;
    use prometheus_client::registry::Registry;

    pub use crate::pc_l10::L10;
    pub use crate::pc_l100::L100;

    #[derive(Clone, Copy, Debug, Hash, PartialEq, Eq, EncodeLabelValue)]
    pub enum Method {
        Get,
        Post,
        Put,
        Delete,
    }

    #[derive(Clone, Copy, Debug, Hash, PartialEq, Eq, EncodeLabelValue)]
    pub enum Status {
        Success,
        Redirect,
        ClientError,
        ServerError,
    }

    #[derive(Clone, Copy, Debug, Hash, PartialEq, Eq, EncodeLabelValue)]
    pub enum Handler {
        Orgs,
        Org,
        Deploys,
        Instances,
        Token,
        Health,
        Metrics,
        Unmatched,
    }

    #[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
    pub struct RequestLabels {
        pub method: Method,
        pub status: Status,
        pub handler: Handler,
    }

    #[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
    pub struct LatencyLabels {
        pub method: Method,
        pub status: Status,
    }

    pub type HistogramFamily<S> = Family<S, Histogram, fn() -> Histogram>;

    pub fn histogram() -> Histogram {
        Histogram::new(crate::BUCKETS)
    }

    pub fn latency() -> HistogramFamily<LatencyLabels> {
        Family::new_with_constructor(histogram)
    }

    #[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
    pub struct Ab {
        pub a: L100,
        pub b: L100,
    }

    #[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
    pub struct Ac {
        pub a: L100,
        pub c: L10,
    }

    #[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
    pub struct A {
        pub a: L100,
    }

    #[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
    pub struct Abc {
        pub a: L100,
        pub b: L100,
        pub c: L10,
    }

    pub fn encode_fixture() -> Registry {
        let mut r = Registry::default();
        let c = Family::<Ab, Counter>::default();
        let h: HistogramFamily<Ac> = Family::new_with_constructor(histogram);
        for (i, a) in L100::ALL.iter().enumerate() {
            for (j, b) in L100::ALL.iter().enumerate() {
                c.get_or_create(&Ab { a: *a, b: *b })
                    .inc_by((i * 100 + j) as u64 + 1);
            }
            for cc in L10::ALL {
                let s = h.get_or_create(&Ac { a: *a, c: cc });
                for v in crate::fixture_observations(i) {
                    s.observe(v);
                }
            }
        }
        // prometheus-client appends `_total` to counters itself.
        r.register("bench_enc_counter", "10 000 counter series.", c);
        r.register(
            "bench_enc_histogram_seconds",
            "1 000 histogram series (label sets) of 11 buckets: 14 000 samples.",
            h,
        );
        r
    }

    pub fn scale_fixture(series: usize) -> Registry {
        let mut r = Registry::default();
        let mut n = 0u64;
        match series {
            100 => {
                let c = Family::<A, Counter>::default();
                for a in L100::ALL {
                    n += 1;
                    c.get_or_create(&A { a }).inc_by(n);
                }
                r.register("bench_scale", "Scaling.", c);
            }
            10_000 => {
                let c = Family::<Ab, Counter>::default();
                for a in L100::ALL {
                    for b in L100::ALL {
                        n += 1;
                        c.get_or_create(&Ab { a, b }).inc_by(n);
                    }
                }
                r.register("bench_scale", "Scaling.", c);
            }
            100_000 => {
                let c = Family::<Abc, Counter>::default();
                for a in L100::ALL {
                    for b in L100::ALL {
                        for cc in L10::ALL {
                            n += 1;
                            c.get_or_create(&Abc { a, b, c: cc }).inc_by(n);
                        }
                    }
                }
                r.register("bench_scale", "Scaling.", c);
            }
            _ => panic!("scale_fixture: 100, 10_000 or 100_000 series"),
        }
        r
    }
}

/// `measured` (0.0.x): `FixedCardinalityLabel` enums, `LabelGroup` structs, metric vecs in a
/// `MetricGroup`.
pub mod meas {
    use measured::metric::histogram::Thresholds;
    use measured::{CounterVec, FixedCardinalityLabel, HistogramVec, LabelGroup, MetricGroup};

    pub use crate::measured_l10::L10;
    pub use crate::measured_l100::L100;

    #[derive(FixedCardinalityLabel, Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Method {
        Get,
        Post,
        Put,
        Delete,
    }

    #[derive(FixedCardinalityLabel, Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Status {
        #[label(rename = "2xx")]
        Success,
        #[label(rename = "3xx")]
        Redirect,
        #[label(rename = "4xx")]
        ClientError,
        #[label(rename = "5xx")]
        ServerError,
    }

    #[derive(FixedCardinalityLabel, Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Handler {
        Orgs,
        Org,
        Deploys,
        Instances,
        Token,
        Health,
        Metrics,
        Unmatched,
    }

    #[derive(LabelGroup, Clone, Copy)]
    #[label(set = RequestSet)]
    pub struct RequestLabels {
        pub method: Method,
        pub status: Status,
        pub handler: Handler,
    }

    #[derive(LabelGroup, Clone, Copy)]
    #[label(set = LatencySet)]
    pub struct LatencyLabels {
        pub method: Method,
        pub status: Status,
    }

    pub fn requests() -> CounterVec<RequestSet> {
        CounterVec::dense()
    }

    pub fn latency() -> HistogramVec<LatencySet, 11> {
        HistogramVec::dense_with_metadata(Thresholds::with_buckets(crate::BUCKETS))
    }

    #[derive(LabelGroup, Clone, Copy)]
    #[label(set = AbSet)]
    pub struct Ab {
        pub a: L100,
        pub b: L100,
    }

    #[derive(LabelGroup, Clone, Copy)]
    #[label(set = AcSet)]
    pub struct Ac {
        pub a: L100,
        pub c: L10,
    }

    #[derive(LabelGroup, Clone, Copy)]
    #[label(set = ASet)]
    pub struct A {
        pub a: L100,
    }

    #[derive(LabelGroup, Clone, Copy)]
    #[label(set = AbcSet)]
    pub struct Abc {
        pub a: L100,
        pub b: L100,
        pub c: L10,
    }

    #[derive(MetricGroup)]
    pub struct EncodeGroup {
        /// 10 000 counter series.
        pub bench_enc_counter_total: CounterVec<AbSet>,
        /// 1 000 histogram series (label sets) of 11 buckets: 14 000 samples.
        pub bench_enc_histogram_seconds: HistogramVec<AcSet, 11>,
    }

    pub fn encode_fixture() -> EncodeGroup {
        let g = EncodeGroup {
            bench_enc_counter_total: CounterVec::dense(),
            bench_enc_histogram_seconds: HistogramVec::dense_with_metadata(
                Thresholds::with_buckets(crate::BUCKETS),
            ),
        };
        for i in 0..100 {
            let a = L100::decode(i);
            for j in 0..100 {
                let b = L100::decode(j);
                g.bench_enc_counter_total
                    .inc_by(Ab { a, b }, (i * 100 + j) as u64 + 1);
            }
            for c in 0..10 {
                let c = L10::decode(c);
                for v in crate::fixture_observations(i) {
                    g.bench_enc_histogram_seconds.observe(Ac { a, c }, v);
                }
            }
        }
        g
    }

    #[derive(MetricGroup)]
    pub struct Scale100 {
        /// Scaling.
        pub bench_scale_total: CounterVec<ASet>,
    }

    #[derive(MetricGroup)]
    pub struct Scale10k {
        /// Scaling.
        pub bench_scale_total: CounterVec<AbSet>,
    }

    #[derive(MetricGroup)]
    pub struct Scale100k {
        /// Scaling.
        pub bench_scale_total: CounterVec<AbcSet>,
    }

    pub fn scale_100() -> Scale100 {
        let g = Scale100 {
            bench_scale_total: CounterVec::dense(),
        };
        for i in 0..100 {
            g.bench_scale_total
                .inc_by(A { a: L100::decode(i) }, i as u64 + 1);
        }
        g
    }

    pub fn scale_10k() -> Scale10k {
        let g = Scale10k {
            bench_scale_total: CounterVec::dense(),
        };
        let mut n = 0;
        for i in 0..100 {
            for j in 0..100 {
                n += 1;
                g.bench_scale_total.inc_by(
                    Ab {
                        a: L100::decode(i),
                        b: L100::decode(j),
                    },
                    n,
                );
            }
        }
        g
    }

    pub fn scale_100k() -> Scale100k {
        let g = Scale100k {
            bench_scale_total: CounterVec::dense(),
        };
        let mut n = 0;
        for i in 0..100 {
            for j in 0..100 {
                for k in 0..10 {
                    n += 1;
                    g.bench_scale_total.inc_by(
                        Abc {
                            a: L100::decode(i),
                            b: L100::decode(j),
                            c: L10::decode(k),
                        },
                        n,
                    );
                }
            }
        }
        g
    }
}
