//! The compliance checker (`metrics-catalog check`): seed 000's "Compliance tests" run on a
//! Prometheus text exposition, whatever language produced it.
//!
//! | check | seed 000 | severity |
//! | --- | --- | --- |
//! | `required_family`: every family the component requires is present | test 1 | violation |
//! | `family_type`: a declared family has its declared TYPE | test 1 | violation |
//! | `forbidden_label`: no forbidden label name anywhere (policy rule R7) | test 2 | violation |
//! | `raw_path`: `path_template` values are templates (no numeric ids, UUIDs, query strings) | test 2 | violation |
//! | `label_value`: every label value of a declared family lies in its declared enum (so unschedulable and agent failure reasons are the bounded lists) | tests 3, 4 | violation |
//! | `series_budget`: a declared family exposes at most its series budget | cardinality rules | violation |
//! | `unknown_family`: a family with the platform prefix the catalog does not declare | naming | warning |
//! | `deprecated_family`: a family deprecated in its descriptor is still exposed | stability | warning |
//! | `undeclared_label`: a label a declared family does not declare (a target or global label?) | | warning |
//!
//! Warnings never make a scrape non-compliant. Besides the findings, the report lists the
//! component's families whose every sample is 0: declared, exposed, but never recorded
//! ([`Coverage`]).
//!
//! The checker works on a [`Spec`]: families as owned data, taken from the catalog's
//! descriptors ([`Spec::builtin`]), from any descriptor list ([`Spec::from_descriptors`]) or
//! from the JSON `metrics-catalog json` prints ([`Spec::from_json`]), so another catalog can
//! be checked with the same tool.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use metrics_runtime::FamilyDescriptor;
use serde::{Deserialize, Serialize};

use crate::exposition::{Exposition, ParsedFamily};

/// Forbidden label names (policy rule R7), each group with why it is forbidden.
///
/// A copy of `FORBIDDEN_LABELS` in `metrics-macros/src/valid.rs`, which a proc-macro crate
/// cannot export to this one; a test reads that file and fails when the two lists differ.
pub const FORBIDDEN_LABELS: &[(&[&str], &str)] = &[
    (
        &[
            "path",
            "raw_path",
            "url",
            "uri",
            "full_url",
            "query",
            "query_string",
        ],
        "a raw path, URL or query string is unbounded; label the route template (`path_template`)",
    ),
    (&["hostname", "host"], "a raw hostname is unbounded"),
    (
        &[
            "instance_id",
            "execution_id",
            "job_id",
            "container_id",
            "pod_id",
        ],
        "a per-instance or per-execution id is churny and unbounded",
    ),
    (
        &["user_id", "user", "username", "user_name", "email"],
        "a user id or email is unbounded and personal data",
    ),
    (
        &[
            "error",
            "err",
            "error_message",
            "error_msg",
            "message",
            "msg",
        ],
        "an error message string is unbounded; label a bounded error kind",
    ),
    (
        &["idempotency_key"],
        "an idempotency key is unique per request",
    ),
    (
        &[
            "token",
            "secret",
            "password",
            "passwd",
            "api_key",
            "apikey",
            "authorization",
            "credential",
            "credentials",
        ],
        "a secret-like value must never be exported",
    ),
    (
        &[
            "session_id",
            "request_id",
            "trace_id",
            "span_id",
            "correlation_id",
        ],
        "a per-request or per-session id is unique per event",
    ),
    (
        &[
            "ip",
            "client_ip",
            "remote_ip",
            "ip_address",
            "remote_addr",
            "peer_addr",
        ],
        "a client address is unbounded",
    ),
    (
        &["timestamp", "date", "datetime"],
        "a time as a label value makes a new series every moment",
    ),
];

/// Label names whose values must be route templates (seed 000: `http_path_template`, written
/// `path_template` in its required families).
pub const TEMPLATE_LABELS: &[&str] = &["path_template", "http_path_template"];

/// The value a capped string label folds its excess values into.
pub use metrics_runtime::OVERFLOW_VALUE;

/// How many offending values a finding lists before it only counts them.
const LISTED_VALUES: usize = 10;

/// Why a label name is forbidden, if it is.
pub fn forbidden_label(name: &str) -> Option<&'static str> {
    FORBIDDEN_LABELS
        .iter()
        .find(|(names, _)| names.contains(&name))
        .map(|(_, why)| *why)
}

