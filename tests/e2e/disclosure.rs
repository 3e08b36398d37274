//! The loaded data against the disclosure: every table's values (from an independent reading
//! kept in `fixtures/lines.txt`, not generated from `seed/data`), the narrative figures, the
//! 2022 figures, null versus 0, and the consistency checks.

use crate::common::{App, TestDb, bureau_budget, texts};
use entity::*;
use rust_decimal::Decimal;
use sea_orm::EntityTrait;
use seed::fixed::from_units;
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};

const FIXTURE: &str = include_str!("fixtures/lines.txt");

fn fixture(prefix: &str) -> Vec<&'static str> {
    FIXTURE
        .lines()
        .filter_map(|l| l.strip_prefix(prefix))
        .collect()
}

fn text(v: Option<i64>) -> String {
    v.map_or_else(|| "-".to_owned(), |u| from_units(u).to_string())
}

/// A text of every row of `E`, by id.
async fn by_id<E: EntityTrait>(
    db: &sea_orm::DatabaseConnection,
    entry: impl Fn(E::Model) -> (i32, String),
) -> HashMap<i32, String> {
    E::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(entry)
        .collect()
}

async fn sources(db: &sea_orm::DatabaseConnection) -> HashMap<i32, String> {
    by_id::<source::Entity>(db, |s| (s.id, s.key)).await
}

async fn node_codes(db: &sea_orm::DatabaseConnection) -> HashMap<i32, String> {
    by_id::<classification_node::Entity>(db, |n| (n.id, n.code)).await
}

#[tokio::test]
async fn every_table_row_matches_the_disclosure() {
    let test = TestDb::seeded().await;
    let sources = sources(&test.db).await;
    let nodes = node_codes(&test.db).await;
    let mut loaded = BTreeMap::new();
    for l in budget_line::Entity::find().all(&test.db).await.unwrap() {
        let code = match (l.node_id, &l.project_key) {
            (Some(id), _) => nodes[&id].clone(),
            // 表5 rows are projects.
            (None, Some(key)) => key.clone(),
            (None, None) => "total".to_owned(),
        };
        let key = format!("{} {} {code}", sources[&l.source_id], l.scheme.as_str());
        let values = [
            l.total,
            l.basic,
            l.project,
            l.procurement,
            l.sme_reserved,
            l.small_micro_reserved,
        ]
        .map(text)
        .join(" ");
        assert!(
            loaded.insert(key.clone(), values).is_none(),
            "duplicate row {key}"
        );
    }
    let mut expected = BTreeMap::new();
    for line in FIXTURE.lines().filter(|l| l.starts_with("table-")) {
        let parts: Vec<&str> = line.split(' ').collect();
        expected.insert(parts[..3].join(" "), parts[3..].join(" "));
    }
    assert_eq!(loaded, expected);
}

#[tokio::test]
async fn revenue_source_columns_of_tables_4_and_5_match() {
    let test = TestDb::seeded().await;
    let sources = sources(&test.db).await;
    let nodes = node_codes(&test.db).await;
    let mut loaded: Vec<String> = allocation::Entity::find()
        .all(&test.db)
        .await
        .unwrap()
        .into_iter()
        .map(|a| {
            let row = if a.row_key.is_empty() {
                "total".to_owned()
            } else {
                a.row_key
            };
            format!(
                "{} {row} {} {}",
                sources[&a.source_id],
                nodes[&a.revenue_node_id],
                from_units(a.amount)
            )
        })
        .collect();
    let mut expected: Vec<String> = fixture("A ").into_iter().map(str::to_owned).collect();
    loaded.sort();
    expected.sort();
    assert_eq!(loaded, expected);
}

#[tokio::test]
async fn table_9_three_public_expenses_and_their_changes() {
    let test = TestDb::seeded().await;
    let mut loaded = Vec::new();
    for r in three_public::Entity::find().all(&test.db).await.unwrap() {
        loaded.push(format!("{} {} {}", r.year, r.key, text(r.amount)));
        if r.year == 2023 {
            loaded.push(format!("change {} {}", r.key, text(r.stated_change)));
        }
    }
    let mut expected: Vec<String> = fixture("T9 ").into_iter().map(str::to_owned).collect();
    loaded.sort();
    expected.sort();
    assert_eq!(loaded, expected);
}

fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

