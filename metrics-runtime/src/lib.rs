//! Typed Prometheus metrics whose cardinality rules are checked by the compiler.
//!
//! A label is an enum with `#[derive(LabelValue)]`; a metric family is a struct with
//! `#[derive(MetricFamily)]` whose fields are its labels and whose doc comment is its HELP.
//! Recording computes a dense index from the label enums and does one atomic operation on a
//! `static` slot: no hashing, no allocation, no lock.
//!
//! ```
//! use metrics_runtime::{LabelValue, MetricFamily};
//!
//! /// How a request ended.
//! #[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
//! pub enum Outcome { Ok, Error }
//!
//! /// Requests handled, by outcome.
//! #[derive(MetricFamily)]
//! #[metric(counter, name = "doc_requests_total")]
//! pub struct Requests { pub outcome: Outcome }
//!
//! Requests { outcome: Outcome::Ok }.inc();
//! assert_eq!(Requests { outcome: Outcome::Ok }.get(), 1);
//! let text = metrics_runtime::encode_text();
//! assert!(text.contains("doc_requests_total{outcome=\"ok\"} 1\n"));
//! assert!(text.contains("doc_requests_total{outcome=\"error\"} 0\n"));
//! ```

#![warn(missing_debug_implementations)]
// A library never prints; `print!` also panics when the stream is closed.
#![warn(clippy::print_stdout, clippy::print_stderr)]

// Lets the derives, which name `::metrics_runtime`, be used inside this crate too.
extern crate self as metrics_runtime;

pub mod buckets;
mod capped;
#[cfg(feature = "prometheus")]
mod collector;
mod component;
#[cfg(feature = "config")]
pub mod config;
mod created;
mod descriptor;
pub mod encode;
mod exemplar;
mod extras;
mod family;
mod guard;
#[cfg(feature = "axum")]
pub mod http;
mod kinds;
mod label;
pub mod native;
#[cfg(feature = "protobuf")]
pub mod proto;
#[cfg(feature = "push")]
pub mod push;
mod registry;
pub mod shard;
pub mod testing;
mod timer;
pub mod validate;

pub use capped::{CappedInfo, MAX_VALUE_BYTES, OVERFLOW_VALUE};
#[cfg(feature = "prometheus")]
pub use collector::FamilyCollector;
pub use component::Component;
#[cfg(feature = "config")]
pub use config::{AuthConfig, ConfigError, LimitsConfig, MetricsConfig};
pub use created::process_start_seconds;
pub use descriptor::{FamilyDescriptor, FamilyRole, MetricKind, NativeSpec, Stability};
pub use encode::Format;
pub use exemplar::{EXEMPLAR_MAX_RUNES, Exemplar, ExemplarError, ExemplarSlot, ExemplarSnapshot};
pub use extras::{BuildInfo, ProcessStats, RUSTC_VERSION};
pub use family::{Family, HistogramSnapshot, Slots, invalid_observations};
pub use guard::GaugeGuard;
pub use label::{DefaultLabel, LabelDescriptor, LabelValue};
pub use metrics_macros::{LabelValue, MetricFamily};
pub use native::{NativeHistogramSnapshot, native_clamped};
pub use registry::{Registry, RegistryError, encode_text};
pub use timer::Timer;

/// A metric family declared with `#[derive(MetricFamily)]`: the label struct is the key of
/// one series, and the family's storage is a `static` of the generated code.
pub trait MetricFamily: Sized + Send + Sync + 'static {
    /// What the family declares: name, kind, HELP, unit, labels with all their values,
    /// buckets, series budget. Docs, the catalog and checks are generated from it.
    const DESCRIPTOR: &'static FamilyDescriptor;

    /// The family's storage in the default registry.
    fn family() -> &'static Family;

    /// The dense index of this label set: `0..DESCRIPTOR.label_sets`.
    fn series_index(&self) -> usize;

    /// A `prometheus::core::Collector` over this family, to register into any
    /// `prometheus::Registry` beside hand-written metrics.
    #[cfg(feature = "prometheus")]
    fn collector() -> prometheus::Result<FamilyCollector> {
        FamilyCollector::new(Self::family())
    }
}

/// A histogram of seconds (`unit = "seconds"`, or a name ending in `_seconds`): what
/// [`Timer`] records into. Only such histograms have `start_timer`, `start_timer_with` and
/// `observe_duration`, which record seconds.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a histogram of seconds: timers and `observe_duration` record seconds",
    label = "records seconds",
    note = "`start_timer`, `start_timer_with`, `observe_duration` and `observe_duration_with_exemplar` exist on histograms \
            declared with `unit = \"seconds\"`; record this family's own unit with `observe(value)`"
)]
pub trait SecondsHistogram: MetricFamily {
    /// Records one observation, in seconds.
    fn observe_seconds(&self, seconds: f64);
}

#[doc(hidden)]
pub mod __private {
    pub use crate::capped::{CAPPED_LABELS, CappedIndex, CappedInfo, Interner, OVERFLOW_VALUE};
    pub use crate::descriptor::{FamilyDescriptor, FamilyRole, MetricKind, NativeSpec, Stability};
    pub use crate::exemplar::{Exemplar, ExemplarSlot};
    pub use crate::family::{
        Family, Slots, counter_add, counter_add_exemplar, counter_add_f64,
        counter_add_f64_exemplar, gauge_add, gauge_set, histogram_exemplar, histogram_observe,
    };
    pub use crate::guard::GaugeGuard;
    pub use crate::kinds::{
        CounterMethodOnGauge, CounterMethodOnHistogram, GaugeMethodOnCounter,
        GaugeMethodOnHistogram, HistogramMethodOnCounter, HistogramMethodOnGauge,
    };
    pub use crate::label::{
        BoundedLabel, CopyLabel, DefaultLabel, LabelDescriptor, LabelOf, LabelValue, label_of,
    };
    pub use crate::native::histogram_observe_native;
    pub use crate::registry::FAMILIES;
    pub use crate::shard::ROWS as SHARD_ROWS;
    pub use crate::timer::Timer;
    pub use crate::{MetricFamily, SecondsHistogram};
    pub use core::sync::atomic::AtomicU64;
    pub use linkme;
    /// Prometheus' default buckets, used when a histogram declares none (the policy's table).
    pub use metrics_policy::DEFAULT_BUCKETS;
    pub use metrics_policy::{ConstMessage, bucket_constant_message, series_budget_message};
}
