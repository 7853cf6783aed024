//! One sample line, `name{label="value",...} value [timestamp]`, by the format's grammar.
//!
//! The strict pass ([`parse_sample`]) validates the whole line and fails on the first
//! violation, naming it. What it keeps of a valid line is the name, the value and a slice of
//! the input holding the rest (labels and timestamp), which [`RawLabels`] walks again on
//! demand: a sample costs a few words, not an allocation per label. Only a line whose label
//! values hold escapes keeps those values unescaped, one after the other in one string.
//!
//! Cost is linear in the line's length: a label name is checked against the line's earlier
//! names by a scan while there are few of them and by a hash set past that, so a line with
//! 160,000 labels parses in milliseconds, not minutes.

use std::time::Instant;

use crate::excerpt::{excerpt, found};
use crate::packed::LineLabels;
use crate::{ParseError, Rest, Sample, Unescaped};

/// Labels per line checked for repeats by a plain scan; past this a hash set takes over.
const SCANNED_LABELS: usize = 16;

/// Labels between two looks at the clock, within one line.
const LABELS_PER_CLOCK_CHECK: usize = 4096;

pub(crate) fn is_metric_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b':'
}

pub(crate) fn is_label_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// A position in a line. Every method moves by whole characters: it stops only before an
/// ASCII byte or at the end, which are always character boundaries.
#[derive(Clone)]
pub(crate) struct Cursor<'a> {
    pub(crate) s: &'a str,
    pub(crate) pos: usize,
}

impl<'a> Cursor<'a> {
    pub(crate) fn new(s: &'a str) -> Self {
        Cursor { s, pos: 0 }
    }

    fn byte(&self) -> Option<u8> {
        self.s.as_bytes().get(self.pos).copied()
    }

    fn rest(&self) -> &'a str {
        self.s.get(self.pos..).unwrap_or("")
    }

    /// Consumes `b` (ASCII) if it is next.
    fn eat(&mut self, b: u8) -> bool {
        let yes = self.byte() == Some(b);
        if yes {
            self.pos += 1;
        }
        yes
    }

    fn skip_blank(&mut self) {
        while matches!(self.byte(), Some(b' ' | b'\t')) {
            self.pos += 1;
        }
    }

    /// The ASCII bytes matching `f` from here.
    fn take_ascii(&mut self, f: impl Fn(u8) -> bool) -> &'a str {
        let start = self.pos;
        while self.byte().is_some_and(|b| b.is_ascii() && f(b)) {
            self.pos += 1;
        }
        self.s.get(start..self.pos).unwrap_or("")
    }

    /// Everything up to the next blank or the end.
    fn take_token(&mut self) -> &'a str {
        let start = self.pos;
        while self.byte().is_some_and(|b| b != b' ' && b != b'\t') {
            self.pos += 1;
        }
        self.s.get(start..self.pos).unwrap_or("")
    }

    /// A quoted label value, the opening quote consumed: the raw text up to the closing quote
    /// (consumed) and whether it holds an escape. `Err` gives the bad escape's character, or
    /// `None` for a value the line ends in.
    fn quoted(&mut self) -> Result<(&'a str, bool), Option<char>> {
        let start = self.pos;
        let mut escaped = false;
        let bytes = self.s.as_bytes();
        loop {
            let Some(at) = bytes
                .get(self.pos..)
                .and_then(|r| r.iter().position(|b| *b == b'"' || *b == b'\\'))
            else {
                self.pos = self.s.len();
                return Err(None);
            };
            self.pos += at;
            if self.eat(b'"') {
                let raw = self.s.get(start..self.pos - 1).unwrap_or("");
                return Ok((raw, escaped));
            }
            // A backslash: exactly `\\`, `\"` and `\n` are escapes.
            self.pos += 1;
            escaped = true;
            match self.byte() {
                Some(b'\\' | b'"' | b'n') => self.pos += 1,
                Some(_) => return Err(self.rest().chars().next()),
                None => return Err(None),
            }
        }
    }
}

/// The label pairs of a validated line's rest (what follows the name), with their values as
/// written (escapes not undone). Stops quietly at anything unexpected, which a validated
/// line does not hold.
#[derive(Clone)]
pub(crate) struct RawLabels<'a> {
    c: Cursor<'a>,
    started: bool,
    done: bool,
}

impl<'a> RawLabels<'a> {
    pub(crate) fn new(rest: &'a str) -> Self {
        RawLabels {
            c: Cursor::new(rest),
            started: false,
            done: false,
        }
    }

