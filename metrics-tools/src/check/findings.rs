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
    /// `forbidden_label`: the name is in a catalog crate's own `forbidden_labels`.
    ForbiddenByCatalog,
    /// `forbidden_label`: a catalog crate's tenant label (R11) on a family of this kind.
    Tenant(&'static str),
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

/// Distinct strings borrowed from the input (offending values as written, label names): a
/// million distinct values cost a list of slices (16 bytes each), not a million copies or a
/// hash table. Values are appended, and sorted and deduplicated whenever the list has grown by
/// half since, so it never holds more than 1.5 times the distinct values (or 1024) and costs
/// O(n log n) in all.
#[derive(Default)]
pub(super) struct Seen<'s> {
    values: Vec<&'s str>,
    /// `values[..distinct]` is sorted and has no repeats.
    distinct: usize,
}

impl<'s> Seen<'s> {
    pub(super) fn insert(&mut self, v: &'s str) {
        self.values.push(v);
        if self.values.len() >= (self.distinct + self.distinct / 2).max(1024) {
            self.compact();
        }
    }

    fn compact(&mut self) {
        self.values.sort_unstable();
        self.values.dedup();
        self.distinct = self.values.len();
    }

    /// Distinct values, and whether `v` is one of them.
    pub(super) fn count(&mut self, v: &str) -> (usize, bool) {
        self.compact();
        (self.distinct, self.values.binary_search(&v).is_ok())
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

use super::LISTED_FINDINGS;

/// Whether the number of findings of a check is bounded by the catalog alone, so that every
/// one is listed: `required_family`, one per declared family at most. Every other check's
/// number the input can multiply (a family's lines split into many fragments, each checked),
/// so past [`LISTED_FINDINGS`] they are only counted.
fn listed_whole(check: Check) -> bool {
    check == Check::RequiredFamily
}

/// Findings collected while checking, one family at a time: a family's groups are finished
/// (counted, their message written, their borrowed values dropped) when the family ends.
#[derive(Default)]
pub(super) struct Findings<'s> {
    /// The groups of the family being checked: by check, then label (`""` for none).
    current: BTreeMap<Check, BTreeMap<String, Group<'s>>>,
    done: Vec<Finding>,
    /// Findings of each check kept so far (in `done` and `current`).
    listed: BTreeMap<Check, usize>,
    /// Findings of each check over [`LISTED_FINDINGS`], counted only.
    unlisted: BTreeMap<Check, usize>,
    /// Label names of the current family's findings left unlisted, by check.
    unlisted_labels: BTreeMap<Check, Seen<'s>>,
    /// The keys (a declared label's name, or `""`) of the current family's other findings
    /// left unlisted, by check: as many as the family declares labels, at most.
    unlisted_keys: BTreeMap<Check, std::collections::BTreeSet<String>>,
}

impl<'s> Findings<'s> {
    /// Adds a finding of a check whose number the input decides, for `label` (a name from
    /// the input), to its group of the current family and returns the group; `None` when it
    /// is past [`LISTED_FINDINGS`] and only counted.
    pub(super) fn add_input(
        &mut self,
        check: Check,
        label: &'s str,
        line: Option<usize>,
    ) -> Option<&mut Group<'s>> {
        if !self.listable(check, label) {
            self.unlisted_labels.entry(check).or_default().insert(label);
            return None;
        }
        self.group(check, label, None, line)
    }

    /// Whether a finding of `check` for `label` of the current family is listed (or counted
    /// only); counts it as listed if it is a new one.
    fn listable(&mut self, check: Check, label: &str) -> bool {
        let exists = self
            .current
            .get(&check)
            .is_some_and(|groups| groups.contains_key(label));
        if exists {
            return true;
        }
        let listed = self.listed.entry(check).or_default();
        if !listed_whole(check) && *listed >= LISTED_FINDINGS {
            return false;
        }
        *listed += 1;
        true
    }

