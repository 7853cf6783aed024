//! Registries: which families a `/metrics` response holds.
//!
//! Every `#[derive(MetricFamily)]` struct linked into the binary is listed in a link-time
//! table (no life-before-main, no registration call), so [`Registry::global`] knows every
//! family, recorded or not, and exposes each label combination from the first scrape on.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;
use std::sync::atomic::Ordering;

use crate::encode::Format;
use crate::extras::{self, BuildInfo, ScrapeStats};
use crate::family::Family;
use crate::{MetricFamily, encode};

/// Every family linked into the binary. Filled by generated code.
#[doc(hidden)]
#[linkme::distributed_slice]
pub static FAMILIES: [&'static Family];

/// Why a registry refused something.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegistryError {
    /// Two families with one name would make the exposition invalid.
    DuplicateName(&'static str),
    /// A global label name or value that the policy rejects, or that a family already has.
    InvalidGlobalLabel(String),
    /// A metric of a hand-written `prometheus` registry has the name of a family.
    ConflictingMetric(String),
    /// Two parts of the exposition (a family, the self-metrics, build info, the process
    /// metrics, a hand-written metric) would write one name: the first is there, the second
    /// was being added.
    NameClash {
        /// The name both would write (a sample name, or an OpenMetrics family name).
        name: String,
        /// What writes it already.
        first: String,
        /// What was being added.
        second: String,
    },
    /// A name prefix (of the self-metrics or build info) that would make invalid names.
    InvalidPrefix(String),
    /// Linked families that share a name, with the types declaring them.
    DuplicateFamilies {
        /// The shared name.
        name: String,
        /// `module::Type` of every family of that name.
        declared_by: Vec<String>,
    },
}

impl core::fmt::Display for RegistryError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            RegistryError::DuplicateName(n) => {
                write!(f, "a family named `{n}` is already registered")
            }
            RegistryError::InvalidGlobalLabel(why) => write!(f, "invalid global label: {why}"),
            RegistryError::ConflictingMetric(why) => write!(f, "conflicting metric: {why}"),
            RegistryError::NameClash {
                name,
                first,
                second,
            } => write!(
                f,
                "{second} would write `{name}`, which {first} writes already; rename one of them"
            ),
            RegistryError::InvalidPrefix(why) => write!(f, "invalid prefix: {why}"),
            RegistryError::DuplicateFamilies { name, declared_by } => write!(
                f,
                "{} families are named `{name}`: {}; rename all but one",
                declared_by.len(),
                declared_by.join(", ")
            ),
        }
    }
}

impl std::error::Error for RegistryError {}

/// What kind of family writes a name, for [`written_names`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Writes {
    /// A counter: its samples, and in OpenMetrics its family name without `_total` and the
    /// `_created` samples.
    Counter,
    /// A gauge, an untyped or an info metric: its name.
    Gauge,
    /// A histogram: its name, `_bucket`, `_sum`, `_count` and `_created`.
    Histogram,
    /// A summary (hand-written only): its name, `_sum`, `_count` and `_created`.
    #[cfg_attr(not(feature = "prometheus"), allow(dead_code))]
    Summary,
}

impl From<crate::MetricKind> for Writes {
    fn from(kind: crate::MetricKind) -> Self {
        match kind {
            crate::MetricKind::Counter => Writes::Counter,
            crate::MetricKind::Gauge => Writes::Gauge,
            crate::MetricKind::Histogram => Writes::Histogram,
        }
    }
}

/// Every name an exposition of a family named `name` holds in any format (see
/// [`metrics_policy::exposed_names`]; a summary, hand-written only, writes its name, `_sum`,
/// `_count` and `_created`). Two parts of a registry must not share one.
pub(crate) fn written_names(name: &str, kind: Writes) -> Vec<String> {
    match kind {
        Writes::Counter => metrics_policy::exposed_names(name, crate::MetricKind::Counter),
        Writes::Gauge => metrics_policy::exposed_names(name, crate::MetricKind::Gauge),
        Writes::Histogram => metrics_policy::exposed_names(name, crate::MetricKind::Histogram),
        Writes::Summary => ["", "_sum", "_count", "_created"]
            .iter()
            .map(|s| format!("{name}{s}"))
            .collect(),
    }
}

