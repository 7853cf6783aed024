//! What a check returns: findings, coverage and the verdict, for people ([`Report::to_text`])
//! and for programs (serde, `--format json`).

use std::fmt::Write as _;

use serde::Serialize;

/// Which check a finding comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Check {
    /// A family the component declares is absent.
    RequiredFamily,
    /// A declared family is exposed with another TYPE.
    FamilyType,
    /// A label name the policy forbids, not declared with a waiver.
    ForbiddenLabel,
    /// A value of a label declared as route templates is a raw path.
    RawPath,
    /// A label value outside the declared values, a declared label missing, or a capped label
    /// over its cap.
    LabelValue,
    /// More series than the family's budget.
    SeriesBudget,
    /// A family under one of the catalog's prefixes that the catalog does not declare
    /// (warning).
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
    /// The family. In JSON, cut at [`LISTED_BYTES`] like every name and value quoted.
    #[serde(serialize_with = "cut")]
    pub family: String,
    /// The label, for label checks.
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "cut_label")]
    pub label: Option<String>,
    /// The offending values (at most 10; `""` is a missing label).
    #[serde(skip_serializing_if = "Vec::is_empty", serialize_with = "cut_values")]
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

/// The most bytes of a family name, label name or value a JSON report quotes: ten values
/// of a megabyte each make a report of 10 KiB, not 10 MB. A longer one is cut at a character
/// boundary and marked: `…[cut: 1048576 bytes in all]`.
pub const LISTED_BYTES: usize = 1024;

/// `s` as a JSON report quotes it: whole up to [`LISTED_BYTES`], else cut and marked.
pub fn cut_for_report(s: &str) -> std::borrow::Cow<'_, str> {
    if s.len() <= LISTED_BYTES {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut end = LISTED_BYTES;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    std::borrow::Cow::Owned(format!(
        "{}…[cut: {} bytes in all]",
        s.get(..end).unwrap_or(""),
        s.len()
    ))
}

fn cut<S: serde::Serializer>(s: &str, ser: S) -> Result<S::Ok, S::Error> {
    ser.serialize_str(&cut_for_report(s))
}

fn cut_label<S: serde::Serializer>(s: &Option<String>, ser: S) -> Result<S::Ok, S::Error> {
    match s {
        Some(s) => ser.serialize_some(&*cut_for_report(s)),
        None => ser.serialize_none(),
    }
}

fn cut_values<S: serde::Serializer>(v: &[String], ser: S) -> Result<S::Ok, S::Error> {
    ser.collect_seq(v.iter().map(|s| cut_for_report(s)))
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// Declared families a component exposes whose every sample is 0: never recorded since the
/// process started ("defined but not instrumented"). A gauge legitimately at 0 reads the same.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Coverage {
    /// Families the component declares.
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
    /// Findings counted but not listed, by check: past the first
    /// [`LISTED_FINDINGS`](super::LISTED_FINDINGS) of a check whose number the input alone
    /// decides (one per family, or per label name), so that a scrape of millions of families
    /// does not make a report of millions of lines. `violations` and `warnings` count them.
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub unlisted: std::collections::BTreeMap<Check, usize>,
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
        // Writing to a String cannot fail.
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
        for (check, n) in &self.unlisted {
            let severity = match check.severity() {
                Severity::Violation => "violation",
                Severity::Warning => "warning",
            };
            writeln!(
                out,
                "{severity} [{}] and {n} more not listed (only the first {} are)",
                check.as_str(),
                super::LISTED_FINDINGS
            )?;
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
