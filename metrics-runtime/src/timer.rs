//! Timers that record the elapsed seconds into a histogram when they end.

use std::time::Instant;

use crate::HistogramFamily;

/// Measures from its start to [`Timer::finish`] (labels chosen at the end) or to its drop.
///
/// Dropped without `finish` (an early return, a `?`, a panic unwinding, a cancelled future),
/// it records under its default labels: the ones given to `start_timer_with`, else the family's
/// declared default (every label type's `#[label(default)]` value, such as `cancelled`). A
/// family with no declared default records nothing then; the drop is counted by
/// [`Timer::dropped_without_labels`] so the loss is visible.
#[must_use = "a timer records when it is finished or dropped; binding it to `_` drops it at once"]
#[derive(Debug)]
pub struct Timer<F: HistogramFamily> {
    start: Instant,
    default: Option<F>,
    finished: bool,
}

static DROPPED_WITHOUT_LABELS: core::sync::atomic::AtomicU64 =
    core::sync::atomic::AtomicU64::new(0);

impl<F: HistogramFamily> Timer<F> {
    /// Starts a timer whose early drop records under the family's declared default labels.
    pub fn start() -> Self {
        Timer {
            start: Instant::now(),
            default: F::TIMER_DEFAULT,
            finished: false,
        }
    }

    /// Starts a timer whose early drop records under `default`.
    pub fn start_with(default: F) -> Self {
        Timer {
            start: Instant::now(),
            default: Some(default),
            finished: false,
        }
    }

    /// Seconds since the start.
    pub fn elapsed_seconds(&self) -> f64 {
        self.start.elapsed().as_secs_f64()
    }

    /// Records the elapsed seconds under `labels` and returns them.
    pub fn finish(mut self, labels: F) -> f64 {
        let secs = self.elapsed_seconds();
        self.finished = true;
        labels.observe_seconds(secs);
        secs
    }

    /// Ends the timer without recording anything.
    pub fn discard(mut self) {
        self.finished = true;
    }

    /// How many timers in this process were dropped early with no labels to record under.
    pub fn dropped_without_labels() -> u64 {
        dropped_without_labels()
    }
}

impl<F: HistogramFamily> Drop for Timer<F> {
    fn drop(&mut self) {
        if self.finished {
            return;
        }
        let secs = self.elapsed_seconds();
        match self.default.take() {
            Some(labels) => labels.observe_seconds(secs),
            None => {
                DROPPED_WITHOUT_LABELS.fetch_add(1, core::sync::atomic::Ordering::Relaxed);
            }
        }
    }
}

pub(crate) fn dropped_without_labels() -> u64 {
    DROPPED_WITHOUT_LABELS.load(core::sync::atomic::Ordering::Relaxed)
}
