//! The exposition formats, written straight from the slots: Prometheus text 0.0.4,
//! OpenMetrics 1.0 text (with `_created` lines and exemplars) and, with the `protobuf`
//! feature, Prometheus' protobuf format (the `proto` module).
//!
//! Escaping follows the format's specification: in HELP text a backslash becomes `\\` and a
//! line feed `\n`; in label values the double quote becomes `\"` as well.

use core::sync::atomic::Ordering;

use crate::exemplar::ExemplarSlot;
use crate::family::{Family, Slots, counter_row_sum, rows_sum, rows_sum_f64};

/// The content type of the text exposition format this module writes.
pub const TEXT_CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Appends `value` escaped as a label value.
pub fn escape_label_value_into(value: &str, out: &mut String) {
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
}

/// Appends `help` escaped as HELP text of the text format.
pub fn escape_help_into(help: &str, out: &mut Vec<u8>) {
    escape_help_as(help, out, Format::Text)
}

/// Appends `help` escaped as HELP text: `\\` and `\n`, and in OpenMetrics `\"` as well.
pub fn escape_help_as(help: &str, out: &mut Vec<u8>, format: Format) {
    for &b in help.as_bytes() {
        match b {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'"' if format == Format::OpenMetrics => out.extend_from_slice(b"\\\""),
            b => out.push(b),
        }
    }
}

/// Writes an `f64` the way Prometheus clients do: integers without a fraction, `+Inf`, `-Inf`,
/// `NaN`, otherwise the shortest representation that parses back to the same value.
pub fn write_f64(v: f64, out: &mut Vec<u8>) {
    if v.is_nan() {
        out.extend_from_slice(b"NaN");
    } else if v.is_infinite() {
        out.extend_from_slice(if v > 0.0 { b"+Inf" } else { b"-Inf" });
    } else if v.fract() == 0.0 && v.abs() < 1e15 {
        let mut buf = itoa::Buffer::new();
        // `v` is integral and below 2^53 in magnitude, so the cast is exact.
        let s = buf.format(v as i64);
        if v == 0.0 && v.is_sign_negative() {
            out.extend_from_slice(b"-0");
        } else {
            out.extend_from_slice(s.as_bytes());
        }
    } else {
        let mut buf = ryu::Buffer::new();
        out.extend_from_slice(buf.format_finite(v).as_bytes());
    }
}

fn write_u64(v: u64, out: &mut Vec<u8>) {
    let mut buf = itoa::Buffer::new();
    out.extend_from_slice(buf.format(v).as_bytes());
}

/// `{a="x",b="y"}`, `{a="x",b="y",le="0.5"}` and the like; nothing when there are no labels.
fn write_labels(out: &mut Vec<u8>, global: &str, rendered: &str, extra: Option<(&str, &[u8])>) {
    if global.is_empty() && rendered.is_empty() && extra.is_none() {
        return;
    }
    out.push(b'{');
    let mut first = true;
    for part in [global, rendered] {
        if !part.is_empty() {
            if !first {
                out.push(b',');
            }
            out.extend_from_slice(part.as_bytes());
            first = false;
        }
    }
    if let Some((name, value)) = extra {
        if !first {
            out.push(b',');
        }
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b"=\"");
        out.extend_from_slice(value);
        out.push(b'"');
    }
    out.push(b'}');
}

/// The exposition formats this module writes, from the same slots.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// Prometheus text format 0.0.4.
    #[default]
    Text,
    /// OpenMetrics 1.0.0 text: counter families named without `_total` in their metadata,
    /// `# UNIT` where the name ends in the unit, `"` escaped in HELP, `_created` lines and
    /// exemplars on counters and histogram buckets, and `# EOF` at the end.
    OpenMetrics,
    /// Prometheus' protobuf format: length-delimited `io.prometheus.client.MetricFamily`
    /// messages, the one that carries native histograms (feature `protobuf`; without it a
    /// registry writes text instead, see [`crate::Registry::format_for`], and
    /// [`Format::negotiate`] never picks it).
    Protobuf,
}

/// The content type of OpenMetrics text.
pub const OPENMETRICS_CONTENT_TYPE: &str =
    "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// The content type of Prometheus' protobuf format, as Prometheus asks for it.
