//! Push for batch jobs (feature `push`): a process that is gone before anything scrapes it
//! (a backup, a migration, a CI job) sends its families to a Prometheus
//! [Pushgateway](https://github.com/prometheus/pushgateway), which Prometheus scrapes with
//! `honor_labels: true` so the pushed `job` and grouping labels are kept.
//!
//! ```no_run
//! use metrics_runtime::push::Pusher;
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let registry = metrics_runtime::Registry::all();
//! // ... the job's work, recording into its families ...
//! Pusher::new("http://pushgateway.monitoring:9091", "nightly_backup")?
//!     .grouping("volume", "/var/lib/db")?       // a `/` is sent base64-encoded
//!     .bearer_token("s3cret")
//!     .push(&registry)?;                         // PUT: the group is now exactly this
//! # Ok(()) }
//! ```
//!
//! What is sent is the registry's text exposition, written by the same encoder as a scrape
//! ([`Registry::encode_into`]); [`Pusher::format`] picks protobuf instead when the registry
//! can write it (feature `protobuf`), the one format that carries native histograms.
//!
//! The Pushgateway's three verbs, on the group named by the job and the grouping labels:
//!
//! | call | HTTP | effect on the group |
//! | --- | --- | --- |
//! | [`Pusher::push`] | `PUT` | replaced: metrics not in this push are deleted |
//! | [`Pusher::push_add`] | `POST` | metrics of the same names replaced, the others kept |
//! | [`Pusher::delete`] | `DELETE` | deleted |
//!
//! The group's URL is `<gateway>/metrics/job/<job>/<label>/<value>...`. A value that is
//! empty, contains a `/`, or holds anything but `A-Z a-z 0-9 - . _ ~` (or is `.`/`..`,
//! which HTTP paths resolve away) is sent in the Pushgateway's `<label>@base64/<value>`
//! form, the URL-safe base64 alphabet of RFC 4648 §5 (an empty value is `=`).
//!
//! Each call tries at most [`Retry::attempts`] times, waiting [`Retry::backoff`] and then
//! twice as long each time (at most [`Retry::max_backoff`]), when the gateway cannot be
//! reached, does not answer within [`Pusher::timeout`], or answers 429 or 5xx. The three
//! verbs are idempotent, so a retry never counts twice. Any other answer is final. A failure
//! is a [`PushError`] that names the group's URL and the cause.
//!
//! HTTP is [`ureq`]'s, a small blocking client: a batch job needs no async runtime to push.
//! It is built without TLS: the URL is `http://` (a Pushgateway inside the cluster, or a
//! TLS-terminating proxy beside the job).

use std::fmt;
use std::io::Read as _;
use std::path::Path;
use std::time::Duration;

use crate::{Format, Registry};

/// How long one attempt may take, from connecting to reading the answer, by default.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// The most bytes of a token file read (as `MetricsConfig`'s `auth.token_file`).
const MAX_TOKEN_FILE_BYTES: u64 = 64 << 10;

/// The most bytes of an error answer kept for [`PushError::Rejected`].
const MAX_ERROR_BODY_BYTES: u64 = 1024;

/// How often and how patiently a push is retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retry {
    /// Tries in all, the first included (at least 1).
    pub attempts: u32,
    /// The wait before the second try; each later wait doubles.
    pub backoff: Duration,
    /// The longest wait between two tries.
    pub max_backoff: Duration,
}

impl Default for Retry {
    /// Three tries, 250 ms then 500 ms apart: with the default timeout a call gives up
    /// within about 31 s.
    fn default() -> Self {
        Retry {
            attempts: 3,
            backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(5),
        }
    }
}

impl Retry {
    /// One try, no retry.
    pub const NONE: Retry = Retry {
        attempts: 1,
        backoff: Duration::ZERO,
        max_backoff: Duration::ZERO,
    };

    /// The wait after failed try number `failed` (1-based).
    fn wait_after(&self, failed: u32) -> Duration {
        let factor = 1u32 << failed.saturating_sub(1).min(16);
        self.backoff.saturating_mul(factor).min(self.max_backoff)
    }
}

