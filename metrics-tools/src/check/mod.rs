//! The compliance checker (`check`): a Prometheus text exposition, whatever language produced
//! it, held against a [`Catalog`].
//!
//! | check | what it asks | severity |
//! | --- | --- | --- |
//! | `required_family` | every family the component declares is in the scrape | violation |
//! | `family_type` | a declared family has its declared TYPE | violation |
//! | `forbidden_label` | no label name the policy forbids (the built-in table of `metrics_policy`, and the `forbidden_labels` of the catalog's crates), and no tenant label of theirs (`tenant_labels`, R11) on a counter or histogram, unless the catalog declares that label with a waiver | violation |
//! | `raw_path` | the values of a label declared as route templates (`route_templates`) are templates, not paths with ids, UUIDs or query strings | violation |
//! | `label_value` | every value of a declared label is one of its declared values; every declared label is on every sample; a capped label holds at most `cap` distinct values besides `__overflow__` | violation |
//! | `series_budget` | a declared family exposes at most `max_series` samples | violation |
//! | `unknown_family` | a family under one of the catalog's prefixes that the catalog does not declare | warning |
//! | `deprecated_family` | a family declared `deprecated_since` is still exposed | warning |
//! | `undeclared_label` | a label a declared family does not declare (a target or global label?) | warning |
//!
//! Warnings never make a scrape non-compliant. Every family of the catalog is checked where it
//! appears (type, labels, budget); only the checked component's families are required.
//! [`ALL`] requires every family of every component.
//!
//! # Unknown families
//!
//! A family declares the name prefix its crate's policy requires ([`Family::prefix`]). A
//! scraped family the catalog does not declare is reported when its name starts with one of
//! the catalog's prefixes ([`Catalog::prefixes`]): a family added without the catalog being
//! exported again, or a typo. When the catalog declares no prefix, nothing is reported: a
//! scrape also holds the runtime's, the libraries' and the exporter's own families, and
//! without a declared prefix the checker cannot tell which of them the catalog's crate owns;
//! it does not guess ownership from names. Declare a prefix to get the warning.
//!
//! # Coverage
//!
//! Besides the findings, the report lists the component's families whose every sample is 0:
//! declared, exposed, but never recorded ([`Coverage`], also on its own with [`coverage`]).
//!
//! ```
//! use metrics_tools::{Catalog, check};
//!
//! let catalog = Catalog::from_json(r#"{ "schema_version": 1, "components": [
//!     { "name": "payments", "families": [
//!         { "name": "pay_charges_total", "type": "counter", "max_series": 2,
//!           "prefix": "pay_",
//!           "labels": [ { "name": "result",
//!                         "values": [ { "value": "ok" }, { "value": "declined" } ] } ] }
//!     ] } ] }"#)?;
//! let scrape = metrics_exposition::parse(
//!     "# TYPE pay_charges_total counter\n\
//!      pay_charges_total{result=\"ok\"} 3\n\
//!      pay_charges_total{result=\"timeout\"} 1\n",
//! )
//! .map_err(|e| e.to_string())?;
//! let report = check::run(&catalog, "payments", &scrape, "stdin")?;
//! assert!(!report.compliant);
//! assert_eq!(report.of(check::Check::LabelValue)[0].values, ["timeout"]);
//! # Ok::<(), String>(())
//! ```

mod findings;
mod raw_path;
mod report;
#[cfg(test)]
mod tests;

use std::borrow::Cow;
use std::collections::BTreeMap;

use metrics_exposition::{Exposition, FamilyHead, Sample, Visit};

use crate::schema::{Catalog, Family};
use findings::{Detail, Findings, Seen};

pub use raw_path::raw_path_problem;
pub use report::{Check, Coverage, Finding, LISTED_BYTES, Report, Severity, cut_for_report};

/// The value a capped string label folds its excess values into.
pub use metrics_runtime::OVERFLOW_VALUE;

/// The component name that requires every family of every component (it shadows a component
/// of that name).
pub const ALL: &str = "all";

/// Runs every check of `component`'s requirements (or [`ALL`]) on a parsed exposition.
/// `source` says where the text came from, for the report. Fails only for an unknown
/// component, naming the known ones.
///
/// This holds the whole exposition; [`Checker`] checks one family at a time as
/// [`metrics_exposition::parse_each`] reads them, in memory bounded by the input's size.
pub fn run(
    catalog: &Catalog,
    component: &str,
    parsed: &Exposition,
    source: &str,
) -> Result<Report, String> {
    let mut checker = Checker::with_text(catalog, component, None)?;
    for family in &parsed.families {
        let mut head = FamilyHead::default();
        head.name = family.name;
        head.kind = family.kind;
        head.openmetrics = parsed.openmetrics;
        for sample in &family.samples {
            checker.sample_of(&head, sample);
        }
        checker.end_of(&head, family.samples.len(), || family.series_count());
    }
    Ok(checker.report(source))
}

