//! A strict parser of the Prometheus text exposition format 0.0.4, for the compliance
//! checker.
//!
//! Why not a crate: the maintained Rust parsers (`prometheus-parse` and its ancestors) are
//! lenient by design, skipping lines they do not understand and reporting no positions. A
//! compliance checker must instead reject malformed input with the line and the reason
//! (exit code 2), so this parser follows the format's grammar and fails on the first
//! violation: names and label names by their grammar, label values with exactly the escapes
//! `\\`, `\"` and `\n`, values as floats (`NaN`, `+Inf`, `-Inf` included), an optional
//! integer timestamp, at most one HELP and one TYPE per family, TYPE before the family's
//! samples, a family's samples contiguous, and no series twice.

use std::collections::{BTreeMap, BTreeSet};

/// A parse failure: the 1-based line and what is wrong there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for ParseError {}

/// One sample line.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    /// The sample's metric name (`x_bucket` for a histogram bucket of family `x`).
    pub name: String,
    /// Label pairs in the order written.
    pub labels: Vec<(String, String)>,
    /// The value.
    pub value: f64,
    /// The optional timestamp in milliseconds.
    pub timestamp: Option<i64>,
    /// 1-based line number.
    pub line: usize,
}

impl Sample {
    /// The value of label `name`.
    pub fn label(&self, name: &str) -> Option<&str> {
        self.labels
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// One family: its metadata and its samples.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ParsedFamily {
    /// The family name.
    pub name: String,
    /// `counter`, `gauge`, `histogram`, `summary` or `untyped` (no TYPE line).
    pub kind: String,
    /// The HELP text, unescaped.
    pub help: Option<String>,
    /// The samples.
    pub samples: Vec<Sample>,
}

impl ParsedFamily {
    /// Distinct label sets, ignoring `le` and `quantile`: the family's series.
    pub fn series_count(&self) -> usize {
        self.samples
            .iter()
            .map(|s| {
                let mut l: Vec<&(String, String)> = s
                    .labels
                    .iter()
                    .filter(|(k, _)| k != "le" && k != "quantile")
                    .collect();
                l.sort();
                l
            })
            .collect::<BTreeSet<_>>()
            .len()
    }
}

/// A parsed exposition.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Exposition {
    /// Families in the order they appeared.
    pub families: Vec<ParsedFamily>,
}

impl Exposition {
    /// A family by name.
    pub fn family(&self, name: &str) -> Option<&ParsedFamily> {
        self.families.iter().find(|f| f.name == name)
    }
}

fn is_metric_name(s: &str) -> bool {
    let mut c = s.chars();
    c.next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == ':')
        && c.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

fn is_label_name(s: &str) -> bool {
    let mut c = s.chars();
    c.next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && c.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Go's `ParseFloat` accepts these spellings; Prometheus clients write `+Inf`, `-Inf`, `NaN`.
fn parse_value(s: &str) -> Option<f64> {
    match s {
        "+Inf" | "Inf" | "+inf" | "inf" => return Some(f64::INFINITY),
        "-Inf" | "-inf" => return Some(f64::NEG_INFINITY),
        "NaN" | "nan" => return Some(f64::NAN),
        _ => {}
    }
    // Rust accepts "infinity" and "nan" spellings Go does not; those are handled above, so
    // only plain decimal and exponent forms may remain.
    if !s
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.' | b'e' | b'E'))
    {
        return None;
    }
    s.parse::<f64>().ok()
}

/// The family a sample name belongs to, given the declared families.
fn family_of<'a>(name: &'a str, types: &BTreeMap<String, String>) -> &'a str {
    if types.contains_key(name) {
        return name;
    }
    for (suffix, kinds) in [
        ("_bucket", &["histogram"][..]),
        ("_sum", &["histogram", "summary"][..]),
        ("_count", &["histogram", "summary"][..]),
    ] {
        if let Some(base) = name.strip_suffix(suffix)
            && types.get(base).is_some_and(|k| kinds.contains(&k.as_str()))
        {
            return base;
        }
    }
    name
}

fn unescape_help(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('\\') => out.push('\\'),
                Some(other) => {
                    out.push('\\');
                    out.push(other);
                }
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

struct Cursor<'a> {
    s: &'a str,
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn peek(&self) -> Option<char> {
        self.s[self.pos..].chars().next()
    }
    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }
    fn skip_blank(&mut self) {
        while matches!(self.peek(), Some(' ') | Some('\t')) {
            self.pos += 1;
        }
    }
    fn take_while(&mut self, f: impl Fn(char) -> bool) -> &'a str {
        let start = self.pos;
        while self.peek().is_some_and(&f) {
            self.bump();
        }
        &self.s[start..self.pos]
    }
}

