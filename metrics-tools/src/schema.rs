//! The catalog schema: one versioned JSON document that lists a crate's metric families,
//! grouped into components, with everything the toolkit generates from (docs, sample, rules,
//! dashboards, check, coverage, diff).
//!
//! A catalog comes from the families' descriptors in-process ([`Catalog::from_components`],
//! [`Catalog::linked`]) or from a file a crate exported with `json` ([`Catalog::from_json`]),
//! so the standalone `metrics-tools` binary serves a crate it never linked, written in any
//! language. Field names are the format; [`SCHEMA_VERSION`] changes when one changes meaning.
//!
//! ```json
//! { "schema_version": 1, "worst_case_series": 12,
//!   "components": [ { "name": "payments", "title": "Payments", "about": "...",
//!     "families": [ { "name": "pay_charges_total", "type": "counter", "help": "...",
//!       "labels": [ { "name": "result", "values": [ { "value": "ok" },
//!                                                   { "value": "declined", "error": true } ] } ],
//!       "max_series": 1000, "stability": "alpha" } ] } ] }
//! ```
//!
//! Derived numbers (`label_sets`, `worst_case_series`) are written for readers and recomputed
//! when a file is read, so a hand-written catalog needs only what it declares.

use metrics_runtime::{Component as RuntimeComponent, FamilyDescriptor, LabelDescriptor, Registry};
use serde::{Deserialize, Serialize};

/// The version of the schema this crate writes and reads.
pub const SCHEMA_VERSION: u32 = 1;

/// A catalog: components and their families.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalog {
    /// [`SCHEMA_VERSION`] of the writer.
    pub schema_version: u32,
    /// The sum of the families' `worst_case_series`.
    #[serde(default)]
    pub worst_case_series: usize,
    /// The components, in the order docs list them.
    pub components: Vec<Component>,
}

/// A named group of families.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Component {
    /// The name used on the command line (`--component NAME`).
    pub name: String,
    /// A human title.
    #[serde(default)]
    pub title: String,
    /// What the component is.
    #[serde(default)]
    pub about: String,
    /// The sum of the families' `worst_case_series`.
    #[serde(default)]
    pub worst_case_series: usize,
    /// The families, in declaration order.
    pub families: Vec<Family>,
}

/// What a family means where rules and dashboards depend on it (`lag`, `position`,
/// `in_flight`, `info`, `state`, `timestamp`, `spikes`; `none` when undeclared): the
/// policy's type.
pub use metrics_policy::FamilyRole as Role;
/// The Prometheus type of a family (`counter`, `gauge`, `histogram`): the policy's type.
pub use metrics_policy::MetricKind as Kind;
/// A family's stability level (`alpha`, `beta`, `stable`), as Kubernetes grades metrics: the
/// policy's type. `diff` grades changes by it.
pub use metrics_policy::Stability;

fn is_no_role(role: &Role) -> bool {
    *role == Role::None
}

/// One family: everything its declaration says.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Family {
    /// The exposed name (histograms add `_bucket`, `_sum`, `_count`).
    pub name: String,
    /// Counter, gauge or histogram.
    #[serde(rename = "type")]
    pub kind: Kind,
    /// The HELP text, as declared (without a stability marker).
    #[serde(default)]
    pub help: String,
    /// The unit (`seconds`, `bytes`, `ratio`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// The labels, in declaration order.
    #[serde(default)]
    pub labels: Vec<Label>,
    /// Classic histogram bucket upper bounds, without `+Inf`; empty for other types and for a
    /// native-only histogram.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub buckets: Vec<f64>,
    /// The native (exponential) histogram settings, when the family declares one
    /// (`#[metric(histogram, native(...))]`): exposed over protobuf, beside the classic
    /// `buckets` when those are declared too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub native: Option<NativeHistogram>,
    /// Number of label combinations (derived).
    #[serde(default)]
    pub label_sets: usize,
    /// Worst-case series as a scrape returns them: the label sets, times `buckets + 3` for a
    /// histogram (derived).
    #[serde(default)]
    pub worst_case_series: usize,
    /// The series budget the family is held to.
    pub max_series: usize,
    /// Declared deviations from the naming policy, each with its reason.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deviations: Vec<String>,
    /// Stability level.
    #[serde(default)]
    pub stability: Stability,
    /// The version since which the family is deprecated, if it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deprecated_since: Option<String>,
    /// What the family means where rules depend on it.
    #[serde(default, skip_serializing_if = "is_no_role")]
    pub role: Role,
    /// The name prefix the declaring crate's policy requires, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    /// Whether the exposed HELP starts with the stability level (`[ALPHA] `).
    #[serde(default, skip_serializing_if = "is_false")]
    pub stability_in_help: bool,
    /// Label names the declaring crate's policy forbids beyond the built-in table
    /// (`forbidden_labels`): `check` refuses them on any family of a scrape.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub forbidden_labels: Vec<String>,
    /// The declaring crate's tenant labels (`tenant_labels`, R11): `check` refuses them on any
    /// counter or histogram of a scrape, unless the catalog declares the label with a waiver.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tenant_labels: Vec<String>,
    /// The Rust type declaring the family, with its module.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub declared_by: Option<String>,
}

