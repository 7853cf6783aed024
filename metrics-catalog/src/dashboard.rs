//! Grafana dashboards (`metrics-catalog dashboard`), built from the families' descriptors:
//! Grafana 10/11 JSON (`schemaVersion` 39), one Prometheus datasource variable
//! (`datasource`), one row per component and one time-series panel per family, suited to its
//! kind:
//!
//! | kind | query | unit |
//! | --- | --- | --- |
//! | counter | `sum by (<labels>) (rate(<name>[$__rate_interval]))`: the rate by every label | ops/s (bytes/s for byte counters) |
//! | histogram | `histogram_quantile(q, sum by (le) (rate(<name>_bucket[$__rate_interval])))` for p50, p95, p99 | the family's unit |
//! | gauge | `<name>`: each series' value, by instance and label | the family's unit |
//!
//! Panel titles are family names and descriptions their HELP (with the stability marker), so
//! a panel leads straight to the reference in `docs/metrics.md`. Import it through Grafana's
//! "Import dashboard" or provision it as a file; pick the Prometheus datasource in the
//! variable at the top.
//!
//! The builder is not tied to the catalog: [`Panel::of_family`] makes the generated panel of
//! any descriptor, [`Panel::new`] a hand-written one (a stat, a table, a ratio of two
//! families), and [`build`] lays [`Row`]s of them out in two columns. The seed examples build
//! their dashboards with it too.

use metrics_runtime::{FamilyDescriptor, MetricKind};
use serde_json::{Value, json};

use crate::Component;
use crate::rules::QUANTILES;

/// The Grafana dashboard schema version written (Grafana 10.4 / 11).
pub const SCHEMA_VERSION: u64 = 39;

/// The datasource every panel and query uses: the `datasource` template variable.
fn datasource() -> Value {
    json!({ "type": "prometheus", "uid": "${datasource}" })
}

/// The Grafana unit for a family's values.
fn unit(d: &FamilyDescriptor) -> &'static str {
    match (d.kind, d.unit) {
        (MetricKind::Counter, Some("bytes")) => "Bps",
        (MetricKind::Counter, _) => "ops",
        (_, Some("seconds")) if d.name.ends_with("_timestamp_seconds") => "dateTimeAsIso",
        (_, Some("seconds")) => "s",
        (_, Some("bytes")) => "bytes",
        (_, Some("ratio")) => "percentunit",
        _ => "short",
    }
}