/// The names a hand-written `prometheus` metric family writes.
#[cfg(feature = "prometheus")]
fn hand_written_names(mf: &prometheus::proto::MetricFamily) -> Vec<String> {
    use prometheus::proto::MetricType;
    let kind = match mf.get_field_type() {
        MetricType::COUNTER => Writes::Counter,
        MetricType::HISTOGRAM => Writes::Histogram,
        MetricType::SUMMARY => Writes::Summary,
        MetricType::GAUGE | MetricType::UNTYPED => Writes::Gauge,
    };
    written_names(mf.name(), kind)
}

/// A collector that writes nothing and describes one name: registered into an attached
/// hand-written `prometheus` registry for every name this registry writes (and for the family
/// name a hand-written histogram or summary would need to write one of them: `x` of our
/// `x_count`), so that registering a hand-written metric of that name later fails there, at
/// its `register` call, as a duplicate registration does.
///
/// Every claim has one help text and one label name; the label's value is the registry's id.
/// So the `prometheus` crate lets several registries (and the name and its base) claim one
/// name side by side, and refuses any metric of its own, whose help or labels differ.
#[cfg(feature = "prometheus")]
struct Claim {
    desc: prometheus::core::Desc,
}

#[cfg(feature = "prometheus")]
impl Claim {
    fn new(name: &str, registry: u64) -> Option<Self> {
        let labels = std::collections::HashMap::from([(
            "metrics_runtime_registry".to_string(),
            registry.to_string(),
        )]);
        prometheus::core::Desc::new(
            name.to_string(),
            "A name a metrics_runtime registry writes; a hand-written metric cannot have it."
                .to_string(),
            vec![],
            labels,
        )
        .ok()
        .map(|desc| Claim { desc })
    }
}

#[cfg(feature = "prometheus")]
impl prometheus::core::Collector for Claim {
    fn desc(&self) -> Vec<&prometheus::core::Desc> {
        vec![&self.desc]
    }

    fn collect(&self) -> Vec<prometheus::proto::MetricFamily> {
        Vec::new()
    }
}

/// The names to claim in a hand-written registry for the names a registry writes: each, and
/// the family name of each that a hand-written histogram or summary would write (`x` of
/// `x_bucket`, `x_sum`, `x_count`), since such a family with no series yet is invisible to
/// `gather`.
#[cfg(feature = "prometheus")]
///
/// A registry with a namespace (`prometheus::Registry::new_custom(Some("ns"), ..)`) writes
/// `ns_` before every name it gathers and checks its metrics' descriptions without it: a name
/// of ours under `ns_` is claimed without the prefix, and one not under it cannot be written
/// by that registry at all.
fn to_claim<'a>(written: impl Iterator<Item = &'a String>, prefix: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut claim = |name: &str| {
        if let Some(bare) = name.strip_prefix(prefix).filter(|b| !b.is_empty()) {
            names.insert(bare.to_string());
        }
    };
    for name in written {
        if let Some(base) = ["_bucket", "_sum", "_count"]
            .iter()
            .find_map(|s| name.strip_suffix(s))
            .filter(|b| !b.is_empty())
        {
            claim(base);
        }
        claim(name);
    }
    names
}

/// What a hand-written registry writes before every name at `gather`: its namespace (`ns_`,
/// or empty), read by gathering a probe collector.
#[cfg(feature = "prometheus")]
fn gathered_prefix(prom: &prometheus::Registry, id: u64) -> String {
    struct Probe {
        desc: prometheus::core::Desc,
        name: String,
    }
    impl prometheus::core::Collector for Probe {
        fn desc(&self) -> Vec<&prometheus::core::Desc> {
            vec![&self.desc]
        }
        fn collect(&self) -> Vec<prometheus::proto::MetricFamily> {
            let mut mf = prometheus::proto::MetricFamily::default();
            mf.set_name(self.name.clone());
            mf.set_help("probe".to_string());
            mf.set_field_type(prometheus::proto::MetricType::GAUGE);
            let mut m = prometheus::proto::Metric::default();
            m.set_gauge(prometheus::proto::Gauge::default());
            mf.set_metric(vec![m]);
            vec![mf]
        }
    }
    let name = format!("metrics_runtime_probe_{id}");
    let Ok(desc) = prometheus::core::Desc::new(
        name.clone(),
        "probe".to_string(),
        vec![],
        std::collections::HashMap::new(),
    ) else {
        return String::new();
    };
    let probe = || Probe {
        desc: desc.clone(),
        name: name.clone(),
    };
    if prom.register(Box::new(probe())).is_err() {
        return String::new();
    }
    let prefix = prom
        .gather()
        .into_iter()
        .find_map(|mf| Some(mf.name().strip_suffix(name.as_str())?.to_string()))
        .unwrap_or_default();
    let _ = prom.unregister(Box::new(probe()));
    prefix
}

