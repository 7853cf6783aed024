//! The catalog against seed 000, "Required metrics by component": every required family is
//! declared with the seed's type and label names and exposed by `metrics-demo sample`, and
//! every value list the seed enumerates is exactly the seed's.
//!
//! The list below is copied from the seed, independently of the declarations, so a family
//! renamed, retyped or relabelled in `src/` fails here.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::process::Command;

use metrics_catalog::COMPONENTS;
use metrics_demo::SERIES_LIMIT;
use metrics_runtime::{FamilyDescriptor, MetricKind, Registry, Stability};

const C: &str = "counter";
const G: &str = "gauge";
const H: &str = "histogram";

/// (component, name as the seed writes it, type, label names). Histograms appear in the seed as
/// their `_bucket` series.
#[rustfmt::skip]
const SEED_000: &[(&str, &str, &str, &[&str])] = &[
    // A) Control plane API
    ("control-plane", "trc_http_requests_total", C, &["method", "path_template", "status"]),
    ("control-plane", "trc_http_request_duration_seconds_bucket", H, &["method", "path_template", "status"]),
    ("control-plane", "trc_auth_token_mints_total", C, &["grant_type", "result"]),
    ("control-plane", "trc_auth_token_refresh_total", C, &["result"]),
    ("control-plane", "trc_auth_device_flow_polls_total", C, &["result"]),
    ("control-plane", "trc_db_connections_in_use", G, &[]),
    ("control-plane", "trc_db_connections_max", G, &[]),
    ("control-plane", "trc_db_query_duration_seconds_bucket", H, &["query_class"]),
    ("control-plane", "trc_idempotency_hits_total", C, &["endpoint"]),
    ("control-plane", "trc_idempotency_conflicts_total", C, &["endpoint"]),
    // B) Event append and command handling
    ("events", "trc_event_append_total", C, &["result"]),
    ("events", "trc_event_append_duration_seconds_bucket", H, &["result"]),
    ("events", "trc_events_table_rows", G, &[]),
    ("events", "trc_events_table_size_bytes", G, &[]),
    ("events", "trc_commands_total", C, &["command", "result"]),
    ("events", "trc_command_duration_seconds_bucket", H, &["command", "result"]),
    // C) Projection workers
    ("projections", "trc_projection_last_applied_event_id", G, &["projection"]),
    ("projections", "trc_projection_lag_events", G, &["projection"]),
    ("projections", "trc_projection_apply_duration_seconds_bucket", H, &["projection"]),
    ("projections", "trc_projection_errors_total", C, &["projection"]),
    ("projections", "trc_projection_rebuilds_total", C, &["projection"]),
    // D) Scheduler
    ("scheduler", "trc_scheduler_reconcile_runs_total", C, &[]),
    ("scheduler", "trc_scheduler_reconcile_duration_seconds_bucket", H, &[]),
    ("scheduler", "trc_scheduler_group_reconciles_total", C, &["result"]),
    ("scheduler", "trc_scheduler_group_reconcile_duration_seconds_bucket", H, &["result"]),
    ("scheduler", "trc_scheduler_instance_allocations_total", C, &["result"]),
    ("scheduler", "trc_scheduler_instance_drains_total", C, &["reason"]),
    ("scheduler", "trc_scheduler_instance_stops_total", C, &["reason"]),
    ("scheduler", "trc_scheduler_unschedulable_total", C, &["reason"]),
    ("scheduler", "trc_scheduler_rollout_seconds_bucket", H, &["result"]),
    ("scheduler", "trc_scheduler_rollout_failures_total", C, &["reason"]),
    // E) Node agent
    ("agent", "trc_agent_heartbeat_total", C, &["result"]),
    ("agent", "trc_agent_controlplane_reconnects_total", C, &[]),
    ("agent", "trc_agent_overlay_peers", G, &[]),
    ("agent", "trc_agent_overlay_handshake_age_seconds_max", G, &[]),
    ("agent", "trc_agent_instances_desired", G, &[]),
    ("agent", "trc_agent_instances_running", G, &[]),
    ("agent", "trc_agent_instances_ready", G, &[]),
    ("agent", "trc_agent_instance_boot_seconds_bucket", H, &["result"]),
    ("agent", "trc_agent_instance_failures_total", C, &["reason"]),
    ("agent", "trc_agent_image_pulls_total", C, &["result"]),
    ("agent", "trc_agent_image_pull_seconds_bucket", H, &["result"]),
    ("agent", "trc_agent_rootdisk_build_seconds_bucket", H, &["result"]),
    ("agent", "trc_agent_cache_bytes", G, &["kind"]),
    ("agent", "trc_agent_cache_evictions_total", C, &["kind"]),
    ("agent", "trc_agent_volume_pool_free_bytes", G, &[]),
    ("agent", "trc_agent_volume_pool_used_bytes", G, &[]),
    ("agent", "trc_agent_disk_free_bytes", G, &["mount"]),
    ("agent", "trc_agent_disk_pressure", G, &["kind"]),
    ("agent", "trc_agent_secrets_delivery_total", C, &["result", "reason"]),
    ("agent", "trc_agent_secrets_delivery_seconds_bucket", H, &["result"]),
    ("agent", "trc_agent_snapshots_total", C, &["result"]),
    ("agent", "trc_agent_snapshot_seconds_bucket", H, &["result"]),
    ("agent", "trc_agent_backups_total", C, &["result"]),
    ("agent", "trc_agent_backup_seconds_bucket", H, &["result"]),
    ("agent", "trc_agent_backup_bytes_total", C, &["result"]),
    // F) Edge ingress
    ("edge", "trc_edge_connections_total", C, &["listener_port", "result"]),
    ("edge", "trc_edge_concurrent_connections", G, &["listener_port"]),
    ("edge", "trc_edge_upstream_connect_failures_total", C, &["reason"]),
    ("edge", "trc_edge_routes_loaded", G, &[]),
    ("edge", "trc_edge_config_apply_total", C, &["result"]),
    ("edge", "trc_edge_config_apply_seconds_bucket", H, &["result"]),
    ("edge", "trc_edge_backends_active_total", G, &[]),
    ("edge", "trc_edge_backends_active_by_protocol", G, &["protocol_hint"]),
    ("edge", "trc_edge_sni_sniffs_total", C, &["result"]),
    ("edge", "trc_edge_sni_sniff_seconds_bucket", H, &["result"]),
    ("edge", "trc_edge_proxy_v2_enabled_routes", G, &[]),
    ("edge", "trc_edge_proxy_v2_injections_total", C, &["result"]),
];