#[tokio::test]
async fn table_12_tasks_and_indicators_in_printed_order() {
    let test = TestDb::seeded().await;
    let tasks: Vec<String> = {
        let mut rows = performance_task::Entity::find()
            .all(&test.db)
            .await
            .unwrap();
        rows.sort_by_key(|t| t.position);
        rows.into_iter()
            .map(|t| {
                format!(
                    "{}|{}|{}|{}|{}",
                    t.name,
                    squeeze(t.content.as_deref().unwrap_or("")),
                    text(t.total),
                    text(t.fiscal),
                    text(t.other)
                )
            })
            .collect()
    };
    let expected: Vec<String> = fixture("TASK ").into_iter().map(squeeze).collect();
    assert_eq!(
        tasks.iter().map(|t| squeeze(t)).collect::<Vec<_>>(),
        expected
    );

    let mut rows = indicator::Entity::find().all(&test.db).await.unwrap();
    rows.sort_by_key(|i| i.position);
    let indicators: Vec<String> = rows
        .iter()
        .map(|i| {
            squeeze(&format!(
                "{}|{}|{}|{}",
                i.category, i.subcategory, i.name, i.target
            ))
        })
        .collect();
    let expected: Vec<String> = fixture("IND ").into_iter().map(squeeze).collect();
    assert_eq!(indicators, expected);
    // The parsed form, where the target allows one.
    let wifi = rows.iter().find(|i| i.name.contains("AP 安装数")).unwrap();
    assert_eq!(
        (
            wifi.comparator.map(|c| c.as_str()),
            wifi.value.map(from_units),
            wifi.value_unit.as_deref()
        ),
        (Some("GTE"), Some(Decimal::from(3850)), Some("个"))
    );
    // A change target: its first condition is the value to reach (the baseline is served
    // beside it, see `indicator_targets_are_conditions`).
    let change = rows.iter().find(|i| i.name == "群众知晓度").unwrap();
    assert_eq!(
        (
            change.comparator.map(|c| c.as_str()),
            change.value.map(from_units)
        ),
        (Some("GTE"), Some(Decimal::from(25)))
    );
    let prose = rows
        .iter()
        .find(|i| i.target == "控制在预算范围内")
        .unwrap();
    assert_eq!(
        (prose.comparator.map(|c| c.as_str()), prose.value),
        (None, None)
    );
}

#[tokio::test]
async fn indicator_targets_are_conditions() {
    let app = App::seeded().await;
    let budget = bureau_budget(
        &app,
        "performanceIndicators { target comparator value valueUnit
           conditions { subject comparator value unit } baseline { value unit } }",
    )
    .await;
    let rows = budget["performanceIndicators"].as_array().unwrap();
    assert_eq!(rows.len(), 52);
    let find = |target: &str| rows.iter().find(|r| r["target"] == target).unwrap();
    assert_eq!(
        find("市民在已覆盖公共 WiFi 的区域内使用 WLAN 网络，单用户下行速率≥20M，上行速率≥10M")["conditions"],
        json!([
            {"subject": "单用户下行速率", "comparator": "GTE", "value": "20", "unit": "M"},
            {"subject": "上行速率", "comparator": "GTE", "value": "10", "unit": "M"}
        ])
    );
    let change = find("由 17.5%提升到 25%");
    assert_eq!(change["baseline"], json!({"value": "17.5", "unit": "%"}));
    assert_eq!(
        change["conditions"],
        json!([{"subject": null, "comparator": "GTE", "value": "25", "unit": "%"}])
    );
    assert_eq!(
        find("民生诉求事件总办结率 99%以上")["conditions"][0]["comparator"],
        "GTE"
    );
    // The first condition is what comparator/value/valueUnit serve, for every indicator.
    for row in rows {
        let first = &row["conditions"][0];
        assert_eq!(
            [&row["comparator"], &row["value"], &row["valueUnit"]],
            [&first["comparator"], &first["value"], &first["unit"]],
            "{}",
            row["target"]
        );
    }
    let with_conditions = rows
        .iter()
        .filter(|r| !r["conditions"].as_array().unwrap().is_empty())
        .count();
    assert_eq!(with_conditions, 41);
}

const FIGURES: &str = r#"query($year: Int!) { department(code: "pingshan-gsdmb") { budget(year: $year) {
  headlines { key amount unit basis change(baseYear: 2022) { base difference percent statedPercent statedDifference } }
  projects { key name amount basis subprojects { name amount } change(baseYear: 2022) { base difference percent statedPercent } }
  threePublicExpenses { key amount change(baseYear: 2022) { base difference percent statedPercent statedDifference } }
} } }"#;

fn by_key(list: &Value) -> HashMap<String, Value> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|v| (v["key"].as_str().unwrap().to_owned(), v.clone()))
        .collect()
}

