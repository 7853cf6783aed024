//! Every runnable example's `main` is a thin call into its seed's `run_demo()`; this binary
//! runs the four of them, as the examples do, and checks what each shows. It also checks
//! what the crate policy cannot: each seed's families carry that seed's prefix.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use metrics_examples::{
    seed001_axum_server, seed002_backup_manager, seed003_orchestrator, seed004_workflow_runtime,
    seeds,
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
    for seed in seeds() {
        for family in seed.families() {
            assert!(
                family.name().starts_with(seed.prefix),
                "seed {}: `{}` lacks the seed's prefix `{}`",
                seed.id,
                family.name(),
                seed.prefix
            );
            all += 1;
        }
        // A registry of the seed alone holds every one of its families.
        assert_eq!(
            seed.registry().unwrap().families().len(),
            seed.families().count()
        );
    }
    assert_eq!(Registry::conflicts(), Vec::<&str>::new());
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
    for seed in seeds() {
        for family in seed.families() {
            assert!(
                docs.contains(&format!("`{}", family.name())),
                "docs/seeds.md does not mention `{}` (seed {})",
                family.name(),
                seed.id
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
