//! Interop: every family is also a `prometheus::core::Collector`.

use std::collections::HashMap;

use prometheus::core::{Collector, Desc};
use prometheus::proto;

use crate::descriptor::MetricKind;
use crate::family::Family;

/// A family seen as a `prometheus` collector. Register it into any `prometheus::Registry`,
/// beside hand-written metrics: `registry.register(Box::new(Requests::collector()?))`.
///
/// A histogram's collector also describes its `_bucket`, `_sum` and `_count` sample names, so
/// the `prometheus` registry refuses a hand-written metric of one of those names (its text
/// exposition would hold the name twice) in either order.
#[derive(Debug)]
pub struct FamilyCollector {
    family: &'static Family,
    descs: Vec<Desc>,
}

impl FamilyCollector {
    /// The collector of `family`.
    pub fn new(family: &'static Family) -> prometheus::Result<Self> {
        let d = family.descriptor();
        let labels: Vec<String> = d.labels.iter().map(|l| l.name.to_string()).collect();
        let mut descs = vec![Desc::new(
            d.name.to_string(),
            d.help.to_string(),
            labels.clone(),
            HashMap::new(),
        )?];
        if d.kind == MetricKind::Histogram {
            for suffix in ["_bucket", "_sum", "_count"] {
                descs.push(Desc::new(
                    format!("{}{suffix}", d.name),
                    format!("The {suffix} samples of histogram {}.", d.name),
                    labels.clone(),
                    HashMap::new(),
                )?);
            }
        }
        Ok(FamilyCollector { family, descs })
    }
}

impl Collector for FamilyCollector {
    fn desc(&self) -> Vec<&Desc> {
        self.descs.iter().collect()
    }

    fn collect(&self) -> Vec<proto::MetricFamily> {
        let d = self.family.descriptor();
        let mut mf = proto::MetricFamily::default();
        mf.set_name(d.name.to_string());
        mf.set_help(d.exposed_help());
        let mut metrics = Vec::with_capacity(d.label_sets);
        for set in 0..d.label_sets {
            let Some(values) = d.label_values(set) else {
                continue;
            };
            let mut pairs: Vec<proto::LabelPair> = values
                .into_iter()
                .map(|(n, v)| {
                    let mut p = proto::LabelPair::default();
                    p.set_name(n.to_string());
                    p.set_value(v.to_string());
                    p
                })
                .collect();
            pairs.sort_by(|a, b| a.name().cmp(b.name()));
            let mut m = proto::Metric::default();
            m.set_label(pairs);
            match d.kind {
                MetricKind::Counter => {
                    let mut c = proto::Counter::default();
                    c.set_value(self.family.counter_value_f64(set));
                    m.set_counter(c);
                }
                MetricKind::Gauge => {
                    let mut g = proto::Gauge::default();
                    g.set_value(self.family.gauge_value(set));
                    m.set_gauge(g);
                }
                MetricKind::Histogram => {
                    let snap = self.family.histogram_value(set);
                    let mut h = proto::Histogram::default();
                    h.set_sample_count(snap.count);
                    h.set_sample_sum(snap.sum);
                    h.set_bucket(
                        snap.buckets
                            .iter()
                            .filter(|(le, _)| le.is_finite())
                            .map(|&(le, n)| {
                                let mut b = proto::Bucket::default();
                                b.set_upper_bound(le);
                                b.set_cumulative_count(n);
                                b
                            })
                            .collect(),
                    );
                    m.set_histogram(h);
                }
            }
            metrics.push(m);
        }
        mf.set_field_type(match d.kind {
            MetricKind::Counter => proto::MetricType::COUNTER,
            MetricKind::Gauge => proto::MetricType::GAUGE,
            MetricKind::Histogram => proto::MetricType::HISTOGRAM,
        });
        mf.set_metric(metrics);
        vec![mf]
    }
}
