//! A minimal Grafana dashboard generated from family descriptors: one panel per family
//! (counters as rates, gauges as values, histograms as p50/p95/p99), plus any hand-written
//! panels a seed asks for, whose metric names are taken from the descriptors too, so a
//! renamed family breaks the build rather than the dashboard.

use metrics_runtime::{FamilyDescriptor, MetricKind};
use serde_json::{Value, json};

/// One panel: a title, its queries and how to show them.
#[derive(Debug, Clone, PartialEq)]
pub struct Panel {
    /// The panel title.
    pub title: String,
    /// The panel description (a family's HELP).
    pub description: String,
    /// `timeseries`, `stat` or `table`.
    pub kind: &'static str,
    /// Grafana unit id (`s`, `bytes`, `short`, `percentunit`, `dateTimeFromNow`).
    pub unit: &'static str,
    /// `(PromQL, legend)` per query.
    pub targets: Vec<(String, String)>,
}

impl Panel {
    /// A panel of one or more queries.
    pub fn new(
        title: impl Into<String>,
        kind: &'static str,
        unit: &'static str,
        targets: Vec<(String, String)>,
    ) -> Self {
        Panel {
            title: title.into(),
            description: String::new(),
            kind,
            unit,
            targets,
        }
    }
}

fn unit_of(d: &FamilyDescriptor) -> &'static str {
    match d.unit {
        Some("seconds") if d.name.ends_with("_timestamp_seconds") => "dateTimeAsIso",
        Some("seconds") => "s",
        Some("bytes") => "bytes",
        Some("ratio") => "percentunit",
        _ => "short",
    }
}

fn legend(d: &FamilyDescriptor) -> String {
    d.labels
        .iter()
        .map(|l| format!("{{{{{}}}}}", l.name))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The generated panel of a family.
pub fn family_panel(d: &FamilyDescriptor) -> Panel {
    let labels: Vec<&str> = d.labels.iter().map(|l| l.name).collect();
    let by = |extra: &[&str]| {
        let all: Vec<&str> = labels.iter().chain(extra).copied().collect();
        if all.is_empty() {
            String::new()
        } else {
            format!(" by ({})", all.join(", "))
        }
    };
    let targets = match d.kind {
        MetricKind::Counter => vec![(format!("sum{} (rate({}[5m]))", by(&[]), d.name), legend(d))],
        MetricKind::Gauge => vec![(d.name.to_string(), legend(d))],
        MetricKind::Histogram => [0.5, 0.95, 0.99]
            .iter()
            .map(|q| {
                (
                    format!(
                        "histogram_quantile({q}, sum{} (rate({}_bucket[5m])))",
                        by(&["le"]),
                        d.name
                    ),
                    format!("p{} {}", (q * 100.0) as u32, legend(d))
                        .trim()
                        .to_string(),
                )
            })
            .collect(),
    };
    Panel {
        title: d.name.to_string(),
        description: d.help.to_string(),
        kind: "timeseries",
        unit: match d.kind {
            MetricKind::Counter => "ops",
            _ => unit_of(d),
        },
        targets,
    }
}

/// A Grafana (11+) dashboard: a `datasource` variable, `panels` first, then one generated
/// panel per family of `families` under a collapsed-free row.
pub fn dashboard(
    title: &str,
    uid: &str,
    panels: &[Panel],
    families: &[&'static FamilyDescriptor],
) -> Value {
    let mut out = Vec::new();
    let mut id = 0u32;
    let mut y = 0u32;
    let place = |p: &Panel, out: &mut Vec<Value>, id: &mut u32, x: u32, w: u32, y: u32| {
        *id += 1;
        let id = *id;
        out.push(json!({
            "id": id,
            "type": p.kind,
            "title": p.title,
            "description": p.description,
            "datasource": { "type": "prometheus", "uid": "${datasource}" },
            "gridPos": { "h": 8, "w": w, "x": x, "y": y },
            "fieldConfig": { "defaults": { "unit": p.unit }, "overrides": [] },
            "options": {},
            "targets": p.targets.iter().enumerate().map(|(i, (expr, legend))| json!({
                "refId": char::from(b'A' + (i % 26) as u8).to_string(),
                "datasource": { "type": "prometheus", "uid": "${datasource}" },
                "expr": expr,
                "legendFormat": legend,
                "format": if p.kind == "table" { "table" } else { "time_series" },
                "instant": p.kind == "table",
            })).collect::<Vec<_>>(),
        }));
    };
    for (i, p) in panels.iter().enumerate() {
        let (x, w) = if i % 2 == 0 { (0, 12) } else { (12, 12) };
        place(p, &mut out, &mut id, x, w, y);
        if i % 2 == 1 {
            y += 8;
        }
    }
    if panels.len() % 2 == 1 {
        y += 8;
    }
    id += 1;
    out.push(json!({
        "id": id, "type": "row", "title": "Every family", "collapsed": false,
        "gridPos": { "h": 1, "w": 24, "x": 0, "y": y }, "panels": [],
    }));
    y += 1;
    for (i, d) in families.iter().enumerate() {
        let (x, w) = if i % 2 == 0 { (0, 12) } else { (12, 12) };
        place(&family_panel(d), &mut out, &mut id, x, w, y);
        if i % 2 == 1 {
            y += 8;
        }
    }
    json!({
        "title": title,
        "uid": uid,
        "schemaVersion": 39,
        "version": 1,
        "editable": true,
        "tags": ["generated"],
        "time": { "from": "now-6h", "to": "now" },
        "refresh": "30s",
        "templating": { "list": [{
            "name": "datasource",
            "label": "Prometheus",
            "type": "datasource",
            "query": "prometheus",
        }]},
        "panels": out,
    })
}

/// Every PromQL expression of a dashboard.
pub fn exprs(dashboard: &Value) -> Vec<String> {
    dashboard["panels"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|p| p["targets"].as_array().into_iter().flatten())
        .filter_map(|t| t["expr"].as_str().map(str::to_string))
        .collect()
}
