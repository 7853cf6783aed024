//! What a registry can expose beside its families: self-metrics, `build_info` and the
//! standard `process_*` metrics.

use std::fmt::Write as _;

use crate::capped::CappedInfo;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::MetricKind;
use crate::encode::{Format, escape_label_value_into, write_f64, write_header};

/// Identifies the running build: `version`, `commit` and `rustc` labels on a gauge at 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildInfo {
    /// The program's version.
    pub version: String,
    /// The commit it was built from.
    pub commit: String,
    /// The compiler's version.
    pub rustc: String,
}

/// The compiler version this runtime was built with (the same compiler as the program).
pub const RUSTC_VERSION: &str = env!("METRICS_RUNTIME_RUSTC_VERSION");

/// The [`BuildInfo`] of the calling crate: its `CARGO_PKG_VERSION`, the commit from the
/// `METRICS_BUILD_COMMIT` or `GIT_COMMIT` variable at build time (else `unknown`), the compiler.
#[macro_export]
macro_rules! build_info {
    () => {
        $crate::BuildInfo {
            version: ::core::env!("CARGO_PKG_VERSION").to_string(),
            commit: match ::core::option_env!("METRICS_BUILD_COMMIT") {
                ::core::option::Option::Some(c) => c,
                ::core::option::Option::None => match ::core::option_env!("GIT_COMMIT") {
                    ::core::option::Option::Some(c) => c,
                    ::core::option::Option::None => "unknown",
                },
            }
            .to_string(),
            rustc: $crate::RUSTC_VERSION.to_string(),
        }
    };
}

/// Measurements the registry keeps about its own scrapes.
#[derive(Debug, Default)]
pub(crate) struct ScrapeStats {
    pub last_duration_bits: AtomicU64,
    pub last_series: AtomicU64,
    /// Expositions written in the text format, in OpenMetrics and in protobuf.
    pub scrapes: [AtomicU64; 3],
    /// Hand-written metric families left out because a part of the registry writes their
    /// names.
    pub conflicts: AtomicU64,
}

pub(crate) fn header(out: &mut Vec<u8>, format: Format, name: &str, kind: &str, help: &str) {
    write_header(out, format, name, kind, None, help);
}

pub(crate) fn sample(
    out: &mut Vec<u8>,
    name: &str,
    global: &str,
    labels: &[(&str, &str)],
    value: f64,
) {
    out.extend_from_slice(name.as_bytes());
    let mut l = String::new();
    l.push_str(global);
    for (k, v) in labels {
        if !l.is_empty() {
            l.push(',');
        }
        let _ = write!(l, "{k}=\"");
        escape_label_value_into(v, &mut l);
        l.push('"');
    }
    if !l.is_empty() {
        out.push(b'{');
        out.extend_from_slice(l.as_bytes());
        out.push(b'}');
    }
    out.push(b' ');
    write_f64(value, out);
    out.push(b'\n');
}

/// One family of labelled samples: header, then each sample.
type Samples<'a> = Vec<(Vec<(&'a str, &'a str)>, f64)>;

/// Writes one family and returns the number of samples written.
fn family(
    out: &mut Vec<u8>,
    format: Format,
    global: &str,
    name: &str,
    kind: &str,
    help: &str,
    samples: &Samples<'_>,
) -> usize {
    #[cfg(feature = "protobuf")]
    if format == Format::Protobuf {
        return crate::proto::encode_samples(out, global, name, kind, help, samples);
    }
    header(out, format, name, kind, help);
    for (labels, value) in samples {
        sample(out, name, global, labels, *value);
    }
    samples.len()
}

pub(crate) fn encode_build_info(
    out: &mut Vec<u8>,
    format: Format,
    prefix: &str,
    global: &str,
    info: &BuildInfo,
) -> usize {
    let labels = vec![
        ("commit", info.commit.as_str()),
        ("rustc", info.rustc.as_str()),
        ("version", info.version.as_str()),
    ];
    family(
        out,
        format,
        global,
        &format!("{prefix}build_info"),
        "gauge",
        "Build of the running program: version, commit and compiler; always 1.",
        &vec![(labels, 1.0)],
    )
}