pub const PROTOBUF_CONTENT_TYPE: &str =
    "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited";

impl Format {
    /// The `Content-Type` of a response in this format.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Text => TEXT_CONTENT_TYPE,
            Format::OpenMetrics => OPENMETRICS_CONTENT_TYPE,
            Format::Protobuf => PROTOBUF_CONTENT_TYPE,
        }
    }

    /// The format a scraper's `Accept` header asks for, by quality (`q`, default 1; a range
    /// with `q=0` or an unreadable `q` is refused), ties going to the richer format:
    ///
    /// - protobuf for `application/vnd.google.protobuf` with
    ///   `proto=io.prometheus.client.MetricFamily` and `encoding=delimited` (feature
    ///   `protobuf`; Prometheus asks for it first when native histograms are enabled);
    /// - OpenMetrics for `application/openmetrics-text` (versions 1.0.0 and 0.0.1, or none);
    /// - text for `text/plain` of any version, `text/*` and `*/*`. A `text/plain;version=1.0.0`
    ///   request (Prometheus 3, with `escaping=`) gets text 0.0.4, which it accepts: every name
    ///   this runtime writes is a legacy Prometheus name, so no escaping applies.
    ///
    /// Anything else, or no header, gets text.
    pub fn negotiate(accept: Option<&str>) -> Format {
        let Some(accept) = accept else {
            return Format::Text;
        };
        let (mut protobuf, mut openmetrics, mut text) = (0.0f64, 0.0f64, 0.0f64);
        for range in accept.split(',') {
            let mut parts = range.split(';').map(str::trim);
            let media = parts.next().unwrap_or("").to_ascii_lowercase();
            let (mut q, mut proto, mut encoding) = (Some(1.0), None, None);
            for p in parts {
                let Some((k, v)) = p.split_once('=') else {
                    continue;
                };
                let v = v.trim().trim_matches('"');
                match k.trim().to_ascii_lowercase().as_str() {
                    "q" => q = v.parse::<f64>().ok().filter(|q| q.is_finite()),
                    "proto" => proto = Some(v.to_string()),
                    "encoding" => encoding = Some(v.to_ascii_lowercase()),
                    _ => {}
                }
            }
            let q = q.unwrap_or(0.0);
            match media.as_str() {
                "application/vnd.google.protobuf"
                    if cfg!(feature = "protobuf")
                        && proto.as_deref() == Some("io.prometheus.client.MetricFamily")
                        && encoding.as_deref() == Some("delimited") =>
                {
                    protobuf = protobuf.max(q)
                }
                "application/openmetrics-text" => openmetrics = openmetrics.max(q),
                "text/plain" | "text/*" | "*/*" => text = text.max(q),
                _ => {}
            }
        }
        if protobuf > 0.0 && protobuf >= openmetrics && protobuf >= text {
            Format::Protobuf
        } else if openmetrics > 0.0 && openmetrics >= text {
            Format::OpenMetrics
        } else {
            Format::Text
        }
    }
}

/// `# HELP`, `# TYPE` and, in OpenMetrics, `# UNIT` of one family. In OpenMetrics a counter
/// family is named without its `_total`, which only its samples carry.
pub(crate) fn write_header(
    out: &mut Vec<u8>,
    format: Format,
    name: &str,
    kind: &str,
    unit: Option<&str>,
    help: &str,
) {
    let family = match (format, kind) {
        (Format::OpenMetrics, "counter") => name.strip_suffix("_total").unwrap_or(name),
        _ => name,
    };
    out.extend_from_slice(b"# HELP ");
    out.extend_from_slice(family.as_bytes());
    out.push(b' ');
    escape_help_as(help, out, format);
    out.extend_from_slice(b"\n# TYPE ");
    out.extend_from_slice(family.as_bytes());
    out.push(b' ');
    out.extend_from_slice(kind.as_bytes());
    out.push(b'\n');
    if let (Format::OpenMetrics, Some(unit)) = (format, unit)
        && family.ends_with(&format!("_{unit}"))
    {
        out.extend_from_slice(b"# UNIT ");
        out.extend_from_slice(family.as_bytes());
        out.push(b' ');
        out.extend_from_slice(unit.as_bytes());
        out.push(b'\n');
    }
}

