//! Grafana dashboards (`metrics-tools dashboard`), built from the catalog
//! ([`crate::schema`]): Grafana 10/11 JSON (`schemaVersion` 39), one Prometheus datasource
//! variable (`datasource`), one row per component and one time-series panel per family,
//! suited to its type and declared [`Role`]. Every query aggregates across instances, so a
//! panel means the same with one process or fifty:
//!
//! | family | query | unit |
//! | --- | --- | --- |
//! | counter | `sum by (<labels>) (rate(<name>[$__rate_interval]))`: the rate by every label | ops/s (bytes/s for byte counters) |
//! | histogram | `histogram_quantile(q, sum by (le) (rate(<name>_bucket[$__rate_interval])))` for p50, p95, p99 | the family's unit |
//! | native histogram | `histogram_quantile(q, sum(rate(<name>[$__rate_interval])))` over the native series | the family's unit |
//! | gauge with role `lag`, `position` or `timestamp` | `max by (<labels>) (<name>)`: the furthest behind, the furthest applied, the latest | the family's unit (a date for `timestamp`) |
//! | gauge with role `in_flight`, `info` or `state` | `sum by (<labels>) (<name>)`: work in progress everywhere, how many instances report each fact or are in each state | the family's unit |
//! | any other gauge | `sum by (<labels>) (<name>)`, or `max by` for a gauge in `seconds` or a `ratio` (an age or a fraction does not add up) | the family's unit |
//!
//! Panel titles are family names and descriptions their HELP as exposed, so a panel leads
//! straight to the reference docs. Import it through Grafana's "Import dashboard" or
//! provision it as a file; pick the Prometheus datasource in the variable at the top. The
//! dashboard's title, uid and tag come from the families' declared prefix (`pay_` gives
//! `pay: Payments`, uid `pay-payments`) and the component names.
//!
//! The builder is not tied to one catalog: [`Panel::of_family`] makes the generated panel of
//! any [`Family`], [`Panel::new`] a hand-written one (a stat, a table, a ratio of two
//! families), and [`build`] lays [`Row`]s of them out in two columns. The seed examples build
//! their dashboards with it too.

use std::borrow::Borrow;

use serde_json::{Value, json};

use crate::rules::QUANTILES;
use crate::schema::{Component, Family, Kind, Role};

/// The Grafana dashboard schema version written (Grafana 10.4 / 11).
pub const SCHEMA_VERSION: u64 = 39;

/// Grafana's longest dashboard uid.
const UID_MAX: usize = 40;

/// The datasource every panel and query uses: the `datasource` template variable.
fn datasource() -> Value {
    json!({ "type": "prometheus", "uid": "${datasource}" })
}

/// The Grafana unit for a family's values.
fn unit(f: &Family) -> &'static str {
    match (f.kind, f.role, f.unit.as_deref()) {
        (Kind::Counter, _, Some("bytes")) => "Bps",
        (Kind::Counter, _, _) => "ops",
        (Kind::Gauge, Role::Timestamp, _) => "dateTimeAsIso",
        (_, _, Some("seconds")) => "s",
        (_, _, Some("bytes")) => "bytes",
        (_, _, Some("ratio")) => "percentunit",
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

/// How a gauge's series add up across instances and label sets (see the module table).
fn gauge_aggregation(f: &Family) -> &'static str {
    match f.role {
        Role::Lag | Role::Position | Role::Timestamp => "max",
        Role::InFlight | Role::Info | Role::State => "sum",
        Role::None | Role::Spikes => match f.unit.as_deref() {
            Some("seconds" | "ratio") => "max",
            _ => "sum",
        },
    }
}

/// ` by (a, b) ` for the given labels, or a single space when there are none.
fn by(labels: &[&str]) -> String {
    if labels.is_empty() {
        String::new()
    } else {
        format!(" by ({}) ", labels.join(", "))
    }
}

