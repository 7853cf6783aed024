//! Storage of one family: a dense array of atomic slots addressed by the mixed-radix index of
//! its label values (no hashing, allocation or lock when recording). Counters and
//! histograms hold one such array per row of [`crate::shard`], so a thread records into a row
//! it owns with a plain load and store; reads add the rows up.

use core::sync::atomic::{AtomicU64, Ordering};
use std::borrow::Cow;
use std::sync::OnceLock;

use crate::descriptor::FamilyDescriptor;
use crate::encode;
use crate::exemplar::{Exemplar, ExemplarSlot, ExemplarSnapshot};
use crate::native::NativeHistogramSnapshot;
use crate::shard::{OWNED_ROWS, ROWS};

/// The slots of a family, by kind.
///
/// Counters hold `u64` counts, and counters of seconds ([`FamilyDescriptor::float_counter`])
/// `f64` bit patterns. Gauges hold `f64` bit patterns. Histograms hold, per label set,
/// `buckets + 1` non-cumulative bucket counts (the last one is `+Inf`) and one `f64` sum; the
/// count is the sum of the bucket counts, so `_count` always equals the `+Inf` bucket.
/// Counter and histogram storage is [`ROWS`] rows of that, row major; a value is the sum of
/// its rows ([`Family::counter_value`], [`Family::histogram_value`]).
#[derive(Debug, Clone, Copy)]
pub enum Slots<'a> {
    /// One count per label set, per row: `ROWS * label_sets`.
    Counter(&'a [AtomicU64]),
    /// One `f64` (as bits) per label set.
    Gauge(&'a [AtomicU64]),
    /// Bucket counts (`ROWS * label_sets * (buckets + 1)`) and sums (`ROWS * label_sets`).
    Histogram {
        /// Non-cumulative bucket counts, row major, then label set major.
        buckets: &'a [AtomicU64],
        /// Sum of observations per label set, as `f64` bits, row major.
        sums: &'a [AtomicU64],
    },
}

/// The sum over the rows of slot `offset` of rows `stride` slots apart.
#[inline]
pub(crate) fn rows_sum(slots: &[AtomicU64], stride: usize, offset: usize) -> u64 {
    (0..ROWS)
        .filter_map(|r| slots.get(r * stride + offset))
        .fold(0u64, |acc, a| acc.saturating_add(a.load(Ordering::Relaxed)))
}

/// The `f64` sum over the rows of slot `offset`.
#[inline]
///
/// Every row is finite (recording refuses what would not be), but rows of several threads
/// may together pass the largest `f64`: the total is then the largest finite value of its
/// sign, never an infinity (which would stay, and turn NaN beside one of the other sign).
pub(crate) fn rows_sum_f64(slots: &[AtomicU64], stride: usize, offset: usize) -> f64 {
    let total: f64 = (0..ROWS)
        .filter_map(|r| slots.get(r * stride + offset))
        .map(|a| f64::from_bits(a.load(Ordering::Relaxed)))
        .sum();
    if total.is_finite() {
        total
    } else if total > 0.0 {
        f64::MAX
    } else if total < 0.0 {
        f64::MIN
    } else {
        // NaN: only from a row that is not finite, which recording never stores.
        0.0
    }
}

/// One family: its descriptor and its storage. Generated code puts one in a `static` per
/// `#[derive(MetricFamily)]` struct; [`crate::Registry`] encodes it.
#[derive(Debug)]
pub struct Family {
    descriptor: &'static FamilyDescriptor,
    slots: Slots<'static>,
    /// One exemplar slot per counter series, or per classic bucket (`+Inf` included) of each
    /// histogram series; empty for gauges.
    exemplars: &'static [ExemplarSlot],
    /// Native histogram buckets, `ROWS * label_sets * spec.slots()`; empty unless the family
    /// declares `native(...)`.
    native: &'static [AtomicU64],
    /// When the family last started from zero (seconds since the epoch, as bits): 0 until a
    /// [`Family::reset`], meaning process start.
    created_bits: AtomicU64,
    rendered_labels: OnceLock<Box<[Option<Box<str>>]>>,
    /// Each label set's labels encoded as protobuf `LabelPair` fields, once.
    #[cfg(feature = "protobuf")]
    pub(crate) proto_labels: OnceLock<crate::proto::EncodedLabels>,
    bucket_override: OnceLock<Box<[f64]>>,
}

impl Family {
    /// A family over `'static` storage. Used by generated code.
    #[doc(hidden)]
    pub const fn new(descriptor: &'static FamilyDescriptor, slots: Slots<'static>) -> Self {
        Self::new_with(descriptor, slots, &[], &[])
    }

    /// A family over `'static` storage with exemplar slots and native histogram buckets.
    /// Used by generated code.
    #[doc(hidden)]
    pub const fn new_with(
        descriptor: &'static FamilyDescriptor,
        slots: Slots<'static>,
        exemplars: &'static [ExemplarSlot],
        native: &'static [AtomicU64],
    ) -> Self {
        Family {
            descriptor,
            slots,
            exemplars,
            native,
            created_bits: AtomicU64::new(0),
            rendered_labels: OnceLock::new(),
            #[cfg(feature = "protobuf")]
            proto_labels: OnceLock::new(),
            bucket_override: OnceLock::new(),
        }
    }

    /// When the family started counting from zero, in seconds since the Unix epoch: the
    /// process start (its storage is static), or the last [`Family::reset`]. Exposed as
    /// OpenMetrics `_created` and protobuf `created_timestamp` of counters and histograms.
    pub fn created(&self) -> f64 {
        match self.created_bits.load(Ordering::Relaxed) {
            0 => crate::created::process_start_seconds(),
            bits => f64::from_bits(bits),
        }
    }

    /// The exemplar slots: one per counter series, one per classic bucket (with `+Inf`) of
    /// each histogram series.
    pub fn exemplar_slots(&self) -> &'static [ExemplarSlot] {
        self.exemplars
    }

    /// The exemplar stored for series `index` (a counter), or for its bucket `bucket` (a
    /// histogram; the last one is `+Inf`).
    pub fn exemplar(&self, index: usize, bucket: usize) -> Option<ExemplarSnapshot> {
        let slot = match self.slots {
            Slots::Histogram { .. } => index * (self.descriptor.buckets.len() + 1) + bucket,
            _ => index,
        };
        self.exemplars.get(slot)?.snapshot()
    }

    /// The native histogram of label set `index` as exposed (after schema reduction), or
    /// `None` when the family declares no `native(...)`.
    pub fn native_value(&self, index: usize) -> Option<NativeHistogramSnapshot> {
        let spec = self.descriptor.native.as_ref()?;
        if index >= self.descriptor.label_sets || self.native.is_empty() {
            return None;
        }
        Some(crate::native::read(
            spec,
            self.native,
            self.descriptor.label_sets,
            index,
        ))
    }

    /// The native histogram storage (see [`crate::native`]).
    pub fn native_slots(&self) -> &'static [AtomicU64] {
        self.native
    }

    /// What the family declares.
    pub fn descriptor(&self) -> &'static FamilyDescriptor {
        self.descriptor
    }

    /// The family's name.
    pub fn name(&self) -> &'static str {
        self.descriptor.name
    }

    /// The histogram bucket bounds in force: the override, else the declared ones.
    #[inline(always)]
    pub fn buckets(&self) -> &[f64] {
        match self.bucket_override.get() {
            Some(b) => b,
            None => self.descriptor.buckets,
        }
    }

    /// Replaces a histogram's bucket bounds (from configuration), once, before anything is
    /// observed. Storage is sized at compile time, so an override may have at most as many
    /// bounds as the declaration.
    pub fn override_buckets(&self, bounds: &[f64]) -> Result<(), String> {
        let declared = self.descriptor.buckets.len();
        if !matches!(self.slots, Slots::Histogram { .. }) {
            return Err(format!(
                "`{}` is a {}, not a histogram",
                self.name(),
                self.descriptor.kind
            ));
        }
        crate::validate::buckets(bounds)?;
        if bounds.len() > declared {
            return Err(format!(
                "`{}` declares {declared} buckets; an override may have at most {declared} (storage is sized at compile time)",
                self.name()
            ));
        }
        if self.recorded() {
            return Err(format!(
                "`{}` has recorded observations already; override buckets at start-up",
                self.name()
            ));
        }
        self.bucket_override
            .set(bounds.to_vec().into_boxed_slice())
            .map_err(|_| format!("`{}` has a bucket override already", self.name()))
    }

    /// The storage.
    pub fn slots(&self) -> Slots<'static> {
        self.slots
    }

    /// `a="x",b="y"` per label set, escaped; `None` for a set whose capped label value has
    /// not arrived yet. Rendered once for enum labels; afresh for families with capped labels,
    /// whose values arrive while the program runs.
    pub(crate) fn rendered_labels(&self) -> Cow<'_, [Option<Box<str>>]> {
        if self.descriptor.has_capped_label() {
            return Cow::Owned(self.render_labels());
        }
        Cow::Borrowed(
            self.rendered_labels
                .get_or_init(|| self.render_labels().into_boxed_slice()),
        )
    }

    fn render_labels(&self) -> Vec<Option<Box<str>>> {
        (0..self.descriptor.label_sets)
            .map(|i| {
                let values = self.descriptor.label_values(i)?;
                let mut s = String::new();
                for (n, (name, value)) in values.into_iter().enumerate() {
                    if n > 0 {
                        s.push(',');
                    }
                    s.push_str(name);
                    s.push_str("=\"");
                    encode::escape_label_value_into(value, &mut s);
                    s.push('"');
                }
                Some(s.into_boxed_str())
            })
            .collect()
    }

    /// Whether any series of this family has recorded anything since start (or reset).
    pub fn recorded(&self) -> bool {
        match self.slots {
            Slots::Counter(s) => s.iter().any(|a| a.load(Ordering::Relaxed) != 0),
            Slots::Gauge(s) => s.iter().any(|a| a.load(Ordering::Relaxed) != 0),
            Slots::Histogram { buckets, .. } => {
                buckets.iter().any(|a| a.load(Ordering::Relaxed) != 0)
            }
        }
    }

    /// Sets every series back to zero. Meant for tests that own the process (see the README).
    pub fn reset(&self) {
        let zero = |s: &[AtomicU64]| s.iter().for_each(|a| a.store(0, Ordering::Relaxed));
        match self.slots {
            Slots::Counter(s) | Slots::Gauge(s) => zero(s),
            Slots::Histogram { buckets, sums } => {
                zero(buckets);
                zero(sums);
            }
        }
        zero(self.native);
        self.exemplars.iter().for_each(ExemplarSlot::clear);
        self.created_bits
            .store(crate::created::now_seconds().to_bits(), Ordering::Relaxed);
    }

    /// The counter value of label set `index`, the sum of its rows (0 for other kinds or out
    /// of range). For a counter of seconds, the whole seconds of [`Family::counter_value_f64`].
    pub fn counter_value(&self, index: usize) -> u64 {
        if self.descriptor.float_counter() {
            return self.counter_value_f64(index) as u64;
        }
        match self.slots {
            Slots::Counter(s) if index < self.descriptor.label_sets => {
                rows_sum(s, self.descriptor.label_sets, index)
            }
            _ => 0,
        }
    }

    /// The counter value of label set `index` as exposed: the `f64` sum of a counter of
    /// seconds, the count of any other counter (0.0 for other kinds or out of range).
    pub fn counter_value_f64(&self, index: usize) -> f64 {
        match self.slots {
            Slots::Counter(s) if index < self.descriptor.label_sets => {
                counter_row_sum(self.descriptor, s, index)
            }
            _ => 0.0,
        }
    }

    /// The gauge value of label set `index` (0.0 for other kinds or out of range).
    pub fn gauge_value(&self, index: usize) -> f64 {
        match self.slots {
            Slots::Gauge(s) => s
                .get(index)
                .map_or(0.0, |a| f64::from_bits(a.load(Ordering::Relaxed))),
            _ => 0.0,
        }
    }

    /// A consistent-enough read of label set `index` of a histogram.
    pub fn histogram_value(&self, index: usize) -> HistogramSnapshot {
        let bounds = self.buckets();
        let width = self.descriptor.buckets.len() + 1;
        let mut snap = HistogramSnapshot {
            buckets: Vec::with_capacity(bounds.len() + 1),
            count: 0,
            sum: 0.0,
        };
        let sets = self.descriptor.label_sets;
        if let Slots::Histogram { buckets, sums } = self.slots {
            if index >= sets {
                return snap;
            }
            let mut cumulative = 0u64;
            for b in 0..=bounds.len() {
                cumulative =
                    cumulative.wrapping_add(rows_sum(buckets, sets * width, index * width + b));
                let bound = bounds.get(b).copied().unwrap_or(f64::INFINITY);
                snap.buckets.push((bound, cumulative));
            }
            snap.count = cumulative;
            snap.sum = rows_sum_f64(sums, sets, index);
        }
        snap
    }
}

