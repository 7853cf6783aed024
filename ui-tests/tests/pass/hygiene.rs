//! Generated code is hygienic: it compiles under `#![deny(warnings)]` and
//! `#![deny(clippy::all)]` while this crate shadows `std`, `core`, the prelude's `Result`,
//! `Ok`, `Err`, `Option`, `Some`, `None`, and declares its own `__private`. Only the crate
//! name `metrics_runtime` is left alone: generated code names everything through
//! `::metrics_runtime::__private` and `::core`. trybuild compiles with rustc, where
//! `deny(clippy::all)` has no effect: lint the file with clippy (as an example) for that part.

#![deny(warnings)]
#![deny(clippy::all)]

use metrics_runtime::{LabelValue, MetricFamily};

// Local items that break any generated code naming these without a leading `::`.
mod std {}
mod core {}
mod __private {}
struct Result;
struct Option;
struct Some;
struct None;
struct Ok;
struct Err;

/// How a request ended.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// It worked.
    Ok,
    /// It failed.
    #[label(rename = "failed")]
    Error,
    /// The caller went away before the end.
    #[label(default)]
    Cancelled,
}

/// Requests handled, by outcome.
#[derive(MetricFamily)]
#[metric(counter, name = "app_requests_total")]
pub struct Requests {
    /// How the request ended.
    pub outcome: Outcome,
}

/// Times the process started.
#[derive(MetricFamily)]
#[metric(counter, name = "app_starts_total")]
pub struct Starts;

/// Requests in flight, by outcome so far.
#[derive(MetricFamily)]
#[metric(gauge, name = "app_requests_in_flight")]
pub struct InFlight {
    pub outcome: Outcome,
}

/// Jobs waiting in the queue.
#[derive(MetricFamily)]
#[metric(gauge, name = "app_queue_depth")]
pub struct QueueDepth {}

/// Time to handle one request.
#[derive(MetricFamily)]
#[metric(histogram, name = "app_request_duration_seconds", unit = "seconds", buckets = [0.01, 0.1, 1.0])]
pub struct RequestDuration {
    pub outcome: Outcome,
}

/// Size of one upload.
#[derive(MetricFamily)]
#[metric(histogram, name = "app_upload_size_bytes", unit = "bytes", buckets = [1024.0, 1048576.0])]
pub struct UploadSize;

fn main() {
    // The shadowing items are used, so `deny(warnings)` does not reject them as dead code.
    let _ = (Result, Option, Some, None, Ok, Err);

    let (ok, failed) = (Outcome::Ok, Outcome::Error);
    Requests { outcome: ok }.inc();
    Requests { outcome: failed }.inc_by(2);
    Starts.inc();
    InFlight { outcome: ok }.set(3.0);
    InFlight { outcome: ok }.dec();
    QueueDepth {}.add(5.0);
    RequestDuration { outcome: ok }.observe(0.05);
    let timer = RequestDuration::start_timer();
    timer.finish(RequestDuration { outcome: failed });
    UploadSize.observe(2048.0);

    assert_eq!(Requests { outcome: failed }.get(), 2);
    assert_eq!(Starts.get(), 1);
    assert!((InFlight { outcome: ok }.get() - 2.0).abs() < f64::EPSILON);
    assert!((QueueDepth {}.get() - 5.0).abs() < f64::EPSILON);
    assert_eq!(RequestDuration { outcome: ok }.count(), 1);
    assert_eq!(RequestDuration { outcome: failed }.count(), 1);
    assert_eq!(UploadSize.count(), 1);
    assert_eq!(failed.as_str(), "failed");
    let default = <Outcome as LabelValue>::DEFAULT;
    assert_eq!(default, ::core::option::Option::Some(Outcome::Cancelled));
    let name = <Requests as MetricFamily>::DESCRIPTOR.name;
    assert_eq!(name, "app_requests_total");

    let text = metrics_runtime::encode_text();
    assert!(
        text.contains("app_requests_total{outcome=\"failed\"} 2\n"),
        "{text}"
    );
    assert!(text.contains("app_upload_size_bytes_count 1\n"), "{text}");
}
