//! In-flight guards: a gauge series up by one while a guard lives.

use core::sync::atomic::AtomicU64;

/// Adds one to a gauge series when made (`Family { .. }.track()`) and subtracts it when
/// dropped, on every path out of the scope: an early return, a `?`, a panic unwinding, a
/// cancelled future.
///
/// ```
/// use metrics_runtime::MetricFamily;
///
/// /// Requests being handled.
/// #[derive(MetricFamily)]
/// #[metric(gauge, name = "doc_requests_in_flight", role = "in_flight")]
/// pub struct InFlight;
///
/// {
///     let _g = InFlight.track();
///     assert_eq!(InFlight.get(), 1.0);
/// }
/// assert_eq!(InFlight.get(), 0.0);
/// ```
#[must_use = "the gauge goes back down when the guard is dropped; binding it to `_` drops it at once"]
#[derive(Debug)]
pub struct GaugeGuard {
    slots: &'static [AtomicU64],
    index: usize,
}

impl GaugeGuard {
    /// Adds one to series `index` of a gauge's `slots` and returns the guard that takes it
    /// back. Used by generated code.
    #[doc(hidden)]
    #[inline]
    pub fn track(slots: &'static [AtomicU64], index: usize) -> Self {
        crate::family::gauge_add(slots, index, 1.0);
        GaugeGuard { slots, index }
    }
}

impl Drop for GaugeGuard {
    #[inline]
    fn drop(&mut self) {
        crate::family::gauge_add(self.slots, self.index, -1.0);
    }
}