/// Writes one family: HELP, TYPE and every series, in label-set index order (enum declaration
/// order, last label fastest). `global` holds pre-rendered, escaped labels added to every
/// series (`a="x",b="y"`), or is empty.
pub fn encode_family(family: &Family, global: &str, out: &mut Vec<u8>) -> usize {
    encode_family_as(family, global, out, Format::Text)
}

/// ` # {trace_id="..."} value timestamp`, the OpenMetrics exemplar of a sample, if stored.
fn write_exemplar(out: &mut Vec<u8>, slot: Option<&ExemplarSlot>) {
    let Some(stored) = slot.and_then(ExemplarSlot::load) else {
        return;
    };
    out.extend_from_slice(b" # ");
    out.extend_from_slice(stored.labels.text.as_bytes());
    out.push(b' ');
    write_f64(stored.value, out);
    out.push(b' ');
    write_f64(stored.timestamp, out);
}

/// `name_created{labels} <seconds>`, OpenMetrics' created timestamp of one series.
fn write_created(out: &mut Vec<u8>, family: &str, global: &str, rendered: &str, created: &[u8]) {
    out.extend_from_slice(family.as_bytes());
    out.extend_from_slice(b"_created");
    write_labels(out, global, rendered, None);
    out.push(b' ');
    out.extend_from_slice(created);
    out.push(b'\n');
}

