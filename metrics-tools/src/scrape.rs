//! Where the toolkit reads its input from: a scrape from a URL (HTTP GET, like a Prometheus
//! scrape), a file or standard input; a catalog or a token from a file. Every failure is one
//! line for the user and exit code 2.
//!
//! Every input is read whole or not at all: each source has a size limit ([`Limit`]), and
//! input over it is an error that says so, never a prefix read as if it were everything (a
//! checker that judged the first 64 MiB of a scrape would pass what it never saw). A file is
//! measured before it is read; a pipe, a device (`/dev/zero`) or an HTTP body is read up to
//! one byte past the limit and refused there, so memory never grows past the limit.
//!
//! HTTP uses `ureq`, a small, maintained blocking client, built without TLS: `check` talks to
//! a scrape endpoint on the operator's network; for an HTTPS endpoint, save the scrape with
//! `curl` and pass it with `--file` or `-`. Redirects are followed here rather than by
//! `ureq`, so that one to another scheme (`file://`, `https://`) is reported as what it is.

use std::io::Read;
use std::path::Path;
use std::time::Duration;

use metrics_exposition::excerpt;

/// The media type a Prometheus server asks for; the text format, not protobuf or OpenMetrics.
pub const ACCEPT: &str = "text/plain;version=0.0.4;q=1.0,*/*;q=0.1";

/// The default limit of a scrape, `--max-bytes`: 64 MiB, ten times a very large exporter's
/// scrape (a million series is about 20-60 MB).
pub const MAX_SCRAPE_BYTES: u64 = 64 << 20;

/// The limit of a catalog file (`--catalog`, `diff --baseline`): 16 MiB, a hundred times the
/// platform's catalog.
pub const MAX_CATALOG_BYTES: u64 = 16 << 20;

/// The limit of a token file (`--token-file`): 64 KiB, far more than any bearer token.
pub const MAX_TOKEN_BYTES: u64 = 64 << 10;

/// Redirects `fetch` follows before it gives up (Prometheus follows up to 10; an exporter
/// needs none).
pub const MAX_REDIRECTS: usize = 5;

/// How much of a source may be read, and how the user raises it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// The most bytes read.
    pub bytes: u64,
    /// What to tell the user about the limit (`raise it with --max-bytes`).
    pub hint: &'static str,
}

impl Limit {
    /// The limit of a scrape: `bytes`, set with `--max-bytes`.
    pub fn scrape(bytes: u64) -> Self {
        Limit {
            bytes,
            hint: "raise it with --max-bytes",
        }
    }

    /// The limit of a catalog file.
    pub const CATALOG: Limit = Limit {
        bytes: MAX_CATALOG_BYTES,
        hint: "the limit of a catalog file",
    };

    /// The limit of a token file.
    pub const TOKEN: Limit = Limit {
        bytes: MAX_TOKEN_BYTES,
        hint: "the limit of a token file",
    };

    fn exceeded(&self, what: &str) -> String {
        format!(
            "{what} is larger than {} ({}); refusing to use a part of it",
            format_bytes(self.bytes),
            self.hint
        )
    }
}

/// `n` bytes as people read sizes: `64 MiB`, `512 KiB`, `1000 bytes`.
pub fn format_bytes(n: u64) -> String {
    match n {
        n if n >= 1 << 30 && n % (1 << 30) == 0 => format!("{} GiB", n >> 30),
        n if n >= 1 << 20 && n % (1 << 20) == 0 => format!("{} MiB", n >> 20),
        n if n >= 1 << 10 && n % (1 << 10) == 0 => format!("{} KiB", n >> 10),
        1 => "1 byte".to_string(),
        n => format!("{n} bytes"),
    }
}

/// Reads `reader` to its end, or fails once it has given more than `limit` bytes. `size` is
/// the expected size when known, to allocate once.
fn read_limited(
    reader: impl Read,
    limit: &Limit,
    size: Option<u64>,
    what: &str,
) -> Result<Vec<u8>, String> {
    let capacity = size.unwrap_or(0).min(limit.bytes).saturating_add(1);
    let mut bytes = Vec::with_capacity(usize::try_from(capacity).unwrap_or(0));
    reader
        .take(limit.bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::TimedOut => {
                format!("cannot read {what}: it did not end within the time left (--timeout)")
            }
            _ => format!("cannot read {what}: {e}"),
        })?;
    if bytes.len() as u64 > limit.bytes {
        return Err(limit.exceeded(what));
    }
    Ok(bytes)
}

