//! The Markdown metric reference (`docs`), generated from a [`Catalog`] only: per component,
//! every family with its type, unit, HELP, labels and all their values, buckets, series
//! budget, declared roles and error values, waivers and stability.

use std::fmt::Write as _;

use crate::schema::{Catalog, Component, Family, Kind, Label, Role, Stability};

/// What frames the reference: its title, an introduction, the command that regenerates it.
#[derive(Debug, Clone, Default)]
pub struct DocsOptions {
    /// The level-1 heading (default `Metric reference`).
    pub title: Option<String>,
    /// Paragraphs after the heading (Markdown), for what the catalog is.
    pub intro: Option<String>,
    /// A paragraph under the stability table: how the catalog grades its families.
    pub stability_note: Option<String>,
    /// The command that regenerates the file, written in a comment at its top.
    pub regenerate: Option<String>,
    /// A bound on the whole catalog's worst-case series, stated in the budget section.
    pub series_limit: Option<usize>,
}

/// The Markdown reference of a catalog.
pub fn render(catalog: &Catalog, options: &DocsOptions) -> String {
    let mut out = String::with_capacity(128 * 1024);
    // Writing into a String cannot fail.
    let _ = write_reference(&mut out, catalog, options);
    out
}

fn write_reference(out: &mut String, catalog: &Catalog, o: &DocsOptions) -> std::fmt::Result {
    writeln!(
        out,
        "# {}",
        o.title.as_deref().unwrap_or("Metric reference")
    )?;
    writeln!(out)?;
    if let Some(cmd) = &o.regenerate {
        writeln!(
            out,
            "<!-- Generated from the metric declarations; do not edit. Regenerate with `{cmd}`. -->"
        )?;
        writeln!(out)?;
    }
    if let Some(intro) = &o.intro {
        writeln!(out, "{}", intro.trim_end())?;
        writeln!(out)?;
    }
    writeln!(
        out,
        "Every label is a bounded type whose values are all listed here, and every label combination is \
         exposed from the first scrape, so the worst-case series count of a family is also what a scrape of it returns."
    )?;
    writeln!(out)?;
    write_summary(out, catalog, o)?;
    write_stability(out, catalog, o)?;
    write_deviations(out, catalog)?;
    for c in &catalog.components {
        write_component(out, c)?;
    }
    Ok(())
}

fn write_summary(out: &mut String, catalog: &Catalog, o: &DocsOptions) -> std::fmt::Result {
    writeln!(out, "## Series budget")?;
    writeln!(out)?;
    writeln!(out, "| component | title | families | worst-case series |")?;
    writeln!(out, "| --- | --- | ---: | ---: |")?;
    let mut families = 0;
    for c in &catalog.components {
        families += c.families.len();
        writeln!(
            out,
            "| `{}` | {} | {} | {} |",
            c.name,
            c.title,
            c.families.len(),
            c.worst_case_series
        )?;
    }
    writeln!(
        out,
        "| **total** | | **{families}** | **{}** |",
        catalog.worst_case_series
    )?;
    writeln!(out)?;
    write!(
        out,
        "Counted in the worst case: every label combination, and per label set of a histogram one `_bucket` \
         series per bound and `+Inf`, `_sum` and `_count`. Each family is held to its own budget (rule R9)"
    )?;
    match o.series_limit {
        Some(limit) => writeln!(out, ", and the whole catalog to fewer than {limit} series.")?,
        None => writeln!(out, ".")?,
    }
    writeln!(
        out,
        "These are the series of one process: a fleet of N replicas exposes N times as many, each with its own \
         `instance` label."
    )?;
    writeln!(out)?;
    Ok(())
}

fn write_stability(out: &mut String, catalog: &Catalog, o: &DocsOptions) -> std::fmt::Result {
    let all: Vec<&Family> = catalog.families().collect();
    let count = |level: Stability| all.iter().filter(|d| d.stability == level).count();
    let deprecated: Vec<&&Family> = all
        .iter()
        .filter(|d| d.deprecated_since.is_some())
        .collect();
    writeln!(out, "## Stability")?;
    writeln!(out)?;
    writeln!(
        out,
        "Every family has a stability level, graded as Kubernetes grades its metrics. `diff` against a baseline \
         fails on a breaking change to a stable family that was not deprecated first, and warns on a beta one."
    )?;
    if all.iter().any(|d| d.stability_in_help) {
        writeln!(out)?;
        writeln!(
            out,
            "HELP texts start with the level as Kubernetes writes it: `[ALPHA] ` or `[BETA] ` (nothing for \
             stable), then `(Deprecated since X) ` for a deprecated family."
        )?;
    }
    writeln!(out)?;
    writeln!(out, "| level | promise | families |")?;
    writeln!(out, "| --- | --- | ---: |")?;
    writeln!(
        out,
        "| alpha | may change or go without notice | {} |",
        count(Stability::Alpha)
    )?;
    writeln!(
        out,
        "| beta | changes only after a deprecation period | {} |",
        count(Stability::Beta)
    )?;
    writeln!(
        out,
        "| stable | name, type, labels and values are kept | {} |",
        count(Stability::Stable)
    )?;
    writeln!(
        out,
        "| deprecated | still exposed, going away | {} |",
        deprecated.len()
    )?;
    writeln!(out)?;
    if let Some(note) = &o.stability_note {
        writeln!(out, "{}", note.trim_end())?;
        writeln!(out)?;
    }
    for d in &deprecated {
        writeln!(
            out,
            "- [`{}`](#{}) is deprecated since {}.",
            d.name,
            d.name,
            d.deprecated_since.as_deref().unwrap_or("?")
        )?;
    }
    if !deprecated.is_empty() {
        writeln!(out)?;
    }
    Ok(())
}