/// Every linked capped label type with the `label` value its self-metric series carry,
/// sorted by it: the type name, or `module::Type` where two types share a name.
fn capped_label_names() -> Vec<(String, &'static dyn CappedInfo)> {
    let all: Vec<&'static dyn CappedInfo> = crate::capped::CAPPED_LABELS.iter().copied().collect();
    let mut named: Vec<(String, &'static dyn CappedInfo)> = all
        .iter()
        .map(|c| {
            let shared = all
                .iter()
                .filter(|o| o.type_name() == c.type_name())
                .count()
                > 1;
            let name = if shared && !c.module_path().is_empty() {
                format!("{}::{}", c.module_path(), c.type_name())
            } else {
                c.type_name().to_string()
            };
            (name, *c)
        })
        .collect();
    named.sort_by(|a, b| a.0.cmp(&b.0));
    named
}

/// The self-metrics' names after the prefix, with their kinds, in the order written.
pub(crate) const SELF_METRICS: &[(&str, MetricKind)] = &[
    ("label_overflow_total", MetricKind::Counter),
    ("label_values", MetricKind::Gauge),
    ("invalid_observations_total", MetricKind::Counter),
    ("native_observations_clamped_total", MetricKind::Counter),
    ("exposition_conflicts_total", MetricKind::Counter),
    ("scrape_series", MetricKind::Gauge),
    ("scrape_duration_seconds", MetricKind::Gauge),
    ("scrapes_total", MetricKind::Counter),
];

/// The process metrics' names, with their kinds, in the order written.
pub(crate) const PROCESS_METRICS: &[(&str, MetricKind)] = &[
    ("process_cpu_seconds_total", MetricKind::Counter),
    ("process_resident_memory_bytes", MetricKind::Gauge),
    ("process_virtual_memory_bytes", MetricKind::Gauge),
    ("process_open_fds", MetricKind::Gauge),
    ("process_max_fds", MetricKind::Gauge),
    ("process_start_time_seconds", MetricKind::Gauge),
];

pub(crate) fn encode_self_metrics(
    out: &mut Vec<u8>,
    format: Format,
    prefix: &str,
    global: &str,
    stats: &ScrapeStats,
) -> usize {
    // A label type is named by its type name (`label="NodeId"`); two types of one name in
    // different modules would make one series twice, so those are named with their module
    // (`label="app::a::User"`).
    let capped = capped_label_names();
    let by_label = |value: fn(&dyn CappedInfo) -> f64| -> Samples<'_> {
        capped
            .iter()
            .map(|(name, c)| (vec![("label", name.as_str())], value(*c)))
            .collect()
    };
    let load = |a: &AtomicU64| a.load(Ordering::Relaxed) as f64;
    let families: [(&str, &str, &str, Samples<'_>); 8] = [
        (
            "label_overflow_total",
            "counter",
            "Label values folded into the overflow value (their capped label was full, or the value was too long or the overflow value itself), by label type.",
            by_label(|c| c.overflowed() as f64),
        ),
        (
            "label_values",
            "gauge",
            "Distinct values a capped label has admitted so far, by label type.",
            by_label(|c| c.distinct() as f64),
        ),
        (
            "invalid_observations_total",
            "counter",
            "Observations and gauge deltas dropped because they would poison a series: NaN, or a negative value into a histogram of seconds or bytes.",
            vec![(vec![], crate::family::invalid_observations() as f64)],
        ),
        (
            "native_observations_clamped_total",
            "counter",
            "Observations of native histograms beyond their declared range, recorded in the edge bucket of the range.",
            vec![(vec![], crate::native::native_clamped() as f64)],
        ),
        (
            "exposition_conflicts_total",
            "counter",
            "Hand-written prometheus metric families left out of expositions because a part of this registry writes one of their names (their collector describes other names than it collects).",
            vec![(vec![], load(&stats.conflicts))],
        ),
        (
            "scrape_series",
            "gauge",
            "Samples in the previous exposition of this registry.",
            vec![(vec![], load(&stats.last_series))],
        ),
        (
            "scrape_duration_seconds",
            "gauge",
            "Time the previous exposition of this registry took to encode.",
            vec![(
                vec![],
                f64::from_bits(stats.last_duration_bits.load(Ordering::Relaxed)),
            )],
        ),
        (
            "scrapes_total",
            "counter",
            "Expositions of this registry since start, by format.",
            vec![
                (vec![("format", "text")], load(&stats.scrapes[0])),
                (vec![("format", "openmetrics")], load(&stats.scrapes[1])),
                (vec![("format", "protobuf")], load(&stats.scrapes[2])),
            ],
        ),
    ];
    families
        .iter()
        .map(|(suffix, kind, help, samples)| {
            family(
                out,
                format,
                global,
                &format!("{prefix}{suffix}"),
                kind,
                help,
                samples,
            )
        })
        .sum()
}

/// The standard `process_*` metrics, read from `/proc/self` on Linux; nothing elsewhere.
pub(crate) fn encode_process_metrics(out: &mut Vec<u8>, format: Format, global: &str) -> usize {
    let Some(p) = ProcessStats::read() else {
        return 0;
    };
    let rows: [(&str, &str, &str, Option<f64>); 6] = [
        (
            "process_cpu_seconds_total",
            "counter",
            "Total user and system CPU time spent in seconds.",
            p.cpu_seconds,
        ),
        (
            "process_resident_memory_bytes",
            "gauge",
            "Resident memory size in bytes.",
            p.resident_bytes,
        ),
        (
            "process_virtual_memory_bytes",
            "gauge",
            "Virtual memory size in bytes.",
            p.virtual_bytes,
        ),
        (
            "process_open_fds",
            "gauge",
            "Number of open file descriptors.",
            p.open_fds,
        ),
        (
            "process_max_fds",
            "gauge",
            "Maximum number of open file descriptors.",
            p.max_fds,
        ),
        (
            "process_start_time_seconds",
            "gauge",
            "Start time of the process since unix epoch in seconds.",
            p.start_time_seconds,
        ),
    ];
    let mut written = 0;
    for (name, kind, help, value) in rows {
        if let Some(v) = value {
            written += family(out, format, global, name, kind, help, &vec![(vec![], v)]);
        }
    }
    written
}

/// What `/proc/self` says about this process.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct ProcessStats {
    /// User plus system CPU seconds.
    pub cpu_seconds: Option<f64>,
    /// Resident set size.
    pub resident_bytes: Option<f64>,
    /// Virtual memory size.
    pub virtual_bytes: Option<f64>,
    /// Open file descriptors.
    pub open_fds: Option<f64>,
    /// The soft limit on open file descriptors.
    pub max_fds: Option<f64>,
    /// Start time, seconds since the epoch.
    pub start_time_seconds: Option<f64>,
}