#[tokio::test]
async fn narrative_figures_and_their_2022_comparisons() {
    let app = App::seeded().await;
    let data = app.data(FIGURES, json!({"year": 2023})).await;
    let budget = &data["department"]["budget"];
    let h = by_key(&budget["headlines"]);
    let amount = |k: &str| h[k]["amount"].as_str().map(str::to_owned);
    for (key, value) in [
        ("revenue_total", "29760"),
        ("expenditure_total", "29760"),
        ("basic_expenditure", "1865"),
        ("project_expenditure", "27895"),
        ("personnel_expenditure", "1763"),
        ("public_expenditure", "102"),
        ("family_subsidies", "0"),
        ("procurement_total", "5304"),
        ("procurement_goods", "3"),
        ("procurement_works", "0"),
        ("procurement_services", "5301"),
        ("admin_operating_costs", "102"),
        ("vehicles", "4"),
        ("general_equipment_over_500k", "64"),
        ("special_equipment_over_1m", "0"),
        ("machine_room_expansion_rounded", "8248"),
        ("performance_managed_funds", "27895"),
    ] {
        assert_eq!(amount(key).as_deref(), Some(value), "{key}");
    }
    assert_eq!(h["vehicles"]["unit"], "辆");
    assert_eq!(
        h["revenue_total"]["change"],
        json!({"base": "20215", "difference": "9545", "percent": "47.22", "statedPercent": "47.2", "statedDifference": "9545"})
    );
    assert_eq!(h["admin_operating_costs"]["change"]["base"], "90");
    assert_eq!(
        h["admin_operating_costs"]["change"]["statedPercent"],
        "13.3"
    );
    // Not stated for 2022: the base is null, not 0.
    assert_eq!(
        h["personnel_expenditure"]["change"],
        json!({"base": null, "difference": null, "percent": null, "statedPercent": null, "statedDifference": null})
    );

    let p = by_key(&budget["projects"]);
    let change = |k: &str| p[k]["change"].clone();
    for (key, base, difference, percent, stated) in [
        (
            "other-cyber-affairs",
            "4771",
            "2265",
            json!("47.47"),
            "47.5",
        ),
        (
            "general-admin-affairs",
            "1112",
            "-323",
            json!("-29.05"),
            "-29.1",
        ),
        (
            "government-investment",
            "12786",
            "7278",
            json!("56.92"),
            "56.9",
        ),
        ("training", "9", "-5", json!("-55.56"), "-55.5"),
        // 资产配置预算: 0 → 2, printed 100%; the computed percent of a 0 base is null.
        ("asset-allocation", "0", "2", Value::Null, "100"),
    ] {
        assert_eq!(
            change(key),
            json!({"base": base, "difference": difference, "percent": percent, "statedPercent": stated}),
            "{key}"
        );
    }
    assert_eq!(p["government-investment"]["name"], "2023 年政府投资项目");
    let subs = p["government-investment"]["subprojects"]
        .as_array()
        .unwrap();
    let sub = |name: &str| subs.iter().find(|s| s["name"] == name).unwrap()["amount"].clone();
    assert_eq!(sub("坪山区机房扩容（三期）"), "8247.97");
    assert_eq!(sub("大数据中心（二期）"), Value::Null);
    let admin = p["general-admin-affairs"]["subprojects"].clone();
    assert_eq!(
        admin,
        json!([{"name": "聘用人员经费", "amount": "555"}, {"name": "统筹业务费", "amount": "47"}])
    );

    let t = by_key(&budget["threePublicExpenses"]);
    assert_eq!(t["total"]["amount"], "16.5");
    assert_eq!(
        t["total"]["change"],
        json!({"base": "18", "difference": "-1.5", "percent": "-8.33", "statedPercent": "-8.3", "statedDifference": "-1.5"})
    );
    assert_eq!(t["official_reception"]["change"]["base"], "3");
    assert_eq!(t["vehicle_operation"]["amount"], "15");

    // The 2022 budget holds exactly what the 2023 disclosure states about 2022.
    let data = app.data(FIGURES, json!({"year": 2022})).await;
    let budget = &data["department"]["budget"];
    let h = by_key(&budget["headlines"]);
    let mut keys: Vec<&String> = h.keys().collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "admin_operating_costs",
            "expenditure_total",
            "revenue_total"
        ]
    );
    assert!(h.values().all(|f| f["basis"] == "DERIVED_FROM_COMPARISON"));
    let amounts = |list: &Value| -> Value {
        let by_key = by_key(list).into_iter();
        by_key.map(|(k, v)| (k, v["amount"].clone())).collect()
    };
    assert_eq!(
        amounts(&budget["projects"]),
        json!({"asset-allocation": "0", "general-admin-affairs": "1112", "government-investment": "12786", "other-cyber-affairs": "4771", "training": "9"})
    );
    assert_eq!(
        amounts(&budget["threePublicExpenses"]),
        json!({"official_reception": "3", "official_vehicles": "15", "overseas_travel": "0", "total": "18", "vehicle_operation": "15", "vehicle_purchase": "0"})
    );
}