fn parse_sample(line: &str, n: usize) -> Result<Sample, ParseError> {
    let err = |m: String| ParseError {
        line: n,
        message: m,
    };
    let mut c = Cursor { s: line, pos: 0 };
    let name = c.take_while(|ch| ch.is_ascii_alphanumeric() || ch == '_' || ch == ':');
    if !is_metric_name(name) {
        return Err(err(format!(
            "expected a metric name, found {:?}",
            line.chars().take(40).collect::<String>()
        )));
    }
    let mut labels = Vec::new();
    let before_blank = c.pos;
    c.skip_blank();
    let mut blank_before_value = c.pos > before_blank;
    if c.peek() == Some('{') {
        c.bump();
        loop {
            c.skip_blank();
            if c.peek() == Some('}') {
                c.bump();
                break;
            }
            let lname = c.take_while(|ch| ch.is_ascii_alphanumeric() || ch == '_');
            if !is_label_name(lname) {
                return Err(err(format!(
                    "invalid label name in `{name}` at column {}",
                    c.pos + 1
                )));
            }
            c.skip_blank();
            if c.bump() != Some('=') {
                return Err(err(format!("expected `=` after label `{lname}`")));
            }
            c.skip_blank();
            if c.bump() != Some('"') {
                return Err(err(format!(
                    "expected `\"` to open the value of label `{lname}`"
                )));
            }
            let mut value = String::new();
            loop {
                match c.bump() {
                    None => return Err(err(format!("unterminated value of label `{lname}`"))),
                    Some('"') => break,
                    Some('\\') => match c.bump() {
                        Some('\\') => value.push('\\'),
                        Some('"') => value.push('"'),
                        Some('n') => value.push('\n'),
                        Some(other) => {
                            return Err(err(format!(
                                "invalid escape `\\{other}` in the value of label `{lname}`"
                            )));
                        }
                        None => return Err(err(format!("unterminated value of label `{lname}`"))),
                    },
                    Some(ch) => value.push(ch),
                }
            }
            if labels.iter().any(|(k, _): &(String, String)| k == lname) {
                return Err(err(format!("label `{lname}` given twice")));
            }
            labels.push((lname.to_string(), value));
            c.skip_blank();
            match c.bump() {
                Some(',') => continue,
                Some('}') => break,
                _ => {
                    return Err(err(format!(
                        "expected `,` or `}}` after the value of label `{lname}`"
                    )));
                }
            }
        }
        blank_before_value = matches!(c.peek(), Some(' ') | Some('\t'));
    }
    if !blank_before_value {
        return Err(err(format!(
            "expected a space before the value of `{name}`"
        )));
    }
    c.skip_blank();
    let value_text = c.take_while(|ch| ch != ' ' && ch != '\t');
    let value = parse_value(value_text)
        .ok_or_else(|| err(format!("invalid value {value_text:?} for `{name}`")))?;
    c.skip_blank();
    let ts_text = c.take_while(|ch| ch != ' ' && ch != '\t');
    let timestamp = if ts_text.is_empty() {
        None
    } else {
        Some(
            ts_text
                .parse::<i64>()
                .map_err(|_| err(format!("invalid timestamp {ts_text:?} for `{name}`")))?,
        )
    };
    c.skip_blank();
    if c.pos != line.len() {
        return Err(err(format!("unexpected text after the sample of `{name}`")));
    }
    Ok(Sample {
        name: name.to_string(),
        labels,
        value,
        timestamp,
        line: n,
    })
}

