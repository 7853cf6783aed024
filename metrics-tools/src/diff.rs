//! The changes between a catalog and a baseline catalog (a committed JSON), graded by the
//! baseline family's stability level as Kubernetes grades metric changes.
//!
//! Families are matched by name across components. A family that is gone while another with
//! the same type, labels (names, caps and values, in any order) and non-empty HELP appeared is
//! reported once, as a rename. Every change is one [`Change`] with a typed [`ChangeKind`];
//! some kinds are breaking for a reader of the metric (a query, a recording rule, an alert or a
//! dashboard may stop matching or change meaning):
//!
//! | change | breaking |
//! | --- | --- |
//! | family removed, renamed | yes |
//! | type, unit, buckets changed | yes |
//! | native histogram removed | yes |
//! | native histogram added, its schema, zero threshold or bucket limit changed | no |
//! | label added, removed | yes |
//! | label value removed | yes |
//! | capped label's cap lowered; label turned from values into a cap, or back | yes |
//! | stability lowered (`stable` → `beta`) | yes |
//! | family added, label value added, cap raised | no |
//! | HELP, role, error marks of values changed; moved to another component | no |
//! | stability raised, deprecated, deprecation withdrawn or its version changed | no |
//!
//! A breaking change is graded by the baseline family: on a `stable` family it is an
//! [`Severity::Error`] (the `diff` command exits 1) unless the baseline family was already
//! deprecated (`deprecated_since`), since a stable family changes or goes only after a
//! deprecation; on a `beta` family it is a [`Severity::Warning`]; on an `alpha` family, or on
//! any family the baseline already deprecated, it is [`Severity::Info`]. A non-breaking change
//! is always [`Severity::Info`].
//!
//! Adding a value to a label is not breaking: every query over the existing values still
//! matches what it did, and aggregations over the label take the new value in; the series it
//! adds are held to the family's budget by `check`.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::schema::{Catalog, Family, Kind, Label, NativeHistogram, Role, Stability};

/// How a change is graded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// A breaking change to a stable family that was not deprecated first: `diff` fails.
    Error,
    /// A breaking change to a beta family.
    Warning,
    /// A non-breaking change, or a breaking one to an alpha or deprecated family.
    Info,
}

impl Severity {
    /// `error`, `warning` or `note`, as the text report writes it.
    pub const fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "note",
        }
    }
}

impl core::fmt::Display for Severity {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What changed, with its detail. In JSON the variant is the `change` field, its detail
/// fields sit beside it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum ChangeKind {
    /// The family is gone.
    FamilyRemoved,
    /// The family is gone and one with the same type, labels and HELP appeared.
    FamilyRenamed {
        /// The baseline name.
        from: String,
        /// The current name.
        to: String,
    },
    /// A new family.
    FamilyAdded,
    /// The family now lives in another component.
    ComponentMoved {
        /// The baseline component.
        from: String,
        /// The current component.
        to: String,
    },
    /// The Prometheus type changed (buckets are then not compared).
    TypeChanged {
        /// The baseline type.
        from: Kind,
        /// The current type.
        to: Kind,
    },
    /// The unit changed.
    UnitChanged {
        /// The baseline unit.
        from: Option<String>,
        /// The current unit.
        to: Option<String>,
    },
    /// A native histogram was declared on a histogram that had none: protobuf scrapes gain
    /// its series, queries of the classic buckets still match.
    NativeAdded {
        /// The current settings.
        to: NativeHistogram,
    },
    /// The native histogram was dropped: protobuf scrapes lose its series.
    NativeRemoved {
        /// The baseline settings.
        from: NativeHistogram,
    },
    /// The native histogram's schema, zero threshold or bucket limit changed: Prometheus
    /// aggregates histograms of different schemas, so queries keep their meaning.
    NativeChanged {
        /// The baseline settings.
        from: NativeHistogram,
        /// The current settings.
        to: NativeHistogram,
    },
    /// A histogram's bucket bounds changed.
    BucketsChanged {
        /// The baseline bounds.
        from: Vec<f64>,
        /// The current bounds.
        to: Vec<f64>,
    },
    /// A new label.
    LabelAdded {
        /// Its name.
        label: String,
    },
    /// A label is gone.
    LabelRemoved {
        /// Its name.
        label: String,
    },
    /// A value a label could take is gone.
    LabelValueRemoved {
        /// The label.
        label: String,
        /// The value.
        value: String,
    },
    /// A label can take a new value.
    LabelValueAdded {
        /// The label.
        label: String,
        /// The value.
        value: String,
    },
    /// A capped label's cap is lower: values that had their own series fold into
    /// `__overflow__`.
    LabelCapLowered {
        /// The label.
        label: String,
        /// The baseline cap.
        from: usize,
        /// The current cap.
        to: usize,
    },
    /// A capped label's cap is higher.
    LabelCapRaised {
        /// The label.
        label: String,
        /// The baseline cap.
        from: usize,
        /// The current cap.
        to: usize,
    },
    /// A label that listed its values is now capped: a listed value may fold into
    /// `__overflow__`.
    LabelCapped {
        /// The label.
        label: String,
        /// The current cap.
        cap: usize,
    },
    /// A capped label now lists its values: any other value it took is gone.
    LabelUncapped {
        /// The label.
        label: String,
        /// The baseline cap.
        cap: usize,
    },
    /// A value is now marked as an error outcome, or no longer is (rules' error ratios change).
    ValueErrorChanged {
        /// The label.
        label: String,
        /// The value.
        value: String,
        /// Whether the value is an error outcome now.
        error: bool,
    },
    /// The HELP text changed.
    HelpChanged {
        /// The baseline text.
        from: String,
        /// The current text.
        to: String,
    },
    /// The declared role changed (rules and dashboards built from it change).
    RoleChanged {
        /// The baseline role.
        from: Role,
        /// The current role.
        to: Role,
    },
    /// The stability level is lower.
    StabilityLowered {
        /// The baseline level.
        from: Stability,
        /// The current level.
        to: Stability,
    },
    /// The stability level is higher.
    StabilityRaised {
        /// The baseline level.
        from: Stability,
        /// The current level.
        to: Stability,
    },
    /// The family is now deprecated.
    Deprecated {
        /// The version since which it is.
        since: String,
    },
    /// The family is no longer deprecated.
    DeprecationWithdrawn {
        /// The version since which the baseline had it deprecated.
        since: String,
    },
    /// The version since which the family is deprecated changed.
    DeprecationVersionChanged {
        /// The baseline version.
        from: String,
        /// The current version.
        to: String,
    },
}

