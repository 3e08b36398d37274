//! `seed import`: every real disclosure of `../shared/corpus/` imports with `--strict` (no
//! MISMATCH, no unplaced cell), figures read from the PDFs by eye are asserted cell by cell, and
//! bad input is refused with the file named and nothing written.

use rust_decimal::Decimal;
use seed::import::{Options, Report, checks::Status, run};
use std::path::{Path, PathBuf};
use std::str::FromStr;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus")
}

/// Every disclosure of the corpus: one PDF, or its -text and -tables PDFs.
const DISCLOSURES: &[&[&str]] = &[
    &["jiangsu-jianchayuan-2017.pdf"],
    &["jiangsu-jianchayuan-2018.pdf"],
    &["jiangsu-jianchayuan-2019.pdf"],
    &["jiangsu-gaojifayuan-2017.pdf"],
    &["jiangsu-gaojifayuan-2018.pdf"],
    &["jiangsu-gaojifayuan-2019.pdf"],
    &["jiangsu-rendabangongting-2017.pdf"],
    &["jiangsu-rendabangongting-2018.pdf"],
    &[
        "jiangsu-rendabangongting-2019-tables.pdf",
        "jiangsu-rendabangongting-2019-text.pdf",
    ],
    &[
        "jiangsu-zhengxiebangongting-2017-text.pdf",
        "jiangsu-zhengxiebangongting-2017-tables.pdf",
    ],
    &[
        "jiangsu-zhengxiebangongting-2018-tables.pdf",
        "jiangsu-zhengxiebangongting-2018-text.pdf",
    ],
    &["shanghai-putuo-wanlijiedao-2024.pdf"],
    &["shanghai-putuo-wanlijiedao-2025.pdf"],
    &["shanghai-putuo-zhengfubangongshi-2025.pdf"],
    &["shanghai-putuo-zhengfubangongshi-danwei-2025.pdf"],
    &["shanghai-putuo-shangwuwei-2025.pdf"],
];

fn import(files: &[&str], out: &Path) -> Result<Report, String> {
    run(&Options {
        files: files.iter().map(|f| corpus().join(f)).collect(),
        out: out.to_path_buf(),
        strict: true,
        government: None,
    })
    .map_err(|e| e.to_string())
}

/// The cell of table `number`, the row printing `row` (its code, or its label without
/// whitespace), column `key`: (value, text).
fn cell(report: &Report, number: i32, row: &str, key: &str) -> (Option<Decimal>, String) {
    let t = report
        .tables
        .iter()
        .find(|t| t.number == number)
        .unwrap_or_else(|| panic!("no table {number}"));
    let k = t
        .columns
        .iter()
        .position(|c| c.key == key)
        .unwrap_or_else(|| panic!("table {number} has no column {key}"));
    let r = t
        .rows
        .iter()
        .find(|r| {
            r.code.as_deref() == Some(row) || r.label.split_whitespace().collect::<String>() == row
        })
        .unwrap_or_else(|| panic!("table {number} has no row {row}"));
    match &r.cells[k] {
        Some(c) => (c.value, c.text.clone()),
        None => (None, String::new()),
    }
}

fn dec(text: &str) -> Option<Decimal> {
    Some(Decimal::from_str(text).unwrap())
}

#[test]
fn every_corpus_disclosure_imports_strictly() {
    let dir = crate::common::temp_dir("import-all");
    for (i, files) in DISCLOSURES.iter().enumerate() {
        let out = dir.path().join(i.to_string());
        let report = import(files, &out).unwrap_or_else(|e| panic!("{files:?}: {e}"));
        assert!(
            report.unplaced.is_empty(),
            "{files:?}: {}",
            report.summary()
        );
        assert!(
            report.checks.iter().all(|c| c.status != Status::Mismatch),
            "{files:?}: {}",
            report.summary()
        );
        let expected_tables = if files[0].starts_with("jiangsu") {
            12
        } else {
            9
        };
        assert_eq!(report.tables.len(), expected_tables, "{files:?}");
        assert!(report.cells() > 200, "{files:?}: {}", report.cells());
        for file in [
            "datapackage.json",
            "sources.csv",
            "governments.csv",
            "departments.csv",
            "budget_lines.csv",
            "printed_columns.csv",
            "printed_rows.csv",
            "printed_cells.csv",
        ] {
            assert!(out.join(file).exists(), "{files:?}: {file}");
        }
    }
}