/// A native histogram's declaration, as the catalog records it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NativeHistogram {
    /// The schema observations are recorded at, -4..=8 (`2^(2^-schema)` per bucket).
    pub schema: i32,
    /// Observations with `|v|` up to this count in the zero bucket.
    pub zero_threshold: f64,
    /// The most buckets one series exposes (more are merged by lowering the schema).
    pub max_buckets: u32,
}

impl NativeHistogram {
    /// The growth factor from one bucket boundary to the next: `2^(2^-schema)`.
    pub fn growth_factor(&self) -> f64 {
        2f64.powf(2f64.powi(-self.schema))
    }
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// One label and every value it can take.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Label {
    /// The label name.
    pub name: String,
    /// The Rust type of its values.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub type_name: String,
    /// The type's doc comment.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub type_doc: String,
    /// The field's doc comment.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub doc: String,
    /// The reason given when the label needed a waiver.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiver: Option<String>,
    /// For a capped string label, how many distinct values get their own series before the
    /// rest fold into `__overflow__`; `values` is then empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cap: Option<usize>,
    /// Whether the values are route templates (a checker rejects raw paths in them).
    #[serde(default, skip_serializing_if = "is_false")]
    pub route_templates: bool,
    /// The value a timer dropped early records under, if declared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// Every value, in declaration order.
    #[serde(default)]
    pub values: Vec<Value>,
}

/// One label value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Value {
    /// The value as exposed.
    pub value: String,
    /// Its doc comment.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub doc: String,
    /// Whether the value is an error outcome (`#[label(error)]`).
    #[serde(default, skip_serializing_if = "is_false")]
    pub error: bool,
}

impl Label {
    /// How many series positions the label takes: its values, or a capped label's cap plus
    /// the overflow value.
    pub fn cardinality(&self) -> usize {
        match self.cap {
            Some(cap) => cap + 1,
            None => self.values.len(),
        }
    }

    /// Whether `value` is one the label may take (a capped label takes any).
    pub fn admits(&self, value: &str) -> bool {
        self.cap.is_some() || self.values.iter().any(|v| v.value == value)
    }

    /// The values marked as errors.
    pub fn error_values(&self) -> Vec<&str> {
        self.values
            .iter()
            .filter(|v| v.error)
            .map(|v| v.value.as_str())
            .collect()
    }

    /// The value strings, in declaration order.
    pub fn value_names(&self) -> Vec<&str> {
        self.values.iter().map(|v| v.value.as_str()).collect()
    }
}

impl Family {
    /// The label called `name`.
    pub fn label(&self, name: &str) -> Option<&Label> {
        self.labels.iter().find(|l| l.name == name)
    }

    /// The label names, in declaration order.
    pub fn label_names(&self) -> Vec<&str> {
        self.labels.iter().map(|l| l.name.as_str()).collect()
    }

    /// The HELP text as exposed: the stability level when the crate's policy asks for it,
    /// any deprecation, then the declared text.
    pub fn exposed_help(&self) -> String {
        let mut s = String::new();
        if self.stability_in_help {
            s.push_str(self.stability.help_prefix());
        }
        if let Some(v) = &self.deprecated_since {
            s.push_str("(Deprecated since ");
            s.push_str(v);
            s.push_str(") ");
        }
        s.push_str(&self.help);
        s
    }