impl ChangeKind {
    /// Whether the change can break a reader of the family (see the module documentation).
    pub fn is_breaking(&self) -> bool {
        match self {
            ChangeKind::FamilyRemoved
            | ChangeKind::FamilyRenamed { .. }
            | ChangeKind::TypeChanged { .. }
            | ChangeKind::UnitChanged { .. }
            | ChangeKind::BucketsChanged { .. }
            | ChangeKind::NativeRemoved { .. }
            | ChangeKind::LabelAdded { .. }
            | ChangeKind::LabelRemoved { .. }
            | ChangeKind::LabelValueRemoved { .. }
            | ChangeKind::LabelCapLowered { .. }
            | ChangeKind::LabelCapped { .. }
            | ChangeKind::LabelUncapped { .. }
            | ChangeKind::StabilityLowered { .. } => true,
            ChangeKind::FamilyAdded
            | ChangeKind::NativeAdded { .. }
            | ChangeKind::NativeChanged { .. }
            | ChangeKind::ComponentMoved { .. }
            | ChangeKind::LabelValueAdded { .. }
            | ChangeKind::LabelCapRaised { .. }
            | ChangeKind::ValueErrorChanged { .. }
            | ChangeKind::HelpChanged { .. }
            | ChangeKind::RoleChanged { .. }
            | ChangeKind::StabilityRaised { .. }
            | ChangeKind::Deprecated { .. }
            | ChangeKind::DeprecationWithdrawn { .. }
            | ChangeKind::DeprecationVersionChanged { .. } => false,
        }
    }

    /// The change in words.
    pub fn describe(&self) -> String {
        match self {
            ChangeKind::FamilyRemoved => "family removed".to_string(),
            ChangeKind::FamilyRenamed { from, to } => format!("family renamed `{from}` → `{to}`"),
            ChangeKind::FamilyAdded => "family added".to_string(),
            ChangeKind::ComponentMoved { from, to } => {
                format!("moved from component `{from}` to `{to}`")
            }
            ChangeKind::TypeChanged { from, to } => format!("type changed {from} → {to}"),
            ChangeKind::UnitChanged { from, to } => {
                format!("unit changed {} → {}", unit(from), unit(to))
            }
            ChangeKind::BucketsChanged { from, to } => {
                format!("buckets changed {} → {}", bounds(from), bounds(to))
            }
            ChangeKind::NativeAdded { to } => format!("native histogram added ({})", native(to)),
            ChangeKind::NativeRemoved { from } => {
                format!("native histogram removed (was {})", native(from))
            }
            ChangeKind::NativeChanged { from, to } => {
                format!("native histogram changed {} → {}", native(from), native(to))
            }
            ChangeKind::LabelAdded { label } => format!("label `{label}` added"),
            ChangeKind::LabelRemoved { label } => format!("label `{label}` removed"),
            ChangeKind::LabelValueRemoved { label, value } => {
                format!("value `{value}` of label `{label}` removed")
            }
            ChangeKind::LabelValueAdded { label, value } => {
                format!("value `{value}` of label `{label}` added")
            }
            ChangeKind::LabelCapLowered { label, from, to } => {
                format!("cap of label `{label}` lowered {from} → {to}")
            }
            ChangeKind::LabelCapRaised { label, from, to } => {
                format!("cap of label `{label}` raised {from} → {to}")
            }
            ChangeKind::LabelCapped { label, cap } => {
                format!("label `{label}` no longer lists its values: capped at {cap}")
            }
            ChangeKind::LabelUncapped { label, cap } => {
                format!("label `{label}` was capped at {cap}, now lists its values")
            }
            ChangeKind::ValueErrorChanged {
                label,
                value,
                error,
            } => {
                if *error {
                    format!("value `{value}` of label `{label}` now marked as an error")
                } else {
                    format!("value `{value}` of label `{label}` no longer marked as an error")
                }
            }
            ChangeKind::HelpChanged { from, to } => format!("HELP changed {from:?} → {to:?}"),
            ChangeKind::RoleChanged { from, to } => {
                format!("role changed {} → {}", from.as_str(), to.as_str())
            }
            ChangeKind::StabilityLowered { from, to } => {
                format!("stability lowered {} → {}", from.as_str(), to.as_str())
            }
            ChangeKind::StabilityRaised { from, to } => {
                format!("stability raised {} → {}", from.as_str(), to.as_str())
            }
            ChangeKind::Deprecated { since } => format!("deprecated since {since}"),
            ChangeKind::DeprecationWithdrawn { since } => {
                format!("deprecation (since {since}) withdrawn")
            }
            ChangeKind::DeprecationVersionChanged { from, to } => {
                format!("deprecated since {to} (was {from})")
            }
        }
    }
}

fn unit(u: &Option<String>) -> String {
    match u {
        Some(u) => format!("`{u}`"),
        None => "none".to_string(),
    }
}

fn bounds(b: &[f64]) -> String {
    let items: Vec<String> = b.iter().map(f64::to_string).collect();
    format!("[{}]", items.join(", "))
}

/// One change to one family.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// The family's name in the baseline (in the current catalog for an added family).
    pub family: String,
    /// The component the baseline lists it in (the current one for an added family).
    pub component: String,
    /// The baseline family's stability level (the current one for an added family).
    pub stability: Stability,
    /// What changed.
    #[serde(flatten)]
    pub kind: ChangeKind,
    /// Whether the change can break a reader ([`ChangeKind::is_breaking`]).
    pub breaking: bool,
    /// How it is graded.
    pub severity: Severity,
    /// The change and its grading, in words.
    pub message: String,
}

impl Change {
    /// The change as one line of the text report.
    pub fn line(&self) -> String {
        format!(
            "{}: {}/{} [{}]: {}",
            self.severity,
            self.component,
            self.family,
            self.stability.as_str(),
            self.message
        )
    }
}

/// The changes between a baseline and a current catalog, errors first, then warnings, then
/// notes; within a severity, in the baseline's order, added families last.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Diff {
    /// Every change.
    pub changes: Vec<Change>,
}

