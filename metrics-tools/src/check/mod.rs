//! The compliance checker (`check`): a Prometheus text exposition, whatever language produced
//! it, held against a [`Catalog`].
//!
//! | check | what it asks | severity |
//! | --- | --- | --- |
//! | `required_family` | every family the component declares is in the scrape | violation |
//! | `family_type` | a declared family has its declared TYPE | violation |
//! | `forbidden_label` | no label name the policy forbids (`metrics_policy`), unless the catalog declares that label with a waiver | violation |
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

use std::collections::{BTreeMap, BTreeSet};

use metrics_exposition::{Exposition, ParsedFamily};

use crate::schema::{Catalog, Family};
use findings::{Detail, Findings};

pub use raw_path::raw_path_problem;
pub use report::{Check, Coverage, Finding, Report, Severity};

/// The value a capped string label folds its excess values into.
pub use metrics_runtime::OVERFLOW_VALUE;

/// The component name that requires every family of every component (it shadows a component
/// of that name).
pub const ALL: &str = "all";

/// Runs every check of `component`'s requirements (or [`ALL`]) on a parsed exposition.
/// `source` says where the text came from, for the report. Fails only for an unknown
/// component, naming the known ones.
pub fn run(
    catalog: &Catalog,
    component: &str,
    parsed: &Exposition,
    source: &str,
) -> Result<Report, String> {
    let required = required(catalog, component)?;
    let known: BTreeMap<&str, &Family> = catalog.families().map(|f| (f.name.as_str(), f)).collect();
    let prefixes = catalog.prefixes();
    let mut findings = Findings::default();

    for r in &required {
        if parsed.family(&r.name).is_none() {
            findings.add(Check::RequiredFamily, &r.name, None, None, None);
        }
    }
    for family in &parsed.families {
        let declared = known.get(family.name).copied();
        check_family(family, declared, &prefixes, &mut findings);
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
        families_in_scrape: parsed.families.len(),
        samples_in_scrape: parsed.families.iter().map(|f| f.samples.len()).sum(),
        findings,
        coverage: coverage_of(&required, parsed),
    })
}

/// Which of `component`'s families (or [`ALL`]'s) the scrape exposes, and which of those were
/// ever recorded: the report's coverage, without the checks. Fails only for an unknown
/// component, naming the known ones.
pub fn coverage(
    catalog: &Catalog,
    component: &str,
    parsed: &Exposition,
) -> Result<Coverage, String> {
    Ok(coverage_of(&required(catalog, component)?, parsed))
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

fn coverage_of(required: &[&Family], parsed: &Exposition) -> Coverage {
    let mut coverage = Coverage {
        required: required.len(),
        ..Coverage::default()
    };
    for r in required {
        if let Some(f) = parsed.family(&r.name) {
            coverage.exposed += 1;
            if f.samples.iter().any(|s| s.value != 0.0) {
                coverage.recorded += 1;
            } else {
                coverage.never_recorded.push(r.name.clone());
            }
        }
    }
    coverage
}

/// Every check of one scraped family; `declared` is its declaration, if the catalog has one.
fn check_family<'p>(
    family: &'p ParsedFamily<'_>,
    declared: Option<&Family>,
    prefixes: &[&str],
    findings: &mut Findings<'p>,
) {
    let name = family.name;
    match declared {
        None => {
            // The longest prefix names the family's owner most precisely.
            if let Some(prefix) = prefixes
                .iter()
                .filter(|p| name.starts_with(**p))
                .max_by_key(|p| p.len())
            {
                findings
                    .add(Check::UnknownFamily, name, None, None, None)
                    .note(Detail::Prefix(prefix.to_string()));
            }
        }
        Some(decl) => {
            if family.kind != decl.kind.as_str() {
                let line = family.samples.first().map(|s| s.line);
                findings
                    .add(Check::FamilyType, name, None, None, line)
                    .note(Detail::ExposedAs(family.kind.to_string()));
            }
            if decl.deprecated_since.is_some() {
                findings.add(Check::DeprecatedFamily, name, None, None, None);
            }
            // Samples, as `max_series` and `worst_case_series` count them (a histogram's
            // buckets, sum and count included).
            if family.samples.len() > decl.max_series {
                findings
                    .add(Check::SeriesBudget, name, None, None, None)
                    .note(Detail::Series {
                        samples: family.samples.len(),
                        label_sets: family.series_count(),
                    });
            }
        }
    }

    // Distinct values seen per capped label, with its cap.
    let mut capped: BTreeMap<&str, (usize, BTreeSet<&str>)> = BTreeMap::new();
    for sample in &family.samples {
        let line = Some(sample.line);
        for (label, value) in sample.labels() {
            // Labels the format itself adds are not the family's.
            let structural =
                (label == "le" && family.kind == "histogram" && sample.name.ends_with("_bucket"))
                    || (label == "quantile" && family.kind == "summary");
            if structural {
                continue;
            }
            let declared_label = declared.and_then(|f| f.label(label));
            // Any family, declared or not: a forbidden label is the exporter's problem
            // wherever it shows. A waiver is the declaring crate's reasoned exception.
            if declared_label.is_none_or(|l| l.waiver.is_none())
                && let Some(forbidden) = metrics_policy::forbidden_label(label)
            {
                findings
                    .add(Check::ForbiddenLabel, name, Some(label), None, line)
                    .note(Detail::Forbidden(forbidden));
                continue;
            }
            match (declared, declared_label) {
                (Some(_), Some(l)) => {
                    if l.route_templates
                        && let Some(problem) = raw_path_problem(value)
                    {
                        findings
                            .add(Check::RawPath, name, Some(label), Some(value), line)
                            .note(Detail::RawPath(problem));
                    } else if let Some(cap) = l.cap {
                        capped
                            .entry(l.name.as_str())
                            .or_insert_with(|| (cap, BTreeSet::new()))
                            .1
                            .insert(value);
                    } else if !l.admits(value) {
                        findings.add(Check::LabelValue, name, Some(label), Some(value), line);
                    }
                }
                (Some(_), None) => {
                    findings.add(Check::UndeclaredLabel, name, Some(label), None, line);
                }
                (None, _) => {}
            }
        }
        if let Some(decl) = declared {
            for l in &decl.labels {
                if sample.label(&l.name).is_none() {
                    findings.add(Check::LabelValue, name, Some(&l.name), Some(""), line);
                }
            }
        }
    }
    for (label, (cap, values)) in capped {
        let distinct = values.iter().filter(|v| **v != OVERFLOW_VALUE).count();
        if distinct > cap {
            findings
                .add(Check::LabelValue, name, Some(label), None, None)
                .note(Detail::Capped { distinct, cap });
        }
    }
}
