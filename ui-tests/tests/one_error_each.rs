//! One mistake, one error: each failing case makes rustc report exactly the errors its
//! `.stderr` shows, no more.
//!
//! trybuild (like cargo) prints an error once however many times rustc emits it, so a
//! `.stderr` cannot show that an unbounded label type was reported three times, once per
//! generated use of the type ("due to 3 previous errors"). This test builds every case of
//! `tests/fail*/` as a binary of a scratch crate, with the policy its directory is compiled
//! under, and counts the errors in rustc's JSON diagnostics against the `error` headers of the
//! case's `.stderr`.
//!
//! The scratch crate uses this workspace's lock file and target directory, so it builds only
//! the cases themselves.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn ui_tests() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn workspace() -> PathBuf {
    ui_tests().parent().unwrap().to_path_buf()
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("target"))
}

/// The `error` headers of a `.stderr`: the errors trybuild saw, each once.
fn expected_errors(stderr: &Path) -> usize {
    std::fs::read_to_string(stderr)
        .unwrap_or_default()
        .lines()
        .filter(|l| l.starts_with("error:") || l.starts_with("error["))
        .count()
}

/// Builds every case of `dir` under the policy `manifest`; rustc's errors per case.
fn errors_per_case(dir: &str, manifest: &Path) -> BTreeMap<String, (usize, Vec<String>)> {
    let cases: Vec<PathBuf> = std::fs::read_dir(ui_tests().join("tests").join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .collect();
    let krate = target_dir().join("tests").join("one-error-each").join(dir);
    std::fs::create_dir_all(&krate).unwrap();
    let mut toml = format!(
        "[package]\nname = \"one-error-each-{}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\nmetrics-runtime = {{ path = {:?}, default-features = false, features = [\"prometheus\"] }}\n\n\
         [workspace]\n",
        dir.replace('_', "-"),
        workspace().join("metrics-runtime")
    );
    for case in &cases {
        let name = case.file_stem().unwrap().to_str().unwrap();
        toml.push_str(&format!("\n[[bin]]\nname = {name:?}\npath = {case:?}\n"));
    }
    std::fs::write(krate.join("Cargo.toml"), toml).unwrap();
    std::fs::copy(workspace().join("Cargo.lock"), krate.join("Cargo.lock")).unwrap();
    let out = Command::new(env!("CARGO"))
        .args([
            "build",
            "--bins",
            "--keep-going",
            "--message-format=json",
            "--quiet",
        ])
        .current_dir(&krate)
        .env("CARGO_TARGET_DIR", target_dir())
        .env("METRICS_POLICY_MANIFEST", manifest)
        .output()
        .unwrap();
    let mut found: BTreeMap<String, (usize, Vec<String>)> = cases
        .iter()
        .map(|c| {
            (
                c.file_stem().unwrap().to_str().unwrap().to_string(),
                (0, Vec::new()),
            )
        })
        .collect();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let Ok(msg) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if msg["reason"] != "compiler-message" || msg["message"]["level"] != "error" {
            continue;
        }
        let text = msg["message"]["message"].as_str().unwrap_or("");
        if text.starts_with("aborting due to") {
            continue;
        }
        let bin = msg["target"]["name"].as_str().unwrap_or("").to_string();
        if let Some((n, texts)) = found.get_mut(&bin) {
            *n += 1;
            texts.push(text.to_string());
        }
    }
    found
}

#[test]
fn each_case_reports_exactly_the_errors_its_stderr_shows() {
    let policies = [
        ("fail", ui_tests().join("Cargo.toml")),
        ("fail_trc", ui_tests().join("policy/trc/Cargo.toml")),
        ("fail_strict", ui_tests().join("policy/strict/Cargo.toml")),
    ];
    let mut wrong = Vec::new();
    for (dir, manifest) in policies {
        for (case, (n, texts)) in errors_per_case(dir, &manifest) {
            let stderr = ui_tests()
                .join("tests")
                .join(dir)
                .join(format!("{case}.stderr"));
            let expected = expected_errors(&stderr);
            if n != expected || n == 0 {
                wrong.push(format!(
                    "{dir}/{case}: rustc reported {n} errors, the .stderr shows {expected}: {texts:#?}"
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
