//! The model of the input, parsed by darling. Every value keeps its syn node so each rule
//! can point at the offending token.

use darling::ast::NestedMeta;
use darling::util::{Flag, Override, SpannedValue};
use darling::{FromDeriveInput, FromField, FromMeta, FromVariant};
use syn::{Attribute, DeriveInput, Expr, Generics, Ident, LitInt, LitStr, Type, parse_quote};

/// `#[derive(MetricFamily)]` input.
#[derive(FromDeriveInput)]
#[darling(
    attributes(metric),
    forward_attrs(doc),
    supports(struct_named, struct_unit)
)]
pub struct FamilyInput {
    pub ident: Ident,
    pub generics: Generics,
    pub data: darling::ast::Data<(), FieldInput>,
    pub attrs: Vec<Attribute>,
    pub counter: Flag,
    pub gauge: Flag,
    pub histogram: Flag,
    /// Not a kind of this DSL: parsed so the derive can say why (see `valid::family`).
    pub summary: Flag,
    #[darling(default, with = quoted)]
    pub name: Option<LitStr>,
    #[darling(default, with = quoted)]
    pub unit: Option<LitStr>,
    pub buckets: Option<Expr>,
    #[darling(default, with = whole_number)]
    pub max_series: Option<LitInt>,
    #[darling(default, with = quoted)]
    pub component: Option<LitStr>,
    /// A naming deviation (R3/R4 suffix rules) with its reason.
    #[darling(default, with = quoted)]
    pub allow: Option<LitStr>,
    /// A deviation from a specification recorded for the docs, with every rule still checked.
    #[darling(multiple)]
    pub deviation: Vec<LitStr>,
    /// `alpha`, `beta` or `stable` (default `alpha`, as Kubernetes does).
    #[darling(default, with = quoted)]
    pub stability: Option<LitStr>,
    /// The version since which the family is deprecated.
    #[darling(default, with = quoted)]
    pub deprecated_since: Option<LitStr>,
    /// What the family means to generated rules and dashboards (R15): `lag`, `spikes`, ...
    #[darling(default, with = quoted)]
    pub role: Option<LitStr>,
    /// `native` or `native(schema = 3, zero_threshold = 1e-9, max_buckets = 160, range = [..])`:
    /// a native (exponential) histogram, beside classic buckets when `buckets` is given too.
    pub native: Option<SpannedValue<Override<NativeAttr>>>,
}

/// What a key of `#[metric(...)]` looks like when written right, for the messages below.
fn example(key: &str) -> &'static str {
    match key {
        "name" => "name = \"app_requests_total\"",
        "unit" => "unit = \"seconds\"",
        "component" => "component = \"api\"",
        "allow" => "allow = \"why the name deviates\"",
        "stability" => "stability = \"beta\"",
        "deprecated_since" => "deprecated_since = \"1.2.0\"",
        "role" => "role = \"in_flight\"",
        "max_series" => "max_series = 5000",
        _ => "key = \"...\"",
    }
}

/// The key of `key = value` and its value (groups unwrapped), or an error saying the key
/// `needs` a value and how to write it (`unit` alone, a bare `max_series`).
fn key_and_value<'m>(meta: &'m syn::Meta, needs: &str) -> darling::Result<(String, &'m Expr)> {
    let key = meta
        .path()
        .get_ident()
        .map(ToString::to_string)
        .unwrap_or_default();
    let mut value = match meta {
        syn::Meta::NameValue(nv) => &nv.value,
        _ => {
            return Err(darling::Error::custom(format!(
                "`{key}` needs {needs}: `{}`",
                example(&key)
            ))
            .with_span(meta));
        }
    };
    while let Expr::Group(g) = value {
        value = &g.expr;
    }
    Ok((key, value))
}

/// The value of `key = "..."`, with a message that says how to write it when it is not a
/// string literal (darling's is "Unexpected type `path`" for `unit = seconds`).
fn quoted(meta: &syn::Meta) -> darling::Result<Option<LitStr>> {
    let (key, value) = key_and_value(meta, "a value in quotes")?;
    match value {
        Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) => Ok(Some(s.clone())),
        other => Err(darling::Error::custom(format!(
            "`{key}` takes a string in quotes: `{}`",
            example(&key)
        ))
        .with_span(other)),
    }
}

/// The value of `key = 5000`, with a message that says how to write it otherwise.
fn whole_number(meta: &syn::Meta) -> darling::Result<Option<LitInt>> {
    let (key, value) = key_and_value(meta, "a value")?;
    match value {
        Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Int(i),
            ..
        }) => Ok(Some(i.clone())),
        other => Err(darling::Error::custom(format!(
            "`{key}` takes a whole number: `{}`",
            example(&key)
        ))
        .with_span(other)),
    }
}

/// The items of `native(...)`, each kept as written so an error points at it.
#[derive(FromMeta, Default)]
pub struct NativeAttr {
    pub schema: Option<Expr>,
    pub zero_threshold: Option<Expr>,
    pub max_buckets: Option<Expr>,
    pub range: Option<Expr>,
}

/// One field of a family: one label.
#[derive(FromField)]
#[darling(attributes(label), forward_attrs(doc))]
pub struct FieldInput {
    pub ident: Option<Ident>,
    pub ty: Type,
    pub attrs: Vec<Attribute>,
    /// The waiver of an R7 name, or of R11 on a capped type: why this label is bounded anyway.
    pub allow: Option<LitStr>,
}

