//! Components: a named group of families that is documented, checked and exposed together.

use crate::MetricFamily;
use crate::descriptor::FamilyDescriptor;
use crate::family::Family;
use crate::registry::{Registry, RegistryError};

/// A named group of families (a service, a subsystem), as const data: what the toolkit
/// documents, checks and generates rules for as one unit, and what a `/metrics` endpoint of
/// that service exposes.
///
/// Membership is an explicit list rather than a scan of every linked family, so a component
/// holds exactly its own families whatever else a binary links.
///
/// ```
/// use metrics_runtime::{Component, MetricFamily};
///
/// /// Jobs run.
/// #[derive(MetricFamily)]
/// #[metric(counter, name = "doc_component_jobs_total")]
/// pub struct Jobs;
///
/// const WORKER: Component = Component {
///     name: "worker",
///     title: "Worker",
///     about: "Runs queued jobs.",
///     families: &[Jobs::family],
/// };
/// let registry = WORKER.registry().unwrap();
/// assert!(registry.encode_text().contains("doc_component_jobs_total 0\n"));
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Component {
    /// The name used on command lines and in `#[metric(component = "...")]`.
    pub name: &'static str,
    /// A human title, for docs.
    pub title: &'static str,
    /// What the component is, for docs.
    pub about: &'static str,
    /// The families' storage accessors (`MyFamily::family`), in the order docs list them.
    pub families: &'static [fn() -> &'static Family],
}

impl Component {
    /// The component's families, in declaration order.
    pub fn families(&self) -> impl Iterator<Item = &'static Family> + '_ {
        self.families.iter().map(|family| family())
    }

    /// The component's descriptors, in declaration order.
    pub fn descriptors(&self) -> Vec<&'static FamilyDescriptor> {
        self.families().map(Family::descriptor).collect()
    }

    /// Whether family `F` is one of the component's.
    pub fn contains<F: MetricFamily>(&self) -> bool {
        self.families()
            .any(|f| core::ptr::eq(f.descriptor(), F::DESCRIPTOR))
    }

    /// A registry of the component's families, for exposition (sorted by name). Fails when
    /// two of its families share a name.
    pub fn registry(&self) -> Result<Registry, RegistryError> {
        Registry::of_components(&[self])
    }

    /// The component's worst-case series: the sum of its families' `worst_case_series`.
    pub fn worst_case_series(&self) -> usize {
        self.families()
            .map(|f| f.descriptor().worst_case_series)
            .sum()
    }
}
