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
//! samples, a family's samples contiguous, no series twice, and a line feed at the end of
//! every line, the last included (an empty input is fine).
//!
//! # Cost
//!
//! A checker reads what an exporter, possibly a hostile one, sends, so its cost is bounded by
//! the input:
//!
//! - **Time** is linear in the input, including in the labels of one line (a repeated label
//!   name is found with a hash set, not by comparing every pair), and [`parse_until`] stops
//!   at a deadline.
//! - **Memory** is the input plus 48 bytes per sample ([`Sample`] borrows its name, labels
//!   and timestamp from the input instead of copying them; only a sample whose label values
//!   hold escapes keeps an unescaped copy) plus about 100 bytes per family; "no series twice"
//!   is checked with 8 bytes per sample, freed before [`parse`] returns.
//! - **Messages** quote at most [`EXCERPT_CHARS`] characters of input, escaped ([`excerpt`]),
//!   so a 200 MB line never comes back as 200 MB of error.
//!
//! ```
//! let text = "# TYPE a_total counter\na_total{x=\"1\"} 3\n";
//! let exposition = metrics_exposition::parse(text).map_err(|e| e.to_string())?;
//! let family = exposition.family("a_total").ok_or("no family")?;
//! assert_eq!(family.kind, "counter");
//! assert_eq!(family.samples[0].label("x"), Some("1"));
//! # Ok::<(), String>(())
//! ```

mod excerpt;
mod exemplar;
mod line;
mod packed;
mod series;

use std::borrow::Cow;
use std::collections::HashMap;
use std::time::Instant;

pub use excerpt::{EXCERPT_CHARS, Excerpt, describe_char, excerpt};
pub use exemplar::{EXEMPLAR_MAX_RUNES, Exemplar};
use line::{RawLabels, is_label_byte, is_metric_byte, past};

/// A parse failure: the 1-based line and what is wrong there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong; quotes of the input are [`excerpt`]s.
    pub message: String,
    timed_out: bool,
}

impl ParseError {
    fn new(line: usize, message: String) -> Self {
        ParseError {
            line,
            message,
            timed_out: false,
        }
    }

    fn timed_out(line: usize) -> Self {
        ParseError {
            line,
            message: "the deadline passed before the input was parsed".to_string(),
            timed_out: true,
        }
    }

    /// Whether [`parse_until`] stopped at its deadline (the input may be valid).
    pub fn is_timeout(&self) -> bool {
        self.timed_out
    }
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for ParseError {}

/// One sample line. It borrows from the text it was parsed from.
#[derive(Clone)]
pub struct Sample<'a> {
    /// The sample's metric name (`x_bucket` for a histogram bucket of family `x`).
    pub name: &'a str,
    /// The value.
    pub value: f64,
    /// 1-based line number.
    pub line: usize,
    rest: Rest<'a>,
}

/// What a sample keeps of its line besides the name and the value.
#[derive(Clone)]
enum Rest<'a> {
    /// The validated text after the name (labels without escapes, value, timestamp).
    Raw(&'a str),
    /// Labels whose values held escapes, unescaped, and the timestamp.
    Unescaped(Box<Unescaped<'a>>),
}

#[derive(Clone)]
struct Unescaped<'a> {
    /// The labels as written (what follows the name).
    raw: &'a str,
    /// The values that hold escapes, unescaped, one after the other in the order written:
    /// a value costs its own length and nothing per label ([`Sample::labels`] finds each
    /// one's place while walking `raw`).
    unescaped: String,
    timestamp: Option<i64>,
    /// An OpenMetrics exemplar (a sample with one is kept in this form: they are rare).
    exemplar: Option<Exemplar>,
}

impl<'a> Sample<'a> {
    /// Label pairs in the order written, values unescaped.
    pub fn labels(&self) -> Labels<'_> {
        Labels(match &self.rest {
            Rest::Raw(rest) => LabelsInner::Raw(RawLabels::new(rest)),
            Rest::Unescaped(u) => LabelsInner::Unescaped {
                raw: RawLabels::new(u.raw),
                unescaped: &u.unescaped,
            },
        })
    }

    /// Label pairs in the order written, values as written (escapes not undone), borrowed
    /// from the input: two values are equal exactly when their written forms are, since a
    /// value has one written form (`\\`, `\"` and `\n` are the only escapes).
    pub fn labels_as_written(&self) -> LabelsAsWritten<'a> {
        LabelsAsWritten(RawLabels::new(match &self.rest {
            Rest::Raw(rest) => rest,
            Rest::Unescaped(u) => u.raw,
        }))
    }

    /// The value of label `name`.
    pub fn label(&self, name: &str) -> Option<&str> {
        self.labels().find(|(k, _)| *k == name).map(|(_, v)| v)
    }

    /// The OpenMetrics exemplar of the sample (` # {trace_id="..."} value timestamp`), if any.
    pub fn exemplar(&self) -> Option<&Exemplar> {
        match &self.rest {
            Rest::Raw(_) => None,
            Rest::Unescaped(u) => u.exemplar.as_ref(),
        }
    }

    /// The optional timestamp in milliseconds.
    pub fn timestamp(&self) -> Option<i64> {
        match &self.rest {
            Rest::Raw(rest) => {
                let mut tokens = RawLabels::new(rest).after().split([' ', '\t']);
                let _value = tokens.find(|t| !t.is_empty());
                tokens.find(|t| !t.is_empty()).and_then(|t| t.parse().ok())
            }
            Rest::Unescaped(u) => u.timestamp,
        }
    }
}

