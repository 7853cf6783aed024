//! How messages quote input: a bounded excerpt with control characters escaped, and a name
//! for a character that does not belong where it stands.
//!
//! An exposition can hold a line of many megabytes, and a terminal shows a raw control
//! character as nothing at all (or worse, obeys it). A message therefore never quotes more
//! than [`EXCERPT_CHARS`] characters of input and always escapes what it quotes.

use std::fmt::{self, Write as _};

/// The most characters of input a message quotes; a longer text ends in `…`.
pub const EXCERPT_CHARS: usize = 80;

/// At most [`EXCERPT_CHARS`] characters of a text, escaped as Rust's `{:?}` escapes a string
/// (control characters, `\`, `"`) but without the surrounding quotes, then `…` when the
/// text is longer. Bidirectional overrides and isolates, zero-width and other invisible
/// format characters are escaped too (`\u{202e}`): a quoted text cannot reorder or hide
/// the message around it. What every message of the parser and the checker quotes input with.
///
/// ```
/// use metrics_exposition::excerpt;
///
/// assert_eq!(excerpt("a\0b").to_string(), "a\\0b");
/// assert_eq!(excerpt("a\u{202e}b").to_string(), "a\\u{202e}b");
/// let long = "x".repeat(1_000_000);
/// assert_eq!(excerpt(&long).to_string(), format!("{}…", "x".repeat(80)));
/// ```
#[derive(Clone, Copy)]
pub struct Excerpt<'s>(&'s str);

/// The excerpt of `text` that a message may quote (see [`Excerpt`]).
pub fn excerpt(text: &str) -> Excerpt<'_> {
    Excerpt(text)
}

impl fmt::Display for Excerpt<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, c) in self.0.chars().enumerate() {
            if i == EXCERPT_CHARS {
                return f.write_char('…');
            }
            if c == '\'' {
                f.write_char(c)?;
            } else if is_invisible_format(c) {
                write!(f, "\\u{{{:x}}}", c as u32)?;
            } else {
                write!(f, "{}", c.escape_debug())?;
            }
        }
        Ok(())
    }
}

/// Bidirectional and format characters a terminal would obey or hide: the embeddings and
/// overrides (U+202A-U+202E), the isolates (U+2066-U+2069), zero-width characters and marks
/// (U+200B-U+200F), the line and paragraph separators (U+2028, U+2029), the byte order mark
/// (U+FEFF) and the Arabic letter mark (U+061C). An excerpt escapes them like control
/// characters (`\u{202e}`), so a quoted text cannot reorder or hide the message around it.
fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{061c}'
            | '\u{200b}'..='\u{200f}'
            | '\u{2028}'..='\u{202e}'
            | '\u{2060}'..='\u{2069}'
            | '\u{feff}'
    )
}

impl fmt::Debug for Excerpt<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{self}\"")
    }
}

/// A character as a message names it: printable ones quoted with their code point, control
/// and white-space characters by code point (a NUL is invisible on a terminal).
///
/// ```
/// use metrics_exposition::describe_char;
///
/// assert_eq!(describe_char('\0'), "U+0000 (NUL)");
/// assert_eq!(describe_char('é'), "`é` (U+00E9)");
/// ```
pub fn describe_char(c: char) -> String {
    let code = c as u32;
    match c {
        '\0' => "U+0000 (NUL)".to_string(),
        '\r' => "U+000D (carriage return)".to_string(),
        '\t' => "U+0009 (tab)".to_string(),
        ' ' => "U+0020 (space)".to_string(),
        c if c.is_control() => format!("U+{code:04X} (a control character)"),
        c if is_invisible_format(c) => format!("U+{code:04X} (an invisible formatting character)"),
        c if c.is_whitespace() => format!("U+{code:04X} (white space)"),
        c => format!("`{c}` (U+{code:04X})"),
    }
}

/// What is found at the start of `rest`, for "expected X, found Y" messages.
pub(crate) fn found(rest: &str) -> String {
    rest.chars()
        .next()
        .map_or_else(|| "the end of the line".to_string(), describe_char)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_are_bounded_and_escaped() {
        assert_eq!(excerpt("plain").to_string(), "plain");
        assert_eq!(format!("{:?}", excerpt("q\"u\\o\n")), "\"q\\\"u\\\\o\\n\"");
        assert_eq!(excerpt("it's").to_string(), "it's");
        let exact = "é".repeat(EXCERPT_CHARS);
        assert_eq!(excerpt(&exact).to_string(), exact);
        let over = "é".repeat(EXCERPT_CHARS + 1);
        assert_eq!(excerpt(&over).to_string(), format!("{exact}…"));
        // Escaping never makes an excerpt unbounded: at most 10 bytes per character.
        let controls = "\u{1}".repeat(10_000);
        assert!(excerpt(&controls).to_string().len() <= EXCERPT_CHARS * 10 + 3);
    }

    #[test]
    fn bidirectional_and_format_characters_are_escaped() {
        for (c, shown) in [
            ('\u{202e}', "\\u{202e}"),
            ('\u{202a}', "\\u{202a}"),
            ('\u{202d}', "\\u{202d}"),
            ('\u{2066}', "\\u{2066}"),
            ('\u{2069}', "\\u{2069}"),
            ('\u{200b}', "\\u{200b}"),
            ('\u{200f}', "\\u{200f}"),
            ('\u{2028}', "\\u{2028}"),
            ('\u{2029}', "\\u{2029}"),
            ('\u{feff}', "\\u{feff}"),
        ] {
            assert_eq!(excerpt(&format!("a{c}b")).to_string(), format!("a{shown}b"));
        }
        // Still bounded: one escaped character is at most 10 bytes.
        let bidi = "\u{202e}".repeat(10_000);
        assert!(excerpt(&bidi).to_string().len() <= EXCERPT_CHARS * 10 + 3);
    }

    #[test]
    fn characters_are_named() {
        assert_eq!(describe_char('\u{1b}'), "U+001B (a control character)");
        assert_eq!(describe_char('\u{a0}'), "U+00A0 (white space)");
        assert_eq!(describe_char('{'), "`{` (U+007B)");
        assert_eq!(
            describe_char('\u{202e}'),
            "U+202E (an invisible formatting character)"
        );
        assert_eq!(found(""), "the end of the line");
        assert_eq!(found("\0x"), "U+0000 (NUL)");
    }
}
