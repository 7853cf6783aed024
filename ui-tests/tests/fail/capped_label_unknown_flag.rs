//! `capped_label!` takes one flag after the cap, `route_templates`; another is an error that
//! names it.

metrics_runtime::capped_label! {
    /// Route ids.
    pub struct RouteId(cap = 64, route_template);
}

fn main() {}