    /// The family's outcome label: the first whose values include declared errors.
    pub fn outcome_label(&self) -> Option<&Label> {
        self.labels
            .iter()
            .find(|l| l.values.iter().any(|v| v.error))
    }

    /// Recomputes `label_sets` and `worst_case_series` from the labels and buckets.
    fn derive_counts(&mut self) {
        self.label_sets = self.labels.iter().map(Label::cardinality).product();
        self.worst_case_series = match (self.kind, &self.native) {
            (Kind::Histogram, Some(n)) => metrics_runtime::FamilyDescriptor::worst_case_native(
                self.label_sets,
                self.buckets.len(),
                n.max_buckets as usize,
            ),
            (Kind::Histogram, None) => self.label_sets * (self.buckets.len() + 3),
            _ => self.label_sets,
        };
    }

    /// The family of a descriptor.
    pub fn from_descriptor(d: &FamilyDescriptor) -> Self {
        let mut family = Family {
            name: d.name.to_string(),
            kind: d.kind,
            help: d.help.to_string(),
            unit: d.unit.map(str::to_string),
            labels: d.labels.iter().map(Label::from_descriptor).collect(),
            buckets: d.buckets.to_vec(),
            native: d.native.map(|n| NativeHistogram {
                schema: n.schema,
                zero_threshold: n.zero_threshold,
                max_buckets: n.max_buckets,
            }),
            label_sets: 0,
            worst_case_series: 0,
            max_series: d.max_series,
            deviations: d.deviations.iter().map(|s| s.to_string()).collect(),
            stability: d.stability,
            deprecated_since: d.deprecated_since.map(str::to_string),
            role: d.role,
            prefix: d.prefix.map(str::to_string),
            stability_in_help: d.stability_in_help,
            forbidden_labels: d.forbidden_labels.iter().map(|s| s.to_string()).collect(),
            tenant_labels: d.tenant_labels.iter().map(|s| s.to_string()).collect(),
            declared_by: Some(format!("{}::{}", d.module_path, d.type_name)),
        };
        family.derive_counts();
        family
    }
}

impl Label {
    fn from_descriptor(l: &LabelDescriptor) -> Self {
        Label {
            name: l.name.to_string(),
            type_name: l.type_name.to_string(),
            type_doc: l.type_doc.to_string(),
            doc: l.doc.to_string(),
            waiver: l.waiver.map(str::to_string),
            cap: l.cap,
            route_templates: l.route_templates,
            default: l.default.map(str::to_string),
            values: l
                .values
                .iter()
                .enumerate()
                .map(|(i, value)| Value {
                    value: value.to_string(),
                    doc: l.value_docs.get(i).copied().unwrap_or("").to_string(),
                    error: l.error_values.contains(value),
                })
                .collect(),
        }
    }
}

impl Component {
    fn sum(&mut self) {
        self.worst_case_series = self.families.iter().map(|f| f.worst_case_series).sum();
    }

    /// The family called `name`.
    pub fn family(&self, name: &str) -> Option<&Family> {
        self.families.iter().find(|f| f.name == name)
    }
}

impl Catalog {
    fn finish(mut components: Vec<Component>) -> Self {
        for c in &mut components {
            for f in &mut c.families {
                f.derive_counts();
            }
            c.sum();
        }
        Catalog {
            schema_version: SCHEMA_VERSION,
            worst_case_series: components.iter().map(|c| c.worst_case_series).sum(),
            components,
        }
    }

    /// The catalog of the given components, in their order.
    pub fn from_components(components: &[&RuntimeComponent]) -> Self {
        Catalog::finish(
            components
                .iter()
                .map(|c| Component {
                    name: c.name.to_string(),
                    title: c.title.to_string(),
                    about: c.about.to_string(),
                    worst_case_series: 0,
                    families: c
                        .families()
                        .map(|f| Family::from_descriptor(f.descriptor()))
                        .collect(),
                })
                .collect(),
        )
    }