impl Diff {
    /// Whether any change is an error (the `diff` command then exits 1).
    pub fn is_breaking(&self) -> bool {
        self.errors() > 0
    }

    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// The number of changes graded `severity`.
    pub fn count(&self, severity: Severity) -> usize {
        self.changes
            .iter()
            .filter(|c| c.severity == severity)
            .count()
    }

    /// The number of errors.
    pub fn errors(&self) -> usize {
        self.count(Severity::Error)
    }

    /// The number of warnings.
    pub fn warnings(&self) -> usize {
        self.count(Severity::Warning)
    }

    /// The number of notes.
    pub fn notes(&self) -> usize {
        self.count(Severity::Info)
    }

    /// The summary line: `BREAKING: 2 errors, 1 warning, 3 notes`, `OK: 0 errors, ...`, or
    /// `OK: no changes`.
    pub fn summary(&self) -> String {
        if self.is_empty() {
            return "OK: no changes".to_string();
        }
        format!(
            "{}: {}, {}, {}",
            if self.is_breaking() { "BREAKING" } else { "OK" },
            plural(self.errors(), "error"),
            plural(self.warnings(), "warning"),
            plural(self.notes(), "note")
        )
    }

    /// The human report: one line per change, then the summary line.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for c in &self.changes {
            out.push_str(&c.line());
            out.push('\n');
        }
        out.push_str(&self.summary());
        out.push('\n');
        out
    }

    /// The changes as pretty JSON, ending in a newline.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }
}

fn plural(n: usize, word: &str) -> String {
    let mut s = format!("{n} {word}");
    if n != 1 {
        s.push('s');
    }
    s
}

/// The severity of a change to a family whose baseline is `baseline`, and why.
fn grade(breaking: bool, baseline: &Family) -> (Severity, String) {
    if !breaking {
        return (Severity::Info, String::new());
    }
    if let Some(since) = &baseline.deprecated_since {
        return (
            Severity::Info,
            format!("breaking, allowed: deprecated since {since}"),
        );
    }
    match baseline.stability {
        Stability::Stable => (
            Severity::Error,
            "breaking: a stable family must first be deprecated, with `deprecated_since`, \
             in an earlier release"
                .to_string(),
        ),
        Stability::Beta => (Severity::Warning, "breaking for a beta family".to_string()),
        Stability::Alpha => (
            Severity::Info,
            "breaking, allowed for an alpha family".to_string(),
        ),
    }
}

/// A family and the component listing it.
#[derive(Clone, Copy)]
struct Entry<'a> {
    component: &'a str,
    family: &'a Family,
}

fn entries(catalog: &Catalog) -> Vec<Entry<'_>> {
    let mut seen = BTreeSet::new();
    catalog
        .components
        .iter()
        .flat_map(|c| {
            c.families.iter().map(move |f| Entry {
                component: c.name.as_str(),
                family: f,
            })
        })
        // A family declared twice counts once, where it first appears.
        .filter(|e| seen.insert(e.family.name.as_str()))
        .collect()
}

/// Collects the changes of one baseline family.
struct Recorder<'a> {
    changes: &'a mut Vec<Change>,
    baseline: Entry<'a>,
}

impl Recorder<'_> {
    fn push(&mut self, kind: ChangeKind) {
        let breaking = kind.is_breaking();
        let (severity, why) = grade(breaking, self.baseline.family);
        let mut message = kind.describe();
        if !why.is_empty() {
            message.push_str(" (");
            message.push_str(&why);
            message.push(')');
        }
        self.changes.push(Change {
            family: self.baseline.family.name.clone(),
            component: self.baseline.component.to_string(),
            stability: self.baseline.family.stability,
            kind,
            breaking,
            severity,
            message,
        });
    }
}

/// The value names of a label, as a set.
fn value_set(label: &Label) -> BTreeSet<&str> {
    label.values.iter().map(|v| v.value.as_str()).collect()
}

/// Whether two families' labels are the same: names, caps and values, in any order.
fn same_labels(a: &Family, b: &Family) -> bool {
    a.labels.len() == b.labels.len()
        && a.labels.iter().all(|la| {
            b.label(&la.name)
                .is_some_and(|lb| la.cap == lb.cap && value_set(la) == value_set(lb))
        })
}

/// Whether `added` can be `removed` under a new name.
fn is_rename(removed: &Family, added: &Family) -> bool {
    removed.kind == added.kind
        && !removed.help.trim().is_empty()
        && removed.help == added.help
        && same_labels(removed, added)
}

/// What [`is_rename`] compares of a family, as one ordered key: its kind, help, and labels
/// (names, caps and value sets, in name order). Two families with help are a rename pair
/// exactly when their signatures are equal, so the added families are indexed by it and each
/// removed family finds its candidates by one lookup, not a scan of every added family.
type Signature<'a> = (
    &'a str,
    &'a str,
    Vec<(&'a str, Option<usize>, Vec<&'a str>)>,
);

fn signature(f: &Family) -> Signature<'_> {
    let mut labels: Vec<(&str, Option<usize>, Vec<&str>)> = f
        .labels
        .iter()
        .map(|l| {
            let mut values: Vec<&str> = l.values.iter().map(|v| v.value.as_str()).collect();
            values.sort_unstable();
            values.dedup();
            (l.name.as_str(), l.cap, values)
        })
        .collect();
    labels.sort_unstable();
    (f.kind.as_str(), f.help.as_str(), labels)
}

/// The added families that may be renames, by [`signature`]: per signature, their positions
/// in the order added, overall and per component, each with a cursor past those paired.
#[derive(Default)]
struct Candidates<'a> {
    by_signature: BTreeMap<Signature<'a>, Bucket<'a>>,
}

#[derive(Default)]
struct Bucket<'a> {
    all: (Vec<usize>, usize),
    by_component: BTreeMap<&'a str, (Vec<usize>, usize)>,
}

/// The first position of `list` (from its cursor on) not yet paired; the cursor moves past
/// those paired, so every position is skipped once in all.
fn first_unpaired(list: &mut (Vec<usize>, usize), paired: &[bool]) -> Option<usize> {
    let (positions, cursor) = list;
    while let Some(&i) = positions.get(*cursor) {
        if !paired.get(i).copied().unwrap_or(true) {
            return Some(i);
        }
        *cursor += 1;
    }
    None
}