/// Whether a hand-written family has a metric with one label name twice (a const label that
/// is also a common label of its registry).
#[cfg(feature = "prometheus")]
fn repeats_a_label(mf: &prometheus::proto::MetricFamily) -> Option<String> {
    mf.get_metric().iter().find_map(|m| {
        let mut seen = BTreeSet::new();
        m.get_label()
            .iter()
            .map(|l| l.name())
            .find(|n| !seen.insert(*n))
            .map(str::to_string)
    })
}

/// Registers a [`Claim`] of registry `id` for each name into `prom`; on a refusal, takes back
/// the claims made so far and returns the name refused.
#[cfg(feature = "prometheus")]
fn claim_in(prom: &prometheus::Registry, names: &BTreeSet<String>, id: u64) -> Result<(), String> {
    let mut made = BTreeSet::new();
    for name in names {
        let Some(claim) = Claim::new(name, id) else {
            continue;
        };
        if prom.register(Box::new(claim)).is_err() {
            release_in(prom, &made, id);
            return Err(name.clone());
        }
        made.insert(name.clone());
    }
    Ok(())
}

/// Takes claims of registry `id` back from `prom`.
#[cfg(feature = "prometheus")]
fn release_in(prom: &prometheus::Registry, names: &BTreeSet<String>, id: u64) {
    for name in names {
        if let Some(claim) = Claim::new(name, id) {
            // A claim that is not there (never made) has nothing to take back.
            let _ = prom.unregister(Box::new(claim));
        }
    }
}

/// A number of its own for every registry, for its claims.
#[cfg(feature = "prometheus")]
#[derive(Debug)]
struct RegistryId(u64);

#[cfg(feature = "prometheus")]
impl Default for RegistryId {
    fn default() -> Self {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        RegistryId(NEXT.fetch_add(1, Ordering::Relaxed))
    }
}

/// What writes the extras, in messages.
const OWNER_SELF: &str = "the self-metrics";
const OWNER_BUILD: &str = "build info";
const OWNER_PROCESS: &str = "the process metrics";

/// A prefix of extras' names: empty, or snake case ending in `_`.
fn check_prefix(prefix: &str, of: &str) -> Result<(), RegistryError> {
    if prefix.is_empty() || (metrics_policy::is_snake_case(prefix) && prefix.ends_with('_')) {
        if prefix.starts_with("__") {
            return Err(RegistryError::InvalidPrefix(format!(
                "the prefix of `{of}` starts with `__`, which Prometheus reserves"
            )));
        }
        return Ok(());
    }
    let shown: String = prefix
        .chars()
        .take(80)
        .collect::<String>()
        .escape_debug()
        .to_string();
    Err(RegistryError::InvalidPrefix(format!(
        "the prefix of `{of}` is \"{shown}\"; it must be empty or snake case \
         (`[a-z_][a-z0-9_]*`) ending in `_`, for example `myapp_metrics_`"
    )))
}

/// A set of families to expose together, with optional global labels and optional
/// hand-written `prometheus` collectors exposed beside them.
///
/// Families are kept sorted by name, so encoding is deterministic.
#[derive(Default)]
pub struct Registry {
    families: Vec<&'static Family>,
    /// Every name this registry writes (see [`written_names`]), with what writes it.
    written: BTreeMap<String, String>,
    /// The names claimed in the attached hand-written registry ([`Claim`]).
    #[cfg(feature = "prometheus")]
    claimed: BTreeSet<String>,
    /// The namespace the attached hand-written registry writes before its names.
    #[cfg(feature = "prometheus")]
    prom_prefix: String,
    #[cfg(feature = "prometheus")]
    id: RegistryId,
    global_labels: String,
    global_label_names: Vec<String>,
    #[cfg(feature = "prometheus")]
    prometheus: Option<prometheus::Registry>,
    self_metrics: Option<String>,
    build_info: Option<(String, BuildInfo)>,
    process_metrics: bool,
    stats: ScrapeStats,
}