/// Which of `component`'s families (or [`ALL`]'s) the scrape exposes, and which of those were
/// ever recorded: the report's coverage, without the checks. Fails only for an unknown
/// component, naming the known ones.
pub fn coverage(
    catalog: &Catalog,
    component: &str,
    parsed: &Exposition,
) -> Result<Coverage, String> {
    Ok(run(catalog, component, parsed, "")?.coverage)
}

/// The checks of one component over an exposition read one family at a time: give it to
/// [`metrics_exposition::parse_each`], then take its [`Checker::report`] if the parse
/// succeeded (never otherwise: a parse error can be found after the families it concerns).
///
/// What it keeps between families is bounded by the catalog, not by the input: a count of
/// families and samples, the declared families seen, every `required_family` finding, and at
/// most [`LISTED_FINDINGS`] findings of each other check (the input can multiply them: a
/// family per name, a label per name, a family's lines split into many fragments; the rest
/// are counted in [`Report::unlisted`]). Within a family it keeps 16 bytes per distinct
/// offending value (borrowed from the text, never copied).
///
/// A declared family whose lines start again after another family's is not grouped, which
/// the parse finds only at its end; the checker remembers the declared families it was
/// handed ([`Visit::seen`]), so the parse stops there at once with that error.
///
/// ```
/// use metrics_tools::{Catalog, check};
///
/// let catalog = Catalog::from_json(r#"{ "schema_version": 1, "components": [
///     { "name": "payments", "families": [
///         { "name": "pay_charges_total", "type": "counter", "max_series": 2 } ] } ] }"#)?;
/// let text = "# TYPE pay_charges_total counter\npay_charges_total 3\n";
/// let mut checker = check::Checker::new(&catalog, "payments", text)?;
/// metrics_exposition::parse_each(text, None, &mut checker).map_err(|e| e.to_string())?;
/// assert!(checker.report("stdin").compliant);
/// # Ok::<(), String>(())
/// ```
pub struct Checker<'c, 'a> {
    component: String,
    required: Vec<&'c Family>,
    /// Per required family: `None` absent, `Some(recorded)` exposed.
    exposed: Vec<Option<bool>>,
    required_at: BTreeMap<&'c str, usize>,
    known: BTreeMap<&'c str, &'c Family>,
    prefixes: Prefixes<'c>,
    /// The catalog crates' own forbidden labels and tenant labels.
    forbidden: Vec<&'c str>,
    tenant: Vec<&'c str>,
    text: Option<&'a str>,
    findings: Findings<'a>,
    current: Option<Current<'c, 'a>>,
    /// The declared families handed over so far, by the name the parser gives
    /// ([`Visit::seen`]).
    ended: std::collections::BTreeSet<&'a str>,
    families: usize,
    samples: usize,
}

/// What the checker keeps of the family being read.
struct Current<'c, 'a> {
    declared: Option<&'c Family>,
    nonzero: bool,
    first_line: Option<usize>,
    /// Distinct values seen per capped label, with its cap.
    capped: BTreeMap<&'c str, (usize, Seen<'a>)>,
    /// The declared family's labels, indexed.
    index: Index<'c>,
}

/// The catalog's distinct prefixes, sorted, and their distinct lengths, longest first: the
/// longest prefix of a name is found by one binary search per distinct length (at most the
/// name's length), not by a scan of every prefix. A catalog of 60,000 families, each with its
/// own prefix, costs a family of the scrape a few dozen comparisons, not 60,000.
#[derive(Default)]
struct Prefixes<'c> {
    sorted: Vec<&'c str>,
    lengths: Vec<usize>,
}

impl<'c> Prefixes<'c> {
    fn new(mut sorted: Vec<&'c str>) -> Self {
        sorted.sort_unstable();
        sorted.dedup();
        let mut lengths: Vec<usize> = sorted.iter().map(|p| p.len()).collect();
        lengths.sort_unstable_by(|a, b| b.cmp(a));
        lengths.dedup();
        Prefixes { sorted, lengths }
    }

