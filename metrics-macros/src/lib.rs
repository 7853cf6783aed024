//! Derive macros of `metrics-runtime`. Use them through `metrics_runtime`, which re-exports
//! them and provides the items the generated code names.
//!
//! Each derive runs three stages: parse (`ast`, with darling), validate (`valid`: the
//! metrics policy of `metrics-policy`, every error collected before any is reported) and
//! expand (`expand`).

mod ast;
mod expand;
mod policy;
mod valid;

use proc_macro::TokenStream;
use syn::{DeriveInput, parse_macro_input};

/// Makes a field-less enum a bounded label: each variant one value, its snake_case name
/// unless `#[label(rename = "...")]`; `#[label(default)]` marks the value a dropped timer
/// records under, `#[label(error)]` an error outcome; `#[label(route_templates)]` on the enum
/// says its values are route templates.
#[proc_macro_derive(LabelValue, attributes(label))]
pub fn derive_label_value(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand::label_value(&input)
        .unwrap_or_else(|e| e.write_errors())
        .into()
}

/// Makes a struct a metric family: `#[metric(counter | gauge | histogram, name = "...")]`,
/// the doc comment as HELP, each field a label; `role = "..."` declares what it means to
/// generated rules and dashboards.
#[proc_macro_derive(MetricFamily, attributes(metric, label))]
pub fn derive_metric_family(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand::metric_family(&input)
        .unwrap_or_else(|e| e.write_errors())
        .into()
}