/// Parses a whole exposition.
pub fn parse(text: &str) -> Result<Exposition, ParseError> {
    let mut out = Exposition::default();
    let mut types: BTreeMap<String, String> = BTreeMap::new();
    let mut helps: BTreeSet<String> = BTreeSet::new();
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    let mut closed: BTreeSet<String> = BTreeSet::new();
    let mut series: BTreeSet<(String, Vec<(String, String)>)> = BTreeSet::new();
    let mut current: Option<String> = None;

    let mut family_slot = |name: &str,
                           out: &mut Exposition,
                           current: &mut Option<String>,
                           line: usize|
     -> Result<usize, ParseError> {
        if current.as_deref() != Some(name) {
            if let Some(prev) = current.take() {
                closed.insert(prev);
            }
            if closed.contains(name) {
                return Err(ParseError {
                    line,
                    message: format!("the lines of family `{name}` are not grouped together"),
                });
            }
            *current = Some(name.to_string());
        }
        Ok(*index.entry(name.to_string()).or_insert_with(|| {
            out.families.push(ParsedFamily {
                name: name.to_string(),
                kind: "untyped".into(),
                ..ParsedFamily::default()
            });
            out.families.len() - 1
        }))
    };

    for (i, raw) in text.split('\n').enumerate() {
        let n = i + 1;
        // The format's line break is `\n` alone: a `\r` belongs to the line (a label value or
        // HELP may end in one), so stripping it would corrupt what round-trips.
        let line = raw;
        if line.trim().is_empty() {
            continue;
        }
        if let Some(comment) = line.strip_prefix('#') {
            let comment = comment.trim_start_matches([' ', '\t']);
            let (keyword, rest) = comment.split_once([' ', '\t']).unwrap_or((comment, ""));
            if keyword != "HELP" && keyword != "TYPE" {
                continue; // an ordinary comment
            }
            let rest = rest.trim_start_matches([' ', '\t']);
            let (name, arg) = rest.split_once([' ', '\t']).unwrap_or((rest, ""));
            if !is_metric_name(name) {
                return Err(ParseError {
                    line: n,
                    message: format!("invalid metric name {name:?} in # {keyword}"),
                });
            }
            let slot = family_slot(name, &mut out, &mut current, n)?;
            if keyword == "HELP" {
                if !helps.insert(name.to_string()) {
                    return Err(ParseError {
                        line: n,
                        message: format!("second HELP line for `{name}`"),
                    });
                }
                out.families[slot].help = Some(unescape_help(arg));
            } else {
                let kind = arg.trim();
                if !matches!(
                    kind,
                    "counter" | "gauge" | "histogram" | "summary" | "untyped"
                ) {
                    return Err(ParseError {
                        line: n,
                        message: format!("unknown type {kind:?} for `{name}`"),
                    });
                }
                if types.contains_key(name) {
                    return Err(ParseError {
                        line: n,
                        message: format!("second TYPE line for `{name}`"),
                    });
                }
                if !out.families[slot].samples.is_empty() {
                    return Err(ParseError {
                        line: n,
                        message: format!("TYPE line for `{name}` after its samples"),
                    });
                }
                types.insert(name.to_string(), kind.to_string());
                out.families[slot].kind = kind.to_string();
            }
            continue;
        }
        let sample = parse_sample(line, n)?;
        let fam = family_of(&sample.name, &types).to_string();
        let slot = family_slot(&fam, &mut out, &mut current, n)?;
        let mut key_labels = sample.labels.clone();
        key_labels.sort();
        if !series.insert((sample.name.clone(), key_labels)) {
            return Err(ParseError {
                line: n,
                message: format!("series `{}` given twice", sample.name),
            });
        }
        out.families[slot].samples.push(sample);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_what_the_runtime_writes() {
        let text = "# HELP a_total Help with \\\\ and \\n.\n# TYPE a_total counter\na_total{x=\"q\\\"u\\\\o\\nte\"} 3\na_total{x=\"b\",} 4 1700000000000\n# TYPE h histogram\nh_bucket{le=\"0.5\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_sum 0.75\nh_count 2\n# a comment\nuntyped_thing NaN\n";
        let e = parse(text).unwrap_or_else(|e| panic!("{e}"));
        let family = |n: &str| {
            e.family(n)
                .unwrap_or_else(|| panic!("family {n} missing"))
                .clone()
        };
        assert_eq!(e.families.len(), 3);
        let a = family("a_total");
        assert_eq!(a.kind, "counter");
        assert_eq!(a.help.as_deref(), Some("Help with \\ and \n."));
        assert_eq!(a.samples[0].label("x"), Some("q\"u\\o\nte"));
        assert_eq!(a.samples[1].timestamp, Some(1_700_000_000_000));
        let h = family("h");
        assert_eq!(h.samples.len(), 4);
        assert_eq!(h.series_count(), 1);
        assert!(family("untyped_thing").samples[0].value.is_nan());
    }

    #[test]
    fn rejects_malformed_input_with_its_line() {
        let bad = [
            ("a{x=\"1} 2\n", 1, "unterminated"),
            ("a{x=\"\\t\"} 2\n", 1, "invalid escape"),
            ("a 12abc\n", 1, "invalid value"),
            ("a infinity\n", 1, "invalid value"),
            ("a{1x=\"y\"} 2\n", 1, "invalid label name"),
            ("# TYPE a counter\n# TYPE a gauge\n", 2, "second TYPE"),
            ("# TYPE a wat\n", 1, "unknown type"),
            ("a 1\nb 1\na{x=\"y\"} 2\n", 3, "not grouped"),
            ("a 1\na 2\n", 2, "twice"),
            ("a{x=\"1\",x=\"2\"} 1\n", 1, "twice"),
            ("a 1 2 3\n", 1, "unexpected text"),
            ("a\n", 1, "space"),
            ("9a 1\n", 1, "metric name"),
            ("a 1\n# TYPE a counter\n", 2, "after its samples"),
        ];
        for (text, line, what) in bad {
            let e = parse(text).expect_err(text);
            assert_eq!(e.line, line, "{text:?}: {e}");
            assert!(e.message.contains(what), "{text:?}: {e}");
        }
    }
}