/// `#[derive(LabelValue)]` input.
#[derive(FromDeriveInput)]
#[darling(attributes(label), forward_attrs(doc), supports(enum_any))]
pub struct LabelInput {
    pub ident: Ident,
    pub generics: Generics,
    pub data: darling::ast::Data<VariantInput, ()>,
    pub attrs: Vec<Attribute>,
    /// `#[label(route_templates)]`: the values are route templates, never raw paths.
    pub route_templates: Flag,
}

/// One variant: one label value.
#[derive(FromVariant)]
#[darling(attributes(label), forward_attrs(doc))]
pub struct VariantInput {
    pub ident: Ident,
    pub fields: darling::ast::Fields<syn::Field>,
    pub attrs: Vec<Attribute>,
    pub rename: Option<LitStr>,
    pub default: Flag,
    /// `#[label(error)]`: this value is an error outcome, counted by generated error ratios.
    pub error: Flag,
}

/// The doc comment of `attrs`: every line with one leading space removed.
pub fn doc_lines(attrs: &[Attribute]) -> Vec<String> {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) => match &nv.value {
                Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        })
        .flat_map(|s| {
            // `///` alone is `#[doc = ""]`: one empty line, which `lines()` would drop.
            let lines: Vec<String> = s
                .lines()
                .map(|l| l.strip_prefix(' ').unwrap_or(l).trim_end().to_string())
                .collect();
            if lines.is_empty() {
                vec![String::new()]
            } else {
                lines
            }
        })
        .collect()
}

/// The first paragraph of the doc comment, its lines joined by spaces: the HELP text.
pub fn doc_summary(attrs: &[Attribute]) -> String {
    let mut out = String::new();
    for line in doc_lines(attrs) {
        let line = line.trim();
        if line.is_empty() {
            if out.is_empty() {
                continue;
            }
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(line);
    }
    out
}

/// Which derive an input is for, to probe its attribute items.
#[derive(Clone, Copy)]
pub enum Derive {
    MetricFamily,
    LabelValue,
}

/// Whether darling parses `item` when it is the only item of its attribute: a misspelled key
/// (`bukets`) or a value of the wrong type does not.
fn item_parses(derive: Derive, place: Place, item: &NestedMeta) -> bool {
    match (derive, place) {
        (Derive::MetricFamily, Place::Item) => FamilyInput::from_derive_input(&parse_quote!(
            #[metric(#item)]
            struct __Probe;
        ))
        .is_ok(),
        (Derive::MetricFamily, Place::Member) => {
            let probe: syn::ItemStruct = parse_quote!(
                struct __Probe {
                    #[label(#item)]
                    __f: (),
                }
            );
            probe
                .fields
                .iter()
                .all(|f| FieldInput::from_field(f).is_ok())
        }
        (Derive::LabelValue, Place::Item) => LabelInput::from_derive_input(&parse_quote!(
            #[label(#item)]
            enum __Probe {
                A,
            }
        ))
        .is_ok(),
        (Derive::LabelValue, Place::Member) => VariantInput::from_variant(&parse_quote!(
            #[label(#item)]
            A
        ))
        .is_ok(),
    }
}

/// Where an attribute sits: on the item, or on a field or variant.
#[derive(Clone, Copy)]
enum Place {
    Item,
    Member,
}

/// Keeps the items of the `name` attributes in `attrs` that parse on their own.
fn keep_parsing_items(attrs: &mut [Attribute], name: &str, derive: Derive, place: Place) {
    for attr in attrs.iter_mut().filter(|a| a.path().is_ident(name)) {
        let items = match &attr.meta {
            syn::Meta::List(list) => NestedMeta::parse_meta_list(list.tokens.clone()),
            _ => Ok(Vec::new()),
        };
        // An attribute that is not even a list of items is dropped whole.
        let kept: Vec<NestedMeta> = items
            .unwrap_or_default()
            .into_iter()
            .filter(|item| item_parses(derive, place, item))
            .collect();
        let path = attr.path().clone();
        attr.meta = parse_quote!(#path(#(#kept),*));
    }
}

/// The input without the attribute items darling rejected, so the rest of a declaration is
/// still checked and every error of it reported in one compile (darling reports the items it
/// rejected; the caller adds them). `None` when nothing was removed.
pub fn without_rejected_items(input: &DeriveInput, derive: Derive) -> Option<DeriveInput> {
    let mut out = input.clone();
    let item_attr = match derive {
        Derive::MetricFamily => "metric",
        Derive::LabelValue => "label",
    };
    keep_parsing_items(&mut out.attrs, item_attr, derive, Place::Item);
    match &mut out.data {
        syn::Data::Struct(s) => {
            for f in s.fields.iter_mut() {
                keep_parsing_items(&mut f.attrs, "label", derive, Place::Member);
            }
        }
        syn::Data::Enum(e) => {
            for v in e.variants.iter_mut() {
                keep_parsing_items(&mut v.attrs, "label", derive, Place::Member);
            }
        }
        syn::Data::Union(_) => {}
    }
    (out != *input).then_some(out)
}
