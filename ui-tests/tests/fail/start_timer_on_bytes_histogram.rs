//! A timer records seconds, so a histogram of bytes has none: one error at the call.

use metrics_runtime::MetricFamily;

/// Size of one upload.
#[derive(MetricFamily)]
#[metric(histogram, name = "app_upload_size_bytes", unit = "bytes", buckets = [1024.0, 1048576.0])]
pub struct UploadSize;

fn main() {
    let timer = UploadSize::start_timer();
    timer.finish(UploadSize);
}