fn write_deviations(out: &mut String, catalog: &Catalog) -> std::fmt::Result {
    let deviating: Vec<&Family> = catalog
        .families()
        .filter(|d| !d.deviations.is_empty())
        .collect();
    let waived: Vec<(&Family, &Label)> = catalog
        .families()
        .flat_map(|d| {
            d.labels
                .iter()
                .filter(|l| l.waiver.is_some())
                .map(move |l| (d, l))
        })
        .collect();
    writeln!(out, "## Deviations and waivers")?;
    writeln!(out)?;
    if deviating.is_empty() && waived.is_empty() {
        writeln!(out, "None.")?;
        writeln!(out)?;
        return Ok(());
    }
    for d in deviating {
        for reason in &d.deviations {
            writeln!(
                out,
                "- [`{}`](#{}) (deviation): {}",
                d.name,
                d.name,
                one_line(reason)
            )?;
        }
    }
    for (d, l) in waived {
        writeln!(
            out,
            "- [`{}`](#{}), label `{}` (waiver): {}",
            d.name,
            d.name,
            l.name,
            one_line(l.waiver.as_deref().unwrap_or(""))
        )?;
    }
    writeln!(out)?;
    Ok(())
}

/// How a family's worst-case series count is made up, for people: `6 × 13 × 5 = 390 label
/// sets`, and for histograms `× (10 bounds + 3) = 5070`.
pub fn series_formula(d: &Family) -> String {
    let factors: Vec<String> = d
        .labels
        .iter()
        .map(|l| l.cardinality().to_string())
        .collect();
    let sets = match factors.len() {
        0 => "1 label set".to_string(),
        1 => format!("{} label sets", d.label_sets),
        _ => format!("{} = {} label sets", factors.join(" × "), d.label_sets),
    };
    match (d.kind, &d.native) {
        (Kind::Histogram, Some(n)) => format!(
            "{sets} × ({} bounds + `+Inf` + `_sum` + `_count` + {} native buckets) = {}",
            d.buckets.len(),
            n.max_buckets,
            d.worst_case_series
        ),
        (Kind::Histogram, None) => format!(
            "{sets} × ({} bounds + `+Inf` + `_sum` + `_count`) = {}",
            d.buckets.len(),
            d.worst_case_series
        ),
        _ => sets,
    }
}

fn write_component(out: &mut String, c: &Component) -> std::fmt::Result {
    writeln!(out, "## {} (`{}`)", c.title, c.name)?;
    writeln!(out)?;
    writeln!(out, "{}", c.about)?;
    writeln!(out)?;
    writeln!(
        out,
        "| family | type | stability | labels | worst-case series | budget |"
    )?;
    writeln!(out, "| --- | --- | --- | --- | ---: | ---: |")?;
    for d in &c.families {
        writeln!(
            out,
            "| [`{}`](#{}) | {} | {} | {} | {} | {} |",
            d.name,
            d.name,
            d.kind,
            stability(d),
            label_names(d),
            d.worst_case_series,
            d.max_series
        )?;
    }
    writeln!(out, "| **total** | | | | **{}** | |", c.worst_case_series)?;
    writeln!(out)?;
    for d in &c.families {
        write_family(out, d)?;
    }
    Ok(())
}

