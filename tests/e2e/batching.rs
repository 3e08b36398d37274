//! Every relationship goes through a DataLoader: the statements a canonical query runs are a
//! fixed number, the same on the real disclosure and on a much larger synthetic one.

use crate::common::{App, TestDb, example, example_variables, examples};
use seed::synth::Shape;
use serde_json::json;
use std::collections::BTreeMap;

/// Upper bounds per canonical query (statements per request).
const BOUNDS: &[(&str, usize)] = &[
    ("Catalogue", 4),
    ("FunctionalTree", 5),
    ("EconomicTree", 4),
    ("Revenue", 4),
    ("YearOverYear", 10),
    ("History", 3),
    ("Node", 1),
    ("Accountability", 5),
    // Aggregates sum slices held in memory per data version: no statement once warm.
    ("SpendingByFunction", 0),
    ("TopDepartments", 0),
    ("Cofog", 0),
    ("PrintedTable", 11),
];

async fn counts(app: &App, department: &str, id: &serde_json::Value) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for name in examples() {
        let query = example(&name).replace("pingshan-gsdmb", department);
        let variables = if name == "Node" {
            json!({ "id": id })
        } else {
            example_variables(app, &name).await
        };
        // Once first: what a data version reads once (the aggregates' catalogue) is not
        // per request.
        app.data(&query, variables.clone()).await;
        // `App::uncached` gives the DataLoader a 50 ms window, so that a busy test machine
        // does not split a batch: the counts are the design's (under load: the benchmark).
        counts.insert(name, app.count_statements(&query, variables).await);
    }
    counts
}

#[tokio::test]
async fn statement_counts_are_fixed_and_do_not_grow_with_data() {
    let app = App::uncached(TestDb::seeded().await).await;
    let bureau = crate::common::bureau_id(&app).await;
    let real = counts(&app, "pingshan-gsdmb", &bureau).await;
    eprintln!("statements per canonical query: {real:?}");
    for (name, bound) in BOUNDS {
        assert!(
            real[*name] <= *bound,
            "{name} ran {} statements (bound {bound})",
            real[*name]
        );
    }

    // 50 departments × 3 years, each with larger trees than the real one.
    let dir = crate::common::temp_dir("batching");
    seed::synth::write(dir.path(), &Shape::new(50, 3)).unwrap();
    app.load(&seed::DataSource::Dir(dir.path().to_owned()))
        .await;
    let code = Shape::department_code(7);
    let id = app
        .data(
            &format!(r#"{{ department(code: "{code}") {{ id }} }}"#),
            json!({}),
        )
        .await["department"]["id"]
        .clone();
    let synthetic = counts(&app, &code, &id).await;
    assert_eq!(synthetic, real, "statement counts changed with the data");

    // The synthetic tree really is bigger: the same query walked more rows with the same statements.
    let tree = app
        .data(
            &example("FunctionalTree").replace("pingshan-gsdmb", &code),
            json!({}),
        )
        .await;
    let roots = tree["department"]["budget"]["lines"].as_array().unwrap();
    assert_eq!(roots.len(), 6);
    assert_eq!(
        roots[0]["children"][0]["children"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
}
