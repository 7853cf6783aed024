//! `bool` is a bounded label type: `false` and `true`.

#![deny(warnings)]

use metrics_runtime::{LabelValue, MetricFamily};

/// Cache lookups, by whether they hit.
#[derive(MetricFamily)]
#[metric(counter, name = "app_cache_lookups_total")]
pub struct CacheLookups {
    pub hit: bool,
}

fn main() {
    CacheLookups { hit: true }.inc();
    assert_eq!(<bool as LabelValue>::NAMES, ["false", "true"]);
    let text = metrics_runtime::encode_text();
    assert!(text.contains("app_cache_lookups_total{hit=\"false\"} 0\n"), "{text}");
    assert!(text.contains("app_cache_lookups_total{hit=\"true\"} 1\n"), "{text}");
}
