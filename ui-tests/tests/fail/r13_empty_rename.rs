//! R13: an empty label value reads as a missing label.

use metrics_runtime::LabelValue;

/// A test label.
#[derive(LabelValue, Clone, Copy)]
pub enum Kind {
    Known,
    #[label(rename = "")]
    Unknown,
}

fn main() {}
