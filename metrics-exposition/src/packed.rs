//! What the parser must remember across a whole exposition, in 8 bytes an item: the families
//! opened (for "a family's lines are contiguous"), the series given (for "no series twice")
//! and the families typed (for which family a `_total`, `_bucket`, ... sample belongs to).
//!
//! Each item is one `u64`: a tag (the high bits of a randomly keyed hash of what it stands
//! for) above the byte offset in the input where it can be read again, and, for families, a
//! few low bits saying how to read it. Equal tags are only a hint: two items are the same only
//! when what the input holds at their offsets is the same, read again and compared, so a
//! collision can never invent a repeat or merge two names. Keys are random per process, so
//! input cannot be crafted to collide.

use std::hash::{BuildHasher, RandomState};

use crate::line::{self, is_label_byte, is_metric_byte};
use crate::series;

/// Bits an offset into `text` needs.
pub(crate) fn offset_bits(text: &str) -> u32 {
    64 - (text.len() as u64).leading_zeros()
}

/// Where `part`, a slice of `text`, starts in it.
pub(crate) fn offset_in(text: &str, part: &str) -> usize {
    (part.as_ptr() as usize).wrapping_sub(text.as_ptr() as usize)
}

/// The 1-based line of byte `offset` of `text`.
pub(crate) fn line_at(text: &str, offset: usize) -> usize {
    1 + text
        .as_bytes()
        .get(..offset)
        .map_or(0, |b| b.iter().filter(|&&c| c == b'\n').count())
}

/// The name (metric or label, by `byte`) written at `offset` of `text`.
fn name_at(text: &str, offset: usize, byte: fn(u8) -> bool) -> &str {
    let rest = text.get(offset..).unwrap_or("");
    let end = rest.bytes().position(|b| !byte(b)).unwrap_or(rest.len());
    rest.get(..end).unwrap_or("")
}

/// The metric name written at `offset` of `text`.
pub(crate) fn metric_name_at(text: &str, offset: usize) -> &str {
    name_at(text, offset, is_metric_byte)
}

/// The suffixes by which a sample name belongs to a typed family of another name; index + 1
/// is the code a family's entry keeps (0: the family is named as written).
pub(crate) const SUFFIXES: [&str; 5] = ["_total", "_created", "_bucket", "_sum", "_count"];

/// Groups of equal `tag` (the bits above `low`) in sorted `items`.
fn tag_groups(items: &[u64], low: u32) -> impl Iterator<Item = &[u64]> {
    items.chunk_by(move |a, b| a.checked_shr(low) == b.checked_shr(low))
}

/// The keyed hashes the parse uses, with the split of an item between tag and offset.
pub(crate) struct Keys {
    keys: RandomState,
    bits: u32,
}

impl Keys {
    pub(crate) fn for_text(text: &str) -> Self {
        Keys {
            keys: RandomState::new(),
            bits: offset_bits(text),
        }
    }

    pub(crate) fn hash(&self, s: &str) -> u64 {
        self.keys.hash_one(s)
    }

    fn pack(&self, hash: u64, offset: usize, low: u32) -> u64 {
        (hash.checked_shl(self.bits + low).unwrap_or(0)) | ((offset as u64) << low)
    }
}

/// The families in the order they were opened: a tag of the name, the offset of the name and
/// which suffix to strip from what is written there.
#[derive(Default)]
pub(crate) struct Opened {
    items: Vec<u64>,
}

impl Opened {
    /// Records that the family `name` (a slice of `text` starting where a name is written,
    /// possibly with one of [`SUFFIXES`] after it) opens at its offset.
    pub(crate) fn push(&mut self, keys: &Keys, text: &str, name: &str) {
        let offset = offset_in(text, name);
        let written = name_at(text, offset, is_metric_byte);
        let suffix = SUFFIXES
            .iter()
            .position(|s| written.len() > name.len() && written.ends_with(s))
            .map_or(0, |i| i + 1);
        self.items
            .push(keys.pack(keys.hash(name), offset, 3) | suffix as u64);
    }

