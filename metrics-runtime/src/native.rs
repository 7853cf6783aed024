//! Native (exponential) histograms in static storage.
//!
//! client_golang keeps a native histogram's buckets in a `sync.Map` that grows as
//! observations arrive and, once more than `max_buckets` are populated, halves the resolution
//! under a mutex at record time. Static storage with per-thread rows cannot grow, and a
//! recording must never lock, so this runtime turns that around:
//!
//! - **A fixed window of keys.** The derive computes, at compile time, the bucket keys of the
//!   family's `range` (declared, or the unit's default: 1 µs to a day for seconds) at the
//!   declared schema, and sizes the storage for them: per label set, per [`crate::shard`] row,
//!   one zero bucket, one slot per key, and as many again for negative observations when the
//!   unit can be negative. [`NATIVE_MAX_WINDOW`](metrics_policy::NATIVE_MAX_WINDOW) bounds it.
//! - **Recording** computes the key exactly as client_golang does (`frexp` and its boundary
//!   table, [`metrics_policy::native_key`]) and adds one to that slot in the thread's row: a
//!   plain load and store, like a classic bucket. An observation beyond the window lands in
//!   its edge bucket and is counted ([`native_clamped`], the `native_observations_clamped_total`
//!   self-metric), so nothing is lost but its resolution.
//! - **Schema reduction at encode time.** The encoder adds the rows up, and while more than
//!   `max_buckets` buckets are populated it merges each pair of adjacent buckets (key `k`
//!   into `ceil(k/2)`, client_golang's `doubleBucketWidth`) and lowers the schema by one. The
//!   exposed histogram is what client_golang would have exposed after the same reductions;
//!   the stored one keeps full resolution, so a burst of wide values does not cost the
//!   resolution of every later scrape.

use core::sync::atomic::{AtomicU64, Ordering};

use metrics_policy::{NativeSpec, native_coarser_key};

use crate::family::rows_sum;
use crate::shard::{OWNED_ROWS, ROWS};

static CLAMPED: AtomicU64 = AtomicU64::new(0);

/// Observations of native histograms beyond their window, recorded in an edge bucket
/// (exposed by `Registry::with_self_metrics` as `<prefix>native_observations_clamped_total`).
pub fn native_clamped() -> u64 {
    CLAMPED.load(Ordering::Relaxed)
}

#[inline(always)]
fn bump(slot: &AtomicU64, owned: bool) {
    if owned {
        slot.store(
            slot.load(Ordering::Relaxed).wrapping_add(1),
            Ordering::Relaxed,
        );
    } else {
        slot.fetch_add(1, Ordering::Relaxed);
    }
}

/// Records one observation into a native histogram of `sets` label sets (with its classic
/// buckets: the declared ones, or `+Inf` alone for a native-only family): one classic bucket,
/// the sum and one native bucket, in the calling thread's row. NaN, and negative values of a
/// unit that cannot be negative, are dropped and counted as
/// [`invalid_observations`](crate::invalid_observations).
#[allow(clippy::too_many_arguments)]
#[inline(always)]
pub fn histogram_observe_native(
    buckets: &[AtomicU64],
    sums: &[AtomicU64],
    sets: usize,
    width: usize,
    bounds: &[f64],
    index: usize,
    value: f64,
    nonnegative: bool,
    native: &[AtomicU64],
    spec: &NativeSpec,
) -> bool {
    if !value.is_finite() || (nonnegative && value < 0.0) {
        crate::family::count_invalid();
        return false;
    }
    let mut b = 0;
    #[allow(clippy::neg_cmp_op_on_partial_ord)]
    while b < bounds.len() && !(value <= bounds[b]) {
        b += 1;
    }
    let (slot, clamped) = spec.slot(value);
    let row = crate::shard::current();
    let owned = row < OWNED_ROWS;
    // The sum first, as for classic histograms: an observation overflowing it is dropped whole
    // (and so not counted as clamped either).
    if !crate::family::add_finite(&sums[row * sets + index], value, owned) {
        crate::family::count_invalid();
        return false;
    }
    if clamped {
        CLAMPED.fetch_add(1, Ordering::Relaxed);
    }
    bump(&buckets[(row * sets + index) * width + b], owned);
    bump(&native[(row * sets + index) * spec.slots() + slot], owned);
    true
}

