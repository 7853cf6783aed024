//! A crate's policy settings, as plain data.

use crate::case::is_snake_case;
use crate::series::DEFAULT_MAX_SERIES;

/// What a crate declares in its `Cargo.toml`; everything else is the same for every crate.
///
/// ```toml
/// [package.metadata.metrics]
/// prefix = "trc_"                       # R2: every family name starts with it
/// max_series = 1000                     # R9: default worst-case series budget per family
/// forbidden_labels = ["tenant"]         # R7: extra forbidden label names
/// tenant_labels = ["org_id", "env_id"]  # R11: not on counters or histograms
/// stability_in_help = true              # HELP starts with `[ALPHA] ` / `[BETA] `
/// ```
///
/// The derive reads the table (with `toml`'s parser; this crate has no dependencies) into this
/// struct; [`Policy::default`] is what a crate without the table gets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// R2: the prefix every family name starts with, if the crate requires one.
    pub prefix: Option<String>,
    /// R9: the series budget of a family that declares none.
    pub max_series: usize,
    /// R7: label names forbidden in this crate on top of the built-in ones.
    pub forbidden_labels: Vec<String>,
    /// R11: the labels that name a tenant (`org_id`, `env_id`), banned from counters and
    /// histograms. Empty (R11 off) unless the crate names them.
    pub tenant_labels: Vec<String>,
    /// Whether HELP starts with the stability level, as Kubernetes writes it (`[ALPHA] `,
    /// `[BETA] `). A deprecation (`(Deprecated since 1.2.0) `) is shown either way.
    pub stability_in_help: bool,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            prefix: None,
            max_series: DEFAULT_MAX_SERIES,
            forbidden_labels: Vec::new(),
            tenant_labels: Vec::new(),
            stability_in_help: false,
        }
    }
}

impl Policy {
    /// The keys of `[package.metadata.metrics]`, for a reader's "unknown key" message.
    pub const KEYS: &'static [&'static str] = &[
        "prefix",
        "max_series",
        "forbidden_labels",
        "tenant_labels",
        "stability_in_help",
    ];

    /// Whether `name` is one of the crate's tenant labels (R11).
    pub fn is_tenant_label(&self, name: &str) -> bool {
        self.tenant_labels.iter().any(|t| t == name)
    }

    /// Checks the settings themselves: a label name that is not snake case could never match
    /// a field, so it is a mistake in the table, reported with its key.
    pub fn check(&self) -> Result<(), String> {
        if let Some(p) = &self.prefix
            && !is_snake_case(p)
        {
            return Err(format!(
                "`prefix = \"{p}\"` is not snake case `[a-z_][a-z0-9_]*`"
            ));
        }
        if self.max_series == 0 {
            return Err("`max_series` must be a positive integer".into());
        }
        for (key, names) in [
            ("forbidden_labels", &self.forbidden_labels),
            ("tenant_labels", &self.tenant_labels),
        ] {
            if let Some(bad) = names.iter().find(|n| !is_snake_case(n)) {
                return Err(format!(
                    "`{key}` holds `{bad}`, which is not a label name (snake case `[a-z_][a-z0-9_]*`)"
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_is_prometheus_practice_only() {
        let p = Policy::default();
        assert_eq!(p.prefix, None);
        assert_eq!(p.max_series, 1000);
        assert!(p.tenant_labels.is_empty() && p.forbidden_labels.is_empty());
        assert!(!p.stability_in_help);
        assert_eq!(p.check(), Ok(()));
    }

    #[test]
    fn checks_its_settings() {
        let p = Policy {
            tenant_labels: vec!["org_id".into()],
            ..Policy::default()
        };
        assert!(p.is_tenant_label("org_id") && !p.is_tenant_label("org"));
        assert_eq!(p.check(), Ok(()));
        let bad = Policy {
            tenant_labels: vec!["Org".into()],
            ..Policy::default()
        };
        assert!(bad.check().is_err_and(|e| e.contains("tenant_labels")));
        let bad = Policy {
            prefix: Some("App-".into()),
            ..Policy::default()
        };
        assert!(bad.check().is_err_and(|e| e.contains("prefix")));
        let bad = Policy {
            max_series: 0,
            ..Policy::default()
        };
        assert!(bad.check().is_err());
    }
}
