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

/// Characters no text of a catalog may hold: control characters, the Unicode line and
/// paragraph separators, and the bidirectional controls (which reorder what a reader sees).
fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` (`what` says which field) without a character [`is_hidden`] refuses; the error
/// names the field, an excerpt of the text and the character's code point and column.
fn plain(what: &str, text: &str) -> Result<(), String> {
    hidden_in(what, text, false)
}

/// [`plain`] for prose that doc comments write over several lines (help, docs, about,
/// waivers, deviations): line feeds and tabs are part of it; every other hidden character is
/// refused. A catalog the derive made from `///` comments reads back with `--catalog`.
fn prose(what: &str, text: &str) -> Result<(), String> {
    hidden_in(what, text, true)
}

fn hidden_in(what: &str, text: &str, lines: bool) -> Result<(), String> {
    let allowed = |c: char| lines && (c == '\n' || c == '\t');
    match text
        .chars()
        .enumerate()
        .find(|(_, c)| is_hidden(*c) && !allowed(*c))
    {
        Some((at, c)) => {
            let kind = if c.is_control() {
                "the control character"
            } else {
                "the invisible formatting character"
            };
            Err(format!(
                "{what} {:?} holds {kind} {} at column {}",
                excerpt(text),
                describe(c),
                at + 1
            ))
        }
        None => Ok(()),
    }
}

/// A character as [`metrics_exposition::describe_char`] names it, except that a formatting
/// character is never shown itself (a bidirectional control would reorder the message).
fn describe(c: char) -> String {
    if c.is_control() || c.is_whitespace() {
        metrics_exposition::describe_char(c)
    } else {
        format!("U+{:04X}", c as u32)
    }
}

