//! The typed vocabulary of a declaration: kinds, stability levels and roles, each with the one
//! spelling that attributes, descriptors and the catalog schema use.

use core::fmt;

use crate::rule::{Rule, Target, Violation};

/// The Prometheus metric type of a family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
pub enum MetricKind {
    /// A monotonically increasing integer count.
    Counter,
    /// A value that goes up and down.
    Gauge,
    /// Observations counted into cumulative buckets, with their sum and count.
    Histogram,
}

impl MetricKind {
    /// Every kind.
    pub const ALL: &'static [MetricKind] = &[
        MetricKind::Counter,
        MetricKind::Gauge,
        MetricKind::Histogram,
    ];

    /// The name used in `# TYPE` lines and in `#[metric(...)]`.
    pub const fn as_str(self) -> &'static str {
        match self {
            MetricKind::Counter => "counter",
            MetricKind::Gauge => "gauge",
            MetricKind::Histogram => "histogram",
        }
    }

    /// The kind of that name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|k| k.as_str() == name)
    }
}

impl fmt::Display for MetricKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A family's stability level, as Kubernetes grades metrics: `alpha` may change or go at
/// any time, `beta` changes only with notice, `stable` keeps its name and labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
pub enum Stability {
    /// May change or be removed without notice (the default, as in Kubernetes).
    #[default]
    Alpha,
    /// Changes only with a deprecation period.
    Beta,
    /// Name, type and labels are kept.
    Stable,
}

impl Stability {
    /// Every level, least stable first.
    pub const ALL: &'static [Stability] = &[Stability::Alpha, Stability::Beta, Stability::Stable];

    /// `alpha`, `beta` or `stable`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Stability::Alpha => "alpha",
            Stability::Beta => "beta",
            Stability::Stable => "stable",
        }
    }

    /// The level of that name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|s| s.as_str() == name)
    }

    /// The prefix Kubernetes puts in HELP (`[ALPHA] `), empty for stable. Shown when the
    /// crate's policy says `stability_in_help = true`.
    pub const fn help_prefix(self) -> &'static str {
        match self {
            Stability::Alpha => "[ALPHA] ",
            Stability::Beta => "[BETA] ",
            Stability::Stable => "",
        }
    }
}

impl fmt::Display for Stability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a family means where generated rules, dashboards and checks depend on it, declared
/// with `#[metric(role = "...")]` rather than guessed from its name (R15).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
pub enum FamilyRole {
    /// No declared role: the kind alone decides what is generated.
    #[default]
    None,
    /// A gauge of how far a consumer is behind its source (events, seconds): rules record its
    /// maximum and trend and alert when it stays high.
    Lag,
    /// A gauge of a position that only moves forward while work is applied (a last applied
    /// id): paired with a [`FamilyRole::Lag`] gauge of the same labels, it tells a slow
    /// consumer from a stalled one.
    Position,
    /// A gauge of work in progress (requests in flight, open connections, running jobs).
    InFlight,
    /// A gauge whose value is always 1 and whose labels carry facts (`build_info`).
    Info,
    /// A gauge that is 1 for the current state and 0 for the others.
    State,
    /// A gauge holding a Unix time in seconds (last success, expiry).
    Timestamp,
    /// A counter of events whose sudden rise is an incident (placements that failed): rules
    /// keep a one-hour baseline and alert on a spike over it.
    Spikes,
}

impl FamilyRole {
    /// Every role a declaration can name, in the order messages list them (`None` is the
    /// absence of a role).
    pub const ALL: &'static [FamilyRole] = &[
        FamilyRole::Lag,
        FamilyRole::Position,
        FamilyRole::InFlight,
        FamilyRole::Info,
        FamilyRole::State,
        FamilyRole::Timestamp,
        FamilyRole::Spikes,
    ];

    /// The name used in `#[metric(role = "...")]` and in the catalog schema.
    pub const fn as_str(self) -> &'static str {
        match self {
            FamilyRole::None => "none",
            FamilyRole::Lag => "lag",
            FamilyRole::Position => "position",
            FamilyRole::InFlight => "in_flight",
            FamilyRole::Info => "info",
            FamilyRole::State => "state",
            FamilyRole::Timestamp => "timestamp",
            FamilyRole::Spikes => "spikes",
        }
    }

    /// The role of that name (`none` included, as the schema writes it).
    pub fn from_name(name: &str) -> Option<Self> {
        if name == FamilyRole::None.as_str() {
            return Some(FamilyRole::None);
        }
        Self::ALL.iter().copied().find(|r| r.as_str() == name)
    }

    /// The kind a family with this role must be; `None` for [`FamilyRole::None`], which fits
    /// any kind.
    pub const fn kind(self) -> Option<MetricKind> {
        match self {
            FamilyRole::None => None,
            FamilyRole::Lag
            | FamilyRole::Position
            | FamilyRole::InFlight
            | FamilyRole::Info
            | FamilyRole::State
            | FamilyRole::Timestamp => Some(MetricKind::Gauge),
            FamilyRole::Spikes => Some(MetricKind::Counter),
        }
    }

    /// Whether a family of `kind` may declare this role.
    pub fn fits(self, kind: MetricKind) -> bool {
        self.kind().is_none_or(|k| k == kind)
    }
}

