//! Every runnable example's `main` is a thin call into its seed's `run_demo()`; this binary
//! runs the four of them, as the examples do, and checks what each shows. It also checks
//! what the crate policy cannot: each seed's families carry that seed's prefix.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use metrics_examples::{
    SEEDS, seed001_axum_server, seed002_backup_manager, seed003_orchestrator,
    seed004_workflow_runtime,
};
use metrics_runtime::Registry;

#[test]
fn example_axum_server() {
    let text = seed001_axum_server::run_demo().unwrap();
    assert!(text.contains(
        "tachikoma_http_requests_total{service=\"tachikoma\",method=\"get\",path_template=\"/api/v1/missions/{id}\",status=\"200\"} 1\n"
    ));
    assert!(text.contains("path_template=\"unmatched\",status=\"404\"} 1\n"));
    assert!(!text.contains("wp-login") && !text.contains("123e4567"));
    assert!(
        text.contains("status=\"429\"} 1\n"),
        "the rate-limited execution"
    );
    assert!(text.contains("tachikoma_missions{service=\"tachikoma\"} 3\n"));
}

#[test]
fn example_backup_manager() {
    let text = seed002_backup_manager::run_demo().unwrap();
    assert!(text.contains("rm_host_repo_status{host=\"laptop-03\",status=\"init_failed\"} 1\n"));
    assert!(text.contains("rm_build_info{commit="));
    let dashboard = seed002_backup_manager::dashboard();
    assert!(dashboard["panels"].as_array().unwrap().len() > 6);
}

#[test]
fn example_orchestrator() {
    let (before, after) = seed003_orchestrator::run_demo().unwrap();
    assert_eq!(before.components_instrumented(), (2, 8));
    assert_eq!(before.unrecorded().len(), 25);
    assert_eq!(after.components_instrumented(), (5, 8));
    assert_eq!(after.unrecorded().len(), 11);
    assert!(before.render().contains("declared, never recorded:\n"));
}

#[test]
fn example_workflow_runtime() {
    let demo = seed004_workflow_runtime::run_demo().unwrap();
    assert_eq!(demo.tally.failed, 50);
    assert_eq!(demo.tally.continued, 3);
    assert!(demo.exposition.contains(
        "duroxide_orchestration_failures_total{orchestration_name=\"toygres::CreateInstance\",error_type=\"app_error\",error_category=\"logic\"} 50\n"
    ));
}

#[test]
fn each_seed_keeps_its_own_prefix_and_no_two_families_share_a_name() {
    let mut all = 0;
    for (id, prefix, seed) in SEEDS {
        for family in seed.families() {
            assert!(
                family.name().starts_with(prefix),
                "seed {id}: `{}` lacks the seed's prefix `{prefix}`",
                family.name(),
            );
            all += 1;
        }
        // A registry of the seed alone holds every one of its families.
        assert_eq!(
            seed.registry().unwrap().families().len(),
            seed.families().count()
        );
    }
    assert_eq!(Registry::conflicts(), Vec::<String>::new());
    // Every family this crate declares belongs to exactly one seed. (The catalog's own
    // families are linked too, through its dashboard builder; they are not ours.)
    let ours = Registry::all()
        .families()
        .iter()
        .filter(|f| f.descriptor().module_path.starts_with("metrics_examples"))
        .count();
    assert_eq!(ours, all);
}

#[test]
fn docs_seeds_md_matches_the_declarations() {
    let docs = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/seeds.md"))
        .expect("docs/seeds.md");
    for (id, _, seed) in SEEDS {
        for family in seed.families() {
            assert!(
                docs.contains(&format!("`{}", family.name())),
                "docs/seeds.md does not mention `{}` (seed {id})",
                family.name(),
            );
        }
    }
    // The waiver's reason, verbatim.
    assert!(docs.contains(seed002_backup_manager::HOST_WAIVER));
    // Seed 004's worst case, as stated.
    let series = seed004_workflow_runtime::registry(Default::default())
        .unwrap()
        .series_count();
    let stated = format!("{},{:03}", series / 1000, series % 1000);
    assert!(
        docs.contains(&stated),
        "docs/seeds.md should state {stated} series"
    );
}

/// Each seed's metrics binary (`src/bin/seed00N-metrics.rs`, the one-file binary a component
/// author writes) produces the seed's reference docs, which are committed and checked fresh,
/// and its rules and dashboard, which promtool accepts.
#[test]
fn each_seed_gets_docs_rules_and_dashboard_through_its_metrics_binary() {
    let bins = [
        ("001", env!("CARGO_BIN_EXE_seed001-metrics")),
        ("002", env!("CARGO_BIN_EXE_seed002-metrics")),
        ("003", env!("CARGO_BIN_EXE_seed003-metrics")),
        ("004", env!("CARGO_BIN_EXE_seed004-metrics")),
    ];
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let promtool = metrics_tests::find_tool("promtool", "each_seed_gets_docs_rules_and_dashboard");
    for (id, bin) in bins {
        let run = |args: &[&str]| {
            let out = std::process::Command::new(bin)
                .args(args)
                .current_dir(root)
                .output()
                .expect("run the seed's metrics binary");
            assert!(
                out.status.success(),
                "seed {id} {args:?}: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            String::from_utf8(out.stdout).expect("UTF-8")
        };
        let docs = format!("docs/seeds/seed{id}.md");
        if std::env::var_os("UPDATE_DOCS").is_some() {
            run(&["docs", "--out", &docs]);
        }
        run(&["docs", "--check", "--out", &docs]);
        let (_, prefix, seed) = SEEDS
            .iter()
            .find(|(i, _, _)| *i == id)
            .expect("seed listed");
        let reference = std::fs::read_to_string(format!("{root}/{docs}")).expect("reference");
        for family in seed.families() {
            assert!(reference.contains(&format!("### `{}`", family.name())));
        }
        let rules = run(&["rules"]);
        assert!(
            rules.contains(prefix),
            "seed {id}: rules over its own families"
        );
        let dashboard: serde_json::Value =
            serde_json::from_str(&run(&["dashboard"])).expect("dashboard JSON");
        assert!(
            dashboard["panels"]
                .as_array()
                .is_some_and(|p| !p.is_empty())
        );
        let sample = run(&["sample"]);
        assert!(sample.contains(&format!("# TYPE {prefix}")));
        if let Some(promtool) = &promtool {
            let dir = std::env::temp_dir().join(format!("seed{id}-rules-{}", std::process::id()));
            std::fs::create_dir_all(&dir).expect("dir");
            let file = dir.join("rules.yml");
            std::fs::write(&file, &rules).expect("write rules");
            let out = std::process::Command::new(promtool)
                .args(["check", "rules"])
                .arg(&file)
                .output()
                .expect("promtool");
            assert!(
                out.status.success(),
                "seed {id}: promtool check rules: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            let _ = std::fs::remove_dir_all(&dir);
        }
    }
}
