//! Several governments and disclosure packages in one database (issue 25): the bundled
//! Pingshan package beside hand-made test fixtures (`fixtures/packages/`, invented figures) of
//! a Jiangsu department (2018 and 2019, one package a year, with printed tables) and a Putuo
//! bureau published in 元. Governments and their departments, aggregates that never mix
//! governments or units, printed tables served cell by cell with page and line, comparisons
//! across packages, and amounts in 元 converted exactly.

use crate::common::{App, error_code, error_message};
use seed::DataSource;
use serde_json::{Value, json};

fn fixture(name: &str) -> DataSource {
    DataSource::Dir(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("e2e/fixtures/packages")
            .join(name),
    )
}

/// The fixture packages, in load order.
const FIXTURES: [&str; 4] = [
    "jiangsu-fixture-2018",
    "jiangsu-fixture-2019",
    "shanghai-fixture-2024",
    "shanghai-fixture-2024-unit",
];

/// The bundled package and the fixtures.
async fn app() -> App {
    let app = App::seeded().await;
    for name in FIXTURES {
        app.load(&fixture(name)).await;
    }
    app
}

#[tokio::test]
async fn governments_list_their_departments() {
    let app = app().await;
    let data = app
        .data(
            "{ governments { code name nameEn level departments { totalCount edges { node { code government { code } } } } } \
               department(code: \"pingshan-gsdmb\") { government { code name level } } }",
            json!({}),
        )
        .await;
    let codes: Vec<&str> = data["governments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["jiangsu", "shanghai-putuo", "shenzhen-pingshan"]);
    let by_code = |code: &str| {
        data["governments"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["code"] == code)
            .unwrap()
            .clone()
    };
    let jiangsu = by_code("jiangsu");
    assert_eq!(jiangsu["level"], "PROVINCE");
    assert_eq!(jiangsu["name"], "江苏省");
    assert_eq!(
        jiangsu["departments"],
        json!({ "totalCount": 1, "edges": [{ "node": { "code": "js-fixture-dept", "government": { "code": "jiangsu" } } }] })
    );
    let pingshan = by_code("shenzhen-pingshan");
    assert_eq!(pingshan["nameEn"], "Pingshan District, Shenzhen");
    let units: Vec<&str> = pingshan["departments"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["node"]["code"].as_str().unwrap())
        .collect();
    assert_eq!(units, ["pingshan-gsbdc", "pingshan-gsdmb"]);
    assert_eq!(
        data["department"]["government"],
        json!({ "code": "shenzhen-pingshan", "name": "深圳市坪山区", "level": "DISTRICT" })
    );
    let one = app
        .data(
            "{ government(code: \"shanghai-putuo\") { name departments(first: 1) { edges { node { code } } } } none: government(code: \"nowhere\") { code } }",
            json!({}),
        )
        .await;
    assert_eq!(
        one,
        json!({ "government": { "name": "上海市普陀区", "departments": { "edges": [{ "node": { "code": "sh-fixture-bureau" } }] } }, "none": null })
    );
}

async fn aggregate(app: &App, args: &str) -> (Value, Value) {
    let (_, body) = app
        .post(
            &format!(
                "{{ aggregate(scheme: FUNCTIONAL, {args}) {{ unit total {{ amount count }} }} }}"
            ),
            json!({}),
        )
        .await;
    (body["data"]["aggregate"].clone(), body)
}

#[tokio::test]
async fn aggregates_never_mix_governments_or_units() {
    let app = app().await;
    // Several governments, none named: refused, naming them.
    let (_, body) = aggregate(&app, "filter: { years: [2023] }").await;
    assert_eq!(error_code(&body), "", "one government in 2023: {body}");
    let (_, body) = aggregate(&app, "groupBy: [YEAR]").await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body}");
    assert!(
        error_message(&body).contains("jiangsu, shanghai-putuo, shenzhen-pingshan"),
        "{body}"
    );
    // Across governments when asked, but never across units (元 beside 万元).
    let (_, body) = aggregate(&app, "allGovernments: true").await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body}");
    assert!(error_message(&body).contains("元 and 万元"), "{body}");
    let (both, body) = aggregate(
        &app,
        "allGovernments: true, filter: { departments: [\"pingshan-gsdmb\", \"js-fixture-dept\"], years: [2019, 2023] }",
    )
    .await;
    assert!(body.get("errors").is_none(), "{body}");
    // Each government alone: only its own departments.
    let (jiangsu, _) = aggregate(&app, "government: \"jiangsu\"").await;
    assert_eq!(
        jiangsu["total"],
        json!({ "amount": "311", "count": 2 }),
        "150.5 (2018) + 160.5 (2019)"
    );
    let (pingshan, _) = aggregate(&app, "government: \"shenzhen-pingshan\"").await;
    let (bundled_alone, _) = {
        let alone = App::seeded().await;
        aggregate(&alone, "").await
    };
    assert_eq!(pingshan, bundled_alone, "Pingshan's sums changed");
    let pingshan_2023: f64 = aggregate(
        &app,
        "government: \"shenzhen-pingshan\", filter: { years: [2023] }",
    )
    .await
    .0["total"]["amount"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let both: f64 = both["total"]["amount"].as_str().unwrap().parse().unwrap();
    assert_eq!(both, pingshan_2023 + 160.5);
    // The 元 government: summed in its own unit, served in 万元 or 元 exactly.
    let (putuo, _) = aggregate(&app, "government: \"shanghai-putuo\"").await;
    assert_eq!(
        putuo["total"],
        json!({ "amount": "123.456789", "count": 1 })
    );
    let (putuo_yuan, _) = aggregate(&app, "government: \"shanghai-putuo\", unit: YUAN").await;
    assert_eq!(putuo_yuan["total"]["amount"], "1234567.89");
    let (_, body) = aggregate(&app, "government: \"nowhere\"").await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body}");
}

