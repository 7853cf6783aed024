//! Encoding: 10 000 counter series plus 1 000 histogram series (11 buckets) in each crate,
//! with the same names, label values and values; then ours and the peers at 100, 10 000 and
//! 100 000 counter series to show how encode time grows.
//!
//! Every crate writes into a buffer that is reused across iterations (cleared, capacity kept),
//! which is what a server does; `ours_encode_text` is the convenience call that allocates a
//! fresh `String` each time, for comparison.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use measured::text::BufferedTextEncoder;
use metrics_bench::{meas, ours, pc, prom, sample_lines};
use prometheus::Encoder as _;

fn prometheus_text(reg: &prometheus::Registry, out: &mut Vec<u8>) {
    out.clear();
    prometheus::TextEncoder::new()
        .encode(&reg.gather(), out)
        .expect("encodes");
}

fn pc_text(reg: &prometheus_client::registry::Registry, out: &mut String) {
    out.clear();
    prometheus_client::encoding::text::encode(out, reg).expect("encodes");
}

fn measured_text<G: measured::MetricGroup<BufferedTextEncoder>>(
    g: &G,
    enc: &mut BufferedTextEncoder,
) -> bytes::Bytes {
    g.collect_group_into(enc).expect("encodes");
    enc.finish()
}

fn encode_10k_1k(c: &mut Criterion) {
    let ours_reg = ours::encode_fixture();
    let prom_reg = prom::encode_fixture();
    let pc_reg = pc::encode_fixture();
    let meas_group = meas::encode_fixture();

    // Not a timing: every crate writes the same number of samples (10 000 counter lines,
    // 1 000 x (12 buckets + sum + count) histogram lines), so the comparison is like for like.
    let mut buf = Vec::new();
    ours_reg.encode_into(&mut buf);
    let expected = 10_000 + 1_000 * 14;
    assert_eq!(sample_lines(&buf), expected, "ours");
    let mut pbuf = Vec::new();
    prometheus_text(&prom_reg, &mut pbuf);
    assert_eq!(sample_lines(&pbuf), expected, "prometheus");
    let mut pcbuf = String::new();
    pc_text(&pc_reg, &mut pcbuf);
    assert_eq!(
        sample_lines(pcbuf.as_bytes()),
        expected,
        "prometheus-client"
    );
    let mut menc = BufferedTextEncoder::new();
    let mtext = measured_text(&meas_group, &mut menc);
    assert_eq!(sample_lines(&mtext), expected, "measured");
    // The same sample lines, byte for byte, as prometheus' (which sorts series by labels).
    let mut ours_lines: Vec<&[u8]> = buf.split(|&b| b == b'\n').collect();
    let mut prom_lines: Vec<&[u8]> = pbuf.split(|&b| b == b'\n').collect();
    ours_lines.retain(|l| !l.is_empty() && l[0] != b'#');
    prom_lines.retain(|l| !l.is_empty() && l[0] != b'#');
    ours_lines.sort_unstable();
    prom_lines.sort_unstable();
    assert!(
        ours_lines == prom_lines,
        "ours and prometheus expose different samples"
    );

    let mut g = c.benchmark_group("encode_10k_counters_1k_histograms");
    g.throughput(Throughput::Elements(expected as u64));
    g.bench_function("ours", |b| {
        b.iter(|| {
            buf.clear();
            ours_reg.encode_into(&mut buf);
            black_box(buf.len())
        })
    });
    g.bench_function("ours_encode_text", |b| {
        b.iter(|| black_box(ours_reg.encode_text()))
    });
    g.bench_function("prometheus", |b| {
        b.iter(|| {
            prometheus_text(&prom_reg, &mut pbuf);
            black_box(pbuf.len())
        })
    });
    g.bench_function("prometheus_client", |b| {
        b.iter(|| {
            pc_text(&pc_reg, &mut pcbuf);
            black_box(pcbuf.len())
        })
    });
    g.bench_function("measured", |b| {
        b.iter(|| black_box(measured_text(&meas_group, &mut menc)))
    });
    g.finish();
}

