//! Property tests: arbitrary Unicode as capped label values, global label values and HELP
//! texts produce exposition that the checker's strict parser and the real promtool accept,
//! and that round-trips exactly; arbitrary config input gives errors, never panics.

use std::sync::atomic::AtomicU64;

use metrics_exposition as exposition;
use metrics_runtime::config::validate_buckets;
use metrics_runtime::{
    Family, FamilyDescriptor, MetricFamily, MetricKind, MetricsConfig, Registry, Slots, Stability,
};
use proptest::prelude::*;

/// Arbitrary text: any Unicode scalar value, control characters included, with the characters
/// the format escapes (backslash, double quote, newline) and other line breaks drawn often.
/// (`any::<String>()` draws from `\PC*`, which has no control characters, so it never tries a
/// newline.)
fn text() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            4 => any::<char>(),
            1 => prop::sample::select(vec!['\\', '"', '\n', '\r', '\t', '\0', '{', '}', '=', ',', ' ', '#']),
        ],
        0..48,
    )
    .prop_map(|chars| chars.into_iter().collect())
}

metrics_runtime::capped_label! {
    /// Arbitrary values, many slots.
    pub struct AnyValue(cap = 100000);
}

/// Samples labelled by arbitrary strings.
#[derive(MetricFamily)]
#[metric(counter, name = "prop_values_total", max_series = 200000)]
pub struct Values {
    pub value: AnyValue,
}

/// A family with no labels, for global label tests.
#[derive(MetricFamily)]
#[metric(gauge, name = "prop_level")]
pub struct Level;

