//! Native (exponential) histograms: the bucket schema Prometheus and client_golang use, and
//! the checks of a declaration (R12).
//!
//! A native histogram of schema `s` (-4..=8) has bucket boundaries at `2^(k / 2^s)` for every
//! integer key `k`: bucket `k` holds the observations `v` with `2^((k-1) / 2^s) < |v| <=
//! 2^(k / 2^s)`, so 1 is a boundary at every schema, each power of two is divided into `2^s`
//! buckets, and lowering the schema by one merges each pair of buckets `2k'-1`, `2k'` into
//! bucket `k'` (what [`native_coarser_key`] computes). Observations with `|v|` at most the zero
//! threshold land in the zero bucket. This module computes keys exactly as client_golang does
//! (`prometheus/histogram.go`: `math.Frexp`, then a search of the same boundary table), so a
//! value lands in the same bucket whichever client recorded it.
//!
//! The runtime stores a fixed window of keys per label set (see [`NativeSpec`]): the keys of
//! the declared `range`, or of the unit's default range, at the declared schema.

use crate::rule::{Rule, Target, Violation};

/// The lowest schema Prometheus accepts (16x per bucket).
pub const NATIVE_SCHEMA_MIN: i32 = -4;
/// The highest schema Prometheus accepts (256 buckets per power of two).
pub const NATIVE_SCHEMA_MAX: i32 = 8;
/// client_golang's default zero threshold, 2^-128: a bucket boundary at every schema.
pub const NATIVE_DEFAULT_ZERO_THRESHOLD: f64 = 2.938_735_877_055_719e-39;
/// The default schema: 8 buckets per power of two, a growth factor of about 1.09 (what
/// client_golang picks for its customary bucket factor of 1.1).
pub const NATIVE_DEFAULT_SCHEMA: i32 = 3;
/// The default bucket limit (OpenTelemetry's default for exponential histograms).
pub const NATIVE_DEFAULT_MAX_BUCKETS: u32 = 160;
/// The most keys one sign of a native histogram may store per label set: storage is static
/// and sized at compile time, so a declaration whose range needs more is rejected with a fix.
pub const NATIVE_MAX_WINDOW: usize = 4096;

/// A native histogram's declaration and the storage window derived from it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NativeSpec {
    /// The declared schema, -4..=8: the resolution observations are recorded at.
    pub schema: i32,
    /// Observations with `|v| <= zero_threshold` count in the zero bucket.
    pub zero_threshold: f64,
    /// The most populated buckets one series exposes; more are merged at encode time by
    /// lowering the schema, as client_golang does at record time.
    pub max_buckets: u32,
    /// The smallest and largest magnitude stored at full resolution: observations outside
    /// land in the edge buckets (and are counted as clamped).
    pub range: (f64, f64),
    /// The key of the first bucket of the window (holding `range.0`).
    pub min_key: i32,
    /// The key of the last bucket of the window (holding `range.1`).
    pub max_key: i32,
    /// Whether negative observations get buckets of their own (units that can be negative).
    pub signed: bool,
    /// Whether classic buckets are kept beside the native ones (`buckets = [...]` declared).
    pub classic: bool,
}

impl NativeSpec {
    /// Keys per sign: `max_key - min_key + 1`.
    pub const fn window(&self) -> usize {
        (self.max_key - self.min_key + 1) as usize
    }

    /// Slots per label set: the zero bucket, the positive window, and the negative window
    /// when the unit can be negative.
    pub const fn slots(&self) -> usize {
        1 + self.window() * if self.signed { 2 } else { 1 }
    }

    /// The slot of an observation that is not NaN, and whether it was clamped into an edge
    /// bucket of the window. Slot 0 is the zero bucket, `1..=window` the positive keys from
    /// `min_key`, then the negative keys.
    #[inline(always)]
    pub fn slot(&self, value: f64) -> (usize, bool) {
        let magnitude = value.abs();
        if magnitude <= self.zero_threshold {
            return (0, false);
        }
        let (key, mut clamped) = if magnitude.is_finite() {
            (native_key(magnitude, self.schema), false)
        } else {
            (self.max_key, true)
        };
        let key = if key < self.min_key {
            clamped = true;
            self.min_key
        } else if key > self.max_key {
            clamped = true;
            self.max_key
        } else {
            key
        };
        let offset = (key - self.min_key) as usize;
        if value < 0.0 && self.signed {
            (1 + self.window() + offset, clamped)
        } else if value < 0.0 {
            // A unit that cannot be negative: the runtime drops such values before they get
            // here; should one arrive, it counts in the zero bucket rather than as positive.
            (0, true)
        } else {
            (1 + offset, clamped)
        }
    }
}

