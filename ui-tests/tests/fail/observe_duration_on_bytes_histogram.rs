//! `observe_duration` records seconds, so a histogram of bytes does not have it.

use metrics_runtime::MetricFamily;

/// Size of one upload.
#[derive(MetricFamily)]
#[metric(histogram, name = "app_upload_size_bytes", unit = "bytes", buckets = [1024.0, 1048576.0])]
pub struct UploadSize;

fn main() {
    UploadSize.observe_duration(std::time::Duration::from_millis(5));
}
