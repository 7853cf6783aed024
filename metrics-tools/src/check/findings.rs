//! Findings as the checker collects them: one group per (check, family, label), holding the
//! distinct offending values, the first line, and the typed detail its message needs.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use metrics_policy::ForbiddenLabel;

use super::OVERFLOW_VALUE;
use super::report::{Check, Finding};
use crate::schema::Family;

/// How many offending values a finding lists before it only counts them.
const LISTED_VALUES: usize = 10;

/// What a finding knows beyond its values, set when it is found.
pub(super) enum Detail {
    /// `family_type`: the TYPE the scrape gives.
    ExposedAs(String),
    /// `forbidden_label`: the policy's entry for the name (why, and what to label instead).
    Forbidden(&'static ForbiddenLabel),
    /// `raw_path`: what makes the first offending value a raw path.
    RawPath(String),
    /// `label_value` of a capped label: distinct values besides the overflow one, and the cap.
    Capped { distinct: usize, cap: usize },
    /// `series_budget`: samples exposed and distinct label sets.
    Series { samples: usize, label_sets: usize },
    /// `unknown_family`: the declared prefix the name starts with.
    Prefix(String),
}

/// One (check, family, label) group.
#[derive(Default)]
pub(super) struct Group {
    values: Vec<String>,
    seen: BTreeSet<String>,
    line: Option<usize>,
    detail: Option<Detail>,
}

impl Group {
    /// Records the detail, unless one was recorded first (the first raw path explains the
    /// finding; later ones are listed as values).
    pub(super) fn note(&mut self, detail: Detail) {
        if self.detail.is_none() {
            self.detail = Some(detail);
        }
    }
}

/// Findings collected while checking.
#[derive(Default)]
pub(super) struct Findings {
    groups: BTreeMap<(Check, String, Option<String>), Group>,
}

impl Findings {
    /// Adds a finding (an offending value, when given) to its group and returns the group.
    pub(super) fn add(
        &mut self,
        check: Check,
        family: &str,
        label: Option<&str>,
        value: Option<&str>,
        line: Option<usize>,
    ) -> &mut Group {
        let g = self
            .groups
            .entry((check, family.to_string(), label.map(str::to_string)))
            .or_default();
        if g.line.is_none() {
            g.line = line;
        }
        if let Some(v) = value
            && g.seen.insert(v.to_string())
            && g.values.len() < LISTED_VALUES
        {
            g.values.push(v.to_string());
        }
        g
    }

    /// The findings with their messages: violations first, then warnings; by check, then
    /// family and label. `known` gives the declaration a message quotes (kind, budget,
    /// declared values).
    pub(super) fn finish(self, known: &BTreeMap<&str, &Family>) -> Vec<Finding> {
        let mut out: Vec<Finding> = self
            .groups
            .into_iter()
            .map(|((check, family, label), g)| {
                let declared = known.get(family.as_str()).copied();
                let message = message(check, &family, label.as_deref(), &g, declared);
                Finding {
                    severity: check.severity(),
                    check,
                    distinct_values: if g.values.is_empty() { 0 } else { g.seen.len() },
                    family,
                    label,
                    values: g.values,
                    line: g.line,
                    message,
                }
            })
            .collect();
        out.sort_by(|a, b| {
            (a.severity, a.check, &a.family, &a.label)
                .cmp(&(b.severity, b.check, &b.family, &b.label))
        });
        out
    }
}

fn message(
    check: Check,
    family: &str,
    label: Option<&str>,
    g: &Group,
    declared: Option<&Family>,
) -> String {
    let l = label.unwrap_or("");
    let kind = declared.map_or("?", |f| f.kind.as_str());
    let listed = || {
        let mut s = g
            .values
            .iter()
            .map(|v| format!("{v:?}"))
            .collect::<Vec<_>>()
            .join(", ");
        if g.seen.len() > g.values.len() {
            let _ = write!(s, " and {} more", g.seen.len() - g.values.len());
        }
        s
    };
    match (check, &g.detail) {
        (Check::RequiredFamily, _) => {
            format!("`{family}` ({kind}) is required and absent from the scrape")
        }
        (Check::FamilyType, detail) => {
            let exposed = match detail {
                Some(Detail::ExposedAs(k)) => k.as_str(),
                _ => "?",
            };
            let untyped = if exposed == "untyped" {
                " (no TYPE line)"
            } else {
                ""
            };
            format!("`{family}` is exposed as {exposed}{untyped}; it is declared {kind}")
        }
        (Check::ForbiddenLabel, detail) => match detail {
            Some(Detail::Forbidden(f)) => format!(
                "`{family}` has label `{l}`, which the policy forbids: {}; {}",
                f.reason, f.instead
            ),
            _ => format!("`{family}` has label `{l}`, which the policy forbids"),
        },
        (Check::RawPath, detail) => {
            let problem = match detail {
                Some(Detail::RawPath(p)) => p.as_str(),
                _ => "",
            };
            format!(
                "`{family}` label `{l}` holds raw paths, not route templates: {} ({problem}); record the router's matched template",
                listed()
            )
        }
        (Check::LabelValue, Some(Detail::Capped { distinct, cap })) => format!(
            "`{family}` capped label `{l}` has {distinct} distinct values besides `{OVERFLOW_VALUE}`, more than its cap of {cap}"
        ),
        (Check::LabelValue, _) => {
            let values = declared
                .and_then(|f| f.label(l))
                .map(|d| d.value_names().join(", "))
                .unwrap_or_default();
            format!(
                "`{family}` label `{l}` has values outside its declared enum: {} (\"\" is a missing label); declared: {values}",
                listed()
            )
        }
        (Check::SeriesBudget, detail) => {
            let (samples, label_sets) = match detail {
                Some(Detail::Series {
                    samples,
                    label_sets,
                }) => (*samples, *label_sets),
                _ => (0, 0),
            };
            format!(
                "`{family}` exposes {samples} series ({label_sets} label sets), over its budget of {}",
                declared.map_or(0, |f| f.max_series)
            )
        }
        (Check::UnknownFamily, detail) => {
            let prefix = match detail {
                Some(Detail::Prefix(p)) => p.as_str(),
                _ => "?",
            };
            format!(
                "`{family}` has the prefix `{prefix}` of the catalog's families, but the catalog does not declare it"
            )
        }
        (Check::DeprecatedFamily, _) => format!(
            "`{family}` is deprecated since {} and still exposed; move dashboards and alerts off it before it is removed",
            declared
                .and_then(|f| f.deprecated_since.as_deref())
                .unwrap_or("?")
        ),
        (Check::UndeclaredLabel, _) => format!(
            "`{family}` has label `{l}`, which its declaration does not (a target or global label?); its values are not checked"
        ),
    }
}