/// `(frac, exp)` with `v = frac * 2^exp` and `frac` in `[0.5, 1)`, for finite `v > 0`: Go's
/// `math.Frexp`.
#[inline(always)]
pub fn frexp(v: f64) -> (f64, i32) {
    let bits = v.to_bits();
    let exp_bits = ((bits >> 52) & 0x7ff) as i32;
    if exp_bits == 0 {
        // Subnormal: scale into the normal range first.
        let (f, e) = frexp(v * 18_446_744_073_709_551_616.0); // 2^64
        return (f, e - 64);
    }
    let frac = f64::from_bits((bits & !(0x7ff << 52)) | (1022 << 52));
    (frac, exp_bits - 1022)
}

/// Cells of `frac` (in `[0.5, 1)`) per schema: cell `c` starts at `0.5 + c / 1024`, the top 9
/// bits of the mantissa. At most one boundary of any schema falls inside a cell (schema 8's
/// closest pair is 0.0013 apart, a cell 0.00098 wide).
const CELLS: usize = 512;

/// `NATIVE_CELLS[s][c]`: how many boundaries of schema `s` lie below the start of cell `c`, so
/// a key needs one table read and one comparison instead of a binary search.
const NATIVE_CELLS: [[u16; CELLS]; 9] = {
    let mut t = [[0u16; CELLS]; 9];
    let mut s = 1;
    while s <= 8 {
        let bounds = NATIVE_BOUNDS[s];
        let mut below = 0;
        let mut c = 0;
        while c < CELLS {
            let start = 0.5 + (c as f64) / 1024.0;
            while below < bounds.len() && bounds[below] < start {
                below += 1;
            }
            t[s][c] = below as u16;
            c += 1;
        }
        s += 1;
    }
    t
};

/// The key of the bucket holding `v` (finite, `> 0`) at `schema`, as client_golang's
/// `histogramCounts.observe` computes it (`math.Frexp`, then the first boundary not below the
/// fraction), with the search replaced by a table of the mantissa's top bits and one
/// comparison: the same key for every value (tested against the search).
#[inline(always)]
pub fn native_key(v: f64, schema: i32) -> i32 {
    let (frac, exp) = frexp(v);
    if schema > 0 {
        let bounds = NATIVE_BOUNDS[schema as usize];
        let cell = ((frac.to_bits() >> 43) & (CELLS as u64 - 1)) as usize;
        let mut i = NATIVE_CELLS[schema as usize][cell] as usize;
        if i < bounds.len() && bounds[i] < frac {
            i += 1;
        }
        i as i32 + (exp - 1) * bounds.len() as i32
    } else {
        let mut key = exp;
        if frac == 0.5 {
            key -= 1;
        }
        let offset = (1 << -schema) - 1;
        (key + offset) >> -schema
    }
}

/// The key at `schema - 1` of the bucket that contains bucket `key` of `schema`: `ceil(key / 2)`
/// (client_golang's `doubleBucketWidth`: `if key > 0 { key++ }; key /= 2`).
#[inline]
pub const fn native_coarser_key(key: i32) -> i32 {
    (key + 1).div_euclid(2)
}

fn ldexp(frac: f64, exp: i32) -> f64 {
    let (mut x, mut e) = (frac, exp);
    while e > 1000 {
        x *= 2f64.powi(1000);
        e -= 1000;
    }
    while e < -1000 {
        x *= 2f64.powi(-1000);
        e += 1000;
    }
    x * 2f64.powi(e)
}

/// The upper bound of bucket `key` at `schema` (client_golang's `getLe`); the lower bound is
/// that of `key - 1`.
pub fn native_upper_bound(key: i32, schema: i32) -> f64 {
    if schema < 0 {
        let exp = key << -schema;
        if exp == 1024 {
            return f64::MAX;
        }
        return ldexp(1.0, exp);
    }
    let frac_idx = (key & ((1 << schema) - 1)) as usize;
    let frac = NATIVE_BOUNDS[schema as usize][frac_idx];
    let exp = (key >> schema) + 1;
    if frac == 0.5 && exp == 1025 {
        return f64::MAX;
    }
    ldexp(frac, exp)
}