/// The protobuf exposition of the same 10k+1k set (issue 14): ours against our text encode
/// (at most 1.0x) and against prometheus-client's protobuf encoder (at most 0.5x).
fn encode_protobuf(c: &mut Criterion) {
    use prost::Message as _;
    let ours_reg = ours::encode_fixture();
    let pc_reg = pc::encode_fixture();

    // Not a timing: ours decodes to the same 11 000 metrics in two families.
    let mut buf = Vec::new();
    ours_reg.encode_into_as(&mut buf, metrics_runtime::Format::Protobuf);
    let mut rest = buf.as_slice();
    let mut metrics = 0;
    while !rest.is_empty() {
        let f = metrics_runtime::proto::client::MetricFamily::decode_length_delimited(&mut rest)
            .expect("ours decodes");
        metrics += f.metric.len();
    }
    assert_eq!(metrics, 11_000, "ours");
    let theirs = prometheus_client::encoding::prometheus_protobuf::encode_to_vec(&pc_reg)
        .expect("prometheus-client encodes");
    let mut rest = theirs.as_slice();
    let mut metrics = 0;
    while !rest.is_empty() {
        let f = metrics_runtime::proto::client::MetricFamily::decode_length_delimited(&mut rest)
            .expect("prometheus-client decodes");
        metrics += f.metric.len();
    }
    assert_eq!(metrics, 11_000, "prometheus-client");
    println!(
        "encode_protobuf: ours {} bytes, prometheus-client {} bytes, ours as text {} bytes",
        buf.len(),
        theirs.len(),
        {
            let mut t = Vec::new();
            ours_reg.encode_into(&mut t);
            t.len()
        }
    );

    let mut g = c.benchmark_group("encode_protobuf");
    g.throughput(Throughput::Elements(11_000));
    g.bench_function("ours", |b| {
        b.iter(|| {
            buf.clear();
            ours_reg.encode_into_as(&mut buf, metrics_runtime::Format::Protobuf);
            black_box(buf.len())
        })
    });
    let mut text = Vec::new();
    g.bench_function("ours_text", |b| {
        b.iter(|| {
            text.clear();
            ours_reg.encode_into(&mut text);
            black_box(text.len())
        })
    });
    g.bench_function("prometheus_client", |b| {
        b.iter(|| {
            black_box(
                prometheus_client::encoding::prometheus_protobuf::encode_to_vec(&pc_reg)
                    .expect("encodes")
                    .len(),
            )
        })
    });
    g.finish();
}

const SCALES: [usize; 3] = [100, 10_000, 100_000];

fn encode_scaling(c: &mut Criterion) {
    let mut g = c.benchmark_group("encode_scaling");
    // prometheus takes ~0.4 s at 100k series: flat sampling keeps the group to minutes.
    g.sample_size(20);
    g.sampling_mode(criterion::SamplingMode::Flat);
    for n in SCALES {
        g.throughput(Throughput::Elements(n as u64));

        let reg = ours::scale_fixture(n);
        let mut buf = Vec::new();
        reg.encode_into(&mut buf);
        assert_eq!(sample_lines(&buf), n, "ours at {n}");
        g.bench_with_input(BenchmarkId::new("ours", n), &n, |b, _| {
            b.iter(|| {
                buf.clear();
                reg.encode_into(&mut buf);
                black_box(buf.len())
            })
        });

        let reg = pc::scale_fixture(n);
        let mut s = String::new();
        pc_text(&reg, &mut s);
        assert_eq!(sample_lines(s.as_bytes()), n, "prometheus-client at {n}");
        g.bench_with_input(BenchmarkId::new("prometheus_client", n), &n, |b, _| {
            b.iter(|| {
                pc_text(&reg, &mut s);
                black_box(s.len())
            })
        });

        let mut enc = BufferedTextEncoder::new();
        let mut measured_case = |text: bytes::Bytes, run: &mut dyn FnMut() -> bytes::Bytes| {
            assert_eq!(sample_lines(&text), n, "measured at {n}");
            g.bench_with_input(BenchmarkId::new("measured", n), &n, |b, _| {
                b.iter(|| black_box(run()))
            });
        };
        match n {
            100 => {
                let m = meas::scale_100();
                let first = measured_text(&m, &mut enc);
                measured_case(first, &mut || measured_text(&m, &mut enc));
            }
            10_000 => {
                let m = meas::scale_10k();
                let first = measured_text(&m, &mut enc);
                measured_case(first, &mut || measured_text(&m, &mut enc));
            }
            _ => {
                let m = meas::scale_100k();
                let first = measured_text(&m, &mut enc);
                measured_case(first, &mut || measured_text(&m, &mut enc));
            }
        }

        let reg = prom::scale_fixture(n);
        let mut pbuf = Vec::new();
        prometheus_text(&reg, &mut pbuf);
        assert_eq!(sample_lines(&pbuf), n, "prometheus at {n}");
        g.bench_with_input(BenchmarkId::new("prometheus", n), &n, |b, _| {
            b.iter(|| {
                prometheus_text(&reg, &mut pbuf);
                black_box(pbuf.len())
            })
        });
    }
    g.finish();
}

criterion_group!(benches, encode_10k_1k, encode_protobuf, encode_scaling);
criterion_main!(benches);
