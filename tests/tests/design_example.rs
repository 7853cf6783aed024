//! The example of DESIGN.md section 4, as written, and its series in the exposition.

use metrics_runtime::{LabelValue, MetricFamily};

/// Why a placement could not be made.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnschedulableReason {
    // values: "no_capacity_memory", "no_nodes_active", ...
    NoCapacityMemory,
    NoNodesActive,
    VolumeLocalityNoNode,
    IpamExhausted,
    SecretsMissing,
    OrgQuotaExceeded,
}

/// Placements the scheduler could not make, by reason.
#[derive(MetricFamily)]
#[metric(counter, name = "trc_scheduler_unschedulable_total")]
pub struct Unschedulable {
    pub reason: UnschedulableReason, // field name = label name, field type = label values
}

/// How a reconcile ended.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    Error,
    #[label(default)]
    Cancelled,
}

/// Time to reconcile one group.
#[derive(MetricFamily)]
#[metric(histogram, name = "trc_scheduler_group_reconcile_duration_seconds",
         unit = "seconds", buckets = [0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0])]
pub struct GroupReconcileDuration {
    pub result: Outcome,
}

#[test]
fn design_example_records_and_encodes() {
    // recording, anywhere:
    Unschedulable {
        reason: UnschedulableReason::IpamExhausted,
    }
    .inc();
    let t = GroupReconcileDuration::start_timer(); // records on drop
    t.finish(GroupReconcileDuration {
        result: Outcome::Ok,
    });

    assert_eq!(
        Unschedulable {
            reason: UnschedulableReason::IpamExhausted
        }
        .get(),
        1
    );
    assert_eq!(
        GroupReconcileDuration {
            result: Outcome::Ok
        }
        .count(),
        1
    );

    let text = metrics_runtime::encode_text();
    assert!(
        text.contains("# TYPE trc_scheduler_unschedulable_total counter\n"),
        "{text}"
    );
    assert!(
        text.contains("trc_scheduler_unschedulable_total{reason=\"ipam_exhausted\"} 1\n"),
        "{text}"
    );
    // every value of the enum is exposed from the start
    for reason in UnschedulableReason::NAMES {
        assert!(
            text.contains(&format!(
                "trc_scheduler_unschedulable_total{{reason=\"{reason}\"}}"
            )),
            "{reason}"
        );
    }
    assert!(
        text.contains("trc_scheduler_group_reconcile_duration_seconds_count{result=\"ok\"} 1\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "trc_scheduler_group_reconcile_duration_seconds_bucket{result=\"ok\",le=\"+Inf\"} 1\n"
        ),
        "{text}"
    );
}

#[test]
fn label_value_consts_work_in_const_context() {
    const CARD: usize = <UnschedulableReason as LabelValue>::CARDINALITY;
    const IDX: usize = UnschedulableReason::SecretsMissing.index();
    const NAME: &str = UnschedulableReason::VolumeLocalityNoNode.as_str();
    const FIRST: UnschedulableReason = <UnschedulableReason as LabelValue>::VALUES[0];
    assert_eq!(CARD, 6);
    assert_eq!(IDX, 4);
    assert_eq!(NAME, "volume_locality_no_node");
    assert_eq!(FIRST, UnschedulableReason::NoCapacityMemory);
    for (i, v) in UnschedulableReason::VALUES.iter().enumerate() {
        assert_eq!(v.index(), i);
        assert_eq!(UnschedulableReason::NAMES[i], v.as_str());
    }
}

#[test]
fn descriptor_is_data() {
    let d = Unschedulable::DESCRIPTOR;
    assert_eq!(d.name, "trc_scheduler_unschedulable_total");
    assert_eq!(
        d.help,
        "Placements the scheduler could not make, by reason."
    );
    assert_eq!(d.labels.len(), 1);
    assert_eq!(d.labels[0].name, "reason");
    assert_eq!(d.labels[0].values.len(), 6);
    assert_eq!(d.worst_case_series, 6);
    let h = GroupReconcileDuration::DESCRIPTOR;
    assert_eq!(h.unit, Some("seconds"));
    assert_eq!(h.buckets, &[0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0]);
    assert_eq!(h.worst_case_series, 3 * (7 + 3));
}

#[test]
fn dropped_timer_records_under_the_declared_default() {
    let before = GroupReconcileDuration {
        result: Outcome::Cancelled,
    }
    .count();
    {
        let _t = GroupReconcileDuration::start_timer();
    }
    assert_eq!(
        GroupReconcileDuration {
            result: Outcome::Cancelled
        }
        .count(),
        before + 1
    );
    let before_err = GroupReconcileDuration {
        result: Outcome::Error,
    }
    .count();
    {
        let _t = GroupReconcileDuration::start_timer_with(GroupReconcileDuration {
            result: Outcome::Error,
        });
    }
    assert_eq!(
        GroupReconcileDuration {
            result: Outcome::Error
        }
        .count(),
        before_err + 1
    );
}