/// Credentials sent with every request, as a scraper sends them to `/metrics`.
#[derive(Clone, PartialEq, Eq)]
enum Auth {
    Bearer(String),
    Basic { user: String, password: String },
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::Bearer(_) => f.write_str("Bearer(<redacted>)"),
            Auth::Basic { user, .. } => write!(f, "Basic({user:?}, <redacted>)"),
        }
    }
}

/// The HTTP verb of a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// [`Pusher::push`]: replace the group.
    Put,
    /// [`Pusher::push_add`]: replace the metrics of the same names.
    Post,
    /// [`Pusher::delete`]: delete the group.
    Delete,
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
        })
    }
}

/// Why a push did not happen.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PushError {
    /// The gateway URL, the job, a grouping label or the credentials are unusable; nothing
    /// was sent.
    Invalid {
        /// What is wrong, naming the value.
        reason: String,
    },
    /// No answer: the connection was refused or failed, the host was not found, or no whole
    /// answer came within the timeout, on every try.
    Unreachable {
        /// The group's URL.
        url: String,
        /// The verb.
        method: Method,
        /// Tries made.
        attempts: u32,
        /// The last try's cause.
        cause: String,
    },
    /// The gateway answered with a status other than 2xx: final for 4xx (bad metrics, bad
    /// credentials, an inconsistent push), after every try for 429 and 5xx.
    Rejected {
        /// The group's URL.
        url: String,
        /// The verb.
        method: Method,
        /// Tries made.
        attempts: u32,
        /// The HTTP status.
        status: u16,
        /// The start of the answer's body: the Pushgateway says there what it refused.
        body: String,
    },
}

impl fmt::Display for PushError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PushError::Invalid { reason } => write!(f, "cannot push: {reason}"),
            PushError::Unreachable {
                url,
                method,
                attempts,
                cause,
            } => write!(
                f,
                "cannot push to {url} ({method}, {attempts} {}): {cause}",
                tries(*attempts)
            ),
            PushError::Rejected {
                url,
                method,
                attempts,
                status,
                body,
            } => {
                write!(
                    f,
                    "the Pushgateway refused the {method} to {url} with HTTP {status} ({attempts} {})",
                    tries(*attempts)
                )?;
                let body = body.trim();
                if !body.is_empty() {
                    write!(f, ": {body}")?;
                }
                Ok(())
            }
        }
    }
}

fn tries(n: u32) -> &'static str {
    if n == 1 { "try" } else { "tries" }
}

impl std::error::Error for PushError {}

fn invalid(reason: String) -> PushError {
    PushError::Invalid { reason }
}

/// Pushes a registry's families to one group of a Pushgateway. Built once, used for any
/// number of calls; every call sends the registry's values at that moment.
#[derive(Debug, Clone)]
pub struct Pusher {
    /// `http://host:port` (and a route prefix, when the gateway has one), without a final `/`.
    gateway: String,
    /// `/metrics/job/...`: the group's path.
    path: String,
    labels: Vec<String>,
    auth: Option<Auth>,
    timeout: Duration,
    retry: Retry,
    format: Format,
}

impl Pusher {
    /// A pusher to the group `job` (and no further grouping label yet) of the Pushgateway at
    /// `gateway` (`http://host:9091`, with a route prefix if the gateway has one). Refuses
    /// an empty job, a URL that is not `http://`, and credentials in the URL (errors print
    /// the URL: use [`Pusher::basic_auth`]).
    pub fn new(gateway: &str, job: &str) -> Result<Pusher, PushError> {
        let given = gateway.trim();
        let (scheme, rest) = given.split_once("://").unwrap_or(("", given));
        if !scheme.eq_ignore_ascii_case("http") {
            let why = if scheme.eq_ignore_ascii_case("https") {
                "HTTPS is not built in (a blocking client without TLS); push over http:// to a gateway inside the cluster or through a TLS-terminating proxy"
            } else {
                "give an http:// URL"
            };
            return Err(invalid(format!("gateway URL {given:?}: {why}")));
        }
        let rest = rest.trim_end_matches('/');
        let gateway = format!("{scheme}://{rest}");
        if gateway.contains('?') || gateway.contains('#') {
            return Err(invalid(format!(
                "gateway URL {gateway:?} has a query or fragment; give the gateway's base URL"
            )));
        }
        let authority = rest.split('/').next().unwrap_or("");
        if authority.contains('@') {
            return Err(invalid(
                "the gateway URL holds credentials, which errors would print; use Pusher::basic_auth".to_string(),
            ));
        }
        if authority.is_empty() {
            return Err(invalid(format!("gateway URL {gateway:?} has no host")));
        }
        ureq::http::Uri::try_from(gateway.as_str())
            .map_err(|e| invalid(format!("gateway URL {gateway:?}: {e}")))?;
        if job.is_empty() {
            return Err(invalid(
                "the job is empty; the Pushgateway requires one".to_string(),
            ));
        }
        Ok(Pusher {
            gateway,
            path: format!("/metrics/{}", segment("job", job)),
            labels: Vec::new(),
            auth: None,
            timeout: DEFAULT_TIMEOUT,
            retry: Retry::default(),
            format: Format::Text,
        })
    }

