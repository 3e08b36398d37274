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
