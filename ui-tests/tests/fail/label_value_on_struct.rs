//! `#[derive(LabelValue)]` on a struct: label values are the variants of an enum; a struct
//! whose fields are labels is a family.

use metrics_runtime::LabelValue;

/// A test label.
#[derive(LabelValue, Clone, Copy)]
pub struct Outcome {
    pub ok: bool,
}

fn main() {}