    /// Adds a grouping label: the group is the job and every grouping label together, and
    /// the Pushgateway adds them to every pushed series. A name must be a Prometheus label
    /// name, not `job` (given to [`Pusher::new`]), not reserved (`__...`), and not given
    /// twice; any value goes (see the module docs for how it is sent).
    pub fn grouping(mut self, name: &str, value: &str) -> Result<Pusher, PushError> {
        let valid = name
            .chars()
            .enumerate()
            .all(|(i, c)| c == '_' || c.is_ascii_alphabetic() || (i > 0 && c.is_ascii_digit()));
        if name.is_empty() || !valid {
            return Err(invalid(format!(
                "grouping label {name:?} is not a label name ([a-zA-Z_][a-zA-Z0-9_]*)"
            )));
        }
        if name.starts_with("__") {
            return Err(invalid(format!(
                "grouping label {name:?}: names starting with `__` are reserved"
            )));
        }
        if name == "job" || self.labels.iter().any(|l| l == name) {
            return Err(invalid(format!(
                "grouping label {name:?} is given twice (the job is Pusher::new's)"
            )));
        }
        self.path.push('/');
        self.path.push_str(&segment(name, value));
        self.labels.push(name.to_string());
        Ok(self)
    }

    /// Sends `Authorization: Bearer <token>`, as a scraper does to a gated `/metrics` (a
    /// proxy in front of the Pushgateway checks it; the Pushgateway itself knows basic auth
    /// only).
    pub fn bearer_token(mut self, token: &str) -> Pusher {
        self.auth = Some(Auth::Bearer(token.trim().to_string()));
        self
    }

    /// [`Pusher::bearer_token`] read from a file (surrounding whitespace dropped), as
    /// `auth.token_file` is for scraping.
    pub fn bearer_token_file(self, path: &Path) -> Result<Pusher, PushError> {
        let cannot = |why: String| invalid(format!("token file {}: {why}", path.display()));
        // A pipe, device or directory would block or never end: only a regular file (or a
        // link to one, as Kubernetes mounts secrets) is read, as for `auth.token_file`.
        let regular = |file_type: std::fs::FileType| {
            if file_type.is_file() {
                Ok(())
            } else {
                Err(cannot("not a regular file".to_string()))
            }
        };
        regular(
            std::fs::metadata(path)
                .map_err(|e| cannot(e.to_string()))?
                .file_type(),
        )?;
        let file = std::fs::File::open(path).map_err(|e| cannot(e.to_string()))?;
        regular(
            file.metadata()
                .map_err(|e| cannot(e.to_string()))?
                .file_type(),
        )?;
        let mut token = String::new();
        file.take(MAX_TOKEN_FILE_BYTES + 1)
            .read_to_string(&mut token)
            .map_err(|e| cannot(e.to_string()))?;
        if token.len() as u64 > MAX_TOKEN_FILE_BYTES {
            return Err(cannot(format!("longer than {MAX_TOKEN_FILE_BYTES} bytes")));
        }
        if token.trim().is_empty() {
            return Err(cannot("empty".to_string()));
        }
        // RFC 6750: a bearer token is visible ASCII; anything else could never be sent.
        if !token.trim().bytes().all(|b| b.is_ascii_graphic()) {
            return Err(cannot(
                "the token holds a space, a control or a non-ASCII character".to_string(),
            ));
        }
        Ok(self.bearer_token(&token))
    }

