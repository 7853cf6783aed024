//! Series identity without a copy of every label set: "no series twice" and a family's count
//! of distinct label sets.
//!
//! A series is a sample name and a *set* of labels, so `a{x="1",y="2"}` and `a{y="2",x="1"}`
//! are one. Each sample gets a 64-bit fingerprint that does not depend on label order (the
//! sum of its pairs' hashes, hashed with the name), computed in time linear in its labels
//! with a randomly keyed hasher (so input cannot be crafted to collide). Fingerprints are
//! sorted, 8 bytes a sample; only samples whose fingerprints are equal are compared label by
//! label, so a collision can never merge two series or invent a duplicate.

use std::hash::{BuildHasher, RandomState};

use crate::Sample;

/// The fingerprint of `sample`'s series; labels for which `skip` is true do not count, and
/// the name only with `with_name`.
pub(crate) fn fingerprint(
    keys: &RandomState,
    sample: &Sample<'_>,
    skip: &dyn Fn(&str) -> bool,
    with_name: bool,
) -> u64 {
    let (mut sum, mut count) = (0u64, 0u64);
    for (k, v) in sample.labels() {
        if !skip(k) {
            sum = sum.wrapping_add(keys.hash_one((k, v)));
            count += 1;
        }
    }
    let name = if with_name { sample.name } else { "" };
    keys.hash_one((name, sum, count))
}

/// Whether two samples have the same label set (ignoring `skip`), and name with `with_name`.
fn same_series(
    a: &Sample<'_>,
    b: &Sample<'_>,
    skip: &dyn Fn(&str) -> bool,
    with_name: bool,
) -> bool {
    if with_name && a.name != b.name {
        return false;
    }
    let sorted = |s: &Sample<'_>| {
        let mut l: Vec<(String, String)> = s
            .labels()
            .filter(|(k, _)| !skip(k))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        l.sort_unstable();
        l
    };
    sorted(a) == sorted(b)
}

/// Distinct label sets among `samples`, labels for which `skip` is true left out.
pub(crate) fn label_sets(samples: &[Sample<'_>], skip: &dyn Fn(&str) -> bool) -> usize {
    let keys = RandomState::new();
    let mut prints: Vec<(u64, usize)> = samples
        .iter()
        .enumerate()
        .map(|(i, s)| (fingerprint(&keys, s, skip, false), i))
        .collect();
    prints.sort_unstable();
    let mut distinct = 0;
    let mut run: Vec<&Sample<'_>> = Vec::new();
    for (i, &(f, at)) in prints.iter().enumerate() {
        if i == 0 || prints[i - 1].0 != f {
            run.clear();
        }
        let Some(sample) = samples.get(at) else {
            continue;
        };
        if !run.iter().any(|r| same_series(r, sample, skip, false)) {
            run.push(sample);
            distinct += 1;
        }
    }
    distinct
}
