//! `MetricsConfig`: how a program exposes its metrics, from a TOML file and environment
//! variables. Invalid configuration is one error that names the key.
//!
//! ```toml
//! enabled = true
//! path = "/metrics"
//! process_metrics = true
//!
//! [global_labels]
//! service = "api"
//!
//! [buckets]                                  # per-family bucket overrides
//! trc_http_request_duration_seconds = [0.01, 0.1, 1.0]
//!
//! [auth]
//! token_file = "/run/secrets/metrics-token"  # or token = "..."
//! trusted_cidrs = ["10.0.0.0/8"]
//! trusted_proxies = ["127.0.0.1/32"]
//! trust_network = false                      # serve with no token and no CIDR: explicit only
//!
//! [limits]                                   # what a client can hold (the defaults shown)
//! max_connections = 512                      # open connections; past it the longest-idle goes
//! header_read_timeout = 10                   # seconds to send a request head
//! idle_timeout = 30                          # seconds without a byte while no handler runs
//! drain_timeout = 5                          # seconds open requests get at shutdown
//! max_header_bytes = 65536                   # a request head larger than this gets 431
//! ```
//!
//! Environment variables with a prefix (for example `METRICS_`) override the file:
//! `METRICS_ENABLED`, `METRICS_PATH`, `METRICS_PROCESS_METRICS`, `METRICS_GLOBAL_LABELS`
//! (`k=v,k2=v2`), `METRICS_AUTH_TOKEN`, `METRICS_AUTH_TOKEN_FILE`, `METRICS_AUTH_TRUSTED_CIDRS`
//! and `METRICS_AUTH_TRUSTED_PROXIES` (comma-separated, never empty),
//! `METRICS_AUTH_TRUST_NETWORK`, and `METRICS_LIMITS_MAX_CONNECTIONS`,
//! `METRICS_LIMITS_HEADER_READ_TIMEOUT`, `METRICS_LIMITS_IDLE_TIMEOUT`,
//! `METRICS_LIMITS_DRAIN_TIMEOUT`, `METRICS_LIMITS_MAX_HEADER_BYTES`.

use std::collections::BTreeMap;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use ipnet::IpNet;
use serde::Deserialize;

/// A configuration error: the key it concerns and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The key (`auth.trusted_cidrs`) or environment variable (`METRICS_PATH`).
    pub key: String,
    /// What is wrong and what is expected.
    pub message: String,
}

impl ConfigError {
    fn new(key: impl Into<String>, message: impl Into<String>) -> Self {
        ConfigError {
            key: key.into(),
            message: message.into(),
        }
    }
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "invalid metrics config `{}`: {}", self.key, self.message)
    }
}

impl std::error::Error for ConfigError {}

/// Who may read the metrics endpoint (the gate: token and/or trusted networks,
/// both required when both are set; neither means the endpoint is not served unless the
/// network is declared trusted).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuthConfig {
    /// The bearer token callers must send.
    pub token: Option<String>,
    /// Sources allowed to scrape.
    pub trusted_cidrs: Vec<IpNet>,
    /// Peers whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<IpNet>,
    /// Serve with no token and no CIDR: the deployment's network itself is the gate. Also
    /// what admits, in either list above, networks that together hold every IPv4 or every
    /// IPv6 address (`0.0.0.0/0`; `0.0.0.0/1` and `128.0.0.0/1`; `::ffff:0:0/96`, every IPv4
    /// client as an IPv4-mapped address).
    pub trust_network: bool,
}

impl AuthConfig {
    /// Whether any gate is configured or the network is explicitly trusted.
    pub fn serves(&self) -> bool {
        self.token.is_some() || !self.trusted_cidrs.is_empty() || self.trust_network
    }
}

/// What one client can hold of a server: connections, time, memory. `http::serve_with`
/// enforces them; `http::serve` uses the defaults.
///
/// The worst case a flood of clients without credentials can cost is about
/// `max_connections * (max_header_bytes + 16 KiB)` of memory (40 MiB with the defaults; the
/// socket is read at most 8 KiB at a time, so a connection's read buffer never holds more
/// than `max_header_bytes`, in an allocation of at most its next power of two; the
/// allocator may keep some of it after the flood) and `max_connections` file descriptors:
/// past the cap, the connection that has been idle the longest is closed to admit the new
/// one, so a flood cannot keep a scraper out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LimitsConfig {
    /// Open connections at most (`limits.max_connections`, default 512: under the usual
    /// soft limit of 1024 file descriptors, with room for the program's own).
    pub max_connections: usize,
    /// Time a connection has to deliver a complete request head, counted from the accept or
    /// from the end of its previous response (`limits.header_read_timeout`, default 10 s).
    /// A byte now and then does not reset it. hyper runs this one timer over the keep-alive
    /// wait and the head alike, so it also closes a keep-alive connection left silent.
    pub header_read_timeout: Duration,
    /// A connection that moves no byte in either direction for this long while none of its
    /// requests is in a handler is closed (`limits.idle_timeout`, default 30 s): a response
    /// the client stopped reading, and the keep-alive wait when this is the shorter
    /// timeout. A handler that takes long (a long poll) is not idle.
    pub idle_timeout: Duration,
    /// At shutdown, how long requests already in a handler or being written get to finish
    /// before their connections are dropped (`limits.drain_timeout`, default 5 s).
    /// Connections with no request in progress close at once.
    pub drain_timeout: Duration,
    /// The largest request head (request line and header lines, as sent), in bytes; a
    /// larger one gets 431 however it arrives, in one burst or in pieces
    /// (`limits.max_header_bytes`, default 64 KiB, at least 8 KiB).
    pub max_header_bytes: usize,
}

impl Default for LimitsConfig {
    fn default() -> Self {
        LimitsConfig {
            max_connections: 512,
            header_read_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(30),
            drain_timeout: Duration::from_secs(5),
            max_header_bytes: 64 * 1024,
        }
    }
}

/// The ranges a limit may take: below, the server cannot work (hyper's smallest read buffer
/// is 8 KiB); above, it is no limit.
const MAX_CONNECTIONS: (u64, u64) = (1, 1 << 20);
const HEADER_READ_TIMEOUT: (f64, f64) = (0.0, 3600.0);
const IDLE_TIMEOUT: (f64, f64) = (0.0, 86_400.0);
const DRAIN_TIMEOUT: (f64, f64) = (0.0, 3600.0);
const MAX_HEADER_BYTES: (u64, u64) = (8 * 1024, 16 << 20);

/// A duration in seconds within `(low, high]` (`[0, high]` for the drain, which may be 0:
/// drop every connection at once). `given` is the value as written, quoted in the error.
/// A positive value under a nanosecond is no duration: refused where 0 is, 0 where 0 may be.
fn seconds(
    key: &str,
    value: f64,
    given: &str,
    (low, high): (f64, f64),
    zero: bool,
) -> Result<Duration, ConfigError> {
    let fits = value.is_finite() && value <= high && (value > low || (zero && value == low));
    let range = if zero { "from 0" } else { "more than 0" };
    let refused = || {
        ConfigError::new(
            key,
            format!(
                "`{}` is not a number of seconds {range} up to {high}",
                quoted(given)
            ),
        )
    };
    if !fits {
        return Err(refused());
    }
    let duration =
        Duration::try_from_secs_f64(value).map_err(|e| ConfigError::new(key, e.to_string()))?;
    if duration.is_zero() && !zero {
        return Err(ConfigError::new(
            key,
            format!(
                "`{}` is less than a nanosecond, which is 0; give a number of seconds {range} \
                 up to {high}",
                quoted(given)
            ),
        ));
    }
    Ok(duration)
}

fn count(key: &str, value: u64, (low, high): (u64, u64), what: &str) -> Result<usize, ConfigError> {
    if !(low..=high).contains(&value) {
        return Err(ConfigError::new(
            key,
            format!("`{value}` is not a number of {what} from {low} to {high}"),
        ));
    }
    usize::try_from(value).map_err(|e| ConfigError::new(key, e.to_string()))
}

impl LimitsConfig {
    /// Checks every limit is within its range, the error naming the key.
    pub fn validate(&self) -> Result<(), ConfigError> {
        self.check(&BTreeMap::new())
    }

    fn check(&self, keys: &BTreeMap<&'static str, String>) -> Result<(), ConfigError> {
        let key = |k: &'static str| keys.get(k).cloned().unwrap_or_else(|| k.to_string());
        count(
            &key("limits.max_connections"),
            self.max_connections as u64,
            MAX_CONNECTIONS,
            "connections",
        )?;
        count(
            &key("limits.max_header_bytes"),
            self.max_header_bytes as u64,
            MAX_HEADER_BYTES,
            "bytes",
        )?;
        for (k, d, range, zero) in [
            (
                "limits.header_read_timeout",
                self.header_read_timeout,
                HEADER_READ_TIMEOUT,
                false,
            ),
            (
                "limits.idle_timeout",
                self.idle_timeout,
                IDLE_TIMEOUT,
                false,
            ),
            (
                "limits.drain_timeout",
                self.drain_timeout,
                DRAIN_TIMEOUT,
                true,
            ),
        ] {
            let value = d.as_secs_f64();
            seconds(&key(k), value, &format!("{value:?}"), range, zero)?;
        }
        Ok(())
    }
}