fn legend(labels: &[&str]) -> String {
    labels
        .iter()
        .map(|l| format!("{{{{{l}}}}}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The queries of a family's panel: (expression, legend).
pub fn queries(d: &FamilyDescriptor) -> Vec<(String, String)> {
    let labels: Vec<&str> = d.labels.iter().map(|l| l.name).collect();
    match d.kind {
        MetricKind::Counter => {
            let by = if labels.is_empty() {
                String::new()
            } else {
                format!(" by ({}) ", labels.join(", "))
            };
            let legend = if labels.is_empty() {
                "rate".to_string()
            } else {
                legend(&labels)
            };
            vec![(
                format!("sum{by}(rate({}[$__rate_interval]))", d.name),
                legend,
            )]
        }
        MetricKind::Histogram => QUANTILES
            .iter()
            .map(|(name, q)| {
                (
                    format!(
                        "histogram_quantile({q}, sum by (le) (rate({}_bucket[$__rate_interval])))",
                        d.name
                    ),
                    name.to_string(),
                )
            })
            .collect(),
        MetricKind::Gauge => {
            let mut with_instance = vec!["instance"];
            with_instance.extend(labels);
            vec![(d.name.to_string(), legend(&with_instance))]
        }
    }
}

/// One panel: its title, description, visualisation, unit and queries.
#[derive(Debug, Clone, PartialEq)]
pub struct Panel {
    /// The panel title.
    pub title: String,
    /// The panel description (a family's HELP).
    pub description: String,
    /// Grafana visualisation: `timeseries`, `stat` or `table` (a table's queries are instant).
    pub kind: &'static str,
    /// Grafana unit id (`s`, `bytes`, `ops`, `short`, `percentunit`, `dateTimeAsIso`, ...).
    pub unit: &'static str,
    /// `(PromQL, legend)` per query.
    pub targets: Vec<(String, String)>,
}

impl Panel {
    /// A hand-written panel of one or more queries.
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

    /// The generated panel of a family: [`queries`] as a time series, titled by its name,
    /// described by its HELP.
    pub fn of_family(d: &FamilyDescriptor) -> Self {
        Panel {
            title: d.name.to_string(),
            description: d.exposed_help(),
            kind: "timeseries",
            unit: unit(d),
            targets: queries(d),
        }
    }

    fn to_json(&self, id: u64, x: u64, y: u64) -> Value {
        let table = self.kind == "table";
        let targets: Vec<Value> = self
            .targets
            .iter()
            .zip(b'A'..=b'Z')
            .map(|((expr, legend), r)| {
                let mut t = json!({
                    "datasource": datasource(),
                    "editorMode": "code",
                    "expr": expr,
                    "legendFormat": legend,
                    "range": !table,
                    "refId": char::from(r).to_string(),
                });
                if table {
                    t["instant"] = json!(true);
                    t["format"] = json!("table");
                }
                t
            })
            .collect();
        let mut defaults = json!({ "unit": self.unit });
        let options = if self.kind == "timeseries" {
            defaults["custom"] = json!({
                "drawStyle": "line",
                "fillOpacity": 0,
                "lineWidth": 1,
                "showPoints": "never",
            });
            json!({
                "legend": { "calcs": [], "displayMode": "list", "placement": "bottom", "showLegend": true },
                "tooltip": { "mode": "multi", "sort": "desc" },
            })
        } else {
            json!({})
        };
        json!({
            "datasource": datasource(),
            "description": self.description,
            "fieldConfig": { "defaults": defaults, "overrides": [] },
            "gridPos": { "h": 8, "w": 12, "x": x, "y": y },
            "id": id,
            "options": options,
            "targets": targets,
            "title": self.title,
            "type": self.kind,
        })
    }
}

/// A titled row of panels.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The row's title.
    pub title: String,
    /// Its panels, laid out two to a line.
    pub panels: Vec<Panel>,
}

impl Row {
    /// A row of the generated panel of each family.
    pub fn of_families<'a>(
        title: impl Into<String>,
        families: impl IntoIterator<Item = &'a FamilyDescriptor>,
    ) -> Self {
        Row {
            title: title.into(),
            panels: families.into_iter().map(Panel::of_family).collect(),
        }
    }
}

/// What a dashboard is called and how it is found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Meta<'a> {
    /// The dashboard title.
    pub title: &'a str,
    /// Its stable uid (Grafana URLs use it).
    pub uid: &'a str,
    /// What it is and where it comes from.
    pub description: &'a str,
    /// Tags to search it by.
    pub tags: &'a [&'a str],
}

/// A Grafana 10/11 dashboard: one Prometheus `datasource` variable, each row's title then its
/// panels two to a line (12 of 24 columns, 8 high), ids in order.
pub fn build(meta: Meta<'_>, rows: &[Row]) -> Value {
    let mut panels = Vec::new();
    let mut id = 0u64;
    let mut y = 0u64;
    for row in rows {
        id += 1;
        panels.push(json!({
            "collapsed": false,
            "gridPos": { "h": 1, "w": 24, "x": 0, "y": y },
            "id": id,
            "panels": [],
            "title": row.title,
            "type": "row",
        }));
        y += 1;
        for (i, p) in row.panels.iter().enumerate() {
            id += 1;
            let x = if i % 2 == 0 { 0 } else { 12 };
            panels.push(p.to_json(id, x, y));
            if i % 2 == 1 {
                y += 8;
            }
        }
        if row.panels.len() % 2 == 1 {
            y += 8;
        }
    }
    json!({
        "annotations": {
            "list": [{
                "builtIn": 1,
                "datasource": { "type": "grafana", "uid": "-- Grafana --" },
                "enable": true,
                "hide": true,
                "iconColor": "rgba(0, 211, 255, 1)",
                "name": "Annotations & Alerts",
                "type": "dashboard",
            }],
        },
        "description": meta.description,
        "editable": true,
        "fiscalYearStartMonth": 0,
        "graphTooltip": 1,
        "id": null,
        "links": [],
        "panels": panels,
        "refresh": "30s",
        "schemaVersion": SCHEMA_VERSION,
        "tags": meta.tags,
        "templating": {
            "list": [{
                "current": {},
                "hide": 0,
                "includeAll": false,
                "label": "Prometheus",
                "multi": false,
                "name": "datasource",
                "options": [],
                "query": "prometheus",
                "refresh": 1,
                "regex": "",
                "skipUrlSync": false,
                "type": "datasource",
            }],
        },
        "time": { "from": "now-1h", "to": "now" },
        "timepicker": {},
        "timezone": "",
        "title": meta.title,
        "uid": meta.uid,
        "version": 1,
        "weekStart": "",
    })
}

