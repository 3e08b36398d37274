//! Synthetic disclosures for tests and benchmarks: deterministic (seeded), in the same file
//! format as a transcribed one, shaped like the real disclosure (functional 类/款/项 and
//! economic 类/款 trees, revenue sources, projects with sub-items, 三公, indicators, checks
//! that add up), and loadable by the normal loader.

use crate::error::DataError;
use crate::files::DataSource;
use crate::package::resource;
use crate::rows::{ClassificationRow, Line, Scheme, read_csv};
use std::fmt::Write as _;
use std::path::Path;

/// Size of a synthetic disclosure.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    pub departments: usize,
    pub years: usize,
    /// RNG seed: the same shape and seed give byte-identical files.
    pub seed: u64,
    /// Functional tree: 类 count, 款 per 类, 项 per 款.
    pub functional: (usize, usize, usize),
    /// Economic tree: 类 count, 款 per 类.
    pub economic: (usize, usize),
}

impl Shape {
    pub fn new(departments: usize, years: usize) -> Shape {
        Shape {
            departments,
            years,
            seed: 42,
            functional: (6, 3, 3),
            economic: (5, 6),
        }
    }

    /// The last year of the series (the first is `LAST_YEAR - years + 1`).
    pub const LAST_YEAR: i32 = 2023;

    pub fn first_year(&self) -> i32 {
        Self::LAST_YEAR - self.years as i32 + 1
    }

    /// Department code of the `i`-th synthetic department (0-based).
    pub fn department_code(i: usize) -> String {
        format!("synth-{i:05}")
    }
}

/// splitmix64: small, deterministic, good enough for fake amounts.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// An amount in 万元 with at most two decimals, in `[1, max]`.
    fn amount(&mut self, max: u64) -> i64 {
        (100 + self.next() % (max * 100)) as i64
    }
}

fn wan(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let c = cents.abs();
    match c % 100 {
        0 => format!("{sign}{}", c / 100),
        r if r % 10 == 0 => format!("{sign}{}.{}", c / 100, r / 10),
        r => format!("{sign}{}.{r:02}", c / 100),
    }
}

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// A CSV file's header line, from its resource's columns.
/// The government of the synthetic departments: the bundled disclosure's, so that a synthetic
/// package loaded beside it makes one whole government to sum (as before governments existed).
const GOVERNMENT: &str = "shenzhen-pingshan";

fn header(resource_name: &str) -> String {
    format!("{}\n", resource(resource_name).columns().join(","))
}

/// A (code, parent, name) node of a synthetic tree.
struct Node {
    code: String,
    parent: Option<String>,
    name: String,
}

fn functional_nodes(shape: &Shape) -> Vec<Node> {
    let (classes, per_class, per_kuan) = shape.functional;
    tree_nodes("9", "功能", &[classes, per_class, per_kuan])
}

fn economic_nodes(shape: &Shape) -> Vec<Node> {
    let (classes, per_class) = shape.economic;
    tree_nodes("8", "经济", &[classes, per_class])
}

/// A synthetic tree, parents first: `counts[0]` classes coded `{first}01`, `{first}02`, …, each
/// with `counts[1]` children (two more digits: `90101`), and so on; named by kind, level
/// and position (`合成功能款1-2`).
fn tree_nodes(first: &str, kind: &str, counts: &[usize]) -> Vec<Node> {
    // `parent`: the code prefix of the children, the parent code (none at the top) and the
    // parent position path (`1-2`).
    fn walk(out: &mut Vec<Node>, kind: &str, counts: &[usize], parent: (&str, Option<&str>, &str)) {
        let Some((&count, rest)) = counts.split_first() else {
            return;
        };
        let (prefix, parent_code, path) = parent;
        for i in 1..=count {
            let code = format!("{prefix}{i:02}");
            let path = if path.is_empty() {
                i.to_string()
            } else {
                format!("{path}-{i}")
            };
            let level = ["类", "款", "项"][path.split('-').count() - 1];
            out.push(Node {
                code: code.clone(),
                parent: parent_code.map(str::to_owned),
                name: format!("合成{kind}{level}{path}"),
            });
            walk(out, kind, rest, (&code, Some(&code), &path));
        }
    }
    let mut nodes = Vec::new();
    walk(&mut nodes, kind, counts, (first, None, ""));
    nodes
}