/// Why a `path_template` value is a raw path rather than a template, if it is: a full URL, a
/// query string or fragment, or a path segment that is an id (all digits, a UUID, a long hex
/// string, a ULID). Placeholders (`{id}`, `:id`, `<id>`, `*`) and fixed words are templates;
/// so are values that are not paths at all (`unmatched`).
pub fn raw_path_problem(value: &str) -> Option<String> {
    if value.contains("://") {
        return Some("a full URL".to_string());
    }
    if value.contains('?') {
        return Some("a query string".to_string());
    }
    if value.contains('#') {
        return Some("a URL fragment".to_string());
    }
    for segment in value.split('/') {
        let placeholder = (segment.starts_with('{') && segment.ends_with('}'))
            || (segment.starts_with('<') && segment.ends_with('>'))
            || segment.starts_with(':')
            || segment == "*";
        if segment.is_empty() || placeholder {
            continue;
        }
        if segment.bytes().all(|b| b.is_ascii_digit()) {
            return Some(format!("numeric id `{segment}`"));
        }
        if is_uuid(segment) {
            return Some(format!("UUID `{segment}`"));
        }
        if segment.len() >= 16
            && segment.bytes().all(|b| b.is_ascii_hexdigit())
            && segment.bytes().any(|b| b.is_ascii_digit())
        {
            return Some(format!("hex id `{segment}`"));
        }
        if is_ulid(segment) {
            return Some(format!("ULID `{segment}`"));
        }
        if segment.contains('%') {
            return Some(format!("percent-encoded segment `{segment}`"));
        }
    }
    None
}

fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
        && groups
            .iter()
            .all(|g| g.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn is_ulid(s: &str) -> bool {
    s.len() == 26
        && s.bytes().any(|b| b.is_ascii_digit())
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b.is_ascii_uppercase() && !b"ILOU".contains(&b)))
}

// ---- the spec ------------------------------------------------------------------------------

/// One label of a family, as the checker needs it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LabelSpec {
    /// The label name.
    pub name: String,
    /// Every value it may take (empty for a capped label). In JSON either strings or objects
    /// with a `value` field (the shape `metrics-catalog json` prints).
    #[serde(default, deserialize_with = "de_values")]
    pub values: Vec<String>,
    /// For a capped string label, how many distinct values it admits besides `__overflow__`.
    #[serde(default)]
    pub cap: Option<usize>,
    /// The reason a forbidden name was waived, if it was.
    #[serde(default)]
    pub waiver: Option<String>,
}

fn de_values<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Value {
        Plain(String),
        Described { value: String },
    }
    let values: Vec<Value> = Vec::deserialize(d)?;
    Ok(values
        .into_iter()
        .map(|v| match v {
            Value::Plain(s) | Value::Described { value: s } => s,
        })
        .collect())
}

/// One family, as the checker needs it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FamilySpec {
    /// The family name (histograms without `_bucket`).
    pub name: String,
    /// `counter`, `gauge`, `histogram` (or `summary`).
    #[serde(rename = "type")]
    pub kind: String,
    /// The labels.
    #[serde(default)]
    pub labels: Vec<LabelSpec>,
    /// The series budget.
    pub max_series: usize,
    /// `alpha`, `beta` or `stable`.
    #[serde(default = "alpha")]
    pub stability: String,
    /// The version since which the family is deprecated, if it is.
    #[serde(default)]
    pub deprecated_since: Option<String>,
}

fn alpha() -> String {
    "alpha".to_string()
}

impl FamilySpec {
    /// The checker's view of a descriptor.
    pub fn from_descriptor(d: &FamilyDescriptor) -> Self {
        FamilySpec {
            name: d.name.to_string(),
            kind: d.kind.as_str().to_string(),
            labels: d
                .labels
                .iter()
                .map(|l| LabelSpec {
                    name: l.name.to_string(),
                    values: l.values.iter().map(|v| v.to_string()).collect(),
                    cap: l.cap,
                    waiver: l.waiver.map(str::to_string),
                })
                .collect(),
            max_series: d.max_series,
            stability: d.stability.as_str().to_string(),
            deprecated_since: d.deprecated_since.map(str::to_string),
        }
    }

    fn label(&self, name: &str) -> Option<&LabelSpec> {
        self.labels.iter().find(|l| l.name == name)
    }
}

/// A component and the families it must expose.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComponentSpec {
    /// The name given to `--component`.
    pub name: String,
    /// Its families.
    pub families: Vec<FamilySpec>,
}

/// What the checker checks against: components and their families.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Spec {
    /// The components, each with the families it requires.
    pub components: Vec<ComponentSpec>,
}

