use darling::FromDeriveInput;
use metrics_policy::{FamilyRole, MetricKind as Kind, Stability};
use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::DeriveInput;
use syn::spanned::Spanned;

use crate::ast::{Derive, FamilyInput, LabelInput, without_rejected_items};
use crate::policy;
use crate::valid::{self, Buckets, Errors, Family};

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

/// The shape a derive does not take, said in the words of this DSL rather than darling's
/// ("Unsupported shape"), at the tokens that have the wrong shape.
fn shape_error(input: &DeriveInput, derive: Derive) -> Option<syn::Error> {
    let ident = &input.ident;
    match (&input.data, derive) {
        (syn::Data::Enum(e), Derive::MetricFamily) => Some(syn::Error::new_spanned(
            {
                let t = e.enum_token;
                quote!(#t #ident)
            },
            format!(
                "`#[derive(MetricFamily)]` makes a struct a metric family, whose fields are its labels; to make `{ident}` the values of a label, derive `LabelValue` instead: `#[derive(LabelValue, Clone, Copy)]`"
            ),
        )),
        (syn::Data::Union(u), Derive::MetricFamily) => Some(syn::Error::new_spanned(
            {
                let t = u.union_token;
                quote!(#t #ident)
            },
            "`#[derive(MetricFamily)]` takes a struct with one named field per label",
        )),
        (syn::Data::Struct(s), Derive::MetricFamily) => match &s.fields {
            syn::Fields::Unnamed(fields) => Some(syn::Error::new_spanned(
                fields,
                format!(
                    "a metric family has one named field per label, the field's name being the label's name: write `pub struct {ident} {{ pub outcome: Outcome }}` (or `pub struct {ident};` for a family without labels)"
                ),
            )),
            _ => None,
        },
        (syn::Data::Struct(s), Derive::LabelValue) => Some(syn::Error::new_spanned(
            {
                let t = s.struct_token;
                quote!(#t #ident)
            },
            "`#[derive(LabelValue)]` takes an enum, one variant per label value; a struct whose fields are labels is a metric family: `#[derive(MetricFamily)]`",
        )),
        (syn::Data::Union(u), Derive::LabelValue) => Some(syn::Error::new_spanned(
            {
                let t = u.union_token;
                quote!(#t #ident)
            },
            "`#[derive(LabelValue)]` takes an enum, one variant per label value",
        )),
        _ => None,
    }
}

/// The doc comment of a label enum's inherent impl: its values as exposed, which rustdoc
/// otherwise never shows (a renamed `3ds_card` is not the variant's name).
fn label_doc(model: &valid::LabelEnum<'_>) -> String {
    let mut d = String::from("Label values, as exposed:\n\n| value | variant |\n| --- | --- |\n");
    for v in &model.variants {
        let mut notes = Vec::new();
        if model.default == Some(v.ident) {
            notes.push("default of timers dropped early");
        }
        if v.error {
            notes.push("an error outcome");
        }
        let notes = if notes.is_empty() {
            String::new()
        } else {
            format!(" ({})", notes.join(", "))
        };
        d.push_str(&format!(
            "| `{}` | [`{}`](Self::{}){notes} |\n",
            v.value, v.ident, v.ident
        ));
    }
    if model.route_templates {
        d.push_str("\nThe values are route templates.\n");
    }
    d
}

pub fn label_value(input: &DeriveInput) -> Result<TokenStream, darling::Error> {
    if let Some(e) = shape_error(input, Derive::LabelValue) {
        return Ok(e.to_compile_error());
    }
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
    // What a timer dropped early records under; only on a valid enum, where the variant is
    // a value.
    let default_label = match model.default {
        Some(d) if errors.is_empty() => quote! {
            #[automatically_derived]
            impl #rt::DefaultLabel for #ident {
                const DEFAULT_LABEL: Self = #ident::#d;
            }
        },
        _ => quote!(),
    };
    let impl_doc = label_doc(&model);
    // `Copy` is asserted once, here, with the message that names `Clone, Copy`; the
    // `LabelValue` impl holds under it, and families read the `BoundedLabel` impl, which
    // does not need `Copy`, so an enum without it is this one error.
    // (A type's well-formedness, unlike a call, gets no "consider borrowing" hint.)
    let copy_check = quote_spanned!(ident.span()=>
        const _: () = {
            struct __LabelEnumIsCopy<T: #rt::CopyLabel>(::core::marker::PhantomData<T>);
            #[allow(dead_code)]
            fn __check(_: __LabelEnumIsCopy<#ident>) {}
        };
    );
    // Data-carrying variants were reported; matching on them would cascade, so the match
    // arms use `{ .. }` patterns that fit any variant shape.
    Ok(quote! {
        #errs
        #copy_check
        #default_label
        #[doc = #impl_doc]
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
        impl #rt::LabelValue for #ident where for<'__a> #ident: #rt::CopyLabel {
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
        #[allow(clippy::all, clippy::pedantic)]
        const _: () = {
            const __NAMES: &[&str] = &[ #( #values, )* ];
            #[inline(always)]
            fn __index(value: &#ident) -> usize {
                match value { #( #ident::#idents { .. } => #positions, )* }
            }
            fn __value_at(index: usize) -> ::core::option::Option<&'static str> {
                if index < __NAMES.len() {
                    ::core::option::Option::Some(__NAMES[index])
                } else {
                    ::core::option::Option::None
                }
            }
            #[automatically_derived]
            #[diagnostic::do_not_recommend]
            impl #rt::BoundedLabel for #ident {
                const LABEL_OF: #rt::LabelOf<Self> = #rt::LabelOf {
                    cardinality: #n,
                    cap: ::core::option::Option::None,
                    index: __index,
                    type_name: #type_name,
                    type_doc: #doc,
                    values: __NAMES,
                    value_docs: &[ #( #docs, )* ],
                    default_name: #default_name,
                    value_at: __value_at,
                    error_values: &[ #( #error_values, )* ],
                    route_templates: #route_templates,
                };
            }
        };
    })
}

pub fn metric_family(input: &DeriveInput) -> Result<TokenStream, darling::Error> {
    if let Some(e) = shape_error(input, Derive::MetricFamily) {
        return Ok(e.to_compile_error());
    }
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

/// Tokens as a person writes them, for messages and docs: `Outcome`,
/// `crate::labels::Outcome`, `Option<u8>`, `buckets::linear::<4>(-1.0, 1.0)` (quote spaces
/// every token).
fn tokens_text(tokens: &impl quote::ToTokens) -> String {
    let mut s = tokens.to_token_stream().to_string();
    for (from, to) in [
        (" :: ", "::"),
        (":: ", "::"),
        (" ::", "::"),
        (" <", "<"),
        ("< ", "<"),
        (" >", ">"),
        ("> (", ">("),
        (" (", "("),
        ("( ", "("),
        (" )", ")"),
        ("[ ", "["),
        (" ]", "]"),
        (" ,", ","),
        ("& ", "&"),
        ("(- ", "(-"),
        (", - ", ", -"),
        ("[- ", "[-"),
    ] {
        s = s.replace(from, to);
    }
    s
}

/// A type as written, for messages and docs.
fn type_text(ty: &syn::Type) -> String {
    tokens_text(ty)
}

/// A method of another kind, whose bound no family of this kind meets: calling it is one
/// error worded by the bound's `#[diagnostic::on_unimplemented]` (see the runtime's
/// `kinds` module for why such methods exist at all). Hidden from the family's docs.
fn unavailable(sig: TokenStream, bound: &TokenStream) -> TokenStream {
    quote! {
        #[doc(hidden)]
        #[allow(unused_variables, clippy::unused_self)]
        pub #sig where for<'__a> Self: #bound {
            ::core::unreachable!()
        }
    }
}

/// The doc comment of a family's inherent impl: what it exposes, as rustdoc shows it.
fn family_doc(f: &Family<'_>, seconds: bool) -> String {
    let mut d = format!("**`{}`**: a {}", f.name, f.kind);
    if let Some(u) = &f.unit {
        d.push_str(&format!(" of {u}"));
    }
    d.push_str(&format!(" (stability: {}).", f.stability));
    if f.kind == Kind::Counter && f.unit.as_deref() == Some("seconds") {
        d.push_str(" It counts fractions of a second: `inc_by(0.25)`.");
    }
    if let Some(v) = &f.deprecated_since {
        d.push_str(&format!(" Deprecated since {v}."));
    }
    d.push_str("\n\n");
    if f.kind == Kind::Histogram {
        match &f.buckets {
            Buckets::Literal(b) if b.is_empty() => d.push_str("Classic buckets: `+Inf` only."),
            Buckets::Literal(b) => {
                let list: Vec<String> = b.iter().map(|v| format!("`{v:?}`")).collect();
                d.push_str(&format!("Buckets: {}, `+Inf`.", list.join(", ")));
            }
            Buckets::Const(e) => {
                d.push_str(&format!("Buckets: `{}`, then `+Inf`.", tokens_text(e)));
            }
        }
        if let Some(n) = &f.native {
            d.push_str(&format!(
                " Native buckets: schema {}, at most {} per series.",
                n.schema, n.max_buckets
            ));
        }
        d.push_str("\n\n");
    }
    if f.labels.is_empty() {
        d.push_str("No labels: one series.\n\n");
    } else {
        d.push_str("| label | values |\n| --- | --- |\n");
        for l in &f.labels {
            let ty = l.ty;
            let text = type_text(ty);
            let values = match text.as_str() {
                "bool" => "`false`, `true`".to_string(),
                // A plain path links to the type, whose docs list its values as exposed.
                _ if matches!(ty, syn::Type::Path(p) if p.qself.is_none() && !text.contains('<')) =>
                {
                    format!("[`{text}`]({text})")
                }
                _ => format!("`{text}`"),
            };
            d.push_str(&format!("| `{}` | {values} |\n", l.name));
        }
        d.push('\n');
    }
    d.push_str(&format!("Series budget: {}.", f.max_series));
    if seconds {
        d.push_str(" Timers: `start_timer()` (when every label type declares a `#[label(default)]`), `start_timer_with(labels)`.");
    }
    d
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
    let forbidden_labels = &f.forbidden_labels;
    let tenant_labels = &f.tenant_labels;
    let deprecated_since = match &f.deprecated_since {
        Some(v) => quote!(::core::option::Option::Some(#v)),
        None => quote!(::core::option::Option::None),
    };
    // One link symbol per name the family's exposition holds, in any format: its name, a
    // counter's OpenMetrics family name (`x` of `x_total`), a histogram's `_bucket`, `_sum` and
    // `_count`, every `_created`. Two families writing one name (a counter `x_total` and a
    // gauge `x`, a histogram `h` and a counter `h_count_total`) define one symbol twice.
    let claims: Vec<syn::Ident> = (0..metrics_policy::exposed_names(&f.name, f.kind).len())
        .map(|i| format_ident!("__METRICS_NAME_CLAIM_{}", i))
        .collect();
    let claim_symbols: Vec<String> = metrics_policy::exposed_names(&f.name, f.kind)
        .into_iter()
        .map(|n| format!("__metrics_name__{n}"))
        .collect();
    // Seconds and bytes are never negative: such an observation is dropped and counted.
    let nonnegative = matches!(f.unit.as_deref(), Some("seconds" | "bytes"));
    let seconds = f.kind == Kind::Histogram && f.unit.as_deref() == Some("seconds");
    let max_series = f.max_series;
    let type_name = ident.to_string();

    // R8: one `<T as BoundedLabel>::LABEL_OF` per label holds the family's only obligation on `T`,
    // spanned on the type so the error (worded by `#[diagnostic::on_unimplemented]`) points
    // at it; everything else reads the `LabelOf` const, so an unbounded type is one error.
    let consts: Vec<syn::Ident> = (0..f.labels.len())
        .map(|i| format_ident!("__L{}", i))
        .collect();
    let label_consts = f.labels.iter().zip(&consts).map(|(l, c)| {
        let ty = l.ty;
        quote_spanned!(ty.span()=> const #c: #rt::LabelOf<#ty> = <#ty as #rt::BoundedLabel>::LABEL_OF;)
    });
    let label_sets = quote!(1usize #( * #consts.cardinality )*);
    let label_descs = f.labels.iter().zip(&consts).map(|(l, c)| {
        let lname = &l.name;
        let doc = &l.doc;
        let waiver = match &l.waiver {
            Some(w) => quote!(::core::option::Option::Some(#w)),
            None => quote!(::core::option::Option::None),
        };
        quote!(#c.descriptor(#lname, #waiver, #doc))
    });
    let field_idents: Vec<_> = f.labels.iter().map(|l| l.ident).collect();
    let series_index = if f.labels.is_empty() {
        quote!(0usize)
    } else {
        quote!({
            let mut __i = 0usize;
            #( __i = __i * #consts.cardinality + (#consts.index)(&self.#field_idents); )*
            __i
        })
    };

    // Buckets: a literal list was checked by the macro; a constant is checked here (R12),
    // spanned on the expression, since only the compiler knows its values.
    let (buckets_const, bucket_check) = match &f.buckets {
        Buckets::Literal(b) => (quote!(const __BUCKETS: &[f64] = &[ #( #b ),* ];), quote!()),
        Buckets::Const(expr) => {
            let written = tokens_text(expr);
            (
                quote_spanned!(expr.span()=> const __BUCKETS: &[f64] = &#expr;),
                quote_spanned!(expr.span()=>
                    const _: () = {
                        let __m = #rt::bucket_constant_message(#written, __BUCKETS, #unit);
                        if !__m.is_empty() {
                            ::core::panic!("{}", __m.as_str())
                        }
                    };
                ),
            )
        }
    };
    let native_max_buckets = f.native.as_ref().map_or(0, |n| n.max_buckets as usize);

    // R9: the budget, checked where the label cardinalities are known, with the numbers in
    // the message. Skipped when an attribute item was rejected: a misspelled `max_series`
    // would make it fire spuriously.
    let r9 = if f.partial {
        quote!()
    } else {
        let factors = f.labels.iter().zip(&consts).map(|(l, c)| {
            let lname = &l.name;
            let ty = type_text(l.ty);
            quote!((#lname, #ty, #c.cardinality))
        });
        quote_spanned!(ident.span()=>
            const _: () = if __WORST_CASE > __MAX_SERIES {
                let __m = #rt::series_budget_message(
                    #name, __MAX_SERIES, __WORST_CASE, &[ #( #factors ),* ], #kind,
                    __N_BUCKETS, #native_max_buckets,
                );
                ::core::panic!("{}", __m.as_str())
            };
        )
    };
    // R11's waiver holds only on a capped type, whose cap bounds the per-tenant series; the
    // assertion is spanned on the field's type, which is what to change.
    let tenant_waivers = f
        .labels
        .iter()
        .zip(&consts)
        .filter(|(l, _)| l.tenant_waiver)
        .map(|(l, c)| {
            let ty = l.ty;
            let msg = panic_literal(&metrics_policy::tenant_waiver_needs_cap(
                &l.name,
                f.kind,
                &type_text(ty),
            ));
            quote_spanned!(ty.span()=>
                const _: () = if #c.cap.is_none() { ::core::panic!(#msg) };
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
                quote!(#rt::FamilyDescriptor::worst_case_native(__LABEL_SETS, __N_BUCKETS, #native_max_buckets)),
            )
        }
        None => (
            quote!(),
            quote!(&[]),
            quote!(::core::option::Option::None),
            quote!(#rt::FamilyDescriptor::worst_case(#kind, __LABEL_SETS, __N_BUCKETS)),
        ),
    };
    let observe_call = if f.native.is_some() {
        quote!(#rt::histogram_observe_native(&__BUCKET_SLOTS, &__SUMS, __LABEL_SETS, __N_BUCKETS + 1, __FAMILY.buckets(), #rt::MetricFamily::series_index(self), value, #nonnegative, &__NATIVE, &__NATIVE_SPEC))
    } else {
        quote!(#rt::histogram_observe(&__BUCKET_SLOTS, &__SUMS, __LABEL_SETS, __N_BUCKETS + 1, __FAMILY.buckets(), #rt::MetricFamily::series_index(self), value, #nonnegative))
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

    // The methods of the other kinds, each bounded so that calling one says what this family
    // is (see `unavailable`).
    let (not_counter, not_gauge, not_histogram) = match f.kind {
        Kind::Counter => (
            quote!(),
            quote!(#rt::GaugeMethodOnCounter),
            quote!(#rt::HistogramMethodOnCounter),
        ),
        Kind::Gauge => (
            quote!(#rt::CounterMethodOnGauge),
            quote!(),
            quote!(#rt::HistogramMethodOnGauge),
        ),
        Kind::Histogram => (
            quote!(#rt::CounterMethodOnHistogram),
            quote!(#rt::GaugeMethodOnHistogram),
            quote!(),
        ),
    };
    let not_seconds = quote!(#rt::SecondsHistogram);
    let exemplar = quote!(&#rt::Exemplar);
    let duration = quote!(::core::time::Duration);
    let timer = quote!(::metrics_runtime::Timer<Self>);
    let counter_only = [
        quote!(fn inc_by(&self, n: u64)),
        quote!(fn inc_with_exemplar(&self, exemplar: #exemplar)),
        quote!(fn inc_by_with_exemplar(&self, n: u64, exemplar: #exemplar)),
    ];
    let gauge_only = [
        quote!(fn set(&self, value: f64)),
        quote!(fn dec(&self)),
        quote!(fn add(&self, delta: f64)),
        quote!(fn sub(&self, delta: f64)),
        quote!(fn track(&self) -> ::metrics_runtime::GaugeGuard),
    ];
    let seconds_only = [
        quote!(fn observe_duration(&self, duration: #duration)),
        quote!(fn observe_duration_with_exemplar(&self, duration: #duration, exemplar: #exemplar)),
        quote!(fn start_timer() -> #timer),
        quote!(fn start_timer_with(default: Self) -> #timer),
    ];
    let histogram_only = [
        quote!(fn observe(&self, value: f64)),
        quote!(fn observe_with_exemplar(&self, value: f64, exemplar: #exemplar)),
        quote!(fn count(&self) -> u64),
        quote!(fn sum(&self) -> f64),
    ];
    let unavailable_methods: Vec<TokenStream> = match f.kind {
        Kind::Counter => gauge_only
            .into_iter()
            .map(|s| unavailable(s, &not_gauge))
            .chain(
                histogram_only
                    .into_iter()
                    .chain(seconds_only)
                    .map(|s| unavailable(s, &not_histogram)),
            )
            .collect(),
        Kind::Gauge => counter_only
            .into_iter()
            .map(|s| unavailable(s, &not_counter))
            .chain(
                histogram_only
                    .into_iter()
                    .chain(seconds_only)
                    .map(|s| unavailable(s, &not_histogram)),
            )
            .collect(),
        Kind::Histogram => std::iter::once(quote!(fn inc(&self)))
            .chain(counter_only)
            .map(|s| unavailable(s, &not_counter))
            .chain(gauge_only.into_iter().map(|s| unavailable(s, &not_gauge)))
            .chain(if seconds {
                Vec::new()
            } else {
                seconds_only
                    .into_iter()
                    .map(|s| unavailable(s, &not_seconds))
                    .collect()
            })
            .collect(),
    };

    // Timers, on histograms of seconds only. `start_timer()` needs a declared default on every
    // label type (the labels of an early drop); the bound says which type lacks one.
    let timer_methods = if seconds {
        let tys: Vec<&syn::Type> = f.labels.iter().map(|l| l.ty).collect();
        let defaults = if f.is_unit_struct {
            quote!(#ident)
        } else {
            quote!(#ident { #( #field_idents: <#tys as #rt::DefaultLabel>::DEFAULT_LABEL, )* })
        };
        let bounds = tys
            .iter()
            .map(|ty| quote_spanned!(ty.span()=> for<'__a> #ty: #rt::DefaultLabel,));
        quote! {
            /// Records a duration, in seconds.
            #[inline]
            pub fn observe_duration(&self, duration: ::core::time::Duration) {
                self.observe(duration.as_secs_f64())
            }
            /// Records a duration in seconds with an exemplar.
            #[inline]
            pub fn observe_duration_with_exemplar(&self, duration: ::core::time::Duration, exemplar: &#rt::Exemplar) {
                self.observe_with_exemplar(duration.as_secs_f64(), exemplar)
            }
            /// Starts a timer: `finish(labels)` records the elapsed seconds under the labels
            /// chosen at the end; dropped before that, it records under each label type's
            /// `#[label(default)]` value. Exists when every label type declares one; else use
            /// `start_timer_with`.
            pub fn start_timer() -> ::metrics_runtime::Timer<Self>
            where
                #( #bounds )*
            {
                #rt::Timer::start_with(#defaults)
            }
            /// Starts a timer whose early drop records under `default`.
            pub fn start_timer_with(default: Self) -> ::metrics_runtime::Timer<Self> {
                #rt::Timer::start_with(default)
            }
        }
    } else {
        quote!()
    };
    let seconds_impl = if seconds {
        quote! {
            #[automatically_derived]
            impl #rt::SecondsHistogram for #ident {
                #[inline]
                fn observe_seconds(&self, seconds: f64) {
                    #ident::observe(self, seconds)
                }
            }
        }
    } else {
        quote!()
    };

    let exemplar_slots = match f.kind {
        Kind::Gauge => quote!(&[]),
        _ => quote!(&__EXEMPLARS),
    };
    let float_counter = f.kind == Kind::Counter && f.unit.as_deref() == Some("seconds");
    let (storage, slots, methods) = match f.kind {
        // A counter of seconds holds `f64` bits, so it can count fractions of a second.
        Kind::Counter if float_counter => (
            quote! {
                static __SLOTS: [#rt::AtomicU64; __LABEL_SETS * #rt::SHARD_ROWS] = [const { #rt::AtomicU64::new(0) }; __LABEL_SETS * #rt::SHARD_ROWS];
                static __EXEMPLARS: [#rt::ExemplarSlot; __LABEL_SETS] = [const { #rt::ExemplarSlot::new() }; __LABEL_SETS];
            },
            quote!(#rt::Slots::Counter(&__SLOTS)),
            quote! {
                /// Adds one second to this series.
                #[inline]
                pub fn inc(&self) {
                    let _ = #rt::counter_add_f64(&__SLOTS, __LABEL_SETS, #rt::MetricFamily::series_index(self), 1.0);
                }
                /// Adds `seconds` (`0.25` as well as `3.0`) to this series. A counter never
                /// goes down: a negative or NaN amount is dropped and counted as an invalid
                /// observation.
                #[inline]
                pub fn inc_by(&self, seconds: f64) {
                    let _ = #rt::counter_add_f64(&__SLOTS, __LABEL_SETS, #rt::MetricFamily::series_index(self), seconds);
                }
                /// Adds the length of `duration`.
                #[inline]
                pub fn inc_by_duration(&self, duration: ::core::time::Duration) {
                    self.inc_by(duration.as_secs_f64())
                }
                /// Adds one second and keeps `exemplar` (with the value 1) as this series'
                /// exemplar, exposed in OpenMetrics and protobuf.
                #[inline]
                pub fn inc_with_exemplar(&self, exemplar: &#rt::Exemplar) {
                    #rt::counter_add_f64_exemplar(&__SLOTS, __LABEL_SETS, #rt::MetricFamily::series_index(self), 1.0, &__EXEMPLARS, exemplar)
                }
                /// Adds `seconds` and keeps `exemplar` (with that value) as this series'
                /// exemplar.
                #[inline]
                pub fn inc_by_with_exemplar(&self, seconds: f64, exemplar: &#rt::Exemplar) {
                    #rt::counter_add_f64_exemplar(&__SLOTS, __LABEL_SETS, #rt::MetricFamily::series_index(self), seconds, &__EXEMPLARS, exemplar)
                }
                /// The seconds counted by this series.
                pub fn get(&self) -> f64 {
                    __FAMILY.counter_value_f64(#rt::MetricFamily::series_index(self))
                }
            },
        ),
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
                    let _ = #rt::counter_add(&__SLOTS, __LABEL_SETS, #rt::MetricFamily::series_index(self), 1);
                }
                /// Adds `n` to this series. An amount over `i64::MAX` (a negative number
                /// cast) or one that would wrap the count is dropped and counted as an invalid
                /// observation.
                #[inline]
                pub fn inc_by(&self, n: u64) {
                    let _ = #rt::counter_add(&__SLOTS, __LABEL_SETS, #rt::MetricFamily::series_index(self), n);
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
                /// Adds one now and subtracts it when the returned guard is dropped, on every
                /// path out of the scope: `let _g = InFlight.track();`.
                #[inline]
                pub fn track(&self) -> ::metrics_runtime::GaugeGuard {
                    #rt::GaugeGuard::track(&__SLOTS, #rt::MetricFamily::series_index(self))
                }
                /// The current value of this series.
                pub fn get(&self) -> f64 {
                    __FAMILY.gauge_value(#rt::MetricFamily::series_index(self))
                }
            },
        ),
        Kind::Histogram => (
            quote! {
                static __BUCKET_SLOTS: [#rt::AtomicU64; #rt::SHARD_ROWS * __LABEL_SETS * (__N_BUCKETS + 1)] = [const { #rt::AtomicU64::new(0) }; #rt::SHARD_ROWS * __LABEL_SETS * (__N_BUCKETS + 1)];
                static __SUMS: [#rt::AtomicU64; #rt::SHARD_ROWS * __LABEL_SETS] = [const { #rt::AtomicU64::new(0) }; #rt::SHARD_ROWS * __LABEL_SETS];
                static __EXEMPLARS: [#rt::ExemplarSlot; __LABEL_SETS * (__N_BUCKETS + 1)] = [const { #rt::ExemplarSlot::new() }; __LABEL_SETS * (__N_BUCKETS + 1)];
                #native_storage
            },
            quote!(#rt::Slots::Histogram { buckets: &__BUCKET_SLOTS, sums: &__SUMS }),
            quote! {
                /// Records one observation.
                #[inline]
                pub fn observe(&self, value: f64) {
                    let _ = #observe_call;
                }
                /// Records one observation and keeps `exemplar` (with this value) as the
                /// exemplar of the bucket it falls in, exposed in OpenMetrics and protobuf.
                #[inline]
                pub fn observe_with_exemplar(&self, value: f64, exemplar: &#rt::Exemplar) {
                    // An exemplar only for an observation that was recorded.
                    if #observe_call {
                        #rt::histogram_exemplar(&__EXEMPLARS, __N_BUCKETS + 1, __FAMILY.buckets(), #rt::MetricFamily::series_index(self), value, #nonnegative, exemplar)
                    }
                }
                #native_methods
                #timer_methods
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
    let doc = family_doc(f, seconds);

    quote! {
        #[allow(non_upper_case_globals, clippy::all, clippy::pedantic)]
        const _: () = {
            #( #label_consts )*
            const __LABEL_SETS: usize = #label_sets;
            #buckets_const
            const __N_BUCKETS: usize = __BUCKETS.len();
            #bucket_check
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
                buckets: __BUCKETS,
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
                forbidden_labels: &[ #( #forbidden_labels ),* ],
                tenant_labels: &[ #( #tenant_labels ),* ],
                type_name: #type_name,
                module_path: ::core::module_path!(),
            };
            static __FAMILY: #rt::Family = #rt::Family::new_with(&__DESCRIPTOR, #slots, #exemplar_slots, #native_slots);
            // linkme places the entry in a link section, which the `unsafe_code` lint flags.
            #[allow(unsafe_code)]
            #[#rt::linkme::distributed_slice(#rt::FAMILIES)]
            #[linkme(crate = #rt::linkme)]
            static __LINKED: &'static #rt::Family = &__FAMILY;
            // One symbol per name written: a second family writing one of them in the same
            // crate is a compile error at its declaration ("symbol ... is already defined"),
            // in another crate linked into the same program a link error naming the symbol, so
            // no name is ever written twice and no family silently drops out of the exposition.
            #(
                #[allow(unsafe_code, non_upper_case_globals)]
                #[unsafe(export_name = #claim_symbols)]
                #[used]
                static #claims: u8 = 0;
            )*

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
            #seconds_impl
            #[doc = #doc]
            #[automatically_derived]
            impl #ident {
                #methods
                #( #unavailable_methods )*
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
    fn tokens_read_as_written() {
        let e: syn::Expr = parse_quote!(metrics_runtime::buckets::linear::<4>(-1.0, 1.0));
        assert_eq!(
            super::tokens_text(&e),
            "metrics_runtime::buckets::linear::<4>(-1.0, 1.0)"
        );
        let t: syn::Type = parse_quote!(Option<crate::labels::Outcome>);
        assert_eq!(super::tokens_text(&t), "Option<crate::labels::Outcome>");
        let e: syn::Expr = parse_quote!([0.1, -0.5]);
        assert_eq!(super::tokens_text(&e), "[0.1, -0.5]");
    }

    #[test]
    fn wrong_shapes_say_what_to_derive() {
        let input: syn::DeriveInput = parse_quote! {
            /// h
            #[metric(counter, name = "app_x_total")]
            enum Outcome { Ok, Error }
        };
        let msgs = super::metric_family(&input)
            .map(|t| errors(&t))
            .unwrap_or_default();
        assert_eq!(msgs.len(), 1, "{msgs:?}");
        assert!(msgs[0].contains("derive `LabelValue` instead"), "{msgs:?}");
        let input: syn::DeriveInput = parse_quote! {
            /// h
            #[metric(counter, name = "app_x_total")]
            struct Requests(Outcome);
        };
        let msgs = super::metric_family(&input)
            .map(|t| errors(&t))
            .unwrap_or_default();
        assert!(msgs[0].contains("one named field per label"), "{msgs:?}");
        let input: syn::DeriveInput = parse_quote! { struct Outcome { ok: bool } };
        let msgs = super::label_value(&input)
            .map(|t| errors(&t))
            .unwrap_or_default();
        assert!(msgs[0].contains("takes an enum"), "{msgs:?}");
    }

    #[test]
    fn a_bucket_constant_is_checked_in_the_expansion() {
        let input: syn::DeriveInput = parse_quote! {
            /// h
            #[metric(histogram, name = "app_x_seconds", unit = "seconds", buckets = LATENCY)]
            struct X;
        };
        let out = super::metric_family(&input).map_err(|e| e.to_string());
        let text = out.as_ref().map(ToString::to_string).unwrap_or_default();
        assert!(errors(&out.unwrap_or_default()).is_empty());
        assert!(
            text.contains("const __BUCKETS : & [f64] = & LATENCY"),
            "{text}"
        );
        assert!(
            text.contains("bucket_constant_message (\"LATENCY\""),
            "{text}"
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