    /// The catalog of a registry's families, grouped by their `component = "..."`; a family
    /// without one belongs to a component named after its crate.
    pub fn from_registry(registry: &Registry) -> Self {
        let mut components: Vec<Component> = Vec::new();
        for family in registry.families() {
            let d = family.descriptor();
            let name = d
                .component
                .unwrap_or_else(|| d.module_path.split("::").next().unwrap_or(d.module_path));
            let at = match components.iter().position(|c| c.name == name) {
                Some(at) => at,
                None => {
                    components.push(Component {
                        name: name.to_string(),
                        title: name.to_string(),
                        about: String::new(),
                        worst_case_series: 0,
                        families: Vec::new(),
                    });
                    components.len() - 1
                }
            };
            components[at].families.push(Family::from_descriptor(d));
        }
        Catalog::finish(components)
    }

    /// The catalog of every family linked into this program ([`Registry::all`]).
    pub fn linked() -> Self {
        Catalog::from_registry(&Registry::all())
    }

    /// A catalog from its JSON (what `json` prints). Derived numbers are recomputed; a
    /// newer schema version, an unknown field or a family declared twice is an error.
    pub fn from_json(text: &str) -> Result<Self, String> {
        let catalog: Catalog =
            serde_json::from_str(text).map_err(|e| format!("not a catalog in JSON: {e}"))?;
        if catalog.schema_version == 0 || catalog.schema_version > SCHEMA_VERSION {
            return Err(format!(
                "catalog schema version {} is not supported (this toolkit reads 1 to {SCHEMA_VERSION})",
                catalog.schema_version
            ));
        }
        catalog.check_text()?;
        let mut seen = std::collections::BTreeSet::new();
        for f in catalog.families() {
            if !seen.insert(f.name.as_str()) {
                return Err(format!("family `{}` is declared twice", f.name));
            }
        }
        Ok(Catalog::finish(catalog.components))
    }

    /// What a catalog read from a file must hold before its text reaches rules, dashboards
    /// and docs unchanged: family and label names by the exposition's grammar, and no control
    /// character (NUL, ESC, ...) in component names and titles, help, units, label values.
    fn check_text(&self) -> Result<(), String> {
        fn plain(what: &str, text: &str) -> Result<(), String> {
            match text.chars().enumerate().find(|(_, c)| c.is_control()) {
                Some((at, c)) => Err(format!(
                    "{what} {:?} holds the control character {} at column {}",
                    metrics_exposition::excerpt(text),
                    metrics_exposition::describe_char(c),
                    at + 1
                )),
                None => Ok(()),
            }
        }
        for c in &self.components {
            plain("component name", &c.name)?;
            plain(&format!("the title of component `{}`", c.name), &c.title)?;
            for f in &c.families {
                if let Some(problem) = metrics_exposition::metric_name_problem(&f.name) {
                    return Err(format!(
                        "family name {:?} is not a Prometheus metric name: {problem}",
                        metrics_exposition::excerpt(&f.name)
                    ));
                }
                let of = |field: &str| format!("the {field} of family `{}`", f.name);
                plain(&of("help"), &f.help)?;
                if let Some(unit) = &f.unit {
                    plain(&of("unit"), unit)?;
                }
                if let Some(prefix) = &f.prefix {
                    plain(&of("prefix"), prefix)?;
                }
                if let Some(since) = &f.deprecated_since {
                    plain(&of("deprecated_since"), since)?;
                }
                for (key, names) in [
                    ("forbidden_labels", &f.forbidden_labels),
                    ("tenant_labels", &f.tenant_labels),
                ] {
                    for name in names {
                        if let Some(problem) = metrics_exposition::label_name_problem(name) {
                            return Err(format!(
                                "{} {:?} is not a Prometheus label name: {problem}",
                                of(key),
                                metrics_exposition::excerpt(name)
                            ));
                        }
                    }
                }
                for l in &f.labels {
                    if let Some(problem) = metrics_exposition::label_name_problem(&l.name) {
                        return Err(format!(
                            "label name {:?} of family `{}` is not a Prometheus label name: {problem}",
                            metrics_exposition::excerpt(&l.name),
                            f.name
                        ));
                    }
                    for v in &l.values {
                        plain(
                            &format!("a value of label `{}` of family `{}`", l.name, f.name),
                            &v.value,
                        )?;
                    }
                    if let Some(default) = &l.default {
                        plain(
                            &format!("the default of label `{}` of family `{}`", l.name, f.name),
                            default,
                        )?;
                    }
                }
            }
        }
        Ok(())
    }

    /// The catalog as pretty JSON, ending in a newline.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }

    /// Every family of every component.
    pub fn families(&self) -> impl Iterator<Item = &Family> {
        self.components.iter().flat_map(|c| c.families.iter())
    }

    /// The component called `name`.
    pub fn component(&self, name: &str) -> Option<&Component> {
        self.components.iter().find(|c| c.name == name)
    }

    /// The component names, in order.
    pub fn component_names(&self) -> Vec<&str> {
        self.components.iter().map(|c| c.name.as_str()).collect()
    }

    /// The catalog restricted to the named components (all when `names` is empty). Fails
    /// naming an unknown component and the known ones.
    pub fn select(&self, names: &[String]) -> Result<Catalog, String> {
        for n in names {
            if self.component(n).is_none() {
                return Err(format!(
                    "unknown component `{n}`; known: {}",
                    self.component_names().join(", ")
                ));
            }
        }
        Ok(Catalog::finish(
            self.components
                .iter()
                .filter(|c| names.is_empty() || names.contains(&c.name))
                .cloned()
                .collect(),
        ))
    }

    /// Label names the policies of the catalog's crates forbid beyond the built-in table
    /// (their `forbidden_labels`, together), sorted.
    pub fn forbidden_labels(&self) -> Vec<&str> {
        self.policy_names(|f| &f.forbidden_labels)
    }

    /// The tenant labels of the catalog's crates (their `tenant_labels`, together), sorted.
    pub fn tenant_labels(&self) -> Vec<&str> {
        self.policy_names(|f| &f.tenant_labels)
    }

    /// One policy list of every family, together, sorted, without repeats.
    fn policy_names(&self, list: impl Fn(&Family) -> &Vec<String>) -> Vec<&str> {
        let mut names: Vec<&str> = self
            .families()
            .flat_map(|f| list(f).iter().map(String::as_str))
            .collect();
        names.sort_unstable();
        names.dedup();
        names
    }

    /// The name prefixes the catalog's families are held to.
    pub fn prefixes(&self) -> Vec<&str> {
        let mut p: Vec<&str> = self
            .families()
            .filter_map(|f| f.prefix.as_deref())
            .collect();
        p.sort_unstable();
        p.dedup();
        p
    }
}

#[cfg(test)]
mod text_checks {
    use super::Catalog;

    const CATALOG: &str = r#"{ "schema_version": 1, "components": [ { "name": "web",
      "families": [ { "name": "web_requests_total", "type": "counter", "max_series": 10,
        "help": "Requests.",
        "labels": [ { "name": "code", "values": [ { "value": "2xx" } ] } ] } ] } ] }"#;

    fn refused(from: &str, to: &str) -> String {
        let json = CATALOG.replacen(from, to, 1);
        assert_ne!(json, CATALOG, "{from} not in the catalog");
        match Catalog::from_json(&json) {
            Ok(_) => panic!("{to} accepted"),
            Err(e) => e,
        }
    }

    #[test]
    fn names_and_text_that_would_reach_rules_and_docs_are_checked() {
        assert!(Catalog::from_json(CATALOG).is_ok());
        for (from, to, needle) in [
            (
                "web_requests_total",
                "web\\u0000requests_total",
                "family name \"web\\0requests_total\" is not a Prometheus metric name: U+0000 (NUL) at column 4 of the name",
            ),
            ("web_requests_total", "9web", "it starts with a digit"),
            (
                "\"code\"",
                "\"co\\u001bde\"",
                "label name \"co\\u{1b}de\" of family `web_requests_total` is not a Prometheus label name: U+001B (a control character) at column 3",
            ),
            ("\"code\"", "\"a:b\"", "`:` (U+003A) at column 2"),
            (
                "\"2xx\"",
                "\"2\\u0000\"",
                "a value of label `code` of family `web_requests_total` \"2\\0\" holds the control character U+0000 (NUL) at column 2",
            ),
            (
                "Requests.",
                "Requests.\\u001b[31m",
                "the help of family `web_requests_total` \"Requests.\\u{1b}[31m\" holds the control character U+001B",
            ),
            (
                "\"name\": \"web\"",
                "\"name\": \"w\\neb\"",
                "component name \"w\\neb\" holds the control character U+000A",
            ),
        ] {
            let e = refused(from, to);
            assert!(e.contains(needle), "{to}: {e}");
        }
    }
}
