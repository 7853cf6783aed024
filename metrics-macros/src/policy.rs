//! The crate-wide metrics policy, declared once per crate in its `Cargo.toml`:
//!
//! ```toml
//! [package.metadata.metrics]
//! prefix = "trc_"                      # R2: every family name starts with it
//! max_series = 1000                    # R9: default worst-case series budget per family
//! forbidden_labels = ["tenant", "customer_id"]   # R7: extra forbidden label names
//! tenant_labels = ["org_id", "env_id"] # R11: not on counters or histograms
//! stability_in_help = true             # HELP starts with `[ALPHA] ` / `[BETA] `
//! ```
//!
//! Read at expansion from `$CARGO_MANIFEST_DIR/Cargo.toml`, or from the manifest named by
//! `METRICS_POLICY_MANIFEST` when a build system compiles outside the package (trybuild, Bazel),
//! into `metrics_policy::Policy`, the settings as plain data.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};
use toml::de::{DeTable, DeValue};

pub use metrics_policy::Policy;

/// The manifest the policy is read from.
pub fn manifest_path() -> Option<PathBuf> {
    if let Ok(p) = std::env::var("METRICS_POLICY_MANIFEST")
        && !p.is_empty()
    {
        return Some(PathBuf::from(p));
    }
    std::env::var_os("CARGO_MANIFEST_DIR").map(|d| PathBuf::from(d).join("Cargo.toml"))
}

/// The policy of the crate being compiled; cached per manifest for the life of the compiler.
pub fn current() -> Result<Policy, String> {
    static CACHE: OnceLock<Mutex<HashMap<PathBuf, Result<Policy, String>>>> = OnceLock::new();
    let Some(path) = manifest_path() else {
        return Ok(Policy::default());
    };
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    let mut map = match cache.lock() {
        Ok(m) => m,
        Err(poisoned) => poisoned.into_inner(),
    };
    map.entry(path.clone())
        .or_insert_with(|| match std::fs::read_to_string(&path) {
            Ok(text) => parse(&text).map_err(|e| format!("{}: {e}", path.display())),
            // No manifest (a build outside cargo): the default policy.
            Err(_) => Ok(Policy::default()),
        })
        .clone()
}

/// The value of `key` in a parsed TOML table.
fn field<'t, 'i>(table: &'t DeTable<'i>, key: &str) -> Option<&'t DeValue<'i>> {
    table
        .iter()
        .find(|(k, _)| k.get_ref() == key)
        .map(|(_, v)| v.get_ref())
}

/// A list of strings under `key`.
fn strings(key: &str, value: &DeValue<'_>) -> Result<Vec<String>, String> {
    let wrong = || format!("`package.metadata.metrics.{key}` must be an array of strings");
    let list = value.as_array().ok_or_else(wrong)?;
    list.iter()
        .map(|v| v.get_ref().as_str().map(str::to_string).ok_or_else(wrong))
        .collect()
}

/// Reads `[package.metadata.metrics]` from a manifest's text.
///
/// With toml's parser alone (`toml::de::DeTable`, no serde): the derive needs a few keys, and
/// serde would be one more crate to build for the compiler's host.
pub fn parse(manifest: &str) -> Result<Policy, String> {
    let table = DeTable::parse(manifest).map_err(|e| format!("cannot parse the manifest: {e}"))?;
    let mut policy = Policy::default();
    let Some(meta) = field(table.get_ref(), "package")
        .and_then(DeValue::as_table)
        .and_then(|p| field(p, "metadata"))
        .and_then(DeValue::as_table)
        .and_then(|m| field(m, "metrics"))
    else {
        return Ok(policy);
    };
    let meta = meta
        .as_table()
        .ok_or("`package.metadata.metrics` must be a table")?;
    for (key, value) in meta.iter() {
        let value = value.get_ref();
        match key.get_ref().as_ref() {
            "prefix" => {
                let p = value
                    .as_str()
                    .ok_or("`package.metadata.metrics.prefix` must be a string")?;
                if !p.is_empty() {
                    policy.prefix = Some(p.to_string());
                }
            }
            "max_series" => {
                let n = value
                    .as_integer()
                    .and_then(|n| u64::from_str_radix(n.as_str(), n.radix()).ok())
                    .filter(|n| *n > 0)
                    .ok_or("`package.metadata.metrics.max_series` must be a positive integer")?;
                policy.max_series = usize::try_from(n).map_err(|_| "`max_series` is too large")?;
            }
            "forbidden_labels" => policy.forbidden_labels = strings("forbidden_labels", value)?,
            "tenant_labels" => policy.tenant_labels = strings("tenant_labels", value)?,
            "stability_in_help" => {
                policy.stability_in_help = value.as_bool().ok_or(
                    "`package.metadata.metrics.stability_in_help` must be `true` or `false`",
                )?;
            }
            other => {
                let keys: Vec<String> = Policy::KEYS.iter().map(|k| format!("`{k}`")).collect();
                return Err(format!(
                    "unknown key `package.metadata.metrics.{other}` (expected {})",
                    keys.join(", ")
                ));
            }
        }
    }
    policy
        .check()
        .map_err(|e| format!("package.metadata.metrics: {e}"))?;
    Ok(policy)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_table() {
        let p = parse(
            "[package]\nname = \"x\"\n[package.metadata.metrics]\nprefix = \"trc_\"\nmax_series = 50\nforbidden_labels = [\"tenant\"]\ntenant_labels = [\"org_id\", \"env_id\"]\nstability_in_help = true\n",
        );
        assert_eq!(
            p,
            Ok(Policy {
                prefix: Some("trc_".into()),
                max_series: 50,
                forbidden_labels: vec!["tenant".into()],
                tenant_labels: vec!["org_id".into(), "env_id".into()],
                stability_in_help: true,
            })
        );
    }

    #[test]
    fn defaults_without_the_table() {
        assert_eq!(parse("[package]\nname = \"x\"\n"), Ok(Policy::default()));
    }

    #[test]
    fn rejects_wrong_types_and_unknown_keys() {
        assert!(
            parse("[package.metadata.metrics]\nprefix = 3\n").is_err_and(|e| e.contains("prefix"))
        );
        assert!(
            parse("[package.metadata.metrics]\nmax_series = 0\n")
                .is_err_and(|e| e.contains("max_series"))
        );
        assert!(
            parse("[package.metadata.metrics]\nprefx = \"a\"\n")
                .is_err_and(|e| e.contains("prefx") && e.contains("`tenant_labels`"))
        );
        assert!(
            parse("[package.metadata.metrics]\nstability_in_help = \"yes\"\n")
                .is_err_and(|e| e.contains("stability_in_help"))
        );
        assert!(
            parse("[package.metadata.metrics]\ntenant_labels = \"org_id\"\n")
                .is_err_and(|e| e.contains("tenant_labels"))
        );
        assert!(
            parse("[package.metadata.metrics]\ntenant_labels = [\"OrgId\"]\n")
                .is_err_and(|e| e.contains("OrgId"))
        );
    }

    #[test]
    fn integers_in_any_toml_spelling() {
        for (text, n) in [("1_000", 1000), ("0x40", 64), ("+7", 7)] {
            let p = parse(&format!(
                "[package.metadata.metrics]\nmax_series = {text}\n"
            ));
            assert_eq!(p.map(|p| p.max_series), Ok(n), "{text}");
        }
        for bad in ["0", "-5", "1.5", "\"10\""] {
            let p = parse(&format!("[package.metadata.metrics]\nmax_series = {bad}\n"));
            assert!(p.is_err(), "{bad}");
        }
    }
}