#[tokio::test]
async fn profile_staffing_divisions_and_glossary() {
    let app = App::seeded().await;
    let data = app
        .data(
            r#"{ bureau: department(code: "pingshan-gsdmb") { independentAccounting units { code independentAccounting }
                   profile(year: 2023) { duties divisions { name } staffing { scope adminEstablishment adminActual institutionalEstablishment institutionalActual retiredLixiu retiredTuixiu note } } }
                 centre: department(code: "pingshan-gsbdc") { profile(year: 2023) { duties divisions { name } staffing { scope institutionalEstablishment institutionalActual } } }
                 glossary { term } }"#,
            json!({}),
        )
        .await;
    let bureau = &data["bureau"];
    // Not stated for the bureau itself: null, not false.
    assert_eq!(bureau["independentAccounting"], Value::Null);
    assert_eq!(
        bureau["units"],
        json!([{"code": "pingshan-gsbdc", "independentAccounting": false}])
    );
    assert!(
        bureau["profile"]["duties"]
            .as_str()
            .unwrap()
            .starts_with("贯彻执行国家、省、市、区关于政务服务")
    );
    assert_eq!(
        bureau["profile"]["divisions"],
        json!([{"name": "办公室"}, {"name": "审批协调科"}])
    );
    let staffing = bureau["profile"]["staffing"].as_array().unwrap();
    let consolidated = staffing
        .iter()
        .find(|s| s["scope"] == "CONSOLIDATED")
        .unwrap();
    assert_eq!(
        [
            consolidated["adminEstablishment"].clone(),
            consolidated["adminActual"].clone(),
            consolidated["institutionalEstablishment"].clone(),
            consolidated["institutionalActual"].clone(),
            consolidated["retiredLixiu"].clone(),
            consolidated["retiredTuixiu"].clone()
        ],
        [json!(9), json!(8), json!(33), json!(30), json!(0), json!(0)]
    );
    let centre = &data["centre"]["profile"];
    assert_eq!(centre["duties"], Value::Null);
    assert_eq!(centre["divisions"].as_array().unwrap().len(), 9);
    assert_eq!(
        centre["staffing"],
        json!([{"scope": "OWN", "institutionalEstablishment": 33, "institutionalActual": 30}])
    );
    let terms = texts(&data["glossary"], "term");
    assert_eq!(terms.len(), 9);
    assert_eq!(terms[0], "一般公共预算拨款收入");
    assert_eq!(terms[8], "机关运行经费");
}

#[tokio::test]
async fn checks_report_rounding_and_never_mismatch() {
    let app = App::seeded().await;
    let budget = bureau_budget(&app, "checks { key expected actual difference status }").await;
    let checks = by_key(&budget["checks"]);
    assert_eq!(
        checks["tree.table-8.ECONOMIC.302.total"],
        json!({"key": "tree.table-8.ECONOMIC.302.total", "expected": "7759", "actual": "7760", "difference": "1", "status": "ROUNDING"})
    );
    assert_eq!(
        checks["tree.table-3.FUNCTIONAL.22102.total"]["status"],
        "ROUNDING"
    );
    assert_eq!(
        checks["same.table-3.table-7.FUNCTIONAL.201.total"]["status"],
        "OK"
    );
    assert_eq!(checks["same.table-4.table-8.302.basic"]["status"], "OK");
    assert_eq!(checks["headline.procurement_parts"]["status"], "OK");
    assert_eq!(checks["tree.three_public.total"]["status"], "OK");
    assert_eq!(checks["same.table-12.task.2"]["status"], "OK");
    assert_eq!(
        checks["headline.revenue_equals_expenditure"]["status"],
        "OK"
    );
    let statuses: BTreeMap<&str, usize> = checks.values().fold(BTreeMap::new(), |mut m, c| {
        *m.entry(c["status"].as_str().unwrap()).or_default() += 1;
        m
    });
    assert_eq!(statuses.get("MISMATCH"), None);
    assert_eq!(statuses.get("ROUNDING"), Some(&8), "{statuses:?}");
}