/// The component name that requires every family of every component.
pub const ALL: &str = "all";

impl Spec {
    /// The catalog of this crate (seed 000).
    pub fn builtin() -> Self {
        Spec {
            components: crate::COMPONENTS
                .iter()
                .map(|c| ComponentSpec {
                    name: c.name.to_string(),
                    families: c
                        .descriptors()
                        .into_iter()
                        .map(FamilySpec::from_descriptor)
                        .collect(),
                })
                .collect(),
        }
    }

    /// Components made of any descriptors (a test's own, for example).
    pub fn from_descriptors(components: &[(&str, &[&FamilyDescriptor])]) -> Self {
        Spec {
            components: components
                .iter()
                .map(|(name, descriptors)| ComponentSpec {
                    name: name.to_string(),
                    families: descriptors
                        .iter()
                        .map(|d| FamilySpec::from_descriptor(d))
                        .collect(),
                })
                .collect(),
        }
    }

    /// A spec from the JSON `metrics-catalog json` prints (fields the checker does not use
    /// are ignored).
    pub fn from_json(text: &str) -> Result<Self, String> {
        serde_json::from_str(text).map_err(|e| format!("not a catalog in JSON: {e}"))
    }

    /// The component names, for messages.
    pub fn component_names(&self) -> Vec<&str> {
        self.components.iter().map(|c| c.name.as_str()).collect()
    }

    /// Whether `name` is a component of this spec (or [`ALL`]).
    pub fn has_component(&self, name: &str) -> bool {
        name == ALL || self.components.iter().any(|c| c.name == name)
    }

    fn all_families(&self) -> impl Iterator<Item = &FamilySpec> {
        self.components.iter().flat_map(|c| c.families.iter())
    }

    /// Runs every check of `component`'s requirements on a parsed exposition. `source` says
    /// where the text came from, for the report. Fails only for an unknown component.
    pub fn check(
        &self,
        component: &str,
        exposition: &Exposition,
        source: &str,
    ) -> Result<Report, String> {
        let required: Vec<&FamilySpec> = if component == ALL {
            self.all_families().collect()
        } else {
            self.components
                .iter()
                .find(|c| c.name == component)
                .ok_or_else(|| {
                    format!(
                        "unknown component `{component}`; known: {}, {ALL}",
                        self.component_names().join(", ")
                    )
                })?
                .families
                .iter()
                .collect()
        };
        let known: BTreeMap<&str, &FamilySpec> =
            self.all_families().map(|f| (f.name.as_str(), f)).collect();
        let mut findings = Findings::default();

        for r in &required {
            if exposition.family(&r.name).is_none() {
                findings.add(Check::RequiredFamily, &r.name, None, None, None);
            }
        }
        for family in &exposition.families {
            let spec = known.get(family.name.as_str()).copied();
            check_family(family, spec, &mut findings);
        }

        let mut coverage = Coverage {
            required: required.len(),
            ..Coverage::default()
        };
        for r in &required {
            if let Some(f) = exposition.family(&r.name) {
                coverage.exposed += 1;
                if f.samples.iter().any(|s| s.value != 0.0) {
                    coverage.recorded += 1;
                } else {
                    coverage.never_recorded.push(r.name.clone());
                }
            }
        }

        let findings = findings.finish(&known);
        let violations = findings
            .iter()
            .filter(|f| f.severity == Severity::Violation)
            .count();
        Ok(Report {
            component: component.to_string(),
            source: source.to_string(),
            compliant: violations == 0,
            violations,
            warnings: findings.len() - violations,
            families_in_scrape: exposition.families.len(),
            samples_in_scrape: exposition.families.iter().map(|f| f.samples.len()).sum(),
            findings,
            coverage,
        })
    }
}

