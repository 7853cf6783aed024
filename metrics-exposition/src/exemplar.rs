//! OpenMetrics exemplars: ` # {trace_id="..."} value [timestamp]` after a sample's value (and
//! timestamp), on a counter's `_total` sample or a histogram bucket.
//!
//! Checked as OpenMetrics 1.0 says: a label set in the sample grammar (the same names and
//! escapes), whose names and values hold at most 128 characters together, a float value and an
//! optional float timestamp in seconds.

/// OpenMetrics: "The combined length of the label names and values of an Exemplar's LabelSet
/// MUST NOT exceed 128 UTF-8 character code points."
pub const EXEMPLAR_MAX_RUNES: usize = 128;

/// One exemplar, as read.
#[derive(Debug, Clone, PartialEq)]
pub struct Exemplar {
    /// Label pairs in the order written, values unescaped.
    pub labels: Vec<(String, String)>,
    /// The exemplar's value.
    pub value: f64,
    /// Its timestamp in seconds, when given.
    pub timestamp: Option<f64>,
}

/// Parses the exemplar `text` (starting at its `#`); the error says what is wrong.
pub(crate) fn parse(text: &str) -> Result<Exemplar, String> {
    let Some(rest) = text.strip_prefix("# {") else {
        return Err(format!(
            "expected an exemplar ` # {{labels}} value [timestamp]` after the value, found {:?}",
            crate::excerpt(text)
        ));
    };
    // The limit is enforced while reading: past 128 characters the parse stops, so a label
    // set has at most 128 labels (a name has a character at least) and looking for a repeat
    // among them costs a bounded amount per label, whatever the line's length.
    let too_long = || {
        format!(
            "exemplar labels have more than the {EXEMPLAR_MAX_RUNES} characters OpenMetrics allows"
        )
    };
    let mut runes = 0usize;
    let count = |runes: &mut usize| {
        *runes += 1;
        *runes <= EXEMPLAR_MAX_RUNES
    };
    let mut labels: Vec<(String, String)> = Vec::new();
    let mut chars = rest.char_indices().peekable();
    let mut end = None;
    loop {
        match chars.peek() {
            Some((i, '}')) => {
                end = Some(*i + 1);
                break;
            }
            None => break,
            _ => {}
        }
        let mut name = String::new();
        while let Some(&(_, c)) = chars.peek() {
            if c.is_ascii_alphanumeric() || c == '_' {
                if !count(&mut runes) {
                    return Err(too_long());
                }
                name.push(c);
                chars.next();
            } else {
                break;
            }
        }
        if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
            return Err(format!(
                "invalid exemplar label name at {:?}",
                crate::excerpt(rest)
            ));
        }
        let quoted = crate::excerpt(&name);
        if chars.next().map(|(_, c)| c) != Some('=') || chars.next().map(|(_, c)| c) != Some('"') {
            return Err(format!("expected `=\"` after exemplar label `{quoted}`"));
        }
        let mut value = String::new();
        loop {
            let c = match chars.next().map(|(_, c)| c) {
                None => return Err(format!("unterminated value of exemplar label `{quoted}`")),
                Some('"') => break,
                Some('\\') => match chars.next().map(|(_, c)| c) {
                    Some('\\') => '\\',
                    Some('"') => '"',
                    Some('n') => '\n',
                    _ => return Err(format!("invalid escape in exemplar label `{quoted}`")),
                },
                Some(c) => c,
            };
            if !count(&mut runes) {
                return Err(too_long());
            }
            value.push(c);
        }
        if labels.iter().any(|(k, _)| *k == name) {
            return Err(format!("exemplar label `{quoted}` given twice"));
        }
        labels.push((name, value));
        match chars.peek().map(|(_, c)| *c) {
            Some(',') => {
                chars.next();
            }
            Some('}') => {}
            _ => return Err("expected `,` or `}` in an exemplar's labels".to_string()),
        }
    }
    let Some(end) = end else {
        return Err("unterminated exemplar label set".to_string());
    };
    let after = &rest[end..];
    let Some(after) = after.strip_prefix(' ') else {
        return Err("expected a space and a value after an exemplar's labels".to_string());
    };
    let mut tokens = after.split(' ');
    let value_text = tokens.next().unwrap_or("");
    let value = crate::parse_value(value_text).ok_or_else(|| {
        format!(
            "invalid exemplar value {:?}: it {}",
            crate::excerpt(value_text),
            crate::value_problem(value_text)
        )
    })?;
    let timestamp = match tokens.next() {
        None => None,
        Some(t) => Some(
            crate::parse_value(t)
                .filter(|t| t.is_finite())
                .ok_or_else(|| format!("invalid exemplar timestamp {:?}", crate::excerpt(t)))?,
        ),
    };
    if tokens.next().is_some() {
        return Err("unexpected text after an exemplar".to_string());
    }
    Ok(Exemplar {
        labels,
        value,
        timestamp,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_checks_exemplars() {
        let e = parse("# {trace_id=\"a\\\"b\",span_id=\"c\"} 0.25 1700000000.5");
        assert_eq!(
            e,
            Ok(Exemplar {
                labels: vec![
                    ("trace_id".into(), "a\"b".into()),
                    ("span_id".into(), "c".into())
                ],
                value: 0.25,
                timestamp: Some(1_700_000_000.5)
            })
        );
        assert_eq!(parse("# {} 1").map(|e| e.timestamp), Ok(None));
        let long = format!("# {{trace_id=\"{}\"}} 1", "x".repeat(121));
        assert!(parse(&long).is_err_and(|e| e.contains("more than the 128 characters")));
        let exact = format!("# {{trace_id=\"{}\"}} 1", "x".repeat(120));
        assert!(parse(&exact).is_ok());
        for bad in [
            "# trace_id 1",
            "# {trace_id=\"a\"}",
            "# {trace_id=\"a\"} x",
            "# {trace_id=\"a\"} 1 t",
            "# {1x=\"a\"} 1",
            "# {a=\"1\",a=\"2\"} 1",
            "# {a=\"1\" 1",
            "# {a=\"1\"} 1 2 3",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn many_labels_stop_at_the_limit_and_messages_quote_an_excerpt() {
        // Each label two characters: the parse stops after 64 of them, whatever follows.
        let mut text = String::from("# {");
        for i in 0..20_000 {
            text.push_str(&format!("l{i}=\"\","));
        }
        text.push_str("z=\"\"} 1");
        let start = std::time::Instant::now();
        assert!(parse(&text).is_err_and(|e| e.contains("more than the 128")));
        assert!(start.elapsed() < std::time::Duration::from_millis(100));
        let name = "n".repeat(1 << 20);
        for bad in [
            format!("# {{{name} 1"),
            format!("# {{{name}=\"x 1"),
            format!("# {{{name}=\"\\t\"}} 1"),
            format!("# {{{name}=\"\",{name}=\"\"}} 1"),
        ] {
            let e = parse(&bad).expect_err("malformed");
            assert!(e.len() < 400, "{} bytes: {}", e.len(), e);
        }
        // Short names, so the limit is not what fails: each message quotes the name.
        for (bad, message) in [
            ("# {a 1", "expected `=\"` after exemplar label `a`"),
            ("# {a=\"x 1", "unterminated value of exemplar label `a`"),
            ("# {a=\"\\t\"} 1", "invalid escape in exemplar label `a`"),
            ("# {a=\"\",a=\"\"} 1", "exemplar label `a` given twice"),
        ] {
            assert_eq!(parse(bad).err().as_deref(), Some(message), "{bad}");
        }
    }
}
