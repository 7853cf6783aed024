//! Seed 004, section 6: the load scenarios (normal load, high load on two threads, an error
//! spike with 50% failures, a 1,000-turn actor) with exact counts: no metric lost (the
//! counters equal the work the engine did) and every error attributed to its orchestration,
//! activity, error type and outcome. Also the bounded labels and the cardinality target.
//!
//! Tests that record share one lock and compare differences, so they never see each
//! other's work.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Mutex;
use std::time::Instant;

use metrics_examples::family_total;
use metrics_examples::seed004_workflow_runtime::{
    self as duroxide, ActivityErrorType, ActivityErrors, ActivityExecutions, ActivityName,
    Categories, CompletionStatus, ContinueAsNew, ErrorCategory, OrchestrationCompletions,
    OrchestrationErrorType, OrchestrationFailures, OrchestrationHistoryEvents, OrchestrationName,
    OrchestrationStarts, Outcome, ProviderErrorType, ProviderErrors, ProviderOperation,
    RetryAttempt, Retryable, SubOutcome, SuborchestrationCalls, Tally, Toygres, TurnCount,
    WorkerId, WorkerItemsProcessed, WorkerQueueDepth, WorkerType,
};
use metrics_runtime::{Family, LabelValue, MetricFamily};

static LOCK: Mutex<()> = Mutex::new(());

fn lock() -> std::sync::MutexGuard<'static, ()> {
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