/// Seed names the catalog deliberately does not expose as written, with the exposed name. Each
/// must be recorded as a deviation in its descriptor (and so in the docs).
const RENAMED: &[(&str, &str)] = &[
    // A gauge ending in `_total` breaks seed 000's own naming rule and promtool's lint.
    ("trc_edge_backends_active_total", "trc_edge_backends_active"),
];

/// (family, label, the values the seed enumerates, in its order).
#[rustfmt::skip]
const SEED_VALUES: &[(&str, &str, &[&str])] = &[
    ("trc_scheduler_unschedulable_total", "reason", &[
        "no_capacity_memory", "no_nodes_active", "volume_locality_no_node",
        "ipam_exhausted", "secrets_missing", "org_quota_exceeded",
    ]),
    ("trc_agent_instance_failures_total", "reason", &[
        "image_pull_failed", "rootfs_build_failed", "firecracker_start_failed",
        "network_setup_failed", "volume_attach_failed", "secrets_missing",
        "secrets_injection_failed", "healthcheck_failed", "oom_killed", "crash_loop_backoff",
    ]),
    ("trc_agent_cache_bytes", "kind", &["oci", "rootdisks", "tmp"]),
    ("trc_agent_cache_evictions_total", "kind", &["oci", "rootdisks", "tmp"]),
    ("trc_edge_sni_sniffs_total", "result", &["ok", "timeout", "not_tls", "no_sni"]),
    ("trc_edge_sni_sniff_seconds", "result", &["ok", "timeout", "not_tls", "no_sni"]),
];

/// The exposed family name for a seed entry.
fn exposed_name(seed_name: &str, kind: &str) -> String {
    if let Some((_, to)) = RENAMED.iter().find(|(from, _)| *from == seed_name) {
        return to.to_string();
    }
    match kind {
        H => seed_name
            .strip_suffix("_bucket")
            .unwrap_or(seed_name)
            .to_string(),
        _ => seed_name.to_string(),
    }
}

fn catalog() -> BTreeMap<&'static str, (&'static str, &'static FamilyDescriptor)> {
    let mut all = BTreeMap::new();
    for c in COMPONENTS {
        for d in c.descriptors() {
            assert!(
                all.insert(d.name, (c.name, d)).is_none(),
                "`{}` is declared twice",
                d.name
            );
        }
    }
    all
}

