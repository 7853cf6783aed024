//! The sample exposition (`sample`): text format 0.0.4 of every family of a catalog with
//! every label combination at zero, families sorted by name, as the runtime exposes them
//! before anything is recorded. Written from the catalog alone, so a catalog read from JSON
//! gets the same sample as the program that declared it (a test holds the two equal).
//!
//! A capped label has no values before they arrive, so a family with one shows its HELP and
//! TYPE and no series, exactly as a fresh process does.

use metrics_runtime::encode::{escape_help_into, escape_label_value_into, write_f64};

use crate::schema::{Catalog, Family, Kind};

/// The exposition of every family of `catalog`, all at zero.
pub fn render(catalog: &Catalog) -> String {
    let mut families: Vec<&Family> = catalog.families().collect();
    families.sort_by(|a, b| a.name.cmp(&b.name));
    let mut out = Vec::with_capacity(64 * 1024);
    for f in families {
        write_family(f, &mut out);
    }
    String::from_utf8(out).unwrap_or_default()
}

fn write_family(f: &Family, out: &mut Vec<u8>) {
    out.extend_from_slice(b"# HELP ");
    out.extend_from_slice(f.name.as_bytes());
    out.push(b' ');
    escape_help_into(&f.exposed_help(), out);
    out.extend_from_slice(b"\n# TYPE ");
    out.extend_from_slice(f.name.as_bytes());
    out.push(b' ');
    out.extend_from_slice(f.kind.as_str().as_bytes());
    out.push(b'\n');
    if f.labels.iter().any(|l| l.cap.is_some()) {
        return;
    }
    let mut les: Vec<String> = f
        .buckets
        .iter()
        .map(|b| {
            let mut v = Vec::new();
            write_f64(*b, &mut v);
            String::from_utf8(v).unwrap_or_default()
        })
        .collect();
    les.push("+Inf".to_string());
    for set in label_sets(f) {
        match f.kind {
            Kind::Counter | Kind::Gauge => line(out, &f.name, "", &set, None),
            Kind::Histogram => {
                for le in &les {
                    line(out, &f.name, "_bucket", &set, Some(le));
                }
                line(out, &f.name, "_sum", &set, None);
                line(out, &f.name, "_count", &set, None);
            }
        }
    }
}

/// Every label set, rendered `a="x",b="y"`, last label fastest (the runtime's order).
fn label_sets(f: &Family) -> Vec<String> {
    let mut sets = vec![String::new()];
    for label in &f.labels {
        let mut next = Vec::with_capacity(sets.len() * label.values.len());
        for prefix in &sets {
            for v in &label.values {
                let mut s = prefix.clone();
                if !s.is_empty() {
                    s.push(',');
                }
                s.push_str(&label.name);
                s.push_str("=\"");
                escape_label_value_into(&v.value, &mut s);
                s.push('"');
                next.push(s);
            }
        }
        sets = next;
    }
    sets
}

fn line(out: &mut Vec<u8>, name: &str, suffix: &str, set: &str, le: Option<&str>) {
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(suffix.as_bytes());
    if !set.is_empty() || le.is_some() {
        out.push(b'{');
        out.extend_from_slice(set.as_bytes());
        if let Some(le) = le {
            if !set.is_empty() {
                out.push(b',');
            }
            out.extend_from_slice(b"le=\"");
            out.extend_from_slice(le.as_bytes());
            out.push(b'"');
        }
        out.push(b'}');
    }
    out.extend_from_slice(b" 0\n");
}