    /// Sends HTTP basic auth, which the Pushgateway checks itself when its
    /// `--web.config.file` lists `basic_auth_users`.
    pub fn basic_auth(mut self, user: &str, password: &str) -> Pusher {
        self.auth = Some(Auth::Basic {
            user: user.to_string(),
            password: password.to_string(),
        });
        self
    }

    /// How long one try may take, connecting to reading the answer ([`DEFAULT_TIMEOUT`]).
    pub fn timeout(mut self, timeout: Duration) -> Pusher {
        self.timeout = timeout;
        self
    }

    /// How often and how patiently to retry ([`Retry::default`]; [`Retry::NONE`] for one try).
    pub fn retry(mut self, retry: Retry) -> Pusher {
        self.retry = Retry {
            attempts: retry.attempts.max(1),
            ..retry
        };
        self
    }

    /// The format to push in: text (the default), or protobuf, which the registry writes
    /// when it can ([`Registry::format_for`]: feature `protobuf`) and which carries native
    /// histograms. The Pushgateway does not read OpenMetrics, which is sent as text.
    pub fn format(mut self, format: Format) -> Pusher {
        self.format = match format {
            Format::OpenMetrics => Format::Text,
            other => other,
        };
        self
    }

    /// The group's URL: `<gateway>/metrics/job/<job>/<label>/<value>...`.
    pub fn url(&self) -> String {
        format!("{}{}", self.gateway, self.path)
    }

    /// `PUT`: the group becomes exactly this registry's families (metrics the group held and
    /// this push lacks are deleted).
    pub fn push(&self, registry: &Registry) -> Result<(), PushError> {
        self.send(Method::Put, Some(registry))
    }

    /// `POST`: this registry's families replace the group's metrics of the same names; the
    /// group's other metrics stay.
    pub fn push_add(&self, registry: &Registry) -> Result<(), PushError> {
        self.send(Method::Post, Some(registry))
    }

    /// `DELETE`: the group and every metric in it are deleted (other groups of the job stay).
    pub fn delete(&self) -> Result<(), PushError> {
        self.send(Method::Delete, None)
    }

    fn send(&self, method: Method, registry: Option<&Registry>) -> Result<(), PushError> {
        let url = self.url();
        let (body, content_type) = match registry {
            Some(r) => {
                let format = r.format_for(self.format);
                (r.encode(format), format.content_type())
            }
            None => (Vec::new(), ""),
        };
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(self.timeout))
            .max_redirects(0)
            .user_agent(concat!("metrics-runtime/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        let authorization = self.auth.as_ref().map(|a| match a {
            Auth::Bearer(token) => format!("Bearer {token}"),
            Auth::Basic { user, password } => format!(
                "Basic {}",
                base64(format!("{user}:{password}").as_bytes(), STANDARD)
            ),
        });
        let mut attempt = 0;
        loop {
            attempt += 1;
            let outcome = match method {
                Method::Delete => {
                    let mut request = agent.delete(&url);
                    if let Some(a) = &authorization {
                        request = request.header("Authorization", a);
                    }
                    request.call()
                }
                Method::Put | Method::Post => {
                    let mut request = if method == Method::Put {
                        agent.put(&url)
                    } else {
                        agent.post(&url)
                    };
                    request = request.header("Content-Type", content_type);
                    if let Some(a) = &authorization {
                        request = request.header("Authorization", a);
                    }
                    request.send(body.as_slice())
                }
            };
            let failure = match outcome {
                Ok(response) if response.status().is_success() => return Ok(()),
                Ok(mut response) => {
                    let status = response.status().as_u16();
                    let mut text = Vec::new();
                    // The body only explains the status; one that cannot be read explains
                    // nothing more.
                    let _ = response
                        .body_mut()
                        .as_reader()
                        .take(MAX_ERROR_BODY_BYTES)
                        .read_to_end(&mut text);
                    let rejected = PushError::Rejected {
                        url: url.clone(),
                        method,
                        attempts: attempt,
                        status,
                        body: String::from_utf8_lossy(&text).into_owned(),
                    };
                    if status != 429 && status < 500 {
                        return Err(rejected);
                    }
                    rejected
                }
                Err(ureq::Error::BadUri(why)) => {
                    return Err(invalid(format!("URL {url:?}: {why}")));
                }
                Err(e) => PushError::Unreachable {
                    url: url.clone(),
                    method,
                    attempts: attempt,
                    cause: cause(&e, self.timeout),
                },
            };
            if attempt >= self.retry.attempts {
                return Err(failure);
            }
            std::thread::sleep(self.retry.wait_after(attempt));
        }
    }
}

