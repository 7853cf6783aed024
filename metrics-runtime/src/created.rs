//! Created timestamps: when a series started counting from zero.
//!
//! A family's storage is a `static`, so every series of it exists from process start: that is
//! its created timestamp (OpenMetrics `_created`, protobuf `created_timestamp`), until
//! [`crate::Family::reset`] zeroes it, which makes the reset time the new one. A scraper uses
//! it to tell a counter reset from a restart and to compute rates from the first scrape.

use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds since the Unix epoch, now.
pub(crate) fn now_seconds() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

/// When this process started, in seconds since the Unix epoch: from `/proc` on Linux (what
/// `process_start_time_seconds` exposes), else the first time the runtime was asked.
pub fn process_start_seconds() -> f64 {
    static START: OnceLock<f64> = OnceLock::new();
    *START.get_or_init(|| {
        crate::ProcessStats::read()
            .and_then(|s| s.start_time_seconds)
            .filter(|s| s.is_finite() && *s > 0.0)
            .unwrap_or_else(now_seconds)
    })
}
