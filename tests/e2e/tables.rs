//! Every table as printed (`budget.table(number:)`) against the independent reading in
//! `fixtures/tables.txt`, cell by cell and in both directions: every cell of the reading is
//! served, and every served cell is in the reading.
//!
//! The reading splits 表12 into `12a` (年度主要任务) and `12b` (indicators); the API prints it
//! as one table whose task rows come first and fill the first five columns, the indicator
//! rows the last four. Header texts and text cells are compared without whitespace (the
//! reading removed the PDF's spaces between Chinese characters).

use crate::common::{App, fields};
use serde_json::{Value, json};
use std::collections::BTreeMap;

const FIXTURE: &str = include_str!("fixtures/tables.txt");

/// One table of the reading.
#[derive(Default, Debug)]
struct Table {
    title: String,
    unit: String,
    empty: bool,
    columns: Vec<String>,
    /// (label, code, cells); an empty field is blank.
    rows: Vec<(String, String, Vec<String>)>,
    notes: Vec<String>,
}

fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

fn reading() -> BTreeMap<String, Table> {
    let mut tables: BTreeMap<String, Table> = BTreeMap::new();
    let mut current = String::new();
    for line in FIXTURE.lines() {
        let line = line.trim_end();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split(" | ").collect();
        let (head, rest) = fields.split_first().unwrap();
        if let Some(number) = head.strip_prefix("table ") {
            current = number.to_owned();
            tables.insert(
                current.clone(),
                Table {
                    title: rest[0].to_owned(),
                    unit: rest[1].to_owned(),
                    empty: rest[2] == "empty=yes",
                    ..Table::default()
                },
            );
            continue;
        }
        let table = tables.get_mut(&current).expect("a table block");
        if head.starts_with("column ") {
            table.columns.push(squeeze(&rest.join(" | ")));
        } else if head.starts_with("row ") {
            let cells = rest[2..].iter().map(|c| squeeze(c)).collect();
            table
                .rows
                .push((squeeze(rest[0]), rest[1].trim().to_owned(), cells));
        } else if *head == "note" {
            table.notes.push(rest.join(" | "));
        } else {
            panic!("unknown fixture line: {line}");
        }
    }
    tables
}

const TABLE: &str = r#"query($number: Int!) { department(code: "pingshan-gsdmb") { budget(year: 2023) {
  table(number: $number) { key tableNumber title unit isEmpty notes
    columns { key path } rows { position label code cells { column value text } } } } } }"#;

/// A served cell as the reading writes it: the figure, else the text, else blank.
fn cell(c: &Value) -> String {
    match (&c["value"], &c["text"]) {
        (Value::String(v), _) => v.clone(),
        (_, Value::String(t)) => squeeze(t),
        _ => String::new(),
    }
}

fn served_rows(table: &Value) -> Vec<(String, String, Vec<String>)> {
    table["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                squeeze(r["label"].as_str().unwrap_or("")),
                r["code"].as_str().unwrap_or("").to_owned(),
                r["cells"].as_array().unwrap().iter().map(cell).collect(),
            )
        })
        .collect()
}

#[tokio::test]
async fn every_printed_cell_is_served_as_the_independent_reading() {
    let app = App::seeded().await;
    let reading = reading();
    for number in 1..=12 {
        let data = app.data(TABLE, json!({ "number": number })).await;
        let table = &data["department"]["budget"]["table"];
        assert_eq!(table["tableNumber"], number);
        let paths: Vec<String> = table["columns"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                let path: Vec<&str> = c["path"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|p| p.as_str().unwrap())
                    .collect();
                squeeze(&path.join(">"))
            })
            .collect();
        let served = served_rows(table);
        // Every served row has one cell per column, keyed in column order.
        let columns = fields(&table["columns"], "key");
        for row in table["rows"].as_array().unwrap() {
            let keys = fields(&row["cells"], "column");
            assert_eq!(keys, columns, "表{number} row {}", row["position"]);
        }
        let parts: Vec<&Table> = if number == 12 {
            vec![&reading["12a"], &reading["12b"]]
        } else {
            vec![&reading[&number.to_string()]]
        };
        let expected_title = &parts[0].title;
        assert_eq!(table["title"], json!(expected_title), "表{number}");
        assert_eq!(table["unit"], json!(parts[0].unit), "表{number}");
        // The reading marks 表10 and 表11 `empty=no` because they print a row of zeros; the
        // API's `isEmpty` is the table's own 本表本年无发生额, which both print.
        let says_empty = parts
            .iter()
            .any(|p| p.empty || p.notes.iter().any(|n| n.contains("本表本年无发生额")));
        assert_eq!(table["isEmpty"], json!(says_empty), "表{number}");

        // Lay the reading out in the API's shape: 12b's columns follow 12a's.
        let width: usize = parts.iter().map(|p| p.columns.len()).sum();
        let mut expected_paths = Vec::new();
        let mut expected_rows = Vec::new();
        let mut offset = 0;
        for part in &parts {
            expected_paths.extend(part.columns.iter().cloned());
            for (label, code, cells) in &part.rows {
                let mut row = vec![String::new(); width];
                row[offset..offset + cells.len()].clone_from_slice(cells);
                expected_rows.push((label.clone(), code.clone(), row));
            }
            offset += part.columns.len();
        }
        assert_eq!(paths, expected_paths, "表{number} header paths");
        // Row by row: every fixture cell served, every served cell in the fixture.
        assert_eq!(
            served.len(),
            expected_rows.len(),
            "表{number} row count: {served:#?}"
        );
        for (i, (got, want)) in served.iter().zip(&expected_rows).enumerate() {
            assert_eq!(got, want, "表{number} row {}", i + 1);
        }
    }
}