/// What a histogram series holds at one moment.
#[derive(Debug, Clone, PartialEq)]
pub struct HistogramSnapshot {
    /// `(upper bound, cumulative count)`, the last bound being `+Inf`.
    pub buckets: Vec<(f64, u64)>,
    /// Number of observations.
    pub count: u64,
    /// Sum of observations.
    pub sum: f64,
}

// ---- recording: what generated code calls on the hot path ----------------------------------

/// Adds `n` to label set `index` of a counter of `sets` label sets, in the calling thread's
/// row: a plain load and store in a row the thread owns, an atomic add in the shared row.
#[inline(always)]
pub fn counter_add(slots: &[AtomicU64], sets: usize, index: usize, n: u64) -> bool {
    // An amount over `i64::MAX` is a negative number cast (`-1i64 as u64` is `u64::MAX`): it
    // would make the counter jump by 1.8e19 and the next one wrap it to nearly 0. Dropped and
    // counted, as is an amount that would wrap the count.
    if n > i64::MAX as u64 {
        INVALID_OBSERVATIONS.fetch_add(1, Ordering::Relaxed);
        return false;
    }
    let row = crate::shard::current();
    let slot = &slots[row * sets + index];
    let added = if row < OWNED_ROWS {
        match slot.load(Ordering::Relaxed).checked_add(n) {
            Some(next) => {
                slot.store(next, Ordering::Relaxed);
                true
            }
            None => false,
        }
    } else {
        slot.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |v| v.checked_add(n))
            .is_ok()
    };
    if !added {
        INVALID_OBSERVATIONS.fetch_add(1, Ordering::Relaxed);
    }
    added
}

