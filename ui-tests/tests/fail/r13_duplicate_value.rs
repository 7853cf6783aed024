//! R13: two variants rendering the same value.

use metrics_runtime::LabelValue;

/// A test label.
#[derive(LabelValue, Clone, Copy)]
pub enum Kind {
    #[label(rename = "ok")]
    Success,
    Ok,
}

fn main() {}
