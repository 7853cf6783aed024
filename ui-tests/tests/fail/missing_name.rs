//! A family without `name`: the message suggests a name that passes every rule (prefix,
//! `_total` for a counter) and no rule is reported about a name nobody wrote.

use metrics_runtime::MetricFamily;

/// Payments taken.
#[derive(MetricFamily)]
#[metric(counter)]
pub struct Payments;

fn main() {
    Payments.inc();
}