    /// The text after the label block: the value and the timestamp.
    pub(crate) fn after(mut self) -> &'a str {
        while self.next().is_some() {}
        self.c.rest()
    }
}

impl<'a> Iterator for RawLabels<'a> {
    type Item = (&'a str, &'a str);

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        if !self.started {
            self.started = true;
            self.c.skip_blank();
            if !self.c.eat(b'{') {
                self.done = true;
                return None;
            }
        }
        self.c.skip_blank();
        if self.c.eat(b'}') {
            self.done = true;
            return None;
        }
        let name = self.c.take_ascii(is_label_byte);
        self.c.skip_blank();
        let opened = self.c.eat(b'=') && {
            self.c.skip_blank();
            self.c.eat(b'"')
        };
        let value = opened.then(|| self.c.quoted().ok()).flatten();
        let Some((value, _)) = value else {
            self.done = true;
            return None;
        };
        self.c.skip_blank();
        if !self.c.eat(b',') {
            self.c.eat(b'}');
            self.done = true;
        }
        Some((name, value))
    }
}

/// Appends a label value with its escapes undone (`\\`, `\"`, `\n`; validated before).
pub(crate) fn unescape_label_into(out: &mut String, raw: &str) {
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some(other) => out.push(other),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
}

/// The length in bytes of a validated label value once unescaped: each escape is two bytes
/// written and one unescaped.
pub(crate) fn unescaped_len(raw: &str) -> usize {
    let (mut escapes, mut after_backslash) = (0, false);
    for b in raw.bytes() {
        if after_backslash {
            after_backslash = false;
        } else if b == b'\\' {
            escapes += 1;
            after_backslash = true;
        }
    }
    raw.len() - escapes
}

/// Whether the clock has passed `deadline`.
pub(crate) fn past(deadline: Option<Instant>) -> bool {
    deadline.is_some_and(|d| Instant::now() >= d)
}