impl<'a> Candidates<'a> {
    fn new(added: &[Entry<'a>]) -> Self {
        let mut c = Candidates::default();
        for (i, a) in added.iter().enumerate() {
            if a.family.help.trim().is_empty() {
                // A removed family needs help to be renamed, and equal help to match.
                continue;
            }
            let bucket = c.by_signature.entry(signature(a.family)).or_default();
            bucket.all.0.push(i);
            bucket
                .by_component
                .entry(a.component)
                .or_default()
                .0
                .push(i);
        }
        c
    }

    /// The added family `removed` was renamed to: the first unpaired match, one in the same
    /// component first.
    fn rename_of(&mut self, removed: &Entry<'a>, paired: &[bool]) -> Option<usize> {
        if removed.family.help.trim().is_empty() {
            return None;
        }
        let bucket = self.by_signature.get_mut(&signature(removed.family))?;
        let same = bucket
            .by_component
            .get_mut(removed.component)
            .and_then(|l| first_unpaired(l, paired));
        same.or_else(|| first_unpaired(&mut bucket.all, paired))
    }
}

/// Compares one label present in both families.
fn compare_label(r: &mut Recorder<'_>, b: &Label, c: &Label) {
    let name = || b.name.clone();
    match (b.cap, c.cap) {
        (Some(from), Some(to)) if to < from => r.push(ChangeKind::LabelCapLowered {
            label: name(),
            from,
            to,
        }),
        (Some(from), Some(to)) if to > from => r.push(ChangeKind::LabelCapRaised {
            label: name(),
            from,
            to,
        }),
        (None, Some(cap)) => {
            r.push(ChangeKind::LabelCapped { label: name(), cap });
            return;
        }
        (Some(cap), None) => {
            r.push(ChangeKind::LabelUncapped { label: name(), cap });
            return;
        }
        _ => {}
    }
    for v in &b.values {
        match c.values.iter().find(|cv| cv.value == v.value) {
            None => r.push(ChangeKind::LabelValueRemoved {
                label: name(),
                value: v.value.clone(),
            }),
            Some(cv) if cv.error != v.error => r.push(ChangeKind::ValueErrorChanged {
                label: name(),
                value: v.value.clone(),
                error: cv.error,
            }),
            Some(_) => {}
        }
    }
    for v in &c.values {
        if !b.values.iter().any(|bv| bv.value == v.value) {
            r.push(ChangeKind::LabelValueAdded {
                label: name(),
                value: v.value.clone(),
            });
        }
    }
}

/// `schema 3, zero threshold 1e-9, at most 160 buckets`.
fn native(n: &NativeHistogram) -> String {
    format!(
        "schema {}, zero threshold {}, at most {} buckets",
        n.schema, n.zero_threshold, n.max_buckets
    )
}

/// Compares a baseline family with its current version (same name, or renamed).
fn compare(r: &mut Recorder<'_>, current: Entry<'_>) {
    let b = r.baseline.family;
    let c = current.family;
    if r.baseline.component != current.component {
        r.push(ChangeKind::ComponentMoved {
            from: r.baseline.component.to_string(),
            to: current.component.to_string(),
        });
    }
    if b.kind != c.kind {
        r.push(ChangeKind::TypeChanged {
            from: b.kind,
            to: c.kind,
        });
    } else {
        if b.buckets != c.buckets {
            r.push(ChangeKind::BucketsChanged {
                from: b.buckets.clone(),
                to: c.buckets.clone(),
            });
        }
        match (b.native, c.native) {
            (None, Some(to)) => r.push(ChangeKind::NativeAdded { to }),
            (Some(from), None) => r.push(ChangeKind::NativeRemoved { from }),
            (Some(from), Some(to)) if from != to => r.push(ChangeKind::NativeChanged { from, to }),
            _ => {}
        }
    }
    if b.unit != c.unit {
        r.push(ChangeKind::UnitChanged {
            from: b.unit.clone(),
            to: c.unit.clone(),
        });
    }
    for bl in &b.labels {
        if c.label(&bl.name).is_none() {
            r.push(ChangeKind::LabelRemoved {
                label: bl.name.clone(),
            });
        }
    }
    for cl in &c.labels {
        if b.label(&cl.name).is_none() {
            r.push(ChangeKind::LabelAdded {
                label: cl.name.clone(),
            });
        }
    }
    for bl in &b.labels {
        if let Some(cl) = c.label(&bl.name) {
            compare_label(r, bl, cl);
        }
    }
    if b.help != c.help {
        r.push(ChangeKind::HelpChanged {
            from: b.help.clone(),
            to: c.help.clone(),
        });
    }
    if b.role != c.role {
        r.push(ChangeKind::RoleChanged {
            from: b.role,
            to: c.role,
        });
    }
    if c.stability < b.stability {
        r.push(ChangeKind::StabilityLowered {
            from: b.stability,
            to: c.stability,
        });
    } else if c.stability > b.stability {
        r.push(ChangeKind::StabilityRaised {
            from: b.stability,
            to: c.stability,
        });
    }
    match (&b.deprecated_since, &c.deprecated_since) {
        (None, Some(since)) => r.push(ChangeKind::Deprecated {
            since: since.clone(),
        }),
        (Some(since), None) => r.push(ChangeKind::DeprecationWithdrawn {
            since: since.clone(),
        }),
        (Some(from), Some(to)) if from != to => r.push(ChangeKind::DeprecationVersionChanged {
            from: from.clone(),
            to: to.clone(),
        }),
        _ => {}
    }
}

/// The changes from `baseline` to `current`, graded by the baseline families' stability.
pub fn diff(baseline: &Catalog, current: &Catalog) -> Diff {
    let base = entries(baseline);
    let cur = entries(current);
    let in_base: BTreeSet<&str> = base.iter().map(|e| e.family.name.as_str()).collect();
    let added: Vec<Entry<'_>> = cur
        .iter()
        .copied()
        .filter(|e| !in_base.contains(e.family.name.as_str()))
        .collect();
    let mut paired = vec![false; added.len()];
    let by_name: BTreeMap<&str, Entry<'_>> =
        cur.iter().map(|e| (e.family.name.as_str(), *e)).collect();
    let mut candidates = Candidates::new(&added);

    let mut changes = Vec::new();
    for b in &base {
        let mut r = Recorder {
            changes: &mut changes,
            baseline: *b,
        };
        if let Some(c) = by_name.get(b.family.name.as_str()) {
            compare(&mut r, *c);
            continue;
        }
        // A rename: the first unpaired added family that matches, one in the same component
        // first.
        let found = candidates
            .rename_of(b, &paired)
            .and_then(|i| added.get(i).map(|a| (i, *a)));
        debug_assert!(found.is_none_or(|(_, a)| is_rename(b.family, a.family)));
        match found {
            Some((i, a)) => {
                paired[i] = true;
                r.push(ChangeKind::FamilyRenamed {
                    from: b.family.name.clone(),
                    to: a.family.name.clone(),
                });
                compare(&mut r, a);
            }
            None => r.push(ChangeKind::FamilyRemoved),
        }
    }
    for (a, _) in added.iter().zip(&paired).filter(|(_, p)| !**p) {
        let mut r = Recorder {
            changes: &mut changes,
            baseline: *a,
        };
        r.push(ChangeKind::FamilyAdded);
    }
    changes.sort_by_key(|c| c.severity);
    Diff { changes }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value as Json, json};

