//! Exemplars: a trace id (or another small label set) attached to one counter increment or
//! histogram observation, so a dashboard can jump from a latency spike to a trace that shows
//! it. This is where a `trace_id` goes instead of a label (R7).
//!
//! Storage is one slot per counter series and per classic histogram bucket (OpenMetrics
//! attaches exemplars to buckets), the latest exemplar winning, as in client_golang. A slot
//! is a `Mutex` that only the `*_with_exemplar` calls and the encoder take, with `try_lock`:
//! a recording thread that finds it held records the value and drops the exemplar rather
//! than wait. Recording without an exemplar never touches it and costs what it did before.
//! An [`Exemplar`] is validated and rendered once when it is built; recording it clones an
//! `Arc` and reads the clock.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, TryLockError};

/// OpenMetrics: "The combined length of the label names and values of an Exemplar's LabelSet
/// MUST NOT exceed 128 UTF-8 character code points" (client_golang's `ExemplarMaxRunes`).
pub const EXEMPLAR_MAX_RUNES: usize = 128;

/// Why an exemplar was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExemplarError {
    /// The label names and values hold more than [`EXEMPLAR_MAX_RUNES`] characters.
    TooLong {
        /// Characters of the names and values together.
        runes: usize,
    },
    /// A label name outside `[a-zA-Z_][a-zA-Z0-9_]*`, or starting with `__`.
    InvalidLabelName(String),
    /// A label name given twice.
    DuplicateLabel(String),
}

impl core::fmt::Display for ExemplarError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            ExemplarError::TooLong { runes } => write!(
                f,
                "exemplar labels have {runes} characters, more than the {EXEMPLAR_MAX_RUNES} OpenMetrics allows"
            ),
            ExemplarError::InvalidLabelName(n) => write!(f, "exemplar label name `{n}` is invalid"),
            ExemplarError::DuplicateLabel(n) => {
                write!(f, "exemplar label `{n}` is given twice")
            }
        }
    }
}

impl std::error::Error for ExemplarError {}

/// The labels of an exemplar, validated and rendered once.
#[derive(Debug)]
pub(crate) struct ExemplarLabels {
    pub(crate) pairs: Box<[(Box<str>, Box<str>)]>,
    /// `{trace_id="..."}` as OpenMetrics writes it, values escaped.
    pub(crate) text: Box<str>,
}

/// A validated exemplar label set, with an optional fixed timestamp. Build it once per
/// request (or trace) and pass it to `inc_with_exemplar` / `observe_with_exemplar`; the value
/// recorded is the increment or the observation, the timestamp the time of recording unless
/// [`Exemplar::at`] fixed one.
///
/// ```
/// use metrics_runtime::Exemplar;
/// let ex = Exemplar::trace_id("4bf92f3577b34da6a3ce929d0e0e4736").unwrap();
/// assert_eq!(ex.labels().collect::<Vec<_>>(), [("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736")]);
/// assert!(Exemplar::trace_id(&"x".repeat(121)).is_err()); // 8 + 121 characters > 128
/// ```
#[derive(Debug, Clone)]
pub struct Exemplar {
    labels: Arc<ExemplarLabels>,
    timestamp: Option<f64>,
}

fn valid_label_name(name: &str) -> bool {
    let mut c = name.chars();
    c.next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && c.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !name.starts_with("__")
}

impl Exemplar {
    /// An exemplar labelled `trace_id="<id>"`.
    pub fn trace_id(id: &str) -> Result<Self, ExemplarError> {
        Self::new(&[("trace_id", id)])
    }

    /// An exemplar of any label set whose names and values together hold at most 128
    /// characters (for example `trace_id` and `span_id`).
    pub fn new<K: AsRef<str>, V: AsRef<str>>(labels: &[(K, V)]) -> Result<Self, ExemplarError> {
        let mut runes = 0;
        let mut pairs: Vec<(Box<str>, Box<str>)> = Vec::with_capacity(labels.len());
        let mut text = String::from("{");
        for (k, v) in labels {
            let (k, v) = (k.as_ref(), v.as_ref());
            if !valid_label_name(k) {
                return Err(ExemplarError::InvalidLabelName(k.to_string()));
            }
            if pairs.iter().any(|(n, _)| &**n == k) {
                return Err(ExemplarError::DuplicateLabel(k.to_string()));
            }
            runes += k.chars().count() + v.chars().count();
            if !pairs.is_empty() {
                text.push(',');
            }
            text.push_str(k);
            text.push_str("=\"");
            crate::encode::escape_label_value_into(v, &mut text);
            text.push('"');
            pairs.push((k.into(), v.into()));
        }
        if runes > EXEMPLAR_MAX_RUNES {
            return Err(ExemplarError::TooLong { runes });
        }
        text.push('}');
        Ok(Exemplar {
            labels: Arc::new(ExemplarLabels {
                pairs: pairs.into_boxed_slice(),
                text: text.into_boxed_str(),
            }),
            timestamp: None,
        })
    }

