//! `aggregate`: sums across departments and years equal the per-department trees they cover
//! (checked against the API's own trees on the real disclosure, and against sums computed here
//! from a synthetic disclosure's CSV files), never count a consolidated unit twice, keep what
//! is not stated null, page stably, and place amounts in COFOG by the crosswalk's rules.

use crate::common::{App, error_code, error_message, example, temp_dir};
use rust_decimal::Decimal;
use seed::synth::Shape;
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};
use std::str::FromStr;

fn dec(v: &Value) -> Option<Decimal> {
    v.as_str().map(|s| Decimal::from_str(s).unwrap())
}

async fn aggregate(app: &App, args: &str, selection: &str) -> Value {
    let data = app
        .data(
            &format!("{{ aggregate({args}) {{ {selection} }} }}"),
            json!({}),
        )
        .await;
    data["aggregate"].clone()
}

/// Every cell of an aggregate, paging `size` at a time.
async fn all_cells(app: &App, args: &str, order: &str, size: usize, fields: &str) -> Vec<Value> {
    let mut cells = Vec::new();
    let mut after = String::new();
    loop {
        let page = aggregate(
            app,
            args,
            &format!(
                "cells(order: {order}, first: {size}{after}) {{ totalCount pageInfo {{ hasNextPage endCursor }} nodes {{ {fields} }} }}"
            ),
        )
        .await;
        let page = &page["cells"];
        cells.extend(page["nodes"].as_array().unwrap().iter().cloned());
        if page["pageInfo"]["hasNextPage"] != json!(true) {
            assert_eq!(page["totalCount"].as_u64().unwrap() as usize, cells.len());
            return cells;
        }
        after = format!(", after: {}", page["pageInfo"]["endCursor"]);
    }
}

#[tokio::test]
async fn the_real_disclosure_sums_to_its_own_trees() {
    let app = App::seeded().await;
    let tree = app.data(&example("FunctionalTree"), json!({})).await;
    let roots = tree["department"]["budget"]["lines"].as_array().unwrap();
    let by_function = app.data(&example("SpendingByFunction"), json!({})).await;
    let cells = by_function["aggregate"]["cells"]["nodes"]
        .as_array()
        .unwrap();
    assert_eq!(cells.len(), roots.len());
    for root in roots {
        let cell = cells
            .iter()
            .find(|c| c["node"]["code"] == root["code"])
            .unwrap_or_else(|| panic!("no cell for {}", root["code"]));
        for measure in ["amount", "basic", "project"] {
            assert_eq!(cell[measure], root[measure], "{} {measure}", root["code"]);
        }
        assert_eq!(cell["year"], 2023);
        assert_eq!(cell["count"], 1);
    }
    let total = &by_function["aggregate"]["total"];
    assert_eq!(total["amount"], "29760");
    assert_eq!(total["basic"], "1865");
    assert_eq!(total["project"], "27895");
    // Largest first; shares are fractions of the total (29173 / 29760).
    assert_eq!(cells[0]["node"]["code"], "201");
    assert_eq!(cells[0]["share"], "0.980276");
    let shares: Decimal = cells.iter().filter_map(|c| dec(&c["share"])).sum();
    assert!((shares - Decimal::ONE).abs() < Decimal::from_str("0.00001").unwrap());

    // Whole answers (the selection and nothing else), so every field is checked.
    let cases = [
        (
            "in yuan, the same figures × 10,000",
            "scheme: FUNCTIONAL, unit: YUAN",
            "unit total { amount }",
            json!({ "unit": "YUAN", "total": { "amount": "297600000" } }),
        ),
        (
            "表8 prints no procurement column: the sum is null, not 0, and covers nothing",
            "scheme: ECONOMIC, groupBy: [NODE], filter: { years: [2023] }",
            "total { amount procurement count statedCount(measure: PROCUREMENT) }",
            json!({ "total": { "amount": "29760", "procurement": null, "count": 1, "statedCount": 0 } }),
        ),
        (
            "2022 is known only from comparisons: no lines, so no cells and a null total",
            "scheme: FUNCTIONAL, groupBy: [NODE], filter: { years: [2022] }",
            "total { amount count } cells { totalCount }",
            json!({ "total": { "amount": null, "count": 0 }, "cells": { "totalCount": 0 } }),
        ),
        (
            "a code includes its descendants; a deeper code is summed under its level's \
             ancestor: 其他网信事务支出 27102 + 行政运行 1282",
            r#"scheme: FUNCTIONAL, level: 2, groupBy: [NODE], filter: { codes: ["2013799", "2013701"] }"#,
            "cells { nodes { node { code } amount count } }",
            json!({ "cells": { "nodes": [{ "node": { "code": "20137" }, "amount": "28384", "count": 1 }] } }),
        ),
    ];
    for (why, args, selection, expected) in cases {
        assert_eq!(aggregate(&app, args, selection).await, expected, "{why}");
    }
}