/// One failed try, in words.
fn cause(e: &ureq::Error, timeout: Duration) -> String {
    match e {
        ureq::Error::Io(io) => io.to_string(),
        ureq::Error::Timeout(_) => format!("no whole answer within {timeout:?}"),
        ureq::Error::HostNotFound => "host not found".to_string(),
        ureq::Error::ConnectionFailed => "connection failed".to_string(),
        other => other.to_string(),
    }
}

/// A grouping key's path segment pair: `name/value`, or `name@base64/<value in base64url>`
/// when the value is not plain (empty, a `/`, `.`/`..`, anything outside the URL's
/// unreserved characters).
fn segment(name: &str, value: &str) -> String {
    let plain = !value.is_empty()
        && value != "."
        && value != ".."
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'));
    if plain {
        format!("{name}/{value}")
    } else if value.is_empty() {
        // The Pushgateway's spelling of the empty value.
        format!("{name}@base64/=")
    } else {
        format!("{name}@base64/{}", base64(value.as_bytes(), URL_SAFE))
    }
}

/// RFC 4648 §4: the alphabet of HTTP basic auth.
const STANDARD: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// RFC 4648 §5: the alphabet of the Pushgateway's `@base64` path segments.
const URL_SAFE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Base64 with padding, in the given alphabet.
fn base64(bytes: &[u8], alphabet: &[u8; 64]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(alphabet[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use std::io::{BufRead, BufReader, Write};
    use std::net::{SocketAddr, TcpListener};
    use std::sync::mpsc;
    use std::time::Instant;

    #[test]
    fn base64_is_rfc_4648() {
        // RFC 4648 §10's test vectors.
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes(), STANDARD), encoded);
        }
        // The alphabets differ in their last two characters only.
        assert_eq!(base64(&[0xfb, 0xff], STANDARD), "+/8=");
        assert_eq!(base64(&[0xfb, 0xff], URL_SAFE), "-_8=");
    }

    #[test]
    fn grouping_key_path_as_the_pushgateway_defines_it() {
        let p = Pusher::new("http://gw:9091/", "backup")
            .unwrap()
            .grouping("instance", "db-1")
            .unwrap()
            .grouping("volume", "/var/lib/db")
            .unwrap()
            .grouping("empty", "")
            .unwrap()
            .grouping("note", "a b")
            .unwrap()
            .grouping("dots", "..")
            .unwrap();
        assert_eq!(
            p.url(),
            "http://gw:9091/metrics/job/backup/instance/db-1/volume@base64/L3Zhci9saWIvZGI=/empty@base64/=/note@base64/YSBi/dots@base64/Li4="
        );
        // The Pushgateway's own example: a job with a slash.
        assert_eq!(
            Pusher::new("http://gw:9091", "directory/job")
                .unwrap()
                .url(),
            "http://gw:9091/metrics/job@base64/ZGlyZWN0b3J5L2pvYg=="
        );
    }

    #[test]
    fn unusable_input_is_refused_before_anything_is_sent() {
        let reason = |r: Result<Pusher, PushError>| match r {
            Err(PushError::Invalid { reason }) => reason,
            other => panic!("{other:?}"),
        };
        assert!(reason(Pusher::new("https://gw", "j")).contains("HTTPS is not built in"));
        assert!(reason(Pusher::new("gw:9091", "j")).contains("http://"));
        assert!(reason(Pusher::new("http://u:p@gw", "j")).contains("credentials"));
        assert!(reason(Pusher::new("http://", "j")).contains("no host"));
        assert!(reason(Pusher::new("http://gw", "")).contains("job is empty"));
        let p = || Pusher::new("http://gw", "j").unwrap();
        assert!(reason(p().grouping("job", "x")).contains("twice"));
        assert!(reason(p().grouping("a", "1").unwrap().grouping("a", "2")).contains("twice"));
        assert!(reason(p().grouping("__name__", "x")).contains("reserved"));
        assert!(reason(p().grouping("1a", "x")).contains("not a label name"));
        assert!(reason(p().grouping("a-b", "x")).contains("not a label name"));
        let missing = Path::new("/nonexistent/metrics-push-token");
        assert!(reason(p().bearer_token_file(missing)).contains("/nonexistent/metrics-push-token"));
        // Not a regular file: refused at once, never read (a FIFO nobody writes would block).
        assert!(reason(p().bearer_token_file(Path::new("/dev/zero"))).contains("regular file"));
        assert!(reason(p().bearer_token_file(Path::new("/"))).contains("regular file"));
        #[cfg(unix)]
        {
            let dir = std::env::temp_dir().join(format!("push-fifo-{}", std::process::id()));
            std::fs::create_dir_all(&dir).unwrap();
            let fifo = dir.join("token");
            let _ = std::fs::remove_file(&fifo);
            let made = std::process::Command::new("mkfifo").arg(&fifo).status();
            if made.is_ok_and(|s| s.success()) {
                assert!(reason(p().bearer_token_file(&fifo)).contains("regular file"));
            }
            // A token no request could carry.
            let spaced = dir.join("spaced");
            std::fs::write(&spaced, "tok en\n").unwrap();
            assert!(reason(p().bearer_token_file(&spaced)).contains("space"));
            let _ = std::fs::remove_dir_all(&dir);
        }
        // Credentials never show in Debug.
        let debug = format!("{:?}", p().bearer_token("tok3n").basic_auth("u", "pa55"));
        assert!(
            !debug.contains("pa55") && !debug.contains("tok3n"),
            "{debug}"
        );
    }

    #[test]
    fn backoff_doubles_up_to_its_bound() {
        let r = Retry {
            attempts: 10,
            backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(350),
        };
        let waits: Vec<u128> = (1..=4).map(|n| r.wait_after(n).as_millis()).collect();
        assert_eq!(waits, [100, 200, 350, 350]);
        assert_eq!(
            Retry::default().wait_after(u32::MAX),
            Duration::from_secs(5)
        );
    }

    /// One request as a loopback server received it.
    #[derive(Debug)]
    struct Seen {
        request_line: String,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    }

    impl Seen {
        fn header(&self, name: &str) -> Option<&str> {
            self.headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_str())
        }
    }

    /// A loopback server answering each connection with the next status of `statuses`
    /// (`None`: read the request, never answer), reporting what it received.
    fn server(statuses: Vec<Option<u16>>) -> (SocketAddr, mpsc::Receiver<Seen>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for status in statuses {
                let Ok((stream, _)) = listener.accept() else {
                    return;
                };
                let mut reader = BufReader::new(stream);
                let mut request_line = String::new();
                reader.read_line(&mut request_line).unwrap();
                let mut headers = Vec::new();
                loop {
                    let mut line = String::new();
                    reader.read_line(&mut line).unwrap();
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some((k, v)) = line.split_once(':') {
                        headers.push((k.trim().to_string(), v.trim().to_string()));
                    }
                }
                let length = headers
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
                    .map_or(0, |(_, v)| v.parse().unwrap());
                let mut body = vec![0; length];
                reader.read_exact(&mut body).unwrap();
                let _ = tx.send(Seen {
                    request_line: request_line.trim_end().to_string(),
                    headers,
                    body,
                });
                match status {
                    Some(status) => {
                        let text = format!("status {status}\n");
                        let _ = write!(
                            reader.get_mut(),
                            "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
                            text.len()
                        );
                    }
                    // Hold the connection open past the client's timeout.
                    None => std::thread::sleep(Duration::from_secs(3)),
                }
            }
        });
        (addr, rx)
    }

    fn quick() -> Retry {
        Retry {
            attempts: 3,
            backoff: Duration::from_millis(10),
            max_backoff: Duration::from_millis(20),
        }
    }

    /// Pushes the exposition the scrape encoder writes, with the verb, path, content type
    /// and credentials of each call.
    #[test]
    fn each_verb_sends_what_the_pushgateway_expects() {
        let (addr, seen) = server(vec![Some(200), Some(200), Some(202), Some(200)]);
        let registry = Registry::new();
        let pusher = Pusher::new(&format!("http://{addr}"), "backup")
            .unwrap()
            .grouping("instance", "db-1")
            .unwrap()
            .bearer_token("t0ken");
        pusher.push(&registry).unwrap();
        let put = seen.recv().unwrap();
        assert_eq!(
            put.request_line,
            "PUT /metrics/job/backup/instance/db-1 HTTP/1.1"
        );
        assert_eq!(put.header("authorization"), Some("Bearer t0ken"));
        assert_eq!(
            put.header("content-type"),
            Some("text/plain; version=0.0.4; charset=utf-8")
        );
        assert_eq!(put.body, registry.encode(Format::Text));

        pusher.push_add(&registry).unwrap();
        assert!(seen.recv().unwrap().request_line.starts_with("POST "));

        pusher.delete().unwrap();
        let delete = seen.recv().unwrap();
        assert!(
            delete
                .request_line
                .starts_with("DELETE /metrics/job/backup/instance/db-1 ")
        );
        assert!(delete.body.is_empty());

        Pusher::new(&format!("http://{addr}"), "backup")
            .unwrap()
            .basic_auth("Aladdin", "open sesame")
            .push(&registry)
            .unwrap();
        // RFC 7617's example.
        assert_eq!(
            seen.recv().unwrap().header("authorization"),
            Some("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==")
        );
    }

    #[test]
    fn server_errors_are_retried_up_to_the_bound_and_client_errors_are_not() {
        let (addr, seen) = server(vec![Some(503), Some(500), Some(200)]);
        let pusher = Pusher::new(&format!("http://{addr}"), "j")
            .unwrap()
            .retry(quick());
        pusher.push(&Registry::new()).unwrap();
        assert_eq!(seen.try_iter().count(), 3);

        let (addr, seen) = server(vec![Some(503), Some(503), Some(503), Some(200)]);
        let pusher = Pusher::new(&format!("http://{addr}"), "j")
            .unwrap()
            .retry(quick());
        match pusher.push(&Registry::new()) {
            Err(PushError::Rejected {
                status: 503,
                attempts: 3,
                body,
                ..
            }) => assert_eq!(body, "status 503\n"),
            other => panic!("{other:?}"),
        }
        assert_eq!(seen.try_iter().count(), 3, "no fourth try");

        let (addr, seen) = server(vec![Some(400), Some(200)]);
        let err = Pusher::new(&format!("http://{addr}"), "j")
            .unwrap()
            .retry(quick())
            .push(&Registry::new())
            .unwrap_err();
        assert!(
            matches!(
                err,
                PushError::Rejected {
                    status: 400,
                    attempts: 1,
                    ..
                }
            ),
            "{err:?}"
        );
        assert!(err.to_string().contains("HTTP 400"), "{err}");
        assert_eq!(seen.try_iter().count(), 1);
    }

    #[test]
    fn no_answer_within_the_timeout_is_unreachable_and_bounded() {
        let (addr, _seen) = server(vec![None, None]);
        let started = Instant::now();
        let err = Pusher::new(&format!("http://{addr}"), "j")
            .unwrap()
            .timeout(Duration::from_millis(300))
            .retry(Retry {
                attempts: 2,
                backoff: Duration::from_millis(10),
                max_backoff: Duration::from_millis(10),
            })
            .push(&Registry::new())
            .unwrap_err();
        let elapsed = started.elapsed();
        assert!(elapsed < Duration::from_secs(2), "{elapsed:?}");
        match &err {
            PushError::Unreachable {
                url,
                attempts: 2,
                cause,
                ..
            } => {
                assert_eq!(url, &format!("http://{addr}/metrics/job/j"));
                assert!(cause.contains("within"), "{cause}");
            }
            other => panic!("{other:?}"),
        }
    }
}
