//! Misspelled attribute keys (`bukets` on the family, `alow` on a field, `eror` on a variant)
//! are reported beside the policy's errors of the same declarations, in one compile; the
//! label enum still expands, so the family's fields raise no R8 error.

use metrics_runtime::{LabelValue, MetricFamily};

/// How an upload ended.
#[derive(LabelValue, Clone, Copy)]
pub enum Outcome {
    Ok,
    #[label(eror)]
    Failed,
    #[label(rename = "")]
    Empty,
}

/// Size of one upload.
#[derive(MetricFamily)]
#[metric(histogram, name = "app_upload_size_bytes", unit = "bytes", bukets = [1024.0, 512.0])]
pub struct UploadSize {
    pub result: Outcome,
    #[label(alow = "only our own hosts")]
    pub host: Outcome,
}

fn main() {}