    /// The longest prefix `name` starts with, and the number of comparisons of strings the
    /// binary searches made.
    fn longest_counted(&self, name: &str) -> (Option<&'c str>, usize) {
        let mut comparisons = 0usize;
        for &len in &self.lengths {
            // A length past the name, or inside one of its characters, is no prefix of it.
            let Some(head) = name.get(..len) else {
                continue;
            };
            let found = self.sorted.binary_search_by(|p| {
                comparisons += 1;
                (*p).cmp(head)
            });
            if let Ok(at) = found {
                return (self.sorted.get(at).copied(), comparisons);
            }
        }
        (None, comparisons)
    }

    /// The longest prefix `name` starts with.
    fn longest(&self, name: &str) -> Option<&'c str> {
        self.longest_counted(name).0
    }
}

/// A declared family's labels and values, sorted once per family so that a sample's labels
/// are looked up in logarithmic time, and which declared labels a sample misses is known by
/// counting: a family of 20,000 labels and a sample holding them all cost 20,000 lookups,
/// not 20,000 scans of 20,000.
#[derive(Default)]
struct Index<'c> {
    /// Label names and their position in the declaration, sorted by name.
    names: Vec<(&'c str, usize)>,
    /// Per label (declaration order), its values sorted.
    values: Vec<Vec<&'c str>>,
    /// Per label (declaration order), the last sample it was seen on (`sample`).
    seen: Vec<usize>,
    sample: usize,
}

impl<'c> Index<'c> {
    fn new(family: Option<&'c Family>) -> Self {
        let Some(family) = family else {
            return Index::default();
        };
        let mut names: Vec<(&str, usize)> = family
            .labels
            .iter()
            .enumerate()
            .map(|(i, l)| (l.name.as_str(), i))
            .collect();
        names.sort_unstable();
        let values = family
            .labels
            .iter()
            .map(|l| {
                let mut v: Vec<&str> = l.values.iter().map(|v| v.value.as_str()).collect();
                v.sort_unstable();
                v
            })
            .collect();
        Index {
            names,
            values,
            seen: vec![0; family.labels.len()],
            sample: 0,
        }
    }

    /// The position of label `name` in the declaration, marked seen on the current sample.
    fn label(&mut self, name: &str) -> Option<usize> {
        let at = self.names.binary_search_by(|(n, _)| (*n).cmp(name)).ok()?;
        let i = self.names.get(at)?.1;
        if let Some(seen) = self.seen.get_mut(i) {
            *seen = self.sample;
        }
        Some(i)
    }

    /// Whether declared label `i` (not capped) admits `value`.
    fn admits(&self, i: usize, value: &str) -> bool {
        self.values
            .get(i)
            .is_some_and(|v| v.binary_search(&value).is_ok())
    }

    /// Declared labels not seen on the current sample.
    fn missing(&self) -> impl Iterator<Item = usize> + '_ {
        self.seen
            .iter()
            .enumerate()
            .filter(move |(_, s)| **s != self.sample)
            .map(|(i, _)| i)
    }
}

/// How many findings of each check but `required_family` (which the catalog bounds) a report
/// lists; the rest are counted in [`Report::unlisted`]. The input decides how many there
/// are: `unknown_family` one per family, `forbidden_label` and `undeclared_label` one per
/// family and label name, and every check of a declared family one per fragment of it.
pub const LISTED_FINDINGS: usize = 100;

impl<'c, 'a> Checker<'c, 'a> {
    /// A checker of `component` (or [`ALL`]) for the exposition `text`, which
    /// [`metrics_exposition::parse_each`] will read. Fails only for an unknown component,
    /// naming the known ones.
    pub fn new(catalog: &'c Catalog, component: &str, text: &'a str) -> Result<Self, String> {
        Self::with_text(catalog, component, Some(text))
    }

    fn with_text(
        catalog: &'c Catalog,
        component: &str,
        text: Option<&'a str>,
    ) -> Result<Self, String> {
        let required = required(catalog, component)?;
        Ok(Checker {
            component: component.to_string(),
            exposed: vec![None; required.len()],
            required_at: required
                .iter()
                .enumerate()
                .map(|(i, f)| (f.name.as_str(), i))
                .rev()
                .collect(),
            required,
            known: catalog.families().map(|f| (f.name.as_str(), f)).collect(),
            prefixes: Prefixes::new(catalog.prefixes()),
            forbidden: catalog.forbidden_labels(),
            tenant: catalog.tenant_labels(),
            text,
            findings: Findings::default(),
            current: None,
            ended: std::collections::BTreeSet::new(),
            families: 0,
            samples: 0,
        })
    }