/// A family whose HELP is `help`, built at run time (as generated code builds it at compile time).
fn family_with_help(name: &str, help: &str) -> &'static Family {
    let descriptor: &'static FamilyDescriptor = Box::leak(Box::new(FamilyDescriptor {
        name: Box::leak(name.to_string().into_boxed_str()),
        kind: MetricKind::Counter,
        help: Box::leak(help.to_string().into_boxed_str()),
        unit: None,
        labels: &[],
        buckets: &[],
        native: None,
        label_sets: 1,
        worst_case_series: 1,
        max_series: 1,
        component: None,
        deviations: &[],
        stability: Stability::Stable,
        deprecated_since: None,
        role: metrics_runtime::FamilyRole::None,
        prefix: None,
        stability_in_help: true,
        forbidden_labels: &[],
        tenant_labels: &[],
        type_name: "Dynamic",
        module_path: module_path!(),
    }));
    // A counter of one label set: one slot per storage row, 3 in the first.
    let slots: &'static [AtomicU64] = Box::leak(
        (0..metrics_runtime::shard::ROWS)
            .map(|r| AtomicU64::new(if r == 0 { 3 } else { 0 }))
            .collect::<Box<[AtomicU64]>>(),
    );
    Box::leak(Box::new(Family::new(descriptor, Slots::Counter(slots))))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn capped_label_values_round_trip(v in text()) {
        let label = AnyValue::new(&v);
        prop_assume!(!label.is_overflow());
        Values { value: label }.inc();
        let mut reg = Registry::new();
        reg.register::<Values>().map_err(|e| TestCaseError::fail(e.to_string()))?;
        let text = reg.encode_text();
        let parsed = exposition::parse(&text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        let family = parsed.family("prop_values_total").ok_or_else(|| TestCaseError::fail("family missing"))?;
        let found = family.samples.iter().find(|s| s.label("value") == Some(v.as_str()));
        prop_assert!(found.is_some_and(|s| s.value >= 1.0), "value {v:?} did not round-trip");
    }

    #[test]
    fn global_label_values_round_trip(v in text()) {
        let mut reg = Registry::new();
        reg.register::<Level>().map_err(|e| TestCaseError::fail(e.to_string()))?;
        // An empty value reads as a missing label in Prometheus: refused, never exposed.
        if v.is_empty() {
            prop_assert!(reg.set_global_labels(&[("zone", "")]).is_err());
            return Ok(());
        }
        reg.set_global_labels(&[("zone", v.as_str())]).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let text = reg.encode_text();
        let parsed = exposition::parse(&text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        let family = parsed.family("prop_level").ok_or_else(|| TestCaseError::fail("family missing"))?;
        prop_assert_eq!(family.samples.len(), 1);
        prop_assert_eq!(family.samples[0].label("zone"), Some(v.as_str()));
    }

    #[test]
    fn help_texts_round_trip(help in text()) {
        let mut reg = Registry::new();
        reg.register_family(family_with_help("prop_help_total", &help)).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let text = reg.encode_text();
        let parsed = exposition::parse(&text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        let family = parsed.family("prop_help_total").ok_or_else(|| TestCaseError::fail("family missing"))?;
        prop_assert_eq!(family.help.as_deref(), Some(help.as_str()));
        prop_assert_eq!(family.samples[0].value, 3.0);
    }

    #[test]
    fn bucket_lists_validate_without_panicking(bounds in proptest::collection::vec(any::<f64>(), 0..12)) {
        let valid = !bounds.is_empty()
            && bounds.iter().all(|b| b.is_finite())
            && bounds.windows(2).all(|w| w[0] < w[1]);
        let result = validate_buckets("buckets.x", &bounds);
        prop_assert_eq!(result.is_ok(), valid, "{:?}", bounds);
        if let Err(e) = result {
            prop_assert_eq!(e.key, "buckets.x");
        }
    }

    #[test]
    fn arbitrary_config_text_never_panics(text in text()) {
        let _ = MetricsConfig::from_toml_str(&text);
    }

    #[test]
    fn arbitrary_config_values_give_keyed_errors(key in "(ENABLED|PATH|PROCESS_METRICS|GLOBAL_LABELS|AUTH_TOKEN|AUTH_TRUSTED_CIDRS|AUTH_TRUSTED_PROXIES|AUTH_TRUST_NETWORK)", value in text()) {
        let var = format!("P_{key}");
        if let Err(e) = MetricsConfig::default().with_vars("P_", [(var.clone(), value.clone())]) {
            // The error names the variable, or the key it set (path, global_labels.X, ...).
            prop_assert!(!e.key.is_empty() && !e.message.is_empty());
            prop_assert!(e.key == var || !e.key.starts_with("P_"), "{e}");
        }
        let toml = format!("path = {value:?}\n[auth]\ntrusted_cidrs = [{value:?}]\n");
        let _ = MetricsConfig::from_toml_str(&toml);
    }
}

/// A batch of generated help texts and label values through the real promtool at once
/// (one process for all of them, so the run stays fast).
#[test]
fn promtool_accepts_arbitrary_help_and_label_values() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let mut reg = Registry::new();
    let mut values = Vec::new();
    for i in 0..64 {
        let help = text()
            .new_tree(&mut runner)
            .map(|t| t.current())
            .unwrap_or_default();
        // Non-empty, as R10 guarantees for derived families (promtool lints an empty HELP).
        reg.register_family(family_with_help(
            &format!("prop_batch_{i}_total"),
            &format!("h{help}"),
        ))
        .expect("unique");
        let v = text()
            .new_tree(&mut runner)
            .map(|t| t.current())
            .unwrap_or_default();
        values.push(v);
    }
    for special in ['\n', '\\', '"', '\r', '\0'] {
        assert!(
            values.iter().any(|v| v.contains(special)),
            "the batch tries {special:?}"
        );
    }
    for v in &values {
        Values {
            value: AnyValue::new(v),
        }
        .inc();
    }
    reg.register::<Values>().expect("unique");
    // A global label value must not be empty (it reads as a missing label).
    let zone = values
        .iter()
        .find(|v| !v.is_empty())
        .map_or("z", String::as_str);
    reg.set_global_labels(&[("zone", zone)])
        .expect("valid name");
    let text = reg.encode_text();
    exposition::parse(&text).unwrap_or_else(|e| panic!("{e}"));
    if let Some((ok, printed)) = metrics_tests::promtool_check_metrics(
        &text,
        "promtool_accepts_arbitrary_help_and_label_values",
    ) {
        assert!(ok, "promtool rejected generated exposition:\n{printed}");
    }
}