/// Figures read by eye from the rendered pages (`pdftoppm -r 80 -f N -l N -png`).
#[test]
fn cells_equal_the_printed_figures() {
    let dir = crate::common::temp_dir("import-cells");
    let r = import(&["jiangsu-jianchayuan-2018.pdf"], &dir.path().join("a")).unwrap();
    assert_eq!(r.year, 2018);
    assert_eq!(r.department.code, "jiangsu-jianchayuan");
    // 公开09表, page 19: 公务用车购置费 blank, the others printed.
    let t9 = &r.tables.iter().find(|t| t.number == 9).unwrap().rows[0];
    let values: Vec<Option<Decimal>> = t9
        .cells
        .iter()
        .map(|c| c.as_ref().and_then(|c| c.value))
        .collect();
    assert_eq!(
        values,
        vec![
            dec("1384.74"),
            dec("484.30"),
            dec("100.00"),
            dec("267.80"),
            None,
            dec("267.80"),
            dec("116.50"),
            dec("200.44"),
            dec("700.00")
        ]
    );
    assert_eq!(t9.cells[0].as_ref().unwrap().text, "1,384.74");
    assert_eq!(t9.cells[0].as_ref().unwrap().page, 19);
    // 公开05表: a figure printed without its thousands separator, kept as printed.
    assert_eq!(
        cell(&r, 5, "2040405", "total"),
        (dec("1895.00"), "1895.00".into())
    );
    assert_eq!(
        cell(&r, 5, "2210202", "total"),
        (dec("2586.61"), "2,586.61".into())
    );
    // 公开01表: a label wrapped over two lines (1.一般公共预 / 算) beside its figure.
    assert_eq!(
        cell(&r, 1, "1.一般公共预算", "revenue"),
        (dec("21940.96"), "21,940.96".into())
    );
    assert_eq!(
        cell(&r, 1, "三、其他资金", "revenue"),
        (dec("14.39"), "14.39".into())
    );

    // Shanghai: 元 with codes split into 类/款/项 columns, 三公 in 万元.
    let s = import(
        &["shanghai-putuo-wanlijiedao-2025.pdf"],
        &dir.path().join("b"),
    )
    .unwrap();
    assert_eq!(
        cell(&s, 2, "2080505", "total"),
        (dec("4827156"), "4,827,156".into())
    );
    assert_eq!(cell(&s, 2, "2080505", "business"), (dec("0"), "0".into()));
    assert_eq!(cell(&s, 3, "201", "basic"), (dec("0"), "0".into()));
    assert_eq!(
        cell(&s, 3, "201", "project"),
        (dec("3296600"), "3,296,600".into())
    );
    assert_eq!(
        s.tables.iter().find(|t| t.number == 9).unwrap().unit,
        "万元"
    );
    assert_eq!(s.tables.iter().find(|t| t.number == 2).unwrap().unit, "元");
    // 2024 prints 款 `2` for 02 (301 2 津贴补贴): read as 30102.
    let s24 = import(
        &["shanghai-putuo-wanlijiedao-2024.pdf"],
        &dir.path().join("c"),
    )
    .unwrap();
    assert_eq!(
        cell(&s24, 8, "30102", "total"),
        (dec("16623810"), "16,623,810".into())
    );
    // The 单位预算 is the office's own unit, under the department.
    let u = import(
        &["shanghai-putuo-zhengfubangongshi-danwei-2025.pdf"],
        &dir.path().join("d"),
    )
    .unwrap();
    assert_eq!(u.department.code, "putuo-zhengfubangongshi-unit");
    assert_eq!(
        u.department.parent_code.as_deref(),
        Some("putuo-zhengfubangongshi")
    );
    assert_eq!(
        cell(&u, 1, "收入总计", "revenue"),
        (dec("91016775.35"), "91,016,775.35".into())
    );
}

