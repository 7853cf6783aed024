//! Timers that record the elapsed seconds into a histogram of seconds when they end.

use std::time::Instant;

use crate::SecondsHistogram;

/// Measures from its start to [`Timer::finish`] (labels chosen at the end) or to its drop.
///
/// A timer always knows the labels an early drop (an early return, a `?`, a panic unwinding,
/// a cancelled future) records under, so nothing it measures is lost:
///
/// - `F::start_timer()` records an early drop under the family's declared defaults (every
///   label type's `#[label(default)]` value, such as `cancelled`). It exists only for such
///   families: on a family with a label type that declares no default it does not compile,
///   with a message naming that type.
/// - `F::start_timer_with(labels)` records an early drop under `labels`.
///
/// Timers exist only on histograms of seconds (`unit = "seconds"`): the elapsed time is in
/// seconds, and recording it into a histogram of bytes would be wrong by construction.
///
/// ```
/// use metrics_runtime::{LabelValue, MetricFamily};
///
/// /// How a job ended.
/// #[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
/// pub enum Outcome { Ok, Failed, #[label(default)] Cancelled }
///
/// /// Time to run one job.
/// #[derive(MetricFamily)]
/// #[metric(histogram, name = "doc_job_duration_seconds", unit = "seconds", buckets = [0.1, 1.0])]
/// pub struct JobDuration { pub outcome: Outcome }
///
/// let t = JobDuration::start_timer();
/// t.finish(JobDuration { outcome: Outcome::Ok });
/// {
///     let _t = JobDuration::start_timer(); // dropped early: recorded as `cancelled`
/// }
/// assert_eq!(JobDuration { outcome: Outcome::Cancelled }.count(), 1);
/// ```
#[must_use = "a timer records when it is finished or dropped; binding it to `_` drops it at once"]
pub struct Timer<F> {
    start: Instant,
    /// The labels an early drop records under; `None` once finished or discarded.
    default: Option<F>,
    /// `F::observe_seconds`: the type takes no bound, so a family that is not a histogram of
    /// seconds can name `Timer<Self>` in the signature of a method it cannot call.
    observe: fn(&F, f64),
}

impl<F: core::fmt::Debug> core::fmt::Debug for Timer<F> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Timer")
            .field("start", &self.start)
            .field("default", &self.default)
            .finish()
    }
}

impl<F: SecondsHistogram> Timer<F> {
    /// Starts a timer whose early drop records under `default`. Generated code calls it from
    /// `start_timer()` (with the declared defaults) and `start_timer_with(labels)`.
    pub fn start_with(default: F) -> Self {
        Timer {
            start: Instant::now(),
            default: Some(default),
            observe: F::observe_seconds,
        }
    }
}

impl<F> Timer<F> {
    /// Seconds since the start.
    pub fn elapsed_seconds(&self) -> f64 {
        self.start.elapsed().as_secs_f64()
    }

    /// Records the elapsed seconds under `labels` and returns them.
    pub fn finish(mut self, labels: F) -> f64 {
        let secs = self.elapsed_seconds();
        self.default = None;
        (self.observe)(&labels, secs);
        secs
    }

    /// Ends the timer without recording anything.
    pub fn discard(mut self) {
        self.default = None;
    }
}

impl<F> Drop for Timer<F> {
    fn drop(&mut self) {
        if let Some(labels) = self.default.take() {
            (self.observe)(&labels, self.elapsed_seconds());
        }
    }
}
