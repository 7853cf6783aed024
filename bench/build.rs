//! Writes the wide label enums the encode benchmarks need (`V0`..`V99` and `V0`..`V9`), once
//! per crate under test, so each crate gets its own idiomatic declaration of the same values.
//! Spelling 100 variants out by hand, or with a `macro_rules!` counter, would be worse to read.

use std::fmt::Write as _;

fn variants(n: usize) -> String {
    (0..n).map(|i| format!("V{i}, ")).collect()
}

fn names(n: usize) -> String {
    (0..n).map(|i| format!("\"v{i}\", ")).collect()
}

fn main() {
    let mut out = String::new();
    for (ty, n) in [("L100", 100usize), ("L10", 10)] {
        let (v, s) = (variants(n), names(n));
        // Ours: the derive under test.
        writeln!(
            out,
            "pub mod ours_{lower} {{
    /// A label with {n} values, `v0` to `v{last}`.
    #[derive(::metrics_runtime::LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
    pub enum {ty} {{ {v} }}
}}
pub mod pc_{lower} {{
    /// The same {n} values for prometheus-client, rendered as `v0`..`v{last}` like ours.
    #[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]
    pub enum {ty} {{ {v} }}
    impl {ty} {{
        /// Every value, in declaration order.
        pub const ALL: [{ty}; {n}] = [{table}];
    }}
    impl ::prometheus_client::encoding::EncodeLabelValue for {ty} {{
        fn encode(&self, encoder: &mut ::prometheus_client::encoding::LabelValueEncoder<'_>) -> ::core::fmt::Result {{
            ::core::fmt::Write::write_str(encoder, super::NAMES_{n}[*self as usize])
        }}
    }}
}}
pub mod measured_{lower} {{
    /// The same {n} values for measured (its derive renders `V7` as `v7`).
    #[derive(::measured::FixedCardinalityLabel, Clone, Copy, Debug, PartialEq, Eq)]
    pub enum {ty} {{ {v} }}
}}
/// The {n} label values as strings, for the `prometheus` crate.
pub const NAMES_{n}: [&str; {n}] = [{s}];
",
            lower = ty.to_lowercase(),
            last = n - 1,
            table = (0..n).map(|i| format!("{ty}::V{i}, ")).collect::<String>(),
        )
        .expect("write to a String");
    }
    let dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    std::fs::write(format!("{dir}/labels.rs"), out).expect("OUT_DIR is writable");
    println!("cargo::rerun-if-changed=build.rs");
}