impl std::fmt::Debug for Sample<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sample")
            .field("name", &self.name)
            .field("labels", &self.labels().collect::<Vec<_>>())
            .field("value", &self.value)
            .field("timestamp", &self.timestamp())
            .field("line", &self.line)
            .finish()
    }
}

impl PartialEq for Sample<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
            && self.value.to_bits() == other.value.to_bits()
            && self.line == other.line
            && self.timestamp() == other.timestamp()
            && self.labels().eq(other.labels())
    }
}

/// A sample's label pairs, `(name, value)`, in the order written ([`Sample::labels`]).
pub struct Labels<'s>(LabelsInner<'s>);

enum LabelsInner<'s> {
    Raw(RawLabels<'s>),
    /// Values with escapes are taken, in turn, from the front of `unescaped`.
    Unescaped {
        raw: RawLabels<'s>,
        unescaped: &'s str,
    },
}

impl<'s> Iterator for Labels<'s> {
    type Item = (&'s str, &'s str);

    fn next(&mut self) -> Option<Self::Item> {
        match &mut self.0 {
            LabelsInner::Raw(raw) => raw.next(),
            LabelsInner::Unescaped { raw, unescaped } => {
                let (k, v) = raw.next()?;
                if !v.contains('\\') {
                    return Some((k, v));
                }
                let len = line::unescaped_len(v);
                let value = unescaped.get(..len)?;
                *unescaped = unescaped.get(len..)?;
                Some((k, value))
            }
        }
    }
}

/// A sample's label pairs as written in the input ([`Sample::labels_as_written`]).
pub struct LabelsAsWritten<'a>(RawLabels<'a>);

impl<'a> Iterator for LabelsAsWritten<'a> {
    type Item = (&'a str, &'a str);

    fn next(&mut self) -> Option<Self::Item> {
        self.0.next()
    }
}

/// One family: its metadata and its samples.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ParsedFamily<'a> {
    /// The family name.
    pub name: &'a str,
    /// `counter`, `gauge`, `histogram`, `summary` or `untyped` (no TYPE line).
    pub kind: &'static str,
    /// The HELP text, unescaped.
    pub help: Option<Cow<'a, str>>,
    /// The samples.
    pub samples: Vec<Sample<'a>>,
}

impl ParsedFamily<'_> {
    /// Distinct label sets, ignoring `le` and `quantile`: the family's series.
    pub fn series_count(&self) -> usize {
        series::label_sets(&self.samples, &|k| k == "le" || k == "quantile")
    }
}

/// A parsed exposition; it borrows from the text it was parsed from.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Exposition<'a> {
    /// Families in the order they appeared.
    pub families: Vec<ParsedFamily<'a>>,
    /// Whether it was read as OpenMetrics ([`is_openmetrics`]).
    pub openmetrics: bool,
    index: HashMap<&'a str, usize>,
}

impl<'a> Exposition<'a> {
    /// A family by name.
    pub fn family(&self, name: &str) -> Option<&ParsedFamily<'a>> {
        self.index.get(name).and_then(|&i| self.families.get(i))
    }
}

fn is_metric_name(s: &str) -> bool {
    !s.starts_with(|c: char| c.is_ascii_digit()) && !s.is_empty() && s.bytes().all(is_metric_byte)
}

/// Why `s` is not a metric name by the exposition grammar (`[a-zA-Z_:][a-zA-Z0-9_:]*`), the
/// first character it does not allow named by code point; `None` when it is one.
///
/// ```
/// assert_eq!(metrics_exposition::metric_name_problem("a_total"), None);
/// assert_eq!(
///     metrics_exposition::metric_name_problem("a\0b").as_deref(),
///     Some("U+0000 (NUL) at column 2 of the name")
/// );
/// ```
pub fn metric_name_problem(s: &str) -> Option<String> {
    (!is_metric_name(s)).then(|| name_problem(s, false))
}

/// Why `s` is not a label name by the exposition grammar (`[a-zA-Z_][a-zA-Z0-9_]*`), as
/// [`metric_name_problem`] says it; `None` when it is one.
pub fn label_name_problem(s: &str) -> Option<String> {
    let ok = !s.is_empty()
        && !s.starts_with(|c: char| c.is_ascii_digit())
        && s.bytes().all(is_label_byte);
    (!ok).then(|| name_problem(s, true))
}