/// The synthetic disclosure's 类 lines (表3), read from its CSV files: (department, year,
/// code) → (total, basic, project), and each department's (parent, independently accounted).
type Lines = BTreeMap<(String, i32, String), [Decimal; 3]>;
type Units = HashMap<String, (Option<String>, Option<bool>)>;

fn read_synthetic(dir: &std::path::Path) -> (Lines, Units) {
    let mut lines = Lines::new();
    let mut reader = csv::Reader::from_path(dir.join("budget_lines.csv")).unwrap();
    for row in reader.records() {
        let row = row.unwrap();
        let (department, year, source, scheme, code) =
            (&row[0], &row[1], &row[2], &row[3], &row[5]);
        if source == "table-3" && scheme == "FUNCTIONAL" && code.len() == 3 {
            let amount = |i: usize| Decimal::from_str(&row[i]).unwrap();
            lines.insert(
                (
                    department.to_owned(),
                    year.parse().unwrap(),
                    code.to_owned(),
                ),
                [amount(7), amount(8), amount(9)],
            );
        }
    }
    let mut units = Units::new();
    let mut reader = csv::Reader::from_path(dir.join("departments.csv")).unwrap();
    for row in reader.records() {
        let row = row.unwrap();
        let parent = Some(row[4].to_owned()).filter(|p| !p.is_empty());
        let independent = match &row[5] {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        };
        units.insert(row[0].to_owned(), (parent, independent));
    }
    (lines, units)
}

/// Whether `department`'s `year` is already inside a summed parent's budget.
fn consolidated(
    lines: &Lines,
    units: &Units,
    department: &str,
    year: i32,
    summed: &dyn Fn(&str) -> bool,
) -> bool {
    match &units[department] {
        (Some(parent), Some(false)) => {
            summed(parent) && lines.keys().any(|(d, y, _)| d == parent && *y == year)
        }
        _ => false,
    }
}

