//! Reads criterion's medians (`<criterion dir>/**/new/estimates.json`) from one run and prints
//! the tables of `BENCHMARKS.md`: every benchmark's median, its ratio to ours, and the issue's
//! targets as ratios with whether each is met.
//!
//! `cargo run --release --bin ratios [-- CRITERION_DIR]`; the directory defaults to
//! `$CARGO_TARGET_DIR/criterion`, else `target/criterion`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// `group/function[/parameter]` -> median in nanoseconds.
type Medians = BTreeMap<String, f64>;

fn collect(dir: &Path, out: &mut Medians) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if !p.is_dir() {
            continue;
        }
        if p.file_name().is_some_and(|n| n == "new") {
            let (Ok(est), Ok(meta)) = (
                std::fs::read_to_string(p.join("estimates.json")),
                std::fs::read_to_string(p.join("benchmark.json")),
            ) else {
                continue;
            };
            let (Ok(est), Ok(meta)) = (
                serde_json::from_str::<serde_json::Value>(&est),
                serde_json::from_str::<serde_json::Value>(&meta),
            ) else {
                continue;
            };
            let median = est["median"]["point_estimate"].as_f64();
            let id = meta["full_id"].as_str();
            if let (Some(m), Some(id)) = (median, id) {
                out.insert(id.to_string(), m);
            }
        } else {
            collect(&p, out);
        }
    }
}

fn human(ns: f64) -> String {
    if ns < 1e3 {
        format!("{ns:.2} ns")
    } else if ns < 1e6 {
        format!("{:.2} µs", ns / 1e3)
    } else if ns < 1e9 {
        format!("{:.2} ms", ns / 1e6)
    } else {
        format!("{:.2} s", ns / 1e9)
    }
}