fn check_family(family: &ParsedFamily, spec: Option<&FamilySpec>, findings: &mut Findings) {
    let name = family.name.as_str();
    match spec {
        None if name.starts_with(crate::PREFIX) => {
            findings.add(Check::UnknownFamily, name, None, None, None);
        }
        None => {}
        Some(spec) => {
            if family.kind != spec.kind {
                findings.add(
                    Check::FamilyType,
                    name,
                    None,
                    Some(&family.kind),
                    family.samples.first().map(|s| s.line),
                );
            }
            if spec.deprecated_since.is_some() {
                findings.add(Check::DeprecatedFamily, name, None, None, None);
            }
            if family.samples.len() > spec.max_series {
                findings.series.insert(
                    name.to_string(),
                    (family.samples.len(), family.series_count()),
                );
                findings.add(Check::SeriesBudget, name, None, None, None);
            }
        }
    }
    let mut capped: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for sample in &family.samples {
        let line = Some(sample.line);
        for (label, value) in &sample.labels {
            let structural =
                (label == "le" && family.kind == "histogram" && sample.name.ends_with("_bucket"))
                    || (label == "quantile" && family.kind == "summary");
            if structural {
                continue;
            }
            let declared = spec.and_then(|s| s.label(label));
            if forbidden_label(label).is_some() && declared.is_none_or(|l| l.waiver.is_none()) {
                findings.add(Check::ForbiddenLabel, name, Some(label), None, line);
                continue;
            }
            if TEMPLATE_LABELS.contains(&label.as_str())
                && let Some(problem) = raw_path_problem(value)
            {
                findings
                    .raw_paths
                    .entry((name.to_string(), label.clone()))
                    .or_insert(problem);
                findings.add(Check::RawPath, name, Some(label), Some(value), line);
                continue;
            }
            match (spec, declared) {
                (Some(_), Some(l)) if l.cap.is_some() => {
                    capped.entry(l.name.as_str()).or_default().insert(value);
                }
                (Some(_), Some(l)) => {
                    if !l.values.iter().any(|v| v == value) {
                        findings.add(Check::LabelValue, name, Some(label), Some(value), line);
                    }
                }
                (Some(_), None) => {
                    findings.add(Check::UndeclaredLabel, name, Some(label), None, line);
                }
                (None, _) => {}
            }
        }
        if let Some(spec) = spec {
            for l in &spec.labels {
                if sample.label(&l.name).is_none() {
                    findings.add(Check::LabelValue, name, Some(&l.name), Some(""), line);
                }
            }
        }
    }
    if let Some(spec) = spec {
        for (label, values) in capped {
            let cap = spec.label(label).and_then(|l| l.cap).unwrap_or(0);
            let own = values.iter().filter(|v| **v != OVERFLOW_VALUE).count();
            if own > cap {
                findings
                    .capped
                    .insert((name.to_string(), label.to_string()), (own, cap));
                findings.add(Check::LabelValue, name, Some(label), None, None);
            }
        }
    }
}

// ---- findings ------------------------------------------------------------------------------

/// Which check a finding comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Check {
    /// A family the component requires is absent (seed 000 compliance test 1).
    RequiredFamily,
    /// A declared family is exposed with another TYPE (seed 000 compliance test 1).
    FamilyType,
    /// A forbidden label name (seed 000 compliance test 2, rule R7).
    ForbiddenLabel,
    /// A `path_template` value that is a raw path (seed 000 compliance test 2).
    RawPath,
    /// A label value outside the declared enum, a declared label missing, or a capped label
    /// over its cap (seed 000 compliance tests 3 and 4).
    LabelValue,
    /// More series than the family's budget.
    SeriesBudget,
    /// A prefixed family the catalog does not declare (warning).
    UnknownFamily,
    /// A deprecated family still exposed (warning).
    DeprecatedFamily,
    /// A label the family's declaration does not have (warning).
    UndeclaredLabel,
}

impl Check {
    /// The id used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Check::RequiredFamily => "required_family",
            Check::FamilyType => "family_type",
            Check::ForbiddenLabel => "forbidden_label",
            Check::RawPath => "raw_path",
            Check::LabelValue => "label_value",
            Check::SeriesBudget => "series_budget",
            Check::UnknownFamily => "unknown_family",
            Check::DeprecatedFamily => "deprecated_family",
            Check::UndeclaredLabel => "undeclared_label",
        }
    }

    /// Whether a finding of this check makes the scrape non-compliant.
    pub fn severity(self) -> Severity {
        match self {
            Check::UnknownFamily | Check::DeprecatedFamily | Check::UndeclaredLabel => {
                Severity::Warning
            }
            _ => Severity::Violation,
        }
    }
}

/// A violation fails the check (exit 1); a warning does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Non-compliant.
    Violation,
    /// Worth a look; compliant.
    Warning,
}

/// One finding: one check failing for one family (and label), with the offending values.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// Violation or warning.
    pub severity: Severity,
    /// The check.
    pub check: Check,
    /// The family.
    pub family: String,
    /// The label, for label checks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The offending values (at most 10; `""` is a missing label).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
    /// How many distinct offending values there are in all.
    #[serde(skip_serializing_if = "is_zero")]
    pub distinct_values: usize,
    /// The first line of the exposition where it shows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// What is wrong, for people.
    pub message: String,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// Declared families the component exposes whose every sample is 0: never recorded since the