/// Why `s` is not a metric name (or a label name with `label`): the first character the
/// grammar does not allow there, named.
fn name_problem(s: &str, label: bool) -> String {
    let allowed = |b: u8| {
        if label {
            is_label_byte(b)
        } else {
            is_metric_byte(b)
        }
    };
    if s.is_empty() {
        return "it is empty".to_string();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        return "it starts with a digit".to_string();
    }
    match s
        .char_indices()
        .find(|(_, c)| !(c.is_ascii() && allowed(*c as u8)))
    {
        Some((at, c)) => format!(
            "{} at column {} of the name",
            describe_char(c),
            s.get(..at).map_or(0, |p| p.chars().count()) + 1
        ),
        None => "?".to_string(),
    }
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
    // A literal past the largest float (`1e309`) is refused, as Go's `ParseFloat` (and so
    // Prometheus) refuses it, rather than read as infinity: infinity is written `+Inf`.
    s.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Why `s`, refused by [`parse_value`], is not a value: it overflows, or is no float at all.
fn value_problem(s: &str) -> &'static str {
    let numeric = s
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.' | b'e' | b'E'));
    if numeric && s.parse::<f64>().is_ok_and(f64::is_infinite) {
        "overflows a 64-bit float (infinity is written `+Inf`)"
    } else {
        "is not a float"
    }
}

/// A structural label's value (`le` of a histogram bucket, `quantile` of a summary) that
/// looks like a number but overflows a 64-bit float: refused, as its sample value would be.
fn structural_overflow(sample: &Sample<'_>, kind: &str, n: usize) -> Result<(), ParseError> {
    let label = match kind {
        "histogram" if sample.name.ends_with("_bucket") => "le",
        "summary" => "quantile",
        _ => return Ok(()),
    };
    for (name, value) in sample.labels_as_written() {
        if name == label
            && parse_value(value).is_none()
            && value_problem(value).starts_with("overflows")
        {
            return Err(ParseError::new(
                n,
                format!(
                    "`{label}` value {:?} of `{}` {}",
                    excerpt(value),
                    excerpt(sample.name),
                    value_problem(value)
                ),
            ));
        }
    }
    Ok(())
}

fn unescape_help(s: &str) -> Cow<'_, str> {
    if !s.contains('\\') {
        return Cow::Borrowed(s);
    }
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
    Cow::Owned(out)
}

/// Lines between two looks at the clock.
const LINES_PER_CLOCK_CHECK: usize = 1024;

/// A family as the parse has read it so far; [`Visit::end`] gets it whole.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FamilyHead<'a> {
    /// The family name.
    pub name: &'a str,
    /// `counter`, `gauge`, `histogram`, `summary` or `untyped` (no TYPE line). A TYPE line
    /// comes before a family's samples, so this is final by the first sample.
    pub kind: &'static str,
    /// The HELP text, unescaped (a HELP line may follow the samples: final at the end).
    pub help: Option<Cow<'a, str>>,
    /// Samples so far.
    pub samples: usize,
    /// The 1-based line of the family's first line.
    pub line: usize,
    /// Where the family's lines are in the text: from the start of its first line to the end
    /// of its last ([`series_count`] of that slice counts its series).
    pub span: std::ops::Range<usize>,
    /// Whether the exposition is OpenMetrics ([`is_openmetrics`], [`parse_each_openmetrics`]):
    /// then a counter family `x` is named without the `_total` its samples carry.
    pub openmetrics: bool,
    typed: bool,
    helped: bool,
}

/// What [`parse_each`] hands each family to, one sample at a time: the checker aggregates and
/// drops them, [`parse`] collects them into an [`Exposition`].
///
/// A family's samples come in order, then its `end`; then the next family's. What a visitor
/// was given is only valid if [`parse_each`] then returns `Ok`: an error (a repeated series,
/// a family seen twice) may be found after the families it concerns were handed over.
pub trait Visit<'a> {
    /// A sample of `family` (whose `samples` does not count it yet).
    fn sample(&mut self, family: &FamilyHead<'a>, sample: Sample<'a>);
    /// The family's last line was read.
    fn end(&mut self, family: FamilyHead<'a>);
    /// Whether the family `name`, whose lines start again here after another family's, was
    /// handed over before (its [`Visit::end`] called). A visitor that remembers some families
    /// (the checker, those its catalog declares) says so, and the parse stops at once with
    /// the error it would give at the end (the lines of the family are not grouped together,
    /// or an earlier error), instead of handing over the rest. The default remembers none.
    fn seen(&self, name: &str) -> bool {
        let _ = name;
        false
    }
}

/// The parse in progress: the family being read, and what must be remembered of the others,
/// 8 bytes a family, a typed family and a sample ([`packed`]).
struct State<'a> {
    text: &'a str,
    keys: packed::Keys,
    current: Option<FamilyHead<'a>>,
    /// Families in the order opened: a family opened twice is not contiguous.
    opened: packed::Opened,
    /// Every sample's series: none may be given twice.
    series: packed::Series,
    typed: packed::Typed,
    /// Whether the exposition is OpenMetrics.
    openmetrics: bool,
    /// OpenMetrics families whose kind the text format lacks (`info`, `gaugehistogram`), by
    /// name: their samples' suffixes (`_info`; `_bucket`, `_gcount`, `_gsum`) name them.
    om_kinds: std::collections::HashMap<&'a str, &'static str>,
}