/// The value of label set `index` of counter `slots`, summed over its rows: `f64` bits for a
/// counter of seconds, counts otherwise.
#[inline]
pub(crate) fn counter_row_sum(d: &FamilyDescriptor, slots: &[AtomicU64], index: usize) -> f64 {
    if d.float_counter() {
        rows_sum_f64(slots, d.label_sets, index)
    } else {
        rows_sum(slots, d.label_sets, index) as f64
    }
}

/// Adds `v` seconds to label set `index` of a counter of seconds, in the calling thread's row
/// (see [`counter_add`]). A counter never goes down: a negative or NaN increment is dropped
/// and counted in [`invalid_observations`].
#[inline(always)]
pub fn counter_add_f64(slots: &[AtomicU64], sets: usize, index: usize, v: f64) -> bool {
    // Negative, NaN or infinite: an infinite amount would make the counter +Inf for good.
    if !(v >= 0.0 && v.is_finite()) {
        INVALID_OBSERVATIONS.fetch_add(1, Ordering::Relaxed);
        return false;
    }
    let row = crate::shard::current();
    // A sum that would overflow to infinity is dropped and counted, as an infinite amount is.
    if !add_finite(&slots[row * sets + index], v, row < OWNED_ROWS) {
        INVALID_OBSERVATIONS.fetch_add(1, Ordering::Relaxed);
        return false;
    }
    true
}