fn write_family(out: &mut String, d: &Family) -> std::fmt::Result {
    writeln!(out, "### `{}`", d.name)?;
    writeln!(out)?;
    writeln!(out, "{}", d.help)?;
    writeln!(out)?;
    writeln!(out, "| | |")?;
    writeln!(out, "| --- | --- |")?;
    writeln!(out, "| type | {} |", d.kind)?;
    writeln!(out, "| stability | {} |", stability(d))?;
    writeln!(out, "| unit | {} |", d.unit.as_deref().unwrap_or("none"))?;
    if d.role != Role::None {
        writeln!(out, "| role | {} |", d.role.as_str())?;
    }
    writeln!(out, "| labels | {} |", label_names(d))?;
    if d.kind == Kind::Histogram {
        if d.buckets.is_empty() && d.native.is_some() {
            writeln!(
                out,
                "| buckets | native only: text scrapes get `+Inf`, `_sum`, `_count` |"
            )?;
        } else {
            let bounds: Vec<String> = d.buckets.iter().map(f64::to_string).collect();
            writeln!(out, "| buckets | `{}`, `+Inf` |", bounds.join("`, `"))?;
        }
    }
    if let Some(n) = &d.native {
        writeln!(
            out,
            "| native histogram | schema {} (×{:.4} per bucket), zero threshold {}, at most {} buckets (exposed over protobuf) |",
            n.schema,
            n.growth_factor(),
            n.zero_threshold,
            n.max_buckets
        )?;
    }
    writeln!(out, "| worst-case series | {} |", series_formula(d))?;
    writeln!(out, "| series budget | {} |", d.max_series)?;
    if let Some(outcome) = d.outcome_label() {
        writeln!(
            out,
            "| error values | `{}` in `{}` (what the generated rules count as errors) |",
            outcome.error_values().join("`, `"),
            outcome.name
        )?;
    }
    for reason in &d.deviations {
        writeln!(out, "| deviation | {} |", cell(reason))?;
    }
    if let Some(by) = &d.declared_by {
        writeln!(out, "| declared by | `{by}` |")?;
    }
    writeln!(out)?;
    for l in &d.labels {
        write_label(out, l)?;
    }
    Ok(())
}

fn write_label(out: &mut String, l: &Label) -> std::fmt::Result {
    match l.cap {
        Some(cap) => write!(
            out,
            "Label `{}`: `{}`, a capped label: the first {cap} distinct values get series, the rest fold into `__overflow__`.",
            l.name, l.type_name
        )?,
        None => write!(
            out,
            "Label `{}`: `{}`, {} values.",
            l.name,
            l.type_name,
            l.values.len()
        )?,
    }
    if l.route_templates {
        write!(out, " Its values are route templates, never raw paths.")?;
    }
    for text in [&l.doc, &l.type_doc] {
        if !text.is_empty() {
            write!(out, " {}", one_line(text))?;
        }
    }
    writeln!(out)?;
    if let Some(reason) = &l.waiver {
        writeln!(out)?;
        writeln!(out, "Waiver: {}", one_line(reason))?;
    }
    writeln!(out)?;
    if l.values.is_empty() {
        return Ok(());
    }
    writeln!(out, "| value | meaning |")?;
    writeln!(out, "| --- | --- |")?;
    for v in &l.values {
        let mut meaning = cell(&v.doc);
        if v.error {
            meaning = if meaning.is_empty() {
                "**error**".to_string()
            } else {
                format!("**error**: {meaning}")
            };
        }
        if l.default.as_deref() == Some(v.value.as_str()) {
            meaning.push_str(" (default of timers dropped early)");
        }
        writeln!(out, "| `{}` | {} |", v.value, meaning.trim())?;
    }
    writeln!(out)?;
    Ok(())
}

/// `beta`, or `alpha, deprecated since 1.2.0`.
fn stability(d: &Family) -> String {
    match &d.deprecated_since {
        Some(v) => format!("{}, deprecated since {v}", d.stability.as_str()),
        None => d.stability.as_str().to_string(),
    }
}

fn label_names(d: &Family) -> String {
    if d.labels.is_empty() {
        return "none".to_string();
    }
    let names: Vec<String> = d.labels.iter().map(|l| format!("`{}`", l.name)).collect();
    names.join(", ")
}

/// Text on one line (doc comments may span several).
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Text for a table cell: on one line, with `|` escaped.
fn cell(text: &str) -> String {
    one_line(text).replace('|', "\\|")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn native_histograms_show_their_settings() {
        let catalog = Catalog::from_json(
            r#"{ "schema_version": 1, "components": [ { "name": "n", "families": [
                { "name": "app_wait_seconds", "type": "histogram", "unit": "seconds",
                  "max_series": 400,
                  "native": { "schema": 3, "zero_threshold": 1e-9, "max_buckets": 160 } }
            ] } ] }"#,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let text = render(&catalog, &DocsOptions::default());
        assert!(
            text.contains("| buckets | native only: text scrapes get `+Inf`, `_sum`, `_count` |"),
            "{text}"
        );
        assert!(
            text.contains("| native histogram | schema 3 (×1.0905 per bucket), zero threshold 0.000000001, at most 160 buckets (exposed over protobuf) |"),
            "{text}"
        );
        assert!(
            text.contains(
                "1 label set × (0 bounds + `+Inf` + `_sum` + `_count` + 160 native buckets) = 163"
            ),
            "{text}"
        );
    }
}