use metrics_exposition::excerpt;

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
    /// newer schema version, an unknown field, a name that is not one (a component name is
    /// `[a-z][a-z0-9_-]*`), text with a control
    /// or invisible formatting character, and what the runtime would refuse to declare (two
    /// families writing one name, a reserved or repeated label, a repeated or empty value, a
    /// component twice or named `all`, a zero cap or budget, bad buckets or native settings)
    /// are errors, each naming what is wrong and where.
    pub fn from_json(text: &str) -> Result<Self, String> {
        let catalog: Catalog =
            serde_json::from_str(text).map_err(|e| format!("not a catalog in JSON: {e}"))?;
        if catalog.schema_version == 0 || catalog.schema_version > SCHEMA_VERSION {
            return Err(format!(
                "catalog schema version {} is not supported (this toolkit reads 1 to {SCHEMA_VERSION})",
                catalog.schema_version
            ));
        }
        catalog.check_names()?;
        catalog.check_text()?;
        catalog.check_declarations()?;
        let catalog = Catalog::finish(catalog.components);
        catalog.check_policy()?;
        Ok(catalog)
    }

    /// The checks [`Catalog::from_json`] makes, for a catalog built another way (from a crate's
    /// components, [`Catalog::from_components`]): names, text, declarations and policy. A
    /// component named `My Service` passes the derive but would make a catalog its own `json`
    /// output could not be read back from, so the toolkit refuses it up front.
    pub fn validate(&self) -> Result<(), String> {
        self.check_names()?;
        self.check_text()?;
        self.check_declarations()?;
        self.check_policy()
    }

    /// What the derive refuses by the catalog's own policy, refused in a catalog too: a label
    /// one of its crates forbids (`forbidden_labels`, of any family: the checker applies them
    /// together to every family) declared without a waiver; a tenant label (`tenant_labels`,
    /// together, R11) declared on a counter or histogram without a waiver.
    fn check_policy(&self) -> Result<(), String> {
        let forbidden = self.forbidden_labels();
        let tenant = self.tenant_labels();
        for f in self.families() {
            let family = excerpt(&f.name);
            for l in &f.labels {
                if l.waiver.is_some() {
                    continue;
                }
                let label = excerpt(&l.name);
                if forbidden.contains(&l.name.as_str()) {
                    return Err(format!(
                        "label `{label}` of family `{family}` is one the catalog's forbidden_labels name, and has no waiver"
                    ));
                }
                if matches!(f.kind, Kind::Counter | Kind::Histogram)
                    && tenant.contains(&l.name.as_str())
                {
                    return Err(format!(
                        "label `{label}` of {} `{family}` is a tenant label (the catalog's tenant_labels), and has no waiver (R11)",
                        f.kind.as_str()
                    ));
                }
            }
        }
        Ok(())
    }

    /// Names first (a component name is `[a-z][a-z0-9_-]*`, see [`is_component_name`]), so that every later message quotes only valid names (and through
    /// [`excerpt`] all the same: a valid name may still be megabytes long): component names
    /// without control characters, family and label names by the exposition's grammar.
    fn check_names(&self) -> Result<(), String> {
        for c in &self.components {
            plain("component name", &c.name)?;
            if !is_component_name(&c.name) {
                return Err(format!(
                    "component name {:?} is not `[a-z][a-z0-9_-]*`: it names rule groups, alerts, dashboards and `--component`, where other characters would need quoting",
                    excerpt(&c.name)
                ));
            }
            for f in &c.families {
                if let Some(problem) = metrics_exposition::metric_name_problem(&f.name) {
                    return Err(format!(
                        "family name {:?} is not a Prometheus metric name: {problem}",
                        excerpt(&f.name)
                    ));
                }
                for l in &f.labels {
                    if let Some(problem) = metrics_exposition::label_name_problem(&l.name) {
                        return Err(format!(
                            "label name {:?} of family `{}` is not a Prometheus label name: {problem}",
                            excerpt(&l.name),
                            excerpt(&f.name)
                        ));
                    }
                }
                for (key, names) in [
                    ("forbidden_labels", &f.forbidden_labels),
                    ("tenant_labels", &f.tenant_labels),
                ] {
                    for name in names {
                        if let Some(problem) = metrics_exposition::label_name_problem(name) {
                            return Err(format!(
                                "the {key} of family `{}` {:?} is not a Prometheus label name: {problem}",
                                excerpt(&f.name),
                                excerpt(name)
                            ));
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// What a catalog read from a file must hold before its text reaches rules, dashboards
    /// and docs unchanged: no control character (NUL, ESC, a line break, ...), line or
    /// paragraph separator (U+2028, U+2029) or bidirectional control (U+202A to U+202E,
    /// U+2066 to U+2069) in any text: titles, about, help, units, prefixes, versions,
    /// deviations, `declared_by`, label docs, type names and docs, waivers, values and their
    /// docs.
    fn check_text(&self) -> Result<(), String> {
        for c in &self.components {
            let name = excerpt(&c.name);
            plain(&format!("the title of component `{name}`"), &c.title)?;
            prose(&format!("the about of component `{name}`"), &c.about)?;
            for f in &c.families {
                let family = excerpt(&f.name);
                let of = |field: &str| format!("the {field} of family `{family}`");
                prose(&of("help"), &f.help)?;
                for (field, text) in [
                    ("unit", &f.unit),
                    ("prefix", &f.prefix),
                    ("deprecated_since", &f.deprecated_since),
                    ("declared_by", &f.declared_by),
                ] {
                    if let Some(text) = text {
                        plain(&of(field), text)?;
                    }
                }
                for deviation in &f.deviations {
                    prose(&of("deviations"), deviation)?;
                }
                for l in &f.labels {
                    let of = |field: &str| {
                        format!(
                            "the {field} of label `{}` of family `{family}`",
                            excerpt(&l.name)
                        )
                    };
                    plain(&of("type_name"), &l.type_name)?;
                    for (field, text) in [("doc", &l.doc), ("type_doc", &l.type_doc)] {
                        prose(&of(field), text)?;
                    }
                    if let Some(waiver) = &l.waiver {
                        prose(&of("waiver"), waiver)?;
                    }
                    if let Some(default) = &l.default {
                        plain(&of("default"), default)?;
                    }
                    for v in &l.values {
                        plain(
                            &format!(
                                "a value of label `{}` of family `{family}`",
                                excerpt(&l.name)
                            ),
                            &v.value,
                        )?;
                        prose(
                            &format!("{} {:?}", of("doc of value"), excerpt(&v.value)),
                            &v.doc,
                        )?;
                    }
                }
            }
        }
        Ok(())
    }

    /// What the runtime refuses to declare, refused in a catalog too: components named twice
    /// or [`ALL`](crate::check::ALL); two families writing one name (a counter `x_total`
    /// writes `x_total`, and `x` and `x_created` in OpenMetrics; a histogram `h` writes `h`,
    /// `h_bucket`, `h_sum`, `h_count`, `h_created`); a reserved label (`__*`, `le`,
    /// `quantile`, `job`, `instance`), a label twice, a value twice or empty; a prefix neither
    /// empty nor snake case; a cap or budget of 0; buckets not finite and increasing; a
    /// native schema outside -4..=8 or no native buckets.
    fn check_declarations(&self) -> Result<(), String> {
        use metrics_policy::{NATIVE_SCHEMA_MAX, NATIVE_SCHEMA_MIN};
        use std::collections::{BTreeMap, BTreeSet};
        let mut components = BTreeSet::new();
        let mut written: BTreeMap<String, &str> = BTreeMap::new();
        for c in &self.components {
            let component = excerpt(&c.name);
            if c.name == crate::check::ALL {
                return Err(format!(
                    "a component is named `{component}`, the name `check --component {component}` gives every component"
                ));
            }
            if !components.insert(c.name.as_str()) {
                return Err(format!("component `{component}` is declared twice"));
            }
            for f in &c.families {
                let family = excerpt(&f.name);
                for name in metrics_policy::exposed_names(&f.name, f.kind) {
                    if let Some(other) = written.insert(name.clone(), &f.name) {
                        return Err(if other == f.name {
                            format!("family `{family}` is declared twice")
                        } else {
                            format!(
                                "families `{}` and `{family}` both write `{}`: an exposition would hold it twice",
                                excerpt(other),
                                excerpt(&name)
                            )
                        });
                    }
                }
                if f.max_series == 0 {
                    return Err(format!(
                        "family `{family}` has max_series 0: it could expose nothing"
                    ));
                }
                // An empty prefix puts every family under it: unusual, not wrong.
                if let Some(prefix) = &f.prefix
                    && !prefix.is_empty()
                    && !metrics_policy::is_snake_case(prefix)
                {
                    return Err(format!(
                        "the prefix {:?} of family `{family}` is not snake case `[a-z_][a-z0-9_]*`",
                        excerpt(prefix)
                    ));
                }
                if !f.buckets.is_empty() {
                    metrics_policy::check_buckets_allowed(f.kind)
                        .and_then(|()| metrics_policy::check_buckets(&f.buckets, f.unit.as_deref()))
                        .map_err(|v| format!("the buckets of family `{family}`: {v}"))?;
                }
                if let Some(n) = &f.native {
                    if f.kind != Kind::Histogram {
                        return Err(format!(
                            "family `{family}` declares a native histogram but is a {}",
                            f.kind.as_str()
                        ));
                    }
                    if !(NATIVE_SCHEMA_MIN..=NATIVE_SCHEMA_MAX).contains(&n.schema) {
                        return Err(format!(
                            "the native schema {} of family `{family}` is outside {NATIVE_SCHEMA_MIN}..={NATIVE_SCHEMA_MAX}",
                            n.schema
                        ));
                    }
                    if n.max_buckets == 0 {
                        return Err(format!(
                            "the native max_buckets of family `{family}` is 0: give 1 or more"
                        ));
                    }
                    if !(n.zero_threshold.is_finite() && n.zero_threshold >= 0.0) {
                        return Err(format!(
                            "the native zero_threshold of family `{family}` must be finite and not negative"
                        ));
                    }
                }
                let mut labels = BTreeSet::new();
                for l in &f.labels {
                    let label = excerpt(&l.name);
                    if l.name.starts_with(metrics_policy::RESERVED_LABEL_PREFIX) {
                        return Err(format!(
                            "label `{label}` of family `{family}` starts with `__`, which Prometheus reserves for internal labels"
                        ));
                    }
                    if let Some(r) = metrics_policy::reserved_label(&l.name) {
                        return Err(format!(
                            "label `{label}` of family `{family}` {}; {}",
                            r.reason, r.instead
                        ));
                    }
                    if !labels.insert(l.name.as_str()) {
                        return Err(format!(
                            "label `{label}` of family `{family}` is declared twice"
                        ));
                    }
                    if l.cap == Some(0) {
                        return Err(format!(
                            "label `{label}` of family `{family}` has cap 0: give 1 or more"
                        ));
                    }
                    let mut values = BTreeSet::new();
                    for v in &l.values {
                        if v.value.is_empty() {
                            return Err(format!(
                                "label `{label}` of family `{family}` declares an empty value (a sample without the label reads the same)"
                            ));
                        }
                        if !values.insert(v.value.as_str()) {
                            return Err(format!(
                                "label `{label}` of family `{family}` declares the value {:?} twice",
                                excerpt(&v.value)
                            ));
                        }
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

/// Whether `name` may name a component in a catalog file: `[a-z][a-z0-9_-]*`, as every
/// component of the platform is named (`control-plane`, `events`). Component names become
/// rule group names, alert names (`ControlPlaneTargetDown`), alert labels, dashboard titles
/// and `--component` arguments; a simple name needs no quoting in any of them.
pub fn is_component_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
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

    #[test]
    fn a_catalog_that_contradicts_its_own_policy_is_refused() {
        let code = "{ \"name\": \"code\",";
        for (to, needle) in [
            (
                CATALOG.replacen(code, "{ \"name\": \"org_id\",", 1).replacen(
                    "\"max_series\": 10,",
                    "\"max_series\": 10, \"tenant_labels\": [\"org_id\"],",
                    1,
                ),
                "label `org_id` of counter `web_requests_total` is a tenant label",
            ),
            (
                CATALOG.replacen(
                    "\"max_series\": 10,",
                    "\"max_series\": 10, \"forbidden_labels\": [\"code\"],",
                    1,
                ),
                "label `code` of family `web_requests_total` is one the catalog's forbidden_labels name",
            ),
            (
                CATALOG.replacen(
                    "\"2xx\" } ] } ] } ] } ] }",
                    "\"2xx\" } ] } ] }, { \"name\": \"web_up\", \"type\": \"gauge\", \"max_series\": 1, \"forbidden_labels\": [\"code\"] } ] } ] }",
                    1,
                ),
                "label `code` of family `web_requests_total` is one the catalog's forbidden_labels name",
            ),
        ] {
            let e = Catalog::from_json(&to).expect_err(needle);
            assert!(e.contains(needle), "{e}");
        }
        // A waiver is the exception for forbidden and tenant labels.
        let waived = CATALOG
            .replacen(code, "{ \"name\": \"code\", \"waiver\": \"bounded\",", 1)
            .replacen(
                "\"max_series\": 10,",
                "\"max_series\": 10, \"forbidden_labels\": [\"code\"], \"tenant_labels\": [\"code\"],",
                1,
            );
        assert!(Catalog::from_json(&waived).is_ok());
    }

    #[test]
    fn component_names_are_simple() {
        for good in ["web", "control-plane", "a_1"] {
            let json = CATALOG.replacen("\"name\": \"web\"", &format!("\"name\": \"{good}\""), 1);
            assert!(Catalog::from_json(&json).is_ok(), "{good}");
        }
        for bad in [
            "{{y}}",
            "c: d",
            "*x",
            "c #x",
            "Web",
            "1web",
            "-web",
            "w.b",
            "comp \\\"x\\\"",
        ] {
            let e = refused("\"name\": \"web\"", &format!("\"name\": \"{bad}\""));
            assert!(e.contains("is not `[a-z][a-z0-9_-]*`"), "{bad}: {e}");
        }
    }
}

#[cfg(test)]
mod declaration_checks {
    use super::Catalog;

    /// A catalog with every optional text, and two families besides.
    const CATALOG: &str = r#"{ "schema_version": 1, "components": [ { "name": "web",
      "title": "Web", "about": "Serves pages.",
      "families": [ { "name": "web_requests_total", "type": "counter", "max_series": 10,
        "help": "Requests.", "prefix": "web_", "deviations": ["why"], "declared_by": "web::Requests",
        "labels": [ { "name": "code", "doc": "The class.", "type_name": "Code",
                      "type_doc": "A class.", "waiver": "bounded",
                      "values": [ { "value": "2xx", "doc": "Fine." }, { "value": "5xx" } ] },
                    { "name": "node", "cap": 4 } ] },
      { "name": "web_latency_seconds", "type": "histogram", "max_series": 10,
        "unit": "seconds", "buckets": [0.1, 1.0],
        "native": { "schema": 3, "zero_threshold": 0.0, "max_buckets": 160 } },
      { "name": "web_up", "type": "gauge", "max_series": 1 } ] } ] }"#;

    fn refused(from: &str, to: &str) -> String {
        let json = CATALOG.replacen(from, to, 1);
        assert_ne!(json, CATALOG, "{from} not in the catalog");
        match Catalog::from_json(&json) {
            Ok(_) => panic!("{to} accepted"),
            Err(e) => e,
        }
    }

    #[test]
    fn hidden_characters_are_refused_in_every_text() {
        assert!(Catalog::from_json(CATALOG).is_ok());
        for (from, field) in [
            ("Serves pages.", "the about of component `web`"),
            (
                "The class.",
                "the doc of label `code` of family `web_requests_total`",
            ),
            ("\"Code\"", "the type_name of label `code`"),
            ("A class.", "the type_doc of label `code`"),
            (
                "Fine.",
                "the doc of value of label `code` of family `web_requests_total` \"2xx\"",
            ),
            ("bounded", "the waiver of label `code`"),
            ("\"why\"", "the deviations of family `web_requests_total`"),
            (
                "web::Requests",
                "the declared_by of family `web_requests_total`",
            ),
            ("Requests.", "the help of family `web_requests_total`"),
            ("Web", "the title of component `web`"),
        ] {
            let quoted = from.trim_matches('"');
            for (c, named) in [
                (
                    "\\u0007",
                    "the control character U+0007 (a control character)",
                ),
                ("\\n", "the control character U+000A"),
                ("\u{2028}", "the control character U+2028"),
                ("\u{2029}", "U+2029"),
                ("\u{202e}", "the invisible formatting character U+202E"),
                ("\u{202a}", "U+202A"),
                ("\u{2066}", "U+2066"),
                ("\u{2069}", "U+2069"),
            ] {
                // Prose that doc comments write over several lines keeps its line feeds.
                let prose = !["type_name", "declared_by", "title"]
                    .iter()
                    .any(|f| field.contains(f));
                if prose && c == "\\n" {
                    let json =
                        CATALOG.replacen(from, &from.replace(quoted, &format!("{quoted}{c}")), 1);
                    assert!(Catalog::from_json(&json).is_ok(), "{field}: a line feed");
                    continue;
                }
                let e = refused(from, &from.replace(quoted, &format!("{quoted}{c}")));
                assert!(e.contains(field), "{field}: {e}");
                assert!(
                    e.contains(named) || named.contains("U+2028") && e.contains("U+2028"),
                    "{named}: {e}"
                );
                // The message never carries the character itself.
                assert!(
                    !e.contains(['\u{2028}', '\u{202e}', '\u{7}', '\n']),
                    "{e:?}"
                );
            }
        }
    }

    #[test]
    fn errors_quote_an_excerpt_of_names() {
        let long = "n".repeat(1 << 20);
        for (from, to) in [
            ("web_up", long.as_str()),
            ("\"code\"", &format!("\"{long}\"")),
            ("\"name\": \"web\"", &format!("\"name\": \"{long}\"")),
        ] {
            for (from2, to2) in [
                ("Requests.", "R\\u0000"),
                ("\"2xx\"", "\"\\u0000\""),
                ("\"web_up\"", "\"web_requests_total\""),
                ("\"5xx\"", "\"2xx\""),
                ("Serves pages.", "\\u0000"),
            ] {
                let json = CATALOG.replacen(from, to, 1).replacen(from2, to2, 1);
                let Err(e) = Catalog::from_json(&json) else {
                    continue;
                };
                assert!(e.len() < 600, "{} bytes: {}", e.len(), &e[..200]);
            }
        }
        let json = CATALOG.replace("web_up", &format!("web_{long}"));
        let json = json.replacen("\"web_latency_seconds\"", &format!("\"web_{long}\""), 1);
        let e = Catalog::from_json(&json).expect_err("twice");
        assert!(
            e.contains("is declared twice") && e.len() < 300,
            "{}",
            &e[..200]
        );
    }

    #[test]
    fn declarations_the_runtime_refuses_are_refused() {
        for (from, to, needle) in [
            ("\"code\"", "\"__name__\"", "starts with `__`"),
            (
                "\"code\"",
                "\"le\"",
                "label `le` of family `web_requests_total` is reserved",
            ),
            ("\"code\"", "\"quantile\"", "is reserved"),
            (
                "\"node\"",
                "\"code\"",
                "label `code` of family `web_requests_total` is declared twice",
            ),
            ("\"5xx\"", "\"2xx\"", "declares the value \"2xx\" twice"),
            ("\"5xx\"", "\"\"", "declares an empty value"),
            (
                "\"web_up\"",
                "\"web_requests\"",
                "families `web_requests_total` and `web_requests` both write `web_requests`",
            ),
            (
                "\"web_up\"",
                "\"web_latency_seconds_bucket\"",
                "both write `web_latency_seconds_bucket`",
            ),
            (
                "\"web_up\"",
                "\"web_requests_created\"",
                "both write `web_requests_created`",
            ),
            (
                "\"web_up\"",
                "\"web_requests_total\"",
                "family `web_requests_total` is declared twice",
            ),
            (
                "\"name\": \"web\"",
                "\"name\": \"all\"",
                "a component is named `all`",
            ),
            ("\"web_\"", "\"Web_\"", "is not snake case"),
            ("\"cap\": 4", "\"cap\": 0", "has cap 0"),
            (
                "\"max_series\": 1 }",
                "\"max_series\": 0 }",
                "family `web_up` has max_series 0",
            ),
            (
                "[0.1, 1.0]",
                "[1.0, 0.1]",
                "the buckets of family `web_latency_seconds`: R12",
            ),
            (
                "\"schema\": 3",
                "\"schema\": 9",
                "native schema 9 of family `web_latency_seconds` is outside -4..=8",
            ),
            ("\"schema\": 3", "\"schema\": -5", "outside -4..=8"),
            (
                "\"max_buckets\": 160",
                "\"max_buckets\": 0",
                "native max_buckets of family `web_latency_seconds` is 0",
            ),
        ] {
            let e = refused(from, to);
            assert!(e.contains(needle), "{to}: {e}");
        }
        let twice = CATALOG.replacen(
            "] } ] }",
            "] }, { \"name\": \"web\", \"families\": [] } ] }",
            1,
        );
        let e = Catalog::from_json(&twice).expect_err("twice");
        assert!(e.contains("component `web` is declared twice"), "{e}");
    }
}

#[cfg(test)]
mod component_catalogs {
    use super::{Catalog, RuntimeComponent};

    /// A catalog built from a crate's components is held to what a catalog file is held to,
    /// so `json` always prints what `--catalog` reads back.
    #[test]
    fn a_catalog_of_components_is_checked_as_a_file_would_be() {
        let bad = RuntimeComponent {
            name: "My Service",
            title: "Mine",
            about: "",
            families: &[],
        };
        let catalog = Catalog::from_components(&[&bad]);
        let err = catalog.validate().expect_err("not a simple component name");
        assert!(err.contains("My Service"), "{err}");
        assert!(Catalog::from_json(&catalog.to_json()).is_err());
        let good = RuntimeComponent {
            name: "my-service",
            ..bad
        };
        let catalog = Catalog::from_components(&[&good]);
        assert_eq!(catalog.validate(), Ok(()));
        assert!(Catalog::from_json(&catalog.to_json()).is_ok());
    }
}