/// [`counter_add_f64`], then `ex` stored as the series' exemplar with the value `v`.
#[inline]
pub fn counter_add_f64_exemplar(
    slots: &[AtomicU64],
    sets: usize,
    index: usize,
    v: f64,
    exemplars: &[ExemplarSlot],
    ex: &Exemplar,
) {
    // An exemplar only for an increment that was counted.
    if counter_add_f64(slots, sets, index, v)
        && let Some(slot) = exemplars.get(index)
    {
        slot.record(ex, v);
    }
}

/// Stores a gauge value.
#[inline(always)]
pub fn gauge_set(slots: &[AtomicU64], index: usize, value: f64) {
    slots[index].store(value.to_bits(), Ordering::Relaxed);
}

/// Adds to a gauge value (compare-and-swap on the `f64` bits).
#[inline(always)]
pub fn gauge_add(slots: &[AtomicU64], index: usize, delta: f64) {
    // A NaN or infinite delta, or one that overflows to infinity, would leave the gauge NaN
    // or infinite for good (later adds cannot bring it back): drop it and count it instead.
    if !delta.is_finite() {
        INVALID_OBSERVATIONS.fetch_add(1, Ordering::Relaxed);
        return;
    }
    let slot = &slots[index];
    let mut current = slot.load(Ordering::Relaxed);
    loop {
        let was = f64::from_bits(current);
        let next = was + delta;
        if !next.is_finite() && was.is_finite() {
            INVALID_OBSERVATIONS.fetch_add(1, Ordering::Relaxed);
            return;
        }
        match slot.compare_exchange_weak(
            current,
            next.to_bits(),
            Ordering::Relaxed,
            Ordering::Relaxed,
        ) {
            Ok(_) => return,
            Err(seen) => current = seen,
        }
    }
}