fn group_table(m: &Medians, group: &str, baseline: &str, note: &str) {
    let mut rows: Vec<(&str, f64)> = m
        .iter()
        .filter_map(|(k, v)| k.strip_prefix(group)?.strip_prefix('/').map(|f| (f, *v)))
        .collect();
    // Ours first, then the baselines, then the peers fastest first.
    rows.sort_by(|a, b| {
        let rank = |f: &str| match f {
            _ if f == "ours" => 0,
            _ if f.starts_with("ours") => 1,
            _ if f.contains("atomic") || f == baseline => 2,
            _ => 3,
        };
        (rank(a.0), a.1)
            .partial_cmp(&(rank(b.0), b.1))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    if rows.is_empty() {
        return;
    }
    println!("### `{group}`\n");
    if !note.is_empty() {
        println!("{note}\n");
    }
    let base = m.get(&format!("{group}/{baseline}")).copied();
    println!("| implementation | median | ÷ {baseline} |");
    println!("| --- | ---: | ---: |");
    for (f, v) in rows {
        let ratio = base.map_or("".to_string(), |b| format!("{:.2}x", v / b));
        println!("| {f} | {} | {ratio} |", human(v));
    }
    println!();
}

fn scaling_table(m: &Medians) {
    let sizes = [100u32, 10_000, 100_000];
    let mut impls: Vec<&str> = m
        .keys()
        .filter_map(|k| k.strip_prefix("encode_scaling/"))
        .filter_map(|k| k.rsplit_once('/').map(|(f, _)| f))
        .collect();
    impls.dedup();
    impls.sort_by_key(|i| (*i != "ours", *i));
    impls.dedup();
    if impls.is_empty() {
        return;
    }
    println!("### `encode_scaling` (one counter family)\n");
    println!(
        "| implementation | 100 series | 10 000 series | 100 000 series | per series at 100 / 10k / 100k | 100k ÷ 10k per series |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: |");
    for i in impls {
        let t: Vec<Option<f64>> = sizes
            .iter()
            .map(|n| m.get(&format!("encode_scaling/{i}/{n}")).copied())
            .collect();
        let cell = |x: Option<f64>| x.map_or("–".to_string(), human);
        let per: Vec<String> = t
            .iter()
            .zip(sizes)
            .map(|(x, n)| x.map_or("–".to_string(), |x| format!("{:.1}", x / f64::from(n))))
            .collect();
        let growth = match (t[1], t[2]) {
            (Some(a), Some(b)) => format!("{:.2}", (b / 100_000.0) / (a / 10_000.0)),
            _ => "–".to_string(),
        };
        println!(
            "| {i} | {} | {} | {} | {} ns | {growth} |",
            cell(t[0]),
            cell(t[1]),
            cell(t[2]),
            per.join(" / ")
        );
    }
    println!();
}

struct Target {
    what: &'static str,
    num: &'static str,
    den: &'static str,
    limit: f64,
    /// Per-series time growth rather than a plain ratio of medians.
    per_series: bool,
}

/// The paired contention measurement `benches/record.rs` writes beside criterion's results.
fn paired(dir: &Path) -> Option<serde_json::Value> {
    let text = std::fs::read_to_string(dir.join("same_series_2_threads/paired.json")).ok()?;
    serde_json::from_str(&text).ok()
}

/// The paired native-vs-classic measurement `benches/record.rs` writes.
fn paired_native(dir: &Path) -> Option<serde_json::Value> {
    let text = std::fs::read_to_string(dir.join("native_histogram/paired.json")).ok()?;
    serde_json::from_str(&text).ok()
}

/// A JSON file the scrape bench writes beside criterion's results.
fn read_json(dir: &Path, path: &str) -> Option<serde_json::Value> {
    let text = std::fs::read_to_string(dir.join(path)).ok()?;
    serde_json::from_str(&text).ok()
}

/// The gzip targets of issue 14: wire bytes of a gzipped scrape of the catalog against the
/// uncompressed body (`scrape_gzip/wire.json`), and the paired time ratio
/// (`scrape_gzip/paired.json`).
fn gzip_rows(wire: Option<&serde_json::Value>, paired: Option<&serde_json::Value>) {
    if let Some(p) = paired
        && let (Some(r), Some(lo), Some(hi), Some(n)) = (
            p["ratio_median"].as_f64(),
            p["ratio_p25"].as_f64(),
            p["ratio_p75"].as_f64(),
            p["rounds"].as_u64(),
        )
    {
        let met = if r <= 3.0 { "yes" } else { "**no**" };
        println!(
            "| the same, paired: median of {n} per-round ratios of 20 encode-then-gzips to 20 encodes, back to back in alternating order (quartiles {lo:.2}x..{hi:.2}x) | {r:.2}x | ≤ 3.0x | {met} |"
        );
    }
    if let Some(w) = wire
        && let (Some(t), Some(tg), Some(p), Some(pg)) = (
            w["text"].as_f64(),
            w["text_gzip"].as_f64(),
            w["protobuf"].as_f64(),
            w["protobuf_gzip"].as_f64(),
        )
    {
        let r = tg / t;
        let met = if r <= 0.15 { "yes" } else { "**no**" };
        println!(
            "| gzip scrape of the catalog (text): wire bytes vs the uncompressed body ({tg} of {t} bytes) (issue 14) | {r:.3}x | ≤ 0.15x | {met} |"
        );
        let r = pg / p;
        let met = if r <= 0.15 { "yes" } else { "**no**" };
        println!(
            "| the same in protobuf, as Prometheus scrapes with native histograms ({pg} of {p} bytes) | {r:.3}x | ≤ 0.15x | {met} |"
        );
    }
}

fn targets(
    m: &Medians,
    paired: Option<&serde_json::Value>,
    native: Option<&serde_json::Value>,
    gzip_wire: Option<&serde_json::Value>,
    gzip_paired: Option<&serde_json::Value>,
) {
    let list = [
        Target {
            what: "labelled increment (3 enum labels) vs bare `AtomicU64::fetch_add`",
            num: "counter_3_labels/ours",
            den: "counter_3_labels/bare_atomic",
            limit: 1.3,
            per_series: false,
        },
        Target {
            what: "labelled increment vs measured `CounterVec`",
            num: "counter_3_labels/ours",
            den: "counter_3_labels/measured",
            limit: 0.8,
            per_series: false,
        },
        Target {
            what: "labelled histogram observe (2 labels) vs prometheus cached `Histogram::observe`",
            num: "histogram_2_labels/ours",
            den: "histogram_2_labels/prometheus_cached",
            limit: 1.0,
            per_series: false,
        },
        Target {
            what: "2-thread same-series increment vs a shared `static AtomicU64`",
            num: "same_series_2_threads/ours",
            den: "same_series_2_threads/shared_atomic",
            limit: 1.0,
            per_series: false,
        },
        Target {
            what: "encode 10k counters + 1k histograms vs prometheus-client",
            num: "encode_10k_counters_1k_histograms/ours",
            den: "encode_10k_counters_1k_histograms/prometheus_client",
            limit: 0.5,
            per_series: false,
        },
        Target {
            what: "encode 10k counters + 1k histograms vs measured",
            num: "encode_10k_counters_1k_histograms/ours",
            den: "encode_10k_counters_1k_histograms/measured",
            limit: 1.0,
            per_series: false,
        },
        Target {
            what: "protobuf encode of 10k counters + 1k histograms vs our text encode (issue 14)",
            num: "encode_protobuf/ours",
            den: "encode_protobuf/ours_text",
            limit: 1.0,
            per_series: false,
        },
        Target {
            what: "protobuf encode of the same vs prometheus-client's protobuf encode (issue 14)",
            num: "encode_protobuf/ours",
            den: "encode_protobuf/prometheus_client",
            limit: 0.5,
            per_series: false,
        },
        Target {
            what: "native histogram observe vs our classic observe (issue 14)",
            num: "native_histogram/ours_native",
            den: "native_histogram/ours_classic",
            limit: 1.5,
            per_series: false,
        },
        Target {
            what: "encode then gzip (level 1) of the catalog's text scrape vs its encode (issue 14)",
            num: "scrape_gzip/encode_gzip",
            den: "scrape_gzip/encode",
            limit: 3.0,
            per_series: false,
        },
        Target {
            what: "encode linear in series: time per series at 100k ÷ at 10k",
            num: "encode_scaling/ours/100000",
            den: "encode_scaling/ours/10000",
            limit: 1.2,
            per_series: true,
        },
    ];
    println!("### Targets (ratios of medians from this run)\n");
    println!("| target | ratio | limit | met |");
    println!("| --- | ---: | ---: | --- |");
    for t in list {
        let (Some(n), Some(d)) = (m.get(t.num), m.get(t.den)) else {
            println!(
                "| {} | not measured in this run | ≤ {:.1}x | – |",
                t.what, t.limit
            );
            continue;
        };
        let r = if t.per_series { (n / 10.0) / d } else { n / d };
        let met = if r <= t.limit { "yes" } else { "**no**" };
        println!("| {} | {r:.2}x | ≤ {:.1}x | {met} |", t.what, t.limit);
        if t.num == "native_histogram/ours_native"
            && let Some(p) = native
            && let (Some(r), Some(lo), Some(hi), Some(n)) = (
                p["ratio_median"].as_f64(),
                p["ratio_p25"].as_f64(),
                p["ratio_p75"].as_f64(),
                p["rounds"].as_u64(),
            )
        {
            let met = if r <= t.limit { "yes" } else { "**no**" };
            println!(
                "| the same, paired: median of {n} per-round ratios of 1M observations each, back to back in alternating order (quartiles {lo:.2}x..{hi:.2}x) | {r:.2}x | ≤ {:.1}x | {met} |",
                t.limit
            );
        }
        if t.num == "scrape_gzip/encode_gzip" {
            gzip_rows(gzip_wire, gzip_paired);
        }
        if t.num == "same_series_2_threads/ours"
            && let Some(p) = paired
            && let (Some(r), Some(lo), Some(hi), Some(n)) = (
                p["ratio_median"].as_f64(),
                p["ratio_p25"].as_f64(),
                p["ratio_p75"].as_f64(),
                p["rounds"].as_u64(),
            )
        {
            let met = if r <= t.limit { "yes" } else { "**no**" };
            println!(
                "| the same, paired: median of {n} per-round ratios, batches back to back in alternating order (quartiles {lo:.2}x..{hi:.2}x) | {r:.2}x | ≤ {:.1}x | {met} |",
                t.limit
            );
        }
    }
    println!();
}

fn main() {
    let dir = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            std::env::var_os("CARGO_TARGET_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from("target"))
                .join("criterion")
        });
    let mut m = Medians::new();
    collect(&dir, &mut m);
    if m.is_empty() {
        eprintln!(
            "no criterion results under {}; run `cargo bench` first",
            dir.display()
        );
        std::process::exit(1);
    }
    targets(
        &m,
        paired(&dir).as_ref(),
        paired_native(&dir).as_ref(),
        read_json(&dir, "scrape_gzip/wire.json").as_ref(),
        read_json(&dir, "scrape_gzip/paired.json").as_ref(),
    );
    group_table(
        &m,
        "counter_3_labels",
        "ours",
        "One increment of a counter with 3 enum labels (4 x 4 x 8 values); `bare_atomic` is `AtomicU64::fetch_add` alone, `prometheus_cached` a child looked up once.",
    );
    group_table(
        &m,
        "histogram_2_labels",
        "ours",
        "One observation (0.042, the fourth of 11 default buckets) into a histogram with 2 enum labels; `prometheus_cached` is a `Histogram` looked up once.",
    );
    group_table(
        &m,
        "same_series_2_threads",
        "ours",
        "1 000 000 increments of one series, 500 000 on each of two threads started together; the time of the whole batch.",
    );
    group_table(
        &m,
        "encode_10k_counters_1k_histograms",
        "ours",
        "Text exposition of 10 000 counter series and 1 000 histogram series of 11 buckets (24 000 sample lines), identical data in every crate, into a reused buffer.",
    );
    group_table(
        &m,
        "encode_protobuf",
        "ours",
        "The same 10k+1k set: ours in protobuf (delimited `MetricFamily`, created timestamps included) and in text, both into a reused buffer; prometheus-client's `prometheus_protobuf::encode_to_vec` (it builds the messages, then serializes them).",
    );
    group_table(
        &m,
        "native_histogram",
        "ours_classic",
        "One observation (0.042) into a 2-label histogram: classic (11 buckets), native only (schema 3, the default range of seconds), and both.",
    );
    group_table(
        &m,
        "exemplar",
        "counter_without",
        "Recording with and without an exemplar (a trace id built once), side by side: a 3-label counter increment and a 2-label histogram observation.",
    );
    scaling_table(&m);
    group_table(
        &m,
        "scrape_catalog",
        "encode_only",
        "A full `GET /metrics` of the catalog over loopback (axum, auth gate, HTTP metrics layer, kept-alive connection) and the same registry's `encode_text()` alone.",
    );
    group_table(
        &m,
        "scrape_gzip",
        "encode",
        "The catalog's scrape compressed as the `/metrics` route compresses it (gzip, flate2 on zlib-rs, level 1): the encode alone and then gzipped, in text and in protobuf, each into a fresh buffer as the route does; and the scrape over loopback as text, gzipped text, and gzipped protobuf (what Prometheus asks for with native histograms).",
    );
}