/// Leaf amounts `(basic, project)` in cents, parents summed, department total last.
fn tree_amounts(nodes: &[Node], rng: &mut Rng) -> (Vec<(i64, i64)>, (i64, i64)) {
    let leaf: Vec<bool> = nodes
        .iter()
        .map(|n| !nodes.iter().any(|m| m.parent.as_deref() == Some(&n.code)))
        .collect();
    let mut amounts: Vec<(i64, i64)> = leaf
        .iter()
        .map(|&is_leaf| {
            if is_leaf {
                (rng.amount(300), rng.amount(2_000))
            } else {
                (0, 0)
            }
        })
        .collect();
    // Children come after parents; sum bottom-up.
    for i in (0..nodes.len()).rev() {
        if let Some(parent) = &nodes[i].parent
            && let Some(p) = nodes.iter().position(|n| &n.code == parent)
        {
            amounts[p].0 += amounts[i].0;
            amounts[p].1 += amounts[i].1;
        }
    }
    let total = nodes
        .iter()
        .zip(&amounts)
        .filter(|(n, _)| n.parent.is_none())
        .fold((0, 0), |t, (_, a)| (t.0 + a.0, t.1 + a.1));
    (amounts, total)
}

const PROJECTS: &[(&str, &str, &str)] = &[
    (
        "synthetic-operations",
        "合成运维项目",
        "Synthetic operations project",
    ),
    (
        "synthetic-admin",
        "合成行政事务",
        "Synthetic administrative affairs",
    ),
    (
        "synthetic-investment",
        "合成投资项目",
        "Synthetic investment project",
    ),
    ("synthetic-training", "合成培训支出", "Synthetic training"),
];

/// Writes a synthetic disclosure into `dir` (created if missing).
pub fn write(dir: &Path, shape: &Shape) -> Result<(), DataError> {
    let io = |file: &'static str| {
        move |e: std::io::Error| DataError::file(file, format!("cannot write: {e}"))
    };
    std::fs::create_dir_all(dir).map_err(io("."))?;
    let files = generate(shape)?;
    for (name, text) in files {
        std::fs::write(dir.join(name), text).map_err(io(name))?;
    }
    Ok(())
}