/// A native histogram series as exposed: after schema reduction, populated buckets only.
#[derive(Debug, Clone, PartialEq)]
pub struct NativeHistogramSnapshot {
    /// The schema of `positive` and `negative`: the declared one, or lower after reduction.
    pub schema: i32,
    /// The zero bucket's threshold.
    pub zero_threshold: f64,
    /// Observations in the zero bucket.
    pub zero_count: u64,
    /// `(key, count)` of the populated positive buckets, by key.
    pub positive: Vec<(i32, u64)>,
    /// `(key, count)` of the populated negative buckets (key of the magnitude), by key.
    pub negative: Vec<(i32, u64)>,
}

impl NativeHistogramSnapshot {
    /// Observations in every bucket.
    pub fn count(&self) -> u64 {
        self.positive
            .iter()
            .chain(&self.negative)
            .fold(self.zero_count, |a, (_, c)| a.wrapping_add(*c))
    }

    /// Populated buckets, the zero bucket excluded (what `max_buckets` limits).
    pub fn populated(&self) -> usize {
        self.positive.len() + self.negative.len()
    }
}

/// Reads label set `index` of a native histogram's storage: rows added up, then reduced to at
/// most `spec.max_buckets` populated buckets (unless even schema -4 has more).
pub fn read(
    spec: &NativeSpec,
    native: &[AtomicU64],
    sets: usize,
    index: usize,
) -> NativeHistogramSnapshot {
    let width = spec.slots();
    let stride = sets * width;
    let base = index * width;
    let window = spec.window();
    let collect = |from: usize| -> Vec<(i32, u64)> {
        (0..window)
            .filter_map(|i| {
                let c = rows_sum(native, stride, base + from + i);
                (c != 0).then_some((spec.min_key + i as i32, c))
            })
            .collect()
    };
    let mut snap = NativeHistogramSnapshot {
        schema: spec.schema,
        zero_threshold: spec.zero_threshold,
        zero_count: rows_sum(native, stride, base),
        positive: collect(1),
        negative: if spec.signed {
            collect(1 + window)
        } else {
            Vec::new()
        },
    };
    reduce(&mut snap, spec.max_buckets as usize);
    snap
}

/// Lowers the schema of `snap`, merging bucket pairs, until at most `max_buckets` buckets are
/// populated or the schema is -4.
pub fn reduce(snap: &mut NativeHistogramSnapshot, max_buckets: usize) {
    while snap.populated() > max_buckets && snap.schema > metrics_policy::NATIVE_SCHEMA_MIN {
        snap.positive = merge_pairs(&snap.positive);
        snap.negative = merge_pairs(&snap.negative);
        snap.schema -= 1;
    }
}

fn merge_pairs(buckets: &[(i32, u64)]) -> Vec<(i32, u64)> {
    let mut out: Vec<(i32, u64)> = Vec::with_capacity(buckets.len() / 2 + 1);
    for &(k, c) in buckets {
        let k = native_coarser_key(k);
        match out.last_mut() {
            Some((last, sum)) if *last == k => *sum = sum.wrapping_add(c),
            _ => out.push((k, c)),
        }
    }
    out
}

/// The spans and count deltas of the protobuf format for populated buckets sorted by key, as
/// client_golang's `makeBuckets` writes them: a gap of one or two buckets is filled with empty
/// buckets rather than starting a new span.
pub fn spans_and_deltas(buckets: &[(i32, u64)]) -> (Vec<(i32, u32)>, Vec<i64>) {
    let mut spans: Vec<(i32, u32)> = Vec::new();
    let mut deltas = Vec::with_capacity(buckets.len());
    let mut prev = 0i64;
    let mut next_key = 0i32;
    for (n, &(key, count)) in buckets.iter().enumerate() {
        let gap = key - next_key;
        if n == 0 || gap > 2 {
            spans.push((gap, 0));
        } else {
            for _ in 0..gap {
                deltas.push(-prev);
                prev = 0;
                if let Some(s) = spans.last_mut() {
                    s.1 += 1;
                }
            }
        }
        let count = count as i64;
        deltas.push(count - prev);
        prev = count;
        if let Some(s) = spans.last_mut() {
            s.1 += 1;
        }
        next_key = key + 1;
    }
    (spans, deltas)
}

/// Storage slots of a native histogram family: `ROWS * label_sets * spec.slots()`.
pub const fn storage_len(label_sets: usize, spec: &NativeSpec) -> usize {
    ROWS * label_sets * spec.slots()
}