#[test]
fn printed_cells_are_written_as_printed() {
    let dir = crate::common::temp_dir("import-files");
    import(&["jiangsu-jianchayuan-2018.pdf"], dir.path()).unwrap();
    let cells = std::fs::read_to_string(dir.path().join("printed_cells.csv")).unwrap();
    assert!(cells.starts_with("department,year,source,row,column,value,text,page,line\n"));
    assert!(cells.contains("jiangsu-jianchayuan,2018,table-9,1,1,1384.74,\"1,384.74\",19,"));
    assert!(
        cells.contains("jiangsu-jianchayuan,2018,table-9,1,5,,,19,"),
        "a blank cell is empty"
    );
    let lines = std::fs::read_to_string(dir.path().join("budget_lines.csv")).unwrap();
    assert!(lines.contains("jiangsu-jianchayuan,2018,table-5,FUNCTIONAL,"));
    assert!(lines.contains(",2040401,行政运行,10883.36,"));
    let sources = std::fs::read_to_string(dir.path().join("sources.csv")).unwrap();
    assert!(
        sources.contains("table-10,10,政府性基金支出预算表,,true"),
        "{sources}"
    );
}

fn refused(files: &[PathBuf], out: &Path) -> String {
    let err = run(&Options {
        files: files.to_vec(),
        out: out.to_path_buf(),
        strict: false,
        government: None,
    })
    .expect_err("refused");
    assert!(!out.exists(), "nothing is written on error");
    err.to_string()
}

#[test]
fn bad_input_is_refused_naming_the_file() {
    let dir = crate::common::temp_dir("import-bad");
    let out = dir.path().join("out");
    // Not a PDF.
    let text = dir.path().join("notes.pdf");
    std::fs::write(&text, "部门预算").unwrap();
    let e = refused(&[text], &out);
    assert!(e.contains("notes.pdf") && e.contains("not a PDF"), "{e}");
    // Truncated.
    let bytes = std::fs::read(corpus().join("jiangsu-jianchayuan-2018.pdf")).unwrap();
    let cut = dir.path().join("cut.pdf");
    std::fs::write(&cut, &bytes[..4000]).unwrap();
    let e = refused(&[cut], &out);
    assert!(e.contains("cut.pdf"), "{e}");
    // No text layer: a page with nothing but a drawing (as a scan has only an image).
    let scan = dir.path().join("scan.pdf");
    std::fs::write(&scan, image_only_pdf()).unwrap();
    let e = refused(&[scan], &out);
    assert!(e.contains("scan.pdf") && e.contains("no text layer"), "{e}");
    // A PDF with text that is not a budget.
    let report = dir.path().join("report.pdf");
    std::fs::write(
        &report,
        pdf("BT /F1 12 Tf 72 720 Td (Annual report) Tj ET\n"),
    )
    .unwrap();
    let e = refused(&[report], &out);
    assert!(
        e.contains("report.pdf") && e.contains("not a department budget"),
        "{e}"
    );
    // A file that is not there.
    let e = refused(&[corpus().join("missing.pdf")], &out);
    assert!(
        e.contains("missing.pdf") && e.contains("cannot read"),
        "{e}"
    );
}

/// A one-page PDF whose page draws a rectangle and prints no text.
fn image_only_pdf() -> Vec<u8> {
    pdf("0 0 0 rg 100 100 200 200 re f\n")
}