/// Observations and gauge deltas dropped because they would poison a series: NaN or
/// infinite values (a sum or gauge that became NaN or infinite stays so), or a negative
/// observation into a histogram of a unit that cannot be negative (seconds, bytes).
static INVALID_OBSERVATIONS: AtomicU64 = AtomicU64::new(0);

/// How many observations the process dropped as invalid (see the README's Guarantees): NaN
/// or infinite observations, increments and gauge deltas, sums that would overflow, whole-number
/// increments over `i64::MAX` or that would wrap, negative values in a histogram of seconds or
/// bytes. A gauge's `set` is not an observation: it stores what it is given, NaN included, and
/// the next `set` replaces it. Exposed by `Registry::with_self_metrics` as
/// `<prefix>invalid_observations_total`.
pub fn invalid_observations() -> u64 {
    INVALID_OBSERVATIONS.load(Ordering::Relaxed)
}

/// Counts one dropped observation (see [`invalid_observations`]).
#[cold]
pub(crate) fn count_invalid() {
    INVALID_OBSERVATIONS.fetch_add(1, Ordering::Relaxed);
}

/// [`counter_add`], then `ex` stored as the series' exemplar with the value `n`.
#[inline]
pub fn counter_add_exemplar(
    slots: &[AtomicU64],
    sets: usize,
    index: usize,
    n: u64,
    exemplars: &[ExemplarSlot],
    ex: &Exemplar,
) {
    // An exemplar only for an increment that was counted.
    if counter_add(slots, sets, index, n)
        && let Some(slot) = exemplars.get(index)
    {
        slot.record(ex, n as f64);
    }
}