impl<'a> State<'a> {
    /// The family `name` (a slice of the text), continued or opened at line `n` (at byte
    /// `at`); the previous one ends. A family opened twice is an error [`State::fail`] finds
    /// later, from `opened`, or at once when `visit` remembers it ([`Visit::seen`]).
    fn slot(
        &mut self,
        name: &'a str,
        n: usize,
        at: usize,
        visit: &mut impl Visit<'a>,
    ) -> Result<(), ParseError> {
        if self.current.as_ref().is_some_and(|c| c.name == name) {
            return Ok(());
        }
        if let Some(done) = self.current.take() {
            visit.end(done);
        }
        if visit.seen(name) {
            return Err(not_grouped(n, name));
        }
        self.opened.push(&self.keys, self.text, name);
        self.current = Some(FamilyHead {
            name,
            kind: "untyped",
            line: n,
            span: at..at,
            openmetrics: self.openmetrics,
            ..FamilyHead::default()
        });
        Ok(())
    }

    fn typed(&self, name: &str) -> Option<&'static str> {
        self.typed.get(&self.keys, self.text, name)
    }

    /// The family a sample name belongs to, given the families typed so far.
    fn family_of(&self, name: &'a str) -> &'a str {
        if self.typed(name).is_some() {
            return name;
        }
        for (suffix, kinds) in [
            // OpenMetrics names a counter family without `_total`, which its samples carry,
            // and gives counters and histograms a `_created` sample.
            ("_total", &["counter"][..]),
            ("_created", &["counter", "histogram", "summary"][..]),
            ("_bucket", &["histogram"][..]),
            ("_sum", &["histogram", "summary"][..]),
            ("_count", &["histogram", "summary"][..]),
        ] {
            if let Some(base) = name.strip_suffix(suffix)
                && self.typed(base).is_some_and(|k| kinds.contains(&k))
            {
                return base;
            }
        }
        if !self.om_kinds.is_empty() {
            for (suffix, kind) in [
                ("_info", "info"),
                ("_bucket", "gaugehistogram"),
                ("_gcount", "gaugehistogram"),
                ("_gsum", "gaugehistogram"),
            ] {
                if let Some(base) = name.strip_suffix(suffix)
                    && self.om_kinds.get(base) == Some(&kind)
                {
                    return base;
                }
            }
        }
        name
    }

    /// What OpenMetrics requires of the samples it adds: an exemplar only on a counter's
    /// `_total` or a histogram bucket; a `_created` value a finite, non-negative time.
    fn check_openmetrics(&self, s: &Sample<'a>, family: &str, n: usize) -> Result<(), ParseError> {
        let kind = self.typed(family).unwrap_or("untyped");
        structural_overflow(s, kind, n)?;
        if s.exemplar().is_some()
            && !(kind == "counter" && s.name.ends_with("_total")
                || kind == "histogram" && s.name.ends_with("_bucket"))
        {
            return Err(ParseError::new(
                n,
                format!(
                    "an exemplar on `{}`: OpenMetrics allows them on counter `_total` samples and histogram buckets only",
                    excerpt(s.name)
                ),
            ));
        }
        if family != s.name
            && s.name.ends_with("_created")
            && !(s.value.is_finite() && s.value >= 0.0)
        {
            return Err(ParseError::new(
                n,
                format!(
                    "`{}` is {}, not a creation time in seconds",
                    excerpt(s.name),
                    s.value
                ),
            ));
        }
        Ok(())
    }

    /// A `# HELP` or `# TYPE` line.
    fn meta(
        &mut self,
        keyword: &str,
        rest: &'a str,
        n: usize,
        at: usize,
        visit: &mut impl Visit<'a>,
    ) -> Result<(), ParseError> {
        let err = |m: String| ParseError::new(n, m);
        let rest = rest.trim_start_matches([' ', '\t']);
        let (name, arg) = rest.split_once([' ', '\t']).unwrap_or((rest, ""));
        if !is_metric_name(name) {
            return Err(err(format!(
                "invalid metric name {:?} in # {keyword}: {}",
                excerpt(name),
                name_problem(name, false)
            )));
        }
        self.slot(name, n, at, visit)?;
        let Some(family) = self.current.as_mut() else {
            return Ok(());
        };
        if keyword == "HELP" {
            if family.helped {
                return Err(err(format!("second HELP line for `{}`", excerpt(name))));
            }
            family.helped = true;
            family.help = Some(unescape_help(arg));
            return Ok(());
        }
        // OpenMetrics' own kinds are read as the nearest kind of the text format: `unknown`
        // untyped, `info` untyped, `stateset` and `gaugehistogram` gauges.
        let (kind, om_kind) = match arg.trim() {
            "counter" => ("counter", None),
            "gauge" => ("gauge", None),
            "histogram" => ("histogram", None),
            "summary" => ("summary", None),
            "untyped" if !self.openmetrics => ("untyped", None),
            "unknown" if self.openmetrics => ("untyped", None),
            "info" if self.openmetrics => ("untyped", Some("info")),
            "stateset" if self.openmetrics => ("gauge", None),
            "gaugehistogram" if self.openmetrics => ("gauge", Some("gaugehistogram")),
            other => {
                return Err(err(format!(
                    "unknown type {:?} for `{}`",
                    excerpt(other),
                    excerpt(name)
                )));
            }
        };
        if family.typed {
            return Err(err(format!("second TYPE line for `{}`", excerpt(name))));
        }
        if family.samples > 0 {
            return Err(err(format!(
                "TYPE line for `{}` after its samples",
                excerpt(name)
            )));
        }
        family.typed = true;
        family.kind = kind;
        self.typed.insert(&self.keys, self.text, name, kind);
        if let Some(om_kind) = om_kind {
            self.om_kinds.insert(name, om_kind);
        }
        Ok(())
    }

    /// The error to report when the parse stops with `e`.
    fn fail(&mut self, e: ParseError) -> ParseError {
        self.first_error(Some(e.clone())).unwrap_or(e)
    }

    /// The error to report when the parse stops with `e` (or ends, `None`): the first of a
    /// family opened a second time before it, or `e`; a repeated series on an earlier line
    /// comes before either, as a parser reading line by line would have found it first.
    fn first_error(&mut self, e: Option<ParseError>) -> Option<ParseError> {
        if e.as_ref().is_some_and(|e| e.timed_out) {
            return e;
        }
        let text = self.text;
        let reopen = self
            .opened
            .first_reopen(&self.keys, text)
            .map(|(at, name)| (packed::line_at(text, at), name));
        let stop = match (reopen, e) {
            (Some((line, name)), e) if e.as_ref().is_none_or(|e| line <= e.line) => {
                Some(not_grouped(line, name))
            }
            (_, e) => e,
        };
        let repeat = self
            .series
            .first_repeat(&self.keys, text)
            .map(|at| (packed::line_at(text, at), packed::metric_name_at(text, at)));
        match (repeat, stop) {
            (Some((line, name)), stop) if stop.as_ref().is_none_or(|s| line < s.line) => {
                Some(repeated_series(line, name))
            }
            (_, stop) => stop,
        }
    }
}