/// A one-page PDF drawing `content` (Helvetica as /F1).
fn pdf(content: &str) -> Vec<u8> {
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R \
         /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_owned(),
        format!(
            "<< /Length {} >>\nstream\n{content}endstream",
            content.len()
        ),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend(format!("{} 0 obj\n{o}\nendobj\n", i + 1).bytes());
    }
    let xref = pdf.len();
    pdf.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).bytes());
    for o in offsets {
        pdf.extend(format!("{o:010} 00000 n \n").bytes());
    }
    pdf.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .bytes(),
    );
    pdf
}

/// Every corpus disclosure loads into one database beside the bundled Pingshan disclosure,
/// each in its own transaction; their printed cells are all stored.
#[tokio::test]
async fn every_corpus_disclosure_loads_into_one_database() {
    use sea_orm::{EntityTrait, PaginatorTrait};
    let test = crate::common::TestDb::seeded().await;
    let dir = crate::common::temp_dir("import-load");
    let mut cells = 0;
    for (i, files) in DISCLOSURES.iter().enumerate() {
        let out = dir.path().join(i.to_string());
        import(files, &out).unwrap_or_else(|e| panic!("{files:?}: {e}"));
        cells += std::fs::read_to_string(out.join("printed_cells.csv"))
            .unwrap()
            .lines()
            .count()
            - 1;
        seed::load(&test.db, &seed::DataSource::Dir(out))
            .await
            .unwrap_or_else(|e| panic!("{files:?}: {e}"));
    }
    let stored = entity::printed_cell::Entity::find()
        .count(&test.db)
        .await
        .unwrap() as usize;
    assert_eq!(stored, cells);
    let governments = entity::government::Entity::find()
        .count(&test.db)
        .await
        .unwrap();
    assert_eq!(governments, 3, "Shenzhen Pingshan, Jiangsu, Shanghai Putuo");
}

/// The independent reading (`fixtures/corpus-readings/`, made from the PDFs by another reader
/// without seeing the importer's output; its README says how): every cell it sampled is the
/// importer's cell, with the same printed text and value, on the same page.
#[test]
fn cells_equal_the_independent_reading() {
    let readings = Path::new(env!("CARGO_MANIFEST_DIR")).join("e2e/fixtures/corpus-readings");
    let dir = crate::common::temp_dir("import-readings");
    let templates = seed::import::template::all();
    let mut compared = 0;
    let mut differences = Vec::new();
    for (i, files) in DISCLOSURES.iter().enumerate() {
        let report = import(files, &dir.path().join(i.to_string())).unwrap();
        let name = files
            .iter()
            .find(|f| !f.ends_with("-text.pdf"))
            .unwrap()
            .trim_end_matches(".pdf");
        let template = templates
            .iter()
            .find(|t| t.family == report.family)
            .unwrap();
        let mut reader = csv::Reader::from_path(readings.join(format!("{name}.csv"))).unwrap();
        for record in reader.records() {
            let r = record.unwrap();
            let (page, title, code, label, path, text, value) =
                (&r[1], &r[2], &r[3], &r[4], &r[5], &r[6], &r[7]);
            let found = find_cell(&report, template, title, code, label, path);
            let want_value = (!value.is_empty()).then(|| Decimal::from_str(value).unwrap());
            compared += 1;
            // Disagreements reported to the lead, the reading left as it is: 20805 is printed
            // at the foot of page 21 (`pdftotext -layout -f 21 -l 21`, line 37), the reading
            // says page 22, where its children are.
            let page =
                if name == "shanghai-putuo-wanlijiedao-2025" && code == "20805" && page == "22" {
                    "21"
                } else {
                    page
                };
            match found {
                Some((v, t, p)) if v == want_value && t == text && p.to_string() == page => {}
                other => differences.push(format!(
                    "{name} p{page} {title} {code} {label} [{path}]: read `{text}`, imported {other:?}"
                )),
            }
        }
    }
    assert!(compared > 450, "{compared}");
    assert!(
        differences.is_empty(),
        "{} of {compared} differ:\n{}",
        differences.len(),
        differences.join("\n")
    );
}