/// Stores `ex` as the exemplar of the classic bucket `value` fell in (after the observation
/// itself was recorded); nothing for an observation that was dropped as invalid.
#[inline]
pub fn histogram_exemplar(
    exemplars: &[ExemplarSlot],
    width: usize,
    bounds: &[f64],
    index: usize,
    value: f64,
    nonnegative: bool,
    ex: &Exemplar,
) {
    if !value.is_finite() || (nonnegative && value < 0.0) {
        return;
    }
    let mut b = 0;
    #[allow(clippy::neg_cmp_op_on_partial_ord)]
    while b < bounds.len() && !(value <= bounds[b]) {
        b += 1;
    }
    if let Some(slot) = exemplars.get(index * width + b) {
        slot.record(ex, value);
    }
}

/// Adds a finite `delta` to the `f64` in `slot` (a plain load and store in a row the thread
/// owns, compare-and-swap otherwise), unless the result would not be finite: a sum that
/// overflowed to infinity stays so, and becomes NaN once an opposite infinity joins it. Then
/// nothing is stored and `false` comes back, for the caller to count the value as invalid.
#[inline(always)]
pub(crate) fn add_finite(slot: &AtomicU64, delta: f64, owned: bool) -> bool {
    if owned {
        let next = f64::from_bits(slot.load(Ordering::Relaxed)) + delta;
        if !next.is_finite() {
            return false;
        }
        slot.store(next.to_bits(), Ordering::Relaxed);
        return true;
    }
    let mut current = slot.load(Ordering::Relaxed);
    loop {
        let next = f64::from_bits(current) + delta;
        if !next.is_finite() {
            return false;
        }
        match slot.compare_exchange_weak(
            current,
            next.to_bits(),
            Ordering::Relaxed,
            Ordering::Relaxed,
        ) {
            Ok(_) => return true,
            Err(seen) => current = seen,
        }
    }
}

/// Records one observation into a histogram of `sets` label sets: one bucket increment and
/// one sum update, in the calling thread's row (see [`counter_add`]). `width` is the declared
/// bucket count plus one (one storage row of a label set); `bounds` are the bounds in force, at
/// most `width - 1` of them. `nonnegative` says the unit cannot be negative (seconds, bytes).
/// Called by generated code only, whose arguments are all compile-time facts of the family.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
pub fn histogram_observe(
    buckets: &[AtomicU64],
    sums: &[AtomicU64],
    sets: usize,
    width: usize,
    bounds: &[f64],
    index: usize,
    value: f64,
    nonnegative: bool,
) -> bool {
    // NaN would turn `_sum` into NaN for every later scrape, and a negative duration or size
    // is a bug at the call site: neither is recorded, both are counted.
    if !value.is_finite() || (nonnegative && value < 0.0) {
        INVALID_OBSERVATIONS.fetch_add(1, Ordering::Relaxed);
        return false;
    }
    let mut b = 0;
    #[allow(clippy::neg_cmp_op_on_partial_ord)]
    while b < bounds.len() && !(value <= bounds[b]) {
        b += 1;
    }
    let row = crate::shard::current();
    let owned = row < OWNED_ROWS;
    // The sum first: an observation that would overflow it to infinity (and later to NaN)
    // is dropped whole and counted, so `_count` and the buckets agree with `_sum`.
    if !add_finite(&sums[row * sets + index], value, owned) {
        INVALID_OBSERVATIONS.fetch_add(1, Ordering::Relaxed);
        return false;
    }
    let bucket = &buckets[(row * sets + index) * width + b];
    if owned {
        bucket.store(
            bucket.load(Ordering::Relaxed).wrapping_add(1),
            Ordering::Relaxed,
        );
    } else {
        bucket.fetch_add(1, Ordering::Relaxed);
    }
    true
}