    /// A catalog of one component `c` holding `families`.
    fn catalog(families: &[Json]) -> Catalog {
        catalog_of(&[("c", families)])
    }

    fn catalog_of(components: &[(&str, &[Json])]) -> Catalog {
        let components: Vec<Json> = components
            .iter()
            .map(|(name, families)| json!({ "name": name, "families": families }))
            .collect();
        let text = json!({ "schema_version": 1, "components": components }).to_string();
        Catalog::from_json(&text).unwrap()
    }

    /// A histogram with enum labels, an error value and a capped label.
    fn family(stability: &str, deprecated: bool) -> Json {
        let mut f = json!({
            "name": "pay_request_duration_seconds",
            "type": "histogram",
            "help": "Time to answer a payment request.",
            "unit": "seconds",
            "labels": [
                { "name": "method", "values": [ { "value": "get" }, { "value": "post" } ] },
                { "name": "result",
                  "values": [ { "value": "ok" }, { "value": "declined", "error": true } ] },
                { "name": "merchant", "cap": 100 }
            ],
            "buckets": [0.1, 0.5, 1.0],
            "max_series": 10000,
            "stability": stability
        });
        if deprecated {
            f["deprecated_since"] = json!("1.2.0");
        }
        f
    }

    fn other() -> Json {
        json!({ "name": "pay_refunds_total", "type": "counter", "help": "Refunds issued.",
                "max_series": 1, "stability": "stable" })
    }

    fn label(f: &Json, name: &str) -> usize {
        f["labels"]
            .as_array()
            .unwrap()
            .iter()
            .position(|l| l["name"] == name)
            .unwrap()
    }

    type Mutation = fn(&mut Json);

    /// Each change made to the family, the change it must be reported as, and whether it is
    /// breaking.
    fn mutations() -> Vec<(&'static str, Mutation, ChangeKind)> {
        let s = |v: &str| v.to_string();
        vec![
            (
                "rename",
                |f| f["name"] = json!("pay_request_latency_seconds"),
                ChangeKind::FamilyRenamed {
                    from: s("pay_request_duration_seconds"),
                    to: s("pay_request_latency_seconds"),
                },
            ),
            (
                "type",
                |f| {
                    f["type"] = json!("gauge");
                    f["buckets"] = json!([]);
                },
                ChangeKind::TypeChanged {
                    from: Kind::Histogram,
                    to: Kind::Gauge,
                },
            ),
            (
                "unit",
                |f| f["unit"] = json!("milliseconds"),
                ChangeKind::UnitChanged {
                    from: Some(s("seconds")),
                    to: Some(s("milliseconds")),
                },
            ),
            (
                "buckets",
                |f| f["buckets"] = json!([0.1, 0.25, 0.5, 1.0]),
                ChangeKind::BucketsChanged {
                    from: vec![0.1, 0.5, 1.0],
                    to: vec![0.1, 0.25, 0.5, 1.0],
                },
            ),
            (
                "native added",
                |f| f["native"] = json!({ "schema": 3, "zero_threshold": 0.0, "max_buckets": 160 }),
                ChangeKind::NativeAdded {
                    to: NativeHistogram {
                        schema: 3,
                        zero_threshold: 0.0,
                        max_buckets: 160,
                    },
                },
            ),
            (
                "label added",
                |f| {
                    let labels = f["labels"].as_array_mut().unwrap();
                    labels.push(json!({ "name": "region", "values": [ { "value": "eu" } ] }));
                },
                ChangeKind::LabelAdded { label: s("region") },
            ),
            (
                "label removed",
                |f| {
                    let at = label(f, "method");
                    f["labels"].as_array_mut().unwrap().remove(at);
                },
                ChangeKind::LabelRemoved { label: s("method") },
            ),
            (
                "value removed",
                |f| {
                    let at = label(f, "method");
                    f["labels"][at]["values"] = json!([{ "value": "get" }]);
                },
                ChangeKind::LabelValueRemoved {
                    label: s("method"),
                    value: s("post"),
                },
            ),
            (
                "value added",
                |f| {
                    let at = label(f, "method");
                    let values = f["labels"][at]["values"].as_array_mut().unwrap();
                    values.push(json!({ "value": "put" }));
                },
                ChangeKind::LabelValueAdded {
                    label: s("method"),
                    value: s("put"),
                },
            ),
            (
                "cap lowered",
                |f| {
                    let at = label(f, "merchant");
                    f["labels"][at]["cap"] = json!(50);
                },
                ChangeKind::LabelCapLowered {
                    label: s("merchant"),
                    from: 100,
                    to: 50,
                },
            ),
            (
                "cap raised",
                |f| {
                    let at = label(f, "merchant");
                    f["labels"][at]["cap"] = json!(200);
                },
                ChangeKind::LabelCapRaised {
                    label: s("merchant"),
                    from: 100,
                    to: 200,
                },
            ),
            (
                "capped",
                |f| {
                    let at = label(f, "method");
                    f["labels"][at] = json!({ "name": "method", "cap": 10 });
                },
                ChangeKind::LabelCapped {
                    label: s("method"),
                    cap: 10,
                },
            ),
            (
                "uncapped",
                |f| {
                    let at = label(f, "merchant");
                    f["labels"][at] = json!({ "name": "merchant", "values": [{ "value": "a" }] });
                },
                ChangeKind::LabelUncapped {
                    label: s("merchant"),
                    cap: 100,
                },
            ),
            (
                "error mark",
                |f| {
                    let at = label(f, "result");
                    f["labels"][at]["values"][1]["error"] = json!(false);
                },
                ChangeKind::ValueErrorChanged {
                    label: s("result"),
                    value: s("declined"),
                    error: false,
                },
            ),
            (
                "help",
                |f| f["help"] = json!("Seconds to answer a payment request."),
                ChangeKind::HelpChanged {
                    from: s("Time to answer a payment request."),
                    to: s("Seconds to answer a payment request."),
                },
            ),
            (
                "role",
                |f| f["role"] = json!("spikes"),
                ChangeKind::RoleChanged {
                    from: Role::None,
                    to: Role::Spikes,
                },
            ),
        ]
    }