#[tokio::test]
async fn tables_list_every_table_that_prints_the_year_and_basis_says_how_it_is_known() {
    let app = App::seeded().await;
    let query = r#"query($year: Int!) { department(code: "pingshan-gsdmb") { budget(year: $year) {
        basis revenueTotal revenueTotalBasis expenditureTotalBasis tables { tableNumber isEmpty }
        headlines(keys: ["revenue_total"]) { change(baseYear: 2022) { baseBasis } }
        threePublicExpenses { change(baseYear: 2022) { baseBasis } }
        projects { change(baseYear: 2022) { baseBasis } } table(number: 9) { rows { label cells { column value } } } } } }"#;
    let data = app.data(query, json!({ "year": 2023 })).await;
    let numbers: Vec<i64> = data["department"]["budget"]["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["tableNumber"].as_i64().unwrap())
        .collect();
    assert_eq!(numbers, (1..=12).collect::<Vec<_>>());
    let budget = &data["department"]["budget"];
    assert_eq!(
        [
            &budget["basis"],
            &budget["revenueTotalBasis"],
            &budget["expenditureTotalBasis"]
        ],
        ["PRINTED", "PRINTED", "PRINTED"]
    );
    // A comparison says how its base is known: 2022 totals and projects are derived, 表9
    // prints 2022's 三公.
    assert_eq!(
        budget["headlines"][0]["change"]["baseBasis"],
        "DERIVED_FROM_COMPARISON"
    );
    assert_eq!(
        budget["projects"][0]["change"]["baseBasis"],
        "DERIVED_FROM_COMPARISON"
    );
    assert_eq!(
        budget["threePublicExpenses"][0]["change"]["baseBasis"],
        "PRINTED"
    );
    // 2022 is printed in 表9 only: its row, without the 2023 row or the change.
    let data = app.data(query, json!({ "year": 2022 })).await;
    let budget = &data["department"]["budget"];
    assert_eq!(
        budget["tables"],
        json!([{"tableNumber": 9, "isEmpty": false}])
    );
    let rows = budget["table"]["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["label"], "2022 年");
    assert_eq!(
        rows[0]["cells"][0],
        json!({"column": "total", "value": "18"})
    );
    // A table the year does not print is null.
    let data = app
        .data(
            r#"{ department(code: "pingshan-gsdmb") { budget(year: 2022) { table(number: 3) { key } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(data["department"]["budget"]["table"], Value::Null);
}

fn by_source(list: &Value) -> BTreeMap<String, String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|f| {
            assert!(!f["source"]["key"].as_str().unwrap().is_empty());
            (
                f["revenueSource"]["code"].as_str().unwrap().to_owned(),
                f["amount"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn funding_sources_of_projects_departments_and_economic_lines() {
    let app = App::seeded().await;
    let funding = "funding { revenueSource { code name } amount source { key } }";
    let query = format!(
        r#"{{ department(code: "pingshan-gsdmb") {{ budget(year: 2023) {{
        projects {{ key {funding} }}
        projectFunding {{ revenueSource {{ code name }} amount source {{ key }} }}
        basicFunding {{ revenueSource {{ code name }} amount source {{ key }} }}
        lines(scheme: ECONOMIC, code: "301") {{ basicFunding {{ revenueSource {{ code name }} amount(unit: YUAN) source {{ key }} }} }} }} }} }}"#
    );
    let data = app.data(&query, json!({})).await;
    let budget = &data["department"]["budget"];
    let projects: BTreeMap<String, Value> = budget["projects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["key"].as_str().unwrap().to_owned(), p["funding"].clone()))
        .collect();
    let cyber = by_source(&projects["other-cyber-affairs"]);
    assert_eq!(cyber["10102"], "7036");
    assert_eq!(cyber["10104"], "0");
    assert_eq!(cyber.len(), 13, "{cyber:?}");
    assert_eq!(
        by_source(&projects["government-investment"])["10104"],
        "20064"
    );
    assert_eq!(
        projects["other-cyber-affairs"][0]["source"]["key"],
        "table-5"
    );
    let department = by_source(&budget["projectFunding"]);
    assert_eq!(
        (
            department["101"].as_str(),
            department["10102"].as_str(),
            department["10104"].as_str()
        ),
        ("27895", "7831", "20064")
    );
    assert_eq!(by_source(&budget["basicFunding"])["101"], "1865");
    assert_eq!(budget["basicFunding"][0]["source"]["key"], "table-4");
    let salaries = by_source(&budget["lines"][0]["basicFunding"]);
    assert_eq!(salaries["101"], "17040000");
    assert_eq!(salaries["2"], "0");
    // 2022 prints no 表5: no funding, not zeros.
    let data = app
        .data(
            r#"{ department(code: "pingshan-gsdmb") { budget(year: 2022) { projectFunding { amount } projects { funding { amount } } } } }"#,
            json!({}),
        )
        .await;
    let budget = &data["department"]["budget"];
    assert_eq!(budget["projectFunding"], json!([]));
    assert!(
        budget["projects"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["funding"] == json!([]))
    );
}
