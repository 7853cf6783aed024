//! The platform's required metric families (seed 000, "Required metrics by component"),
//! declared once with the `metrics-runtime` DSL, one module per component.
//!
//! Everything else is generated from the families' descriptors (policy P5): the Markdown
//! reference ([`docs::render`]), the JSON view ([`json::Catalog`]), the sample exposition
//! ([`sample`]), the compliance checker ([`check`]), Prometheus recording and alerting rules
//! ([`rules`]) and Grafana dashboards ([`dashboard`]). The `metrics-catalog` binary is the
//! command-line front end to them.
//!
//! ```
//! let scheduler = metrics_catalog::component("scheduler").map(|c| c.descriptors());
//! let names: Vec<&str> = scheduler.unwrap_or_default().iter().map(|d| d.name).collect();
//! assert!(names.contains(&"trc_scheduler_unschedulable_total"));
//! ```

// Output goes through writers whose errors are handled: `print!` panics on a closed pipe.
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod agent;
pub mod check;
pub mod control_plane;
pub mod dashboard;
pub mod docs;
pub mod edge;
pub mod events;
pub mod exposition;
pub mod json;
pub mod projections;
pub mod rules;
pub mod scheduler;
pub mod scrape;
pub mod serve;

use metrics_runtime::{Family, FamilyDescriptor, MetricKind, Registry, RegistryError};

/// The platform's metric name prefix (seed 000: "Prefix all platform metrics with `trc_`"),
/// as this crate's `[package.metadata.metrics] prefix` declares it (a test checks they agree).
pub const PREFIX: &str = "trc_";

/// A component of the platform, as named on the command line, with its families.
///
/// Membership is an explicit list rather than a scan of every linked family, so the catalog
/// holds exactly its own families whatever else a binary links; a test checks that every
/// family's `component = "..."` agrees with the list it is in.
#[derive(Debug, Clone, Copy)]
pub struct Component {
    /// The name used on the command line and in `#[metric(component = "...")]`.
    pub name: &'static str,
    /// A human title for docs.
    pub title: &'static str,
    /// What the component is, for docs.
    pub about: &'static str,
    /// The families' storage accessors, in the order seed 000 lists the families.
    pub families: &'static [fn() -> &'static Family],
}

impl Component {
    /// The component's families, in the order seed 000 lists them.
    pub fn families(&self) -> impl Iterator<Item = &'static Family> + '_ {
        self.families.iter().map(|family| family())
    }

    /// The component's descriptors, in the order seed 000 lists them.
    pub fn descriptors(&self) -> Vec<&'static FamilyDescriptor> {
        self.families().map(Family::descriptor).collect()
    }

    /// A registry of the component's families, for exposition (sorted by name).
    pub fn registry(&self) -> Result<Registry, RegistryError> {
        let mut registry = Registry::new();
        for family in self.families() {
            registry.register_family(family)?;
        }
        Ok(registry)
    }

    /// The component's worst-case series: the sum of its families' `worst_case_series`.
    pub fn worst_case_series(&self) -> usize {
        self.families()
            .map(|f| f.descriptor().worst_case_series)
            .sum()
    }
}

/// Every component, in seed 000's order of sections A to F.
pub const COMPONENTS: &[Component] = &[
    control_plane::COMPONENT,
    events::COMPONENT,
    projections::COMPONENT,
    scheduler::COMPONENT,
    agent::COMPONENT,
    edge::COMPONENT,
];

/// The component named `name` on the command line.
pub fn component(name: &str) -> Option<&'static Component> {
    COMPONENTS.iter().find(|c| c.name == name)
}

/// A registry of every catalog family (sorted by name). Fails only if two families share a
/// name, which the catalog's tests rule out.
pub fn registry() -> Result<Registry, RegistryError> {
    let mut registry = Registry::new();
    for family in COMPONENTS.iter().flat_map(Component::families) {
        registry.register_family(family)?;
    }
    Ok(registry)
}

/// The worst-case series count of the whole catalog: every family's `worst_case_series`.
pub fn worst_case_series() -> usize {
    COMPONENTS.iter().map(Component::worst_case_series).sum()
}

/// The exposition text of the given components' families with every label combination
/// initialised, families sorted by name. Nothing is recorded, so every value is 0 and the
/// output is deterministic.
pub fn sample(components: &[&Component]) -> Result<String, RegistryError> {
    let mut registry = Registry::new();
    for family in components.iter().flat_map(|c| c.families()) {
        registry.register_family(family)?;
    }
    Ok(registry.encode_text())
}

/// How a family's worst-case series count is made up, for people: `6 × 13 × 5 = 390 label
/// sets`, and for histograms `× (10 bounds + 3) = 5070`.
pub fn series_formula(d: &FamilyDescriptor) -> String {
    let factors: Vec<String> = d
        .labels
        .iter()
        .map(|l| l.values.len().to_string())
        .collect();
    let sets = match factors.len() {
        0 => "1 label set".to_string(),
        1 => format!("{} label sets", d.label_sets),
        _ => format!("{} = {} label sets", factors.join(" × "), d.label_sets),
    };
    match d.kind {
        MetricKind::Histogram => format!(
            "{sets} × ({} bounds + `+Inf` + `_sum` + `_count`) = {}",
            d.buckets.len(),
            d.worst_case_series
        ),
        _ => sets,
    }
}
