//! The Prometheus text exposition format 0.0.4, written straight from the slots.
//!
//! Escaping follows the format's specification: in HELP text a backslash becomes `\\` and a
//! line feed `\n`; in label values the double quote becomes `\"` as well.

use core::sync::atomic::Ordering;

use crate::family::{Family, Slots, rows_sum, rows_sum_f64};

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
    /// `# UNIT` where the name ends in the unit, `"` escaped in HELP, and `# EOF` at the end.
    OpenMetrics,
}

/// The content type of OpenMetrics text.
pub const OPENMETRICS_CONTENT_TYPE: &str =
    "application/openmetrics-text; version=1.0.0; charset=utf-8";

impl Format {
    /// The `Content-Type` of a response in this format.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Text => TEXT_CONTENT_TYPE,
            Format::OpenMetrics => OPENMETRICS_CONTENT_TYPE,
        }
    }

    /// The format a scraper's `Accept` header asks for: OpenMetrics when it lists
    /// `application/openmetrics-text` with a quality above zero and at least that of the text
    /// format (`text/plain`, `text/*` or `*/*`); text otherwise.
    pub fn negotiate(accept: Option<&str>) -> Format {
        let Some(accept) = accept else {
            return Format::Text;
        };
        let (mut openmetrics, mut text) = (0.0f64, 0.0f64);
        for range in accept.split(',') {
            let mut parts = range.split(';').map(str::trim);
            let media = parts.next().unwrap_or("").to_ascii_lowercase();
            let q = parts
                .find_map(|p| p.strip_prefix("q=").or_else(|| p.strip_prefix("Q=")))
                .map_or(Some(1.0), |q| q.trim().parse::<f64>().ok())
                .filter(|q| q.is_finite())
                .unwrap_or(0.0);
            match media.as_str() {
                "application/openmetrics-text" => openmetrics = openmetrics.max(q),
                "text/plain" | "text/*" | "*/*" => text = text.max(q),
                _ => {}
            }
        }
        if openmetrics > 0.0 && openmetrics >= text {
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

/// [`encode_family`] in a chosen format. Returns the number of samples written (each
/// histogram bucket, `_sum` and `_count` is one), so a caller can count series without
/// re-reading the output.
pub fn encode_family_as(family: &Family, global: &str, out: &mut Vec<u8>, format: Format) -> usize {
    let d = family.descriptor();
    write_header(
        out,
        format,
        d.name,
        d.kind.as_str(),
        d.unit,
        &d.exposed_help(),
    );
    let labels = family.rendered_labels();
    let mut written = 0;
    match family.slots() {
        Slots::Counter(slots) => {
            let sets = d.label_sets;
            for (set, rendered) in labels.iter().enumerate() {
                let Some(rendered) = rendered else { continue };
                out.extend_from_slice(d.name.as_bytes());
                write_labels(out, global, rendered, None);
                out.push(b' ');
                write_u64(rows_sum(slots, sets, set), out);
                out.push(b'\n');
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