    /// The severity a change gets on the family at each baseline level.
    fn expected(breaking: bool, stability: &str, deprecated: bool) -> Severity {
        match (breaking, stability, deprecated) {
            (false, _, _) | (true, _, true) | (true, "alpha", _) => Severity::Info,
            (true, "beta", _) => Severity::Warning,
            _ => Severity::Error,
        }
    }

    const LEVELS: [(&str, bool); 5] = [
        ("alpha", false),
        ("beta", false),
        ("beta", true),
        ("stable", false),
        ("stable", true),
    ];

    #[test]
    fn each_change_at_each_stability_level() {
        for (what, mutate, kind) in mutations() {
            for (stability, deprecated) in LEVELS {
                let before = family(stability, deprecated);
                let mut after = before.clone();
                mutate(&mut after);
                let d = diff(&catalog(&[before, other()]), &catalog(&[after, other()]));
                let context = format!("{what} on {stability} (deprecated: {deprecated}): {d:#?}");
                assert_eq!(d.changes.len(), 1, "{context}");
                let c = &d.changes[0];
                assert_eq!(c.kind, kind, "{context}");
                assert_eq!(c.family, "pay_request_duration_seconds", "{context}");
                assert_eq!(c.component, "c", "{context}");
                assert_eq!(c.stability.as_str(), stability, "{context}");
                assert_eq!(c.breaking, kind.is_breaking(), "{context}");
                let severity = expected(kind.is_breaking(), stability, deprecated);
                assert_eq!(c.severity, severity, "{context}");
                assert_eq!(d.is_breaking(), severity == Severity::Error, "{context}");
                assert!(c.message.starts_with(&kind.describe()), "{context}");
            }
        }
    }

    #[test]
    fn breaking_kinds() {
        let breaking: Vec<&str> = mutations()
            .into_iter()
            .filter(|(_, _, k)| k.is_breaking())
            .map(|(what, _, _)| what)
            .collect();
        assert_eq!(
            breaking,
            [
                "rename",
                "type",
                "unit",
                "buckets",
                "label added",
                "label removed",
                "value removed",
                "cap lowered",
                "capped",
                "uncapped"
            ]
        );
    }

    #[test]
    fn native_histograms_removed_is_breaking_changed_is_not() {
        let with = |n: Option<serde_json::Value>| {
            let mut f = family("stable", false);
            if let Some(n) = n {
                f["native"] = n;
            }
            catalog(&[f, other()])
        };
        let n3 = json!({ "schema": 3, "zero_threshold": 0.0, "max_buckets": 160 });
        let n2 = json!({ "schema": 2, "zero_threshold": 0.0, "max_buckets": 80 });
        let removed = diff(&with(Some(n3.clone())), &with(None));
        assert_eq!(removed.changes.len(), 1, "{removed:#?}");
        assert!(matches!(
            removed.changes[0].kind,
            ChangeKind::NativeRemoved { .. }
        ));
        assert!(removed.is_breaking());
        let changed = diff(&with(Some(n3)), &with(Some(n2)));
        assert_eq!(changed.changes.len(), 1, "{changed:#?}");
        assert!(changed.changes[0].message.starts_with(
            "native histogram changed schema 3, zero threshold 0, at most 160 buckets → schema 2"
        ));
        assert!(!changed.is_breaking());
    }

    #[test]
    fn removal_at_each_stability_level() {
        for (stability, deprecated) in LEVELS {
            let d = diff(
                &catalog(&[family(stability, deprecated), other()]),
                &catalog(&[other()]),
            );
            assert_eq!(d.changes.len(), 1, "{d:#?}");
            let c = &d.changes[0];
            assert_eq!(c.kind, ChangeKind::FamilyRemoved);
            assert!(c.breaking);
            assert_eq!(c.severity, expected(true, stability, deprecated), "{d:#?}");
        }
    }

    #[test]
    fn addition_is_a_note_at_any_level() {
        for (stability, deprecated) in LEVELS {
            let d = diff(
                &catalog(&[other()]),
                &catalog(&[other(), family(stability, deprecated)]),
            );
            assert_eq!(d.changes.len(), 1, "{d:#?}");
            let c = &d.changes[0];
            assert_eq!(c.kind, ChangeKind::FamilyAdded);
            assert_eq!(c.family, "pay_request_duration_seconds");
            assert_eq!(c.stability.as_str(), stability);
            assert!(!c.breaking);
            assert_eq!(c.severity, Severity::Info);
            assert!(!d.is_breaking());
        }
    }

    #[test]
    fn stability_lowered_and_raised() {
        let cases = [
            ("stable", false, "beta", Severity::Error),
            ("stable", true, "beta", Severity::Info),
            ("stable", false, "alpha", Severity::Error),
            ("beta", false, "alpha", Severity::Warning),
            ("beta", true, "alpha", Severity::Info),
        ];
        for (from, deprecated, to, severity) in cases {
            let mut after = family(from, deprecated);
            after["stability"] = json!(to);
            let d = diff(
                &catalog(&[family(from, deprecated)]),
                &catalog(&[after.clone()]),
            );
            assert_eq!(d.changes.len(), 1, "{d:#?}");
            assert!(matches!(
                d.changes[0].kind,
                ChangeKind::StabilityLowered { .. }
            ));
            assert_eq!(d.changes[0].severity, severity, "{from} → {to}");
            // The other way is a note.
            let d = diff(&catalog(&[after]), &catalog(&[family(from, deprecated)]));
            assert_eq!(d.changes.len(), 1, "{d:#?}");
            assert!(matches!(
                d.changes[0].kind,
                ChangeKind::StabilityRaised { .. }
            ));
            assert_eq!(d.changes[0].severity, Severity::Info);
        }
    }