    /// The first family opened a second time, if any: where, and its name.
    pub(crate) fn first_reopen<'t>(
        &mut self,
        keys: &Keys,
        text: &'t str,
    ) -> Option<(usize, &'t str)> {
        let low = keys.bits + 3;
        self.items.sort_unstable();
        let name = |item: u64| {
            let offset = ((item >> 3) & ((1u64 << keys.bits) - 1)) as usize;
            let written = name_at(text, offset, is_metric_byte);
            let name = match (item & 7) as usize {
                0 => written,
                code => SUFFIXES
                    .get(code - 1)
                    .and_then(|s| written.strip_suffix(s))
                    .unwrap_or(written),
            };
            (offset, name)
        };
        let mut first: Option<(usize, &str)> = None;
        for group in tag_groups(&self.items, low).filter(|g| g.len() > 1) {
            let mut seen: Vec<&str> = Vec::new();
            // In offset order within a group: the offset is above the suffix code.
            for &item in group {
                let (offset, n) = name(item);
                if seen.contains(&n) {
                    if first.is_none_or(|(f, _)| offset < f) {
                        first = Some((offset, n));
                    }
                } else {
                    seen.push(n);
                }
            }
        }
        first
    }
}

/// Fingerprints of samples' series (or label sets), each with the offset of its line.
pub(crate) struct Series {
    items: Vec<u64>,
    skip: fn(&str) -> bool,
    with_name: bool,
}

impl Series {
    /// Series: the name and every label.
    pub(crate) fn whole() -> Self {
        Series {
            items: Vec::new(),
            skip: |_| false,
            with_name: true,
        }
    }

    /// Label sets, `le` and `quantile` left out, names not compared: a family's series as its
    /// budget counts them.
    pub(crate) fn label_sets() -> Self {
        Series {
            items: Vec::new(),
            skip: |k| k == "le" || k == "quantile",
            with_name: false,
        }
    }

    pub(crate) fn push(&mut self, keys: &Keys, text: &str, sample: &crate::Sample<'_>) {
        let hash = series::fingerprint(&keys.keys, sample, &self.skip, self.with_name);
        self.items
            .push(keys.pack(hash, offset_in(text, sample.name), 0));
    }

    /// The identity of the series of the sample at `offset`, read again from `text`.
    fn identity(&self, text: &str, offset: usize) -> Option<(String, Vec<(String, String)>)> {
        let rest = text.get(offset..)?;
        let line = rest.split('\n').next()?;
        let sample = line::parse_sample(line, 0, None).ok()?;
        let mut labels: Vec<(String, String)> = sample
            .labels()
            .filter(|(k, _)| !(self.skip)(k))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        labels.sort_unstable();
        let name = if self.with_name { sample.name } else { "" };
        Some((name.to_string(), labels))
    }

    /// Sorts, then calls `each(offset, first_of_its_kind)` for every item of a shared tag,
    /// in offset order within its tag.
    fn classes(&mut self, keys: &Keys, text: &str, mut each: impl FnMut(usize, bool)) {
        self.items.sort_unstable();
        let mask = (1u64 << keys.bits) - 1;
        let items = std::mem::take(&mut self.items);
        for group in tag_groups(&items, keys.bits) {
            if let [only] = group {
                each((only & mask) as usize, true);
                continue;
            }
            let mut seen = Vec::new();
            for &item in group {
                let offset = (item & mask) as usize;
                let id = self.identity(text, offset);
                let new = !seen.contains(&id);
                if new {
                    seen.push(id);
                }
                each(offset, new);
            }
        }
        self.items = items;
    }

    /// The offset of the first sample, in input order, whose series an earlier one gave.
    pub(crate) fn first_repeat(&mut self, keys: &Keys, text: &str) -> Option<usize> {
        let mut first: Option<usize> = None;
        self.classes(keys, text, |offset, new| {
            if !new {
                first = Some(first.map_or(offset, |f| f.min(offset)));
            }
        });
        first
    }

    /// Distinct series (or label sets).
    pub(crate) fn distinct(&mut self, keys: &Keys, text: &str) -> usize {
        let mut n = 0;
        self.classes(keys, text, |_, new| n += usize::from(new));
        n
    }
}

/// Families typed so far, by name: an open-addressing table of 8-byte slots (tag, offset of
/// the name in its TYPE line, kind), at most three quarters full.
pub(crate) struct Typed {
    slots: Vec<u64>,
    len: usize,
}

/// Kinds by code (0 is an empty slot).
const KINDS: [&str; 5] = ["counter", "gauge", "histogram", "summary", "untyped"];