fn utf8(bytes: Vec<u8>, what: &str, kind: &str) -> Result<String, String> {
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "{what} is not UTF-8 text (byte {}): not {kind}",
            e.utf8_error().valid_up_to()
        )
    })
}

/// The text of a file, at most `limit` bytes; `kind` names what it should be (`a text
/// exposition`) for the message when it is not text.
pub fn read_file(path: &Path, limit: &Limit, kind: &str) -> Result<String, String> {
    let what = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read {what}: {e}"))?;
    // A regular file says its size: refuse it before reading a byte. Devices and pipes say 0
    // and are read up to the limit.
    let size = file
        .metadata()
        .ok()
        .filter(|m| m.is_file())
        .map(|m| m.len());
    if size.is_some_and(|len| len > limit.bytes) {
        return Err(limit.exceeded(&what));
    }
    utf8(read_limited(file, limit, size, &what)?, &what, kind)
}

/// Everything on standard input, at most `limit` bytes.
pub fn read_stdin(limit: &Limit) -> Result<String, String> {
    let what = "standard input";
    let bytes = read_limited(std::io::stdin().lock(), limit, None, what)?;
    utf8(bytes, what, "a text exposition")
}

/// A bearer token from a file: its text without surrounding white space, which must be
/// something an HTTP header can carry (visible ASCII).
pub fn read_token(path: &Path) -> Result<String, String> {
    let text = read_file(path, &Limit::TOKEN, "a token")?;
    let token = text.trim();
    if token.is_empty() {
        return Err(format!("the token file {} is empty", path.display()));
    }
    if let Some(c) = token.chars().find(|c| !c.is_ascii_graphic()) {
        return Err(format!(
            "the token in {} holds {}, which an HTTP header cannot carry",
            path.display(),
            metrics_exposition::describe_char(c)
        ));
    }
    Ok(token.to_string())
}

/// `GET url` as [`fetch_limited`] does, with the default limit of a scrape
/// ([`MAX_SCRAPE_BYTES`]).
pub fn fetch(url: &str, token: Option<&str>, timeout: Duration) -> Result<String, String> {
    fetch_limited(url, token, timeout, &Limit::scrape(MAX_SCRAPE_BYTES))
}

/// `GET url`, with `Authorization: Bearer <token>` when a token is given, within `timeout`
/// (connection, redirects and the whole body) and at most `limit` bytes of body. Any answer
/// but 200 is an error that names the status; 401 says to pass `--token`. Redirects to
/// `http://` are followed, up to [`MAX_REDIRECTS`], the token sent only to the same host and
/// port; a redirect elsewhere (`https://`, `file://`) is an error naming the target.
pub fn fetch_limited(
    url: &str,
    token: Option<&str>,
    timeout: Duration,
    limit: &Limit,
) -> Result<String, String> {
    fetch_body(url, token, timeout, limit).map(|b| b.text)
}

/// A scrape's body, and whether the server says it is OpenMetrics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Body {
    /// The body, UTF-8.
    pub text: String,
    /// Whether the answer's `Content-Type` is `application/openmetrics-text`: then the body
    /// is read with [`metrics_exposition::parse_each_openmetrics`].
    pub openmetrics: bool,
}

/// Whether a `Content-Type` value names OpenMetrics.
pub fn is_openmetrics_type(content_type: &str) -> bool {
    content_type.split(';').next().is_some_and(|t| {
        t.trim()
            .eq_ignore_ascii_case("application/openmetrics-text")
    })
}