impl core::fmt::Debug for Registry {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let mut d = f.debug_struct("Registry");
        let names: Vec<&str> = self.families.iter().map(|f| f.name()).collect();
        d.field("families", &names)
            .field("global_labels", &self.global_labels);
        #[cfg(feature = "prometheus")]
        d.field("prometheus", &self.prometheus.is_some());
        d.finish()
    }
}

#[cfg(feature = "prometheus")]
impl Drop for Registry {
    /// Takes this registry's claims back from the attached hand-written registry, which
    /// may live on.
    fn drop(&mut self) {
        if let Some(prom) = &self.prometheus {
            release_in(prom, &self.claimed, self.id.0);
        }
    }
}

impl Registry {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// A registry holding every family linked into the binary. When two linked families write
    /// one name (impossible for derived families: a build error) the first (by name, then type
    /// path) is kept; [`Registry::conflicts`] lists such names and [`Registry::try_all`] fails.
    pub fn all() -> Self {
        let mut linked: Vec<&'static Family> = FAMILIES.iter().copied().collect();
        linked.sort_by_key(|f| {
            (
                f.name(),
                f.descriptor().module_path,
                f.descriptor().type_name,
            )
        });
        let mut reg = Registry::new();
        for f in linked {
            let _ = reg.register_family(f);
        }
        reg
    }

    /// [`Registry::all`], or an error naming every declaration of a name two linked families
    /// write (a family or sample name, see [`Registry::with_self_metrics`] for what counts).
    /// The derive makes that a compile or link error already (each family claims a symbol
    /// per name it writes), so this fails only for families built at run time.
    pub fn try_all() -> Result<Self, RegistryError> {
        if let Some(name) = Registry::conflicts().first().cloned() {
            let mut declared_by: Vec<String> = FAMILIES
                .iter()
                .filter(|f| written_names(f.name(), f.descriptor().kind.into()).contains(&name))
                .map(|f| {
                    let d = f.descriptor();
                    format!("{}::{}", d.module_path, d.type_name)
                })
                .collect();
            declared_by.sort();
            return Err(RegistryError::DuplicateFamilies { name, declared_by });
        }
        Ok(Registry::all())
    }