impl Typed {
    pub(crate) fn new() -> Self {
        Typed {
            slots: Vec::new(),
            len: 0,
        }
    }

    fn kind_of(slot: u64) -> &'static str {
        KINDS
            .get(((slot & 7) as usize).wrapping_sub(1))
            .copied()
            .unwrap_or("untyped")
    }

    fn locate(&self, keys: &Keys, text: &str, name: &str, hash: u64) -> Option<usize> {
        let mask = self.slots.len().checked_sub(1)?;
        let tag = keys.pack(hash.rotate_right(32), 0, 3);
        let tag_mask = keys.pack(u64::MAX, 0, 3);
        let offset_mask = (1u64 << keys.bits) - 1;
        let mut i = (hash as usize) & mask;
        loop {
            let slot = *self.slots.get(i)?;
            if slot == 0 {
                return Some(i);
            }
            if slot & tag_mask == tag
                && name_at(text, ((slot >> 3) & offset_mask) as usize, is_metric_byte) == name
            {
                return Some(i);
            }
            i = (i + 1) & mask;
        }
    }

    /// The kind family `name` was typed with, if it was.
    pub(crate) fn get(&self, keys: &Keys, text: &str, name: &str) -> Option<&'static str> {
        if self.len == 0 {
            return None;
        }
        let i = self.locate(keys, text, name, keys.hash(name))?;
        self.slots
            .get(i)
            .filter(|s| **s != 0)
            .map(|s| Self::kind_of(*s))
    }

    /// Records that `name`, a slice of `text` (a TYPE line's name), has `kind`.
    pub(crate) fn insert(&mut self, keys: &Keys, text: &str, name: &str, kind: &str) {
        if (self.len + 1) * 4 > self.slots.len() * 3 {
            self.grow(keys, text);
        }
        let code = KINDS.iter().position(|k| *k == kind).map_or(5, |i| i + 1) as u64;
        let hash = keys.hash(name);
        let Some(i) = self.locate(keys, text, name, hash) else {
            return;
        };
        if let Some(slot) = self.slots.get_mut(i) {
            if *slot == 0 {
                self.len += 1;
            }
            *slot = keys.pack(hash.rotate_right(32), offset_in(text, name), 3) | code;
        }
    }

    fn grow(&mut self, keys: &Keys, text: &str) {
        let size = (self.slots.len() * 2).max(64);
        let old = std::mem::replace(&mut self.slots, vec![0; size]);
        let offset_mask = (1u64 << keys.bits) - 1;
        for slot in old.into_iter().filter(|s| *s != 0) {
            let name = name_at(text, ((slot >> 3) & offset_mask) as usize, is_metric_byte);
            if let Some(i) = self.locate(keys, text, name, keys.hash(name))
                && let Some(s) = self.slots.get_mut(i)
            {
                *s = slot;
            }
        }
    }
}

/// Label names of one line past the first few, for "no label twice": tags and offsets in the
/// line, sorted when the line's labels are read.
pub(crate) struct LineLabels {
    items: Vec<u64>,
    keys: Keys,
}

impl LineLabels {
    pub(crate) fn new(line: &str) -> Self {
        LineLabels {
            items: Vec::new(),
            keys: Keys::for_text(line),
        }
    }

    pub(crate) fn push(&mut self, line: &str, name: &str) {
        let hash = self.keys.hash(name);
        self.items
            .push(self.keys.pack(hash, offset_in(line, name), 0));
    }

    /// The first label name, in line order, that an earlier one had.
    pub(crate) fn first_repeat<'l>(&mut self, line: &'l str) -> Option<&'l str> {
        self.items.sort_unstable();
        let mask = (1u64 << self.keys.bits) - 1;
        let mut first: Option<usize> = None;
        for group in tag_groups(&self.items, self.keys.bits).filter(|g| g.len() > 1) {
            let mut seen: Vec<&str> = Vec::new();
            for &item in group {
                let offset = (item & mask) as usize;
                let name = name_at(line, offset, is_label_byte);
                if seen.contains(&name) {
                    first = Some(first.map_or(offset, |f| f.min(offset)));
                } else {
                    seen.push(name);
                }
            }
        }
        first.map(|at| name_at(line, at, is_label_byte))
    }
}