fn norm(text: &str) -> String {
    // Header texts compared without whitespace, bracket widths or a leading `20xx年`.
    let t: String = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '(' => '（',
            ')' => '）',
            c => c,
        })
        .collect();
    let mut out = String::new();
    for part in t.split('/') {
        let p = match part.char_indices().nth(4) {
            Some((i, '年')) if part[..i].chars().all(|c| c.is_ascii_digit()) => {
                &part[i + '年'.len_utf8()..]
            }
            _ => part,
        };
        if !out.is_empty() {
            out.push('/');
        }
        out.push_str(p);
    }
    out
}

/// The importer's (value, text, page) of the cell a reading names.
fn find_cell(
    report: &Report,
    template: &seed::import::template::Template,
    title: &str,
    code: &str,
    label: &str,
    path: &str,
) -> Option<(Option<Decimal>, String, usize)> {
    let title = norm(title);
    let number = template
        .tables
        .iter()
        .flat_map(|t| t.titles.iter().map(move |v| (t.number, v)))
        .filter(|(_, v)| title.contains(&norm(v)))
        .max_by_key(|(_, v)| v.len())?
        .0;
    let t = report.tables.iter().find(|t| t.number == number)?;
    let path = norm(path);
    let k = t
        .columns
        .iter()
        .position(|c| norm(&c.path) == path || norm(&c.path).ends_with(&format!("/{path}")))?;
    let label = norm(label);
    let row = t.rows.iter().find(|r| {
        let own_code = r.code.as_deref().unwrap_or("");
        let code_ok = own_code == code
            || (code.len() == 4 && own_code == format!("{}0{}", &code[..3], &code[3..]));
        if !code.is_empty() {
            return code_ok;
        }
        own_code.is_empty()
            && (norm(&r.label) == label
                || r.cells.iter().zip(&t.columns).any(|(c, col)| {
                    col.kind == seed::import::template::Kind::Item
                        && c.as_ref().is_some_and(|c| norm(&c.text) == label)
                }))
    })?;
    let cell = row_cell(row, k);
    Some(cell.unwrap_or((None, String::new(), row.page)))
}

fn row_cell(row: &seed::import::reader::Row, k: usize) -> Option<(Option<Decimal>, String, usize)> {
    row.cells[k]
        .as_ref()
        .map(|c| (c.value, c.text.clone(), c.page))
}

/// An imported disclosure's printed table is served as printed: Jiangsu 检察院 2018 公开09表,
/// its blank 公务用车购置费 null and its figures as printed, in 万元.
#[tokio::test]
async fn an_imported_table_is_served_cell_by_cell() {
    let dir = crate::common::temp_dir("import-api");
    import(&["jiangsu-jianchayuan-2018.pdf"], dir.path()).unwrap();
    let app = crate::common::App::seeded().await;
    app.load(&seed::DataSource::Dir(dir.path().to_path_buf()))
        .await;
    let data = app
        .data(
            r#"{ department(code: "jiangsu-jianchayuan") { budget(year: 2018) {
                table(number: 9) { unit columns { key path } rows { cells { value text } } } } } }"#,
            serde_json::json!({}),
        )
        .await;
    let table = &data["department"]["budget"]["table"];
    assert_eq!(table["unit"], "万元", "{data}");
    assert_eq!(
        table["columns"][4]["path"],
        serde_json::json!(["“三公”经费", "公务用车购置及运行维护费", "公务用车购置费"])
    );
    let cells = &table["rows"][0]["cells"];
    assert_eq!(cells[0]["value"], "1384.74", "{data}");
    assert_eq!(cells[0]["text"], "1,384.74");
    assert_eq!(cells[4]["value"], serde_json::Value::Null);
    assert_eq!(cells[8]["value"], "700", "{data}");
}
