//! Snake case: the check of R1 and the conversion its messages suggest (and label values are
//! rendered with).

/// `[a-z_][a-z0-9_]*` (R1): the policy's snake case, a subset of Prometheus' name grammar
/// (`[a-zA-Z_:][a-zA-Z0-9_:]*` for metrics, without `:`, which is for recording rules).
pub fn is_snake_case(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// `NoCapacityMemory` -> `no_capacity_memory`, `HTTPError` -> `http_error`,
/// `Http2` -> `http2`, `already_snake` -> `already_snake`, `r#type` -> `type`.
pub fn snake_case(ident: &str) -> String {
    let ident = ident.strip_prefix("r#").unwrap_or(ident);
    let chars: Vec<char> = ident.chars().collect();
    let mut out = String::with_capacity(ident.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if c == '-' || c == '.' || c == ' ' {
            if !out.ends_with('_') {
                out.push('_');
            }
            continue;
        }
        if c.is_uppercase() {
            let prev = i.checked_sub(1).map(|p| chars[p]);
            let next = chars.get(i + 1).copied();
            let boundary = match prev {
                Some(p) if p.is_lowercase() || p.is_ascii_digit() => true,
                Some(p) if p.is_uppercase() => next.is_some_and(|n| n.is_lowercase()),
                _ => false,
            };
            if boundary && !out.ends_with('_') && !out.is_empty() {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts() {
        assert_eq!(snake_case("NoCapacityMemory"), "no_capacity_memory");
        assert_eq!(snake_case("HTTPError"), "http_error");
        assert_eq!(snake_case("Http2"), "http2");
        assert_eq!(snake_case("Ok"), "ok");
        assert_eq!(snake_case("NotTls"), "not_tls");
        assert_eq!(snake_case("already_snake"), "already_snake");
        assert_eq!(snake_case("requestLatencyMs"), "request_latency_ms");
        assert_eq!(snake_case("http-requests.total"), "http_requests_total");
        assert_eq!(snake_case("r#type"), "type");
    }

    #[test]
    fn checks() {
        for ok in ["a", "_a", "http_requests_total", "a2", "__x"] {
            assert!(is_snake_case(ok), "{ok}");
        }
        for bad in ["", "A", "2a", "a-b", "a:b", "aB", "é"] {
            assert!(!is_snake_case(bad), "{bad}");
        }
    }

    #[test]
    fn every_conversion_of_an_identifier_is_snake_case() {
        for ident in [
            "HttpRequests",
            "HTTPError",
            "Http2",
            "VolumeLocalityNoNode",
            "X",
        ] {
            assert!(is_snake_case(&snake_case(ident)), "{ident}");
        }
    }
}
