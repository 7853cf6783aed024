//! The platform's required metric families, declared once with the `metrics-runtime` DSL, one
//! module per component.
//!
//! This crate is data: the families and the [`COMPONENTS`] that group them. Everything made
//! from them (the Markdown reference, the JSON catalog, the sample exposition, the compliance
//! checker, recording and alerting rules, dashboards, diff against a baseline) comes from
//! `metrics-tools`, which works on any crate's families the same way; the `metrics-demo`
//! package serves these families with a simulated workload and is their toolkit binary.
//!
//! The platform's own policy (prefix `trc_`, tenant labels only on gauges, the stability
//! level in HELP) is this crate's `[package.metadata.metrics]`.
//!
//! ```
//! let scheduler = metrics_catalog::component("scheduler").map(|c| c.descriptors());
//! let names: Vec<&str> = scheduler.unwrap_or_default().iter().map(|d| d.name).collect();
//! assert!(names.contains(&"trc_scheduler_unschedulable_total"));
//! ```

pub mod agent;
pub mod control_plane;
pub mod edge;
pub mod events;
pub mod projections;
pub mod scheduler;

use metrics_runtime::{Component, Registry, RegistryError};

/// Every component, in the platform policy's order of sections A to F.
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
    let all: Vec<&Component> = COMPONENTS.iter().collect();
    Registry::of_components(&all)
}

/// The worst-case series count of the whole catalog: every family's `worst_case_series`.
pub fn worst_case_series() -> usize {
    COMPONENTS.iter().map(Component::worst_case_series).sum()
}