/// Clock ticks per second of `/proc/<pid>/stat` times: `USER_HZ`, 100 on every Linux ABI
/// in use (reading `sysconf(_SC_CLK_TCK)` would need `unsafe` FFI for a constant).
const USER_HZ: f64 = 100.0;

impl ProcessStats {
    /// Reads `/proc/self`; `None` where there is no procfs (non-Linux).
    pub fn read() -> Option<Self> {
        let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
        // Fields after the command name, which is in parentheses and may contain spaces.
        let rest = stat.rsplit_once(')').map(|(_, r)| r)?;
        let f: Vec<&str> = rest.split_whitespace().collect();
        // rest starts at field 3 (state): utime is field 14, stime 15, starttime 22, vsize 23.
        let field = |n: usize| f.get(n - 3).and_then(|v| v.parse::<f64>().ok());
        let mut s = ProcessStats::default();
        if let (Some(u), Some(sy)) = (field(14), field(15)) {
            s.cpu_seconds = Some((u + sy) / USER_HZ);
        }
        s.virtual_bytes = field(23);
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        s.resident_bytes = status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|kb| kb.parse::<f64>().ok())
            .map(|kb| kb * 1024.0);
        s.open_fds = std::fs::read_dir("/proc/self/fd")
            .ok()
            .map(|d| d.count() as f64);
        s.max_fds = std::fs::read_to_string("/proc/self/limits")
            .ok()
            .and_then(|l| {
                l.lines()
                    .find(|l| l.starts_with("Max open files"))
                    .and_then(|l| l.split_whitespace().nth(3))
                    .and_then(|v| v.parse::<f64>().ok())
            });
        let btime = std::fs::read_to_string("/proc/stat").ok().and_then(|st| {
            st.lines()
                .find_map(|l| l.strip_prefix("btime "))
                .and_then(|v| v.trim().parse::<f64>().ok())
        });
        if let (Some(b), Some(start)) = (btime, field(22)) {
            s.start_time_seconds = Some(b + start / USER_HZ);
        }
        Some(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `# TYPE` lines of `out`: (name, kind).
    fn types(out: &[u8]) -> Vec<(String, String)> {
        String::from_utf8_lossy(out)
            .lines()
            .filter_map(|l| l.strip_prefix("# TYPE "))
            .filter_map(|l| l.split_once(' '))
            .map(|(n, k)| (n.to_string(), k.to_string()))
            .collect()
    }

    fn kind(k: MetricKind) -> String {
        match k {
            MetricKind::Counter => "counter",
            MetricKind::Gauge => "gauge",
            MetricKind::Histogram => "histogram",
        }
        .to_string()
    }

    /// The registry claims the names in these tables: they must be the names written.
    #[test]
    fn the_tables_name_what_is_written() {
        let mut out = Vec::new();
        encode_self_metrics(&mut out, Format::Text, "p_", "", &ScrapeStats::default());
        let want: Vec<_> = SELF_METRICS
            .iter()
            .map(|(s, k)| (format!("p_{s}"), kind(*k)))
            .collect();
        assert_eq!(types(&out), want);

        let mut out = Vec::new();
        if encode_process_metrics(&mut out, Format::Text, "") > 0 {
            let want: Vec<_> = PROCESS_METRICS
                .iter()
                .map(|(s, k)| (s.to_string(), kind(*k)))
                .collect();
            let got = types(&out);
            assert!(got.iter().all(|g| want.contains(g)), "{got:?}");
        }
    }
}
