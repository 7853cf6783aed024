use darling::FromDeriveInput;
use metrics_policy::{FamilyRole, MetricKind as Kind, Stability};
use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::DeriveInput;
use syn::spanned::Spanned;

use crate::ast::{Derive, FamilyInput, LabelInput, without_rejected_items};
use crate::policy;
use crate::valid::{self, Errors, Family};

/// Parses `input` with darling. When darling rejects some attribute items, the items it
/// rejected are reported and the rest of the declaration is parsed again without them, so
/// their errors and the policy's come in one compile; `partial` is then `true`.
fn parse<T: FromDeriveInput>(
    input: &DeriveInput,
    derive: Derive,
) -> Result<(T, Errors, bool), darling::Error> {
    match T::from_derive_input(input) {
        Ok(parsed) => Ok((parsed, Errors::default(), false)),
        Err(e) => {
            let Some(rest) = without_rejected_items(input, derive) else {
                return Err(e);
            };
            let parsed = T::from_derive_input(&rest).map_err(|_| e.clone())?;
            let mut errors = Errors::default();
            errors.darling(e);
            Ok((parsed, errors, true))
        }
    }
}

pub fn label_value(input: &DeriveInput) -> Result<TokenStream, darling::Error> {
    let (parsed, mut errors, _) = parse::<LabelInput>(input, Derive::LabelValue)?;
    let (model, more) = valid::label_enum(&parsed);
    errors.extend(more);
    let errs = errors.to_compile_errors();
    if !errors.is_empty() && model.variants.is_empty() {
        return Ok(errs);
    }
    let rt = quote!(::metrics_runtime::__private);
    let ident = model.ident;
    let n = model.variants.len();
    let idents: Vec<_> = model.variants.iter().map(|v| v.ident).collect();
    let values: Vec<_> = model.variants.iter().map(|v| v.value.as_str()).collect();
    let docs: Vec<_> = model.variants.iter().map(|v| v.doc.as_str()).collect();
    let error_values: Vec<_> = model
        .variants
        .iter()
        .filter(|v| v.error)
        .map(|v| v.value.as_str())
        .collect();
    let route_templates = model.route_templates;
    let positions: Vec<usize> = (0..n).collect();
    // With a data-carrying variant reported, `Kind::Other` would be a constructor, not a value:
    // list no values rather than add a second, confusing error.
    let value_list = if errors.is_empty() {
        quote!(#( #ident::#idents, )*)
    } else {
        quote!()
    };
    let default = match model.default {
        Some(d) => quote!(::core::option::Option::Some(#ident::#d)),
        None => quote!(::core::option::Option::None),
    };
    let type_name = ident.to_string();
    let doc = &model.doc;
    let default_name = match model
        .default
        .and_then(|d| model.variants.iter().find(|v| v.ident == d))
    {
        Some(v) => {
            let value = &v.value;
            quote!(::core::option::Option::Some(#value))
        }
        None => quote!(::core::option::Option::None),
    };
    // Data-carrying variants were reported; matching on them would cascade, so the match
    // arms use `{ .. }` patterns that fit any variant shape.
    Ok(quote! {
        #errs
        #[automatically_derived]
        #[allow(clippy::all, clippy::pedantic)]
        impl #ident {
            /// The dense index of this value, in declaration order.
            pub const fn index(self) -> usize {
                match self { #( #ident::#idents { .. } => #positions, )* }
            }
            /// The value as it appears in the exposition.
            pub const fn as_str(self) -> &'static str {
                match self { #( #ident::#idents { .. } => #values, )* }
            }
        }
        #[automatically_derived]
        impl #rt::LabelValue for #ident {
            const CARDINALITY: usize = #n;
            const VALUES: &'static [Self] = &[ #value_list ];
            const NAMES: &'static [&'static str] = &[ #( #values, )* ];
            const DEFAULT: ::core::option::Option<Self> = #default;
            const DEFAULT_NAME: ::core::option::Option<&'static str> = #default_name;
            const TYPE_NAME: &'static str = #type_name;
            const DOC: &'static str = #doc;
            const VALUE_DOCS: &'static [&'static str] = &[ #( #docs, )* ];
            const ERROR_VALUES: &'static [&'static str] = &[ #( #error_values, )* ];
            const ROUTE_TEMPLATES: bool = #route_templates;
            #[inline(always)]
            fn index(self) -> usize {
                #ident::index(self)
            }
        }
    })
}

pub fn metric_family(input: &DeriveInput) -> Result<TokenStream, darling::Error> {
    let has_metric_attr = input.attrs.iter().any(|a| a.path().is_ident("metric"));
    let (parsed, mut errors, partial) = parse::<FamilyInput>(input, Derive::MetricFamily)?;
    let policy = match policy::current() {
        Ok(p) => p,
        Err(e) => {
            errors.push(
                proc_macro2::Span::call_site(),
                format!("metrics policy: {e}"),
            );
            policy::Policy::default()
        }
    };
    let (model, more) = valid::family(&parsed, has_metric_attr, &policy, partial);
    // Tell cargo the expansion depends on the policy's manifest and on the variable that can
    // name another one, so editing either rebuilds the crate.
    let tracked = match policy::manifest_path()
        .filter(|p| p.is_file())
        .and_then(|p| p.to_str().map(str::to_string))
    {
        Some(path) => quote! {
            const _: &[u8] = ::core::include_bytes!(#path);
            const _: ::core::option::Option<&str> = ::core::option_env!("METRICS_POLICY_MANIFEST");
        },
        None => quote!(),
    };
    let mut all = errors.to_compile_errors();
    all.extend(more.to_compile_errors());
    match model {
        Some(model) => {
            let body = family_tokens(&model);
            Ok(quote!(#all #tracked #body))
        }
        None => Ok(all),
    }
}

/// A violation as the format string of a const `panic!`: braces doubled.
fn panic_literal(v: &metrics_policy::Violation) -> String {
    v.to_string().replace('{', "{{").replace('}', "}}")
}

fn family_tokens(f: &Family<'_>) -> TokenStream {
    let rt = quote!(::metrics_runtime::__private);
    let ident = f.ident;
    let name = &f.name;
    let help = &f.help;
    let kind = match f.kind {
        Kind::Counter => quote!(#rt::MetricKind::Counter),
        Kind::Gauge => quote!(#rt::MetricKind::Gauge),
        Kind::Histogram => quote!(#rt::MetricKind::Histogram),
    };
    let unit = match &f.unit {
        Some(u) => quote!(::core::option::Option::Some(#u)),
        None => quote!(::core::option::Option::None),
    };
    let component = match &f.component {
        Some(c) => quote!(::core::option::Option::Some(#c)),
        None => quote!(::core::option::Option::None),
    };
    let deviations = &f.deviations;
    let stability = match f.stability {
        Stability::Stable => quote!(#rt::Stability::Stable),
        Stability::Beta => quote!(#rt::Stability::Beta),
        Stability::Alpha => quote!(#rt::Stability::Alpha),
    };
    let role = match f.role {
        FamilyRole::None => quote!(#rt::FamilyRole::None),
        FamilyRole::Lag => quote!(#rt::FamilyRole::Lag),
        FamilyRole::Position => quote!(#rt::FamilyRole::Position),
        FamilyRole::InFlight => quote!(#rt::FamilyRole::InFlight),
        FamilyRole::Info => quote!(#rt::FamilyRole::Info),
        FamilyRole::State => quote!(#rt::FamilyRole::State),
        FamilyRole::Timestamp => quote!(#rt::FamilyRole::Timestamp),
        FamilyRole::Spikes => quote!(#rt::FamilyRole::Spikes),
    };
    let prefix = match &f.prefix {
        Some(p) => quote!(::core::option::Option::Some(#p)),
        None => quote!(::core::option::Option::None),
    };
    let stability_in_help = f.stability_in_help;
    let deprecated_since = match &f.deprecated_since {
        Some(v) => quote!(::core::option::Option::Some(#v)),
        None => quote!(::core::option::Option::None),
    };
    let buckets = &f.buckets;
    let n_buckets = f.buckets.len();
    let claim = format!("__metrics_family_name__{}", f.name);
    // Seconds and bytes are never negative: such an observation is dropped and counted.
    let nonnegative = matches!(f.unit.as_deref(), Some("seconds" | "bytes"));
    let max_series = f.max_series;
    let type_name = ident.to_string();

    // R8: every label type must be a bounded `LabelValue`; the bound is spanned on the type so
    // the error (worded by `#[diagnostic::on_unimplemented]`) points at it.
    let label_tys: Vec<TokenStream> = f
        .labels
        .iter()
        .map(|l| {
            let ty = l.ty;
            quote_spanned!(ty.span()=> <#ty as #rt::LabelValue>)
        })
        .collect();
    let label_sets = if label_tys.is_empty() {
        quote!(1usize)
    } else {
        quote!(1usize #( * #label_tys::CARDINALITY )*)
    };
    let label_descs = f.labels.iter().zip(&label_tys).map(|(l, lt)| {
        let lname = &l.name;
        let doc = &l.doc;
        let waiver = match &l.waiver {
            Some(w) => quote!(::core::option::Option::Some(#w)),
            None => quote!(::core::option::Option::None),
        };
        quote! {
            #rt::LabelDescriptor {
                name: #lname,
                type_name: #lt::TYPE_NAME,
                type_doc: #lt::DOC,
                values: #lt::NAMES,
                value_docs: #lt::VALUE_DOCS,
                cap: #lt::CAP,
                default: #lt::DEFAULT_NAME,
                value_at: #lt::value_at,
                waiver: #waiver,
                error_values: #lt::ERROR_VALUES,
                route_templates: #lt::ROUTE_TEMPLATES,
                doc: #doc,
            }
        }
    });
    let field_idents: Vec<_> = f.labels.iter().map(|l| l.ident).collect();
    let series_index = if f.labels.is_empty() {
        quote!(0usize)
    } else {
        let steps = field_idents
            .iter()
            .zip(&label_tys)
            .map(|(fi, lt)| quote!(__i = __i * #lt::CARDINALITY + #lt::index(self.#fi);));
        quote!({ let mut __i = 0usize; #( #steps )* __i })
    };
    // R9: the budget, checked where the label cardinalities are known. Skipped when an
    // attribute item was rejected: a misspelled `max_series` would make it fire spuriously.
    let r9 = if f.partial {
        quote!()
    } else {
        let r9 = panic_literal(&match &f.native {
            Some(n) => metrics_policy::series_budget_violation_native(
                name,
                max_series,
                n_buckets,
                n.max_buckets as usize,
            ),
            None => metrics_policy::series_budget_violation(name, f.kind, max_series, n_buckets),
        });
        quote_spanned!(ident.span()=>
            const _: () = if __WORST_CASE > __MAX_SERIES { ::core::panic!(#r9) };
        )
    };
    // R11's waiver holds only on a capped type, whose cap bounds the per-tenant series; the
    // assertion is spanned on the field's type, which is what to change.
    let tenant_waivers = f.labels.iter().filter(|l| l.tenant_waiver).map(|l| {
        let ty = l.ty;
        let type_name = quote!(#ty).to_string().replace(" :: ", "::");
        let msg = panic_literal(&metrics_policy::tenant_waiver_needs_cap(
            &l.name, f.kind, &type_name,
        ));
        quote_spanned!(ty.span()=>
            const _: () = if <#ty as #rt::LabelValue>::CAP.is_none() { ::core::panic!(#msg) };
        )
    });

    // Native histograms: the spec as a const (the recording path folds it in) and the
    // window of buckets per label set and row.
    let (native_storage, native_slots, native_desc, worst_case) = match &f.native {
        Some(n) => {
            let (schema, zt, mb, lo, hi, min_key, max_key, signed, classic) = (
                n.schema,
                n.zero_threshold,
                n.max_buckets,
                n.range.0,
                n.range.1,
                n.min_key,
                n.max_key,
                n.signed,
                n.classic,
            );
            let mb_usize = n.max_buckets as usize;
            (
                quote! {
                    const __NATIVE_SPEC: #rt::NativeSpec = #rt::NativeSpec {
                        schema: #schema,
                        zero_threshold: #zt,
                        max_buckets: #mb,
                        range: (#lo, #hi),
                        min_key: #min_key,
                        max_key: #max_key,
                        signed: #signed,
                        classic: #classic,
                    };
                    static __NATIVE: [#rt::AtomicU64; #rt::SHARD_ROWS * __LABEL_SETS * __NATIVE_SPEC.slots()] = [const { #rt::AtomicU64::new(0) }; #rt::SHARD_ROWS * __LABEL_SETS * __NATIVE_SPEC.slots()];
                },
                quote!(&__NATIVE),
                quote!(::core::option::Option::Some(__NATIVE_SPEC)),
                quote!(#rt::FamilyDescriptor::worst_case_native(__LABEL_SETS, #n_buckets, #mb_usize)),
            )
        }
        None => (
            quote!(),
            quote!(&[]),
            quote!(::core::option::Option::None),
            quote!(#rt::FamilyDescriptor::worst_case(#kind, __LABEL_SETS, #n_buckets)),
        ),
    };
    let observe_call = if f.native.is_some() {
        quote!(#rt::histogram_observe_native(&__BUCKET_SLOTS, &__SUMS, __LABEL_SETS, #n_buckets + 1, __FAMILY.buckets(), #rt::MetricFamily::series_index(self), value, #nonnegative, &__NATIVE, &__NATIVE_SPEC))
    } else {
        quote!(#rt::histogram_observe(&__BUCKET_SLOTS, &__SUMS, __LABEL_SETS, #n_buckets + 1, __FAMILY.buckets(), #rt::MetricFamily::series_index(self), value, #nonnegative))
    };
    let native_methods = if f.native.is_some() {
        quote! {
            /// The native histogram of this series as exposed (after schema reduction).
            pub fn native_histogram(&self) -> ::core::option::Option<::metrics_runtime::NativeHistogramSnapshot> {
                __FAMILY.native_value(#rt::MetricFamily::series_index(self))
            }
        }
    } else {
        quote!()
    };

    let exemplar_slots = match f.kind {
        Kind::Gauge => quote!(&[]),
        _ => quote!(&__EXEMPLARS),
    };
    let (storage, slots, methods) = match f.kind {
        Kind::Counter => (
            quote! {
                static __SLOTS: [#rt::AtomicU64; __LABEL_SETS * #rt::SHARD_ROWS] = [const { #rt::AtomicU64::new(0) }; __LABEL_SETS * #rt::SHARD_ROWS];
                static __EXEMPLARS: [#rt::ExemplarSlot; __LABEL_SETS] = [const { #rt::ExemplarSlot::new() }; __LABEL_SETS];
            },
            quote!(#rt::Slots::Counter(&__SLOTS)),
            quote! {
                /// Adds one to this series.
                #[inline]
                pub fn inc(&self) {
                    #rt::counter_add(&__SLOTS, __LABEL_SETS, #rt::MetricFamily::series_index(self), 1)
                }
                /// Adds `n` to this series.
                #[inline]
                pub fn inc_by(&self, n: u64) {
                    #rt::counter_add(&__SLOTS, __LABEL_SETS, #rt::MetricFamily::series_index(self), n)
                }
                /// Adds one and keeps `exemplar` (with the value 1) as this series' exemplar,
                /// exposed in OpenMetrics and protobuf.
                #[inline]
                pub fn inc_with_exemplar(&self, exemplar: &#rt::Exemplar) {
                    #rt::counter_add_exemplar(&__SLOTS, __LABEL_SETS, #rt::MetricFamily::series_index(self), 1, &__EXEMPLARS, exemplar)
                }
                /// Adds `n` and keeps `exemplar` (with the value `n`) as this series' exemplar.
                #[inline]
                pub fn inc_by_with_exemplar(&self, n: u64, exemplar: &#rt::Exemplar) {
                    #rt::counter_add_exemplar(&__SLOTS, __LABEL_SETS, #rt::MetricFamily::series_index(self), n, &__EXEMPLARS, exemplar)
                }
                /// The current count of this series.
                pub fn get(&self) -> u64 {
                    __FAMILY.counter_value(#rt::MetricFamily::series_index(self))
                }
            },
        ),
        Kind::Gauge => (
            quote! {
                static __SLOTS: [#rt::AtomicU64; __LABEL_SETS] = [const { #rt::AtomicU64::new(0) }; __LABEL_SETS];
            },
            quote!(#rt::Slots::Gauge(&__SLOTS)),
            quote! {
                /// Sets this series.
                #[inline]
                pub fn set(&self, value: f64) {
                    #rt::gauge_set(&__SLOTS, #rt::MetricFamily::series_index(self), value)
                }
                /// Adds one.
                #[inline]
                pub fn inc(&self) {
                    #rt::gauge_add(&__SLOTS, #rt::MetricFamily::series_index(self), 1.0)
                }
                /// Subtracts one.
                #[inline]
                pub fn dec(&self) {
                    #rt::gauge_add(&__SLOTS, #rt::MetricFamily::series_index(self), -1.0)
                }
                /// Adds `delta`.
                #[inline]
                pub fn add(&self, delta: f64) {
                    #rt::gauge_add(&__SLOTS, #rt::MetricFamily::series_index(self), delta)
                }
                /// Subtracts `delta`.
                #[inline]
                pub fn sub(&self, delta: f64) {
                    #rt::gauge_add(&__SLOTS, #rt::MetricFamily::series_index(self), -delta)
                }
                /// The current value of this series.
                pub fn get(&self) -> f64 {
                    __FAMILY.gauge_value(#rt::MetricFamily::series_index(self))
                }
            },
        ),
        Kind::Histogram => (
            quote! {
                static __BUCKET_SLOTS: [#rt::AtomicU64; #rt::SHARD_ROWS * __LABEL_SETS * (#n_buckets + 1)] = [const { #rt::AtomicU64::new(0) }; #rt::SHARD_ROWS * __LABEL_SETS * (#n_buckets + 1)];
                static __SUMS: [#rt::AtomicU64; #rt::SHARD_ROWS * __LABEL_SETS] = [const { #rt::AtomicU64::new(0) }; #rt::SHARD_ROWS * __LABEL_SETS];
                static __EXEMPLARS: [#rt::ExemplarSlot; __LABEL_SETS * (#n_buckets + 1)] = [const { #rt::ExemplarSlot::new() }; __LABEL_SETS * (#n_buckets + 1)];
                #native_storage
            },
            quote!(#rt::Slots::Histogram { buckets: &__BUCKET_SLOTS, sums: &__SUMS }),
            quote! {
                /// Records one observation.
                #[inline]
                pub fn observe(&self, value: f64) {
                    #observe_call
                }
                /// Records one observation and keeps `exemplar` (with this value) as the
                /// exemplar of the bucket it falls in, exposed in OpenMetrics and protobuf.
                #[inline]
                pub fn observe_with_exemplar(&self, value: f64, exemplar: &#rt::Exemplar) {
                    self.observe(value);
                    #rt::histogram_exemplar(&__EXEMPLARS, #n_buckets + 1, __FAMILY.buckets(), #rt::MetricFamily::series_index(self), value, #nonnegative, exemplar)
                }
                /// Records a duration in seconds with an exemplar.
                #[inline]
                pub fn observe_duration_with_exemplar(&self, duration: ::core::time::Duration, exemplar: &#rt::Exemplar) {
                    self.observe_with_exemplar(duration.as_secs_f64(), exemplar)
                }
                #native_methods
                /// Records a duration in seconds.
                #[inline]
                pub fn observe_duration(&self, duration: ::core::time::Duration) {
                    self.observe(duration.as_secs_f64())
                }
                /// Starts a timer; `finish(labels)` records under the labels chosen at the end,
                /// an early drop under the declared default labels.
                pub fn start_timer() -> #rt::Timer<Self> {
                    #rt::Timer::start()
                }
                /// Starts a timer whose early drop records under `default`.
                pub fn start_timer_with(default: Self) -> #rt::Timer<Self> {
                    #rt::Timer::start_with(default)
                }
                /// Buckets, count and sum of this series.
                pub fn get(&self) -> ::metrics_runtime::HistogramSnapshot {
                    __FAMILY.histogram_value(#rt::MetricFamily::series_index(self))
                }
                /// Number of observations of this series.
                pub fn count(&self) -> u64 {
                    self.get().count
                }
                /// Sum of observations of this series.
                pub fn sum(&self) -> f64 {
                    self.get().sum
                }
            },
        ),
    };
    let histogram_impl = if f.kind == Kind::Histogram {
        let timer_default = if f.is_unit_struct {
            quote!(::core::option::Option::Some(#ident))
        } else if f.labels.is_empty() {
            quote!(::core::option::Option::Some(#ident {}))
        } else {
            let vars: Vec<_> = (0..f.labels.len())
                .map(|i| format_ident!("__v{}", i))
                .collect();
            quote! {
                match ( #( #label_tys::DEFAULT, )* ) {
                    ( #( ::core::option::Option::Some(#vars), )* ) => ::core::option::Option::Some(#ident { #( #field_idents: #vars, )* }),
                    _ => ::core::option::Option::None,
                }
            }
        };
        quote! {
            #[automatically_derived]
            impl #rt::HistogramFamily for #ident {
                const TIMER_DEFAULT: ::core::option::Option<Self> = #timer_default;
                #[inline]
                fn observe_seconds(&self, seconds: f64) {
                    #ident::observe(self, seconds)
                }
            }
        }
    } else {
        quote!()
    };

    quote! {
        #[allow(non_upper_case_globals, clippy::all, clippy::pedantic)]
        const _: () = {
            const __LABEL_SETS: usize = #label_sets;
            const __WORST_CASE: usize = #worst_case;
            const __MAX_SERIES: usize = #max_series;
            #r9
            #( #tenant_waivers )*
            #storage
            const __DESCRIPTOR: #rt::FamilyDescriptor = #rt::FamilyDescriptor {
                name: #name,
                kind: #kind,
                help: #help,
                unit: #unit,
                labels: &[ #( #label_descs ),* ],
                buckets: &[ #( #buckets ),* ],
                native: #native_desc,
                label_sets: __LABEL_SETS,
                worst_case_series: __WORST_CASE,
                max_series: __MAX_SERIES,
                component: #component,
                deviations: &[ #( #deviations ),* ],
                stability: #stability,
                deprecated_since: #deprecated_since,
                role: #role,
                prefix: #prefix,
                stability_in_help: #stability_in_help,
                type_name: #type_name,
                module_path: ::core::module_path!(),
            };
            static __FAMILY: #rt::Family = #rt::Family::new_with(&__DESCRIPTOR, #slots, #exemplar_slots, #native_slots);
            // linkme places the entry in a link section, which the `unsafe_code` lint flags.
            #[allow(unsafe_code)]
            #[#rt::linkme::distributed_slice(#rt::FAMILIES)]
            #[linkme(crate = #rt::linkme)]
            static __LINKED: &'static #rt::Family = &__FAMILY;
            // One symbol per metric name: a second family of this name in the same crate is a
            // compile error at its declaration ("symbol ... is already defined"), in another
            // crate linked into the same program a link error naming the symbol, so two
            // families can never share a name and one silently disappear from the exposition.
            #[allow(unsafe_code, non_upper_case_globals)]
            #[unsafe(export_name = #claim)]
            #[used]
            static __NAME_CLAIM: u8 = 0;

            #[automatically_derived]
            impl #rt::MetricFamily for #ident {
                const DESCRIPTOR: &'static #rt::FamilyDescriptor = &__DESCRIPTOR;
                #[inline]
                fn family() -> &'static #rt::Family {
                    &__FAMILY
                }
                #[inline(always)]
                fn series_index(&self) -> usize {
                    #series_index
                }
            }
            #histogram_impl
            #[automatically_derived]
            impl #ident {
                #methods
            }
        };
    }
}

#[cfg(test)]
mod tests {
    use syn::parse_quote;

    /// Every error message in an expansion, in order.
    fn errors(tokens: &proc_macro2::TokenStream) -> Vec<String> {
        let text = tokens.to_string();
        text.split("compile_error !")
            .skip(1)
            .filter_map(|s| s.split('"').nth(1).map(str::to_string))
            .collect()
    }

    #[test]
    fn a_misspelled_key_does_not_hide_the_policy_errors() {
        let input: syn::DeriveInput = parse_quote! {
            /// Requests.
            #[metric(counter, name = "requests", bukets = [1.0])]
            struct Requests { path: P, #[label(alow = "x")] user_id: U }
        };
        let out = super::metric_family(&input).map_err(|e| e.to_string());
        let msgs = out.as_ref().map(errors).unwrap_or_default();
        let rules: Vec<&str> = msgs
            .iter()
            .map(|m| m.split(':').next().unwrap_or(""))
            .collect();
        assert_eq!(
            rules,
            ["Unknown field", "Unknown field", "R3", "R7", "R7"],
            "{msgs:#?}"
        );
        assert!(
            msgs[0].contains("bukets") && msgs[1].contains("alow"),
            "{msgs:#?}"
        );
    }

    #[test]
    fn a_misspelled_variant_key_still_expands_the_enum() {
        let input: syn::DeriveInput = parse_quote! {
            enum Outcome { Ok, #[label(eror)] Error, #[label(rename = "")] Empty }
        };
        let out = super::label_value(&input).map_err(|e| e.to_string());
        let text = out.as_ref().map(ToString::to_string).unwrap_or_default();
        let msgs = out.as_ref().map(errors).unwrap_or_default();
        assert_eq!(msgs.len(), 2, "{msgs:#?}");
        assert!(
            msgs[0].contains("eror") && msgs[1].starts_with("R13"),
            "{msgs:#?}"
        );
        assert!(text.contains("impl :: metrics_runtime :: __private :: LabelValue for Outcome"));
    }
}
