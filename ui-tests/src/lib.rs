//! Compile-time tests of the metrics policy: see `tests/ui.rs` and `RULES.md`.
