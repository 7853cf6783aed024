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
//! ```
//!
//! Environment variables with a prefix (for example `METRICS_`) override the file:
//! `METRICS_ENABLED`, `METRICS_PATH`, `METRICS_PROCESS_METRICS`, `METRICS_GLOBAL_LABELS`
//! (`k=v,k2=v2`), `METRICS_AUTH_TOKEN`, `METRICS_AUTH_TOKEN_FILE`, `METRICS_AUTH_TRUSTED_CIDRS`
//! and `METRICS_AUTH_TRUSTED_PROXIES` (comma-separated), `METRICS_AUTH_TRUST_NETWORK`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

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

/// Who may read the metrics endpoint (the gate of seed 002: token and/or trusted networks,
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
    /// Serve with no token and no CIDR: the deployment's network itself is the gate.
    pub trust_network: bool,
}

impl AuthConfig {
    /// Whether any gate is configured or the network is explicitly trusted.
    pub fn serves(&self) -> bool {
        self.token.is_some() || !self.trusted_cidrs.is_empty() || self.trust_network
    }
}

/// How a program exposes its metrics.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricsConfig {
    /// Serve the endpoint at all.
    pub enabled: bool,
    /// The endpoint's path.
    pub path: String,
    /// Expose the standard `process_*` metrics.
    pub process_metrics: bool,
    /// Labels added to every series (validated like label names).
    pub global_labels: Vec<(String, String)>,
    /// Per-family histogram bucket overrides.
    pub buckets: BTreeMap<String, Vec<f64>>,
    /// Who may read the endpoint.
    pub auth: AuthConfig,
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

fn parse_cidr(key: &str, s: &str) -> Result<IpNet, ConfigError> {
    let s = s.trim();
    s.parse::<IpNet>()
        .or_else(|_| s.parse::<std::net::IpAddr>().map(IpNet::from))
        .map_err(|_| {
            ConfigError::new(
                key,
                format!("`{s}` is not an IP network such as `10.0.0.0/8` or an address"),
            )
        })
}

fn parse_bool(key: &str, s: &str) -> Result<bool, ConfigError> {
    match s.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        other => Err(ConfigError::new(
            key,
            format!("`{other}` is not a boolean (true/false)"),
        )),
    }
}

fn read_token_file(key: &str, path: &Path) -> Result<String, ConfigError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| ConfigError::new(key, format!("cannot read `{}`: {e}", path.display())))?;
    let token = text.trim().to_string();
    if token.is_empty() {
        return Err(ConfigError::new(
            key,
            format!("`{}` is empty", path.display()),
        ));
    }
    Ok(token)
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
            let key = e
                .span()
                .and_then(|span| key_at(text, span.start))
                .unwrap_or_else(|| "file".to_string());
            ConfigError::new(key, e.message().trim().to_string())
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
        cfg.auth.token = raw.auth.token;
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
        cfg.validate()?;
        Ok(cfg)
    }

    /// Reads a TOML file.
    pub fn from_file(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            ConfigError::new("file", format!("cannot read `{}`: {e}", path.display()))
        })?;
        Self::from_toml_str(&text)
    }

    /// Applies environment variables named `{prefix}ENABLED`, `{prefix}AUTH_TOKEN`, ... from
    /// the process environment. Other variables with the prefix are left alone (a prefix such
    /// as `METRICS_` is often shared with other tools); an empty token, or a token given by
    /// both `AUTH_TOKEN` and `AUTH_TOKEN_FILE`, is an error naming the variable.
    pub fn with_env(self, prefix: &str) -> Result<Self, ConfigError> {
        self.with_vars(prefix, std::env::vars())
    }

    /// Applies variables as [`MetricsConfig::with_env`] does, from any list (for tests).
    pub fn with_vars<I: IntoIterator<Item = (String, String)>>(
        mut self,
        prefix: &str,
        vars: I,
    ) -> Result<Self, ConfigError> {
        // Which variable gave the token, so two that do are an error whatever their order.
        let mut token_from: Option<String> = None;
        for (k, v) in vars {
            let Some(key) = k.strip_prefix(prefix) else {
                continue;
            };
            match key {
                "ENABLED" => self.enabled = parse_bool(&k, &v)?,
                "PATH" => self.path = v,
                "PROCESS_METRICS" => self.process_metrics = parse_bool(&k, &v)?,
                "GLOBAL_LABELS" => {
                    self.global_labels = v
                        .split(',')
                        .filter(|p| !p.trim().is_empty())
                        .map(|pair| {
                            pair.split_once('=')
                                .map(|(a, b)| (a.trim().to_string(), b.trim().to_string()))
                                .ok_or_else(|| {
                                    ConfigError::new(&k, format!("`{pair}` is not `name=value`"))
                                })
                        })
                        .collect::<Result<_, _>>()?
                }
                "AUTH_TOKEN" | "AUTH_TOKEN_FILE" => {
                    if let Some(first) = token_from.replace(k.clone()) {
                        return Err(ConfigError::new(
                            &k,
                            format!("`{first}` gives the token already; give one of them"),
                        ));
                    }
                    self.auth.token = Some(if key == "AUTH_TOKEN" {
                        if v.trim().is_empty() {
                            return Err(ConfigError::new(
                                &k,
                                "an empty token would let anyone in; unset it or give one",
                            ));
                        }
                        v
                    } else {
                        read_token_file(&k, Path::new(&v))?
                    });
                }
                "AUTH_TRUSTED_CIDRS" => {
                    self.auth.trusted_cidrs = v
                        .split(',')
                        .filter(|c| !c.trim().is_empty())
                        .map(|c| parse_cidr(&k, c))
                        .collect::<Result<_, _>>()?
                }
                "AUTH_TRUSTED_PROXIES" => {
                    self.auth.trusted_proxies = v
                        .split(',')
                        .filter(|c| !c.trim().is_empty())
                        .map(|c| parse_cidr(&k, c))
                        .collect::<Result<_, _>>()?
                }
                "AUTH_TRUST_NETWORK" => self.auth.trust_network = parse_bool(&k, &v)?,
                _ => {}
            }
        }
        self.validate()?;
        Ok(self)
    }

    /// Checks what serde cannot: the path, label names, bucket lists.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if !self.path.starts_with('/') || self.path.contains(['?', '#', ' ']) {
            return Err(ConfigError::new(
                "path",
                format!(
                    "`{}` is not an absolute URL path such as `/metrics`",
                    self.path
                ),
            ));
        }
        let mut seen = std::collections::BTreeSet::new();
        for (name, _) in &self.global_labels {
            crate::validate::label_name(name)
                .map_err(|m| ConfigError::new(format!("global_labels.{name}"), m))?;
            if !seen.insert(name) {
                return Err(ConfigError::new(
                    format!("global_labels.{name}"),
                    "given twice",
                ));
            }
        }
        for (family, bounds) in &self.buckets {
            validate_buckets(&format!("buckets.{family}"), bounds)?;
        }
        if matches!(&self.auth.token, Some(t) if t.trim().is_empty()) {
            return Err(ConfigError::new(
                "auth.token",
                "an empty token would let anyone in; remove it or give one",
            ));
        }
        Ok(())
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
        Ok(registry.with_process_metrics(self.process_metrics))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