/// The dashboard of the given components: a row per component, a panel per family.
pub fn dashboard(components: &[&Component]) -> Value {
    let rows: Vec<Row> = components
        .iter()
        .map(|c| Row::of_families(format!("{} ({})", c.title, c.name), c.descriptors()))
        .collect();
    let (title, uid) = match components {
        [one] => (format!("trc: {}", one.title), format!("trc-{}", one.name)),
        _ => (
            "trc: platform metrics".to_string(),
            "trc-platform".to_string(),
        ),
    };
    build(
        Meta {
            title: &title,
            uid: &uid,
            description: "Generated by `metrics-catalog dashboard` from the catalog's descriptors; regenerate rather than edit.",
            tags: &["trc", "generated"],
        },
        &rows,
    )
}

/// The dashboard as the command prints it: pretty JSON with a final newline.
pub fn render(components: &[&Component]) -> String {
    let mut text = serde_json::to_string_pretty(&dashboard(components)).unwrap_or_default();
    text.push('\n');
    text
}

/// A dashboard expression as plain PromQL, for `promtool`: Grafana's interval variables
/// (`$__rate_interval`, `$__interval`, `$__range`) become `5m`.
pub fn as_promql(expr: &str) -> String {
    ["$__rate_interval", "$__interval", "$__range"]
        .iter()
        .fold(expr.to_string(), |e, var| e.replace(var, "5m"))
}

/// Every query expression of a dashboard, in panel order.
pub fn expressions(dashboard: &Value) -> Vec<String> {
    dashboard["panels"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|p| p["targets"].as_array().into_iter().flatten())
        .filter_map(|t| t["expr"].as_str().map(str::to_string))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_per_component_and_a_panel_per_family_without_overlap() {
        let all: Vec<&Component> = crate::COMPONENTS.iter().collect();
        let d = dashboard(&all);
        let panels = d["panels"].as_array().cloned().unwrap_or_default();
        let rows = panels.iter().filter(|p| p["type"] == "row").count();
        assert_eq!(rows, crate::COMPONENTS.len());
        let families: usize = crate::COMPONENTS.iter().map(|c| c.families.len()).sum();
        assert_eq!(panels.len() - rows, families);
        let mut ids = std::collections::BTreeSet::new();
        let mut cells = std::collections::BTreeSet::new();
        for p in &panels {
            assert!(ids.insert(p["id"].as_u64()), "duplicate id {}", p["id"]);
            let g = &p["gridPos"];
            let (x, y, w, h) = (
                g["x"].as_u64().unwrap_or(99),
                g["y"].as_u64().unwrap_or(0),
                g["w"].as_u64().unwrap_or(0),
                g["h"].as_u64().unwrap_or(0),
            );
            assert!(x + w <= 24);
            for cx in x..x + w {
                for cy in y..y + h {
                    assert!(cells.insert((cx, cy)), "panels overlap at {cx},{cy}");
                }
            }
            if p["type"] == "timeseries" {
                assert_eq!(p["datasource"]["uid"], "${datasource}");
                for t in p["targets"].as_array().into_iter().flatten() {
                    assert_eq!(t["datasource"]["uid"], "${datasource}");
                }
            }
        }
        assert_eq!(d["schemaVersion"], SCHEMA_VERSION);
        let vars = d["templating"]["list"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert_eq!(vars.len(), 1);
        assert_eq!(vars[0]["type"], "datasource");
        assert_eq!(vars[0]["query"], "prometheus");
        assert_eq!(expressions(&d).len(), {
            let all = crate::COMPONENTS.iter().flat_map(Component::descriptors);
            all.map(|f| queries(f).len()).sum::<usize>()
        });
    }

    #[test]
    fn one_component_has_its_own_uid() {
        let Some(edge) = crate::component("edge") else {
            panic!("edge")
        };
        let d = dashboard(&[edge]);
        assert_eq!(d["uid"], "trc-edge");
        assert_eq!(d["title"], "trc: Edge ingress");
    }
}