/// The magnitudes a native histogram stores at full resolution when its declaration gives no
/// `range`: what the unit plausibly spans.
pub fn default_native_range(unit: Option<&str>) -> (f64, f64) {
    match unit {
        // One microsecond to a little over a day.
        Some("seconds") => (1e-6, 1e5),
        // One byte to one pebibyte.
        Some("bytes") => (1.0, 1_125_899_906_842_624.0),
        // One part per million to 1 (ratios above 1 are clamped into the last bucket).
        Some("ratio") => (1e-6, 1.0),
        _ => (1e-9, 1e9),
    }
}

/// Whether a histogram of `unit` can observe negative values (seconds and bytes cannot; the
/// runtime drops such an observation and counts it as invalid).
pub fn unit_can_be_negative(unit: Option<&str>) -> bool {
    !matches!(unit, Some("seconds" | "bytes"))
}

/// What a `native(...)` declaration says, before validation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NativeDeclaration {
    /// `schema = N`, else [`NATIVE_DEFAULT_SCHEMA`].
    pub schema: Option<i64>,
    /// `zero_threshold = X`, else [`NATIVE_DEFAULT_ZERO_THRESHOLD`].
    pub zero_threshold: Option<f64>,
    /// `max_buckets = N`, else [`NATIVE_DEFAULT_MAX_BUCKETS`].
    pub max_buckets: Option<i64>,
    /// `range = [min, max]`, else [`default_native_range`] of the unit.
    pub range: Option<(f64, f64)>,
}

/// Which part of a `native(...)` declaration a violation is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NativePart {
    /// `schema`.
    Schema,
    /// `zero_threshold`.
    ZeroThreshold,
    /// `max_buckets`.
    MaxBuckets,
    /// `range`.
    Range,
}