    /// The process-wide default registry: every linked family (see [`Registry::all`]).
    pub fn global() -> &'static Registry {
        static GLOBAL: OnceLock<Registry> = OnceLock::new();
        GLOBAL.get_or_init(Registry::all)
    }

    /// Names that two linked families write (a family name, a counter's OpenMetrics family
    /// name, a histogram's `_bucket`/`_sum`/`_count`, a `_created`); the registry exposes only
    /// one of such families, so a non-empty answer is a bug in the program that links them.
    pub fn conflicts() -> Vec<String> {
        let mut seen = BTreeSet::new();
        let mut dup: Vec<String> = FAMILIES
            .iter()
            .flat_map(|f| written_names(f.name(), f.descriptor().kind.into()))
            .filter(|n| !seen.insert(n.clone()))
            .collect();
        dup.sort_unstable();
        dup.dedup();
        dup
    }

    /// The families of one component (`#[metric(component = "...")]`) among the linked ones.
    pub fn component(name: &str) -> Self {
        let mut reg = Registry::new();
        for f in Registry::global().families() {
            if f.descriptor().component == Some(name) {
                let _ = reg.register_family(f);
            }
        }
        reg
    }

    /// A registry of the families of several components (sorted by name). Fails when two of
    /// them share a name.
    pub fn of_components(components: &[&crate::Component]) -> Result<Self, RegistryError> {
        let mut registry = Registry::new();
        for family in components.iter().flat_map(|c| c.families()) {
            registry.register_family(family)?;
        }
        Ok(registry)
    }

    /// Adds family `F`.
    pub fn register<F: MetricFamily>(&mut self) -> Result<(), RegistryError> {
        self.register_family(F::family())
    }

    /// Adds a family. Fails when the registry has a family of that name, when the family has
    /// a global label, or when any name it writes (see [`Registry::with_self_metrics`] for
    /// what counts) is written by another part of the registry already.
    pub fn register_family(&mut self, family: &'static Family) -> Result<(), RegistryError> {
        if self.family(family.name()).is_some() {
            return Err(RegistryError::DuplicateName(family.name()));
        }
        if let Some(label) = family
            .descriptor()
            .labels
            .iter()
            .find(|l| self.has_global_label(l.name))
        {
            return Err(RegistryError::InvalidGlobalLabel(format!(
                "`{}` is a global label of this registry and a label of family `{}`",
                label.name,
                family.name()
            )));
        }
        let d = family.descriptor();
        self.claim(
            written_names(family.name(), d.kind.into()),
            format!("family `{}` ({}::{})", d.name, d.module_path, d.type_name),
        )?;
        let at = self.families.partition_point(|f| f.name() < family.name());
        self.families.insert(at, family);
        Ok(())
    }

    /// Records that `owner` writes `names`, or fails when another part writes one of them
    /// already (a family, an extra, or a metric of the attached hand-written registry). With a
    /// hand-written registry attached, each name is also claimed there ([`Claim`]).
    fn claim(&mut self, names: Vec<String>, owner: String) -> Result<(), RegistryError> {
        for name in &names {
            if let Some(first) = self.written.get(name) {
                return Err(RegistryError::NameClash {
                    name: name.clone(),
                    first: first.clone(),
                    second: owner,
                });
            }
        }
        #[cfg(feature = "prometheus")]
        if let Some(prom) = &self.prometheus {
            for mf in prom.gather() {
                if let Some(name) = hand_written_names(&mf)
                    .into_iter()
                    .find(|n| names.contains(n))
                {
                    return Err(RegistryError::ConflictingMetric(format!(
                        "{owner} would write `{name}`, which the hand-written metric `{}` writes",
                        mf.name()
                    )));
                }
            }
            let new: BTreeSet<String> = to_claim(names.iter(), &self.prom_prefix)
                .difference(&self.claimed)
                .cloned()
                .collect();
            claim_in(prom, &new, self.id.0).map_err(|name| {
                RegistryError::ConflictingMetric(format!(
                    "{owner} would write `{name}`, which a metric registered in the \
                     hand-written registry describes (or needs as the family of its samples)"
                ))
            })?;
            self.claimed.extend(new);
        }
        for name in names {
            self.written.insert(name, owner.clone());
        }
        Ok(())
    }

    /// Takes back the names `owner` writes.
    fn unclaim(&mut self, owner: &str) {
        self.written.retain(|_, o| o != owner);
        #[cfg(feature = "prometheus")]
        if let Some(prom) = &self.prometheus {
            let needed = to_claim(self.written.keys(), &self.prom_prefix);
            let unneeded: BTreeSet<String> = self.claimed.difference(&needed).cloned().collect();
            release_in(prom, &unneeded, self.id.0);
            self.claimed = needed;
        }
    }

    /// Exposes a hand-written `prometheus` registry's metrics after this registry's families.
    /// Fails when one of them writes a name this registry writes (a family's, its `_bucket`,
    /// `_sum`, `_count`, `_created`, a counter's OpenMetrics family name, an extra's), or a
    /// name another of them writes (a histogram `x` and a gauge `x_count`). From then on every
    /// such name is claimed in `registry` too, so a hand-written metric of that name (or a
    /// histogram or summary whose samples would have it) registered there later is refused by
    /// its `register` call; one that slips past (a collector describing other names than it
    /// collects) is left out of the exposition and counted by the self-metric
    /// `exposition_conflicts_total`.
    ///
    /// Dropping this registry takes the claims back, so a registry put together again can
    /// attach `registry` anew; the `prometheus` crate remembers each name's help and labels
    /// for its registry's lifetime, though, so a hand-written metric of a once-claimed name
    /// still cannot be registered there.
    #[cfg(feature = "prometheus")]
    pub fn with_prometheus(
        mut self,
        registry: prometheus::Registry,
    ) -> Result<Self, RegistryError> {
        let mut hand: BTreeMap<String, String> = BTreeMap::new();
        for mf in registry.gather() {
            if let Some(label) = repeats_a_label(&mf) {
                return Err(RegistryError::ConflictingMetric(format!(
                    "the hand-written metric `{}` has label `{label}` twice (a constant label \
                     that is also a common label of its registry?)",
                    mf.name()
                )));
            }
            for name in hand_written_names(&mf) {
                if let Some(first) = self.written.get(&name) {
                    return Err(RegistryError::ConflictingMetric(format!(
                        "the hand-written metric `{}` writes `{name}`, which {first} writes",
                        mf.name()
                    )));
                }
                if let Some(other) = hand.insert(name.clone(), mf.name().to_string()) {
                    return Err(RegistryError::ConflictingMetric(format!(
                        "the hand-written metrics `{other}` and `{}` both write `{name}`",
                        mf.name()
                    )));
                }
            }
        }
        let prefix = gathered_prefix(&registry, self.id.0);
        let claims = to_claim(self.written.keys(), &prefix);
        claim_in(&registry, &claims, self.id.0).map_err(|bare| {
            // The name as exposed: with the hand-written registry's namespace.
            let name = format!("{prefix}{bare}");
            RegistryError::ConflictingMetric(format!(
                "`{name}` is written by {}, and a metric registered in the hand-written \
                 registry describes it (or needs it as the family of its samples)",
                self.written
                    .get(&name)
                    .or_else(|| {
                        ["_bucket", "_sum", "_count"]
                            .iter()
                            .find_map(|s| self.written.get(&format!("{name}{s}")))
                    })
                    .map_or("this registry", String::as_str)
            ))
        })?;
        if let Some(old) = self.prometheus.take() {
            release_in(&old, &self.claimed, self.id.0);
        }
        self.claimed = claims;
        self.prom_prefix = prefix;
        self.prometheus = Some(registry);
        Ok(self)
    }

    /// Label names the registry's own metrics use (self-metrics, build info): never global.
    const EXTRA_LABELS: &'static [&'static str] =
        &["label", "format", "version", "commit", "rustc"];

    /// Also exposes the runtime's self-metrics, each name starting with `prefix`:
    /// `label_overflow_total{label}` and `label_values{label}` (capped labels),
    /// `invalid_observations_total`, `native_observations_clamped_total`,
    /// `exposition_conflicts_total`, `scrape_series`, `scrape_duration_seconds`,
    /// `scrapes_total{format}`.
    ///
    /// `prefix` is empty or snake case ending in `_` (`myapp_metrics_`). Fails when a name it
    /// makes is written by another part of the registry: a family, build info, the process
    /// metrics or a hand-written metric (every name counts: a histogram's `_bucket`, `_sum`,
    /// `_count`, any `_created`, and a counter's OpenMetrics family name `x` of `x_total`).
    pub fn with_self_metrics(mut self, prefix: &str) -> Result<Self, RegistryError> {
        check_prefix(prefix, "with_self_metrics")?;
        self.unclaim(OWNER_SELF);
        let names = extras::SELF_METRICS
            .iter()
            .flat_map(|(suffix, kind)| written_names(&format!("{prefix}{suffix}"), (*kind).into()))
            .collect();
        self.claim(names, OWNER_SELF.to_string())?;
        self.self_metrics = Some(prefix.to_string());
        Ok(self)
    }

    /// Also exposes `{prefix}build_info{version,commit,rustc} 1`; see [`crate::build_info!`].
    /// `prefix` as for [`Registry::with_self_metrics`]; fails when another part of the
    /// registry writes that name.
    pub fn with_build_info(mut self, prefix: &str, info: BuildInfo) -> Result<Self, RegistryError> {
        check_prefix(prefix, "with_build_info")?;
        self.unclaim(OWNER_BUILD);
        self.claim(
            written_names(&format!("{prefix}build_info"), Writes::Gauge),
            OWNER_BUILD.to_string(),
        )?;
        self.build_info = Some((prefix.to_string(), info));
        Ok(self)
    }

    /// Also exposes the standard `process_*` metrics (Linux; nothing elsewhere). Fails when
    /// another part of the registry writes one of their names (a hand-written process
    /// collector, say).
    pub fn with_process_metrics(mut self, enabled: bool) -> Result<Self, RegistryError> {
        self.unclaim(OWNER_PROCESS);
        if enabled {
            let names = extras::PROCESS_METRICS
                .iter()
                .flat_map(|(name, kind)| written_names(name, (*kind).into()))
                .collect();
            self.claim(names, OWNER_PROCESS.to_string())?;
        }
        self.process_metrics = enabled;
        Ok(self)
    }

    /// Labels added to every series this registry encodes (for example `service`, `region`).
    /// Names must be snake case, must not start with `__`, must not be `le` or `quantile`,
    /// must not collide with a label of a registered family and must be unique.
    pub fn set_global_labels<K: AsRef<str>, V: AsRef<str>>(
        &mut self,
        labels: &[(K, V)],
    ) -> Result<(), RegistryError> {
        let mut names = BTreeSet::new();
        let mut rendered = String::new();
        for (k, v) in labels {
            let (k, v) = (k.as_ref(), v.as_ref());
            crate::validate::label_name(k).map_err(RegistryError::InvalidGlobalLabel)?;
            if v.is_empty() {
                return Err(RegistryError::InvalidGlobalLabel(format!(
                    "`{k}` has an empty value, which Prometheus reads as a missing label"
                )));
            }
            if !names.insert(k) {
                return Err(RegistryError::InvalidGlobalLabel(format!(
                    "`{k}` is given twice"
                )));
            }
            if Self::EXTRA_LABELS.contains(&k) {
                return Err(RegistryError::InvalidGlobalLabel(format!(
                    "`{k}` is a label of the registry's own metrics (self-metrics, build info); choose another name"
                )));
            }
            if let Some(f) = self
                .families
                .iter()
                .find(|f| f.descriptor().labels.iter().any(|l| l.name == k))
            {
                return Err(RegistryError::InvalidGlobalLabel(format!(
                    "`{k}` is already a label of family `{}`",
                    f.name()
                )));
            }
            if !rendered.is_empty() {
                rendered.push(',');
            }
            rendered.push_str(k);
            rendered.push_str("=\"");
            encode::escape_label_value_into(v, &mut rendered);
            rendered.push('"');
        }
        self.global_labels = rendered;
        self.global_label_names = names.into_iter().map(str::to_string).collect();
        Ok(())
    }

    /// Whether `name` is one of the global labels.
    fn has_global_label(&self, name: &str) -> bool {
        self.global_label_names.iter().any(|n| n == name)
    }

    /// The registered families, sorted by name.
    pub fn families(&self) -> &[&'static Family] {
        &self.families
    }

    /// Finds a family by name.
    pub fn family(&self, name: &str) -> Option<&'static Family> {
        self.families
            .binary_search_by(|f| f.name().cmp(name))
            .ok()
            .map(|i| self.families[i])
    }

    /// Families that have recorded nothing since start: every counter and histogram series at
    /// zero, every gauge at zero. "Defined but never instrumented" (a gauge deliberately set
    /// to 0 reads as unrecorded too).
    pub fn unrecorded(&self) -> Vec<&'static Family> {
        self.families
            .iter()
            .copied()
            .filter(|f| !f.recorded())
            .collect()
    }

    /// Total label sets exposed (for histograms, each label set is `buckets + 2` samples).
    pub fn series_count(&self) -> usize {
        self.families
            .iter()
            .map(|f| f.descriptor().worst_case_series)
            .sum()
    }

    /// Appends the text exposition of every family to `out`.
    pub fn encode_into(&self, out: &mut Vec<u8>) {
        self.encode_into_as(out, Format::Text);
    }

    /// The format this registry can write when `wanted` is asked for: OpenMetrics and
    /// protobuf only when no hand-written `prometheus` registry is attached (its encoder writes
    /// the text format), protobuf only with the `protobuf` feature.
    pub fn format_for(&self, wanted: Format) -> Format {
        #[cfg(feature = "prometheus")]
        if self.prometheus.is_some() {
            return Format::Text;
        }
        if wanted == Format::Protobuf && !cfg!(feature = "protobuf") {
            return Format::Text;
        }
        wanted
    }

    /// The exposition of every family in `format` (after [`Registry::format_for`]), as the
    /// bytes of a response body: text, OpenMetrics, or delimited protobuf messages. Serve it
    /// with `self.format_for(format).content_type()`.
    pub fn encode(&self, format: Format) -> Vec<u8> {
        let mut out = Vec::with_capacity(64 * 1024);
        self.encode_into_as(&mut out, format);
        out
    }

    /// Appends the exposition of every family to `out` in `format` (see [`Registry::format_for`]).
    pub fn encode_into_as(&self, out: &mut Vec<u8>, format: Format) {
        let format = self.format_for(format);
        let started = std::time::Instant::now();
        // Samples written, counted by the encoders themselves (no second pass over the
        // output), for the `scrape_series` self-metric.
        let mut samples = 0;
        for f in &self.families {
            samples += encode::encode_family_as(f, &self.global_labels, out, format);
        }
        if let Some((prefix, info)) = &self.build_info {
            samples += extras::encode_build_info(out, format, prefix, &self.global_labels, info);
        }
        if self.process_metrics {
            samples += extras::encode_process_metrics(out, format, &self.global_labels);
        }
        if let Some(prefix) = &self.self_metrics {
            samples +=
                extras::encode_self_metrics(out, format, prefix, &self.global_labels, &self.stats);
        }
        #[cfg(feature = "prometheus")]
        if let Some(reg) = &self.prometheus {
            let from = out.len();
            // A hand-written family writing a name of ours got past the claims (its collector
            // describes other names than it collects): the exposition would hold the name
            // twice, so it is left out, and counted.
            let mut mfs = reg.gather();
            let before = mfs.len();
            let mut hand = BTreeSet::new();
            mfs.retain(|mf| {
                let names = hand_written_names(mf);
                let clash = repeats_a_label(mf).is_some()
                    || names
                        .iter()
                        .any(|n| self.written.contains_key(n) || hand.contains(n));
                if !clash {
                    hand.extend(names);
                }
                !clash
            });
            self.stats
                .conflicts
                .fetch_add((before - mfs.len()) as u64, Ordering::Relaxed);
            use prometheus::Encoder;
            // Writing into a Vec cannot fail; a metric the encoder rejects is left out.
            let _ = prometheus::TextEncoder::new().encode(&mfs, out);
            samples += out[from..]
                .split(|&b| b == b'\n')
                .filter(|l| !l.is_empty() && l[0] != b'#')
                .count();
        }
        if format == Format::OpenMetrics {
            out.extend_from_slice(b"# EOF\n");
        }
        if self.self_metrics.is_some() {
            self.stats
                .last_series
                .store(samples as u64, Ordering::Relaxed);
            self.stats
                .last_duration_bits
                .store(started.elapsed().as_secs_f64().to_bits(), Ordering::Relaxed);
        }
        let by_format = match format {
            Format::Text => 0,
            Format::OpenMetrics => 1,
            Format::Protobuf => 2,
        };
        self.stats.scrapes[by_format].fetch_add(1, Ordering::Relaxed);
    }

    /// The exposition of every family in `format`, as a string: for the text formats (protobuf
    /// is binary, see [`Registry::encode`]).
    pub fn encode_as(&self, format: Format) -> String {
        let mut out = Vec::with_capacity(64 * 1024);
        self.encode_into_as(&mut out, format);
        String::from_utf8(out)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }

    /// The text exposition of every family.
    pub fn encode_text(&self) -> String {
        let mut out = Vec::with_capacity(64 * 1024);
        self.encode_into(&mut out);
        // Everything written is UTF-8: names are ASCII, values and help are `&str`.
        String::from_utf8(out)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }

    /// Registers every family of this registry into a `prometheus::Registry` as a collector.
    #[cfg(feature = "prometheus")]
    pub fn register_into(&self, registry: &prometheus::Registry) -> prometheus::Result<()> {
        for f in &self.families {
            registry.register(Box::new(crate::collector::FamilyCollector::new(f)?))?;
        }
        Ok(())
    }
}

/// The text exposition of the default registry ([`Registry::global`]).
pub fn encode_text() -> String {
    Registry::global().encode_text()
}