    /// The same exemplar with a fixed timestamp instead of the time of recording.
    #[must_use]
    pub fn at(mut self, time: std::time::SystemTime) -> Self {
        self.timestamp = Some(
            time.duration_since(std::time::UNIX_EPOCH)
                .map_or(0.0, |d| d.as_secs_f64()),
        );
        self
    }

    /// The labels, in the order given.
    pub fn labels(&self) -> impl Iterator<Item = (&str, &str)> {
        self.labels.pairs.iter().map(|(k, v)| (&**k, &**v))
    }

    /// The exemplar of the current OpenTelemetry context's span: `trace_id` and `span_id` in
    /// lowercase hex, or `None` when no valid span is current (feature `opentelemetry`).
    #[cfg(feature = "opentelemetry")]
    pub fn from_current_span() -> Option<Self> {
        Self::from_context(&opentelemetry::Context::current())
    }

    /// The exemplar of `cx`'s span (feature `opentelemetry`); with `tracing`, pass
    /// `tracing_opentelemetry::OpenTelemetrySpanExt::context(&tracing::Span::current())`.
    #[cfg(feature = "opentelemetry")]
    pub fn from_context(cx: &opentelemetry::Context) -> Option<Self> {
        use opentelemetry::trace::TraceContextExt as _;
        let span = cx.span();
        let sc = span.span_context();
        if !sc.is_valid() {
            return None;
        }
        Self::new(&[
            ("trace_id", sc.trace_id().to_string()),
            ("span_id", sc.span_id().to_string()),
        ])
        .ok()
    }
}

/// One stored exemplar: its labels, the value recorded with it and when.
#[derive(Debug, Clone)]
pub(crate) struct Stored {
    pub(crate) labels: Arc<ExemplarLabels>,
    pub(crate) value: f64,
    pub(crate) timestamp: f64,
}

/// What an exemplar slot holds at one moment (tests and encoders read it).
#[derive(Debug, Clone, PartialEq)]
pub struct ExemplarSnapshot {
    /// The labels, in the order given.
    pub labels: Vec<(String, String)>,
    /// The increment or observation recorded with it.
    pub value: f64,
    /// When, in seconds since the Unix epoch.
    pub timestamp: f64,
}

/// The exemplar storage of one counter series or one histogram bucket. Const-constructible
/// and all zeroes, so a family's slots sit in `.bss` and cost no memory until written.
#[derive(Debug, Default)]
pub struct ExemplarSlot {
    slot: Mutex<Option<Stored>>,
    /// Whether the slot has ever held an exemplar: an encoder reads it (a plain load) and
    /// takes the lock only when it is set, so a scrape of families without exemplars takes
    /// no lock at all.
    present: AtomicBool,
}

impl ExemplarSlot {
    /// An empty slot.
    pub const fn new() -> Self {
        ExemplarSlot {
            slot: Mutex::new(None),
            present: AtomicBool::new(false),
        }
    }

    /// Stores `ex` with `value`, unless another thread holds the slot right now.
    #[inline]
    pub(crate) fn record(&self, ex: &Exemplar, value: f64) {
        let timestamp = ex.timestamp.unwrap_or_else(crate::created::now_seconds);
        let stored = Stored {
            labels: Arc::clone(&ex.labels),
            value,
            timestamp,
        };
        match self.slot.try_lock() {
            Ok(mut g) => *g = Some(stored),
            // Nothing panics while holding the lock; a poisoned slot is still a slot.
            Err(TryLockError::Poisoned(p)) => *p.into_inner() = Some(stored),
            Err(TryLockError::WouldBlock) => return,
        }
        if !self.present.load(Ordering::Relaxed) {
            self.present.store(true, Ordering::Release);
        }
    }