/// Every counter and histogram family's total, to compare before and after a scenario.
fn totals() -> Vec<(&'static str, u64)> {
    duroxide::SEED
        .families()
        .map(|f: &'static Family| (f.name(), family_total(f)))
        .collect()
}

fn delta(before: &[(&'static str, u64)], name: &str) -> u64 {
    let b = before.iter().find(|(n, _)| *n == name).unwrap().1;
    let now = family_total(
        duroxide::SEED
            .families()
            .find(|f| f.name() == name)
            .unwrap(),
    );
    now - b
}

/// The counters that must equal the engine's tally after any scenario.
fn assert_nothing_lost(before: &[(&'static str, u64)], tally: &Tally) {
    let d = |n| delta(before, n);
    assert_eq!(d("duroxide_orchestration_starts_total"), tally.started);
    assert_eq!(
        d("duroxide_orchestration_completions_total"),
        tally.succeeded + tally.failed
    );
    assert_eq!(d("duroxide_orchestration_duration_seconds"), tally.started);
    assert_eq!(d("duroxide_orchestration_history_events"), tally.started);
    assert_eq!(d("duroxide_orchestration_failures_total"), tally.failed);
    assert_eq!(d("duroxide_activity_executions_total"), tally.attempts);
    assert_eq!(d("duroxide_activity_duration_seconds"), tally.attempts);
    assert_eq!(d("duroxide_activity_errors_total"), tally.activity_errors);
    assert_eq!(
        d("duroxide_provider_operation_duration_seconds"),
        tally.provider_ops
    );
    assert_eq!(d("duroxide_provider_errors_total"), tally.provider_errors);
    assert_eq!(d("duroxide_suborchestration_calls_total"), tally.sub_calls);
    assert_eq!(
        d("duroxide_orchestration_continue_as_new_total"),
        tally.continued
    );
    assert_eq!(
        d("duroxide_worker_items_processed_total"),
        tally.items.values().sum::<u64>()
    );
}

fn executions(t: &Toygres, activity: usize, outcome: Outcome, attempt: u32) -> u64 {
    ActivityExecutions {
        activity_name: t.create_instance.activities[activity].name,
        outcome,
        retry_attempt: RetryAttempt::of(attempt),
    }
    .get()
}

#[test]
fn normal_and_high_load_lose_no_metric() {
    let _g = lock();
    let t = Toygres::new();
    let started = Instant::now();

    // Normal load: 1,000 CreateInstance runs (each with its ConfigureBackups child).
    let before = totals();
    let wait_retry_0 = executions(&t, 1, Outcome::Retry, 0);
    let wait_success_3 = executions(&t, 1, Outcome::Success, 4);
    let deadlocks = ProviderErrors {
        operation: ProviderOperation::SaveEvent,
        error_type: ProviderErrorType::Deadlock,
    };
    let deadlocks_before = deadlocks.get();
    let tally = duroxide::load(&t, 0, 1000);
    assert_eq!(tally.started, 2000);
    assert_eq!(tally.failed, 0);
    // 5 activity turns per run; 80 runs retry WaitForReady once, 20 retry it four times.
    assert_eq!(tally.attempts, 1000 * 5 + 80 + 20 * 4);
    assert_eq!(tally.activity_errors, 80 + 20 * 4);
    assert_eq!(tally.provider_errors, 10);
    assert_nothing_lost(&before, &tally);
    // Retries land in their attempt buckets: 100 first attempts retried, 20 reach `3+`.
    assert_eq!(executions(&t, 1, Outcome::Retry, 0) - wait_retry_0, 100);
    assert_eq!(executions(&t, 1, Outcome::Success, 4) - wait_success_3, 20);
    assert_eq!(deadlocks.get() - deadlocks_before, 10);
    // Every family is exported, recorded or not.
    let text = duroxide::registry(Categories::default())
        .unwrap()
        .encode_text();
    for f in duroxide::SEED.families() {
        assert!(
            text.contains(&format!("# TYPE {} ", f.name())),
            "{}",
            f.name()
        );
    }

    // High load: 10,000 runs on two worker threads at once.
    let before = totals();
    let queue = WorkerQueueDepth {
        worker_type: WorkerType::Orchestration,
    };
    let queue_before = queue.get();
    let per_worker = |slot: usize| {
        (
            WorkerItemsProcessed {
                worker_type: WorkerType::Orchestration,
                worker_id: WorkerId::new(&format!("orchestration-{slot}")),
            }
            .get(),
            WorkerItemsProcessed {
                worker_type: WorkerType::Activity,
                worker_id: WorkerId::new(&format!("activity-{slot}")),
            }
            .get(),
        )
    };
    let (o1, a1) = per_worker(1);
    let tally = duroxide::load_parallel(&t, 2, 10_000);
    assert_eq!(tally.started, 20_000);
    assert_eq!(tally.attempts, 2 * (5000 * 5 + 400 + 100 * 4));
    assert_nothing_lost(&before, &tally);
    // Per worker: each thread's own work, exactly.
    let (o1_after, a1_after) = per_worker(1);
    assert_eq!(a1_after - a1, 25_800);
    assert_eq!(o1_after - o1, 10_000 + 25_800);
    assert_eq!(
        queue.get(),
        queue_before,
        "the backlog drained to where it was"
    );
    eprintln!(
        "normal (1,000) and high (10,000 on 2 threads) load recorded in {:?}",
        started.elapsed()
    );
}

#[test]
fn an_error_spike_is_attributed() {
    let _g = lock();
    let t = Toygres::new();
    let create = t.create_instance.name;
    let deploy = t.create_instance.activities[0].name;
    let failures = OrchestrationFailures {
        orchestration_name: create,
        error_type: OrchestrationErrorType::AppError,
        error_category: ErrorCategory::Logic,
    };
    let deploy_errors = ActivityErrors {
        activity_name: deploy,
        error_type: ActivityErrorType::AppError,
        retryable: Retryable::No,
    };
    let failed = OrchestrationCompletions {
        orchestration_name: create,
        status: CompletionStatus::Failed,
        final_turn_count: TurnCount::UpTo5,
    };
    let subs = SuborchestrationCalls {
        parent_orchestration: create,
        child_orchestration: t.create_instance.child.as_ref().unwrap().name,
        outcome: SubOutcome::Success,
    };
    let (f0, e0, c0, s0) = (
        failures.get(),
        deploy_errors.get(),
        failed.get(),
        subs.get(),
    );
    let x0 = executions(&t, 0, Outcome::AppError, 0);
    let before = totals();

    let tally = duroxide::error_spike(&t, 1000);
    assert_eq!(
        (tally.succeeded, tally.failed),
        (1000, 500),
        "500 parents + 500 children succeed"
    );
    assert_nothing_lost(&before, &tally);
    // Every failure is attributed: to CreateInstance, app_error/logic; to DeployPostgres,
    // app_error, not retryable, first attempt; nowhere else.
    assert_eq!(failures.get() - f0, 500);
    assert_eq!(delta(&before, "duroxide_orchestration_failures_total"), 500);
    assert_eq!(deploy_errors.get() - e0, 500);
    assert_eq!(delta(&before, "duroxide_activity_errors_total"), 500);
    assert_eq!(executions(&t, 0, Outcome::AppError, 0) - x0, 500);
    assert_eq!(failed.get() - c0, 500);
    // Only the successful half called its sub-orchestration.
    assert_eq!(subs.get() - s0, 500);
    // The success rate the seed's SLA query computes: 50% for CreateInstance.
    let success = OrchestrationCompletions {
        orchestration_name: create,
        status: CompletionStatus::Success,
        final_turn_count: TurnCount::UpTo5,
    };
    assert!(success.get() >= 500);
}

#[test]
fn a_long_running_actor_records_its_history() {
    let _g = lock();
    let t = Toygres::new();
    let actor = t.instance_actor.name;
    let history = OrchestrationHistoryEvents {
        orchestration_name: actor,
    };
    let h0 = history.get();
    let continued = ContinueAsNew {
        orchestration_name: actor,
    };
    let c0 = continued.get();
    let long = OrchestrationCompletions {
        orchestration_name: actor,
        status: CompletionStatus::Success,
        final_turn_count: TurnCount::Over50,
    };
    let l0 = long.get();
    let before = totals();

    let tally = duroxide::long_running(&t, 1000, 250);
    assert_eq!(
        (tally.started, tally.continued, tally.attempts),
        (4, 3, 1000)
    );
    assert_nothing_lost(&before, &tally);
    assert_eq!(continued.get() - c0, 3);
    assert_eq!(long.get() - l0, 4);
    // Four executions of 250 turns: 502 history events each, in the 1000 bucket.
    let h = history.get();
    let le = |bound: f64, snap: &metrics_runtime::HistogramSnapshot| {
        snap.buckets.iter().find(|(b, _)| *b == bound).unwrap().1
    };
    assert_eq!(h.count - h0.count, 4);
    assert_eq!(le(1000.0, &h) - le(1000.0, &h0), 4);
    assert_eq!(le(500.0, &h) - le(500.0, &h0), 0);
    assert_eq!(h.sum - h0.sum, 4.0 * 502.0);
    let starts = OrchestrationStarts {
        orchestration_name: actor,
        version: t.instance_actor.version,
        initiated_by: duroxide::InitiatedBy::ContinueAsNew,
    };
    assert!(starts.get() >= 3);
}

#[test]
fn labels_are_bounded_and_the_set_fits_the_seeds_cardinality_target() {
    assert_eq!(RetryAttempt::NAMES, ["0", "1", "2", "3+"]);
    assert_eq!(RetryAttempt::of(7), RetryAttempt::Later);
    assert_eq!(TurnCount::NAMES, ["1-5", "6-10", "11-50", "51+"]);
    assert_eq!(TurnCount::of(50), TurnCount::UpTo50);
    assert_eq!(TurnCount::of(51), TurnCount::Over50);
    assert_eq!(
        Outcome::NAMES,
        ["success", "app_error", "infra_error", "timeout", "retry"]
    );
    assert_eq!(
        OrchestrationErrorType::NAMES,
        [
            "app_error",
            "infrastructure_error",
            "config_error",
            "timeout",
            "nondeterminism"
        ]
    );
    assert_eq!(<OrchestrationName as LabelValue>::CAP, Some(24));
    assert_eq!(<ActivityName as LabelValue>::CAP, Some(32));
    // No label of seed 004 is an id.
    for f in duroxide::SEED.families() {
        for l in f.descriptor().labels {
            assert!(
                !["execution_id", "instance_id", "error_code", "error_message"].contains(&l.name),
                "{} has {}",
                f.name(),
                l.name
            );
        }
    }
    // Section 6.2: "< 10,000 total time series", worst case, every label value seen.
    let series = duroxide::registry(Categories::default())
        .unwrap()
        .series_count();
    assert!(series < 10_000, "worst case {series} series");
    eprintln!("seed 004 worst-case series: {series}");
    // Each family's buckets are the seed's.
    assert_eq!(
        duroxide::ActivityDuration::DESCRIPTOR.buckets,
        [
            0.01, 0.05, 0.1, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0
        ]
    );
    assert_eq!(
        duroxide::ProviderOperationDuration::DESCRIPTOR.buckets,
        [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 2.0, 5.0]
    );
    assert_eq!(
        duroxide::OrchestrationHistoryEvents::DESCRIPTOR.unit,
        Some("events")
    );
}

#[test]
fn categories_follow_the_seeds_variables() {
    let v = |pairs: &[(&str, &str)]| {
        Categories::from_vars(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<Vec<_>>(),
        )
    };
    let c = v(&[("DUROXIDE_METRICS_ACTIVITY", "false"), ("HOME", "/root")]).unwrap();
    assert!(!c.activity && c.orchestration && c.provider && c.worker);
    let r = duroxide::registry(c).unwrap();
    assert!(r.family("duroxide_activity_executions_total").is_none());
    assert!(r.family("duroxide_orchestration_starts_total").is_some());
    assert!(v(&[("DUROXIDE_METRICS_SAMPLE_RATE", "1.0")]).is_ok());
    assert!(v(&[("DUROXIDE_METRICS_SAMPLE_RATE", "0.1")]).is_err());
    assert!(v(&[("DUROXIDE_METRICS_INCLUDE_ERROR_MESSAGES", "true")]).is_err());
    assert!(v(&[("DUROXIDE_METRICS_WORKER", "maybe")]).is_err());
}

#[test]
fn the_exposition_passes_promtool() {
    let _g = lock();
    duroxide::long_running(&Toygres::new(), 10, 5);
    let text = duroxide::registry(Categories::default())
        .unwrap()
        .encode_text();
    assert!(text.contains("duroxide_metrics_label_values{label=\"ActivityName\"} "));
    if let Some((ok, printed)) =
        metrics_tests::promtool_check_metrics(&text, "seed004 the_exposition_passes_promtool")
    {
        assert!(ok && printed.trim().is_empty(), "{printed}");
    }
}