/// R12 on a native histogram declaration: the schema is one Prometheus accepts (-4..=8), the
/// zero threshold finite and not negative, the bucket limit at least 1, the range positive,
/// increasing and above the zero threshold, and its window of keys at most
/// [`NATIVE_MAX_WINDOW`]. Returns the spec the runtime stores, or every violation with the
/// part it is about.
pub fn check_native(
    decl: &NativeDeclaration,
    unit: Option<&str>,
    classic: bool,
) -> Result<NativeSpec, Vec<(NativePart, Violation)>> {
    let mut errors = Vec::new();
    let v = |msg: String, fix: &str| Violation::new(Rule::R12, Target::Buckets, msg).with_fix(fix);
    let schema = decl.schema.unwrap_or(NATIVE_DEFAULT_SCHEMA as i64);
    if !(NATIVE_SCHEMA_MIN as i64..=NATIVE_SCHEMA_MAX as i64).contains(&schema) {
        errors.push((
            NativePart::Schema,
            v(
                format!("native histogram schema `{schema}` is outside -4..=8"),
                "Prometheus accepts schemas -4 (a factor of 65536 per bucket) to 8 (256 buckets per power of two); 3 (a factor of about 1.09) suits latencies",
            ),
        ));
    }
    let zero_threshold = decl.zero_threshold.unwrap_or(NATIVE_DEFAULT_ZERO_THRESHOLD);
    if !zero_threshold.is_finite() || zero_threshold < 0.0 {
        errors.push((
            NativePart::ZeroThreshold,
            v(
                format!("native histogram zero threshold `{zero_threshold:?}` must be finite and not negative"),
                "observations with |v| up to it count in the zero bucket; write `zero_threshold = 1e-9` or leave it out (2^-128)",
            ),
        ));
    }
    let max_buckets = decl
        .max_buckets
        .unwrap_or(NATIVE_DEFAULT_MAX_BUCKETS as i64);
    if max_buckets < 1 || max_buckets > u32::MAX as i64 {
        errors.push((
            NativePart::MaxBuckets,
            v(
                format!("native histogram `max_buckets = {max_buckets}` must be at least 1"),
                "give the most buckets one series may expose, for example `max_buckets = 160`",
            ),
        ));
    }
    let range = decl.range.unwrap_or_else(|| default_native_range(unit));
    let (lo, hi) = range;
    if !(lo.is_finite() && hi.is_finite() && lo > 0.0 && hi > lo) {
        errors.push((
            NativePart::Range,
            v(
                format!("native histogram `range = [{lo:?}, {hi:?}]` must be two finite magnitudes, 0 < min < max"),
                "give the smallest and largest magnitude recorded at full resolution, for example `range = [1e-6, 100.0]`",
            ),
        ));
    } else if hi <= zero_threshold {
        errors.push((
            NativePart::Range,
            v(
                format!("native histogram `range` ends at `{hi:?}`, within the zero bucket (`zero_threshold = {zero_threshold:?}`)"),
                "lower the zero threshold or raise the range",
            ),
        ));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let schema = schema as i32;
    let mut min_key = native_key(lo, schema);
    if zero_threshold > 0.0 {
        min_key = min_key.max(native_key(zero_threshold, schema) + 1);
    }
    let max_key = native_key(hi, schema).max(min_key);
    let window = (max_key as i64 - min_key as i64 + 1) as usize;
    if window > NATIVE_MAX_WINDOW {
        return Err(vec![(
            NativePart::Range,
            v(
                format!(
                    "a native histogram of schema {schema} over `range = [{lo:?}, {hi:?}]` needs {window} buckets per label set, more than the {NATIVE_MAX_WINDOW} its static storage may hold"
                ),
                "narrow the range (`range = [min, max]`) or lower the schema",
            ),
        )]);
    }
    Ok(NativeSpec {
        schema,
        zero_threshold,
        max_buckets: max_buckets as u32,
        range,
        min_key,
        max_key,
        signed: unit_can_be_negative(unit),
        classic,
    })
}

/// The samples a native histogram exposes in the worst case per label set: its classic
/// samples (each declared bound, `+Inf`, `_sum`, `_count`; a native-only histogram still
/// writes `+Inf`, `_sum` and `_count` to text scrapes) plus `max_buckets`, counted as if each
/// native bucket cost a series. Prometheus stores a native histogram as one series whose
/// samples grow with the buckets, so this overstates the index cost and bounds the storage.
pub const fn native_worst_case_series(
    label_sets: usize,
    classic_buckets: usize,
    max_buckets: usize,
) -> usize {
    label_sets * (classic_buckets + 3 + max_buckets)
}

/// Boundaries of the `frac` of an observation (Go's `math.Frexp`, in `[0.5, 1)`) per schema
/// 0..=8, copied from client_golang's `nativeHistogramBounds` so keys match it bit for bit.
/// Entry `i` of schema `s` is `2^(i / 2^s) / 2`.
pub const NATIVE_BOUNDS: [&[f64]; 9] = [
    // schema 0: 1 bounds
    &[0.5],
    // schema 1: 2 bounds
    &[0.5, 0.7071067811865475],
    // schema 2: 4 bounds
    &[
        0.5,
        0.5946035575013605,
        0.7071067811865475,
        0.8408964152537144,
    ],
    // schema 3: 8 bounds
    &[
        0.5,
        0.5452538663326288,
        0.5946035575013605,
        0.6484197773255048,
        0.7071067811865475,
        0.7711054127039704,
        0.8408964152537144,
        0.9170040432046711,
    ],
    // schema 4: 16 bounds
    &[
        0.5,
        0.5221368912137069,
        0.5452538663326288,
        0.5693943173783458,
        0.5946035575013605,
        0.620928906036742,
        0.6484197773255048,
        0.6771277734684463,
        0.7071067811865475,
        0.7384130729697496,
        0.7711054127039704,
        0.805245165974627,
        0.8408964152537144,
        0.8781260801866495,
        0.9170040432046711,
        0.9576032806985735,
    ],
    // schema 5: 32 bounds
    &[
        0.5,
        0.5109485743270583,
        0.5221368912137069,
        0.5335702003384117,
        0.5452538663326288,
        0.5571933712979462,
        0.5693943173783458,
        0.5818624293887887,
        0.5946035575013605,
        0.6076236799902344,
        0.620928906036742,
        0.6345254785958666,
        0.6484197773255048,
        0.6626183215798706,
        0.6771277734684463,
        0.6919549409819159,
        0.7071067811865475,
        0.7225904034885232,
        0.7384130729697496,
        0.7545822137967112,
        0.7711054127039704,
        0.7879904225539431,
        0.805245165974627,
        0.8228777390769823,
        0.8408964152537144,
        0.8593096490612387,
        0.8781260801866495,
        0.8973545375015533,
        0.9170040432046711,
        0.9370838170551498,
        0.9576032806985735,
        0.9785720620876999,
    ],
    // schema 6: 64 bounds
    &[
        0.5,
        0.5054446430258502,
        0.5109485743270583,
        0.5165124395106142,
        0.5221368912137069,
        0.5278225891802786,
        0.5335702003384117,
        0.5393803988785598,
        0.5452538663326288,
        0.5511912916539204,
        0.5571933712979462,
        0.5632608093041209,
        0.5693943173783458,
        0.5755946149764913,
        0.5818624293887887,
        0.5881984958251406,
        0.5946035575013605,
        0.6010783657263515,
        0.6076236799902344,
        0.6142402680534349,
        0.620928906036742,
        0.6276903785123455,
        0.6345254785958666,
        0.6414350080393891,
        0.6484197773255048,
        0.6554806057623822,
        0.6626183215798706,
        0.6698337620266515,
        0.6771277734684463,
        0.6845012114872953,
        0.6919549409819159,
        0.6994898362691555,
        0.7071067811865475,
        0.7148066691959849,
        0.7225904034885232,
        0.7304588970903234,
        0.7384130729697496,
        0.7464538641456323,
        0.7545822137967112,
        0.762799075372269,
        0.7711054127039704,
        0.7795022001189185,
        0.7879904225539431,
        0.7965710756711334,
        0.805245165974627,
        0.8140137109286738,
        0.8228777390769823,
        0.8318382901633681,
        0.8408964152537144,
        0.8500531768592616,
        0.8593096490612387,
        0.8686669176368529,
        0.8781260801866495,
        0.8876882462632604,
        0.8973545375015533,
        0.9071260877501991,
        0.9170040432046711,
        0.9269895625416926,
        0.9370838170551498,
        0.9472879907934827,
        0.9576032806985735,
        0.9680308967461471,
        0.9785720620876999,
        0.9892280131939752,
    ],
    // schema 7: 128 bounds
    &[
        0.5,
        0.5027149505564014,
        0.5054446430258502,
        0.5081891574554764,
        0.5109485743270583,
        0.5137229745593818,
        0.5165124395106142,
        0.5193170509806894,
        0.5221368912137069,
        0.5249720429003435,
        0.5278225891802786,
        0.5306886136446309,
        0.5335702003384117,
        0.5364674337629877,
        0.5393803988785598,
        0.5423091811066545,
        0.5452538663326288,
        0.5482145409081883,
        0.5511912916539204,
        0.5541842058618393,
        0.5571933712979462,
        0.5602188762048033,
        0.5632608093041209,
        0.5663192597993595,
        0.5693943173783458,
        0.572486072215902,
        0.5755946149764913,
        0.5787200368168754,
        0.5818624293887887,
        0.585021884841625,
        0.5881984958251406,
        0.5913923554921704,
        0.5946035575013605,
        0.5978321960199137,
        0.6010783657263515,
        0.6043421618132907,
        0.6076236799902344,
        0.6109230164863786,
        0.6142402680534349,
        0.6175755319684665,
        0.620928906036742,
        0.6243004885946023,
        0.6276903785123455,
        0.6310986751971253,
        0.6345254785958666,
        0.637970889198196,
        0.6414350080393891,
        0.6449179367033329,
        0.6484197773255048,
        0.6519406325959679,
        0.6554806057623822,
        0.659039800633032,
        0.6626183215798706,
        0.6662162735415805,
        0.6698337620266515,
        0.6734708931164728,
        0.6771277734684463,
        0.6808045103191123,
        0.6845012114872953,
        0.688217985377265,
        0.6919549409819159,
        0.6957121878859629,
        0.6994898362691555,
        0.7032879969095076,
        0.7071067811865475,
        0.7109463010845827,
        0.7148066691959849,
        0.718687998724491,
        0.7225904034885232,
        0.7265139979245261,
        0.7304588970903234,
        0.7344252166684908,
        0.7384130729697496,
        0.7424225829363761,
        0.7464538641456323,
        0.7505070348132126,
        0.7545822137967112,
        0.7586795205991071,
        0.762799075372269,
        0.7669409989204777,
        0.7711054127039704,
        0.7752924388424999,
        0.7795022001189185,
        0.7837348199827764,
        0.7879904225539431,
        0.7922691326262467,
        0.7965710756711334,
        0.8008963778413465,
        0.805245165974627,
        0.8096175675974316,
        0.8140137109286738,
        0.8184337248834821,
        0.8228777390769823,
        0.8273458838280969,
        0.8318382901633681,
        0.8363550898207981,
        0.8408964152537144,
        0.8454623996346523,
        0.8500531768592616,
        0.8546688815502312,
        0.8593096490612387,
        0.8639756154809185,
        0.8686669176368529,
        0.8733836930995842,
        0.8781260801866495,
        0.8828942179666361,
        0.8876882462632604,
        0.8925083056594671,
        0.8973545375015533,
        0.9022270839033115,
        0.9071260877501991,
        0.9120516927035263,
        0.9170040432046711,
        0.9219832844793128,
        0.9269895625416926,
        0.9320230241988943,
        0.9370838170551498,
        0.9421720895161669,
        0.9472879907934827,
        0.9524316709088368,
        0.9576032806985735,
        0.9628029718180622,
        0.9680308967461471,
        0.9732872087896164,
        0.9785720620876999,
        0.9838856116165875,
        0.9892280131939752,
        0.9945994234836328,
    ],
    // schema 8: 256 bounds
    &[
        0.5,
        0.5013556375251013,
        0.5027149505564014,
        0.5040779490592088,
        0.5054446430258502,
        0.5068150424757447,
        0.5081891574554764,
        0.509566998038869,
        0.5109485743270583,
        0.5123338964485679,
        0.5137229745593818,
        0.5151158188430205,
        0.5165124395106142,
        0.5179128468009786,
        0.5193170509806894,
        0.520725062344158,
        0.5221368912137069,
        0.5235525479396449,
        0.5249720429003435,
        0.526395386502313,
        0.5278225891802786,
        0.5292536613972564,
        0.5306886136446309,
        0.5321274564422321,
        0.5335702003384117,
        0.5350168559101208,
        0.5364674337629877,
        0.5379219445313954,
        0.5393803988785598,
        0.5408428074966075,
        0.5423091811066545,
        0.5437795304588847,
        0.5452538663326288,
        0.5467321995364429,
        0.5482145409081883,
        0.549700901315111,
        0.5511912916539204,
        0.5526857228508706,
        0.5541842058618393,
        0.5556867516724088,
        0.5571933712979462,
        0.5587040757836845,
        0.5602188762048033,
        0.5617377836665098,
        0.5632608093041209,
        0.564787964283144,
        0.5663192597993595,
        0.5678547070789026,
        0.5693943173783458,
        0.5709381019847808,
        0.572486072215902,
        0.5740382394200894,
        0.5755946149764913,
        0.5771552102951081,
        0.5787200368168754,
        0.5802891060137493,
        0.5818624293887887,
        0.5834400184762408,
        0.585021884841625,
        0.5866080400818185,
        0.5881984958251406,
        0.5897932637314379,
        0.5913923554921704,
        0.5929957828304968,
        0.5946035575013605,
        0.5962156912915756,
        0.5978321960199137,
        0.5994530835371903,
        0.6010783657263515,
        0.6027080545025619,
        0.6043421618132907,
        0.6059806996384005,
        0.6076236799902344,
        0.6092711149137041,
        0.6109230164863786,
        0.6125793968185725,
        0.6142402680534349,
        0.6159056423670379,
        0.6175755319684665,
        0.6192499490999082,
        0.620928906036742,
        0.622612415087629,
        0.6243004885946023,
        0.6259931389331581,
        0.6276903785123455,
        0.6293922197748583,
        0.6310986751971253,
        0.6328097572894031,
        0.6345254785958666,
        0.6362458516947014,
        0.637970889198196,
        0.6397006037528346,
        0.6414350080393891,
        0.6431741147730128,
        0.6449179367033329,
        0.6466664866145447,
        0.6484197773255048,
        0.6501778216898253,
        0.6519406325959679,
        0.6537082229673385,
        0.6554806057623822,
        0.6572577939746774,
        0.659039800633032,
        0.6608266388015788,
        0.6626183215798706,
        0.6644148621029772,
        0.6662162735415805,
        0.6680225691020727,
        0.6698337620266515,
        0.6716498655934177,
        0.6734708931164728,
        0.6752968579460171,
        0.6771277734684463,
        0.6789636531064505,
        0.6808045103191123,
        0.6826503586020058,
        0.6845012114872953,
        0.6863570825438342,
        0.688217985377265,
        0.690083933630119,
        0.6919549409819159,
        0.6938310211492645,
        0.6957121878859629,
        0.6975984549830999,
        0.6994898362691555,
        0.7013863456101023,
        0.7032879969095076,
        0.7051948041086352,
        0.7071067811865475,
        0.7090239421602076,
        0.7109463010845827,
        0.7128738720527471,
        0.7148066691959849,
        0.7167447066838943,
        0.718687998724491,
        0.7206365595643126,
        0.7225904034885232,
        0.7245495448210174,
        0.7265139979245261,
        0.7284837772007218,
        0.7304588970903234,
        0.7324393720732029,
        0.7344252166684908,
        0.7364164454346837,
        0.7384130729697496,
        0.7404151139112358,
        0.7424225829363761,
        0.7444354947621984,
        0.7464538641456323,
        0.7484777058836176,
        0.7505070348132126,
        0.7525418658117031,
        0.7545822137967112,
        0.7566280937263048,
        0.7586795205991071,
        0.7607365094544071,
        0.762799075372269,
        0.7648672334736434,
        0.7669409989204777,
        0.7690203869158282,
        0.7711054127039704,
        0.7731960915705107,
        0.7752924388424999,
        0.7773944698885442,
        0.7795022001189185,
        0.7816156449856788,
        0.7837348199827764,
        0.7858597406461707,
        0.7879904225539431,
        0.7901268813264122,
        0.7922691326262467,
        0.7944171921585818,
        0.7965710756711334,
        0.7987307989543135,
        0.8008963778413465,
        0.8030678282083853,
        0.805245165974627,
        0.8074284071024302,
        0.8096175675974316,
        0.8118126635086642,
        0.8140137109286738,
        0.8162207259936375,
        0.8184337248834821,
        0.820652723822003,
        0.8228777390769823,
        0.8251087869603088,
        0.8273458838280969,
        0.8295890460808079,
        0.8318382901633681,
        0.8340936325652911,
        0.8363550898207981,
        0.8386226785089391,
        0.8408964152537144,
        0.8431763167241966,
        0.8454623996346523,
        0.8477546807446661,
        0.8500531768592616,
        0.8523579048290255,
        0.8546688815502312,
        0.8569861239649629,
        0.8593096490612387,
        0.8616394738731368,
        0.8639756154809185,
        0.8663180910111553,
        0.8686669176368529,
        0.871022112577578,
        0.8733836930995842,
        0.8757516765159389,
        0.8781260801866495,
        0.8805069215187917,
        0.8828942179666361,
        0.8852879870317771,
        0.8876882462632604,
        0.890095013257712,
        0.8925083056594671,
        0.8949281411607002,
        0.8973545375015533,
        0.8997875124702672,
        0.9022270839033115,
        0.9046732696855155,
        0.9071260877501991,
        0.909585556079304,
        0.9120516927035263,
        0.9145245157024483,
        0.9170040432046711,
        0.9194902933879467,
        0.9219832844793128,
        0.9244830347552253,
        0.9269895625416926,
        0.92950288621441,
        0.9320230241988943,
        0.9345499949706191,
        0.9370838170551498,
        0.93962450902828,
        0.9421720895161669,
        0.9447265771954693,
        0.9472879907934827,
        0.9498563490882775,
        0.9524316709088368,
        0.9550139751351947,
        0.9576032806985735,
        0.9601996065815236,
        0.9628029718180622,
        0.9654133954938133,
        0.9680308967461471,
        0.9706554947643201,
        0.9732872087896164,
        0.9759260581154889,
        0.9785720620876999,
        0.9812252401044634,
        0.9838856116165875,
        0.9865531961276168,
        0.9892280131939752,
        0.9919100824251095,
        0.9945994234836328,
        0.9972960560854698,
    ],
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_two_to_the_i_over_two_to_the_s() {
        for (s, bounds) in NATIVE_BOUNDS.iter().enumerate() {
            assert_eq!(bounds.len(), 1 << s);
            for (i, b) in bounds.iter().enumerate() {
                let want = 2f64.powf(i as f64 / (1u64 << s) as f64) / 2.0;
                assert!((b - want).abs() <= 4.0 * f64::EPSILON, "{s} {i} {b} {want}");
            }
        }
    }

    #[test]
    fn keys_match_client_golang_at_known_boundaries() {
        // Values from client_golang's histogram_test.go (TestNativeHistogram) and by the
        // definition: 1 is the upper bound of key 0 at every schema; 2 of key 2^s.
        for s in -4..=8 {
            assert_eq!(native_key(1.0, s), 0, "schema {s}");
            let per_doubling = if s >= 0 { 1 << s } else { 1 };
            if s >= 0 {
                assert_eq!(native_key(2.0, s), per_doubling, "schema {s}");
                assert_eq!(native_key(0.5, s), -per_doubling, "schema {s}");
                // Just above 1 is the first bucket above it.
                assert_eq!(native_key(1.0 + 1e-12, s), 1, "schema {s}");
            }
        }
        // Schema 0: buckets (0.5,1], (1,2], (2,4], ...
        assert_eq!(native_key(3.0, 0), 2);
        assert_eq!(native_key(4.0, 0), 2);
        assert_eq!(native_key(4.1, 0), 3);
        // Schema 3 (client_golang's test: 1, 2, 3 -> 0, 8, 13).
        assert_eq!(native_key(3.0, 3), 13);
        // Schema -1: buckets (0.25,1], (1,4], (4,16].
        assert_eq!(native_key(3.0, -1), 1);
        assert_eq!(native_key(4.0, -1), 1);
        assert_eq!(native_key(5.0, -1), 2);
        assert_eq!(native_key(0.3, -1), 0);
        // Schema -4: one bucket per factor 65536.
        assert_eq!(native_key(65536.0, -4), 1);
        assert_eq!(native_key(65537.0, -4), 2);
        // Every table boundary is the upper bound of its key, and just above it the next key.
        for s in 0..=8 {
            for k in -600..600 {
                let ub = native_upper_bound(k, s);
                assert_eq!(native_key(ub, s), k, "schema {s} key {k} ub {ub}");
                let above = f64::from_bits(ub.to_bits() + 1);
                assert_eq!(native_key(above, s), k + 1, "schema {s} key {k}");
            }
        }
        // Subnormals and the extremes.
        assert_eq!(native_key(f64::MIN_POSITIVE / 4.0, 0), -1024);
        assert_eq!(native_key(f64::MAX, 0), 1024);
        assert_eq!(native_upper_bound(1024, 0), f64::MAX);
    }

    /// client_golang's search itself, to hold the table to.
    fn reference_key(v: f64, schema: i32) -> i32 {
        let (frac, exp) = frexp(v);
        let bounds = NATIVE_BOUNDS[schema as usize];
        bounds.partition_point(|&b| b < frac) as i32 + (exp - 1) * bounds.len() as i32
    }

    #[test]
    fn the_cell_table_gives_the_search_result() {
        // Every boundary, its neighbours, and a dense sweep of fractions, at every schema.
        for s in 1..=8 {
            for &b in NATIVE_BOUNDS[s as usize] {
                for v in [
                    b,
                    f64::from_bits(b.to_bits() + 1),
                    f64::from_bits(b.to_bits() - 1),
                    b * 2.0,
                    b / 8.0,
                ] {
                    assert_eq!(native_key(v, s), reference_key(v, s), "schema {s} v {v}");
                }
            }
            let mut x = 0.5f64;
            while x < 1.0 {
                assert_eq!(native_key(x, s), reference_key(x, s), "schema {s} x {x}");
                x += 1.0 / 65_536.0 + 1e-12;
            }
        }
    }

    #[test]
    fn coarser_keys_merge_pairs() {
        // At schema s-1, key k' holds keys 2k'-1 and 2k' of schema s.
        for k in -20..20 {
            let c = native_coarser_key(k);
            assert!(k == 2 * c || k == 2 * c - 1, "{k} -> {c}");
            // And the value ranges agree: the fine bucket's bound is within the coarse one.
            let ub = native_upper_bound(k, 3);
            assert_eq!(native_key(ub, 2), c, "{k}");
        }
    }

    #[test]
    fn declarations_are_checked() {
        let d = NativeDeclaration {
            schema: Some(9),
            zero_threshold: Some(-1.0),
            max_buckets: Some(0),
            range: Some((1.0, 0.5)),
        };
        let errs = check_native(&d, Some("seconds"), false)
            .err()
            .unwrap_or_default();
        let parts: Vec<NativePart> = errs.iter().map(|(p, _)| *p).collect();
        assert_eq!(
            parts,
            [
                NativePart::Schema,
                NativePart::ZeroThreshold,
                NativePart::MaxBuckets,
                NativePart::Range
            ]
        );
        assert!(
            errs[0]
                .1
                .to_string()
                .starts_with("R12: native histogram schema `9`")
        );
        let wide = NativeDeclaration {
            schema: Some(8),
            zero_threshold: None,
            max_buckets: None,
            range: None,
        };
        let errs = check_native(&wide, None, false).err().unwrap_or_default();
        assert!(errs[0].1.message.contains("needs 15"), "{:?}", errs[0].1);
        let ok = NativeDeclaration {
            schema: None,
            zero_threshold: None,
            max_buckets: None,
            range: None,
        };
        let spec = check_native(&ok, Some("seconds"), true).ok();
        let spec = spec.unwrap_or_else(|| panic!("default declaration"));
        assert_eq!(spec.schema, 3);
        assert!(!spec.signed && spec.classic);
        assert_eq!(spec.min_key, native_key(1e-6, 3));
        assert_eq!(spec.max_key, native_key(1e5, 3));
        assert_eq!(spec.window(), 293);
        // Slots: the zero bucket, then the keys; a value below the range clamps.
        assert_eq!(spec.slot(0.0), (0, false));
        assert_eq!(spec.slot(1e-7), (1, true));
        assert_eq!(spec.slot(1e-6), (1, false));
        assert_eq!(spec.slot(1.0), (1 + (0 - spec.min_key) as usize, false));
        assert_eq!(spec.slot(f64::INFINITY), (spec.window(), true));
    }
}