fn not_grouped(line: usize, name: &str) -> ParseError {
    ParseError::new(
        line,
        format!(
            "the lines of family `{}` are not grouped together",
            excerpt(name)
        ),
    )
}

fn repeated_series(line: usize, name: &str) -> ParseError {
    ParseError::new(line, format!("series `{}` given twice", excerpt(name)))
}

/// Parses a whole exposition.
pub fn parse(text: &str) -> Result<Exposition<'_>, ParseError> {
    parse_with(text, None)
}

/// Parses a whole exposition, or stops with an error ([`ParseError::is_timeout`]) once
/// `deadline` has passed; the clock is read every 1024 lines and every 4096 labels of a line.
pub fn parse_until(text: &str, deadline: Instant) -> Result<Exposition<'_>, ParseError> {
    parse_with(text, Some(deadline))
}

/// Collects what [`parse_each`] hands over into an [`Exposition`].
impl<'a> Visit<'a> for (Exposition<'a>, Vec<Sample<'a>>) {
    fn sample(&mut self, _family: &FamilyHead<'a>, sample: Sample<'a>) {
        self.1.push(sample);
    }

    fn end(&mut self, family: FamilyHead<'a>) {
        let (out, samples) = self;
        out.openmetrics = family.openmetrics;
        out.index.entry(family.name).or_insert(out.families.len());
        out.families.push(ParsedFamily {
            name: family.name,
            kind: family.kind,
            help: family.help,
            samples: std::mem::take(samples),
        });
    }
}

fn parse_with(text: &str, deadline: Option<Instant>) -> Result<Exposition<'_>, ParseError> {
    let mut collect = (Exposition::default(), Vec::new());
    parse_each(text, deadline, &mut collect)?;
    Ok(collect.0)
}

/// Parses an exposition one family at a time, handing each sample, then the family's end, to
/// `visit` as it is read: what the caller keeps is up to it, and the parse itself keeps
/// 8 bytes per family, per typed family and per sample besides the family being read
/// (its label sets are not kept). Stops with an error ([`ParseError::is_timeout`]) once
/// `deadline` has passed.
///
/// The result is `Ok` exactly when [`parse`] would succeed, and the error is the same; but
/// some errors (a series given twice, a family's lines not grouped together) are only known
/// at the end, after the families concerned were handed over; a family opened again that the
/// visitor remembers ([`Visit::seen`]) stops the parse where it opens again.
///
/// ```
/// use metrics_exposition::{FamilyHead, Sample, Visit};
///
/// #[derive(Default)]
/// struct Count { families: usize, samples: usize }
/// impl<'a> Visit<'a> for Count {
///     fn sample(&mut self, _: &FamilyHead<'a>, _: Sample<'a>) { self.samples += 1 }
///     fn end(&mut self, _: FamilyHead<'a>) { self.families += 1 }
/// }
/// let mut count = Count::default();
/// metrics_exposition::parse_each("# TYPE a counter\na 1\nb{x=\"1\"} 2\nb 3\n", None, &mut count)
///     .map_err(|e| e.to_string())?;
/// assert_eq!((count.families, count.samples), (2, 3));
/// # Ok::<(), String>(())
/// ```
pub fn parse_each<'a>(
    text: &'a str,
    deadline: Option<Instant>,
    visit: &mut impl Visit<'a>,
) -> Result<(), ParseError> {
    parse_each_in(text, deadline, visit, is_openmetrics(text))
}