#[tokio::test]
async fn stored_printed_tables_are_served_cell_by_cell() {
    let app = app().await;
    let data = app
        .data(
            "{ department(code: \"js-fixture-dept\") { budget(year: 2019) { unit tables { key } \
               table(number: 3) { key title unit columns { key path } \
                 rows { position code label document page line cells { column value text page line document } } } } } }",
            json!({}),
        )
        .await;
    let budget = &data["department"]["budget"];
    assert_eq!(budget["unit"], "万元");
    assert_eq!(budget["tables"], json!([{ "key": "table-3" }]));
    let table = &budget["table"];
    assert_eq!(table["title"], "一般公共预算支出表");
    assert_eq!(
        table["columns"],
        json!([
            { "key": "total", "path": ["合计"] },
            { "key": "basic", "path": ["基本支出"] },
            { "key": "project", "path": ["项目支出"] },
        ])
    );
    let rows = table["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 5);
    assert_eq!(
        rows[3],
        json!({
            "position": 4, "code": "2010101", "label": "行政运行",
            "document": "fixture-2019.pdf", "page": 3, "line": 13,
            "cells": [
                { "column": "total", "value": "120.5", "text": "120.5", "page": 3, "line": 13, "document": "fixture-2019.pdf" },
                { "column": "basic", "value": "120.5", "text": "120.5", "page": 3, "line": 13, "document": "fixture-2019.pdf" },
                { "column": "project", "value": null, "text": null, "page": 3, "line": 13, "document": "fixture-2019.pdf" },
            ]
        })
    );
    // A stored table costs its three printed tables and its notes, not the layout's facts.
    let stored_query = "{ department(code: \"js-fixture-dept\") { budget(year: 2019) { table(number: 3) { rows { cells { value page } } } } } }";
    let layout_query = "{ department(code: \"pingshan-gsdmb\") { budget(year: 2023) { table(number: 3) { rows { cells { value page } } } } } }";
    let stored_statements = app.count_statements(stored_query, json!({})).await;
    let layout_statements = app.count_statements(layout_query, json!({})).await;
    assert_eq!(
        (stored_statements, layout_statements),
        (4, 7),
        "statements: a stored table, a table laid out from facts"
    );
    // The 元 package prints its table in 元, as printed.
    let putuo = app
        .data(
            "{ department(code: \"sh-fixture-bureau\") { budget(year: 2024) { table(number: 3) { unit rows { cells { value text } } } } } }",
            json!({}),
        )
        .await;
    let table = &putuo["department"]["budget"]["table"];
    assert_eq!(table["unit"], "元");
    assert_eq!(
        table["rows"][0]["cells"][0],
        json!({ "value": "1234567.89", "text": "1,234,567.89" })
    );
    // The bundled package has no stored printed tables: its layout is served as before.
    let bundled = app
        .data(
            "{ department(code: \"pingshan-gsdmb\") { budget(year: 2023) { table(number: 3) { unit rows { page cells { page } } } } } }",
            json!({}),
        )
        .await;
    let table = &bundled["department"]["budget"]["table"];
    assert_eq!(table["unit"], "万元");
    assert!(table["rows"][0]["page"].is_null());
    assert!(table["rows"][0]["cells"][0]["page"].is_null());
}

#[tokio::test]
async fn years_from_separate_packages_compare_and_renamed_codes_are_not_paired() {
    let app = app().await;
    let data = app
        .data(
            "{ department(code: \"js-fixture-dept\") { budgets { fiscalYear { year } } budget(year: 2019) { \
               expenditureTotal lines(scheme: FUNCTIONAL) { code label children { code children { code label amount \
                 change(baseYear: 2018) { base current difference percent baseBasis unpairedBaseLabel } } } } } } }",
            json!({}),
        )
        .await;
    let department = &data["department"];
    assert_eq!(
        department["budgets"],
        json!([{ "fiscalYear": { "year": 2018 } }, { "fiscalYear": { "year": 2019 } }])
    );
    let budget = &department["budget"];
    assert_eq!(budget["expenditureTotal"], "160.5");
    let leaves = &budget["lines"][0]["children"][0]["children"];
    assert_eq!(
        leaves[0],
        json!({ "code": "2010101", "label": "行政运行", "amount": "120.5",
                "change": { "base": "100.25", "current": "120.5", "difference": "20.25",
                            "percent": "20.2", "baseBasis": "PRINTED", "unpairedBaseLabel": null } })
    );
    // 2010150 is printed as 事业运行 in 2018 and 事业运行（机构改革后） in 2019: not paired.
    assert_eq!(
        leaves[1],
        json!({ "code": "2010150", "label": "事业运行（机构改革后）", "amount": "40",
                "change": { "base": null, "current": "40", "difference": null,
                            "percent": null, "baseBasis": null, "unpairedBaseLabel": "事业运行" } })
    );
}

#[tokio::test]
async fn a_yuan_package_is_served_in_its_unit_and_converted_exactly() {
    let app = app().await;
    let data = app
        .data(
            "{ department(code: \"sh-fixture-bureau\") { budget(year: 2024) { unit \
               wan: expenditureTotal yuan: expenditureTotal(unit: YUAN) \
               headlines { amount yuan: amount(unit: YUAN) unit } \
               lines(scheme: FUNCTIONAL) { amount yuan: amount(unit: YUAN) basic project } } } }",
            json!({}),
        )
        .await;
    let budget = &data["department"]["budget"];
    assert_eq!(budget["unit"], "元");
    assert_eq!(budget["wan"], "123.456789");
    assert_eq!(budget["yuan"], "1234567.89");
    assert_eq!(
        budget["headlines"],
        json!([{ "amount": "123.456789", "yuan": "1234567.89", "unit": "元" }])
    );
    assert_eq!(
        budget["lines"][0],
        json!({ "amount": "123.456789", "yuan": "1234567.89", "basic": "100", "project": "23.456789" })
    );
    // The 万元 bureau beside it is unchanged.
    let bureau = app
        .data(
            "{ department(code: \"pingshan-gsdmb\") { budget(year: 2023) { unit expenditureTotal expenditureTotal_yuan: expenditureTotal(unit: YUAN) } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        bureau["department"]["budget"],
        json!({ "unit": "万元", "expenditureTotal": "29760", "expenditureTotal_yuan": "297600000" })
    );
}

#[tokio::test]
async fn fixture_packages_round_trip_and_reload_idempotently() {
    for name in FIXTURES {
        crate::bulk::round_trip(&fixture(name), name).await;
    }
    // Loading every package again changes nothing; the bundled one keeps its export.
    let app = app().await;
    let before = app.test.dump().await;
    for name in FIXTURES {
        let outcome = seed::load(&app.test.db, &fixture(name)).await.unwrap();
        assert!(matches!(outcome, seed::Outcome::Unchanged { .. }), "{name}");
    }
    assert_eq!(app.test.dump().await, before);
    let bundled = seed::export::export(&app.test.db, "pingshan-gsdmb-2023")
        .await
        .unwrap()
        .unwrap();
    for file in [
        "governments.csv",
        "departments.csv",
        "budget_lines.csv",
        "printed_cells.csv",
    ] {
        assert_eq!(
            String::from_utf8(bundled.file(file).unwrap().bytes.clone()).unwrap(),
            DataSource::Bundled.read(file).unwrap(),
            "{file}"
        );
    }
}

/// A database from before governments and printed tables migrates, and loading the same
/// bundled files again records the government (the migration makes them load again).
#[tokio::test]
async fn a_database_from_before_governments_migrates() {
    use migration::{Migrator, MigratorTrait};
    let app = App::seeded().await;
    let before = app.test.dump().await;
    for statement in [
        "DROP TABLE printed_cell",
        "DROP TABLE printed_row",
        "DROP TABLE printed_column",
        "DROP TABLE government",
        "DROP INDEX idx_department_government_id",
        "ALTER TABLE department DROP COLUMN government_id",
        "ALTER TABLE dataset DROP COLUMN unit",
        "DELETE FROM seaql_migrations WHERE version LIKE 'm20261208_000001%'",
    ] {
        app.execute(statement).await;
    }
    Migrator::up(&app.test.db, None).await.unwrap();
    let outcome = seed::load(&app.test.db, &DataSource::Bundled)
        .await
        .unwrap();
    assert!(
        matches!(outcome, seed::Outcome::Loaded { .. }),
        "{outcome:?}"
    );
    app.state.refresh_data_version().await;
    let data = app
        .data(
            "{ department(code: \"pingshan-gsbdc\") { government { code } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        data["department"]["government"]["code"],
        "shenzhen-pingshan"
    );
    // As many rows as the first load wrote (the reload replaced them, with new ids).
    let after = app.test.dump().await;
    assert_eq!(after.lines().count(), before.lines().count());
}

/// A 单位预算 (the bureau's own unit, not independently accounted) loads beside its
/// department's 部门预算 as a unit of it, and is not counted twice.
#[tokio::test]
async fn a_unit_budget_is_a_unit_of_its_department_and_counted_once() {
    let app = app().await;
    let data = app
        .data(
            "{ department(code: \"sh-fixture-bureau\") { units { code independentAccounting parent { code } \
               budget(year: 2024) { unit expenditureTotal } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        data["department"]["units"],
        json!([{ "code": "sh-fixture-bureau-own", "independentAccounting": false,
                 "parent": { "code": "sh-fixture-bureau" },
                 "budget": { "unit": "元", "expenditureTotal": "100.00005" } }])
    );
    // The government's sum is the department's budget alone: the unit is inside it.
    let (putuo, _) = aggregate(&app, "government: \"shanghai-putuo\"").await;
    assert_eq!(
        putuo["total"],
        json!({ "amount": "123.456789", "count": 1 })
    );
    // Asked for alone, the unit is summed.
    let (own, _) = aggregate(
        &app,
        "government: \"shanghai-putuo\", unit: YUAN, filter: { departments: [\"sh-fixture-bureau-own\"] }",
    )
    .await;
    assert_eq!(own["total"], json!({ "amount": "1000000.5", "count": 1 }));
}

/// The explorer's own queries (read from its script): the catalogue names each department's
/// government, and the whole-government view's aggregates, given that government, answer on
/// data holding several governments.
#[tokio::test]
async fn the_explorer_sums_one_government() {
    const SCRIPT: &str = include_str!("../../api/assets/explorer/explorer.js");
    let query = |name: &str| -> String {
        let start = SCRIPT
            .find(&format!("const {name} = `"))
            .unwrap_or_else(|| panic!("{name} in explorer.js"))
            + name.len()
            + 10;
        let end = start + SCRIPT[start..].find('`').unwrap();
        SCRIPT[start..end].to_owned()
    };
    let app = app().await;
    let catalogue = app
        .data(&query("CATALOGUE"), json!({ "after": null }))
        .await;
    let jiangsu = catalogue["departments"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["node"]["code"] == "js-fixture-dept")
        .unwrap();
    assert_eq!(jiangsu["node"]["government"]["code"], "jiangsu");
    for (name, variables) in [
        (
            "GOV_FUNCTIONS",
            json!({ "level": 1, "government": "jiangsu", "after": null }),
        ),
        (
            "GOV_COFOG",
            json!({ "year": 2019, "cofogLevel": 1, "government": "jiangsu", "after": null }),
        ),
        (
            "GOV_RANKING",
            json!({ "year": 2019, "baseYear": 2018, "code": "201", "government": "jiangsu" }),
        ),
    ] {
        let data = app.data(&query(name), variables).await;
        let total = &data["aggregate"]["total"];
        assert!(total["amount"].is_string(), "{name}: {data}");
    }
    // Without a government, on this data: refused (the explorer always names one).
    let (_, body) = app
        .post(
            &query("GOV_FUNCTIONS"),
            json!({ "level": 1, "government": null, "after": null }),
        )
        .await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body}");
}

