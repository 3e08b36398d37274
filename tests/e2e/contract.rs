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
    let mut names = Vec::new();
    for entry in entries {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            example(&name),
            "examples/{name}.graphql differs from the contract"
        );
        names.push(name);
    }
    // Every shared query is an example; examples may hold more (contract queries of issues).
    let examples = examples();
    for name in names {
        assert!(examples.contains(&name), "{name} is not in examples/");
    }
}
