//! R13: a label enum needs at least one value.

use metrics_runtime::LabelValue;

/// A test label.
#[derive(LabelValue, Clone, Copy)]
pub enum Kind {}

fn main() {}