/// Whether `text` is OpenMetrics as [`parse_each`] tells: its last line (a final line feed
/// aside) is `# EOF`, which ends every OpenMetrics exposition and no text one.
pub fn is_openmetrics(text: &str) -> bool {
    let body = text.strip_suffix('\n').unwrap_or(text);
    body.rsplit('\n').next() == Some("# EOF")
}

/// [`parse_each`] of an exposition known to be OpenMetrics (a scrape answered as
/// `application/openmetrics-text`): it must end with `# EOF`, and nothing may follow that.
/// A counter family `x` is named without the `_total` of its samples
/// ([`FamilyHead::openmetrics`]); the kind `unknown` is untyped, `info` untyped (its
/// samples are `x_info`), `stateset` a gauge, `gaugehistogram` a gauge (its samples are
/// `x_bucket`, `x_gcount`, `x_gsum`). Text expositions (without the final `# EOF`) are read
/// as [`parse_each`] reads them: those kinds are refused there, as Prometheus refuses them.
pub fn parse_each_openmetrics<'a>(
    text: &'a str,
    deadline: Option<Instant>,
    visit: &mut impl Visit<'a>,
) -> Result<(), ParseError> {
    parse_each_in(text, deadline, visit, true)
}

fn parse_each_in<'a>(
    text: &'a str,
    deadline: Option<Instant>,
    visit: &mut impl Visit<'a>,
    openmetrics: bool,
) -> Result<(), ParseError> {
    let mut eof = false;
    let mut state = State {
        text,
        keys: packed::Keys::for_text(text),
        current: None,
        opened: packed::Opened::default(),
        series: packed::Series::whole(),
        typed: packed::Typed::new(),
        openmetrics,
        om_kinds: std::collections::HashMap::new(),
    };
    // The format's line break is `\n` alone: a `\r` belongs to the line (a label value or
    // HELP may end in one), so stripping it would corrupt what round-trips.
    let mut at = 0usize;
    let mut n = 0usize;
    for line in text.split('\n') {
        let line_start = at;
        at += line.len() + 1;
        n += 1;
        if n.is_multiple_of(LINES_PER_CLOCK_CHECK) && past(deadline) {
            return Err(ParseError::timed_out(n));
        }
        if openmetrics && line == "# EOF" {
            let after = text.get(at.min(text.len())..).unwrap_or("");
            if !after.is_empty() {
                return Err(state.fail(ParseError::new(
                    n + 1,
                    format!(
                        "{:?} after `# EOF`, which ends an OpenMetrics exposition",
                        excerpt(after.split('\n').next().unwrap_or(""))
                    ),
                )));
            }
            eof = true;
            break;
        }
        if line.trim().is_empty() {
            continue;
        }
        if let Some(comment) = line.strip_prefix('#') {
            let comment = comment.trim_start_matches([' ', '\t']);
            // Only the keyword is looked at: an ordinary comment costs nothing per byte.
            for keyword in ["HELP", "TYPE"] {
                if let Some(rest) = comment.strip_prefix(keyword)
                    && (rest.is_empty() || rest.starts_with([' ', '\t']))
                {
                    if let Err(e) = state.meta(keyword, rest, n, line_start, visit) {
                        return Err(state.fail(e));
                    }
                    if let Some(c) = state.current.as_mut() {
                        c.span.end = line_start + line.len();
                    }
                }
            }
            continue; // otherwise an ordinary comment
        }
        let parsed = line::parse_sample(line, n, deadline).and_then(|sample| {
            let family = state.family_of(sample.name);
            state.check_openmetrics(&sample, family, n)?;
            Ok((sample, family))
        });
        let (sample, family) = match parsed {
            Ok(p) => p,
            Err(e) => return Err(state.fail(e)),
        };
        if let Err(e) = state.slot(family, n, line_start, visit) {
            return Err(state.fail(e));
        }
        state.series.push(&state.keys, text, &sample);
        if let Some(current) = state.current.as_mut() {
            visit.sample(current, sample);
            current.samples += 1;
            current.span.end = line_start + line.len();
        }
    }
    if past(deadline) {
        return Err(ParseError::timed_out(n));
    }
    if let Some(done) = state.current.take() {
        visit.end(done);
    }
    let last = if openmetrics && !eof {
        Some(ParseError::new(
            n,
            "an OpenMetrics exposition ends with a `# EOF` line, and this one has none (was it cut short?)".to_string(),
        ))
    } else {
        None
    };
    match state.first_error(last) {
        Some(e) => Err(e),
        None => unterminated(text, n),
    }
}

/// The format ends every line, the last included, with a line feed; an input whose last line
/// has none was most likely cut inside that line (a body closed early: `x 123` read as
/// `x 1`), so it is refused, naming the line. An empty input has no line and is fine, and so
/// is OpenMetrics' closing `# EOF` without its line feed, which that format allows (the
/// marker itself proves the input whole).
fn unterminated(text: &str, lines: usize) -> Result<(), ParseError> {
    if text.is_empty() || text.ends_with('\n') {
        return Ok(());
    }
    let last = text.rsplit('\n').next().unwrap_or("");
    if last == "# EOF" {
        return Ok(());
    }
    Err(ParseError::new(
        lines,
        format!(
            "the last line {:?} does not end in a line feed: the input ends inside a line (was it cut short?)",
            excerpt(last)
        ),
    ))
}