/// Parses and validates one sample line (`n` is its 1-based number).
pub(crate) fn parse_sample(
    line: &str,
    n: usize,
    deadline: Option<Instant>,
) -> Result<Sample<'_>, ParseError> {
    let err = |m: String| ParseError::new(n, m);
    let mut c = Cursor::new(line);
    let name = c.take_ascii(is_metric_byte);
    if name.is_empty() {
        return Err(err(format!(
            "expected a metric name, found {}",
            found(c.rest())
        )));
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        return Err(err(format!(
            "expected a metric name, found `{}`, which starts with a digit",
            excerpt(name)
        )));
    }
    // A name ends at a blank, the label block or the end; anything else is a character the
    // grammar does not allow in a name (a NUL, a `-`, a non-ASCII letter, ...).
    if !matches!(c.byte(), None | Some(b' ' | b'\t' | b'{')) {
        return Err(err(format!(
            "invalid character {} in the metric name `{}` at column {}",
            found(c.rest()),
            excerpt(name),
            c.pos + 1
        )));
    }
    let rest_start = c.pos;
    c.skip_blank();
    let mut blank_before_value = c.pos > rest_start;
    let mut escaped = false;
    if c.eat(b'{') {
        let mut first: [&str; SCANNED_LABELS] = [""; SCANNED_LABELS];
        // Past the first few, names are kept as 8-byte tags and compared once the block is
        // read (and before any error after them is reported: the repeat comes first).
        let mut later: Option<LineLabels> = None;
        let repeat_before = |later: &mut Option<LineLabels>, e: ParseError| match later
            .as_mut()
            .and_then(|l| l.first_repeat(line))
        {
            Some(name) if !e.is_timeout() => err(format!("label `{}` given twice", excerpt(name))),
            _ => e,
        };
        let mut count = 0usize;
        let labels = loop {
            c.skip_blank();
            if c.eat(b'}') {
                break Ok(());
            }
            if count > 0 && count.is_multiple_of(LABELS_PER_CLOCK_CHECK) && past(deadline) {
                break Err(ParseError::timed_out(n));
            }
            let column = c.pos + 1;
            let lname = c.take_ascii(is_label_byte);
            if lname.is_empty() {
                break Err(err(format!(
                    "invalid label name in `{}` at column {column}: found {}",
                    excerpt(name),
                    found(c.rest())
                )));
            }
            if lname.starts_with(|c: char| c.is_ascii_digit()) {
                break Err(err(format!(
                    "invalid label name in `{}` at column {column}: `{}` starts with a digit",
                    excerpt(name),
                    excerpt(lname)
                )));
            }
            c.skip_blank();
            if !c.eat(b'=') {
                break Err(err(format!(
                    "expected `=` after label `{}`, found {}",
                    excerpt(lname),
                    found(c.rest())
                )));
            }
            c.skip_blank();
            if !c.eat(b'"') {
                break Err(err(format!(
                    "expected `\"` to open the value of label `{}`, found {}",
                    excerpt(lname),
                    found(c.rest())
                )));
            }
            match c.quoted() {
                Ok((_, e)) => escaped |= e,
                Err(Some(other)) => {
                    break Err(err(format!(
                        "invalid escape `\\{}` in the value of label `{}`",
                        excerpt(other.encode_utf8(&mut [0; 4])),
                        excerpt(lname)
                    )));
                }
                Err(None) => {
                    break Err(err(format!(
                        "unterminated value of label `{}`",
                        excerpt(lname)
                    )));
                }
            }
            if count < SCANNED_LABELS {
                if first[..count].contains(&lname) {
                    break Err(err(format!("label `{}` given twice", excerpt(lname))));
                }
                first[count] = lname;
            } else {
                later
                    .get_or_insert_with(|| {
                        let mut l = LineLabels::new(line);
                        for name in first {
                            l.push(line, name);
                        }
                        l
                    })
                    .push(line, lname);
            }
            count += 1;
            c.skip_blank();
            if c.eat(b',') {
                continue;
            }
            if c.eat(b'}') {
                break Ok(());
            }
            break Err(err(format!(
                "expected `,` or `}}` after the value of label `{}`, found {}",
                excerpt(lname),
                found(c.rest())
            )));
        };
        labels.map_err(|e| repeat_before(&mut later, e))?;
        if let Some(name) = later.as_mut().and_then(|l| l.first_repeat(line)) {
            return Err(err(format!("label `{}` given twice", excerpt(name))));
        }
        drop(later);
        blank_before_value = matches!(c.byte(), Some(b' ' | b'\t'));
    }
    if !blank_before_value {
        return Err(err(format!(
            "expected a space before the value of `{}`, found {}",
            excerpt(name),
            found(c.rest())
        )));
    }
    // OpenMetrics: an exemplar after the value (and timestamp), ` # {labels} value [ts]`. The
    // label block is behind, so a `#` here can only start one; the rest of the sample is read
    // without it.
    let (line, exemplar) = match c.rest().find('#') {
        Some(at) => {
            let start = c.pos + at;
            let e = crate::exemplar::parse(line.get(start..).unwrap_or(""))
                .map_err(|m| err(format!("{m} (in the exemplar of `{}`)", excerpt(name))))?;
            (line.get(..start).unwrap_or(line), Some(e))
        }
        None => (line, None),
    };
    let mut c = Cursor {
        s: line,
        pos: c.pos,
    };
    c.skip_blank();
    let value_text = c.take_token();
    let value = crate::parse_value(value_text).ok_or_else(|| {
        err(format!(
            "invalid value {:?} for `{}`: it {}",
            excerpt(value_text),
            excerpt(name),
            crate::value_problem(value_text)
        ))
    })?;
    c.skip_blank();
    let ts_text = c.take_token();
    let timestamp = if ts_text.is_empty() {
        None
    } else {
        Some(ts_text.parse::<i64>().map_err(|_| {
            err(format!(
                "invalid timestamp {:?} for `{}`",
                excerpt(ts_text),
                excerpt(name)
            ))
        })?)
    };
    c.skip_blank();
    if c.pos != line.len() {
        return Err(err(format!(
            "unexpected text after the sample of `{}`: {:?}",
            excerpt(name),
            excerpt(c.rest())
        )));
    }
    let rest = line.get(rest_start..).unwrap_or("");
    let rest = if escaped || exemplar.is_some() {
        let mut unescaped = String::new();
        for (_, v) in RawLabels::new(rest) {
            if v.contains('\\') {
                unescape_label_into(&mut unescaped, v);
            }
        }
        Rest::Unescaped(Box::new(Unescaped {
            raw: rest,
            unescaped,
            timestamp,
            exemplar,
        }))
    } else {
        Rest::Raw(rest)
    };
    Ok(Sample {
        name,
        value,
        line: n,
        rest,
    })
}
