//! Findings as the checker collects them: one group per (check, family, label), holding the
//! distinct offending values, the first line, and the typed detail its message needs.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use metrics_exposition::excerpt;
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
pub(super) struct Group<'s> {
    values: Vec<String>,
    seen: Seen<'s>,
    line: Option<usize>,
    detail: Option<Detail>,
}

/// The distinct offending values of a group, borrowed from the parsed scrape: a million
/// distinct values cost a list of slices (16 bytes each), not a million copies or a hash
/// table. Values are appended, and sorted and deduplicated whenever the list has doubled
/// since, so it never holds more than twice the distinct values and costs O(n log n) in all.
#[derive(Default)]
struct Seen<'s> {
    values: Vec<&'s str>,
    /// `values[..distinct]` is sorted and has no repeats.
    distinct: usize,
}

impl<'s> Seen<'s> {
    fn insert(&mut self, v: &'s str) {
        self.values.push(v);
        if self.values.len() >= (2 * self.distinct).max(1024) {
            self.compact();
        }
    }

    fn compact(&mut self) {
        self.values.sort_unstable();
        self.values.dedup();
        self.distinct = self.values.len();
    }

    fn count(&mut self) -> usize {
        self.compact();
        self.distinct
    }
}

impl Group<'_> {
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
pub(super) struct Findings<'s> {
    groups: BTreeMap<(Check, String, Option<String>), Group<'s>>,
}

impl<'s> Findings<'s> {
    /// Adds a finding (an offending value, when given) to its group and returns the group.
    pub(super) fn add(
        &mut self,
        check: Check,
        family: &str,
        label: Option<&str>,
        value: Option<&'s str>,
        line: Option<usize>,
    ) -> &mut Group<'s> {
        let g = self
            .groups
            .entry((check, family.to_string(), label.map(str::to_string)))
            .or_default();
        if g.line.is_none() {
            g.line = line;
        }
        if let Some(v) = value {
            g.seen.insert(v);
            if g.values.len() < LISTED_VALUES && !g.values.iter().any(|l| l == v) {
                g.values.push(v.to_string());
            }
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
            .map(|((check, family, label), mut g)| {
                let declared = known.get(family.as_str()).copied();
                let distinct = g.seen.count();
                let message = message(check, &family, label.as_deref(), &g, distinct, declared);
                Finding {
                    severity: check.severity(),
                    check,
                    distinct_values: if g.values.is_empty() { 0 } else { distinct },
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
    g: &Group<'_>,
    distinct: usize,
    declared: Option<&Family>,
) -> String {
    // Names and values come from the scrape: a message quotes an excerpt of each, so a
    // megabyte label value is not printed back whole.
    let l = excerpt(label.unwrap_or(""));
    let family = excerpt(family);
    let kind = declared.map_or("?", |f| f.kind.as_str());
    let listed = || {
        let mut s = g
            .values
            .iter()
            .map(|v| format!("{:?}", excerpt(v)))
            .collect::<Vec<_>>()
            .join(", ");
        if distinct > g.values.len() {
            let _ = write!(s, " and {} more", distinct - g.values.len());
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
                .and_then(|f| f.label(label.unwrap_or("")))
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
            let prefix = excerpt(prefix);
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