    /// The report, once the whole exposition was read. `source` says where it came from.
    pub fn report(mut self, source: &str) -> Report {
        for (i, r) in self.required.iter().enumerate() {
            if self.exposed.get(i).copied().flatten().is_none() {
                self.findings.add(Check::RequiredFamily, None, None, None);
                self.findings.end_family(&r.name, Some(r));
            }
        }
        let mut coverage = Coverage {
            required: self.required.len(),
            ..Coverage::default()
        };
        for (r, exposed) in self.required.iter().zip(&self.exposed) {
            match exposed {
                Some(true) => {
                    coverage.exposed += 1;
                    coverage.recorded += 1;
                }
                Some(false) => {
                    coverage.exposed += 1;
                    coverage.never_recorded.push(r.name.clone());
                }
                None => {}
            }
        }
        let (findings, unlisted) = self.findings.finish();
        let count = |severity: Severity| {
            findings.iter().filter(|f| f.severity == severity).count()
                + unlisted
                    .iter()
                    .filter(|(c, _)| c.severity() == severity)
                    .map(|(_, n)| n)
                    .sum::<usize>()
        };
        let violations = count(Severity::Violation);
        Report {
            component: self.component,
            source: source.to_string(),
            compliant: violations == 0,
            violations,
            warnings: count(Severity::Warning),
            families_in_scrape: self.families,
            samples_in_scrape: self.samples,
            findings,
            unlisted,
            coverage,
        }
    }

