//! Reference data comes from memory and every relationship is fetched in batches: the
//! statements a canonical query runs are a fixed number, the same on the real disclosure and
//! on a much larger synthetic one, and the same under 64 concurrent clients.

use crate::common::{App, TestDb, example, example_variables, examples};
use seed::synth::Shape;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;

/// Upper bounds per canonical query (statements per request, once the data version's
/// reference data is in memory).
const BOUNDS: &[(&str, usize)] = &[
    // Fiscal years and the page of departments come from memory.
    ("Catalogue", 0),
    // The budget lines; departments, years and totals come from memory.
    ("FunctionalTree", 1),
    ("EconomicTree", 1),
    ("Revenue", 1),
    // Headlines, projects with their sub-items, 三公: each fetched for all years at once, so
    // the comparisons with 2022 cost nothing more.
    ("YearOverYear", 3),
    ("History", 0),
    ("Node", 0),
    ("Accountability", 3),
    // Aggregates sum slices held in memory per data version: no statement once warm.
    ("SpendingByFunction", 0),
    ("TopDepartments", 0),
    ("Cofog", 0),
    ("PrintedTable", 7),
    // The index is built once per data version; the hits' objects come by department-year in
    // one statement per kind found (视频: sub-items, indicators).
    ("Search", 3),
];

/// The request each example makes about `department` (`id`: its global id, for `Node`).
async fn request(app: &App, name: &str, department: &str, id: &Value) -> (String, Value) {
    let query = example(name).replace("pingshan-gsdmb", department);
    let variables = if name == "Node" {
        json!({ "id": id })
    } else {
        example_variables(app, name).await
    };
    (query, variables)
}

async fn counts(app: &App, department: &str, id: &Value) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for name in examples() {
        let (query, variables) = request(app, &name, department, id).await;
        // Once first: what a data version reads once (the reference data, the aggregates'
        // slices) is not per request.
        app.data(&query, variables.clone()).await;
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

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn statement_counts_hold_under_64_concurrent_clients() {
    // Batches form by resolver pass, not by a time window: a busy server splits none.
    // 64 clients from one address: rate limits off.
    let app = Arc::new(
        App::seeded_uncached(api::config::Config {
            rate_limit_points_per_minute: 0,
            ..api::config::Config::defaults()
        })
        .await,
    );
    let bureau = crate::common::bureau_id(&app).await;
    let alone = counts(&app, "pingshan-gsdmb", &bureau).await;
    for name in examples() {
        let (query, variables) = request(&app, &name, "pingshan-gsdmb", &bureau).await;
        app.test.statements.store(0, Ordering::SeqCst);
        let clients: Vec<_> = (0..64)
            .map(|_| {
                let (app, query, variables) = (app.clone(), query.clone(), variables.clone());
                tokio::spawn(async move { app.data(&query, variables).await })
            })
            .collect();
        for client in clients {
            client.await.expect("client");
        }
        assert_eq!(
            app.test.statements.load(Ordering::SeqCst),
            64 * alone[&name],
            "{name}: 64 concurrent requests ran a different number of statements than 64 alone"
        );
    }
}