/// process started ("defined but not instrumented"). A gauge legitimately at 0 reads the same.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Coverage {
    /// Families the component requires.
    pub required: usize,
    /// Of those, families in the scrape.
    pub exposed: usize,
    /// Of those, families with a non-zero sample.
    pub recorded: usize,
    /// Exposed families whose every sample is 0, in the component's order.
    pub never_recorded: Vec<String>,
}

/// The result of a check.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// The component checked (or `all`).
    pub component: String,
    /// Where the exposition came from.
    pub source: String,
    /// No violations.
    pub compliant: bool,
    /// Number of violations.
    pub violations: usize,
    /// Number of warnings.
    pub warnings: usize,
    /// Families in the scrape.
    pub families_in_scrape: usize,
    /// Samples in the scrape.
    pub samples_in_scrape: usize,
    /// Violations first, then warnings; by check, then family.
    pub findings: Vec<Finding>,
    /// Declared but never recorded.
    pub coverage: Coverage,
}

impl Report {
    /// The findings of one check.
    pub fn of(&self, check: Check) -> Vec<&Finding> {
        self.findings.iter().filter(|f| f.check == check).collect()
    }

    /// The human report: one line per finding, coverage, the verdict. With `list_unrecorded`
    /// every never-recorded family is listed, one per line.
    pub fn to_text(&self, list_unrecorded: bool) -> String {
        let mut out = String::new();
        let _ = self.write_text(&mut out, list_unrecorded);
        out
    }

    fn write_text(&self, out: &mut String, list_unrecorded: bool) -> std::fmt::Result {
        writeln!(
            out,
            "check `{}` on {}: {} families, {} samples",
            self.component, self.source, self.families_in_scrape, self.samples_in_scrape
        )?;
        for f in &self.findings {
            let severity = match f.severity {
                Severity::Violation => "violation",
                Severity::Warning => "warning",
            };
            write!(out, "{severity} [{}] {}", f.check.as_str(), f.message)?;
            if let Some(line) = f.line {
                write!(out, " (line {line})")?;
            }
            writeln!(out)?;
        }
        let c = &self.coverage;
        write!(
            out,
            "coverage: {} of {} required families exposed, {} recorded",
            c.exposed, c.required, c.recorded
        )?;
        if c.never_recorded.is_empty() {
            writeln!(out)?;
        } else if list_unrecorded {
            writeln!(
                out,
                "; never recorded (every sample 0): {}",
                c.never_recorded.len()
            )?;
            for name in &c.never_recorded {
                writeln!(out, "  never recorded: {name}")?;
            }
        } else {
            writeln!(
                out,
                "; {} never recorded (every sample 0; `--coverage` lists them)",
                c.never_recorded.len()
            )?;
        }
        writeln!(
            out,
            "{}: {} violation{}, {} warning{}",
            if self.compliant {
                "COMPLIANT"
            } else {
                "NOT COMPLIANT"
            },
            self.violations,
            if self.violations == 1 { "" } else { "s" },
            self.warnings,
            if self.warnings == 1 { "" } else { "s" },
        )
    }
}

#[derive(Default)]
struct Group {
    values: Vec<String>,
    seen: BTreeSet<String>,
    line: Option<usize>,
    detail: Option<String>,
}

/// Findings collected while checking, one group per (check, family, label).
#[derive(Default)]
struct Findings {
    groups: BTreeMap<(Check, String, Option<String>), Group>,
    raw_paths: BTreeMap<(String, String), String>,
    capped: BTreeMap<(String, String), (usize, usize)>,
    series: BTreeMap<String, (usize, usize)>,
}

impl Findings {
    fn add(
        &mut self,
        check: Check,
        family: &str,
        label: Option<&str>,
        value: Option<&str>,
        line: Option<usize>,
    ) {
        let g = self
            .groups
            .entry((check, family.to_string(), label.map(str::to_string)))
            .or_default();
        if g.line.is_none() {
            g.line = line;
        }
        if let Some(v) = value {
            if g.seen.insert(v.to_string()) && g.values.len() < LISTED_VALUES {
                g.values.push(v.to_string());
            }
            if check == Check::FamilyType {
                g.detail = Some(v.to_string());
            }
        }
    }