    #[test]
    fn deprecation_is_a_note() {
        for stability in ["alpha", "beta", "stable"] {
            let d = diff(
                &catalog(&[family(stability, false)]),
                &catalog(&[family(stability, true)]),
            );
            assert_eq!(d.changes.len(), 1, "{d:#?}");
            assert_eq!(
                d.changes[0].kind,
                ChangeKind::Deprecated {
                    since: "1.2.0".to_string()
                }
            );
            assert_eq!(d.changes[0].severity, Severity::Info);

            let d = diff(
                &catalog(&[family(stability, true)]),
                &catalog(&[family(stability, false)]),
            );
            assert_eq!(d.changes.len(), 1, "{d:#?}");
            assert!(matches!(
                d.changes[0].kind,
                ChangeKind::DeprecationWithdrawn { .. }
            ));
            assert_eq!(d.changes[0].severity, Severity::Info);

            let mut later = family(stability, true);
            later["deprecated_since"] = json!("1.3.0");
            let d = diff(&catalog(&[family(stability, true)]), &catalog(&[later]));
            assert_eq!(
                d.changes[0].kind,
                ChangeKind::DeprecationVersionChanged {
                    from: "1.2.0".to_string(),
                    to: "1.3.0".to_string()
                }
            );
            assert_eq!(d.changes[0].severity, Severity::Info);
        }
    }

    #[test]
    fn deprecating_and_breaking_at_once_still_fails() {
        // The baseline decides: deprecation must come in an earlier release.
        let mut after = family("stable", true);
        after["unit"] = json!("milliseconds");
        let d = diff(&catalog(&[family("stable", false)]), &catalog(&[after]));
        assert!(d.is_breaking(), "{d:#?}");
        assert_eq!(d.errors(), 1);
        assert_eq!(d.notes(), 1);
        // Errors come first.
        assert!(matches!(d.changes[0].kind, ChangeKind::UnitChanged { .. }));
        assert!(matches!(d.changes[1].kind, ChangeKind::Deprecated { .. }));
    }

    #[test]
    fn nothing_changed() {
        let c = catalog(&[family("stable", false), other()]);
        let d = diff(&c, &c);
        assert!(d.is_empty());
        assert!(!d.is_breaking());
        assert_eq!(d.to_text(), "OK: no changes\n");
        assert_eq!(d.to_json(), "{\n  \"changes\": []\n}\n");
    }

    #[test]
    fn order_of_labels_and_values_and_derived_numbers_do_not_count() {
        let before = family("stable", false);
        let mut after = before.clone();
        let labels = after["labels"].as_array_mut().unwrap();
        labels.reverse();
        let at = labels.iter().position(|l| l["name"] == "method").unwrap();
        labels[at]["values"].as_array_mut().unwrap().reverse();
        labels[at]["values"][0]["doc"] = json!("Writes.");
        after["max_series"] = json!(20000);
        after["label_sets"] = json!(7);
        let d = diff(&catalog(&[before]), &catalog(&[after]));
        assert!(d.is_empty(), "{d:#?}");
    }

    #[test]
    fn rename_needs_same_type_labels_and_help() {
        let before = family("stable", false);
        let renamed = |mutate: Mutation| {
            let mut f = before.clone();
            f["name"] = json!("pay_request_latency_seconds");
            mutate(&mut f);
            diff(&catalog(std::slice::from_ref(&before)), &catalog(&[f]))
        };
        let removed_and_added = |d: &Diff| {
            let kinds: Vec<&ChangeKind> = d.changes.iter().map(|c| &c.kind).collect();
            kinds == [&ChangeKind::FamilyRemoved, &ChangeKind::FamilyAdded]
        };
        assert!(removed_and_added(&renamed(|f| f["help"] = json!("Other."))));
        assert!(removed_and_added(&renamed(|f| {
            f["type"] = json!("counter");
            f["buckets"] = json!([]);
        })));
        assert!(removed_and_added(&renamed(|f| {
            f["labels"].as_array_mut().unwrap().pop();
        })));
        assert!(removed_and_added(&renamed(|f| {
            let at = label(f, "method");
            f["labels"][at]["values"] = json!([{ "value": "get" }]);
        })));
        // Renamed with other changes that keep type, labels and help: all reported.
        let d = renamed(|f| f["buckets"] = json!([1.0]));
        let kinds: Vec<&ChangeKind> = d.changes.iter().map(|c| &c.kind).collect();
        assert!(matches!(kinds[0], ChangeKind::FamilyRenamed { .. }));
        assert!(matches!(kinds[1], ChangeKind::BucketsChanged { .. }));
        assert_eq!(kinds.len(), 2);
        assert_eq!(d.errors(), 2);
    }

    #[test]
    fn families_without_help_are_not_paired_as_renames() {
        let a = json!({ "name": "pay_a_total", "type": "counter", "max_series": 1,
                        "stability": "beta" });
        let b = json!({ "name": "pay_b_total", "type": "counter", "max_series": 1 });
        let d = diff(&catalog(&[a]), &catalog(&[b]));
        let kinds: Vec<&ChangeKind> = d.changes.iter().map(|c| &c.kind).collect();
        assert_eq!(
            kinds,
            [&ChangeKind::FamilyRemoved, &ChangeKind::FamilyAdded]
        );
        assert_eq!(d.warnings(), 1);
        assert_eq!(d.notes(), 1);
    }

    #[test]
    fn rename_prefers_the_same_component_and_pairs_once() {
        let before = catalog_of(&[("a", &[family("stable", false)]), ("b", &[other()])]);
        let mut x = family("stable", false);
        x["name"] = json!("pay_x_seconds");
        let mut y = family("stable", false);
        y["name"] = json!("pay_y_seconds");
        let after = catalog_of(&[("b", &[other(), x]), ("a", &[y])]);
        let d = diff(&before, &after);
        let kinds: Vec<&ChangeKind> = d.changes.iter().map(|c| &c.kind).collect();
        assert_eq!(
            kinds,
            [
                &ChangeKind::FamilyRenamed {
                    from: "pay_request_duration_seconds".to_string(),
                    to: "pay_y_seconds".to_string()
                },
                &ChangeKind::FamilyAdded
            ],
            "{d:#?}"
        );
        assert_eq!(d.changes[1].family, "pay_x_seconds");
        assert_eq!(d.changes[1].component, "b");
    }