/// How a program exposes its metrics.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricsConfig {
    /// Serve the endpoint at all.
    pub enabled: bool,
    /// The endpoint's path: a plain absolute path such as `/metrics` (letters, digits and
    /// `-._~` between slashes), never a route pattern.
    pub path: String,
    /// Expose the standard `process_*` metrics.
    pub process_metrics: bool,
    /// Labels added to every series (validated like label names).
    pub global_labels: Vec<(String, String)>,
    /// Per-family histogram bucket overrides.
    pub buckets: BTreeMap<String, Vec<f64>>,
    /// Who may read the endpoint.
    pub auth: AuthConfig,
    /// What one client can hold of the server.
    pub limits: LimitsConfig,
}

impl Default for MetricsConfig {
    fn default() -> Self {
        MetricsConfig {
            enabled: true,
            path: "/metrics".into(),
            process_metrics: true,
            global_labels: Vec::new(),
            buckets: BTreeMap::new(),
            auth: AuthConfig::default(),
            limits: LimitsConfig::default(),
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    enabled: Option<bool>,
    path: Option<String>,
    process_metrics: Option<bool>,
    #[serde(default)]
    global_labels: BTreeMap<String, String>,
    #[serde(default)]
    buckets: BTreeMap<String, Vec<f64>>,
    #[serde(default)]
    auth: RawAuth,
    #[serde(default)]
    limits: RawLimits,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawAuth {
    token: Option<String>,
    token_file: Option<PathBuf>,
    #[serde(default)]
    trusted_cidrs: Vec<String>,
    #[serde(default)]
    trusted_proxies: Vec<String>,
    trust_network: Option<bool>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawLimits {
    max_connections: Option<u64>,
    header_read_timeout: Option<f64>,
    idle_timeout: Option<f64>,
    drain_timeout: Option<f64>,
    max_header_bytes: Option<u64>,
}

/// The environment variables read after the prefix. Nothing else in the environment is
/// looked at, so another program's variable, even one that is not UTF-8, is never an error.
/// Levenshtein distance between two short ASCII names (insertions, deletions, substitutions).
fn edit_distance(a: &str, b: &str) -> usize {
    let b = b.as_bytes();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.bytes().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = if ca == *cb {
                diagonal
            } else {
                1 + diagonal.min(above).min(row[j])
            };
            diagonal = above;
        }
    }
    row[b.len()]
}

const ENV_KEYS: &[&str] = &[
    "ENABLED",
    "PATH",
    "PROCESS_METRICS",
    "GLOBAL_LABELS",
    "AUTH_TOKEN",
    "AUTH_TOKEN_FILE",
    "AUTH_TRUSTED_CIDRS",
    "AUTH_TRUSTED_PROXIES",
    "AUTH_TRUST_NETWORK",
    "LIMITS_MAX_CONNECTIONS",
    "LIMITS_HEADER_READ_TIMEOUT",
    "LIMITS_IDLE_TIMEOUT",
    "LIMITS_DRAIN_TIMEOUT",
    "LIMITS_MAX_HEADER_BYTES",
];

/// A token file holds one token; anything larger is the wrong file (`/dev/zero` would
/// otherwise be read until memory runs out).
pub const MAX_TOKEN_FILE_BYTES: u64 = 4096;

/// A config file larger than this is the wrong file.
pub const MAX_CONFIG_FILE_BYTES: u64 = 1 << 20;

/// At most this much of a bad value is quoted back in an error, escaped, so an error line
/// stays one short line whatever was given.
const QUOTED_CHARS: usize = 64;

/// `s` as an error message quotes it: escaped (a newline shows as `\n`), cut at
/// [`QUOTED_CHARS`].
fn quoted(s: &str) -> String {
    let mut out: String = s
        .chars()
        .take(QUOTED_CHARS)
        .flat_map(char::escape_debug)
        .collect();
    if s.chars().nth(QUOTED_CHARS).is_some() {
        out.push_str("...");
    }
    out
}

/// The first IPv4 octet of `s` (an address or network, the IPv4 part of an IPv4-mapped
/// IPv6 address included) written with a leading zero, such as `010`.
fn octet_with_leading_zero(s: &str) -> Option<&str> {
    let address = s.split('/').next().unwrap_or(s);
    let v4 = address.rsplit(':').next().unwrap_or(address);
    if !v4.contains('.') {
        return None;
    }
    v4.split('.')
        .find(|o| o.len() > 1 && o.starts_with('0') && o.bytes().all(|b| b.is_ascii_digit()))
}

fn parse_cidr(key: &str, s: &str) -> Result<IpNet, ConfigError> {
    let s = s.trim();
    if let Some(octet) = octet_with_leading_zero(s) {
        return Err(ConfigError::new(
            key,
            format!(
                "`{}` has an octet with a leading zero (`{}`), which some tools read as octal \
                 (`010` is 8) and others as decimal; write it without the zero",
                quoted(s),
                quoted(octet)
            ),
        ));
    }
    s.parse::<IpNet>()
        .or_else(|_| s.parse::<std::net::IpAddr>().map(IpNet::from))
        .map(ipv4_mapped_as_ipv4)
        .map_err(|_| {
            ConfigError::new(
                key,
                format!(
                    "`{}` is not an IP network such as `10.0.0.0/8` or an address",
                    quoted(s)
                ),
            )
        })
}

/// An IPv4-mapped IPv6 network (`::ffff:10.0.0.0/104`) as the IPv4 network it is: the gate
/// compares a mapped peer as IPv4, so the mapped form could never match anything.
fn ipv4_mapped_as_ipv4(net: IpNet) -> IpNet {
    if let IpNet::V6(v6) = net
        && let Some(v4) = v6.network().to_ipv4_mapped()
        && v6.prefix_len() >= 96
        && let Ok(mapped) = ipnet::Ipv4Net::new(v4, v6.prefix_len() - 96)
    {
        return IpNet::V4(mapped);
    }
    net
}

/// A comma-separated list of networks from one setting given after the file (an
/// environment variable, or a command-line flag a program maps onto one). An empty list is an
/// error: it would silently remove the gate configured before it (for CIDRs) or the proxies
/// (whose own address then stands for every client behind them). The message says what to
/// do without assuming where the value came from: `key` is a variable's name, but a program
/// may report it as its flag.
fn parse_cidr_list(key: &str, s: &str) -> Result<Vec<IpNet>, ConfigError> {
    let nets = s
        .split(',')
        .filter(|c| !c.trim().is_empty())
        .map(|c| parse_cidr(key, c))
        .collect::<Result<Vec<_>, _>>()?;
    if nets.is_empty() {
        return Err(ConfigError::new(
            key,
            "the list of networks is empty, which would remove the networks configured \
             before it (in the file, or the defaults); give at least one network, or leave \
             this setting out to keep them",
        ));
    }
    Ok(nets)
}

/// How many networks an error names before `and N more`.
const NAMED_NETWORKS: usize = 6;

/// When `nets` together hold every IPv4 or every IPv6 address, what says so, naming the
/// networks that do. An IPv4 network counts for IPv6 as its IPv4-mapped range, and an IPv6
/// network overlapping `::ffff:0:0/96` for IPv4 as the IPv4 addresses it maps (the gate
/// compares a client in both forms), so no spelling of a network escapes the check.
fn every_address(nets: &[IpNet]) -> Option<String> {
    let mut v4: Vec<(ipnet::Ipv4Net, IpNet)> = Vec::new();
    let mut v6: Vec<(ipnet::Ipv6Net, IpNet)> = Vec::new();
    for net in nets {
        match *net {
            IpNet::V4(n) => {
                v4.push((n, *net));
                if let Ok(mapped) =
                    ipnet::Ipv6Net::new(n.network().to_ipv6_mapped(), n.prefix_len() + 96)
                {
                    v6.push((mapped, *net));
                }
            }
            IpNet::V6(n) => {
                v6.push((n, *net));
                // `::ffff:0:0/96` holds the IPv4-mapped addresses, as which a dual-stack
                // listener sees its IPv4 clients. A prefix of at most 96 holding one of them
                // holds them all; a longer one starting among them lies within.
                let first_mapped = std::net::Ipv4Addr::UNSPECIFIED.to_ipv6_mapped();
                let as_v4 = if n.prefix_len() <= 96 && n.contains(&first_mapped) {
                    Some(ipnet::Ipv4Net::default())
                } else if n.prefix_len() >= 96 {
                    n.network()
                        .to_ipv4_mapped()
                        .and_then(|a| ipnet::Ipv4Net::new(a, n.prefix_len() - 96).ok())
                } else {
                    None
                };
                if let Some(as_v4) = as_v4 {
                    v4.push((as_v4, *net));
                }
            }
        }
    }
    let whole_v4 = {
        let union = ipnet::Ipv4Net::aggregate(&v4.iter().map(|(n, _)| *n).collect());
        union.iter().any(|n| n.prefix_len() == 0)
    };
    let whole_v6 = {
        let union = ipnet::Ipv6Net::aggregate(&v6.iter().map(|(n, _)| *n).collect());
        union.iter().any(|n| n.prefix_len() == 0)
    };
    let (family, given): (&str, Vec<IpNet>) = if whole_v4 {
        ("IPv4", v4.iter().map(|(_, given)| *given).collect())
    } else if whole_v6 {
        ("IPv6", v6.iter().map(|(_, given)| *given).collect())
    } else {
        return None;
    };
    let mut named: Vec<String> = given
        .iter()
        .take(NAMED_NETWORKS)
        .map(|n| format!("`{n}`"))
        .collect();
    if given.len() > NAMED_NETWORKS {
        named.push(format!("and {} more", given.len() - NAMED_NETWORKS));
    }
    let mapped = if family == "IPv4" && given.iter().any(|n| matches!(n, IpNet::V6(_))) {
        " (an IPv6 network holds IPv4 clients as IPv4-mapped addresses, `::ffff:0:0/96`)"
    } else {
        ""
    };
    let named = named.join(", ");
    Some(if given.len() == 1 {
        format!("{named} holds every {family} address{mapped}, so it gates nothing")
    } else {
        format!("{named} together hold every {family} address{mapped}, so they gate nothing")
    })
}

fn parse_bool(key: &str, s: &str) -> Result<bool, ConfigError> {
    match s.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        other => Err(ConfigError::new(
            key,
            format!("`{}` is not a boolean (true/false)", quoted(other)),
        )),
    }
}

fn parse_u64(key: &str, s: &str) -> Result<u64, ConfigError> {
    s.trim()
        .parse()
        .map_err(|_| ConfigError::new(key, format!("`{}` is not a whole number", quoted(s.trim()))))
}

fn parse_f64(key: &str, s: &str) -> Result<f64, ConfigError> {
    s.trim().parse().map_err(|_| {
        ConfigError::new(
            key,
            format!("`{}` is not a number of seconds", quoted(s.trim())),
        )
    })
}

/// Checks that a bearer token can ever match. The gate reads `Authorization: Bearer <token>`
/// as visible ASCII and trims it, so a token with a space, a control character or a
/// non-ASCII character would refuse every scrape; it is refused at startup instead. The
/// message never quotes the token.
fn check_token(key: &str, token: &str) -> Result<(), ConfigError> {
    if token.trim().is_empty() {
        return Err(ConfigError::new(
            key,
            "an empty token would let anyone in; remove it or give one",
        ));
    }
    if token.len() > MAX_TOKEN_FILE_BYTES as usize {
        return Err(ConfigError::new(
            key,
            format!("a token of more than {MAX_TOKEN_FILE_BYTES} bytes is not a bearer token"),
        ));
    }
    if let Some((at, c)) = token.char_indices().find(|(_, c)| !c.is_ascii_graphic()) {
        let what = match c {
            ' ' | '\t' | '\r' | '\n' => "whitespace",
            c if c.is_ascii_control() => "a control character",
            _ => "a non-ASCII character",
        };
        let place = if at == 0 {
            "at its start".to_string()
        } else if at + c.len_utf8() == token.len() {
            "at its end".to_string()
        } else {
            format!("at byte {at}")
        };
        return Err(ConfigError::new(
            key,
            format!(
                "the token holds {what} {place}; a bearer token is visible ASCII without spaces \
                 (RFC 6750), and no request could ever present this one"
            ),
        ));
    }
    Ok(())
}

/// What a file that is not a regular file is, for an error message.
fn kind_of(file_type: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if file_type.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if file_type.is_socket() {
            return "a socket";
        }
        if file_type.is_char_device() {
            return "a character device";
        }
        if file_type.is_block_device() {
            return "a block device";
        }
    }
    if file_type.is_dir() {
        "a directory"
    } else {
        "not a regular file"
    }
}

