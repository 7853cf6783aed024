//! The compile-time rules, proven by trybuild: the rules have failing cases in `tests/fail/`
//! (with the exact `.stderr`, see `RULES.md`), and `tests/pass/` shows what compiles. The
//! platform policy of seed 000 (prefix `trc_`, tenant labels, stability in HELP) gets
//! `tests/fail_trc/` and `tests/pass_trc/`, a strict policy (`max_series`, `forbidden_labels`)
//! `tests/fail_strict/` and `tests/pass_strict/`.
//!
//! trybuild compiles the cases in a crate of its own, so the macros cannot find this
//! package's `[package.metadata.metrics]`; `METRICS_POLICY_MANIFEST` points them at it. The
//! variable is process-wide, so each policy gets its own `TestCases`, run (on drop) before
//! the variable changes.

/// This package's manifest: policy prefix `app_`.
const APP_POLICY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml");
/// The platform policy of seed 000: prefix `trc_`, `tenant_labels = ["org_id", "env_id"]` (R11),
/// `stability_in_help = true`.
const TRC_POLICY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/policy/trc/Cargo.toml");
/// A strict policy: prefix `app_`, a budget of 20 series, `tenant` forbidden.
const STRICT_POLICY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/policy/strict/Cargo.toml");

fn use_policy(manifest: &str) {
    // SAFETY: this is the only test in this binary and it spawns no threads of its own; the
    // variable is set while no other thread reads the environment.
    #[allow(unsafe_code)]
    unsafe {
        std::env::set_var("METRICS_POLICY_MANIFEST", manifest);
    }
}

#[test]
fn ui() {
    {
        use_policy(APP_POLICY);
        let t = trybuild::TestCases::new();
        t.compile_fail("tests/fail/*.rs");
        t.pass("tests/pass/*.rs");
    }
    {
        use_policy(TRC_POLICY);
        let t = trybuild::TestCases::new();
        t.compile_fail("tests/fail_trc/*.rs");
        t.pass("tests/pass_trc/*.rs");
    }
    {
        use_policy(STRICT_POLICY);
        let t = trybuild::TestCases::new();
        t.compile_fail("tests/fail_strict/*.rs");
        t.pass("tests/pass_strict/*.rs");
    }
}