/// The series of the samples in `text`, as [`ParsedFamily::series_count`] counts them:
/// distinct label sets, `le` and `quantile` left out. Lines that are not samples are
/// skipped. For a family [`parse_each`] handed over, `text` is its [`FamilyHead::span`]: the
/// samples are read again, 8 bytes each, rather than kept.
pub fn series_count(text: &str) -> usize {
    let keys = packed::Keys::for_text(text);
    let mut sets = packed::Series::label_sets();
    for line in text.split('\n') {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        if let Ok(sample) = line::parse_sample(line, 0, None) {
            sets.push(&keys, text, &sample);
        }
    }
    sets.distinct(&keys, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openmetrics_may_end_at_its_eof_marker_without_a_line_feed() {
        // The OpenMetrics grammar makes the final line feed after `# EOF` optional.
        let parsed = parse("# TYPE a gauge\na 1\n# EOF").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(parsed.families.len(), 1);
    }

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
        assert_eq!(a.samples[0].timestamp(), None);
        assert_eq!(a.samples[1].timestamp(), Some(1_700_000_000_000));
        let h = family("h");
        assert_eq!(h.samples.len(), 4);
        assert_eq!(h.series_count(), 1);
        assert!(family("untyped_thing").samples[0].value.is_nan());
    }

    #[test]
    fn labels_are_read_back_from_the_line() {
        let text = "a{ x = \"1\" ,\ty=\"\" , z=\"q\\\"\" , } 2 -5\nb {} 3\nc{u=\"v\"}\t4\t7\nd 5\n";
        let e = parse(text).unwrap_or_else(|e| panic!("{e}"));
        let s = |f: &str| e.family(f).unwrap_or_else(|| panic!("{f}")).samples[0].clone();
        let a = s("a");
        assert_eq!(
            a.labels().collect::<Vec<_>>(),
            [("x", "1"), ("y", ""), ("z", "q\"")]
        );
        assert_eq!(a.timestamp(), Some(-5));
        assert_eq!(a.value, 2.0);
        assert_eq!(s("b").labels().count(), 0);
        assert_eq!(s("b").timestamp(), None);
        assert_eq!(s("c").labels().collect::<Vec<_>>(), [("u", "v")]);
        assert_eq!(s("c").timestamp(), Some(7));
        assert_eq!(s("d").labels().count(), 0);
        assert_eq!(s("d").label("x"), None);
    }

    #[test]
    fn escaped_values_among_plain_ones_are_read_back_in_place() {
        let text = "a{p=\"x\",q=\"a\\\\b\",r=\"\",s=\"\\n\\\"\",t=\"é\\\\\"} 1 7\n";
        let e = parse(text).unwrap_or_else(|e| panic!("{e}"));
        let a = e.families[0].samples[0].clone();
        assert_eq!(
            a.labels().collect::<Vec<_>>(),
            [
                ("p", "x"),
                ("q", "a\\b"),
                ("r", ""),
                ("s", "\n\""),
                ("t", "é\\")
            ]
        );
        assert_eq!(a.label("t"), Some("é\\"));
        assert_eq!(a.timestamp(), Some(7));
        assert_eq!(a.labels_as_written().nth(3), Some(("s", "\\n\\\"")));
        // An exemplar line keeps its labels the same way.
        let om = "# TYPE c counter\nc_total{x=\"\\\\\",y=\"1\"} 1 # {t=\"a\"} 1\n";
        let e = parse(om).unwrap_or_else(|e| panic!("{e}"));
        let c = e.families[0].samples[0].clone();
        assert_eq!(c.labels().collect::<Vec<_>>(), [("x", "\\"), ("y", "1")]);
        assert!(c.exemplar().is_some());
    }

    /// Remembers the families handed over, and counts the samples.
    #[derive(Default)]
    struct Remember<'a>(Vec<&'a str>, usize);

    impl<'a> Visit<'a> for Remember<'a> {
        fn sample(&mut self, _: &FamilyHead<'a>, _: Sample<'a>) {
            self.1 += 1;
        }
        fn end(&mut self, family: FamilyHead<'a>) {
            self.0.push(family.name);
        }
        fn seen(&self, name: &str) -> bool {
            self.0.contains(&name)
        }
    }

    #[test]
    fn a_family_the_visitor_remembers_stops_the_parse_where_it_opens_again() {
        let mut text = String::from("# TYPE a gauge\na 0\nb 0\n");
        text.push_str(&"a 1\nb 1\n".repeat(1000));
        let mut r = Remember::default();
        let e = parse_each(&text, None, &mut r).expect_err("not grouped");
        assert_eq!(Some(e.clone()), parse(&text).err());
        assert_eq!(
            (e.line, e.message.as_str()),
            (4, "the lines of family `a` are not grouped together")
        );
        assert_eq!(r.1, 2, "stopped at the first repeat");
        // An earlier error still comes first: a repeated series, an undeclared family
        // opened again, and through a TYPE line too.
        for text in [
            "a 0\nc 0\nc 1\nb 0\na 1\n",
            "a 0\nc 0\nb 0\nc 1\nb 1\na 1\n",
            "a 0\nb 0\n# HELP a again\n",
            "a 0\nb 0\n# TYPE a gauge\nb 1\n",
        ] {
            let mut r = Remember::default();
            let seen = parse_each(text, None, &mut r).expect_err(text);
            assert_eq!(Some(seen), parse(text).err(), "{text}");
        }
    }

    #[test]
    fn a_sample_is_small() {
        // Memory is the input plus this much per sample: the checker's promise.
        assert!(std::mem::size_of::<Sample<'_>>() <= 48);
    }

    #[test]
    fn label_order_does_not_make_a_new_series() {
        let e = parse("a{x=\"1\",y=\"2\"} 1\na{y=\"2\",x=\"1\"} 2\n").expect_err("repeat");
        assert_eq!((e.line, e.message.as_str()), (2, "series `a` given twice"));
        // Escaped and plain spellings of one value are one series.
        let e = parse("a{x=\"\\\\\"} 1\na{x=\"\\\\\"} 2\n").expect_err("repeat");
        assert_eq!(e.line, 2);
        // The earlier of a repeat and a syntax error is reported.
        let e = parse("a 1\na 2\nb{ 3\n").expect_err("two errors");
        assert_eq!(e.line, 2, "{e}");
        let e = parse("a 1\nb{ 3\na 2\n").expect_err("two errors");
        assert_eq!(e.line, 2, "{e}");
        assert!(e.message.contains("invalid label name"), "{e}");
        // Different label sets are different series, whatever their fingerprints.
        let text: String = (0..2000).map(|i| format!("a{{x=\"{i}\"}} 1\n")).collect();
        assert_eq!(parse(&text).map(|e| e.families[0].series_count()), Ok(2000));
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
            (
                "a 1\nb 12",
                2,
                "the last line \"b 12\" does not end in a line feed",
            ),
            ("a 1\n# comment", 2, "does not end in a line feed"),
            ("a 1\n# EOF ", 2, "does not end in a line feed"),
            ("a 1\n\n  ", 3, "does not end in a line feed"),
            (
                "a\0b 1\n",
                1,
                "invalid character U+0000 (NUL) in the metric name `a`",
            ),
            ("\0a 1\n", 1, "expected a metric name, found U+0000 (NUL)"),
            (
                "a{x\0=\"1\"} 1\n",
                1,
                "expected `=` after label `x`, found U+0000 (NUL)",
            ),
            (
                "a{\u{1b}=\"1\"} 1\n",
                1,
                "found U+001B (a control character)",
            ),
            ("a-b 1\n", 1, "invalid character `-` (U+002D)"),
            (
                "# TYPE a\0b counter\n",
                1,
                "U+0000 (NUL) at column 2 of the name",
            ),
            (
                "a{x=\"1\"}2\n",
                1,
                "expected a space before the value of `a`, found `2`",
            ),
        ];
        for (text, line, what) in bad {
            let e = parse(text).expect_err(text);
            assert_eq!(e.line, line, "{text:?}: {e}");
            assert!(e.message.contains(what), "{text:?}: {e}");
        }
    }

    #[test]
    fn many_labels_with_one_repeated_far_apart() {
        let mut line = String::from("a{");
        for i in 0..5000 {
            line.push_str(&format!("l{i}=\"v\","));
        }
        line.push_str("l17=\"again\"} 1\n");
        let e = parse(&line).expect_err("repeat");
        assert_eq!(e.message, "label `l17` given twice");
        let ok = line.replace("l17=\"again\"", "last=\"x\"");
        let parsed = parse(&ok).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(parsed.families[0].samples[0].labels().count(), 5001);
        assert_eq!(parsed.families[0].samples[0].label("last"), Some("x"));
    }

    #[test]
    fn messages_quote_at_most_an_excerpt() {
        let long = "x".repeat(1 << 20);
        for text in [
            format!("a {long}\n"),
            format!("a 1 {long}\n"),
            format!("a 1 2 {long}\n"),
            format!("# TYPE a {long}\n"),
            format!("a{{{long}\0=\"1\"}} 1\n"),
            format!("{long}\0 1\n"),
            format!("{long} 1\n{long} 2\n"),
            format!("# TYPE {long}\0 counter\n"),
            format!("a 1\nb{{x=\"{long}\"}} 1"),
        ] {
            let e = parse(&text).expect_err("malformed");
            assert!(
                e.message.len() < 400,
                "{} bytes: {}",
                e.message.len(),
                e.message
            );
        }
    }

    #[test]
    fn a_deadline_in_the_past_stops_the_parse() {
        let text = "a 1\n".repeat(5000);
        let e = parse_until(&text, Instant::now()).expect_err("stopped");
        assert!(e.is_timeout(), "{e}");
        assert!(parse(&text).is_err(), "a repeat, not a timeout");
        let e = parse(&text).expect_err("repeat");
        assert!(!e.is_timeout());
    }
}