impl fmt::Display for FamilyRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `` `lag`, `position` `` and so on: the roles a family of `kind` may declare.
fn roles_of(kind: MetricKind) -> String {
    let names: Vec<String> = FamilyRole::ALL
        .iter()
        .filter(|r| r.kind() == Some(kind))
        .map(|r| format!("`{r}`"))
        .collect();
    names.join(", ")
}

/// Every role, grouped by the kind it applies to.
fn every_role() -> String {
    let mut parts = Vec::new();
    // Gauges first: most roles are theirs.
    for kind in [
        MetricKind::Gauge,
        MetricKind::Counter,
        MetricKind::Histogram,
    ] {
        let roles = roles_of(kind);
        if !roles.is_empty() {
            parts.push(format!("{roles} ({kind}s)"));
        }
    }
    parts.join("; ")
}

/// R15: the role named in `#[metric(role = "...")]`, which must be known and fit the family's
/// kind. Generated rules and dashboards read the role (a lag gauge gets a lag alert, a spikes
/// counter a baseline), so a role on the wrong kind would generate PromQL that cannot work.
pub fn check_role(name: &str, kind: MetricKind) -> Result<FamilyRole, Violation> {
    let Some(role) = FamilyRole::from_name(name) else {
        return Err(
            Violation::new(Rule::R15, Target::Role, format!("unknown role `{name}`"))
                .with_fix(format!("write one of {}", every_role())),
        );
    };
    if role.fits(kind) {
        return Ok(role);
    }
    let applies = role.kind().map_or("", MetricKind::as_str);
    let fitting = FamilyRole::ALL
        .iter()
        .filter(|r| r.kind() == Some(kind))
        .count();
    let instead = match fitting {
        0 => format!("a {kind} takes no role: remove `role`"),
        1 => format!("a {kind} takes only {}", roles_of(kind)),
        _ => format!("a {kind} takes one of {}", roles_of(kind)),
    };
    Err(Violation::new(
        Rule::R15,
        Target::Role,
        format!("role `{name}` applies to {applies}s, not to this {kind}"),
    )
    .with_fix(instead))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for k in MetricKind::ALL {
            assert_eq!(MetricKind::from_name(k.as_str()), Some(*k));
        }
        for s in Stability::ALL {
            assert_eq!(Stability::from_name(s.as_str()), Some(*s));
        }
        for r in FamilyRole::ALL.iter().chain([&FamilyRole::None]) {
            assert_eq!(FamilyRole::from_name(r.as_str()), Some(*r));
        }
        assert_eq!(MetricKind::from_name("summary"), None);
        assert_eq!(Stability::from_name("ga"), None);
        assert_eq!(Stability::default().help_prefix(), "[ALPHA] ");
    }

    #[test]
    fn roles_fit_their_kind() {
        use MetricKind::*;
        for (name, kind, role) in [
            ("lag", Gauge, FamilyRole::Lag),
            ("position", Gauge, FamilyRole::Position),
            ("in_flight", Gauge, FamilyRole::InFlight),
            ("info", Gauge, FamilyRole::Info),
            ("state", Gauge, FamilyRole::State),
            ("timestamp", Gauge, FamilyRole::Timestamp),
            ("spikes", Counter, FamilyRole::Spikes),
            ("none", Histogram, FamilyRole::None),
        ] {
            assert_eq!(check_role(name, kind), Ok(role), "{name}");
        }
    }

    #[test]
    fn a_role_on_the_wrong_kind_names_the_right_ones() {
        let e = check_role("lag", MetricKind::Counter).map(|_| ());
        assert_eq!(
            e.map_err(|v| v.to_string()),
            Err("R15: role `lag` applies to gauges, not to this counter; a counter takes only `spikes`".into())
        );
        let e = check_role("spikes", MetricKind::Histogram).map(|_| ());
        let e2 = check_role("spikes", MetricKind::Gauge).map_err(|v| v.to_string());
        assert!(e2.is_err_and(|e| e.ends_with(
            "a gauge takes one of `lag`, `position`, `in_flight`, `info`, `state`, `timestamp`"
        )));
        assert_eq!(
            e.map_err(|v| v.to_string()),
            Err("R15: role `spikes` applies to counters, not to this histogram; a histogram takes no role: remove `role`".into())
        );
    }

    #[test]
    fn an_unknown_role_lists_every_role() {
        let e = check_role("lagging", MetricKind::Gauge).map(|_| ());
        assert_eq!(
            e.map_err(|v| v.to_string()),
            Err("R15: unknown role `lagging`; write one of `lag`, `position`, `in_flight`, `info`, `state`, `timestamp` (gauges); `spikes` (counters)".into())
        );
    }
}
