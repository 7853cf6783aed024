//! Rule ids and the violations the checks return.

use core::fmt;

/// A rule of the metrics policy. The ids are stable: error messages, docs and the
/// compliance checker's reports name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Rule {
    /// Metric, label and unit names are snake case `[a-z_][a-z0-9_]*`.
    R1,
    /// A family name starts with the crate's prefix.
    R2,
    /// Counters end in `_total`; nothing else does.
    R3,
    /// Base units (seconds, bytes, ratios), named in the suffix; durations in seconds.
    R4,
    /// No suffix the exposition format derives (`_bucket`, `_count`, `_sum`, `_created`).
    R5,
    /// No label name Prometheus reserves (`__*`, `le`, `quantile`, `job`, `instance`).
    R6,
    /// No label name whose values are unbounded by nature (raw paths, user ids, ...).
    R7,
    /// A label's type is a bounded `LabelValue` (enforced by the generated code).
    R8,
    /// A family's worst-case series count stays within its budget.
    R9,
    /// Every family has HELP text (its doc comment).
    R10,
    /// No tenant label on a counter or histogram, when the crate's policy names tenant labels.
    R11,
    /// Bucket bounds are finite, increasing, in the family's unit, and only on histograms.
    R12,
    /// Label values are distinct, non-empty unit variants.
    R13,
    /// A waiver or deviation states its reason.
    R14,
    /// A declared role is one of the known roles and fits the family's kind.
    R15,
}

impl Rule {
    /// Every rule, in id order.
    pub const ALL: &'static [Rule] = &[
        Rule::R1,
        Rule::R2,
        Rule::R3,
        Rule::R4,
        Rule::R5,
        Rule::R6,
        Rule::R7,
        Rule::R8,
        Rule::R9,
        Rule::R10,
        Rule::R11,
        Rule::R12,
        Rule::R13,
        Rule::R14,
        Rule::R15,
    ];

    /// The id as messages print it: `"R7"`.
    pub const fn id(self) -> &'static str {
        match self {
            Rule::R1 => "R1",
            Rule::R2 => "R2",
            Rule::R3 => "R3",
            Rule::R4 => "R4",
            Rule::R5 => "R5",
            Rule::R6 => "R6",
            Rule::R7 => "R7",
            Rule::R8 => "R8",
            Rule::R9 => "R9",
            Rule::R10 => "R10",
            Rule::R11 => "R11",
            Rule::R12 => "R12",
            Rule::R13 => "R13",
            Rule::R14 => "R14",
            Rule::R15 => "R15",
        }
    }

    /// One line on what the rule rejects, for reports and docs.
    pub const fn summary(self) -> &'static str {
        match self {
            Rule::R1 => "metric, label and unit names that are not snake case",
            Rule::R2 => "a family name without the crate's prefix",
            Rule::R3 => "a counter without `_total`, or another kind with it",
            Rule::R4 => "non-base units, or a unit the name does not state",
            Rule::R5 => "a suffix the exposition format reserves",
            Rule::R6 => "a label name Prometheus reserves",
            Rule::R7 => "a label name whose values are unbounded",
            Rule::R8 => "a label type without a finite, known set of values",
            Rule::R9 => "a family whose worst-case series count exceeds its budget",
            Rule::R10 => "a family without HELP text",
            Rule::R11 => "a tenant label on a counter or histogram",
            Rule::R12 => "bucket bounds that are empty, unordered, non-finite or misplaced",
            Rule::R13 => "label values that are empty, duplicated or carry data",
            Rule::R14 => "a waiver or deviation without a reason",
            Rule::R15 => "an unknown role, or a role on the wrong kind",
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// What part of a declaration a [`Violation`] is about, so a caller can point at it (the
/// derive maps it to a span, a checker to a line).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Target {
    /// The family's name.
    Name,
    /// The declared unit (`unit = "..."`).
    Unit,
    /// A label name.
    Label,
    /// The bucket list as a whole.
    Buckets,
    /// One bucket bound, by its position in the list.
    Bound(usize),
    /// The declared role.
    Role,
    /// A label value.
    Value,
}

/// A rule a declaration breaks: which rule, what is wrong, and what to write instead.
///
/// Displayed as `R4: <message>; <fix>`, the text the derive reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The rule broken.
    pub rule: Rule,
    /// The part of the declaration at fault.
    pub target: Target,
    /// What is wrong, without the rule id.
    pub message: String,
    /// What to write instead, when there is one thing to write.
    pub fix: Option<String>,
}

impl Violation {
    /// A violation without a fix.
    pub fn new(rule: Rule, target: Target, message: impl Into<String>) -> Self {
        Violation {
            rule,
            target,
            message: message.into(),
            fix: None,
        }
    }

    /// The same violation with what to write instead.
    #[must_use]
    pub fn with_fix(mut self, fix: impl Into<String>) -> Self {
        self.fix = Some(fix.into());
        self
    }

    /// Whether a naming deviation (`#[metric(allow = "why")]`) waives it: the `_total` rule
    /// (R3) and R4's suffix rules on the name, kept for compatibility with an existing name.
    /// Never a bad unit attribute, the prefix (R2) or a reserved suffix (R5).
    pub fn waivable(&self) -> bool {
        match self.rule {
            Rule::R3 => true,
            Rule::R4 => self.target == Target::Name,
            _ => false,
        }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.rule, self.message)?;
        if let Some(fix) = &self.fix {
            write!(f, "; {fix}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Violation {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_in_order_and_distinct() {
        for (i, rule) in Rule::ALL.iter().enumerate() {
            assert_eq!(rule.id(), format!("R{}", i + 1));
            assert!(!rule.summary().is_empty());
        }
    }

    #[test]
    fn displays_rule_message_and_fix() {
        let v = Violation::new(Rule::R3, Target::Name, "counter `a` must end in `_total`")
            .with_fix("write `a_total`");
        assert_eq!(
            v.to_string(),
            "R3: counter `a` must end in `_total`; write `a_total`"
        );
        assert!(v.waivable());
        let v = Violation::new(Rule::R10, Target::Name, "no HELP");
        assert_eq!(v.to_string(), "R10: no HELP");
        assert!(!v.waivable());
        assert!(!Violation::new(Rule::R4, Target::Unit, "x").waivable());
    }
}