/// The files of a synthetic disclosure, by name.
pub fn generate(shape: &Shape) -> Result<Vec<(&'static str, String)>, DataError> {
    let mut rng = Rng(shape.seed);
    let years: Vec<i32> = (shape.first_year()..=Shape::LAST_YEAR).collect();
    let name = format!(
        "synthetic-{}x{}-{}",
        shape.departments, shape.years, shape.seed
    );
    let functional = functional_nodes(shape);
    let economic = economic_nodes(shape);

    // Revenue sources are shared with every disclosure: copy the bundled ones verbatim.
    let bundled = DataSource::Bundled.read("classifications.csv")?;
    let revenue: Vec<Line<ClassificationRow>> = read_csv::<ClassificationRow>(
        "classifications.csv",
        &bundled,
        &<ClassificationRow as crate::rows::Row>::RESOURCE.columns(),
    )
    .map_err(|mut e| e.remove(0))?
    .into_iter()
    .filter(|l| l.row.scheme == Scheme::Revenue)
    .collect();

    let mut classifications = header("classifications");
    for (scheme, nodes) in [("FUNCTIONAL", &functional), ("ECONOMIC", &economic)] {
        for n in nodes.iter() {
            let _ = writeln!(
                classifications,
                "{scheme},{},{},{},{} (synthetic)",
                n.code,
                n.parent.as_deref().unwrap_or(""),
                n.name,
                n.code
            );
        }
    }
    for l in &revenue {
        let r = &l.row;
        let _ = writeln!(
            classifications,
            "REVENUE,{},{},{},{}",
            r.code,
            r.parent_code.as_deref().unwrap_or(""),
            csv_field(&r.name),
            csv_field(&r.name_en)
        );
    }

    let mut departments = header("departments");
    let mut staffing = header("staffing");
    let mut lines = header("budget_lines");
    let mut allocations = header("allocations");
    let mut headlines = header("headlines");
    let mut projects = header("projects");
    let mut subprojects = header("subprojects");
    let mut three_public = header("three_public");
    let mut tasks = header("tasks");
    let mut indicators = header("indicators");
    let mut text_departments = Vec::new();
    let mut text_projects = Vec::new();

    for d in 0..shape.departments {
        let code = Shape::department_code(d);
        let mut previous: Vec<Option<i64>> = vec![None; PROJECTS.len()];
        let parent = if d > 0 && d % 10 != 0 {
            Shape::department_code(d - d % 10)
        } else {
            String::new()
        };
        // Both kinds of unit: 1–4 of each ten are not independently accounted (their parent's
        // budget consolidates theirs, so sums must not add them again), 5–9 are.
        let independent = match d % 10 {
            0 => "",
            1..=4 => "false",
            _ => "true",
        };
        let _ = writeln!(
            departments,
            "{code},合成部门{d},Synthetic department {d},{GOVERNMENT},{parent},{independent}"
        );
        for &year in &years {
            let _ = writeln!(
                staffing,
                "{code},{year},OWN,{},{},{},{},0,{},,text-part1",
                5 + d % 7,
                4 + d % 7,
                20 + d % 13,
                18 + d % 13,
                d % 3
            );
            text_departments.push(serde_json::json!({
                "code": code, "year": year, "duties": format!("合成部门{d}的职责（{year}）。"), "source": "text-part1",
                "divisions": [{"name": "办公室", "name_en": "General Office"}, {"name": "业务科", "name_en": "Business Section"}]
            }));

            // Functional tree in 表3 (all six columns) and economic tree in 表8.
            // A table's rows: the department total first, then one row per node, each with
            // total, basic and project, and `rest` for the procurement columns.
            let mut tree = |table: &str, scheme: &str, nodes: &[Node], rest: &str| {
                let (amounts, total) = tree_amounts(nodes, &mut rng);
                let rows = std::iter::once((String::new(), format!("合成部门{d}"), total)).chain(
                    nodes
                        .iter()
                        .zip(amounts)
                        .map(|(n, a)| (n.code.clone(), n.name.clone(), a)),
                );
                for (i, (node, name, (basic, project))) in rows.enumerate() {
                    let _ = writeln!(
                        lines,
                        "{code},{year},{table},{scheme},{},{node},{name},{},{},{}{rest}",
                        i + 1,
                        wan(basic + project),
                        wan(basic),
                        wan(project)
                    );
                }
                total
            };
            let f_total = tree("table-3", "FUNCTIONAL", &functional, ",0,0,0");
            let total = f_total.0 + f_total.1;
            tree("table-8", "ECONOMIC", &economic, ",,,");

            // Projects: split the project expenditure over the projects; 表5 rows and 表12 tasks.
            let mut remaining = f_total.1;
            let mut amounts = Vec::new();
            for (i, _) in PROJECTS.iter().enumerate() {
                let a = if i + 1 == PROJECTS.len() {
                    remaining
                } else {
                    remaining / 3
                };
                remaining -= a;
                amounts.push(a);
            }
            // A row that prints only its total (表5, 表2).
            let total_row = |lines: &mut String,
                             table_scheme: &str,
                             position: usize,
                             node: &str,
                             label: &str,
                             amount: i64| {
                let _ = writeln!(
                    lines,
                    "{code},{year},{table_scheme},{position},{node},{label},{},,,,,",
                    wan(amount)
                );
            };
            let department = format!("合成部门{d}");
            total_row(&mut lines, "table-5,PROJECT", 1, "", &department, f_total.1);
            let _ = writeln!(
                tasks,
                "{code},{year},1,BASIC,基本支出,,主要用于人员、公用支出,{},{},0,table-12",
                wan(f_total.0),
                wan(f_total.0)
            );
            for (i, ((key, pname, pname_en), amount)) in PROJECTS.iter().zip(&amounts).enumerate() {
                let change = previous[i].map(|p| amount - p);
                previous[i] = Some(*amount);
                total_row(&mut lines, "table-5,PROJECT", i + 2, key, pname, *amount);
                let _ = writeln!(
                    allocations,
                    "{code},{year},table-5,{key},101,{}",
                    wan(*amount)
                );
                let _ = writeln!(
                    tasks,
                    "{code},{year},{},PROJECT,{pname},{key},合成任务内容,{},{},0,table-12",
                    i + 2,
                    wan(*amount),
                    wan(*amount)
                );
                let stated = (change.map(wan).unwrap_or_default(), String::new());
                let _ = writeln!(
                    projects,
                    "{code},{year},{key},{pname},{year} 年{pname},{pname_en},{},{},{},PRINTED,text-part3,",
                    wan(*amount),
                    stated.0,
                    stated.1
                );
                let _ = writeln!(
                    subprojects,
                    "{code},{year},{key},1,{pname}子项一,{pname_en} item 1,{},text-part3",
                    wan(amount / 2)
                );
                let _ = writeln!(
                    subprojects,
                    "{code},{year},{key},2,{pname}子项二,{pname_en} item 2,,text-part3"
                );
                text_projects.push(serde_json::json!({
                    "department": code, "year": year, "key": key, "purpose": format!("{pname}的用途。"), "reason": null,
                    "performance_goals": [format!("{pname}目标一"), format!("{pname}目标二")], "goal_source": "text-part7"
                }));
            }
            let _ = writeln!(allocations, "{code},{year},table-5,,101,{}", wan(f_total.1));
            let _ = writeln!(
                tasks,
                "{code},{year},{},TOTAL,金额合计,,,{},{},0,table-12",
                PROJECTS.len() + 2,
                wan(total),
                wan(total)
            );

            // Revenue (表2) equals expenditure.
            for (position, node, label, amount) in [
                (1, "101", "一般公共预算拨款小计", total),
                (2, "10101", "基本支出拨款", f_total.0),
                (3, "10102", "履职类项目拨款", f_total.1),
            ] {
                total_row(&mut lines, "table-2,REVENUE", position, node, label, amount);
            }
            for (key, name, amount) in [
                ("revenue_total", "部门预算收入", total),
                ("expenditure_total", "部门预算支出", total),
                ("basic_expenditure", "基本支出", f_total.0),
                ("project_expenditure", "项目支出", f_total.1),
                ("procurement_total", "政府采购预算", 0),
                ("admin_operating_costs", "机关运行经费", f_total.0 / 10),
            ] {
                let _ = writeln!(
                    headlines,
                    "{code},{year},{key},{name},{key} (synthetic),{},万元,,,PRINTED,text-part2,,",
                    wan(amount)
                );
            }

            // 三公: parts sum to the total.
            let (reception, vehicles) = (rng.amount(5), rng.amount(20));
            for (key, parent, name, amount) in [
                ("total", "", "总计", reception + vehicles),
                ("overseas_travel", "total", "因公出国(境)费", 0),
                ("official_reception", "total", "公务接待费", reception),
                (
                    "official_vehicles",
                    "total",
                    "公务用车购置及运行维护费",
                    vehicles,
                ),
                ("vehicle_purchase", "official_vehicles", "公务用车购置费", 0),
                (
                    "vehicle_operation",
                    "official_vehicles",
                    "公务用车运行维护费",
                    vehicles,
                ),
            ] {
                let _ = writeln!(
                    three_public,
                    "{code},{year},{key},{parent},{name},{key},{},,,PRINTED,table-9",
                    wan(amount)
                );
            }
            for i in 0..12 {
                let (category, subcategory) = match i % 4 {
                    0 => ("产出", "数量"),
                    1 => ("产出", "质量"),
                    2 => ("效益", "社会效益"),
                    _ => ("满意度", "服务对象满意度"),
                };
                let _ = writeln!(
                    indicators,
                    "{code},{year},{},{category},{subcategory},合成指标{i},≥{} 个,table-12",
                    i + 1,
                    10 + rng.next() % 1000
                );
            }
        }
    }

    let mut sources = header("sources");
    for (n, title) in [
        (2, "收入总表"),
        (3, "支出总表"),
        (5, "项目支出总表"),
        (8, "一般公共预算支出表（按经济分类）"),
        (9, "一般公共预算“三公”经费支出表"),
        (12, "部门整体支出绩效目标表"),
    ] {
        let _ = writeln!(sources, "table-{n},{n},{title},,false");
    }
    for (n, title) in [
        (1, "部门概况"),
        (2, "部门预算收支总体情况"),
        (3, "部门预算支出具体情况"),
        (7, "重点项目预算绩效情况说明"),
    ] {
        let _ = writeln!(sources, "text-part{n},,{title},第{n}部分,false");
    }
    let text = serde_json::json!({
        "departments": text_departments,
        "goals": [],
        "projects": text_projects,
        "glossary": [],
        "notes": [],
    });
    let package = serde_json::json!({
        "name": name,
        "title": format!("Synthetic disclosure: {} departments × {} years (seed {})", shape.departments, shape.years, shape.seed),
        "currency": "CNY", "factor": 10000, "unit": "万元",
        "fiscalPeriod": {"start": format!("{}-01-01", shape.first_year()), "end": format!("{}-12-31", Shape::LAST_YEAR)},
        "years": years,
        "sources": [{"title": "synthetic (cargo run -p seed -- synth)"}],
    });
    let json = |v: &serde_json::Value| serde_json::to_string_pretty(v).unwrap_or_default() + "\n";
    let package = match package {
        serde_json::Value::Object(map) => crate::package::datapackage_json(&map),
        _ => unreachable!("a JSON object literal"),
    };
    let mut generated: std::collections::HashMap<&str, String> = [
        ("datapackage.json", package),
        ("sources.csv", sources),
        (
            "governments.csv",
            format!(
                "{}{GOVERNMENT},深圳市坪山区,\"Pingshan District, Shenzhen\",DISTRICT\n",
                header("governments")
            ),
        ),
        ("departments.csv", departments),
        ("staffing.csv", staffing),
        ("classifications.csv", classifications),
        ("budget_lines.csv", lines),
        ("allocations.csv", allocations),
        ("headlines.csv", headlines),
        ("projects.csv", projects),
        ("subprojects.csv", subprojects),
        ("three_public.csv", three_public),
        ("tasks.csv", tasks),
        ("indicators.csv", indicators),
        ("text.json", json(&text)),
    ]
    .into_iter()
    .collect();
    // Every file of the format, in its order; a resource not generated here is written empty
    // (its header alone).
    Ok(crate::files::FILES
        .iter()
        .map(|name| {
            let text = generated
                .remove(name)
                .unwrap_or_else(|| header(name.trim_end_matches(".csv")));
            (*name, text)
        })
        .collect())
}