    /// `n` families in `n / 2` pairs of equal signature, each renamed: half paired within
    /// their component, half across.
    fn renamed_catalogs(n: usize) -> (Catalog, Catalog) {
        let make = |prefix: &str, i: usize| {
            json!({ "name": format!("{prefix}_{i}_total"), "type": "counter",
                    "help": format!("Help {}.", i / 2), "max_series": 1, "stability": "stable",
                    "labels": [ { "name": "code", "values": [ { "value": "ok" } ] } ] })
        };
        let before: Vec<Json> = (0..n).map(|i| make("old", i)).collect();
        let after: Vec<Json> = (0..n).map(|i| make("new", i)).collect();
        let (b1, b2) = before.split_at(n / 2);
        let (a1, a2) = after.split_at(n / 2);
        (
            catalog_of(&[("a", b1), ("b", b2)]),
            catalog_of(&[("b", a2), ("a", a1), ("c", &[])]),
        )
    }

    /// Renames are found by index, not by a scan of every added family per removed one: 16
    /// times the families cost far less than 256 times the time (the quadratic pairing took
    /// 25 s for 32,000 renamed families).
    #[test]
    fn rename_detection_is_near_linear() {
        let time = |n: usize| {
            let (before, after) = renamed_catalogs(n);
            (0..3)
                .map(|_| {
                    let start = std::time::Instant::now();
                    let d = diff(&before, &after);
                    let took = start.elapsed();
                    assert_eq!(d.changes.len(), n);
                    assert!(
                        d.changes
                            .iter()
                            .all(|c| matches!(c.kind, ChangeKind::FamilyRenamed { .. })),
                        "{:#?}",
                        d.changes.first()
                    );
                    took
                })
                .min()
                .unwrap_or_default()
        };
        let small = time(1_000);
        let large = time(16_000);
        assert!(
            large < small * 64,
            "16 times the families took {:.1} times as long ({small:?} against {large:?})",
            large.as_secs_f64() / small.as_secs_f64().max(1e-9)
        );
    }

    #[test]
    fn renames_pair_as_the_scan_did() {
        // Each pair shares a signature; a removed family takes its own component's match
        // first, else the first unpaired one.
        let (before, after) = renamed_catalogs(8);
        let d = diff(&before, &after);
        let pairs: Vec<(String, String)> = d
            .changes
            .iter()
            .filter_map(|c| match &c.kind {
                ChangeKind::FamilyRenamed { from, to } => Some((from.clone(), to.clone())),
                _ => None,
            })
            .collect();
        let expected: Vec<(String, String)> = (0..8)
            .map(|i| (format!("old_{i}_total"), format!("new_{i}_total")))
            .collect();
        assert_eq!(pairs, expected);
    }

    #[test]
    fn moving_between_components_is_a_note() {
        let before = catalog_of(&[("a", &[family("stable", false)]), ("b", &[other()])]);
        let after = catalog_of(&[("a", &[]), ("b", &[other(), family("stable", false)])]);
        let d = diff(&before, &after);
        assert_eq!(d.changes.len(), 1, "{d:#?}");
        assert_eq!(
            d.changes[0].kind,
            ChangeKind::ComponentMoved {
                from: "a".to_string(),
                to: "b".to_string()
            }
        );
        assert_eq!(d.changes[0].component, "a");
        assert_eq!(d.changes[0].severity, Severity::Info);
    }

    #[test]
    fn text_report() {
        let before = catalog(&[
            family("stable", false),
            other(),
            json!({ "name": "pay_queue_depth", "type": "gauge", "help": "Queued.",
                    "max_series": 1, "stability": "beta" }),
        ]);
        let mut f = family("stable", false);
        f["unit"] = json!("milliseconds");
        f["help"] = json!("Latency.");
        let after = catalog(&[
            f,
            json!({ "name": "pay_new_total", "type": "counter", "help": "New.",
                    "max_series": 1 }),
        ]);
        let d = diff(&before, &after);
        assert_eq!(
            d.to_text(),
            "error: c/pay_request_duration_seconds [stable]: unit changed `seconds` → \
             `milliseconds` (breaking: a stable family must first be deprecated, with \
             `deprecated_since`, in an earlier release)\n\
             error: c/pay_refunds_total [stable]: family removed (breaking: a stable family \
             must first be deprecated, with `deprecated_since`, in an earlier release)\n\
             warning: c/pay_queue_depth [beta]: family removed (breaking for a beta family)\n\
             note: c/pay_request_duration_seconds [stable]: HELP changed \
             \"Time to answer a payment request.\" → \"Latency.\"\n\
             note: c/pay_new_total [alpha]: family added\n\
             BREAKING: 2 errors, 1 warning, 2 notes\n"
        );
        let mut g = family("beta", false);
        g["unit"] = json!("milliseconds");
        let d = diff(&catalog(&[family("beta", false)]), &catalog(&[g]));
        assert_eq!(d.summary(), "OK: 0 errors, 1 warning, 0 notes");
    }

    #[test]
    fn json_report() {
        let mut f = family("stable", false);
        let at = label(&f, "method");
        f["labels"][at]["values"] = json!([{ "value": "get" }]);
        let d = diff(&catalog(&[family("stable", false)]), &catalog(&[f]));
        let j: Json = serde_json::from_str(&d.to_json()).unwrap();
        assert_eq!(
            j,
            json!({ "changes": [ {
                "family": "pay_request_duration_seconds",
                "component": "c",
                "stability": "stable",
                "change": "label_value_removed",
                "label": "method",
                "value": "post",
                "breaking": true,
                "severity": "error",
                "message": d.changes[0].message,
            } ] })
        );
        let removed = diff(&catalog(&[other()]), &catalog(&[]));
        let j: Json = serde_json::from_str(&removed.to_json()).unwrap();
        assert_eq!(j["changes"][0]["change"], "family_removed");
    }
}
