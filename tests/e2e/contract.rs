//! The canonical queries (`examples/`: copies of `shared/contract/` and the contract queries
//! the issues added) work exactly as written; their responses are snapshots shared by both
//! databases, so SQLite and PostgreSQL must agree.

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

#[tokio::test]
async fn examples_are_the_contract_verbatim() {
    let contract = format!("{}/../../shared/contract", env!("CARGO_MANIFEST_DIR"));
    let Ok(entries) = std::fs::read_dir(&contract) else {
        // The shared folder sits beside the repository on the team's machines and in CI.
        eprintln!("skipping: {contract} not present");
        return;
    };
    let examples = format!("{}/../examples", env!("CARGO_MANIFEST_DIR"));
    for entry in entries {
        // Every file of the contract (queries and any variables) is in examples/ verbatim;
        // examples/ may hold more.
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            std::fs::read_to_string(format!("{examples}/{name}")).unwrap_or_default(),
            "examples/{name} differs from the contract"
        );
    }
}
