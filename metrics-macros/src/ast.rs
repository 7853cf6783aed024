//! The model of the input, parsed by darling. Every value keeps its syn node so each rule
//! can point at the offending token.

use darling::util::Flag;
use darling::{FromDeriveInput, FromField, FromVariant};
use syn::{Attribute, Expr, Generics, Ident, LitInt, LitStr, Type};

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
    pub name: Option<LitStr>,
    pub unit: Option<LitStr>,
    pub buckets: Option<Expr>,
    pub max_series: Option<LitInt>,
    pub component: Option<LitStr>,
    /// A naming deviation (R3/R4 suffix rules) with its reason.
    pub allow: Option<LitStr>,
    /// A deviation from a specification recorded for the docs, with every rule still checked.
    #[darling(multiple)]
    pub deviation: Vec<LitStr>,
    /// `alpha`, `beta` or `stable` (default `alpha`, as Kubernetes does).
    pub stability: Option<LitStr>,
    /// The version since which the family is deprecated.
    pub deprecated_since: Option<LitStr>,
}

/// One field of a family: one label.
#[derive(FromField)]
#[darling(attributes(label), forward_attrs(doc))]
pub struct FieldInput {
    pub ident: Option<Ident>,
    pub ty: Type,
    pub attrs: Vec<Attribute>,
    /// The waiver of an R7 name: why this label is bounded anyway.
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