/// The queries of a family's panel: (expression, legend). Every one aggregates across
/// instances.
pub fn queries(f: &Family) -> Vec<(String, String)> {
    let labels = f.label_names();
    let legend_or = |word: &str| {
        if labels.is_empty() {
            word.to_string()
        } else {
            legend(&labels)
        }
    };
    match f.kind {
        Kind::Counter => vec![(
            format!("sum{}(rate({}[$__rate_interval]))", by(&labels), f.name),
            legend_or("rate"),
        )],
        Kind::Histogram => QUANTILES
            .iter()
            .map(|(name, q)| {
                let native = format!(
                    "histogram_quantile({q}, sum(rate({}[$__rate_interval])))",
                    f.name
                );
                let classic = format!(
                    "histogram_quantile({q}, sum by (le) (rate({}_bucket[$__rate_interval])))",
                    f.name
                );
                // The native series where Prometheus stores them (protobuf scrapes), the
                // classic buckets otherwise; a family with both reads whichever exists.
                let expr = match (f.native.is_some(), f.buckets.is_empty()) {
                    (true, true) => native,
                    (true, false) => format!("{native} or {classic}"),
                    (false, _) => classic,
                };
                (expr, name.to_string())
            })
            .collect(),
        Kind::Gauge => {
            let op = gauge_aggregation(f);
            vec![(format!("{op}{}({})", by(&labels), f.name), legend_or(op))]
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
    pub fn of_family(f: &Family) -> Self {
        Panel {
            title: f.name.clone(),
            description: f.exposed_help(),
            kind: "timeseries",
            unit: unit(f),
            targets: queries(f),
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
            "description": grafana_literal(&self.description),
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

/// Catalog text for a panel description, which Grafana interpolates (`$var`, `${var}`,
/// `[[var]]`) before rendering it as Markdown: every `$` written as the entity `&#36;` and
/// every `[[` as `&#91;[`, which Markdown renders as `$` and `[[` but interpolation does not
/// see, so a HELP mentioning `$datasource` or `${__user.login}` shows as written.
pub fn grafana_literal(text: &str) -> String {
    text.replace('$', "&#36;").replace("[[", "&#91;[")
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
    /// A row of the generated panel of each family (borrowed, as from a [`Component`], or
    /// owned, as [`Family::from_descriptor`] makes them).
    pub fn of_families<F: Borrow<Family>>(
        title: impl Into<String>,
        families: impl IntoIterator<Item = F>,
    ) -> Self {
        Row {
            title: title.into(),
            panels: families
                .into_iter()
                .map(|f| Panel::of_family(f.borrow()))
                .collect(),
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

/// The declared prefix of the components' families without its trailing `_` (`pay` for
/// `pay_`), when they all declare the same one.
fn prefix(components: &[&Component]) -> Option<String> {
    let mut prefixes = components
        .iter()
        .flat_map(|c| c.families.iter())
        .map(|f| f.prefix.as_deref().map(|p| p.trim_end_matches('_')));
    let first = prefixes.next()??;
    (!first.is_empty() && prefixes.all(|p| p == Some(first))).then(|| first.to_string())
}

/// A Grafana uid: at most [`UID_MAX`] characters, cut on a character boundary.
fn uid(s: &str) -> String {
    s.chars().take(UID_MAX).collect()
}

/// The dashboard of the given components: a row per component, a panel per family. Titled
/// and tagged by the families' declared prefix when they share one.
pub fn dashboard(components: &[&Component]) -> Value {
    let rows: Vec<Row> = components
        .iter()
        .map(|c| Row::of_families(format!("{} ({})", title(c), c.name), &c.families))
        .collect();
    let prefix = prefix(components);
    let (what, id) = match components {
        [one] => (title(one).to_string(), one.name.clone()),
        _ => (
            components
                .iter()
                .map(|c| c.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            "metrics".to_string(),
        ),
    };
    let (title, uid) = match &prefix {
        Some(p) => (format!("{p}: {what}"), uid(&format!("{p}-{id}"))),
        None => (what, uid(&id)),
    };
    let mut tags: Vec<&str> = prefix.iter().map(String::as_str).collect();
    tags.push("generated");
    build(
        Meta {
            title: &title,
            uid: &uid,
            description: "Generated by `metrics-tools dashboard` from the metrics catalog; regenerate rather than edit.",
            tags: &tags,
        },
        &rows,
    )
}

/// A component's title, or its name when it has none.
fn title(c: &Component) -> &str {
    if c.title.is_empty() {
        &c.name
    } else {
        &c.title
    }
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
    use crate::schema::{Catalog, Label, Stability};

    fn platform() -> Catalog {
        let all: Vec<&metrics_runtime::Component> = metrics_catalog::COMPONENTS.iter().collect();
        Catalog::from_components(&all)
    }

    fn family(name: &str, kind: Kind, role: Role, labels: &[&str]) -> Family {
        Family {
            name: name.to_string(),
            kind,
            help: format!("Help of {name}."),
            unit: None,
            labels: labels
                .iter()
                .map(|l| Label {
                    name: l.to_string(),
                    type_name: String::new(),
                    type_doc: String::new(),
                    doc: String::new(),
                    waiver: None,
                    cap: None,
                    route_templates: false,
                    default: None,
                    values: Vec::new(),
                })
                .collect(),
            buckets: Vec::new(),
            label_sets: 1,
            worst_case_series: 1,
            max_series: 1000,
            deviations: Vec::new(),
            stability: Stability::Beta,
            deprecated_since: None,
            role,
            prefix: Some("pay_".to_string()),
            stability_in_help: true,
            forbidden_labels: Vec::new(),
            tenant_labels: Vec::new(),
            declared_by: None,
            native: None,
        }
    }

    fn component(name: &str, families: Vec<Family>) -> Component {
        Component {
            name: name.to_string(),
            title: "Payments".to_string(),
            about: String::new(),
            worst_case_series: 0,
            families,
        }
    }

    #[test]
    fn a_row_per_component_and_a_panel_per_family_without_overlap() {
        let catalog = platform();
        let all: Vec<&Component> = catalog.components.iter().collect();
        let d = dashboard(&all);
        let panels = d["panels"].as_array().cloned().unwrap_or_default();
        let rows = panels.iter().filter(|p| p["type"] == "row").count();
        assert_eq!(rows, catalog.components.len());
        assert_eq!(panels.len() - rows, catalog.families().count());
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
        assert_eq!(
            expressions(&d).len(),
            catalog.families().map(|f| queries(f).len()).sum::<usize>()
        );
        assert_eq!(d["uid"], "trc-metrics");
        assert_eq!(d["tags"], json!(["trc", "generated"]));
    }

    #[test]
    fn one_component_has_its_own_uid() {
        let catalog = platform();
        let Some(edge) = catalog.component("edge") else {
            panic!("edge")
        };
        let d = dashboard(&[edge]);
        assert_eq!(d["uid"], "trc-edge");
        assert_eq!(d["title"], "trc: Edge ingress");
    }

    #[test]
    fn title_and_uid_come_from_the_declared_prefix() {
        let c = component(
            "payments",
            vec![family("pay_charges_total", Kind::Counter, Role::None, &[])],
        );
        let d = dashboard(&[&c]);
        assert_eq!(d["uid"], "pay-payments");
        assert_eq!(d["title"], "pay: Payments");
        assert_eq!(d["tags"], json!(["pay", "generated"]));

        let mut bare = c.clone();
        bare.families[0].prefix = None;
        bare.name = "a-component-with-a-name-longer-than-forty-characters".to_string();
        let d = dashboard(&[&bare]);
        assert_eq!(d["uid"], "a-component-with-a-name-longer-than-fort");
        assert_eq!(d["title"], "Payments");
        assert_eq!(d["tags"], json!(["generated"]));
        let d = dashboard(&[&c, &bare]);
        assert_eq!(d["uid"], "metrics");
    }

    #[test]
    fn every_query_aggregates_across_instances() {
        let q = |kind, role, labels: &[&str]| {
            queries(&family("pay_x", kind, role, labels))
                .into_iter()
                .map(|(e, _)| e)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            q(Kind::Counter, Role::None, &["a", "b"]),
            ["sum by (a, b) (rate(pay_x[$__rate_interval]))"]
        );
        assert_eq!(
            q(Kind::Counter, Role::Spikes, &[]),
            ["sum(rate(pay_x[$__rate_interval]))"]
        );
        assert_eq!(
            q(Kind::Histogram, Role::None, &["a"])[1],
            "histogram_quantile(0.95, sum by (le) (rate(pay_x_bucket[$__rate_interval])))"
        );
        let mut native = family("pay_x", Kind::Histogram, Role::None, &["a"]);
        native.native = Some(crate::schema::NativeHistogram {
            schema: 3,
            zero_threshold: 1e-9,
            max_buckets: 160,
        });
        assert_eq!(
            queries(&native)[1].0,
            "histogram_quantile(0.95, sum(rate(pay_x[$__rate_interval])))"
        );
        assert_eq!(q(Kind::Gauge, Role::Lag, &["p"]), ["max by (p) (pay_x)"]);
        assert_eq!(
            q(Kind::Gauge, Role::Position, &["p"]),
            ["max by (p) (pay_x)"]
        );
        assert_eq!(q(Kind::Gauge, Role::Timestamp, &[]), ["max(pay_x)"]);
        assert_eq!(q(Kind::Gauge, Role::InFlight, &[]), ["sum(pay_x)"]);
        assert_eq!(q(Kind::Gauge, Role::Info, &["v"]), ["sum by (v) (pay_x)"]);
        assert_eq!(q(Kind::Gauge, Role::State, &["s"]), ["sum by (s) (pay_x)"]);
        assert_eq!(q(Kind::Gauge, Role::None, &[]), ["sum(pay_x)"]);
        let mut age = family("pay_age_seconds", Kind::Gauge, Role::None, &[]);
        age.unit = Some("seconds".to_string());
        assert_eq!(
            queries(&age),
            [("max(pay_age_seconds)".to_string(), "max".to_string())]
        );

        // The same holds for every query of the platform's dashboard.
        let catalog = platform();
        let all: Vec<&Component> = catalog.components.iter().collect();
        for e in expressions(&dashboard(&all)) {
            assert!(
                e.starts_with("sum")
                    || e.starts_with("max")
                    || e.starts_with("histogram_quantile("),
                "{e}"
            );
        }
    }

    /// Every query, read as PromQL (`rules::aggregation`): no raw series is read outside an
    /// aggregation that folds `instance` away. No exception is needed here.
    #[test]
    fn no_query_reads_a_raw_series_per_instance() {
        let mut families = Vec::new();
        for kind in [Kind::Counter, Kind::Gauge, Kind::Histogram] {
            for role in [
                Role::None,
                Role::Lag,
                Role::Position,
                Role::InFlight,
                Role::Info,
                Role::State,
                Role::Timestamp,
                Role::Spikes,
            ] {
                families.push(family("pay_x", kind, role, &["a", "b"]));
                families.push(family("pay_y", kind, role, &[]));
            }
        }
        let own = component("payments", families);
        let catalog = platform();
        let mut all: Vec<&Component> = catalog.components.iter().collect();
        all.push(&own);
        let exprs = expressions(&dashboard(&all));
        assert!(exprs.len() > 100, "{} queries", exprs.len());
        for e in exprs {
            let found = crate::rules::aggregation::unaggregated(&e)
                .unwrap_or_else(|why| panic!("{e}: {why}"));
            assert!(found.is_empty(), "{e} reads {found:?} per instance");
        }
    }

    #[test]
    fn catalog_text_is_not_interpolated_by_grafana() {
        assert_eq!(
            grafana_literal("a $x ${y} [[z]] $"),
            "a &#36;x &#36;{y} &#91;[z]] &#36;"
        );
        let mut f = family("pay_x", Kind::Gauge, Role::None, &[]);
        f.help = "Costs ${__user.login} $datasource [[v]].".to_string();
        let p = Panel::of_family(&f).to_json(1, 0, 0);
        let d = p["description"].as_str().unwrap();
        assert!(!d.contains('$') && !d.contains("[["), "{d}");
    }

    #[test]
    fn units_and_descriptions_come_from_the_declaration() {
        let ts = Panel::of_family(&family("pay_last_run", Kind::Gauge, Role::Timestamp, &[]));
        assert_eq!(ts.unit, "dateTimeAsIso");
        assert_eq!(ts.description, "[BETA] Help of pay_last_run.");
        // A name ending like a timestamp is not one.
        let mut named = family("pay_x_timestamp_seconds", Kind::Gauge, Role::None, &[]);
        named.unit = Some("seconds".to_string());
        assert_eq!(Panel::of_family(&named).unit, "s");
        let mut bytes = family("pay_sent_bytes_total", Kind::Counter, Role::None, &[]);
        bytes.unit = Some("bytes".to_string());
        assert_eq!(Panel::of_family(&bytes).unit, "Bps");
        let row = Row::of_families("r", [named, bytes]);
        assert_eq!(row.panels.len(), 2);
    }
}