    /// The stored exemplar, if any (waits for a concurrent writer, which is brief).
    #[inline]
    pub(crate) fn load(&self) -> Option<Stored> {
        if !self.present.load(Ordering::Acquire) {
            return None;
        }
        match self.slot.lock() {
            Ok(g) => g.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }

    /// Empties the slot.
    pub(crate) fn clear(&self) {
        if !self.present.load(Ordering::Acquire) {
            return;
        }
        match self.slot.lock() {
            Ok(mut g) => *g = None,
            Err(p) => *p.into_inner() = None,
        }
    }

    /// What the slot holds.
    pub fn snapshot(&self) -> Option<ExemplarSnapshot> {
        self.load().map(|s| ExemplarSnapshot {
            labels: s
                .labels
                .pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            value: s.value,
            timestamp: s.timestamp,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_128_character_limit_counts_names_and_values() {
        // "trace_id" is 8 characters: 120 more make 128, one more is refused.
        assert!(Exemplar::trace_id(&"a".repeat(120)).is_ok());
        assert_eq!(
            Exemplar::trace_id(&"a".repeat(121)).err(),
            Some(ExemplarError::TooLong { runes: 129 })
        );
        // Characters, not bytes: 120 two-byte characters still fit.
        assert!(Exemplar::trace_id(&"é".repeat(120)).is_ok());
        assert_eq!(
            Exemplar::new(&[("a", "x".repeat(64)), ("b", "y".repeat(63))])
                .err()
                .map(|e| e.to_string()),
            Some(
                "exemplar labels have 129 characters, more than the 128 OpenMetrics allows".into()
            )
        );
        assert!(matches!(
            Exemplar::new(&[("1x", "v")]),
            Err(ExemplarError::InvalidLabelName(_))
        ));
        assert!(matches!(
            Exemplar::new(&[("__x", "v")]),
            Err(ExemplarError::InvalidLabelName(_))
        ));
        assert!(matches!(
            Exemplar::new(&[("a", "1"), ("a", "2")]),
            Err(ExemplarError::DuplicateLabel(_))
        ));
    }

    #[test]
    fn labels_render_escaped_once() {
        let ex = Exemplar::new(&[("trace_id", "a\"b"), ("span_id", "c")]).ok();
        let text = ex.as_ref().map(|e| e.labels.text.to_string());
        assert_eq!(text.as_deref(), Some("{trace_id=\"a\\\"b\",span_id=\"c\"}"));
    }

    #[cfg(feature = "opentelemetry")]
    #[test]
    fn the_current_span_gives_trace_and_span_ids() {
        use opentelemetry::trace::{
            SpanContext, SpanId, TraceContextExt as _, TraceFlags, TraceId, TraceState,
        };
        assert!(
            Exemplar::from_current_span().is_none(),
            "no span is current"
        );
        let sc = SpanContext::new(
            TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e4736").unwrap_or(TraceId::INVALID),
            SpanId::from_hex("00f067aa0ba902b7").unwrap_or(SpanId::INVALID),
            TraceFlags::SAMPLED,
            true,
            TraceState::default(),
        );
        let cx = opentelemetry::Context::new().with_remote_span_context(sc);
        let ex = Exemplar::from_context(&cx);
        let labels: Vec<(String, String)> = ex
            .map(|e| e.labels().map(|(k, v)| (k.into(), v.into())).collect())
            .unwrap_or_default();
        assert_eq!(
            labels,
            [
                (
                    "trace_id".to_string(),
                    "4bf92f3577b34da6a3ce929d0e0e4736".to_string()
                ),
                ("span_id".to_string(), "00f067aa0ba902b7".to_string())
            ]
        );
        let _guard = cx.attach();
        assert!(Exemplar::from_current_span().is_some());
    }

    #[test]
    fn a_slot_keeps_the_latest() {
        let slot = ExemplarSlot::new();
        assert!(slot.snapshot().is_none());
        let t = std::time::UNIX_EPOCH + std::time::Duration::from_millis(1_700_000_000_123);
        if let Ok(ex) = Exemplar::trace_id("abc") {
            slot.record(&ex.clone().at(t), 1.0);
            slot.record(&ex.at(t), 2.5);
        }
        let snap = slot.snapshot();
        assert_eq!(snap.as_ref().map(|s| s.value), Some(2.5));
        assert_eq!(snap.as_ref().map(|s| s.timestamp), Some(1_700_000_000.123));
        slot.clear();
        assert!(slot.snapshot().is_none());
    }
}