#[tokio::test]
async fn synthetic_aggregates_equal_independent_sums_and_never_count_twice() {
    let app = App::seeded().await;
    let guard = temp_dir("aggregates");
    let shape = Shape::new(30, 3);
    seed::synth::write(guard.path(), &shape).unwrap();
    app.load(&seed::DataSource::Dir(guard.path().to_owned()))
        .await;
    let (lines, units) = read_synthetic(guard.path());
    assert!(
        units.values().any(|u| u.1 == Some(false)) && units.values().any(|u| u.1 == Some(true))
    );

    // Whole government, [YEAR, NODE] at 类: every synthetic 类 of every year.
    let mut expected: BTreeMap<(i32, String), ([Decimal; 3], i64)> = BTreeMap::new();
    for ((department, year, code), amounts) in &lines {
        if consolidated(&lines, &units, department, *year, &|_| true) {
            continue;
        }
        let entry = expected.entry((*year, code.clone())).or_default();
        for (sum, amount) in entry.0.iter_mut().zip(amounts) {
            *sum += amount;
        }
        entry.1 += 1;
    }
    let codes: Vec<String> = (1..=shape.functional.0)
        .map(|c| format!("\"9{c:02}\""))
        .collect();
    let args = format!(
        "scheme: FUNCTIONAL, level: 1, groupBy: [YEAR, NODE], filter: {{ codes: [{}] }}",
        codes.join(",")
    );
    let cells = all_cells(
        &app,
        &args,
        "DIMENSIONS",
        7,
        "year node { code } amount basic project count",
    )
    .await;
    let got: BTreeMap<(i32, String), ([Decimal; 3], i64)> = cells
        .iter()
        .map(|c| {
            (
                (
                    c["year"].as_i64().unwrap() as i32,
                    c["node"]["code"].as_str().unwrap().to_owned(),
                ),
                (
                    [
                        dec(&c["amount"]).unwrap(),
                        dec(&c["basic"]).unwrap(),
                        dec(&c["project"]).unwrap(),
                    ],
                    c["count"].as_i64().unwrap(),
                ),
            )
        })
        .collect();
    assert_eq!(got, expected);
    // Paging is stable: the pages, in order, are the one big page.
    let whole = aggregate(&app, &args, "cells(order: DIMENSIONS, first: 100) { nodes { year node { code } amount basic project count } }").await;
    assert_eq!(whole["cells"]["nodes"].as_array().unwrap(), &cells);
    let total = aggregate(&app, &args, "total { amount count }").await;
    let sum: Decimal = expected.values().map(|v| v.0[0]).sum();
    assert_eq!(dec(&total["total"]["amount"]), Some(sum));

    // Largest first by default, and amounts never increase down the pages.
    let ranked = all_cells(&app, &args, "AMOUNT_DESC", 5, "amount").await;
    let amounts: Vec<Decimal> = ranked.iter().map(|c| dec(&c["amount"]).unwrap()).collect();
    assert!(amounts.windows(2).all(|w| w[0] >= w[1]));

    // Consolidation: unit 1 is not independently accounted (its parent 0 consolidates it), unit
    // 5 is. Listed with the parent, unit 1 adds nothing; alone, it is its own budget.
    let (parent, inside, own) = (
        Shape::department_code(0),
        Shape::department_code(1),
        Shape::department_code(5),
    );
    assert_eq!(units[&inside].1, Some(false));
    assert_eq!(units[&own].1, Some(true));
    let ranking = |departments: Vec<&str>| {
        let departments: Vec<String> = departments.iter().map(|d| format!("\"{d}\"")).collect();
        format!(
            r#"scheme: FUNCTIONAL, groupBy: [DEPARTMENT], filter: {{ years: [2023], codes: ["901"], departments: [{}] }}"#,
            departments.join(",")
        )
    };
    let line = |d: &str| lines[&(d.to_owned(), 2023, "901".to_owned())][0];
    let sum_of = |cells: &Value| -> BTreeMap<String, Decimal> {
        cells["cells"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["department"]["code"].as_str().unwrap().to_owned(),
                    dec(&c["amount"]).unwrap(),
                )
            })
            .collect()
    };
    let fields = "total { amount count } cells { nodes { department { code } amount } }";
    let with_parent = aggregate(&app, &ranking(vec![&parent, &inside, &own]), fields).await;
    assert_eq!(
        sum_of(&with_parent),
        BTreeMap::from([(parent.clone(), line(&parent)), (own.clone(), line(&own))])
    );
    assert_eq!(
        dec(&with_parent["total"]["amount"]),
        Some(line(&parent) + line(&own))
    );
    assert_eq!(with_parent["total"]["count"], 2);
    let alone = aggregate(&app, &ranking(vec![&inside]), fields).await;
    assert_eq!(
        sum_of(&alone),
        BTreeMap::from([(inside.clone(), line(&inside))])
    );

    // The ranking over every department equals the independent per-department figures.
    let everyone = all_cells(
        &app,
        r#"scheme: FUNCTIONAL, groupBy: [DEPARTMENT], filter: { years: [2023], codes: ["901"] }"#,
        "AMOUNT_DESC",
        100,
        "department { code } amount share count",
    )
    .await;
    let expected: BTreeMap<String, Decimal> = lines
        .iter()
        .filter(|((d, y, c), _)| {
            *y == 2023 && c == "901" && !consolidated(&lines, &units, d, 2023, &|_| true)
        })
        .map(|((d, _, _), a)| (d.clone(), a[0]))
        .collect();
    let got: BTreeMap<String, Decimal> = everyone
        .iter()
        .map(|c| {
            (
                c["department"]["code"].as_str().unwrap().to_owned(),
                dec(&c["amount"]).unwrap(),
            )
        })
        .collect();
    assert_eq!(got, expected);

    // change(baseYear:) compares each department with its own previous year.
    let change = aggregate(
        &app,
        &ranking(vec![&own]),
        "cells { nodes { amount change(baseYear: 2022) { base current difference } } }",
    )
    .await;
    let cell = &change["cells"]["nodes"][0];
    let base = lines[&(own.clone(), 2022, "901".to_owned())][0];
    assert_eq!(dec(&cell["change"]["base"]), Some(base));
    assert_eq!(dec(&cell["change"]["difference"]), Some(line(&own) - base));
}