    /// The name the catalog gives `family`: in OpenMetrics a counter family `x` is the
    /// catalog's `x_total` (the name its samples carry), unless the catalog declares `x`.
    fn catalog_name<'f>(&self, family: &FamilyHead<'f>) -> Cow<'f, str> {
        if family.openmetrics && family.kind == "counter" && !self.known.contains_key(family.name) {
            Cow::Owned(format!("{}_total", family.name))
        } else {
            Cow::Borrowed(family.name)
        }
    }

    fn current(&mut self, family: &FamilyHead<'a>) -> &mut Current<'c, 'a> {
        if self.current.is_none() {
            let declared = self.known.get(&*self.catalog_name(family)).copied();
            self.current = Some(Current {
                declared,
                nonzero: false,
                first_line: None,
                capped: BTreeMap::new(),
                index: Index::new(declared),
            });
        }
        self.current.get_or_insert_with(|| Current {
            declared: None,
            nonzero: false,
            first_line: None,
            capped: BTreeMap::new(),
            index: Index::default(),
        })
    }

    /// Every check of one sample of `family`.
    fn sample_of(&mut self, family: &FamilyHead<'a>, sample: &Sample<'a>) {
        self.samples += 1;
        let current = self.current(family);
        current.nonzero |= sample.value != 0.0;
        current.first_line.get_or_insert(sample.line);
        let declared = current.declared;
        let line = Some(sample.line);
        let Checker {
            findings,
            current,
            forbidden,
            tenant,
            ..
        } = self;
        // R11 concerns the kinds whose series multiply with traffic.
        let tenant_kind = match family.kind {
            "counter" => Some("counter"),
            "histogram" => Some("histogram"),
            _ => None,
        };
        let Some(current) = current.as_mut() else {
            return;
        };
        current.index.sample += 1;
        let mut present = 0usize;
        // Names and values as written borrow from the input, so what is remembered of them
        // outlives the sample; values unescaped are what is compared with the catalog.
        for ((label, written), (_, value)) in sample.labels_as_written().zip(sample.labels()) {
            // Labels the format itself adds are not the family's.
            let structural =
                (label == "le" && family.kind == "histogram" && sample.name.ends_with("_bucket"))
                    || (label == "quantile" && family.kind == "summary");
            if structural {
                continue;
            }
            let declared_at = current.index.label(label);
            present += usize::from(declared_at.is_some());
            let declared_label = declared_at.zip(declared).and_then(|(i, f)| f.labels.get(i));
            // Any family, declared or not: a forbidden label is the exporter's problem
            // wherever it shows. A waiver is the declaring crate's reasoned exception.
            if declared_label.is_none_or(|l| l.waiver.is_none()) {
                // The built-in table, then the catalog crates' own policy.
                let detail = if let Some(entry) = metrics_policy::forbidden_label(label) {
                    Some(Detail::Forbidden(entry))
                } else if forbidden.binary_search(&label).is_ok() {
                    Some(Detail::ForbiddenByCatalog)
                } else if let Some(kind) = tenant_kind
                    && tenant.binary_search(&label).is_ok()
                {
                    Some(Detail::Tenant(kind))
                } else {
                    None
                };
                if let Some(detail) = detail {
                    if let Some(g) = findings.add_input(Check::ForbiddenLabel, label, line) {
                        g.note(detail);
                    }
                    continue;
                }
            }
            match (declared, declared_label) {
                (Some(_), Some(l)) => {
                    if l.route_templates
                        && let Some(problem) = raw_path_problem(value)
                    {
                        if let Some(g) =
                            findings.add(Check::RawPath, Some(label), Some((value, written)), line)
                        {
                            g.note(Detail::RawPath(problem));
                        }
                    } else if let Some(cap) = l.cap {
                        current
                            .capped
                            .entry(l.name.as_str())
                            .or_insert_with(|| (cap, Seen::default()))
                            .1
                            .insert(written);
                    } else if !declared_at.is_some_and(|i| current.index.admits(i, value)) {
                        findings.add(Check::LabelValue, Some(label), Some((value, written)), line);
                    }
                }
                (Some(_), None) => {
                    findings.add_input(Check::UndeclaredLabel, label, line);
                }
                (None, _) => {}
            }
        }
        // Structural labels (`le`, `quantile`) are never declared, so they do not count.
        if let Some(decl) = declared
            && present < decl.labels.len()
        {
            for i in current.index.missing() {
                if let Some(l) = decl.labels.get(i) {
                    findings.add(Check::LabelValue, Some(&l.name), Some(("", "")), line);
                }
            }
        }
    }

    /// The checks of `family` as a whole, once its `samples` were read; `label_sets` counts
    /// its series when its budget needs them.
    fn end_of(
        &mut self,
        family: &FamilyHead<'a>,
        samples: usize,
        label_sets: impl FnOnce() -> usize,
    ) {
        self.families += 1;
        self.current(family);
        let Some(current) = self.current.take() else {
            return;
        };
        let catalog_name = self.catalog_name(family);
        let name = &*catalog_name;
        let findings = &mut self.findings;
        match current.declared {
            None => {
                // The longest prefix names the family's owner most precisely.
                if let Some(prefix) = self.prefixes.longest(name)
                    && let Some(g) = findings.add(Check::UnknownFamily, None, None, None)
                {
                    g.note(Detail::Prefix(prefix.to_string()));
                }
            }
            Some(decl) => {
                if family.kind != decl.kind.as_str() {
                    let line = current.first_line;
                    if let Some(g) = findings.add(Check::FamilyType, None, None, line) {
                        g.note(Detail::ExposedAs(family.kind.to_string()));
                    }
                }
                if decl.deprecated_since.is_some() {
                    findings.add(Check::DeprecatedFamily, None, None, None);
                }
                // Samples, as `max_series` and `worst_case_series` count them (a histogram's
                // buckets, sum and count included).
                if samples > decl.max_series
                    && let Some(g) = findings.add(Check::SeriesBudget, None, None, None)
                {
                    g.note(Detail::Series {
                        samples,
                        label_sets: label_sets(),
                    });
                }
            }
        }
        for (label, (cap, mut values)) in current.capped {
            let (all, overflow) = values.count(OVERFLOW_VALUE);
            let distinct = all - usize::from(overflow);
            if distinct > cap
                && let Some(g) = findings.add(Check::LabelValue, Some(label), None, None)
            {
                g.note(Detail::Capped { distinct, cap });
            }
        }
        findings.end_family(name, current.declared);
        if current.declared.is_some() {
            self.ended.insert(family.name);
        }
        if let Some(&i) = self.required_at.get(name)
            && let Some(exposed) = self.exposed.get_mut(i)
            && exposed.is_none()
        {
            *exposed = Some(current.nonzero);
        }
    }
}

impl<'a> Visit<'a> for Checker<'_, 'a> {
    fn sample(&mut self, family: &FamilyHead<'a>, sample: Sample<'a>) {
        self.sample_of(family, &sample);
    }

    fn end(&mut self, family: FamilyHead<'a>) {
        let text = self.text;
        let span = family.span.clone();
        self.end_of(&family, family.samples, || {
            text.and_then(|t| t.get(span))
                .map_or(0, metrics_exposition::series_count)
        });
    }

    fn seen(&self, name: &str) -> bool {
        self.ended.contains(name)
    }
}

/// The families `component` requires, in the catalog's order.
fn required<'c>(catalog: &'c Catalog, component: &str) -> Result<Vec<&'c Family>, String> {
    if component == ALL {
        return Ok(catalog.families().collect());
    }
    match catalog.component(component) {
        Some(c) => Ok(c.families.iter().collect()),
        None => {
            let mut known = catalog.component_names();
            known.push(ALL);
            Err(format!(
                "unknown component `{component}`; known: {}",
                known.join(", ")
            ))
        }
    }
}
