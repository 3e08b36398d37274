//! The canonical queries (`examples/`: copies of `shared/contract/` and the contract queries
//! the issues added) work exactly as written; their responses are snapshots shared by both
//! databases, so SQLite and PostgreSQL must agree. That `examples/` holds `shared/contract/`
//! verbatim is checked by `.ci/run`, where the shared folder is always present.

use crate::common::{App, example, example_variables, examples};

#[tokio::test]
async fn canonical_queries_return_the_disclosure() {
    let app = App::seeded().await;
    for name in examples() {
        let variables = example_variables(&app, &name).await;
        let data = app.data(&example(&name), variables).await;
        insta::assert_json_snapshot!(name, data);
    }
}

/// `.ci/contract DIR`, run from the repository; its exit status and its stderr.
fn contract_check(dir: &std::path::Path) -> (bool, String) {
    let root = format!("{}/..", env!("CARGO_MANIFEST_DIR"));
    let out = std::process::Command::new("bash")
        .arg(format!("{root}/.ci/contract"))
        .arg(dir)
        .output()
        .expect("run .ci/contract");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The CI's contract check fails loudly, never skips, when the shared folder is absent or
/// empty, and when a file differs from its copy in `examples/`.
#[test]
fn the_contract_check_fails_when_the_contract_is_absent() {
    let guard = crate::common::temp_dir("contract");
    let dir = guard.path();
    let missing = dir.join("missing");
    let (ok, err) = contract_check(&missing);
    assert!(
        !ok && err.contains(&format!("{} is missing", missing.display())),
        "{err}"
    );
    let (ok, err) = contract_check(dir);
    assert!(!ok && err.contains("is empty"), "{err}");
    std::fs::write(dir.join("History.graphql"), example("History")).unwrap();
    assert_eq!(contract_check(dir), (true, String::new()));
    std::fs::write(dir.join("History.graphql"), example("History") + " ").unwrap();
    let (ok, err) = contract_check(dir);
    assert!(
        !ok && err.contains("examples/History.graphql differs"),
        "{err}"
    );
}