/// Reads at most `limit` bytes of `path`, which must be a regular file (a symbolic link to
/// one counts: a Kubernetes secret is one). Anything else is refused before it is opened: a
/// named pipe would block the open (and so startup) until a writer comes, a device such as
/// `/dev/zero` never ends. One byte more than `limit` tells the file is too large without
/// reading it whole.
fn read_capped(path: &Path, limit: u64) -> Result<Vec<u8>, String> {
    let cannot = |e: std::io::Error| format!("cannot read `{}`: {e}", path.display());
    let not_regular = |t: std::fs::FileType| {
        format!("`{}` is {}, not a regular file", path.display(), kind_of(t))
    };
    // `metadata` follows symbolic links.
    let file_type = std::fs::metadata(path).map_err(cannot)?.file_type();
    if !file_type.is_file() {
        return Err(not_regular(file_type));
    }
    let file = std::fs::File::open(path).map_err(cannot)?;
    // The path may have changed between the look and the open: look again at what was opened
    // (a regular file's open never blocks).
    let file_type = file.metadata().map_err(cannot)?.file_type();
    if !file_type.is_file() {
        return Err(not_regular(file_type));
    }
    let mut bytes = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    if bytes.len() as u64 > limit {
        return Err(format!("`{}` is larger than {limit} bytes", path.display()));
    }
    Ok(bytes)
}

fn read_token_file(key: &str, path: &Path) -> Result<String, ConfigError> {
    let bytes = read_capped(path, MAX_TOKEN_FILE_BYTES)
        .map_err(|m| ConfigError::new(key, format!("{m}; a token file holds one token")))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| ConfigError::new(key, format!("`{}` is not UTF-8 text", path.display())))?;
    // A file ends with a newline; the token is what lies between.
    let token = text.trim();
    if token.is_empty() {
        return Err(ConfigError::new(
            key,
            format!("`{}` is empty", path.display()),
        ));
    }
    check_token(key, token)?;
    Ok(token.to_string())
}

/// Checks the endpoint's path: absolute, plain segments of letters, digits and `-._~`,
/// nothing a router reads as a pattern (`{`, `}`, `*`, `:`), nothing a client cannot send
/// (whitespace, control characters, `?`, `#`), no empty or dot segment (clients normalise
/// them away), and not `/` itself (which would take the application's root).
fn check_path(path: &str) -> Result<(), String> {
    const MAX_PATH: usize = 256;
    let plain = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~');
    let why = if !path.starts_with('/') {
        Some("it does not start with `/`")
    } else if path == "/" {
        Some("`/` would take the application's root")
    } else if path.len() > MAX_PATH {
        Some("it is longer than 256 bytes")
    } else if path[1..]
        .split('/')
        .any(|s| s.is_empty() || s == "." || s == "..")
    {
        Some("it has an empty, `.` or `..` segment")
    } else if path[1..].chars().any(|c| c != '/' && !plain(c)) {
        Some("only letters, digits and `-._~` may stand between the slashes")
    } else {
        None
    };
    match why {
        Some(why) => Err(format!(
            "`{}` is not a plain URL path such as `/metrics`: {why}",
            quoted(path)
        )),
        None => Ok(()),
    }
}

/// Checks bucket bounds the way the derive's R12 does ([`crate::validate::buckets`]), the
/// error naming `key`.
pub fn validate_buckets(key: &str, bounds: &[f64]) -> Result<(), ConfigError> {
    crate::validate::buckets(bounds).map_err(|message| ConfigError::new(key, message))
}

/// The dotted key (`auth.trusted_cidrs`) whose key or value holds byte `at` of the TOML
/// `text`: where a serde error (a wrong type, an unknown field) points.
fn key_at(text: &str, at: usize) -> Option<String> {
    // A `[table]` header's entries may lie anywhere after it, so every table is searched,
    // not only one whose own span holds `at`.
    fn walk(table: &toml::de::DeTable<'_>, at: usize, path: &mut Vec<String>) -> bool {
        for (key, value) in table.iter() {
            let here = key.span().contains(&at) || value.span().contains(&at);
            path.push(key.get_ref().to_string());
            let inside = value
                .get_ref()
                .as_table()
                .is_some_and(|t| walk(t, at, path));
            if inside || here {
                return true;
            }
            path.pop();
        }
        false
    }
    let doc = toml::de::DeTable::parse(text).ok()?;
    let mut path = Vec::new();
    walk(doc.get_ref(), at, &mut path).then(|| path.join("."))
}