#[tokio::test]
async fn search_filters_by_government() {
    let app = app().await;
    let found = |government: &str| {
        let app = &app;
        let query = format!(
            "{{ search(text: \"测试\", kinds: [DEPARTMENT], government: \"{government}\", first: 50) {{ totalCount edges {{ node {{ department {{ code government {{ code }} }} }} }} }} }}"
        );
        async move { app.data(&query, json!({})).await["search"].clone() }
    };
    // Every fixture department has 测试 in its name; each government finds only its own.
    let jiangsu = found("jiangsu").await;
    assert_eq!(jiangsu["totalCount"], 1, "{jiangsu}");
    assert_eq!(
        jiangsu["edges"][0]["node"]["department"],
        json!({ "code": "js-fixture-dept", "government": { "code": "jiangsu" } })
    );
    let putuo = found("shanghai-putuo").await;
    assert_eq!(putuo["totalCount"], 2, "{putuo}");
    assert!(
        putuo["edges"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["node"]["department"]["government"]["code"] == "shanghai-putuo"),
        "{putuo}"
    );
    assert_eq!(found("shenzhen-pingshan").await["totalCount"], 0);
    assert_eq!(found("nowhere").await["totalCount"], 0);
    // Without the filter, all three fixture departments.
    let all = app
        .data(
            "{ search(text: \"测试\", kinds: [DEPARTMENT]) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(all["search"]["totalCount"], 3, "{all}");
    // Objects of no department stay under a filter: a classification node by its code.
    let node = app
        .data(
            "{ search(text: \"20137\", government: \"jiangsu\", kinds: [CLASSIFICATION_NODE]) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(node["search"]["totalCount"], 1, "{node}");
}
