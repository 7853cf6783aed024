//! Where `check` reads an exposition from: a URL (HTTP GET, like a Prometheus scrape), a file,
//! or standard input. Every failure is one line for the user and exit code 2.
//!
//! HTTP uses `ureq`, a small, maintained blocking client, built without TLS: `check` talks to
//! a scrape endpoint on the operator's network; for an HTTPS endpoint, save the scrape with
//! `curl` and pass it with `--file` or `-`.

use std::io::Read;
use std::time::Duration;

/// The media type a Prometheus server asks for; the text format, not protobuf or OpenMetrics.
pub const ACCEPT: &str = "text/plain;version=0.0.4;q=1.0,*/*;q=0.1";

/// The largest exposition read (64 MiB).
pub const MAX_BYTES: u64 = 64 << 20;

/// `GET url`, with `Authorization: Bearer <token>` when a token is given. Any answer but
/// 200 is an error that names the status; 401 says to pass `--token`.
pub fn fetch(url: &str, token: Option<&str>, timeout: Duration) -> Result<String, String> {
    if url.starts_with("https://") {
        return Err(format!(
            "cannot fetch {url}: HTTPS is not supported (this tool speaks plain HTTP); save the scrape with `curl` and pass it with --file or `-`"
        ));
    }
    if !url.starts_with("http://") {
        return Err(format!(
            "cannot fetch {url:?}: give an http:// URL (for a file use --file PATH)"
        ));
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(timeout))
        .user_agent(concat!("metrics-catalog/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let mut request = agent.get(url).header("Accept", ACCEPT);
    if let Some(token) = token {
        request = request.header("Authorization", &format!("Bearer {token}"));
    }
    let mut response = request.call().map_err(|e| match e {
        ureq::Error::Io(io) => format!("cannot reach {url}: {io}"),
        ureq::Error::Timeout(_) => {
            format!(
                "cannot reach {url}: no answer within {}s",
                timeout.as_secs_f64()
            )
        }
        ureq::Error::HostNotFound => format!("cannot reach {url}: host not found"),
        ureq::Error::ConnectionFailed => format!("cannot reach {url}: connection failed"),
        ureq::Error::BadUri(why) => format!("invalid URL {url:?}: {why}"),
        other => format!("cannot fetch {url}: {other}"),
    })?;
    let status = response.status();
    if status.as_u16() != 200 {
        let reason = status.canonical_reason().unwrap_or("");
        let hint = match (status.as_u16(), token) {
            (401, None) => "; the endpoint wants a bearer token: pass it with --token",
            (401, Some(_)) => "; the endpoint refused the token given with --token",
            (403, _) => "; the endpoint does not admit this address (trusted networks)",
            (404, _) => "; is the metrics path right?",
            _ => "",
        };
        return Err(format!(
            "{url} answered HTTP {} {reason}{hint}",
            status.as_u16()
        ));
    }
    response
        .body_mut()
        .with_config()
        .limit(MAX_BYTES)
        .read_to_string()
        .map_err(|e| format!("cannot read the answer of {url}: {e}"))
}

/// The text of a file.
pub fn read_file(path: &std::path::Path) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "{} is not UTF-8 text (byte {}): not a text exposition",
            path.display(),
            e.utf8_error().valid_up_to()
        )
    })
}

/// Everything on standard input.
pub fn read_stdin() -> Result<String, String> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(MAX_BYTES)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read standard input: {e}"))?;
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "standard input is not UTF-8 text (byte {}): not a text exposition",
            e.utf8_error().valid_up_to()
        )
    })
}
