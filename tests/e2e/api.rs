//! API behaviour beyond the contract: Relay paging and ids, null versus errors, units,
//! tree selection, GraphiQL and GET, and errors that hide internals.

use crate::common::{App, bureau_budget, bureau_id, error_code, item, texts};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::{Value, json};

const PAGE: &str = r#"query($first: Int, $after: String, $last: Int, $before: String, $name: String) {
  departments(first: $first, after: $after, last: $last, before: $before, name: $name) {
    totalCount edges { cursor node { code } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }"#;

fn codes(data: &Value) -> Vec<String> {
    data["departments"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["code"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn departments_page_forwards_and_backwards() {
    let app = App::seeded().await;
    let first = app.data(PAGE, json!({"first": 1})).await;
    assert_eq!(codes(&first), ["pingshan-gsbdc"]);
    assert_eq!(first["departments"]["totalCount"], 2);
    assert_eq!(first["departments"]["pageInfo"]["hasNextPage"], true);
    let after = first["departments"]["pageInfo"]["endCursor"].clone();
    let second = app.data(PAGE, json!({"first": 1, "after": after})).await;
    assert_eq!(codes(&second), ["pingshan-gsdmb"]);
    assert_eq!(second["departments"]["pageInfo"]["hasNextPage"], false);
    assert_eq!(second["departments"]["pageInfo"]["hasPreviousPage"], true);
    let last = app.data(PAGE, json!({"last": 1})).await;
    assert_eq!(codes(&last), ["pingshan-gsdmb"]);
    let before = last["departments"]["pageInfo"]["startCursor"].clone();
    assert_eq!(
        codes(&app.data(PAGE, json!({"last": 1, "before": before})).await),
        ["pingshan-gsbdc"]
    );
    // Name filter, Chinese or English, case-insensitive.
    assert_eq!(
        codes(&app.data(PAGE, json!({"name": "大数据"})).await),
        ["pingshan-gsbdc"]
    );
    assert_eq!(
        codes(&app.data(PAGE, json!({"name": "BUREAU"})).await),
        ["pingshan-gsdmb"]
    );
    assert_eq!(
        app.data(PAGE, json!({"name": "nothing like it"})).await["departments"]["totalCount"],
        0
    );
    // `%`, `_` and `\` in the filter are plain text on both databases.
    app.execute(r"INSERT INTO department (code, name, name_en) VALUES ('odd', 'a_b%c\d', 'odd')")
        .await;
    // Written outside a load: say so, as a load would (the reference data is per data version).
    app.execute("UPDATE dataset SET version = version + 1")
        .await;
    app.state.refresh_data_version().await;
    for (text, found) in [
        ("_", 1),
        ("%", 1),
        ("\\", 1),
        ("a_b%c", 1),
        ("b_", 0),
        ("a%c", 0),
    ] {
        assert_eq!(
            app.data(PAGE, json!({ "name": text })).await["departments"]["totalCount"],
            found,
            "{text}"
        );
    }
}

#[tokio::test]
async fn oversized_pages_and_bad_cursors_are_bad_user_input() {
    let app = App::seeded().await;
    for variables in [
        json!({"first": 101}),
        json!({"last": 99999999}),
        json!({"first": -1}),
        json!({"after": "not-a-cursor"}),
    ] {
        let (status, body) = app.post(PAGE, variables.clone()).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{variables}: {body}");
    }
    assert_eq!(codes(&app.data(PAGE, json!({"first": 100})).await).len(), 2);
}

#[tokio::test]
async fn unknown_things_are_null_and_malformed_ids_are_errors() {
    let app = App::seeded().await;
    let data = app
        .data(
            r#"{ nope: department(code: "nope") { code }
                 y: department(code: "pingshan-gsdmb") { budget(year: 2019) { revenueTotal } profile(year: 2019) { duties } }
                 n: node(id: "RGVwYXJ0bWVudDpub3BlLW5vcGU") { id } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        data,
        json!({"nope": null, "y": {"budget": null, "profile": null}, "n": null})
    );
    for id in ["%%%", "Zm9vOmJhcg"] {
        let (_, body) = app
            .post(
                "query($id: ID!) { node(id: $id) { id } }",
                json!({"id": id}),
            )
            .await;
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body}");
    }
    let (_, body) = app
        .post(
            r#"{ department(code: "pingshan-gsdmb") { budget(year: 99999) { unit } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT");
}

#[tokio::test]
async fn every_node_type_round_trips_through_node() {
    let app = App::seeded().await;
    let data = app
        .data(
            r#"{ department(code: "pingshan-gsdmb") { id budget(year: 2023) { id projects { projectInfo { id key } } lines(scheme: ECONOMIC, code: "302") { node { id code } } } } }"#,
            json!({}),
        )
        .await;
    let d = &data["department"];
    let ids = [
        (d["id"].clone(), "Department"),
        (d["budget"]["id"].clone(), "Budget"),
        (
            d["budget"]["projects"][0]["projectInfo"]["id"].clone(),
            "Project",
        ),
        (
            d["budget"]["lines"][0]["node"]["id"].clone(),
            "ClassificationNode",
        ),
    ];
    for (id, typename) in ids {
        let node = app
            .data(
                "query($id: ID!) { node(id: $id) { __typename id } }",
                json!({"id": id}),
            )
            .await;
        assert_eq!(node["node"], json!({"__typename": typename, "id": id}));
    }
    assert_eq!(bureau_id(&app).await, d["id"]);
}

#[tokio::test]
async fn amounts_in_yuan_trees_from_a_level_or_code_and_node_series() {
    let app = App::seeded().await;
    let b = &bureau_budget(
        &app,
        r#"unit currency yuan: revenueTotal(unit: YUAN)
           level3: lines(scheme: FUNCTIONAL, fromLevel: 3) { code }
           sub: lines(scheme: ECONOMIC, code: "30227") { code amount basic project amountYuan: amount(unit: YUAN) source { citation } }
           tables { tableNumber isEmpty }"#,
    )
    .await;
    assert_eq!(
        (b["unit"].clone(), b["currency"].clone(), b["yuan"].clone()),
        (json!("万元"), json!("CNY"), json!("297600000"))
    );
    assert_eq!(
        texts(&b["level3"], "code"),
        [
            "2013701", "2013702", "2013799", "2050803", "2080505", "2080506", "2101101", "2210201",
            "2210203"
        ]
    );
    assert_eq!(
        b["sub"],
        json!([{"code": "30227", "amount": "4187", "basic": "9", "project": "4178", "amountYuan": "41870000", "source": {"citation": "表8 一般公共预算支出表（按经济分类）"}}])
    );
    let empty: Vec<i64> = b["tables"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["isEmpty"] == true)
        .map(|t| t["tableNumber"].as_i64().unwrap())
        .collect();
    assert_eq!(empty, [10, 11]);
    let data = app
        .data(
            r#"{ classificationNode(scheme: FUNCTIONAL, code: "2013799") { level ancestors { code } parent { code }
                   amounts { totalCount pageInfo { hasNextPage } edges { node { year amount department { code } source { tableNumber } } } }
                   none: amounts(department: "nobody") { totalCount edges { cursor } } } }"#,
            json!({}),
        )
        .await;
    let node = &data["classificationNode"];
    assert_eq!(node["level"], 3);
    assert_eq!(
        node["ancestors"],
        json!([{"code": "201"}, {"code": "20137"}])
    );
    assert_eq!(
        node["amounts"],
        json!({"totalCount": 1, "pageInfo": {"hasNextPage": false}, "edges": [{"node":
            {"year": 2023, "amount": "27102", "department": {"code": "pingshan-gsdmb"}, "source": {"tableNumber": 3}}}]})
    );
    assert_eq!(node["none"], json!({"totalCount": 0, "edges": []}));
}

#[tokio::test]
async fn browsers_get_the_playground_and_get_queries_work() {
    let app = App::seeded().await;
    let (_, html) = app.playground().await;
    assert!(
        html.contains("playground/graphiql.min.js") && html.contains("query FunctionalTree"),
        "{html}"
    );
    let request = Request::get("/graphql?query=%7BfiscalYears%7Byear%7D%7D")
        .body(Body::empty())
        .unwrap();
    let (status, body) = app.send(request).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body["data"]["fiscalYears"],
        json!([{"year": 2022}, {"year": 2023}])
    );
}

#[tokio::test]
async fn database_failures_are_internal_errors_without_details() {
    let leaks = |body: &Value, table: &str| {
        let text = body.to_string();
        assert!(
            !text.contains(table) && !text.to_lowercase().contains("sql"),
            "leaks internals: {text}"
        );
    };
    // A table of facts fails: that field is an internal error, the rest of the answer stands.
    let app = App::seeded().await;
    app.execute("DROP TABLE indicator").await;
    let (status, body) = app
        .post(
            r#"{ fiscalYears { year } department(code: "pingshan-gsdmb") {
                   budget(year: 2023) { performanceIndicators { name } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(error_code(&body), "INTERNAL");
    assert!(body["errors"][0]["message"] == "internal error", "{body}");
    assert_eq!(
        body["data"]["fiscalYears"],
        json!([{"year": 2022}, {"year": 2023}])
    );
    leaks(&body, "indicator");
    // The reference data cannot be read: nothing can be answered, 503 with the same code.
    let app = App::seeded().await;
    app.execute("DROP TABLE glossary_term").await;
    let (status, body) = app.post("{ glossary { term } }", json!({})).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(error_code(&body), "INTERNAL");
    leaks(&body, "glossary_term");
}

#[tokio::test]
async fn unknown_stored_enum_values_are_errors_not_defaults() {
    let app = App::seeded().await;
    app.execute("UPDATE consistency_check SET status = 'BOGUS'")
        .await;
    let (status, body) = app
        .post(
            r#"{ department(code: "pingshan-gsdmb") { budget(year: 2023) { checks { status } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(error_code(&body), "INTERNAL", "{body}");
}

#[tokio::test]
async fn subprojects_and_tasks_compare_across_years() {
    let app = App::seeded().await;
    let budget = &bureau_budget(
        &app,
        "projects { key subprojects { name change(baseYear: 2022) { base current } } }
         tasks { name change(baseYear: 2022) { base current } }",
    )
    .await;
    let admin = item(&budget["projects"], "key", "general-admin-affairs");
    // 2022 is stated only as project totals: its sub-items and tasks are not reported (null).
    assert_eq!(
        admin["subprojects"][0],
        json!({"name": "聘用人员经费", "change": {"base": null, "current": "555"}})
    );
    let task = item(&budget["tasks"], "name", "其他网信事务支出");
    assert_eq!(task["change"], json!({"base": null, "current": "7036"}));
}

#[tokio::test]
async fn node_amounts_page_through_every_department_year() {
    // The list grows with the data, so it is a connection: on 30 × 3 synthetic departments,
    // pages of 7 give every point once, by department code then year.
    let app = App::seeded().await;
    let dir = crate::common::temp_dir("amounts");
    seed::synth::write(dir.path(), &seed::synth::Shape::new(30, 3)).unwrap();
    app.load(&seed::DataSource::Dir(dir.path().to_owned()))
        .await;
    let query = r#"query($after: String, $first: Int) {
        classificationNode(scheme: FUNCTIONAL, code: "901") {
          amounts(first: $first, after: $after) {
            totalCount pageInfo { hasNextPage endCursor }
            edges { node { year department { code } } } } } }"#;
    let mut points: Vec<(String, i64)> = Vec::new();
    let mut after = Value::Null;
    let total = loop {
        let data = app.data(query, json!({ "first": 7, "after": after })).await;
        let page = &data["classificationNode"]["amounts"];
        for edge in page["edges"].as_array().unwrap() {
            let node = &edge["node"];
            points.push((
                node["department"]["code"].as_str().unwrap().to_owned(),
                node["year"].as_i64().unwrap(),
            ));
        }
        if page["pageInfo"]["hasNextPage"] == false {
            break page["totalCount"].as_u64().unwrap() as usize;
        }
        after = page["pageInfo"]["endCursor"].clone();
    };
    assert_eq!(
        total, 90,
        "every synthetic department has 901 in all three years"
    );
    assert_eq!(points.len(), total);
    let mut sorted = points.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(points, sorted, "in order, each once");
    let (status, body) = app
        .post(query, json!({ "first": 101, "after": null }))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(error_code(&body), "BAD_USER_INPUT");
}