/// [`encode_family`] in a chosen format. Returns the number of samples written (each
/// histogram bucket, `_sum`, `_count` and `_created` is one), so a caller can count series
/// without re-reading the output.
///
/// OpenMetrics adds, per counter and histogram series, its `_created` line and the stored
/// exemplars (on the counter sample, on each histogram bucket); text 0.0.4 has neither.
/// [`Format::Protobuf`] writes one length-delimited `MetricFamily` (feature `protobuf`;
/// without it, text).
pub fn encode_family_as(family: &Family, global: &str, out: &mut Vec<u8>, format: Format) -> usize {
    if format == Format::Protobuf {
        #[cfg(feature = "protobuf")]
        return crate::proto::encode_family(family, global, out);
        #[cfg(not(feature = "protobuf"))]
        return encode_family_as(family, global, out, Format::Text);
    }
    let d = family.descriptor();
    let om = format == Format::OpenMetrics;
    write_header(
        out,
        format,
        d.name,
        d.kind.as_str(),
        d.unit,
        &d.exposed_help(),
    );
    let labels = family.rendered_labels();
    let exemplars = family.exemplar_slots();
    let created = if om {
        let mut c = Vec::with_capacity(24);
        write_f64(family.created(), &mut c);
        c
    } else {
        Vec::new()
    };
    let mut written = 0;
    match family.slots() {
        Slots::Counter(slots) => {
            let sets = d.label_sets;
            let base = d.name.strip_suffix("_total").unwrap_or(d.name);
            for (set, rendered) in labels.iter().enumerate() {
                let Some(rendered) = rendered else { continue };
                out.extend_from_slice(d.name.as_bytes());
                write_labels(out, global, rendered, None);
                out.push(b' ');
                if d.float_counter() {
                    write_f64(counter_row_sum(d, slots, set), out);
                } else {
                    write_u64(rows_sum(slots, sets, set), out);
                }
                if om {
                    write_exemplar(out, exemplars.get(set));
                    out.push(b'\n');
                    write_created(out, base, global, rendered, &created);
                    written += 1;
                } else {
                    out.push(b'\n');
                }
                written += 1;
            }
        }
        Slots::Gauge(slots) => {
            for (slot, rendered) in slots.iter().zip(labels.iter()) {
                let Some(rendered) = rendered else { continue };
                out.extend_from_slice(d.name.as_bytes());
                write_labels(out, global, rendered, None);
                out.push(b' ');
                write_f64(f64::from_bits(slot.load(Ordering::Relaxed)), out);
                out.push(b'\n');
                written += 1;
            }
        }
        Slots::Histogram { buckets, sums } => {
            let bounds = family.buckets();
            let width = d.buckets.len() + 1;
            let mut le_text: Vec<Vec<u8>> = bounds
                .iter()
                .map(|&b| {
                    let mut v = Vec::new();
                    write_f64(b, &mut v);
                    v
                })
                .collect();
            le_text.push(b"+Inf".to_vec());
            let sets = d.label_sets;
            for (set, rendered) in labels.iter().enumerate() {
                let Some(rendered) = rendered else { continue };
                let mut cumulative = 0u64;
                for (b, le) in le_text.iter().enumerate() {
                    cumulative =
                        cumulative.wrapping_add(rows_sum(buckets, sets * width, set * width + b));
                    out.extend_from_slice(d.name.as_bytes());
                    out.extend_from_slice(b"_bucket");
                    write_labels(out, global, rendered, Some(("le", le)));
                    out.push(b' ');
                    write_u64(cumulative, out);
                    if om {
                        write_exemplar(out, exemplars.get(set * width + b));
                    }
                    out.push(b'\n');
                }
                out.extend_from_slice(d.name.as_bytes());
                out.extend_from_slice(b"_sum");
                write_labels(out, global, rendered, None);
                out.push(b' ');
                write_f64(rows_sum_f64(sums, sets, set), out);
                out.push(b'\n');
                out.extend_from_slice(d.name.as_bytes());
                out.extend_from_slice(b"_count");
                write_labels(out, global, rendered, None);
                out.push(b' ');
                write_u64(cumulative, out);
                out.push(b'\n');
                written += le_text.len() + 2;
                if om {
                    write_created(out, d.name, global, rendered, &created);
                    written += 1;
                }
            }
        }
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(v: f64) -> String {
        let mut out = Vec::new();
        write_f64(v, &mut out);
        String::from_utf8(out).unwrap_or_default()
    }

    #[test]
    fn floats_render_like_prometheus_clients() {
        assert_eq!(f(0.0), "0");
        assert_eq!(f(1.0), "1");
        assert_eq!(f(-3.0), "-3");
        assert_eq!(f(0.005), "0.005");
        assert_eq!(f(2.5), "2.5");
        assert_eq!(f(86400.0), "86400");
        assert_eq!(f(f64::INFINITY), "+Inf");
        assert_eq!(f(f64::NEG_INFINITY), "-Inf");
        assert_eq!(f(f64::NAN), "NaN");
        assert_eq!(f(1e-7).parse::<f64>().ok(), Some(1e-7));
        assert_eq!(f(1e300).parse::<f64>().ok(), Some(1e300));
    }

    #[test]
    fn accept_negotiation() {
        let prometheus = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
        assert_eq!(Format::negotiate(Some(prometheus)), Format::OpenMetrics);
        assert_eq!(Format::negotiate(Some("text/plain")), Format::Text);
        assert_eq!(Format::negotiate(Some("*/*")), Format::Text);
        assert_eq!(Format::negotiate(None), Format::Text);
        assert_eq!(
            Format::negotiate(Some("application/openmetrics-text; q=0")),
            Format::Text
        );
        assert_eq!(
            Format::negotiate(Some("Application/OpenMetrics-Text")),
            Format::OpenMetrics
        );
        // Qualities are compared: text preferred over OpenMetrics gets text.
        assert_eq!(
            Format::negotiate(Some("text/plain;q=1.0,application/openmetrics-text;q=0.5")),
            Format::Text
        );
        assert_eq!(
            Format::negotiate(Some("application/openmetrics-text;q=0.9,*/*;q=0.1")),
            Format::OpenMetrics
        );
        assert_eq!(
            Format::negotiate(Some("application/openmetrics-text;q=oops")),
            Format::Text
        );
    }

    #[test]
    fn label_values_and_help_are_escaped() {
        let mut s = String::new();
        escape_label_value_into("a\\b\"c\nd", &mut s);
        assert_eq!(s, "a\\\\b\\\"c\\nd");
        let mut h = Vec::new();
        escape_help_into("x\\y\n\"z\"", &mut h);
        assert_eq!(String::from_utf8(h).unwrap_or_default(), "x\\\\y\\n\"z\"");
    }
}
