//! R13: a variant that carries data would make the label unbounded.

use metrics_runtime::LabelValue;

/// A test label.
#[derive(LabelValue, Clone, Copy)]
pub enum Kind {
    Small,
    Other(u8),
}

fn main() {}
