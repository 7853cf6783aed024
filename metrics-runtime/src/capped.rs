//! Capped string labels for semi-bounded ids (`node_id`, `org_id`, `route_id`).
//!
//! The first `CAP` distinct values each get a series; every later value folds into one
//! overflow value, [`OVERFLOW_VALUE`], and is counted by the label's overflow counter (exposed
//! by [`crate::Registry::with_self_metrics`]). Memory is bounded: at most `CAP` strings of at
//! most [`MAX_VALUE_BYTES`] each are ever kept, whatever arrives.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{OnceLock, RwLock};

/// The label value every value past the cap is recorded under.
pub const OVERFLOW_VALUE: &str = "__overflow__";

/// The longest value, in bytes, a capped label keeps (a DNS name is at most 253). A longer
/// value folds into [`OVERFLOW_VALUE`], as does the overflow value itself when it arrives as
/// input, so no series can ever duplicate the overflow one.
pub const MAX_VALUE_BYTES: usize = 256;

/// Every capped label type linked into the binary, for the overflow self-metric.
#[doc(hidden)]
#[linkme::distributed_slice]
pub static CAPPED_LABELS: [&'static dyn CappedInfo];

/// What the self-metrics read of a capped label type.
pub trait CappedInfo: Sync {
    /// The label type's name.
    fn type_name(&self) -> &'static str;
    /// The module declaring the label type (`module_path!()` where `capped_label!` is), so
    /// two types of one name in different modules stay apart.
    fn module_path(&self) -> &'static str {
        ""
    }
    /// Values that got their own slot so far.
    fn distinct(&self) -> usize;
    /// The cap.
    fn cap(&self) -> usize;
    /// Values folded into the overflow value so far.
    fn overflowed(&self) -> u64;
}

/// The interner behind one capped label type. Lookups of known values take a shared lock
/// and a `BTreeMap` probe; nothing is allocated once the cap is reached.
#[derive(Debug)]
pub struct Interner<const CAP: usize> {
    type_name: &'static str,
    module_path: &'static str,
    index: RwLock<BTreeMap<&'static str, usize>>,
    values: [OnceLock<&'static str>; CAP],
    len: AtomicUsize,
    overflow: AtomicU64,
}

impl<const CAP: usize> Interner<CAP> {
    /// An empty interner. Used by [`crate::capped_label!`].
    pub const fn new(type_name: &'static str) -> Self {
        Self::declared_in(type_name, "")
    }

    /// An empty interner of a label type declared in `module_path`. Used by
    /// [`crate::capped_label!`].
    pub const fn declared_in(type_name: &'static str, module_path: &'static str) -> Self {
        Interner {
            type_name,
            module_path,
            index: RwLock::new(BTreeMap::new()),
            values: [const { OnceLock::new() }; CAP],
            len: AtomicUsize::new(0),
            overflow: AtomicU64::new(0),
        }
    }

    /// The slot of `value` as a [`CappedIndex`] ([`Interner::intern`]): the only way to make
    /// one besides the overflow, so a slot always names a value this interner has seen.
    pub fn slot(&self, value: &str) -> CappedIndex<CAP> {
        CappedIndex::clamped(self.intern(value))
    }

    /// The slot of `value`: its own below the cap, `CAP` (overflow) past it, and for a value
    /// longer than [`MAX_VALUE_BYTES`] or equal to [`OVERFLOW_VALUE`].
    pub fn intern(&self, value: &str) -> usize {
        // An empty value reads as a missing label in Prometheus: it folds into the overflow
        // value too, rather than making a series with `label=""`.
        if value.is_empty() || value.len() > MAX_VALUE_BYTES || value == OVERFLOW_VALUE {
            self.overflow.fetch_add(1, Ordering::Relaxed);
            return CAP;
        }
        {
            let map = self.index.read().unwrap_or_else(|e| e.into_inner());
            if let Some(&i) = map.get(value) {
                return i;
            }
        }
        if self.len.load(Ordering::Acquire) >= CAP {
            self.overflow.fetch_add(1, Ordering::Relaxed);
            return CAP;
        }
        let mut map = self.index.write().unwrap_or_else(|e| e.into_inner());
        if let Some(&i) = map.get(value) {
            return i;
        }
        let i = self.len.load(Ordering::Acquire);
        if i >= CAP {
            self.overflow.fetch_add(1, Ordering::Relaxed);
            return CAP;
        }
        // At most CAP values are ever leaked, which is the label's bound by construction.
        let leaked: &'static str = Box::leak(value.to_owned().into_boxed_str());
        let _ = self.values[i].set(leaked);
        map.insert(leaked, i);
        self.len.store(i + 1, Ordering::Release);
        i
    }

    /// The value at a slot: `None` for a slot not filled yet.
    pub fn value_at(&self, index: usize) -> Option<&'static str> {
        if index == CAP {
            return Some(OVERFLOW_VALUE);
        }
        self.values.get(index).and_then(|v| v.get().copied())
    }
}

/// The slot of a capped label value: always within `0..=CAP` (`CAP` is the overflow value),
/// because the only way to make one clamps. A capped label type holds one, so a value can
/// never be built out of range, even inside the module that declares the type, and recording
/// it can never index past the family's storage.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CappedIndex<const CAP: usize>(usize);

