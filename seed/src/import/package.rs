//! Writing an import as a data package (seed/data/FORMAT.md): the loader's row types for the
//! resources it declares, so the files are exactly what it reads.

use super::Report;
use super::checks::is_total;
use super::reader::{Table, compact, strip_numbering};
use super::template::{Kind, Template};
use crate::rows::*;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// English names of classification codes the project already has (the Pingshan package).
const KNOWN_NAMES: &str = include_str!("../../data/pingshan-gsdmb-2023/classifications.csv");

fn english_names() -> HashMap<(String, String), String> {
    let mut reader = csv::Reader::from_reader(KNOWN_NAMES.as_bytes());
    reader
        .records()
        .flatten()
        .map(|r| {
            (
                (r[0].to_owned(), r[1].to_owned()),
                r.get(4).unwrap_or("").to_owned(),
            )
        })
        .collect()
}

fn csv_of<T: Serialize>(header: &[&str], rows: &[T]) -> Result<Vec<u8>, String> {
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    w.write_record(header).map_err(|e| e.to_string())?;
    for r in rows {
        w.serialize(r).map_err(|e| e.to_string())?;
    }
    w.into_inner().map_err(|e| e.to_string())
}

/// Writes every resource's CSV, in the loader's file order.
struct Writer {
    files: Vec<(String, Vec<u8>)>,
    error: Option<String>,
}

impl EachTable for Writer {
    fn table<T: Row>(&mut self, rows: &[Line<T>]) {
        let rows: Vec<&T> = rows.iter().map(|l| &l.row).collect();
        match csv_of(&T::RESOURCE.columns(), &rows) {
            Ok(bytes) => self.files.push((T::RESOURCE.path(), bytes)),
            Err(e) => self.error = Some(e),
        }
    }
}

fn lines<T>(rows: Vec<T>) -> Vec<Line<T>> {
    rows.into_iter()
        .enumerate()
        .map(|(i, row)| Line {
            line: i as u64 + 2,
            row,
        })
        .collect()
}

fn level(text: &str) -> GovernmentLevel {
    match text {
        "PROVINCE" => GovernmentLevel::Province,
        "CITY" => GovernmentLevel::City,
        _ => GovernmentLevel::District,
    }
}