/// [`fetch_limited`], with whether the answer is OpenMetrics (its `Content-Type`).
pub fn fetch_body(
    url: &str,
    token: Option<&str>,
    timeout: Duration,
    limit: &Limit,
) -> Result<Body, String> {
    if url.starts_with("https://") {
        return Err(format!(
            "cannot fetch {}: HTTPS is not supported (this tool speaks plain HTTP); save the scrape with `curl` and pass it with --file or `-`",
            excerpt(url)
        ));
    }
    if !url.starts_with("http://") {
        return Err(format!(
            "cannot fetch {:?}: give an http:// URL (for a file use --file PATH)",
            excerpt(url)
        ));
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(timeout))
        .max_redirects(0)
        .user_agent(concat!("metrics-tools/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let first_origin = origin(url);
    let mut current = url.to_string();
    let mut hops = 0;
    loop {
        let mut request = agent.get(&current).header("Accept", ACCEPT);
        // The token goes where the user sent it, not wherever a redirect points.
        let token = token.filter(|_| origin(&current) == first_origin);
        if let Some(token) = token {
            request = request.header("Authorization", &format!("Bearer {token}"));
        }
        let shown = excerpt(&current);
        let mut response = request.call().map_err(|e| match e {
            ureq::Error::Io(io) => format!("cannot reach {shown}: {io}"),
            ureq::Error::Timeout(_) => format!(
                "cannot reach {shown}: no whole answer within {} (--timeout)",
                format_duration(timeout)
            ),
            ureq::Error::HostNotFound => format!("cannot reach {shown}: host not found"),
            ureq::Error::ConnectionFailed => format!("cannot reach {shown}: connection failed"),
            ureq::Error::BadUri(why) => format!("invalid URL {:?}: {why}", excerpt(&current)),
            other => format!("cannot fetch {shown}: {other}"),
        })?;
        let status = response.status().as_u16();
        if matches!(status, 301 | 302 | 303 | 307 | 308) {
            let location = response
                .headers()
                .get("location")
                .and_then(|l| l.to_str().ok())
                .ok_or_else(|| {
                    format!("{shown} answered HTTP {status}, a redirect without a Location")
                })?;
            let target = resolve(&current, location).map_err(|scheme| {
                let why = if scheme.eq_ignore_ascii_case("https") {
                    "HTTPS is not supported (this tool speaks plain HTTP)".to_string()
                } else {
                    format!("`{}:` is not HTTP", excerpt(&scheme))
                };
                format!(
                    "{shown} redirects (HTTP {status}) to {:?}: {why}; give the final http:// URL with --url",
                    excerpt(location)
                )
            })?;
            hops += 1;
            if hops > MAX_REDIRECTS {
                return Err(format!(
                    "{} redirected more than {MAX_REDIRECTS} times (the last to {:?}); give the final URL with --url",
                    excerpt(url),
                    excerpt(&target)
                ));
            }
            current = target;
            continue;
        }
        if status != 200 {
            let reason = response.status().canonical_reason().unwrap_or("");
            let hint = match (status, token) {
                (401, None) => "; the endpoint wants a bearer token: pass it with --token",
                (401, Some(_)) => "; the endpoint refused the token given with --token",
                (403, _) => "; the endpoint does not admit this address (trusted networks)",
                (404, _) => "; is the metrics path right?",
                _ => "",
            };
            return Err(format!("{shown} answered HTTP {status} {reason}{hint}"));
        }
        let what = format!("the answer of {shown}");
        let openmetrics = response
            .headers()
            .get("content-type")
            .and_then(|t| t.to_str().ok())
            .is_some_and(is_openmetrics_type);
        let size = response.body().content_length();
        if size.is_some_and(|len| len > limit.bytes) {
            return Err(limit.exceeded(&what));
        }
        let body = response.body_mut().with_config().reader();
        let bytes = read_limited(body, limit, size, &what)?;
        return Ok(Body {
            text: utf8(bytes, &what, "a text exposition")?,
            openmetrics,
        });
    }
}

/// `http://host:port` of an http URL.
fn origin(url: &str) -> &str {
    let after = url.get("http://".len()..).unwrap_or("");
    let end = after.find(['/', '?', '#']).unwrap_or(after.len());
    url.get(.."http://".len() + end).unwrap_or(url)
}

/// The URL a redirect from `base` to `location` leads to, or `Err(scheme)` when it is not
/// plain HTTP.
fn resolve(base: &str, location: &str) -> Result<String, String> {
    let location = location.trim();
    // RFC 3986: a scheme is a letter, then letters, digits, `+`, `-`, `.`, then `:`.
    let scheme_len = location
        .find(':')
        .filter(|&i| {
            let s = &location.as_bytes()[..i];
            s.first().is_some_and(u8::is_ascii_alphabetic)
                && s.iter()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
        })
        .filter(|&i| !location[..i].contains(['/', '?', '#']));
    if let Some(i) = scheme_len {
        let scheme = &location[..i];
        return if scheme.eq_ignore_ascii_case("http") {
            Ok(format!("http:{}", &location[i + 1..]))
        } else {
            Err(scheme.to_string())
        };
    }
    if let Some(rest) = location.strip_prefix("//") {
        return Ok(format!("http://{rest}"));
    }
    let origin = origin(base);
    if location.starts_with('/') {
        return Ok(format!("{origin}{location}"));
    }
    // A relative path: beside the base's last segment.
    let path = base.get(origin.len()..).unwrap_or("");
    let path = &path[..path.find(['?', '#']).unwrap_or(path.len())];
    let dir = &path[..path.rfind('/').map_or(0, |i| i + 1)];
    let dir = if dir.is_empty() { "/" } else { dir };
    Ok(format!("{origin}{dir}{location}"))
}

/// A duration as a message gives it: `10s`, `1.5s`, `250ms`, `0.001ms`; never `0s` for a
/// duration that is not zero.
pub fn format_duration(d: Duration) -> String {
    let secs = d.as_secs_f64();
    if secs >= 1.0 {
        format!("{}s", trim_float(secs))
    } else if secs >= 0.001 {
        format!("{}ms", trim_float(secs * 1e3))
    } else {
        format!("{}µs", trim_float(secs * 1e6))
    }
}

fn trim_float(x: f64) -> String {
    let s = format!("{x:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s.is_empty() || s == "0" {
        format!("{x}")
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use std::io::{BufRead, BufReader, Write};
    use std::net::TcpListener;
    use std::time::Duration;

    use super::*;

    const LIMIT: Limit = Limit {
        bytes: MAX_SCRAPE_BYTES,
        hint: "raise it with --max-bytes",
    };

    /// Answers `answers.len()` requests in turn with `(status line, extra headers, body)`, and
    /// returns their heads.
    fn serve(
        answers: Vec<(&'static str, String, String)>,
    ) -> (String, std::thread::JoinHandle<Vec<String>>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
        let url = format!(
            "http://{}/metrics",
            listener.local_addr().unwrap_or_else(|e| panic!("{e}"))
        );
        let handle = std::thread::spawn(move || {
            let mut heads = Vec::new();
            for (status, headers, body) in answers {
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
                let content_type = if headers.to_ascii_lowercase().contains("content-type:") {
                    ""
                } else {
                    "content-type: text/plain\r\n"
                };
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status}\r\n{content_type}content-length: {}\r\nconnection: close\r\n{headers}\r\n{body}",
                    body.len()
                );
                heads.push(head);
            }
            heads
        });
        (url, handle)
    }

    fn serve_once(
        status: &'static str,
        body: &'static str,
    ) -> (String, std::thread::JoinHandle<Vec<String>>) {
        serve(vec![(status, String::new(), body.to_string())])
    }

    #[test]
    fn an_answer_typed_openmetrics_says_so() {
        let body = "# TYPE a counter\na_total 1\n# EOF\n".to_string();
        let (url, server) = serve(vec![
            (
                "200 OK",
                "Content-Type: application/openmetrics-text; version=1.0.0; charset=utf-8\r\n"
                    .to_string(),
                body.clone(),
            ),
            ("200 OK", String::new(), body.clone()),
        ]);
        let om = fetch_body(&url, None, Duration::from_secs(5), &LIMIT);
        let text = fetch_body(&url, None, Duration::from_secs(5), &LIMIT);
        let _ = server.join();
        assert_eq!(
            om,
            Ok(Body {
                text: body.clone(),
                openmetrics: true
            })
        );
        assert_eq!(
            text,
            Ok(Body {
                text: body,
                openmetrics: false
            })
        );
        assert!(is_openmetrics_type("Application/OpenMetrics-Text"));
        assert!(!is_openmetrics_type("text/plain; version=0.0.4"));
    }

    #[test]
    fn fetch_sends_accept_and_token_and_reads_the_body() {
        let (url, server) = serve_once("200 OK", "# TYPE a counter\na 1\n");
        let text = fetch_limited(&url, Some("s3cret"), Duration::from_secs(5), &LIMIT);
        let heads = server.join().unwrap_or_else(|_| panic!("server"));
        assert_eq!(text.as_deref(), Ok("# TYPE a counter\na 1\n"));
        let head = heads[0].to_ascii_lowercase();
        assert!(head.contains(&format!("accept: {ACCEPT}")), "{head}");
        assert!(head.contains("authorization: bearer s3cret"), "{head}");
    }

    #[test]
    fn fetch_names_the_status_and_hints() {
        let (url, server) = serve_once("401 Unauthorized", "");
        let err = fetch_limited(&url, None, Duration::from_secs(5), &LIMIT);
        let _ = server.join();
        let Err(e) = err else {
            panic!("401 was accepted")
        };
        assert!(e.contains("answered HTTP 401 Unauthorized"), "{e}");
        assert!(e.contains("pass it with --token"), "{e}");
    }

    #[test]
    fn fetch_refuses_what_it_cannot_speak() {
        let Err(e) = fetch_limited(
            "https://example.com/metrics",
            None,
            Duration::from_secs(1),
            &LIMIT,
        ) else {
            panic!("https was accepted")
        };
        assert!(e.contains("HTTPS is not supported"), "{e}");
        let Err(e) = fetch_limited(
            "localhost:9090/metrics",
            None,
            Duration::from_secs(1),
            &LIMIT,
        ) else {
            panic!("a URL without a scheme was accepted")
        };
        assert!(e.contains("give an http:// URL"), "{e}");
    }

    #[test]
    fn a_redirect_to_another_scheme_is_named() {
        for (location, needle) in [
            (
                "file:///etc/passwd",
                "to \"file:///etc/passwd\": `file:` is not HTTP",
            ),
            ("https://127.0.0.1/metrics", "HTTPS is not supported"),
            ("gopher://x", "`gopher:` is not HTTP"),
        ] {
            let (url, server) = serve(vec![(
                "302 Found",
                format!("location: {location}\r\n"),
                String::new(),
            )]);
            let err = fetch_limited(&url, None, Duration::from_secs(5), &LIMIT);
            let _ = server.join();
            let Err(e) = err else {
                panic!("a redirect to {location} was followed")
            };
            assert!(e.contains("redirects (HTTP 302)"), "{e}");
            assert!(e.contains(needle), "{e}");
            assert!(!e.contains("too many redirects"), "{e}");
        }
    }

    #[test]
    fn an_http_redirect_is_followed_with_the_token_on_the_same_host() {
        let (url, server) = serve(vec![
            (
                "301 Moved Permanently",
                "location: /real/metrics\r\n".to_string(),
                String::new(),
            ),
            ("200 OK", String::new(), "a 1\n".to_string()),
        ]);
        let text = fetch_limited(&url, Some("t0ken"), Duration::from_secs(5), &LIMIT);
        let heads = server.join().unwrap_or_else(|_| panic!("server"));
        assert_eq!(text.as_deref(), Ok("a 1\n"));
        assert!(heads[1].starts_with("GET /real/metrics "), "{}", heads[1]);
        assert!(
            heads[1].to_ascii_lowercase().contains("bearer t0ken"),
            "{}",
            heads[1]
        );
    }

    #[test]
    fn a_redirect_loop_stops() {
        let answers = (0..=MAX_REDIRECTS)
            .map(|_| {
                (
                    "302 Found",
                    "location: /metrics\r\n".to_string(),
                    String::new(),
                )
            })
            .collect();
        let (url, server) = serve(answers);
        let err = fetch_limited(&url, None, Duration::from_secs(5), &LIMIT);
        let _ = server.join();
        let Err(e) = err else { panic!("a loop") };
        assert!(e.contains("redirected more than 5 times"), "{e}");
    }

    #[test]
    fn relative_locations_resolve() {
        let base = "http://h:1/a/b?q=1";
        for (location, want) in [
            ("http://x/y", Ok("http://x/y")),
            ("HTTP://x/y", Ok("http://x/y")),
            ("//x/y", Ok("http://x/y")),
            ("/c", Ok("http://h:1/c")),
            ("c", Ok("http://h:1/a/c")),
            ("file:///etc", Err("file")),
            ("c:d", Err("c")),
            ("./c:d", Ok("http://h:1/a/./c:d")),
        ] {
            assert_eq!(
                resolve(base, location),
                want.map(str::to_string).map_err(str::to_string),
                "{location}"
            );
        }
        assert_eq!(resolve("http://h", "c"), Ok("http://h/c".to_string()));
    }

    #[test]
    fn a_body_over_the_limit_is_refused() {
        let limit = Limit::scrape(10);
        let (url, server) = serve_once("200 OK", "a 1\nb 2\nc 3\n");
        let err = fetch_limited(&url, None, Duration::from_secs(5), &limit);
        let _ = server.join();
        let Err(e) = err else {
            panic!("12 bytes over a 10-byte limit")
        };
        assert!(
            e.contains("is larger than 10 bytes (raise it with --max-bytes)"),
            "{e}"
        );
        // Exactly at the limit is whole.
        let (url, server) = serve_once("200 OK", "a 1\nb 2\nc\n");
        let text = fetch_limited(&url, None, Duration::from_secs(5), &limit);
        let _ = server.join();
        assert_eq!(text.as_deref(), Ok("a 1\nb 2\nc\n"));
    }

    #[test]
    fn read_file_wants_utf8_text_within_its_limit() {
        let dir = std::env::temp_dir().join(format!("metrics-tools-scrape-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
        let text = dir.join("text.prom");
        std::fs::write(&text, "a 1\n").unwrap_or_else(|e| panic!("{e}"));
        let read = |p: &Path, l: &Limit| read_file(p, l, "a text exposition");
        assert_eq!(read(&text, &LIMIT).as_deref(), Ok("a 1\n"));
        assert_eq!(read(&text, &Limit::scrape(4)).as_deref(), Ok("a 1\n"));
        let Err(e) = read(&text, &Limit::scrape(3)) else {
            panic!("over the limit")
        };
        assert!(e.ends_with("text.prom is larger than 3 bytes (raise it with --max-bytes); refusing to use a part of it"), "{e}");
        let binary = dir.join("binary.prom");
        std::fs::write(&binary, b"a 1\n\xff").unwrap_or_else(|e| panic!("{e}"));
        let Err(e) = read(&binary, &LIMIT) else {
            panic!("binary was accepted")
        };
        assert!(e.contains("is not UTF-8 text (byte 4)"), "{e}");
        let Err(e) = read(&dir.join("absent.prom"), &LIMIT) else {
            panic!("a missing file was read")
        };
        assert!(e.starts_with("cannot read "), "{e}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_device_is_read_up_to_the_limit_only() {
        let zero = Path::new("/dev/zero");
        if !zero.exists() {
            return;
        }
        let Err(e) = read_file(zero, &Limit::TOKEN, "a token") else {
            panic!("/dev/zero ended")
        };
        assert_eq!(
            e,
            "/dev/zero is larger than 64 KiB (the limit of a token file); refusing to use a part of it"
        );
    }

    #[test]
    fn sizes_and_durations_read_well() {
        assert_eq!(format_bytes(64 << 20), "64 MiB");
        assert_eq!(format_bytes(64 << 10), "64 KiB");
        assert_eq!(format_bytes(1 << 30), "1 GiB");
        assert_eq!(format_bytes(1000), "1000 bytes");
        assert_eq!(format_duration(Duration::from_secs(10)), "10s");
        assert_eq!(format_duration(Duration::from_millis(1500)), "1.5s");
        assert_eq!(format_duration(Duration::from_millis(250)), "250ms");
        assert_eq!(format_duration(Duration::from_micros(1)), "1µs");
        assert_eq!(format_duration(Duration::from_nanos(1)), "0.001µs");
    }
}