impl<const CAP: usize> CappedIndex<CAP> {
    /// The overflow slot, `CAP`: always a valid value.
    pub const OVERFLOW: Self = CappedIndex(CAP);

    /// The slot `index`, or the overflow slot when `index` is past the cap. Only the interner
    /// makes slots, so a slot always names a value it has seen (or the overflow).
    const fn clamped(index: usize) -> Self {
        if index > CAP {
            CappedIndex(CAP)
        } else {
            CappedIndex(index)
        }
    }

    /// The slot, `0..=CAP`.
    pub const fn get(self) -> usize {
        self.0
    }
}

impl<const CAP: usize> CappedInfo for Interner<CAP> {
    fn type_name(&self) -> &'static str {
        self.type_name
    }
    fn module_path(&self) -> &'static str {
        self.module_path
    }
    fn distinct(&self) -> usize {
        self.len.load(Ordering::Relaxed)
    }
    fn cap(&self) -> usize {
        CAP
    }
    fn overflowed(&self) -> u64 {
        self.overflow.load(Ordering::Relaxed)
    }
}

/// Declares a capped string label type.
///
/// ```
/// metrics_runtime::capped_label! {
///     /// Node ids: bounded by the cluster's size.
///     pub struct NodeId(cap = 64);
/// }
/// let a = NodeId::new("node-a");
/// assert_eq!(a.as_str(), "node-a");
/// ```
///
/// The type is `Copy` and cheap to keep: resolve it once (`NodeId::new(id)`) where the id
/// enters the component and record with the value afterwards.
///
/// Flags after the cap declare what the values mean, as attributes do on a label enum:
/// `route_templates` says they are route templates (`LabelValue::ROUTE_TEMPLATES`), so a
/// checker rejects raw paths in them.
///
/// ```
/// metrics_runtime::capped_label! {
///     /// Route templates of the services behind the proxy.
///     pub struct RouteTemplate(cap = 256, route_templates);
/// }
/// use metrics_runtime::LabelValue;
/// assert!(<RouteTemplate as LabelValue>::ROUTE_TEMPLATES);
/// assert_eq!(<RouteTemplate as LabelValue>::CAP, Some(256));
/// ```
#[macro_export]
macro_rules! capped_label {
    (@flag route_templates) => {
        true
    };
    (@flag $other:ident) => {
        ::core::compile_error!(::core::concat!(
            "unknown capped_label! flag `",
            ::core::stringify!($other),
            "`: the only flag is `route_templates`"
        ))
    };
    ($(#[doc = $doc:literal])* $vis:vis struct $name:ident(cap = $cap:expr $(, $flag:ident)* $(,)?);) => {
        $(#[doc = $doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        $vis struct $name($crate::__private::CappedIndex<{ $cap }>);

        const _: () = {
            static __INTERNER: $crate::__private::Interner<{ $cap }> =
                $crate::__private::Interner::declared_in(
                    ::core::stringify!($name),
                    ::core::module_path!(),
                );
            // linkme places the entry in a link section, which the `unsafe_code` lint flags.
            #[allow(unsafe_code)]
            #[$crate::__private::linkme::distributed_slice($crate::__private::CAPPED_LABELS)]
            #[linkme(crate = $crate::__private::linkme)]
            static __LINKED: &'static dyn $crate::__private::CappedInfo = &__INTERNER;

            impl $name {
                /// The label value for `value`: its own series below the cap, the overflow
                /// value past it.
                pub fn new(value: &str) -> Self {
                    $name(__INTERNER.slot(value))
                }
                /// The shared overflow value.
                pub const OVERFLOW: Self = $name($crate::__private::CappedIndex::OVERFLOW);
                /// The value as exposed.
                pub fn as_str(self) -> &'static str {
                    __INTERNER.value_at(self.0.get()).unwrap_or($crate::__private::OVERFLOW_VALUE)
                }
                /// Whether this is the overflow value.
                pub fn is_overflow(self) -> bool {
                    self.0.get() == $cap
                }
            }

            #[diagnostic::do_not_recommend]
            impl $crate::__private::BoundedLabel for $name {
                const LABEL_OF: $crate::__private::LabelOf<Self> = $crate::__private::label_of::<Self>();
            }

            impl $crate::LabelValue for $name {
                const CARDINALITY: usize = $cap + 1;
                const VALUES: &'static [Self] = &[];
                const NAMES: &'static [&'static str] = &[];
                const DEFAULT: ::core::option::Option<Self> = ::core::option::Option::None;
                const TYPE_NAME: &'static str = ::core::stringify!($name);
                const DOC: &'static str = ::core::concat!($($doc, "\n",)* "");
                const VALUE_DOCS: &'static [&'static str] = &[];
                const CAP: ::core::option::Option<usize> = ::core::option::Option::Some($cap);
                const ROUTE_TEMPLATES: bool = false $(|| $crate::capped_label!(@flag $flag))*;
                #[inline(always)]
                fn index(self) -> usize {
                    self.0.get()
                }
                fn value_at(index: usize) -> ::core::option::Option<&'static str> {
                    __INTERNER.value_at(index)
                }
            }
        };
    };
}