fn sample() -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_metrics-demo"))
        .arg("sample")
        .output()
        .expect("run metrics-demo sample");
    assert!(
        out.status.success(),
        "sample failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("sample is UTF-8")
}

/// The label names of a sample line (`name{a="x",b="y"} 0`), in order.
fn label_names(line: &str) -> Vec<String> {
    let Some((_, rest)) = line.split_once('{') else {
        return Vec::new();
    };
    let Some((labels, _)) = rest.rsplit_once('}') else {
        return Vec::new();
    };
    labels
        .split("\",")
        .filter_map(|pair| pair.split_once('=').map(|(k, _)| k.to_string()))
        .collect()
}

#[test]
fn every_required_family_is_declared_with_the_seed_type_and_labels() {
    let catalog = catalog();
    let mut expected = BTreeSet::new();
    for (component, seed_name, kind, labels) in SEED_000 {
        let name = exposed_name(seed_name, kind);
        let Some((declared_in, d)) = catalog.get(name.as_str()) else {
            panic!(
                "seed 000 requires `{seed_name}` ({component}); the catalog does not declare `{name}`"
            )
        };
        assert_eq!(d.kind.as_str(), *kind, "type of `{name}`");
        let names: Vec<&str> = d.labels.iter().map(|l| l.name).collect();
        assert_eq!(names, *labels, "label names of `{name}`");
        assert_eq!(declared_in, component, "component of `{name}`");
        assert_eq!(
            d.component,
            Some(*component),
            "`component = ...` of `{name}`"
        );
        assert!(!d.help.is_empty(), "`{name}` has HELP");
        expected.insert(name);
    }
    let extra: Vec<&&str> = catalog.keys().filter(|n| !expected.contains(**n)).collect();
    assert!(
        extra.is_empty(),
        "families not required by seed 000: {extra:?}"
    );
}

#[test]
fn renamed_families_record_the_deviation() {
    let catalog = catalog();
    for (seed_name, exposed) in RENAMED {
        let (_, d) = catalog[exposed];
        assert!(
            d.deviations.iter().any(|why| why.contains(seed_name)),
            "`{exposed}` must record why it is not named `{seed_name}`: {:?}",
            d.deviations
        );
        assert!(!catalog.contains_key(seed_name));
    }
}

#[test]
fn enumerated_values_are_exactly_the_seeds() {
    let catalog = catalog();
    for (family, label, values) in SEED_VALUES {
        let (_, d) = catalog[family];
        let l = d
            .labels
            .iter()
            .find(|l| l.name == *label)
            .unwrap_or_else(|| panic!("`{family}` has no label `{label}`"));
        assert_eq!(l.values, *values, "values of `{label}` on `{family}`");
        assert!(
            l.value_docs.iter().all(|doc| !doc.is_empty()),
            "every value of `{label}` on `{family}` is documented"
        );
    }
}

#[test]
fn sample_exposes_every_family_with_its_type_labels_and_every_value() {
    let text = sample();
    for (_, d) in catalog().values() {
        let type_line = format!("# TYPE {} {}\n", d.name, d.kind);
        assert!(
            text.contains(&type_line),
            "sample lacks `{}`",
            type_line.trim_end()
        );
        let series_name = match d.kind {
            MetricKind::Histogram => format!("{}_bucket", d.name),
            _ => d.name.to_string(),
        };
        let mut labels: Vec<String> = d.labels.iter().map(|l| l.name.to_string()).collect();
        if d.kind == MetricKind::Histogram {
            labels.push("le".to_string());
        }
        let samples: Vec<&str> = text
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter(|l| {
                let name = l.split(['{', ' ']).next().unwrap_or("");
                name == d.name
                    || (d.kind == MetricKind::Histogram
                        && [
                            series_name.as_str(),
                            &format!("{}_sum", d.name),
                            &format!("{}_count", d.name),
                        ]
                        .contains(&name))
            })
            .collect();
        assert_eq!(
            samples.len(),
            d.worst_case_series,
            "`{}`: exposed series = the descriptor's worst case",
            d.name
        );
        for line in samples.iter().filter(|l| {
            l.starts_with(&format!("{series_name}{{")) || l.starts_with(&format!("{series_name} "))
        }) {
            assert_eq!(label_names(line), labels, "labels of `{line}`");
        }
        for l in d.labels {
            for value in l.values {
                let pair = format!("{}=\"{}\"", l.name, value);
                assert!(
                    samples.iter().any(|s| s.contains(&pair)),
                    "`{}` never exposes {pair}",
                    d.name
                );
            }
        }
    }
}