    /// Adds a finding (an offending value, when given: unescaped, and as written in the
    /// input) to its group of the current family and returns the group; `None` when the
    /// finding is only counted. `label` is a declared label's name, or `None`, so a family
    /// has a bounded number of groups.
    pub(super) fn add(
        &mut self,
        check: Check,
        label: Option<&str>,
        value: Option<(&str, &'s str)>,
        line: Option<usize>,
    ) -> Option<&mut Group<'s>> {
        let key = label.unwrap_or("");
        if !self.listable(check, key) {
            let keys = self.unlisted_keys.entry(check).or_default();
            if !keys.contains(key) {
                keys.insert(key.to_string());
            }
            return None;
        }
        self.group(check, key, value, line)
    }

    /// The group of (`check`, `key`) of the current family, with the finding added.
    fn group(
        &mut self,
        check: Check,
        key: &str,
        value: Option<(&str, &'s str)>,
        line: Option<usize>,
    ) -> Option<&mut Group<'s>> {
        let groups = self.current.entry(check).or_default();
        if !groups.contains_key(key) {
            groups.insert(key.to_string(), Group::default());
        }
        let g = groups.get_mut(key)?;
        if g.line.is_none() {
            g.line = line;
        }
        if let Some((v, written)) = value {
            g.seen.insert(written);
            if g.values.len() < LISTED_VALUES && !g.values.iter().any(|l| l == v) {
                g.values.push(v.to_string());
            }
        }
        Some(g)
    }

    /// Finishes the groups of `family` (`declared` is its declaration, which messages quote:
    /// kind, budget, declared values).
    pub(super) fn end_family(&mut self, family: &str, declared: Option<&Family>) {
        for (check, mut seen) in std::mem::take(&mut self.unlisted_labels) {
            *self.unlisted.entry(check).or_default() += seen.count("").0;
        }
        for (check, keys) in std::mem::take(&mut self.unlisted_keys) {
            *self.unlisted.entry(check).or_default() += keys.len();
        }
        for (check, groups) in std::mem::take(&mut self.current) {
            for (label, mut g) in groups {
                let label = (!label.is_empty()).then_some(label);
                let (distinct, _) = g.seen.count("");
                let message = message(check, family, label.as_deref(), &g, distinct, declared);
                self.done.push(Finding {
                    severity: check.severity(),
                    check,
                    distinct_values: if g.values.is_empty() { 0 } else { distinct },
                    family: family.to_string(),
                    label,
                    values: g.values,
                    line: g.line,
                    message,
                });
            }
        }
    }

    /// The findings: violations first, then warnings; by check, then family and label; and
    /// the count of those left unlisted, by check.
    pub(super) fn finish(mut self) -> (Vec<Finding>, BTreeMap<Check, usize>) {
        self.done.sort_by(|a, b| {
            (a.severity, a.check, &a.family, &a.label)
                .cmp(&(b.severity, b.check, &b.family, &b.label))
        });
        self.unlisted.retain(|_, n| *n > 0);
        (self.done, self.unlisted)
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
            Some(Detail::ForbiddenByCatalog) => format!(
                "`{family}` has label `{l}`, which the catalog's policy forbids (`forbidden_labels` of the crate declaring its families); drop it or label with a bounded value instead"
            ),
            Some(Detail::Tenant(kind)) => format!(
                "`{family}` has tenant label `{l}` on a {kind}, which the catalog's policy forbids (`tenant_labels`, R11): one series per tenant of a high-frequency metric; count a global aggregate and keep per-tenant detail in logs and event queries (a gauge may carry it)"
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
            // `""` stands for the label missing from a sample: say so when it is listed.
            let missing = if g.values.iter().any(String::is_empty) {
                " (\"\" is a missing label)"
            } else {
                ""
            };
            format!(
                "`{family}` label `{l}` has values outside its declared enum: {}{missing}; declared: {values}",
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
