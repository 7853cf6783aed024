//! Capped string labels: the first N distinct values get series, the rest fold into one
//! overflow value and are counted; memory stays flat under a million distinct inputs.

use metrics_runtime::{MetricFamily, OVERFLOW_VALUE, ProcessStats, Registry};

metrics_runtime::capped_label! {
    /// Node ids, at most 100.
    pub struct NodeId(cap = 100);
}

/// Heartbeats by node.
#[derive(MetricFamily)]
#[metric(counter, name = "cap_heartbeats_total")]
pub struct Heartbeats {
    pub node_id: NodeId,
}

/// Resident memory now. On Linux it must be readable, or the memory bound would pass
/// without measuring anything; elsewhere there is no procfs and the bound is not checked.
fn rss() -> f64 {
    let rss = ProcessStats::read().and_then(|p| p.resident_bytes);
    if cfg!(target_os = "linux") {
        rss.filter(|&b| b > 0.0)
            .expect("resident memory from /proc/self")
    } else {
        rss.unwrap_or(0.0)
    }
}

#[test]
fn a_million_distinct_values_make_exactly_101_series() {
    let mut reg = Registry::new();
    reg.register::<Heartbeats>().expect("new");
    let reg = reg.with_self_metrics("cap_metrics_").expect("valid prefix");
    // Nothing recorded yet: no node series (their values are unknown), only the overflow one.
    let text = reg.encode_text();
    assert_eq!(
        text.lines()
            .filter(|l| l.starts_with("cap_heartbeats_total{"))
            .count(),
        1,
        "{text}"
    );

    for i in 0..100 {
        Heartbeats {
            node_id: NodeId::new(&format!("node-{i}")),
        }
        .inc();
    }
    let warm = rss();
    for i in 100..1_000_000u32 {
        Heartbeats {
            node_id: NodeId::new(&format!("node-{i}\"\\\n")),
        }
        .inc();
    }
    let grown = rss() - warm;
    let text = reg.encode_text();
    let series: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("cap_heartbeats_total{"))
        .collect();
    assert_eq!(series.len(), 101);
    assert!(
        text.contains(&format!(
            "cap_heartbeats_total{{node_id=\"{OVERFLOW_VALUE}\"}} 999900\n"
        )),
        "{text}"
    );
    assert!(text.contains("cap_heartbeats_total{node_id=\"node-7\"} 1\n"));
    assert!(
        text.contains("cap_metrics_label_overflow_total{label=\"NodeId\"} 999900\n"),
        "{text}"
    );
    assert!(
        text.contains("cap_metrics_label_values{label=\"NodeId\"} 100\n"),
        "{text}"
    );
    assert!(NodeId::new("node-1000000").is_overflow());
    assert_eq!(NodeId::new("node-42").as_str(), "node-42");
    // A million interned strings would be tens of MiB; folding keeps growth to noise.
    assert!(
        grown < 8.0 * 1024.0 * 1024.0,
        "resident memory grew by {grown} bytes"
    );
    eprintln!(
        "resident memory growth over 999,900 overflowing values: {:.0} KiB",
        grown / 1024.0
    );
}

metrics_runtime::capped_label! {
    /// Values that need escaping.
    pub struct Raw(cap = 4);
}

/// Escaping of capped values.
#[derive(MetricFamily)]
#[metric(gauge, name = "cap_escaped")]
pub struct Escaped {
    pub raw: Raw,
}

#[test]
fn capped_values_are_escaped() {
    Escaped {
        raw: Raw::new("a\"b\\c\nd"),
    }
    .set(1.0);
    let mut reg = Registry::new();
    reg.register::<Escaped>().expect("new");
    let text = reg.encode_text();
    assert!(
        text.contains("cap_escaped{raw=\"a\\\"b\\\\c\\nd\"} 1\n"),
        "{text}"
    );
    if let Some((ok, printed)) =
        metrics_tests::promtool_check_metrics(&text, "capped_values_are_escaped")
    {
        assert!(ok && printed.trim().is_empty(), "{printed}");
    }
}

metrics_runtime::capped_label! {
    /// Route ids, at most 8.
    pub struct RouteId(cap = 8);
}

/// Requests by route.
#[derive(MetricFamily)]
#[metric(counter, name = "cap_route_requests_total")]
pub struct RouteRequests {
    pub route_id: RouteId,
}

/// An input equal to the overflow value, or longer than a capped label keeps, takes no slot:
/// it is the overflow series, so no two series ever share a label set.
#[test]
fn reserved_and_oversized_values_fold_into_the_overflow_series() {
    let long = "r".repeat(metrics_runtime::MAX_VALUE_BYTES + 1);
    let edge = "e".repeat(metrics_runtime::MAX_VALUE_BYTES);
    for v in [OVERFLOW_VALUE, long.as_str()] {
        let id = RouteId::new(v);
        assert!(id.is_overflow(), "{v:?}");
        RouteRequests { route_id: id }.inc();
    }
    RouteRequests {
        route_id: RouteId::new(&edge),
    }
    .inc();
    assert!(!RouteId::new(&edge).is_overflow(), "the longest kept value");
    let mut reg = Registry::new();
    reg.register::<RouteRequests>().expect("new");
    let text = reg.encode_text();
    let series: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("cap_route_requests_total{"))
        .collect();
    assert_eq!(
        series,
        [
            format!("cap_route_requests_total{{route_id=\"{edge}\"}} 1"),
            format!("cap_route_requests_total{{route_id=\"{OVERFLOW_VALUE}\"}} 2"),
        ],
        "{text}"
    );
    assert!(!text.contains(&long));
}

mod shop {
    metrics_runtime::capped_label! {
        /// Shards of the shop, at most 3.
        pub struct Shard(cap = 3);
    }
}

mod forum {
    metrics_runtime::capped_label! {
        /// Shards of the forum, at most 3.
        pub struct Shard(cap = 3);
    }
}

/// Orders by shard.
#[derive(MetricFamily)]
#[metric(counter, name = "cap_orders_total")]
pub struct Orders {
    pub shard: shop::Shard,
}

/// Posts by shard.
#[derive(MetricFamily)]
#[metric(counter, name = "cap_posts_total")]
pub struct Posts {
    pub shard: forum::Shard,
}

/// Two capped label types of one name in different modules are two self-metric series, not
/// one series twice: they are named with their modules.
#[test]
fn two_capped_types_of_one_name_are_told_apart() {
    Orders {
        shard: shop::Shard::new("a"),
    }
    .inc();
    Posts {
        shard: forum::Shard::new("b"),
    }
    .inc();
    let reg = Registry::new()
        .with_self_metrics("cap_two_")
        .expect("valid prefix");
    let text = reg.encode_text();
    let series: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("cap_two_label_values{"))
        .map(|l| l.rsplit_once(' ').map_or(l, |(s, _)| s))
        .collect();
    let mut distinct = series.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(series.len(), distinct.len(), "{text}");
    assert!(
        text.contains("cap_two_label_values{label=\"capped::shop::Shard\"}"),
        "{text}"
    );
    assert!(
        text.contains("cap_two_label_values{label=\"capped::forum::Shard\"}"),
        "{text}"
    );
    // A type whose name is its own keeps the short name.
    assert!(
        text.contains("cap_two_label_values{label=\"NodeId\"}"),
        "{text}"
    );
}