#[cfg(test)]
mod tests {
    use super::*;
    use metrics_policy::{NativeDeclaration, check_native};

    fn spec(schema: i64, max_buckets: i64, unit: Option<&str>) -> NativeSpec {
        let d = NativeDeclaration {
            schema: Some(schema),
            zero_threshold: Some(1e-9),
            max_buckets: Some(max_buckets),
            range: Some((1e-3, 1e3)),
        };
        match check_native(&d, unit, false) {
            Ok(s) => s,
            Err(e) => panic!("{e:?}"),
        }
    }

    #[test]
    fn records_and_reads_back_by_key() {
        let s = spec(3, 160, Some("seconds"));
        let storage: Vec<AtomicU64> = (0..storage_len(2, &s)).map(|_| AtomicU64::new(0)).collect();
        let classic: Vec<AtomicU64> = (0..ROWS * 2).map(|_| AtomicU64::new(0)).collect();
        let sums: Vec<AtomicU64> = (0..ROWS * 2).map(|_| AtomicU64::new(0)).collect();
        for v in [0.0, 1.0, 1.0, 3.0, 5e-10] {
            histogram_observe_native(&classic, &sums, 2, 1, &[], 1, v, true, &storage, &s);
        }
        let snap = read(&s, &storage, 2, 1);
        assert_eq!(snap.zero_count, 2);
        assert_eq!(snap.positive, vec![(0, 2), (13, 1)]);
        assert_eq!(snap.count(), 5);
        assert_eq!(read(&s, &storage, 2, 0).count(), 0);
    }

    #[test]
    fn reduction_merges_pairs_like_client_golang() {
        // Keys 1..=8 at schema 3, one observation each: with room for 4 buckets the schema
        // drops to 2 (keys 1..=4, two each).
        let mut snap = NativeHistogramSnapshot {
            schema: 3,
            zero_threshold: 0.0,
            zero_count: 0,
            positive: (1..=8).map(|k| (k, 1)).collect(),
            negative: vec![(-1, 1), (0, 1)],
        };
        reduce(&mut snap, 6);
        assert_eq!(snap.schema, 2);
        assert_eq!(snap.positive, vec![(1, 2), (2, 2), (3, 2), (4, 2)]);
        assert_eq!(snap.negative, vec![(0, 2)]);
        reduce(&mut snap, 2);
        assert_eq!(snap.schema, 0);
        assert_eq!(snap.positive, vec![(1, 8)]);
        assert_eq!(snap.count(), 10);
        // Two buckets of opposite signs never merge: the reduction stops at schema -4.
        reduce(&mut snap, 1);
        assert_eq!(snap.schema, -4);
    }

    #[test]
    fn spans_fill_small_gaps_as_client_golang_does() {
        let (spans, deltas) = spans_and_deltas(&[(-2, 3), (-1, 1), (2, 4), (7, 1)]);
        // -2,-1, then a gap of two (0, 1) filled, 2; then a gap of four: a new span.
        assert_eq!(spans, vec![(-2, 5), (4, 1)]);
        assert_eq!(deltas, vec![3, -2, -1, 0, 4, -3]);
        assert_eq!(spans_and_deltas(&[]), (vec![], vec![]));
    }

    #[test]
    fn negative_values_have_their_own_buckets_where_the_unit_allows() {
        let s = spec(0, 160, None);
        assert!(s.signed);
        let storage: Vec<AtomicU64> = (0..storage_len(1, &s)).map(|_| AtomicU64::new(0)).collect();
        let classic: Vec<AtomicU64> = (0..ROWS).map(|_| AtomicU64::new(0)).collect();
        let sums: Vec<AtomicU64> = (0..ROWS).map(|_| AtomicU64::new(0)).collect();
        for v in [-3.0, 3.0, 1e9] {
            histogram_observe_native(&classic, &sums, 1, 1, &[], 0, v, false, &storage, &s);
        }
        let snap = read(&s, &storage, 1, 0);
        assert_eq!(snap.negative, vec![(2, 1)]);
        // 1e9 is beyond the range's top (1e3, key 10): clamped into key 10.
        assert_eq!(snap.positive, vec![(2, 1), (10, 1)]);
        assert!(native_clamped() >= 1);
    }
}