#[tokio::test]
async fn cofog_places_staff_lines_by_the_function_of_the_unit() {
    let app = App::seeded().await;
    // The crosswalk's word on each node the bureau's staff lines sit under.
    let data = app
        .data(
            r#"{ a: classificationNode(scheme: FUNCTIONAL, code: "2080505") { cofog { function { code } rule matchedCode } }
                 b: classificationNode(scheme: FUNCTIONAL, code: "2013799") { cofog { function { code level } rule } }
                 c: classificationNode(scheme: ECONOMIC, code: "301") { cofog { rule } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(data["a"]["cofog"]["rule"], "UNIT_FUNCTION");
    assert_eq!(data["a"]["cofog"]["function"], Value::Null);
    assert_eq!(data["c"]["cofog"], Value::Null);
    let cyber = data["b"]["cofog"]["function"]["code"]
        .as_str()
        .unwrap()
        .to_owned();

    // By rule: the staff lines' cell is the unit's function — that of its largest 款, 网信事务.
    let cells = aggregate(
        &app,
        "scheme: FUNCTIONAL, cofogLevel: 2, groupBy: [COFOG, COFOG_RULE], filter: { years: [2023] }",
        "total { amount } cells(order: DIMENSIONS) { nodes { cofog { code } cofogRule amount } }",
    )
    .await;
    let staff: Vec<&Value> = cells["cells"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["cofogRule"] == "UNIT_FUNCTION")
        .collect();
    assert_eq!(staff.len(), 1, "{cells}");
    assert_eq!(staff[0]["cofog"]["code"], cyber.as_str());
    // Pension 194 + medical 54 + housing (144 + 190) + training 4, as their 项 print.
    assert_eq!(staff[0]["amount"], "586");
    // COFOG sums 项 lines: 29760 less the 1 万元 that 住房改革支出's printed 335 rounds over
    // its 项 (144 + 190).
    assert_eq!(cells["total"]["amount"], "29759");
    let sum: Decimal = cells["cells"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| dec(&c["amount"]))
        .sum();
    assert_eq!(sum, Decimal::from(29759));

    // The contract's view: all of it in one division.
    let divisions = app.data(&example("Cofog"), json!({})).await;
    assert_eq!(
        divisions["aggregate"]["cells"]["nodes"][0]["cofog"]["code"],
        cyber[..2]
    );

    // Another dataset loaded beside it changes nothing for the bureau.
    let guard = temp_dir("aggregates-cofog");
    seed::synth::write(guard.path(), &Shape::new(12, 2)).unwrap();
    app.load(&seed::DataSource::Dir(guard.path().to_owned()))
        .await;
    let again = aggregate(
        &app,
        r#"scheme: FUNCTIONAL, cofogLevel: 2, groupBy: [COFOG, COFOG_RULE], filter: { years: [2023], departments: ["pingshan-gsdmb"] }"#,
        "total { amount } cells(order: DIMENSIONS) { nodes { cofog { code } cofogRule amount } }",
    )
    .await;
    assert_eq!(
        again, cells,
        "the bureau's COFOG cells changed when another dataset loaded"
    );
    // And in the whole government: the synthetic 类 are not in the crosswalk (UNMAPPED), the
    // bureau's staff lines still follow its function.
    let whole = aggregate(
        &app,
        "scheme: FUNCTIONAL, cofogLevel: 2, groupBy: [COFOG, COFOG_RULE], filter: { years: [2023] }",
        "cells(first: 100) { nodes { cofog { code } cofogRule amount } }",
    )
    .await;
    let nodes = whole["cells"]["nodes"].as_array().unwrap();
    assert!(
        nodes.contains(
            &json!({ "cofog": { "code": cyber }, "cofogRule": "UNIT_FUNCTION", "amount": "586" })
        ),
        "{whole}"
    );
    assert!(
        nodes
            .iter()
            .any(|c| c["cofogRule"] == "UNMAPPED" && c["cofog"].is_null()),
        "{whole}"
    );

    // Every function the crosswalk names is listed, with both names.
    let functions = app
        .data(
            "{ cofogFunctions { code level name nameEn parentCode } }",
            json!({}),
        )
        .await;
    let functions = functions["cofogFunctions"].as_array().unwrap();
    assert!(
        functions.len() >= 10 + 60,
        "{} COFOG functions",
        functions.len()
    );
    assert!(
        functions
            .iter()
            .all(|f| f["name"] != "" && f["nameEn"] != "")
    );
}

#[tokio::test]
async fn bad_aggregate_arguments_are_refused_with_a_code() {
    let app = App::seeded().await;
    for (args, message) in [
        ("scheme: FUNCTIONAL, level: 4", "level"),
        ("scheme: ECONOMIC, groupBy: [COFOG]", "COFOG"),
        ("scheme: FUNCTIONAL, cofogLevel: 3", "cofogLevel"),
    ] {
        let (_, body) = app
            .post(&format!("{{ aggregate({args}) {{ unit }} }}"), json!({}))
            .await;
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{args}: {body}");
        assert!(error_message(&body).contains(message), "{body}");
    }
    let (_, body) = app
        .post(
            "{ aggregate(scheme: FUNCTIONAL) { cells(first: 101) { totalCount } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{body}"
    );
}
