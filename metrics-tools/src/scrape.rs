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
        .user_agent(concat!("metrics-tools/", env!("CARGO_PKG_VERSION")))
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

#[cfg(test)]
mod tests {
    use std::io::{BufRead, BufReader, Write};
    use std::net::TcpListener;
    use std::time::Duration;

    use super::*;

    /// Answers one request with `status` and `body`, and returns the request's head.
    fn serve_once(
        status: &'static str,
        body: &'static str,
    ) -> (String, std::thread::JoinHandle<String>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
        let url = format!(
            "http://{}/metrics",
            listener.local_addr().unwrap_or_else(|e| panic!("{e}"))
        );
        let handle = std::thread::spawn(move || {
            let (stream, _) = listener.accept().unwrap_or_else(|e| panic!("{e}"));
            let mut reader = BufReader::new(stream);
            let mut head = String::new();
            loop {
                let mut line = String::new();
                reader
                    .read_line(&mut line)
                    .unwrap_or_else(|e| panic!("{e}"));
                if line == "\r\n" || line.is_empty() {
                    break;
                }
                head.push_str(&line);
            }
            let mut stream = reader.into_inner();
            write!(
                stream,
                "HTTP/1.1 {status}\r\ncontent-type: text/plain\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            )
            .unwrap_or_else(|e| panic!("{e}"));
            head
        });
        (url, handle)
    }

    #[test]
    fn fetch_sends_accept_and_token_and_reads_the_body() {
        let (url, server) = serve_once("200 OK", "# TYPE a counter\na 1\n");
        let text = fetch(&url, Some("s3cret"), Duration::from_secs(5));
        let head = server.join().unwrap_or_else(|_| panic!("server"));
        assert_eq!(text.as_deref(), Ok("# TYPE a counter\na 1\n"));
        let head = head.to_ascii_lowercase();
        assert!(head.contains(&format!("accept: {ACCEPT}")), "{head}");
        assert!(head.contains("authorization: bearer s3cret"), "{head}");
    }

    #[test]
    fn fetch_names_the_status_and_hints() {
        let (url, server) = serve_once("401 Unauthorized", "");
        let err = fetch(&url, None, Duration::from_secs(5));
        let _ = server.join();
        let Err(e) = err else {
            panic!("401 was accepted")
        };
        assert!(e.contains("answered HTTP 401 Unauthorized"), "{e}");
        assert!(e.contains("pass it with --token"), "{e}");
    }

    #[test]
    fn fetch_refuses_what_it_cannot_speak() {
        let Err(e) = fetch("https://example.com/metrics", None, Duration::from_secs(1)) else {
            panic!("https was accepted")
        };
        assert!(e.contains("HTTPS is not supported"), "{e}");
        let Err(e) = fetch("localhost:9090/metrics", None, Duration::from_secs(1)) else {
            panic!("a URL without a scheme was accepted")
        };
        assert!(e.contains("give an http:// URL"), "{e}");
    }

    #[test]
    fn read_file_wants_utf8_text() {
        let dir = std::env::temp_dir().join(format!("metrics-tools-scrape-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
        let text = dir.join("text.prom");
        std::fs::write(&text, "a 1\n").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(read_file(&text).as_deref(), Ok("a 1\n"));
        let binary = dir.join("binary.prom");
        std::fs::write(&binary, b"a 1\n\xff").unwrap_or_else(|e| panic!("{e}"));
        let Err(e) = read_file(&binary) else {
            panic!("binary was accepted")
        };
        assert!(e.contains("is not UTF-8 text (byte 4)"), "{e}");
        let Err(e) = read_file(&dir.join("absent.prom")) else {
            panic!("a missing file was read")
        };
        assert!(e.starts_with("cannot read "), "{e}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