#[test]
fn worst_case_series_of_the_catalog_is_bounded() {
    let total = metrics_catalog::worst_case_series();
    // Printed straight to stderr (the harness captures `eprintln!`), so every run shows it.
    let mut report =
        format!("worst-case series of the metrics catalog: {total} (limit {SERIES_LIMIT}):");
    for c in COMPONENTS {
        report.push_str(&format!(" {} {},", c.name, c.worst_case_series()));
    }
    report.pop();
    let _ = writeln!(std::io::stderr(), "{report}");
    let by_family: usize = catalog().values().map(|(_, d)| d.worst_case_series).sum();
    assert_eq!(total, by_family);
    assert!(
        total < SERIES_LIMIT,
        "the catalog's worst case is {total} series; seed 004 asks for under {SERIES_LIMIT}"
    );
    for (_, d) in catalog().values() {
        let series = d.worst_case_series;
        assert!(
            series <= d.max_series,
            "`{}`: {series} series exceed its budget of {}",
            d.name,
            d.max_series
        );
    }
    let registry = metrics_catalog::registry().expect("no duplicate names");
    assert_eq!(registry.series_count(), total);
}

/// The stability rule the docs state: beta when seed 000 fixes the whole shape (name, type,
/// and no labels or every value listed in the seed) and the family is no histogram (buckets
/// are the catalog's choice); alpha otherwise; nothing stable or deprecated while the seed is
/// a draft. HELP starts with the level's marker.
#[test]
fn stability_levels_follow_the_documented_rule() {
    let text = sample();
    for (_, d) in catalog().values() {
        let seed_fixed_values = d.labels.iter().all(|l| {
            SEED_VALUES
                .iter()
                .any(|(family, label, _)| *family == d.name && *label == l.name)
        });
        let expected =
            if d.kind != MetricKind::Histogram && d.deviations.is_empty() && seed_fixed_values {
                Stability::Beta
            } else {
                Stability::Alpha
            };
        assert_eq!(d.stability, expected, "stability of `{}`", d.name);
        assert_eq!(d.deprecated_since, None, "`{}`", d.name);
        let help_line = format!("# HELP {} {}", d.name, d.stability.help_prefix());
        assert!(text.contains(&help_line), "`{help_line}` in sample");
    }
}

/// A family's `component = "..."` and the component list it is in agree, and the runtime's
/// own selection by component (every linked family) finds the same families.
#[test]
fn component_lists_match_the_declarations() {
    for c in COMPONENTS {
        let listed: BTreeSet<&str> = c.descriptors().iter().map(|d| d.name).collect();
        for d in c.descriptors() {
            assert_eq!(
                d.component,
                Some(c.name),
                "`{}` is listed under `{}`",
                d.name,
                c.name
            );
            assert!(
                d.module_path.ends_with(&c.name.replace('-', "_")),
                "`{}` is declared in {}",
                d.name,
                d.module_path
            );
        }
        let linked: BTreeSet<&str> = Registry::component(c.name)
            .families()
            .iter()
            .map(|f| f.name())
            .collect();
        assert_eq!(linked, listed, "Registry::component({:?})", c.name);
        assert_eq!(
            metrics_catalog::component(c.name).map(|found| found.name),
            Some(c.name)
        );
    }
    let names: Vec<&str> = COMPONENTS.iter().map(|c| c.name).collect();
    assert_eq!(
        names,
        [
            "control-plane",
            "events",
            "projections",
            "scheduler",
            "agent",
            "edge"
        ]
    );
}

/// Every label enum and every value explains itself: the docs print these texts.
#[test]
fn every_label_and_value_is_documented() {
    for (_, d) in catalog().values() {
        for l in d.labels {
            assert!(
                !l.type_doc.is_empty(),
                "`{}` (label `{}` of `{}`) has no doc comment",
                l.type_name,
                l.name,
                d.name
            );
            for (value, doc) in l.values.iter().zip(l.value_docs) {
                assert!(
                    !doc.is_empty(),
                    "value `{value}` of `{}` has no doc comment",
                    l.type_name
                );
            }
        }
    }
}