    fn finish(self, known: &BTreeMap<&str, &FamilySpec>) -> Vec<Finding> {
        let mut out: Vec<Finding> = Vec::with_capacity(self.groups.len());
        for ((check, family, label), g) in self.groups {
            let spec = known.get(family.as_str());
            let l = label.as_deref().unwrap_or("");
            let listed = |values: &[String]| {
                let mut s = values
                    .iter()
                    .map(|v| format!("{v:?}"))
                    .collect::<Vec<_>>()
                    .join(", ");
                if g.seen.len() > values.len() {
                    let _ = write!(s, " and {} more", g.seen.len() - values.len());
                }
                s
            };
            let message = match check {
                Check::RequiredFamily => format!(
                    "`{family}` ({}) is required and absent from the scrape",
                    spec.map_or("?", |s| s.kind.as_str())
                ),
                Check::FamilyType => format!(
                    "`{family}` is exposed as {}{}; it is declared {}",
                    g.detail.as_deref().unwrap_or("?"),
                    if g.detail.as_deref() == Some("untyped") {
                        " (no TYPE line)"
                    } else {
                        ""
                    },
                    spec.map_or("?", |s| s.kind.as_str())
                ),
                Check::ForbiddenLabel => format!(
                    "`{family}` has label `{l}`, which the policy forbids: {}",
                    forbidden_label(l).unwrap_or("forbidden")
                ),
                Check::RawPath => format!(
                    "`{family}` label `{l}` holds raw paths, not route templates: {} ({}); record the router's matched template",
                    listed(&g.values),
                    self.raw_paths
                        .get(&(family.clone(), l.to_string()))
                        .map_or("", String::as_str)
                ),
                Check::LabelValue => {
                    if let Some((own, cap)) = self.capped.get(&(family.clone(), l.to_string())) {
                        format!(
                            "`{family}` capped label `{l}` has {own} distinct values besides `{OVERFLOW_VALUE}`, more than its cap of {cap}"
                        )
                    } else {
                        let declared = spec
                            .and_then(|s| s.label(l))
                            .map(|d| d.values.join(", "))
                            .unwrap_or_default();
                        format!(
                            "`{family}` label `{l}` has values outside its declared enum: {} (\"\" is a missing label); declared: {declared}",
                            listed(&g.values)
                        )
                    }
                }
                Check::SeriesBudget => {
                    let (series, sets) = self.series.get(&family).copied().unwrap_or((0, 0));
                    format!(
                        "`{family}` exposes {series} series ({sets} label sets), over its budget of {}",
                        spec.map_or(0, |s| s.max_series)
                    )
                }
                Check::UnknownFamily => format!(
                    "`{family}` has the platform prefix `{}` but the catalog does not declare it",
                    crate::PREFIX
                ),
                Check::DeprecatedFamily => format!(
                    "`{family}` is deprecated since {} and still exposed; move dashboards and alerts off it before it is removed",
                    spec.and_then(|s| s.deprecated_since.as_deref())
                        .unwrap_or("?")
                ),
                Check::UndeclaredLabel => format!(
                    "`{family}` has label `{l}`, which its declaration does not (a target or global label?); its values are not checked"
                ),
            };
            out.push(Finding {
                severity: check.severity(),
                check,
                family,
                label,
                distinct_values: if g.values.is_empty() { 0 } else { g.seen.len() },
                values: g.values,
                line: g.line,
                message,
            });
        }
        out.sort_by(|a, b| {
            (a.severity, a.check, &a.family, &a.label)
                .cmp(&(b.severity, b.check, &b.family, &b.label))
        });
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exposition::parse;

    fn spec() -> Spec {
        let family = |name: &str, kind: &str, labels: Vec<LabelSpec>| FamilySpec {
            name: name.to_string(),
            kind: kind.to_string(),
            labels,
            max_series: 20,
            stability: "alpha".to_string(),
            deprecated_since: None,
        };
        let label = |name: &str, values: &[&str]| LabelSpec {
            name: name.to_string(),
            values: values.iter().map(|v| v.to_string()).collect(),
            cap: None,
            waiver: None,
        };
        Spec {
            components: vec![ComponentSpec {
                name: "demo".to_string(),
                families: vec![
                    family(
                        "trc_requests_total",
                        "counter",
                        vec![
                            label("path_template", &["/v1/things/{id}", "unmatched"]),
                            label("result", &["ok", "error"]),
                        ],
                    ),
                    family(
                        "trc_nodes",
                        "gauge",
                        vec![LabelSpec {
                            cap: Some(2),
                            ..label("node_id", &[])
                        }],
                    ),
                    family(
                        "trc_hosts",
                        "gauge",
                        vec![LabelSpec {
                            waiver: Some("three known hosts".to_string()),
                            ..label("host", &["a", "b", "c"])
                        }],
                    ),
                    FamilySpec {
                        deprecated_since: Some("1.2.0".to_string()),
                        ..family("trc_old_total", "counter", vec![])
                    },
                ],
            }],
        }
    }

    fn check(text: &str) -> Report {
        let exposition = parse(text).unwrap_or_else(|e| panic!("{e}"));
        spec()
            .check("demo", &exposition, "test")
            .unwrap_or_else(|e| panic!("{e}"))
    }

    const GOOD: &str = "# TYPE trc_requests_total counter\n\
        trc_requests_total{path_template=\"/v1/things/{id}\",result=\"ok\"} 3\n\
        trc_requests_total{path_template=\"unmatched\",result=\"error\"} 0\n\
        # TYPE trc_nodes gauge\n\
        trc_nodes{node_id=\"n1\"} 1\n\
        trc_nodes{node_id=\"n2\"} 1\n\
        trc_nodes{node_id=\"__overflow__\"} 4\n\
        # TYPE trc_hosts gauge\n\
        trc_hosts{host=\"a\"} 0\n";

    fn checks(r: &Report) -> Vec<(Check, &str, Option<&str>)> {
        r.findings
            .iter()
            .map(|f| (f.check, f.family.as_str(), f.label.as_deref()))
            .collect()
    }

    #[test]
    fn a_compliant_scrape_has_no_violations_and_reports_coverage() {
        // trc_old_total is missing: it is required, so that is the one violation.
        let r = check(GOOD);
        assert_eq!(checks(&r), [(Check::RequiredFamily, "trc_old_total", None)]);
        assert!(!r.compliant);
        let with_old = format!("{GOOD}# TYPE trc_old_total counter\ntrc_old_total 0\n");
        let r = check(&with_old);
        assert!(r.compliant, "{}", r.to_text(true));
        assert_eq!(
            checks(&r),
            [(Check::DeprecatedFamily, "trc_old_total", None)]
        );
        assert_eq!(r.coverage.required, 4);
        assert_eq!(r.coverage.exposed, 4);
        assert_eq!(r.coverage.recorded, 2);
        assert_eq!(r.coverage.never_recorded, ["trc_hosts", "trc_old_total"]);
        let text = r.to_text(true);
        assert!(text.contains("  never recorded: trc_hosts\n"), "{text}");
        assert!(
            text.ends_with("COMPLIANT: 0 violations, 1 warning\n"),
            "{text}"
        );
    }

    #[test]
    fn label_checks() {
        let text = "# TYPE trc_requests_total counter\n\
            trc_requests_total{path_template=\"/v1/things/42\",result=\"ok\"} 1\n\
            trc_requests_total{path_template=\"/v1/things/{id}\",result=\"weird\"} 1\n\
            trc_requests_total{path_template=\"/v1/things/{id}\",result=\"ok\",user_id=\"7\"} 1\n\
            trc_requests_total{path_template=\"/v1/things/{id}\"} 1\n\
            trc_requests_total{path_template=\"/v1/things/{id}\",result=\"error\",shard=\"1\"} 1\n\
            # TYPE trc_nodes gauge\n\
            trc_nodes{node_id=\"n1\"} 1\n\
            trc_nodes{node_id=\"n2\"} 1\n\
            trc_nodes{node_id=\"n3\"} 1\n\
            # TYPE trc_hosts gauge\n\
            trc_hosts{host=\"a\"} 0\n\
            # TYPE other_logins_total counter\n\
            other_logins_total{email=\"a@example.com\"} 1\n\
            # TYPE trc_surprise gauge\n\
            trc_surprise 1\n\
            # TYPE trc_old_total gauge\n\
            trc_old_total 1\n";
        let r = check(text);
        assert_eq!(
            checks(&r),
            [
                (Check::FamilyType, "trc_old_total", None),
                (Check::ForbiddenLabel, "other_logins_total", Some("email")),
                (Check::ForbiddenLabel, "trc_requests_total", Some("user_id")),
                (Check::RawPath, "trc_requests_total", Some("path_template")),
                (Check::LabelValue, "trc_nodes", Some("node_id")),
                (Check::LabelValue, "trc_requests_total", Some("result")),
                (Check::UnknownFamily, "trc_surprise", None),
                (Check::DeprecatedFamily, "trc_old_total", None),
                (Check::UndeclaredLabel, "trc_requests_total", Some("shard")),
            ],
            "{}",
            r.to_text(false)
        );
        let value = r.of(Check::LabelValue);
        let result = value
            .iter()
            .find(|f| f.label.as_deref() == Some("result"))
            .unwrap_or_else(|| panic!("no result finding"));
        assert_eq!(result.values, ["weird", ""]);
        assert_eq!(result.line, Some(3));
        assert!(
            result.message.contains("declared: ok, error"),
            "{}",
            result.message
        );
        let raw = r.of(Check::RawPath);
        assert!(
            raw[0].message.contains("numeric id `42`"),
            "{}",
            raw[0].message
        );
        assert!(
            r.of(Check::LabelValue)[0]
                .message
                .contains("more than its cap of 2")
        );
        assert!(
            r.of(Check::FamilyType)[0]
                .message
                .contains("exposed as gauge; it is declared counter")
        );
        assert_eq!(r.violations, 6);
        assert_eq!(r.warnings, 3);
    }

    #[test]
    fn series_budget_counts_samples_histograms_included() {
        let mut text = String::from("# TYPE trc_requests_total counter\n");
        for i in 0..21 {
            text.push_str(&format!(
                "trc_requests_total{{path_template=\"unmatched\",result=\"ok\",shard=\"{i}\"}} 1\n"
            ));
        }
        let r = check(&text);
        let budget = r.of(Check::SeriesBudget);
        assert_eq!(budget.len(), 1, "{}", r.to_text(false));
        assert!(
            budget[0]
                .message
                .contains("21 series (21 label sets), over its budget of 20")
        );
        // The undeclared label is listed once, with its values counted.
        assert_eq!(r.of(Check::UndeclaredLabel).len(), 1);
    }

    #[test]
    fn untyped_families_and_empty_input() {
        let r = check("trc_requests_total{path_template=\"unmatched\",result=\"ok\"} 1\n");
        let t = r.of(Check::FamilyType);
        assert!(
            t[0].message.contains("untyped (no TYPE line)"),
            "{}",
            t[0].message
        );
        let r = check("");
        assert_eq!(r.of(Check::RequiredFamily).len(), 4);
        assert_eq!(r.coverage.exposed, 0);
    }

    #[test]
    fn unknown_component_is_an_error() {
        let Err(e) = spec().check("billing", &Exposition::default(), "test") else {
            panic!("an unknown component was accepted")
        };
        assert!(
            e.contains("unknown component `billing`; known: demo, all"),
            "{e}"
        );
        assert!(spec().check(ALL, &Exposition::default(), "t").is_ok());
    }

    #[test]
    fn raw_paths_and_templates() {
        for raw in [
            "/v1/orgs/42",
            "/v1/envs/3f2504e0-4f89-11d3-9a0c-0305e82c3301/deploys",
            "/v1/orgs?page=2",
            "https://api.example.com/v1/orgs",
            "/v1/objects/5f2b9c0e8d3a4b1c",
            "/v1/things/01ARZ3NDEKTSV4RRFFQ69G5FAV",
            "/v1/files/a%20b",
            "/v1/x#top",
        ] {
            assert!(raw_path_problem(raw).is_some(), "{raw}");
        }
        for template in [
            "/v1/orgs/{org_id}",
            "/v1/orgs/:org_id/envs",
            "/v1/static/*",
            "/v1/users/<id>",
            "unmatched",
            "/v1/auth/device/code",
            "/v2/k8s/healthz",
            "/",
        ] {
            assert_eq!(raw_path_problem(template), None, "{template}");
        }
    }

    #[test]
    fn spec_from_json_accepts_the_json_command_shape() {
        let json =
            serde_json::to_string(&crate::json::Catalog::all()).unwrap_or_else(|e| panic!("{e}"));
        let from_json = Spec::from_json(&json).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(from_json, Spec::builtin());
        let plain = r#"{"components":[{"name":"x","families":[{"name":"trc_a_total","type":"counter","max_series":5,"labels":[{"name":"r","values":["ok"]}]}]}]}"#;
        let s = Spec::from_json(plain).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.components[0].families[0].labels[0].values, ["ok"]);
        assert_eq!(s.components[0].families[0].stability, "alpha");
        assert!(Spec::from_json("{}").is_err());
    }
}