/// Writes the package of `report` into `dir` (created; files of the same names replaced).
pub fn write(
    dir: &Path,
    report: &Report,
    template: &Template,
    government: &str,
    documents: &[String],
) -> Result<(), String> {
    let dept = report.department.code.as_str();
    let year = report.year;
    let package_unit = report
        .tables
        .iter()
        .find(|t| t.number == 1)
        .or(report.tables.first())
        .map(|t| t.unit.clone())
        .unwrap_or_else(|| "万元".into());
    let factor = |unit: &str| -> Decimal {
        match (unit, package_unit.as_str()) {
            ("万元", "元") => Decimal::from(10_000),
            _ => Decimal::ONE,
        }
    };
    let table = |n: i32| report.tables.iter().find(|t| t.number == n);
    let source = |n: i32| format!("table-{n}");

    let sources: Vec<SourceRow> = report
        .tables
        .iter()
        .map(|t| SourceRow {
            key: source(t.number),
            table_number: Some(t.number),
            title: strip_numbering(&t.printed_title),
            section: None,
            empty: t.empty,
        })
        .collect();

    // Classification nodes: every printed code, parents before children.
    let english = english_names();
    let mut nodes: BTreeMap<(String, String), (Option<String>, String)> = BTreeMap::new();
    let spec_scheme = |n: i32| {
        template
            .tables
            .iter()
            .find(|s| s.number == n)
            .and_then(|s| s.scheme.clone())
    };
    for t in &report.tables {
        let Some(scheme) = spec_scheme(t.number) else {
            continue;
        };
        for r in &t.rows {
            if let Some(code) = &r.code {
                nodes
                    .entry((scheme.clone(), code.clone()))
                    .or_insert((None, compact(&r.label)));
            }
        }
    }
    let codes: Vec<(String, String)> = nodes.keys().cloned().collect();
    for (scheme, code) in &codes {
        let mut len = code.len();
        let mut parent = None;
        while len > 3 && parent.is_none() {
            len -= 2;
            let p = code[..len].to_owned();
            if nodes.contains_key(&(scheme.clone(), p.clone())) {
                parent = Some(p);
            }
        }
        if let Some(n) = nodes.get_mut(&(scheme.clone(), code.clone())) {
            n.0 = parent;
        }
    }
    let mut classifications: Vec<ClassificationRow> = Vec::new();
    // Shorter codes first within a scheme puts every parent before its children.
    let mut ordered: Vec<&(String, String)> = nodes.keys().collect();
    ordered.sort_by_key(|(s, c)| (s.clone(), c.len(), c.clone()));
    for key in ordered {
        let (parent, name) = &nodes[key];
        classifications.push(ClassificationRow {
            scheme: match key.0.as_str() {
                "ECONOMIC" => Scheme::Economic,
                _ => Scheme::Functional,
            },
            code: key.1.clone(),
            parent_code: parent.clone(),
            name: name.clone(),
            name_en: english.get(key).cloned().unwrap_or_default(),
        });
    }

    // Budget lines.
    let mut budget_lines: Vec<BudgetLineRow> = Vec::new();
    let cell = |t: &Table, r: &super::reader::Row, key: &Option<String>| -> Option<Decimal> {
        let k = t
            .columns
            .iter()
            .position(|c| Some(&c.key) == key.as_ref())?;
        r.cells[k]
            .as_ref()
            .and_then(|c| c.value)
            .map(|v| v * factor(&t.unit))
    };
    for (scheme, specs) in [
        (Scheme::Functional, &template.semantic.functional),
        (Scheme::Economic, &template.semantic.economic),
    ] {
        for spec in specs {
            let Some(t) = table(spec.table) else { continue };
            let mut position = 0;
            for r in &t.rows {
                if r.code.is_none() && !is_total(&r.label) {
                    continue;
                }
                position += 1;
                budget_lines.push(BudgetLineRow {
                    department: dept.to_owned(),
                    year,
                    source: source(t.number),
                    scheme,
                    position,
                    code: r.code.clone(),
                    label: compact(&r.label),
                    total: cell(t, r, &spec.total),
                    basic: cell(t, r, &spec.basic),
                    project: cell(t, r, &spec.project),
                    procurement: None,
                    sme_reserved: None,
                    small_micro_reserved: None,
                });
            }
        }
    }
    // Revenue sources from the income side.
    let revenue = &template.semantic.revenue;
    if let Some(t) = table(revenue.table) {
        let mut position = 0;
        let column = Some(revenue.column.clone());
        for r in &t.rows {
            let label = strip_numbering(&r.label);
            let label =
                label.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.' || c == '．');
            let Some(source_spec) = revenue
                .sources
                .iter()
                .find(|s| s.labels.iter().any(|l| l == label))
            else {
                continue;
            };
            position += 1;
            budget_lines.push(BudgetLineRow {
                department: dept.to_owned(),
                year,
                source: source(t.number),
                scheme: Scheme::Revenue,
                position,
                code: Some(source_spec.code.clone()),
                label: compact(&r.label),
                total: cell(t, r, &column),
                basic: None,
                project: None,
                procurement: None,
                sme_reserved: None,
                small_micro_reserved: None,
            });
        }
        for s in &revenue.sources {
            classifications.push(ClassificationRow {
                scheme: Scheme::Revenue,
                code: s.code.clone(),
                parent_code: s.parent.clone(),
                name: s.name.clone(),
                name_en: s.name_en.clone(),
            });
        }
    }

    // Headlines: the totals of 收支总表.
    let figure = |spec: &str| -> Option<(Decimal, String, i32)> {
        let mut it = spec.splitn(3, ':');
        let n: i32 = it.next()?.parse().ok()?;
        let key = it.next()?;
        let row = compact(it.next()?);
        let t = table(n)?;
        let k = t.columns.iter().position(|c| c.key == key)?;
        let r = t.rows.iter().find(|r| {
            compact(&r.label) == row
                || r.cells.iter().zip(&t.columns).any(|(c, col)| {
                    col.kind == Kind::Item && c.as_ref().is_some_and(|c| compact(&c.text) == row)
                })
        })?;
        let v = r.cells[k].as_ref()?.value?;
        Some((v * factor(&t.unit), row, n))
    };
    let mut headlines = Vec::new();
    for (key, spec, name_en) in [
        (
            "revenue_total",
            &template.semantic.revenue_total,
            "Total revenue",
        ),
        (
            "expenditure_total",
            &template.semantic.expenditure_total,
            "Total expenditure",
        ),
    ] {
        if let Some((amount, name, n)) = figure(spec) {
            headlines.push(HeadlineRow {
                department: dept.to_owned(),
                year,
                key: key.to_owned(),
                name,
                name_en: name_en.to_owned(),
                amount: Some(amount),
                unit: package_unit.clone(),
                stated_change: None,
                stated_percent: None,
                basis: Basis::Printed,
                source: source(n),
                also_in: None,
                note: None,
            });
        }
    }

    // 三公 items.
    let mut three_public = Vec::new();
    if let Some(n) = template.semantic.three_public_table
        && let Some(t) = table(n)
        && let Some(r) = t.rows.first()
    {
        for s in &template.semantic.three_public {
            let Some(k) = t.columns.iter().position(|c| c.key == s.column) else {
                continue;
            };
            three_public.push(ThreePublicRow {
                department: dept.to_owned(),
                year,
                key: s.key.clone(),
                parent_key: s.parent.clone(),
                name: s.name.clone(),
                name_en: s.name_en.clone(),
                amount: r.cells[k]
                    .as_ref()
                    .and_then(|c| c.value)
                    .map(|v| v * factor(&t.unit)),
                stated_change: None,
                stated_percent: None,
                basis: Basis::Printed,
                source: source(n),
            });
        }
    }

    // Departments: the disclosure's, and its parent from the register.
    let mut departments = Vec::new();
    if let Some(parent) = &report.department.parent_code
        && let Some(p) = super::register::by_code(government, parent)
    {
        departments.push(DepartmentRow {
            code: p.code,
            name: p.name,
            name_en: p.name_en,
            government: government.to_owned(),
            parent_code: p.parent_code,
            independent_accounting: p.independent_accounting,
        });
    }
    let d = &report.department;
    departments.push(DepartmentRow {
        code: d.code.clone(),
        name: d.name.clone(),
        name_en: d.name_en.clone(),
        government: government.to_owned(),
        parent_code: d.parent_code.clone(),
        independent_accounting: d.independent_accounting,
    });
    let g = &template.government;
    let governments = vec![GovernmentRow {
        code: government.to_owned(),
        name: g.name.clone(),
        name_en: g.name_en.clone(),
        level: level(&g.level),
    }];

    // Printed tables: every numeric cell as printed, and the text columns beside them (the
    // other side of a 收支总表, the procurement table's item names) as cells with text only.
    let (mut pcols, mut prows, mut pcells) = (Vec::new(), Vec::new(), Vec::new());
    for t in &report.tables {
        for (i, c) in t.columns.iter().enumerate() {
            pcols.push(PrintedColumnRow {
                department: dept.to_owned(),
                year,
                source: source(t.number),
                position: i as i32 + 1,
                key: c.key.clone(),
                path: c.path.clone(),
                unit: t.unit.clone(),
            });
        }
        for (i, r) in t.rows.iter().enumerate() {
            prows.push(PrintedRowRow {
                department: dept.to_owned(),
                year,
                source: source(t.number),
                position: i as i32 + 1,
                code: r.code.clone(),
                label: r.label.clone(),
                document: Some(t.document.clone()),
                page: Some(r.page as i32),
                line: Some(r.line as i32),
            });
            for (k, c) in r.cells.iter().enumerate() {
                pcells.push(PrintedCellRow {
                    department: dept.to_owned(),
                    year,
                    source: source(t.number),
                    row: i as i32 + 1,
                    column: k as i32 + 1,
                    value: c.as_ref().and_then(|c| c.value),
                    text: c.as_ref().map(|c| c.text.clone()),
                    page: Some(c.as_ref().map_or(r.page, |c| c.page) as i32),
                    line: Some(c.as_ref().map_or(r.line, |c| c.line) as i32),
                });
            }
        }
    }

    let (factor_n, unit) = if package_unit == "元" {
        (1, "元")
    } else {
        (10_000, "万元")
    };
    let mut metadata = serde_json::Map::new();
    metadata.insert("name".into(), report.dataset.clone().into());
    metadata.insert(
        "title".into(),
        format!("{} {} 年部门预算", report.department.name, year).into(),
    );
    metadata.insert("currency".into(), "CNY".into());
    metadata.insert("factor".into(), factor_n.into());
    metadata.insert("unit".into(), unit.into());
    metadata.insert(
        "fiscalPeriod".into(),
        serde_json::json!({"start": format!("{year}-01-01"), "end": format!("{year}-12-31")}),
    );
    metadata.insert("years".into(), serde_json::json!([year]));
    metadata.insert(
        "sources".into(),
        documents
            .iter()
            .map(|d| serde_json::json!({"title": d, "path": d}))
            .collect(),
    );
    let text = Text {
        departments: Vec::new(),
        goals: Vec::new(),
        projects: Vec::new(),
        glossary: Vec::new(),
        notes: Vec::new(),
    };
    let tables = Tables {
        sources: lines(sources),
        governments: lines(governments),
        departments: lines(departments),
        staffing: Vec::new(),
        classifications: lines(classifications),
        budget_lines: lines(budget_lines),
        allocations: Vec::new(),
        headlines: lines(headlines),
        projects: Vec::new(),
        subprojects: Vec::new(),
        three_public: lines(three_public),
        tasks: Vec::new(),
        indicators: Vec::new(),
        printed_columns: lines(pcols),
        printed_rows: lines(prows),
        printed_cells: lines(pcells),
    };
    let mut writer = Writer {
        files: vec![(
            "datapackage.json".into(),
            crate::package::datapackage_json(&metadata).into_bytes(),
        )],
        error: None,
    };
    tables.each(&mut writer);
    if let Some(e) = writer.error {
        return Err(e);
    }
    let mut files = writer.files;
    let mut text_json = serde_json::to_string_pretty(&text).map_err(|e| e.to_string())?;
    text_json.push('\n');
    files.push(("text.json".into(), text_json.into_bytes()));
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    for (name, bytes) in files {
        std::fs::write(dir.join(&name), bytes).map_err(|e| format!("{name}: {e}"))?;
    }
    Ok(())
}
