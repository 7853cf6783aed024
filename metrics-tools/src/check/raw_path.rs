//! What a route template looks like, and what a raw path does: the rule behind `raw_path`.

use metrics_exposition::excerpt;

/// Why a route-template value is a raw path rather than a template, if it is: a full URL, a
/// query string or fragment, or a path segment that is an id (all digits, a UUID, a long hex
/// string, a ULID) or percent-encoded. Placeholders (`{id}`, `:id`, `<id>`, `*`) and fixed
/// words are templates; so are values that are not paths at all (`unmatched`).
///
/// ```
/// use metrics_tools::check::raw_path_problem;
///
/// assert_eq!(raw_path_problem("/v1/orgs/{org_id}"), None);
/// assert_eq!(raw_path_problem("/v1/orgs/42").as_deref(), Some("numeric id `42`"));
/// ```
pub fn raw_path_problem(value: &str) -> Option<String> {
    if value.contains("://") {
        return Some("a full URL".to_string());
    }
    if value.contains('?') {
        return Some("a query string".to_string());
    }
    if value.contains('#') {
        return Some("a URL fragment".to_string());
    }
    for segment in value.split('/') {
        let placeholder = (segment.starts_with('{') && segment.ends_with('}'))
            || (segment.starts_with('<') && segment.ends_with('>'))
            || segment.starts_with(':')
            || segment == "*";
        if segment.is_empty() || placeholder {
            continue;
        }
        if segment.bytes().all(|b| b.is_ascii_digit()) {
            return Some(format!("numeric id `{}`", excerpt(segment)));
        }
        if is_uuid(segment) {
            return Some(format!("UUID `{}`", excerpt(segment)));
        }
        // Long hex strings with a digit are object ids and hashes; a long all-letter word made
        // of a-f (`deadbeefcafe...`) is rare enough in a route to pass.
        if segment.len() >= 16
            && segment.bytes().all(|b| b.is_ascii_hexdigit())
            && segment.bytes().any(|b| b.is_ascii_digit())
        {
            return Some(format!("hex id `{}`", excerpt(segment)));
        }
        if is_ulid(segment) {
            return Some(format!("ULID `{}`", excerpt(segment)));
        }
        if segment.contains('%') {
            return Some(format!("percent-encoded segment `{}`", excerpt(segment)));
        }
    }
    None
}

/// `8-4-4-4-12` hex digits. Looked at by position, without splitting: a segment of millions
/// of dashes costs one length check, not a list of millions of empty groups.
fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.bytes().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

/// Crockford base32 (no I, L, O, U), 26 characters; a digit is required so that a long
/// upper-case word is not taken for an id.
fn is_ulid(s: &str) -> bool {
    s.len() == 26
        && s.bytes().any(|b| b.is_ascii_digit())
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b.is_ascii_uppercase() && !b"ILOU".contains(&b)))
}

#[cfg(test)]
mod tests {
    use super::raw_path_problem;

    #[test]
    fn raw_paths_and_templates() {
        for raw in [
            "/v1/orgs/42",
            "/v1/envs/3f2504e0-4f89-11d3-9a0c-0305e82c3301/deploys",
            "/v1/orgs?page=2",
            "https://api.example.com/v1/orgs",
            "/v1/objects/5f2b9c0e8d3a4b1c",
            "/v1/things/01ARZ3NDEKTSV4RRFFQ69G5FAV",
            "/v1/files/a%20b",
            "/v1/x#top",
        ] {
            assert!(raw_path_problem(raw).is_some(), "{raw}");
        }
        for template in [
            "/v1/orgs/{org_id}",
            "/v1/orgs/:org_id/envs",
            "/v1/static/*",
            "/v1/users/<id>",
            "unmatched",
            "/v1/auth/device/code",
            "/v2/k8s/healthz",
            "/",
        ] {
            assert_eq!(raw_path_problem(template), None, "{template}");
        }
        for not_uuid in [
            "3f2504e0-4f89-11d3-9a0c-0305e82c330",
            "3f2504e0-4f89-11d3-9a0c0-305e82c3301",
            "3f2504e0-4f89-11d3-9a0c-0305e82c330g",
            "------------------------------------",
        ] {
            assert_eq!(raw_path_problem(not_uuid), None, "{not_uuid}");
        }
    }
}