impl MetricsConfig {
    /// Parses TOML text.
    pub fn from_toml_str(text: &str) -> Result<Self, ConfigError> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            let message = e.message().trim().to_string();
            let Some(span) = e.span() else {
                return ConfigError::new("file", message);
            };
            if let Some(key) = key_at(text, span.start) {
                return ConfigError::new(key, message);
            }
            // The document does not parse (a key given twice, a syntax error): no key path
            // to name, so the place, and what stands there when it is a short word (the
            // duplicate key itself), never a value.
            let before = text.get(..span.start).unwrap_or("");
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            let what = text
                .get(span.clone())
                .map(str::trim)
                .filter(|w| {
                    !w.is_empty()
                        && w.len() <= 64
                        && w.bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
                })
                .map(|w| format!(" `{w}`"))
                .unwrap_or_default();
            ConfigError::new(
                "file",
                format!("{message}{what} at line {line}, column {column}"),
            )
        })?;
        let mut cfg = MetricsConfig::default();
        if let Some(v) = raw.enabled {
            cfg.enabled = v;
        }
        if let Some(v) = raw.path {
            cfg.path = v;
        }
        if let Some(v) = raw.process_metrics {
            cfg.process_metrics = v;
        }
        cfg.global_labels = raw.global_labels.into_iter().collect();
        cfg.buckets = raw.buckets;
        if let Some(token) = raw.auth.token {
            check_token("auth.token", &token)?;
            cfg.auth.token = Some(token);
        }
        if let Some(path) = raw.auth.token_file {
            if cfg.auth.token.is_some() {
                return Err(ConfigError::new(
                    "auth.token_file",
                    "give `auth.token` or `auth.token_file`, not both",
                ));
            }
            cfg.auth.token = Some(read_token_file("auth.token_file", &path)?);
        }
        cfg.auth.trusted_cidrs = raw
            .auth
            .trusted_cidrs
            .iter()
            .map(|c| parse_cidr("auth.trusted_cidrs", c))
            .collect::<Result<_, _>>()?;
        cfg.auth.trusted_proxies = raw
            .auth
            .trusted_proxies
            .iter()
            .map(|c| parse_cidr("auth.trusted_proxies", c))
            .collect::<Result<_, _>>()?;
        cfg.auth.trust_network = raw.auth.trust_network.unwrap_or(false);
        let limits = &mut cfg.limits;
        if let Some(v) = raw.limits.max_connections {
            limits.max_connections =
                count("limits.max_connections", v, MAX_CONNECTIONS, "connections")?;
        }
        if let Some(v) = raw.limits.max_header_bytes {
            limits.max_header_bytes =
                count("limits.max_header_bytes", v, MAX_HEADER_BYTES, "bytes")?;
        }
        if let Some(v) = raw.limits.header_read_timeout {
            limits.header_read_timeout = seconds(
                "limits.header_read_timeout",
                v,
                &format!("{v:?}"),
                HEADER_READ_TIMEOUT,
                false,
            )?;
        }
        if let Some(v) = raw.limits.idle_timeout {
            limits.idle_timeout = seconds(
                "limits.idle_timeout",
                v,
                &format!("{v:?}"),
                IDLE_TIMEOUT,
                false,
            )?;
        }
        if let Some(v) = raw.limits.drain_timeout {
            limits.drain_timeout = seconds(
                "limits.drain_timeout",
                v,
                &format!("{v:?}"),
                DRAIN_TIMEOUT,
                true,
            )?;
        }
        cfg.validate()?;
        Ok(cfg)
    }

    /// Reads a TOML file (at most [`MAX_CONFIG_FILE_BYTES`]).
    pub fn from_file(path: &Path) -> Result<Self, ConfigError> {
        let bytes = read_capped(path, MAX_CONFIG_FILE_BYTES)
            .map_err(|m| ConfigError::new("file", format!("{m}; is it the config file?")))?;
        let text = String::from_utf8(bytes).map_err(|_| {
            ConfigError::new("file", format!("`{}` is not UTF-8 text", path.display()))
        })?;
        Self::from_toml_str(&text)
    }

    /// Applies environment variables named `{prefix}ENABLED`, `{prefix}AUTH_TOKEN`, ... from
    /// the process environment. Only those names are read: other variables, with the prefix
    /// or not, UTF-8 or not, are left alone (a prefix such as `METRICS_` is often shared with
    /// other tools). One of ours that is not UTF-8 (but `AUTH_TOKEN_FILE`, a path, which
    /// need not be), an empty token or network list, or a token given by both `AUTH_TOKEN`
    /// and `AUTH_TOKEN_FILE`, is an error naming the variable.
    pub fn with_env(self, prefix: &str) -> Result<Self, ConfigError> {
        self.with_os_vars(prefix, std::env::vars_os())
    }

    /// Applies variables as [`MetricsConfig::with_env`] does, from any list of OS strings
    /// (for tests: the environment as the process gets it; or a program's command-line
    /// flags, as [`MetricsConfig::with_vars`] takes them). `AUTH_TOKEN_FILE` is a path, which
    /// need not be UTF-8: its value is used as given; every other variable of ours must be
    /// UTF-8.
    pub fn with_os_vars<I: IntoIterator<Item = (std::ffi::OsString, std::ffi::OsString)>>(
        self,
        prefix: &str,
        vars: I,
    ) -> Result<Self, ConfigError> {
        let mut ours = Vec::new();
        for (name, value) in vars {
            // A name that is not UTF-8 cannot be one of ours (they are ASCII).
            let Some(name) = name.to_str() else { continue };
            let Some(key) = name.strip_prefix(prefix) else {
                continue;
            };
            if !ENV_KEYS.contains(&key) {
                continue;
            }
            ours.push((name.to_string(), value));
        }
        self.apply_vars(prefix, ours)
    }

    /// Environment variables under `prefix` that this library does not read but that are one
    /// or two typing mistakes away from one it does (`METRICS_AUTH_TOKN`), each with the name it
    /// probably meant. Unknown variables are otherwise ignored, since a prefix may be shared
    /// with the application's own settings, so a misspelled token would silently leave the
    /// endpoint without one: print these at startup.
    pub fn misspelled_env(prefix: &str) -> Vec<String> {
        Self::misspelled_vars(prefix, std::env::vars_os().map(|(k, _)| k))
    }

    /// [`MetricsConfig::misspelled_env`] over any list of names (for tests).
    pub fn misspelled_vars<I: IntoIterator<Item = std::ffi::OsString>>(
        prefix: &str,
        names: I,
    ) -> Vec<String> {
        let mut out = Vec::new();
        for name in names {
            let Some(name) = name.to_str() else { continue };
            let Some(key) = name.strip_prefix(prefix) else {
                continue;
            };
            if key.len() < 4 || ENV_KEYS.contains(&key) {
                continue;
            }
            if let Some(meant) = ENV_KEYS
                .iter()
                .map(|k| (edit_distance(key, k), k))
                .filter(|(d, _)| *d <= 2)
                .min_by_key(|(d, _)| *d)
                .map(|(_, k)| k)
            {
                out.push(format!(
                    "`{}` is not a variable this library reads; did you mean `{prefix}{meant}`?",
                    quoted(name)
                ));
            }
        }
        out.sort();
        out
    }

    /// Applies variables as [`MetricsConfig::with_env`] does, from any list: for tests, or a
    /// program's command-line flags given as the variables they stand for (prefix `""`:
    /// `("AUTH_TRUSTED_CIDRS", "10.0.0.0/8")`). An error's `key` is then the variable's name;
    /// its message holds for a flag as for a variable.
    pub fn with_vars<I: IntoIterator<Item = (String, String)>>(
        self,
        prefix: &str,
        vars: I,
    ) -> Result<Self, ConfigError> {
        self.apply_vars(
            prefix,
            vars.into_iter()
                .map(|(k, v)| (k, std::ffi::OsString::from(v))),
        )
    }

    /// What [`MetricsConfig::with_vars`] and [`MetricsConfig::with_os_vars`] do: the token
    /// file's value is a path, taken as it is; every other value is text.
    fn apply_vars<I: IntoIterator<Item = (String, std::ffi::OsString)>>(
        mut self,
        prefix: &str,
        vars: I,
    ) -> Result<Self, ConfigError> {
        // Which variable gave the token, so two that do are an error whatever their order.
        let mut token_from: Option<String> = None;
        // Which variable set a checked field, so a check made after every variable is read
        // (a network of every address needs `trust_network`, which may come later) names it.
        let mut from: BTreeMap<&'static str, String> = BTreeMap::new();
        for (k, value) in vars {
            let Some(key) = k.strip_prefix(prefix) else {
                continue;
            };
            if key == "AUTH_TOKEN_FILE" {
                if let Some(first) = token_from.replace(k.clone()) {
                    return Err(ConfigError::new(
                        &k,
                        format!("`{first}` gives the token already; give one of them"),
                    ));
                }
                self.auth.token = Some(read_token_file(&k, Path::new(&value))?);
                continue;
            }
            if !ENV_KEYS.contains(&key) {
                continue;
            }
            let v = value
                .into_string()
                .map_err(|_| ConfigError::new(&k, "the value is not valid UTF-8"))?;
            match key {
                "ENABLED" => self.enabled = parse_bool(&k, &v)?,
                "PATH" => {
                    self.path = v;
                    from.insert("path", k.clone());
                }
                "PROCESS_METRICS" => self.process_metrics = parse_bool(&k, &v)?,
                "GLOBAL_LABELS" => {
                    if v.split(',').all(|p| p.trim().is_empty()) {
                        return Err(ConfigError::new(
                            &k,
                            "the list of global labels is empty, which would remove the \
                             ones configured before it (in the file); give `name=value` \
                             pairs, or leave this setting out to keep them",
                        ));
                    }
                    self.global_labels = v
                        .split(',')
                        .filter(|p| !p.trim().is_empty())
                        .map(|pair| {
                            pair.split_once('=')
                                .map(|(a, b)| (a.trim().to_string(), b.trim().to_string()))
                                .ok_or_else(|| {
                                    ConfigError::new(
                                        &k,
                                        format!("`{}` is not `name=value`", quoted(pair)),
                                    )
                                })
                        })
                        .collect::<Result<_, _>>()?
                }
                "AUTH_TOKEN" => {
                    if let Some(first) = token_from.replace(k.clone()) {
                        return Err(ConfigError::new(
                            &k,
                            format!("`{first}` gives the token already; give one of them"),
                        ));
                    }
                    check_token(&k, &v)?;
                    self.auth.token = Some(v);
                }
                "AUTH_TRUSTED_CIDRS" => {
                    self.auth.trusted_cidrs = parse_cidr_list(&k, &v)?;
                    from.insert("auth.trusted_cidrs", k.clone());
                }
                "AUTH_TRUSTED_PROXIES" => {
                    self.auth.trusted_proxies = parse_cidr_list(&k, &v)?;
                    from.insert("auth.trusted_proxies", k.clone());
                }
                "AUTH_TRUST_NETWORK" => self.auth.trust_network = parse_bool(&k, &v)?,
                "LIMITS_MAX_CONNECTIONS" => {
                    self.limits.max_connections =
                        count(&k, parse_u64(&k, &v)?, MAX_CONNECTIONS, "connections")?;
                    from.insert("limits.max_connections", k.clone());
                }
                "LIMITS_MAX_HEADER_BYTES" => {
                    self.limits.max_header_bytes =
                        count(&k, parse_u64(&k, &v)?, MAX_HEADER_BYTES, "bytes")?;
                    from.insert("limits.max_header_bytes", k.clone());
                }
                "LIMITS_HEADER_READ_TIMEOUT" => {
                    self.limits.header_read_timeout =
                        seconds(&k, parse_f64(&k, &v)?, v.trim(), HEADER_READ_TIMEOUT, false)?;
                    from.insert("limits.header_read_timeout", k.clone());
                }
                "LIMITS_IDLE_TIMEOUT" => {
                    self.limits.idle_timeout =
                        seconds(&k, parse_f64(&k, &v)?, v.trim(), IDLE_TIMEOUT, false)?;
                    from.insert("limits.idle_timeout", k.clone());
                }
                "LIMITS_DRAIN_TIMEOUT" => {
                    self.limits.drain_timeout =
                        seconds(&k, parse_f64(&k, &v)?, v.trim(), DRAIN_TIMEOUT, true)?;
                    from.insert("limits.drain_timeout", k.clone());
                }
                _ => {}
            }
        }
        self.check(&from)?;
        Ok(self)
    }

    /// Checks what serde cannot: the path, label names, bucket lists, the token, networks of
    /// every address, the limits.
    pub fn validate(&self) -> Result<(), ConfigError> {
        self.check(&BTreeMap::new())
    }

    /// [`MetricsConfig::validate`], naming a field by the variable that set it when one did.
    fn check(&self, from: &BTreeMap<&'static str, String>) -> Result<(), ConfigError> {
        let key = |k: &'static str| from.get(k).cloned().unwrap_or_else(|| k.to_string());
        check_path(&self.path).map_err(|m| ConfigError::new(key("path"), m))?;
        let mut seen = std::collections::BTreeSet::new();
        for (name, _) in &self.global_labels {
            crate::validate::label_name(name)
                .map_err(|m| ConfigError::new(format!("global_labels.{}", quoted(name)), m))?;
            if !seen.insert(name) {
                return Err(ConfigError::new(
                    format!("global_labels.{name}"),
                    "given twice",
                ));
            }
        }
        for (family, bounds) in &self.buckets {
            validate_buckets(&format!("buckets.{}", quoted(family)), bounds)?;
        }
        if let Some(token) = &self.auth.token {
            check_token("auth.token", token)?;
        }
        // A network of every address is no gate: as a trusted CIDR it admits anyone, as a
        // trusted proxy it lets anyone choose its address with `X-Forwarded-For`. Only an
        // explicit `trust_network` says that is meant. Several networks may hold every address
        // together (`0.0.0.0/1` and `128.0.0.0/1`), so the check is on their union, per
        // address family.
        if !self.auth.trust_network {
            for (field, nets) in [
                ("auth.trusted_cidrs", &self.auth.trusted_cidrs),
                ("auth.trusted_proxies", &self.auth.trusted_proxies),
            ] {
                if let Some(every) = every_address(nets) {
                    return Err(ConfigError::new(
                        key(field),
                        format!(
                            "{every}; give the networks scrapers really come from, or set \
                             `trust_network` (`auth.trust_network = true`) to say the network \
                             itself is the gate"
                        ),
                    ));
                }
            }
        }
        self.limits.check(from)
    }

    /// A registry of `families` configured by this config: global labels, bucket overrides,
    /// process metrics.
    pub fn apply(&self, mut registry: crate::Registry) -> Result<crate::Registry, ConfigError> {
        registry
            .set_global_labels(&self.global_labels)
            .map_err(|e| ConfigError::new("global_labels", e.to_string()))?;
        for (family, bounds) in &self.buckets {
            let key = format!("buckets.{family}");
            let f = registry.family(family).ok_or_else(|| {
                ConfigError::new(&key, format!("no family named `{family}` is registered"))
            })?;
            f.override_buckets(bounds)
                .map_err(|m| ConfigError::new(&key, m))?;
        }
        registry
            .with_process_metrics(self.process_metrics)
            .map_err(|e| ConfigError::new("process_metrics", e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ipv4_mapped_network_is_its_ipv4_network() {
        let net = parse_cidr("k", "::ffff:127.0.0.0/104");
        assert_eq!(net.map(|n| n.to_string()), Ok("127.0.0.0/8".to_string()));
        let one = parse_cidr("k", "::ffff:127.0.0.1");
        assert_eq!(one.map(|n| n.to_string()), Ok("127.0.0.1/32".to_string()));
        let v6 = parse_cidr("k", "2001:db8::/32");
        assert_eq!(v6.map(|n| n.to_string()), Ok("2001:db8::/32".to_string()));
    }

    #[test]
    fn a_misspelled_variable_is_named_with_what_it_meant() {
        let names = [
            "METRICS_AUTH_TOKN",
            "METRICS_AUTH_TOKEN",
            "METRICS_PATHH",
            "METRICS_SOMETHING_ELSE_ENTIRELY",
            "OTHER_AUTH_TOKN",
        ]
        .map(std::ffi::OsString::from);
        let warnings = MetricsConfig::misspelled_vars("METRICS_", names);
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(
            warnings[0].contains("`METRICS_AUTH_TOKN`")
                && warnings[0].contains("`METRICS_AUTH_TOKEN`")
        );
        assert!(warnings[1].contains("`METRICS_PATHH`") && warnings[1].contains("`METRICS_PATH`"));
        assert_eq!(edit_distance("AUTH_TOKN", "AUTH_TOKEN"), 1);
        assert_eq!(edit_distance("", "ABC"), 3);
    }

    #[test]
    fn file_and_env() {
        let cfg = MetricsConfig::from_toml_str(
            "path = \"/m\"\n[global_labels]\nservice = \"api\"\n[auth]\ntoken = \"s3cret\"\ntrusted_cidrs = [\"10.0.0.0/8\", \"127.0.0.1\"]\n",
        )
        .map_err(|e| e.to_string());
        let cfg = match cfg {
            Ok(c) => c,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(cfg.path, "/m");
        assert_eq!(cfg.auth.trusted_cidrs.len(), 2);
        let env = vec![
            ("APP_PATH".to_string(), "/metrics".to_string()),
            (
                "APP_AUTH_TRUSTED_CIDRS".to_string(),
                "192.168.0.0/16".to_string(),
            ),
            ("OTHER_PATH".to_string(), "/x".to_string()),
        ];
        let cfg = cfg.with_vars("APP_", env).map_err(|e| e.to_string());
        assert!(
            matches!(&cfg, Ok(c) if c.path == "/metrics" && c.auth.trusted_cidrs.len() == 1),
            "{cfg:?}"
        );
    }

    #[test]
    fn errors_name_the_key() {
        let key = |r: Result<MetricsConfig, ConfigError>| r.err().map(|e| e.key);
        assert_eq!(
            key(MetricsConfig::from_toml_str(
                "[auth]\ntrusted_cidrs = [\"10.0.0.0/33\"]\n"
            )),
            Some("auth.trusted_cidrs".into())
        );
        assert_eq!(
            key(MetricsConfig::from_toml_str("pth = \"/x\"\n")),
            Some("pth".into())
        );
        assert_eq!(
            key(MetricsConfig::from_toml_str("path = \"metrics\"\n")),
            Some("path".into())
        );
        assert_eq!(
            key(MetricsConfig::from_toml_str(
                "[global_labels]\nService = \"x\"\n"
            )),
            Some("global_labels.Service".into())
        );
        assert_eq!(
            key(MetricsConfig::from_toml_str(
                "[buckets]\nx_seconds = [1.0, 0.5]\n"
            )),
            Some("buckets.x_seconds".into())
        );
        assert_eq!(
            key(MetricsConfig::from_toml_str(
                "[auth]\ntoken_file = \"/nonexistent/token\"\n"
            )),
            Some("auth.token_file".into())
        );
        assert_eq!(
            key(MetricsConfig::default()
                .with_vars("M_", vec![("M_ENABLED".into(), "maybe".into())])),
            Some("M_ENABLED".into())
        );
        // Wrong types name their key, in any table and spelling of it.
        for (text, expected) in [
            ("enabled = \"yes\"\n", "enabled"),
            ("path = 3\n", "path"),
            ("[auth]\ntrust_network = \"no\"\n", "auth.trust_network"),
            (
                "auth.trusted_cidrs = \"10.0.0.0/8\"\n",
                "auth.trusted_cidrs",
            ),
            ("auth = { token = 7 }\n", "auth.token"),
            ("[buckets]\nx_seconds = [\"a\"]\n", "buckets.x_seconds"),
            ("[auth]\ntokn = \"x\"\n", "auth.tokn"),
        ] {
            let err = MetricsConfig::from_toml_str(text).err();
            assert_eq!(
                err.as_ref().map(|e| e.key.as_str()),
                Some(expected),
                "{text}: {err:?}"
            );
        }
        // Not TOML at all: the file.
        assert_eq!(
            key(MetricsConfig::from_toml_str("enabled = = true\n")),
            Some("file".into())
        );
    }

    #[test]
    fn environment_tokens_are_never_ambiguous_or_empty() {
        let vars = |v: &[(&str, &str)]| {
            MetricsConfig::default().with_vars(
                "M_",
                v.iter()
                    .map(|(a, b)| (a.to_string(), b.to_string()))
                    .collect::<Vec<_>>(),
            )
        };
        let empty = vars(&[("M_AUTH_TOKEN", " ")]).err();
        assert_eq!(empty.map(|e| e.key), Some("M_AUTH_TOKEN".into()));
        let dir = std::env::temp_dir().join(format!("metrics-token-{}", std::process::id()));
        std::fs::write(&dir, "from-file\n").ok();
        let file = dir.to_string_lossy().into_owned();
        for order in [
            [("M_AUTH_TOKEN", "t"), ("M_AUTH_TOKEN_FILE", file.as_str())],
            [("M_AUTH_TOKEN_FILE", file.as_str()), ("M_AUTH_TOKEN", "t")],
        ] {
            let err = vars(&order).err();
            assert!(err.is_some_and(|e| e.message.contains("give one of them")));
        }
        assert_eq!(
            vars(&[("M_AUTH_TOKEN_FILE", file.as_str())])
                .ok()
                .and_then(|c| c.auth.token),
            Some("from-file".into())
        );
        let _ = std::fs::remove_file(&dir);
        // Other variables with the prefix are not ours to judge.
        assert!(vars(&[("M_REQUIRE_SOMETHING", "1")]).is_ok());
    }

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    /// Any variable of the environment may hold bytes that are not UTF-8; only ours are
    /// read, and one of ours that is not UTF-8 is an error naming it. (Before: `with_env`
    /// read every variable as UTF-8 and panicked on the first that was not.)
    #[cfg(unix)]
    #[test]
    fn variables_that_are_not_utf8() {
        use std::ffi::OsString;
        use std::os::unix::ffi::OsStringExt;
        let bytes = |b: &[u8]| OsString::from_vec(b.to_vec());
        let others = vec![
            (OsString::from("LANG_SOMETHING"), bytes(b"caf\xe9")),
            (bytes(b"M_\xff"), OsString::from("x")),
            (OsString::from("M_UNRELATED"), bytes(b"\xff")),
            (OsString::from("M_PATH"), OsString::from("/m")),
        ];
        let cfg = MetricsConfig::default().with_os_vars("M_", others);
        assert_eq!(cfg.map(|c| c.path), Ok("/m".to_string()));
        let ours = vec![(OsString::from("M_AUTH_TOKEN"), bytes(b"s3cr\xe9t"))];
        let err = MetricsConfig::default().with_os_vars("M_", ours).err();
        assert_eq!(err.map(|e| e.key), Some("M_AUTH_TOKEN".to_string()));
    }

    /// A token file's path need not be UTF-8: through `with_os_vars` it is read as given
    /// (it used to be refused, and a program that turned it into text read another file).
    #[cfg(unix)]
    #[test]
    fn a_token_file_path_that_is_not_utf8() {
        use std::ffi::OsString;
        use std::os::unix::ffi::OsStringExt;
        let dir = std::env::temp_dir().join(format!("metrics-path-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        let mut name = dir.clone().into_os_string().into_vec();
        name.extend_from_slice(b"/tok\xff");
        let path = OsString::from_vec(name);
        std::fs::write(&path, "s3cret\n").expect("token written");
        // The file its lossy text names holds another token: reading it would be wrong.
        std::fs::write(dir.join("tok\u{fffd}"), "wrong\n").expect("decoy written");
        let token = MetricsConfig::default()
            .with_os_vars("M_", [(OsString::from("M_AUTH_TOKEN_FILE"), path.clone())])
            .map(|c| c.auth.token);
        assert_eq!(token, Ok(Some("s3cret".to_string())));
        // Without a prefix, as a program's flag.
        let token = MetricsConfig::default()
            .with_os_vars("", [(OsString::from("AUTH_TOKEN_FILE"), path)])
            .map(|c| c.auth.token);
        assert_eq!(token, Ok(Some("s3cret".to_string())));
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A value refused is quoted as it was given and named by where it came from: a
    /// duration too small to be one nanosecond is not quoted as `0`, and when it came from a
    /// variable the variable is named.
    #[test]
    fn refused_values_are_quoted_as_given_under_their_own_name() {
        let err = MetricsConfig::default()
            .with_vars("M_", env(&[("M_LIMITS_HEADER_READ_TIMEOUT", "4e-10")]))
            .err();
        assert!(
            err.as_ref().is_some_and(
                |e| e.key == "M_LIMITS_HEADER_READ_TIMEOUT" && e.message.contains("`4e-10`")
            ),
            "{err:?}"
        );
        for (toml, key, given) in [
            (
                "[limits]\nheader_read_timeout = 1e-300\n",
                "limits.header_read_timeout",
                "`1e-300`",
            ),
            (
                "[limits]\nidle_timeout = 1e-10\n",
                "limits.idle_timeout",
                "`1e-10`",
            ),
        ] {
            let err = MetricsConfig::from_toml_str(toml).err();
            assert!(
                err.as_ref()
                    .is_some_and(|e| e.key == key && e.message.contains(given)),
                "{toml}: {err:?}"
            );
        }
        // A drain of less than a nanosecond is no drain: 0, which it may be.
        let cfg = MetricsConfig::from_toml_str("[limits]\ndrain_timeout = 1e-300\n");
        assert_eq!(cfg.map(|c| c.limits.drain_timeout), Ok(Duration::ZERO));
    }

    /// An IPv4 octet written with a leading zero is read as octal by some tools (`010` is 8)
    /// and as decimal by others: refused, not guessed.
    #[test]
    fn octets_with_a_leading_zero_are_refused() {
        for net in [
            "010.0.0.1/8",
            "10.0.0.01",
            "10.00.0.0/16",
            "::ffff:010.0.0.1/104",
        ] {
            for (key, list) in [
                ("auth.trusted_cidrs", "trusted_cidrs"),
                ("auth.trusted_proxies", "trusted_proxies"),
            ] {
                let toml = format!("[auth]\ntoken = \"t\"\n{list} = [\"{net}\"]\n");
                let err = MetricsConfig::from_toml_str(&toml).err();
                assert!(
                    err.as_ref()
                        .is_some_and(|e| e.key == key && e.message.contains("leading zero")),
                    "{net} in {list}: {err:?}"
                );
            }
            let err = MetricsConfig::default()
                .with_vars("M_", env(&[("M_AUTH_TRUSTED_CIDRS", net)]))
                .err();
            assert_eq!(err.map(|e| e.key), Some("M_AUTH_TRUSTED_CIDRS".to_string()));
        }
        // Zero itself is no leading zero.
        let cfg = MetricsConfig::from_toml_str(
            "[auth]\ntrusted_cidrs = [\"10.0.0.0/8\", \"100.64.0.0/10\", \"::ffff:10.0.0.0/104\"]\n",
        );
        assert!(cfg.is_ok(), "{cfg:?}");
    }

    /// A key given twice in the file is named, with its line.
    #[test]
    fn a_duplicate_key_is_named() {
        let err =
            MetricsConfig::from_toml_str("enabled = true\npath = \"/m\"\nenabled = false\n").err();
        assert!(
            err.as_ref()
                .is_some_and(|e| e.message.contains("`enabled`") && e.message.contains("line 3")),
            "{err:?}"
        );
        let err = MetricsConfig::from_toml_str("[auth]\ntoken = \"a\"\ntoken = \"b\"\n").err();
        assert!(
            err.as_ref().is_some_and(|e| e.message.contains("`token`")
                && e.message.contains("line 3")
                && !e.message.contains("\"b\"")),
            "{err:?}"
        );
    }

    /// The path is a plain absolute path, never a pattern, never unreachable, never `/`.
    #[test]
    fn paths_are_plain_absolute_paths() {
        for good in ["/metrics", "/internal/metrics", "/_/metrics-v1.2~x"] {
            let cfg = MetricsConfig::from_toml_str(&format!("path = \"{good}\"\n"));
            assert!(cfg.is_ok(), "{good}: {cfg:?}");
        }
        for bad in [
            "metrics", "/", "", "/m{", "/{*rest}", "/{id}", "/:id", "/*x", "/m\n", "/m\u{0}",
            "/m x", "/m\t", "/m?x", "/m#x", "/a//b", "/a/../b", "/a/./b", "/m/", "/m%20", "/mé",
        ] {
            let err = MetricsConfig {
                path: bad.to_string(),
                ..MetricsConfig::default()
            }
            .validate()
            .err();
            assert_eq!(
                err.as_ref().map(|e| e.key.as_str()),
                Some("path"),
                "{bad:?}"
            );
            // The message quotes the path escaped: one line, whatever it held.
            assert!(
                err.is_some_and(|e| !e.message.contains(['\n', '\0'])),
                "{bad:?}"
            );
        }
        let long = format!("/{}", "m".repeat(10_000));
        let err = MetricsConfig::default()
            .with_vars("M_", env(&[("M_PATH", &long)]))
            .err();
        assert!(
            err.as_ref()
                .is_some_and(|e| e.key == "M_PATH" && e.message.len() < 300),
            "{err:?}"
        );
    }

    /// An empty network list from the environment would silently remove the file's gate; it
    /// is an error, as an empty token is. (Before: `METRICS_AUTH_TRUSTED_CIDRS=""` turned
    /// 403 into 200 for anyone with the token.)
    #[test]
    fn empty_network_lists_are_errors() {
        let file = MetricsConfig::from_toml_str(
            "[auth]\ntoken = \"t0k\"\ntrusted_cidrs = [\"10.0.0.0/8\"]\ntrusted_proxies = [\"10.0.0.1\"]\n",
        );
        let Ok(file) = file else { panic!("{file:?}") };
        for key in ["M_AUTH_TRUSTED_CIDRS", "M_AUTH_TRUSTED_PROXIES"] {
            for value in ["", " ", ",", " , "] {
                let err = file.clone().with_vars("M_", env(&[(key, value)])).err();
                assert_eq!(err.map(|e| e.key), Some(key.to_string()), "{key}={value:?}");
            }
        }
        // A program maps its flags onto the same names with no prefix (`metrics-demo serve
        // --trusted-cidr ""`): the message is true of a flag as of a variable, and never tells
        // to unset a variable nobody set. (Before: "unset the variable to keep the file's".)
        for (prefix, name) in [
            ("M_", "M_AUTH_TRUSTED_CIDRS"),
            ("", "AUTH_TRUSTED_CIDRS"),
            ("", "AUTH_TRUSTED_PROXIES"),
            ("M_", "M_GLOBAL_LABELS"),
        ] {
            let err = file.clone().with_vars(prefix, env(&[(name, "")])).err();
            let Some(err) = err else {
                panic!("{name}: an empty list is an error")
            };
            assert!(
                !err.message.contains("unset") && !err.message.contains("variable"),
                "{name}: {}",
                err.message
            );
            assert!(
                err.message.contains("leave this setting out"),
                "{}",
                err.message
            );
        }
    }

    /// A token no request could present is refused at startup, naming its key and never
    /// quoting it; so is a token file larger than a token, `/dev/zero` included.
    #[test]
    fn tokens_that_can_never_match_are_refused() {
        for bad in [
            " s3cret",
            "s3cret ",
            "s3 cret",
            "s3cr\u{e9}t",
            "s3cret\t",
            "s3\u{7}cret",
        ] {
            let escaped: String = bad
                .chars()
                .map(|c| match c {
                    c if c.is_control() => format!("\\u{:04X}", c as u32),
                    c => c.to_string(),
                })
                .collect();
            let toml = format!("[auth]\ntoken = \"{escaped}\"\n");
            let err = MetricsConfig::from_toml_str(&toml).err();
            assert!(
                err.as_ref()
                    .is_some_and(|e| e.key == "auth.token" && !e.message.contains("s3")),
                "{bad:?}: {err:?}"
            );
            let err = MetricsConfig::default()
                .with_vars("M_", env(&[("M_AUTH_TOKEN", bad)]))
                .err();
            assert_eq!(
                err.map(|e| e.key),
                Some("M_AUTH_TOKEN".to_string()),
                "{bad:?}"
            );
        }
        let dir = std::env::temp_dir().join(format!("metrics-config-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let write = |name: &str, text: &[u8]| {
            let path = dir.join(name);
            std::fs::write(&path, text).ok();
            path.to_string_lossy().into_owned()
        };
        let good = write("good", b"s3cret\n");
        let spaced = write("spaced", b"s3 cret\n");
        let huge = write("huge", &vec![b'x'; 5000]);
        let file = |path: &str| {
            MetricsConfig::from_toml_str(&format!("[auth]\ntoken_file = \"{path}\"\n"))
        };
        assert_eq!(
            file(&good).ok().and_then(|c| c.auth.token),
            Some("s3cret".to_string())
        );
        for bad in [spaced.as_str(), huge.as_str()] {
            assert_eq!(
                file(bad).err().map(|e| e.key),
                Some("auth.token_file".to_string()),
                "{bad}"
            );
        }
        #[cfg(unix)]
        {
            let started = std::time::Instant::now();
            let err = file("/dev/zero").err();
            assert!(
                err.is_some_and(|e| e.message.contains("a character device, not a regular file")),
                "/dev/zero is refused"
            );
            assert!(started.elapsed() < std::time::Duration::from_secs(10));
            let err = MetricsConfig::from_file(Path::new("/dev/zero")).err();
            assert_eq!(err.map(|e| e.key), Some("file".to_string()));
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A token file or config file that is not a regular file is refused before it is
    /// opened, naming its key: a named pipe used to block startup until a writer came (for
    /// ever). A symbolic link to a regular file (a Kubernetes secret) is read.
    #[cfg(unix)]
    #[test]
    fn files_that_are_not_regular_files_are_refused_at_once() {
        let dir = std::env::temp_dir().join(format!("metrics-fifo-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        let fifo = dir.join("fifo");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo runs");
        assert!(made.success(), "mkfifo {}", fifo.display());
        let token = dir.join("token");
        std::fs::write(&token, "s3cret\n").expect("token written");
        let link = dir.join("link");
        std::os::unix::fs::symlink(&token, &link).expect("symlink");
        let fifo_text = fifo.to_string_lossy().into_owned();
        // Each on a thread: the old code blocked in `open` for ever.
        let (tx, rx) = std::sync::mpsc::channel();
        let (from_toml, from_var, from_dir, from_link) = (
            fifo_text.clone(),
            fifo_text.clone(),
            dir.to_string_lossy().into_owned(),
            link.to_string_lossy().into_owned(),
        );
        let config_file = fifo.clone();
        std::thread::spawn(move || {
            let toml = |path: &str| {
                MetricsConfig::from_toml_str(&format!("[auth]\ntoken_file = \"{path}\"\n"))
            };
            let answers = (
                toml(&from_toml).err(),
                MetricsConfig::default()
                    .with_vars("M_", vec![("M_AUTH_TOKEN_FILE".into(), from_var)])
                    .err(),
                MetricsConfig::from_file(&config_file).err(),
                toml(&from_dir).err(),
                toml(&from_link).ok().and_then(|c| c.auth.token),
            );
            let _ = tx.send(answers);
        });
        let (toml, var, file, dir_err, linked) = rx
            .recv_timeout(std::time::Duration::from_secs(10))
            .expect("answered at once, not blocked on the pipe");
        for (err, key) in [
            (toml, "auth.token_file"),
            (var, "M_AUTH_TOKEN_FILE"),
            (file, "file"),
        ] {
            let err = err.expect("refused");
            assert_eq!(err.key, key);
            assert!(
                err.message.contains(&format!(
                    "`{fifo_text}` is a named pipe (FIFO), not a regular file"
                )),
                "{err}"
            );
        }
        assert!(
            dir_err.is_some_and(|e| e.message.contains("is a directory, not a regular file")),
            "a directory is refused"
        );
        assert_eq!(linked, Some("s3cret".to_string()));
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A network of every address, as a trusted CIDR or proxy, needs `trust_network`.
    #[test]
    fn every_address_needs_trust_network() {
        for (list, net) in [
            ("trusted_cidrs", "0.0.0.0/0"),
            ("trusted_cidrs", "::/0"),
            ("trusted_proxies", "0.0.0.0/0"),
            ("trusted_proxies", "::/0"),
        ] {
            let toml = format!("[auth]\ntoken = \"t\"\n{list} = [\"10.0.0.0/8\", \"{net}\"]\n");
            let err = MetricsConfig::from_toml_str(&toml).err();
            assert_eq!(
                err.map(|e| e.key),
                Some(format!("auth.{list}")),
                "{list} {net}"
            );
            let trusted = format!("{toml}trust_network = true\n");
            assert!(MetricsConfig::from_toml_str(&trusted).is_ok(), "{trusted}");
        }
        // From the environment, in either order with `AUTH_TRUST_NETWORK`; the error names
        // the variable that gave the network.
        let err = MetricsConfig::default()
            .with_vars("M_", env(&[("M_AUTH_TRUSTED_CIDRS", "0.0.0.0/0")]))
            .err();
        assert_eq!(err.map(|e| e.key), Some("M_AUTH_TRUSTED_CIDRS".to_string()));
        for order in [
            [
                ("M_AUTH_TRUSTED_CIDRS", "::/0"),
                ("M_AUTH_TRUST_NETWORK", "true"),
            ],
            [
                ("M_AUTH_TRUST_NETWORK", "true"),
                ("M_AUTH_TRUSTED_CIDRS", "::/0"),
            ],
        ] {
            assert!(
                MetricsConfig::default()
                    .with_vars("M_", env(&order))
                    .is_ok()
            );
        }
    }

    /// Networks that hold every address together are refused as one of every address is:
    /// per address family, in either list, however they are spelled. (Before: only a
    /// prefix of 0 was refused, so `0.0.0.0/1` and `128.0.0.0/1` admitted anyone.)
    #[test]
    fn networks_that_together_hold_every_address_need_trust_network() {
        let toml = |list: &str, nets: &[&str]| {
            let nets: Vec<String> = nets.iter().map(|n| format!("\"{n}\"")).collect();
            format!("[auth]\ntoken = \"t\"\n{list} = [{}]\n", nets.join(", "))
        };
        for list in ["trusted_cidrs", "trusted_proxies"] {
            for nets in [
                &["0.0.0.0/1", "128.0.0.0/1"][..],
                &["128.0.0.0/1", "10.0.0.0/8", "0.0.0.0/2", "64.0.0.0/2"],
                &["::/1", "8000::/1"],
                // IPv4-mapped spellings are their IPv4 networks (`0.0.0.0/1` here).
                &["::ffff:0.0.0.0/97", "128.0.0.0/1"],
                // An IPv6 network holding `::ffff:0:0/96` holds every IPv4 client.
                &["::/80"],
                &["::ffff:0:0/96"],
            ] {
                let text = toml(list, nets);
                let err = MetricsConfig::from_toml_str(&text).err();
                let Some(err) = err else {
                    panic!("{nets:?} as {list} passed")
                };
                assert_eq!(err.key, format!("auth.{list}"), "{nets:?}");
                assert!(err.message.contains("every IP"), "{err}");
                assert!(err.message.contains("trust_network"), "{err}");
                let trusted = format!("{text}trust_network = true\n");
                assert!(MetricsConfig::from_toml_str(&trusted).is_ok(), "{trusted}");
            }
        }
        // The message names the networks.
        let err =
            MetricsConfig::from_toml_str(&toml("trusted_cidrs", &["0.0.0.0/1", "128.0.0.0/1"]))
                .err()
                .map(|e| e.message);
        assert!(
            err.as_ref().is_some_and(
                |m| m.contains("`0.0.0.0/1`, `128.0.0.0/1` together hold every IPv4 address")
            ),
            "{err:?}"
        );
        // A config built by hand may hold a mapped network as IPv6: the gate reads IPv4
        // clients in that form too, so it counts for IPv4.
        for nets in [
            vec!["::ffff:0:0/96"],
            vec!["::ffff:0.0.0.0/97", "128.0.0.0/1"],
            vec!["::/64"],
        ] {
            let hand = MetricsConfig {
                auth: AuthConfig {
                    token: Some("t".into()),
                    trusted_cidrs: nets.iter().filter_map(|n| n.parse().ok()).collect(),
                    ..AuthConfig::default()
                },
                ..MetricsConfig::default()
            };
            assert_eq!(hand.auth.trusted_cidrs.len(), nets.len());
            let err = hand.validate().err();
            assert!(
                err.as_ref().is_some_and(|e| e.key == "auth.trusted_cidrs"
                    && e.message.contains("every IPv4 address")
                    && e.message.contains("IPv4-mapped")),
                "{nets:?}: {err:?}"
            );
        }
        // Less than every address passes.
        for nets in [
            &["0.0.0.0/1", "128.0.0.0/2"][..],
            &["10.0.0.0/8", "::1", "fd00::/8", "::ffff:192.0.2.0/120"],
            &["8000::/1"],
            &["0.0.0.0/1", "8000::/1", "::ffff:128.0.0.0/98"],
        ] {
            let text = toml("trusted_cidrs", nets);
            assert!(MetricsConfig::from_toml_str(&text).is_ok(), "{text}");
        }
        // Many networks: a short message, naming the first few.
        let all: Vec<String> = (0..=255).map(|a| format!("{a}.0.0.0/8")).collect();
        let err = MetricsConfig::default()
            .with_vars("M_", env(&[("M_AUTH_TRUSTED_CIDRS", &all.join(","))]))
            .err();
        assert!(
            err.as_ref().is_some_and(|e| e.key == "M_AUTH_TRUSTED_CIDRS"
                && e.message.contains("`0.0.0.0/8`")
                && e.message.contains("and 250 more")
                && e.message.len() < 400),
            "{err:?}"
        );
    }

    /// Limits from the file and the environment, each bad value one error naming its key.
    #[test]
    fn limits_from_file_and_environment() {
        let defaults = LimitsConfig::default();
        assert_eq!(defaults.validate(), Ok(()));
        let cfg = MetricsConfig::from_toml_str(
            "[limits]\nmax_connections = 64\nheader_read_timeout = 2.5\nidle_timeout = 20\ndrain_timeout = 0\nmax_header_bytes = 16384\n",
        );
        let Ok(cfg) = cfg else { panic!("{cfg:?}") };
        assert_eq!(
            cfg.limits,
            LimitsConfig {
                max_connections: 64,
                header_read_timeout: Duration::from_millis(2500),
                idle_timeout: Duration::from_secs(20),
                drain_timeout: Duration::ZERO,
                max_header_bytes: 16384,
            }
        );
        let cfg = cfg.with_vars(
            "M_",
            env(&[
                ("M_LIMITS_MAX_CONNECTIONS", "100"),
                ("M_LIMITS_HEADER_READ_TIMEOUT", "1"),
                ("M_LIMITS_IDLE_TIMEOUT", "0.5"),
                ("M_LIMITS_DRAIN_TIMEOUT", "7"),
                ("M_LIMITS_MAX_HEADER_BYTES", "8192"),
            ]),
        );
        let Ok(cfg) = cfg else { panic!("{cfg:?}") };
        assert_eq!(cfg.limits.max_connections, 100);
        assert_eq!(cfg.limits.idle_timeout, Duration::from_millis(500));
        assert_eq!(cfg.limits.drain_timeout, Duration::from_secs(7));
        for (text, key) in [
            ("[limits]\nmax_connections = 0\n", "limits.max_connections"),
            ("[limits]\nmax_connections = -1\n", "limits.max_connections"),
            (
                "[limits]\nmax_connections = 1.5\n",
                "limits.max_connections",
            ),
            (
                "[limits]\nheader_read_timeout = 0\n",
                "limits.header_read_timeout",
            ),
            (
                "[limits]\nheader_read_timeout = nan\n",
                "limits.header_read_timeout",
            ),
            ("[limits]\nidle_timeout = 1e20\n", "limits.idle_timeout"),
            ("[limits]\nidle_timeout = -1\n", "limits.idle_timeout"),
            ("[limits]\ndrain_timeout = inf\n", "limits.drain_timeout"),
            (
                "[limits]\nmax_header_bytes = 100\n",
                "limits.max_header_bytes",
            ),
            (
                "[limits]\nmax_header_bytes = \"64k\"\n",
                "limits.max_header_bytes",
            ),
            ("[limits]\nheader_timeout = 1\n", "limits.header_timeout"),
        ] {
            let err = MetricsConfig::from_toml_str(text).err();
            assert_eq!(
                err.as_ref().map(|e| e.key.as_str()),
                Some(key),
                "{text}: {err:?}"
            );
        }
        for (var, value) in [
            ("M_LIMITS_MAX_CONNECTIONS", "lots"),
            ("M_LIMITS_MAX_CONNECTIONS", "0"),
            ("M_LIMITS_HEADER_READ_TIMEOUT", "10s"),
            ("M_LIMITS_IDLE_TIMEOUT", "NaN"),
            ("M_LIMITS_DRAIN_TIMEOUT", "-0.1"),
            ("M_LIMITS_MAX_HEADER_BYTES", "1"),
        ] {
            let err = MetricsConfig::default()
                .with_vars("M_", env(&[(var, value)]))
                .err();
            assert_eq!(err.map(|e| e.key), Some(var.to_string()), "{var}={value}");
        }
        // A config built by hand is checked by `validate`.
        let hand = LimitsConfig {
            max_connections: 0,
            ..LimitsConfig::default()
        };
        assert_eq!(
            hand.validate().err().map(|e| e.key),
            Some("limits.max_connections".to_string())
        );
    }
}
