//! Consistency checks computed at load: the identities a disclosure should satisfy.
//!
//! The disclosure warns that unit conversion may leave tail differences
//! ("本套报表金额单位转换时可能存在尾数误差"), so a difference of at most 1 万元 is
//! `ROUNDING`; anything larger is `MISMATCH`, which is a transcription error and stops the load.
//! Printed figures are never corrected.

use crate::dataset::Dataset;
use crate::rows::*;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap};

/// Outcome of one identity.
pub use entity::CheckStatus as Status;

/// The outcome of an identity that is off by `difference`.
pub fn status_of(difference: Decimal) -> Status {
    if difference.is_zero() {
        Status::Ok
    } else if difference.abs() <= Decimal::ONE {
        Status::Rounding
    } else {
        Status::Mismatch
    }
}

/// One computed identity: `actual` (what the parts add up to, or the other table) against
/// `expected` (the printed figure).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub department: String,
    pub year: i32,
    pub key: String,
    pub name: String,
    pub expected: Decimal,
    pub actual: Decimal,
    /// The row of the data files the check is about (where its printed figure is).
    pub at: At,
}

impl Check {
    pub fn difference(&self) -> Decimal {
        self.actual - self.expected
    }

    pub fn status(&self) -> Status {
        status_of(self.difference())
    }
}

type Measure = (&'static str, fn(&BudgetLineRow) -> Option<Decimal>);

const MEASURES: &[Measure] = &[
    ("total", |l| l.total),
    ("basic", |l| l.basic),
    ("project", |l| l.project),
    ("procurement", |l| l.procurement),
    ("sme_reserved", |l| l.sme_reserved),
    ("small_micro_reserved", |l| l.small_micro_reserved),
];

struct Ctx<'a> {
    ds: &'a Dataset,
    parents: HashMap<(Scheme, &'a str), Option<&'a str>>,
    tables: HashMap<&'a str, String>,
    out: Vec<Check>,
}

impl<'a> Ctx<'a> {
    fn table(&self, source: &str) -> String {
        self.tables
            .get(source)
            .cloned()
            .unwrap_or_else(|| source.to_owned())
    }

    // Each argument is a field of the check: a struct literal at every call would say no more.
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        at: At,
        dept: &str,
        year: i32,
        key: String,
        name: String,
        expected: Decimal,
        actual: Decimal,
    ) {
        self.out.push(Check {
            department: dept.to_owned(),
            year,
            key,
            name,
            expected,
            actual,
            at,
        });
    }
}

/// Every check for every department-year of the dataset, in a stable order.
pub fn compute(ds: &Dataset) -> Vec<Check> {
    let mut ctx = Ctx {
        ds,
        parents: ds
            .classifications
            .iter()
            .map(|l| {
                (
                    (l.row.scheme, l.row.code.as_str()),
                    l.row.parent_code.as_deref(),
                )
            })
            .collect(),
        tables: ds
            .sources
            .iter()
            .map(|l| {
                let label = match l.row.table_number {
                    Some(n) => format!("表{n}"),
                    None => l.row.section.clone().unwrap_or_else(|| l.row.key.clone()),
                };
                (l.row.key.as_str(), label)
            })
            .collect(),
        out: Vec::new(),
    };
    tree_sums(&mut ctx);
    basic_plus_project(&mut ctx);
    same_tables(&mut ctx, "table-1", "table-6", &["total"]);
    same_tables(
        &mut ctx,
        "table-3",
        "table-7",
        &["total", "basic", "project"],
    );
    table4_vs_table8(&mut ctx);
    allocations(&mut ctx);
    table5_vs_table12(&mut ctx);
    headline_identities(&mut ctx);
    three_public(&mut ctx);
    projects(&mut ctx);
    ctx.out
}

type Group<'a> = BTreeMap<(&'a str, i32, &'a str, Scheme), Vec<&'a Line<BudgetLineRow>>>;

fn groups(ds: &Dataset) -> Group<'_> {
    let mut groups: Group<'_> = BTreeMap::new();
    for l in &ds.budget_lines {
        let r = &l.row;
        groups
            .entry((r.department.as_str(), r.year, r.source.as_str(), r.scheme))
            .or_default()
            .push(l);
    }
    groups
}

/// Children add up to their parent, and the top rows to the department-total row.
fn tree_sums(ctx: &mut Ctx<'_>) {
    for ((dept, year, source, scheme), lines) in groups(ctx.ds) {
        let present: HashMap<&str, &Line<BudgetLineRow>> = lines
            .iter()
            .filter_map(|l| l.code.as_deref().map(|c| (c, *l)))
            .collect();
        // Parent of each line within this table: its nearest printed ancestor, or the total row.
        let mut children: BTreeMap<Option<&str>, Vec<&Line<BudgetLineRow>>> = BTreeMap::new();
        for line in &lines {
            let Some(code) = line.code.as_deref() else {
                continue;
            };
            let mut parent = ctx.parents.get(&(scheme, code)).copied().flatten();
            while let Some(p) = parent
                && !present.contains_key(p)
            {
                parent = ctx.parents.get(&(scheme, p)).copied().flatten();
            }
            children.entry(parent).or_default().push(line);
        }
        let total_row = lines.iter().find(|l| l.code.is_none()).copied();
        for (parent, kids) in children {
            let parent_line = match parent {
                Some(code) => present[code],
                None => match total_row {
                    Some(total) => total,
                    None => continue,
                },
            };
            for (measure, get) in MEASURES {
                let Some(expected) = get(parent_line) else {
                    continue;
                };
                let parts: Option<Vec<Decimal>> = kids.iter().map(|k| get(k)).collect();
                let Some(parts) = parts else { continue };
                let table = ctx.table(source);
                let what = parent.map_or_else(
                    || "department total".to_owned(),
                    |c| format!("{c} {}", parent_line.label),
                );
                ctx.push(
                    parent_line.at(),
                    dept,
                    year,
                    format!(
                        "tree.{source}.{}.{}.{measure}",
                        scheme.as_str(),
                        parent.unwrap_or("total")
                    ),
                    format!("{table} {what}: parts sum to the printed {measure}"),
                    expected,
                    parts.iter().sum(),
                );
            }
        }
    }
}

/// basic + project = total on each line that prints all three.
fn basic_plus_project(ctx: &mut Ctx<'_>) {
    for l in &ctx.ds.budget_lines {
        let r = &l.row;
        if let (Some(total), Some(basic), Some(project)) = (r.total, r.basic, r.project) {
            let table = ctx.table(&r.source);
            let code = r.code.as_deref().unwrap_or("total");
            ctx.push(
                l.at(),
                &r.department,
                r.year,
                format!("split.{}.{}.{code}", r.source, r.scheme.as_str()),
                format!("{table} {code} {}: basic + project = total", r.label),
                total,
                basic + project,
            );
        }
    }
}

fn find<'a>(
    ds: &'a Dataset,
    dept: &str,
    year: i32,
    source: &str,
    scheme: Scheme,
    code: Option<&str>,
) -> Option<&'a Line<BudgetLineRow>> {
    ds.line(dept, year, source, scheme, code)
}

/// Two tables that print the same rows agree row by row.
fn same_tables(ctx: &mut Ctx<'_>, a: &str, b: &str, measures: &[&str]) {
    let ds = ctx.ds;
    for l in ds.budget_lines.iter().filter(|l| l.row.source == a) {
        let r = &l.row;
        let Some(other) = find(ds, &r.department, r.year, b, r.scheme, r.code.as_deref()) else {
            continue;
        };
        for (measure, get) in MEASURES.iter().filter(|(m, _)| measures.contains(m)) {
            if let (Some(expected), Some(actual)) = (get(r), get(other)) {
                let code = r.code.as_deref().unwrap_or("total");
                let (ta, tb) = (ctx.table(a), ctx.table(b));
                ctx.push(
                    l.at(),
                    &r.department,
                    r.year,
                    format!("same.{a}.{b}.{}.{code}.{measure}", r.scheme.as_str()),
                    format!("{ta} = {tb}: {code} {} ({measure})", r.label),
                    expected,
                    actual,
                );
            }
        }
    }
}

/// 表4 is the basic-expenditure column of 表8.
fn table4_vs_table8(ctx: &mut Ctx<'_>) {
    let ds = ctx.ds;
    for l in ds.budget_lines.iter().filter(|l| l.row.source == "table-4") {
        let r = &l.row;
        let Some(t8) = find(
            ds,
            &r.department,
            r.year,
            "table-8",
            Scheme::Economic,
            r.code.as_deref(),
        ) else {
            continue;
        };
        if let (Some(expected), Some(actual)) = (t8.basic, r.total) {
            let code = r.code.as_deref().unwrap_or("total");
            ctx.push(
                t8.at(),
                &r.department,
                r.year,
                format!("same.table-4.table-8.{code}.basic"),
                format!("表4 = 表8 basic column: {code} {}", r.label),
                expected,
                actual,
            );
        }
    }
}

/// Revenue-source columns of a row add up to the row's total, and sub-sources to their source.
fn allocations(ctx: &mut Ctx<'_>) {
    let ds = ctx.ds;
    type RowKey<'a> = (&'a str, i32, &'a str, Option<&'a str>);
    let mut rows: BTreeMap<RowKey<'_>, BTreeMap<&str, &Line<AllocationRow>>> = BTreeMap::new();
    for l in &ds.allocations {
        let r = &l.row;
        rows.entry((&r.department, r.year, &r.source, r.row.as_deref()))
            .or_default()
            .insert(&r.revenue_code, l);
    }
    for ((dept, year, source, row), amounts) in rows {
        let Some(line) = [
            Scheme::Economic,
            Scheme::Project,
            Scheme::Functional,
            Scheme::Revenue,
        ]
        .into_iter()
        .find_map(|scheme| ds.line(dept, year, source, scheme, row)) else {
            continue;
        };
        let mut children: BTreeMap<Option<&str>, Decimal> = BTreeMap::new();
        for (&code, allocation) in &amounts {
            let mut parent = ctx.parents.get(&(Scheme::Revenue, code)).copied().flatten();
            while let Some(p) = parent
                && !amounts.contains_key(p)
            {
                parent = ctx.parents.get(&(Scheme::Revenue, p)).copied().flatten();
            }
            *children.entry(parent).or_default() += allocation.amount;
        }
        let table = ctx.table(source);
        let row_name = row.unwrap_or("total");
        for (parent, sum) in children {
            let (expected, what, at) = match parent {
                Some(code) => (
                    amounts[code].amount,
                    format!("revenue source {code}"),
                    amounts[code].at(),
                ),
                None => match line.total {
                    Some(total) => (total, "总计".to_owned(), line.at()),
                    None => continue,
                },
            };
            ctx.push(
                at,
                dept,
                year,
                format!("sources.{source}.{row_name}.{}", parent.unwrap_or("total")),
                format!(
                    "{table} {row_name} {}: revenue-source columns sum to {what}",
                    line.label
                ),
                expected,
                sum,
            );
        }
    }
}

/// 表5 project rows equal the 表12 annual-task amounts; 表12 basic equals 表4; 表12 total.
fn table5_vs_table12(ctx: &mut Ctx<'_>) {
    let ds = ctx.ds;
    let groups = by_dept_year(&ds.tasks, |r| (r.department.as_str(), r.year));
    for l in &ds.tasks {
        let t = &l.row;
        let Some(total) = t.total else { continue };
        let (printed, label) = match t.kind {
            TaskKind::Project => {
                let line = t.project_key.as_deref().and_then(|k| {
                    find(
                        ds,
                        &t.department,
                        t.year,
                        "table-5",
                        Scheme::Project,
                        Some(k),
                    )
                });
                (line.and_then(|l| l.total), "表5 row")
            }
            TaskKind::Basic => (
                find(ds, &t.department, t.year, "table-4", Scheme::Economic, None)
                    .and_then(|l| l.total),
                "表4 total",
            ),
            TaskKind::Total => {
                let sum = groups[&(t.department.as_str(), t.year)]
                    .iter()
                    .filter(|o| o.kind != TaskKind::Total)
                    .map(|o| o.total)
                    .sum::<Option<Decimal>>();
                (sum, "sum of tasks")
            }
        };
        let mut push = |kind: &str, what: String, expected, actual| {
            let key = format!("{kind}.table-12.task.{}", t.position);
            let name = format!("表12 task {}{what}", t.name);
            ctx.push(l.at(), &t.department, t.year, key, name, expected, actual);
        };
        if let Some(expected) = printed {
            push("same", format!(" = {label}"), expected, total);
        }
        if let (Some(fiscal), Some(other)) = (t.fiscal, t.other) {
            push(
                "split",
                ": 财政拨款 + 其他资金 = 总额".into(),
                total,
                fiscal + other,
            );
        }
    }
}

fn headline(ds: &Dataset, dept: &str, year: i32, key: &str) -> Option<Decimal> {
    ds.headline(dept, year, key)?.amount
}

/// Where the named figure is printed.
fn headline_at(ds: &Dataset, dept: &str, year: i32, key: &str) -> Option<At> {
    Some(ds.headline(dept, year, key)?.at())
}

/// Identities between named figures, wherever all their parts are present.
fn headline_identities(ctx: &mut Ctx<'_>) {
    const SUMS: &[(&str, &str, &[&str])] = &[
        (
            "revenue_equals_expenditure",
            "revenue_total",
            &["expenditure_total"],
        ),
        (
            "grand_totals_balance",
            "revenue_grand_total",
            &["expenditure_grand_total"],
        ),
        (
            "current_totals_balance",
            "revenue_current_year_total",
            &["expenditure_current_year_total"],
        ),
        (
            "procurement_parts",
            "procurement_total",
            &[
                "procurement_goods",
                "procurement_works",
                "procurement_services",
            ],
        ),
        (
            "basic_parts",
            "basic_expenditure",
            &[
                "personnel_expenditure",
                "public_expenditure",
                "family_subsidies",
            ],
        ),
        (
            "budget_parts",
            "expenditure_total",
            &["basic_expenditure", "project_expenditure"],
        ),
    ];
    let ds = ctx.ds;
    let mut years: Vec<(&str, i32)> = ds
        .headlines
        .iter()
        .map(|l| (l.row.department.as_str(), l.row.year))
        .collect();
    years.sort();
    years.dedup();
    for (dept, year) in years {
        for (key, whole, parts) in SUMS {
            let (Some(expected), Some(at)) = (
                headline(ds, dept, year, whole),
                headline_at(ds, dept, year, whole),
            ) else {
                continue;
            };
            let Some(actual) = parts
                .iter()
                .map(|p| headline(ds, dept, year, p))
                .sum::<Option<Decimal>>()
            else {
                continue;
            };
            ctx.push(
                at,
                dept,
                year,
                format!("headline.{key}"),
                format!("{whole} = {}", parts.join(" + ")),
                expected,
                actual,
            );
        }
        // The procurement total of the text against 表3's department-total row.
        if let (Some(expected), Some(at), Some(line)) = (
            headline(ds, dept, year, "procurement_total"),
            headline_at(ds, dept, year, "procurement_total"),
            find(ds, dept, year, "table-3", Scheme::Functional, None),
        ) && let Some(actual) = line.procurement
        {
            ctx.push(
                at,
                dept,
                year,
                "headline.procurement_table3".into(),
                "procurement_total = 表3 政府采购 total".into(),
                expected,
                actual,
            );
        }
    }
    // A stated change against the two years' figures.
    for l in &ds.headlines {
        let h = &l.row;
        if let (Some(change), Some(current)) = (h.stated_change, h.amount)
            && let Some(base) = headline(ds, &h.department, h.year - 1, &h.key)
        {
            ctx.push(
                l.at(),
                &h.department,
                h.year,
                format!("change.headline.{}", h.key),
                format!("{}: stated change = {} − {}", h.name, h.year, h.year - 1),
                change,
                current - base,
            );
        }
    }
}

/// Rows grouped by department-year, in file order.
fn by_dept_year<'a, T>(
    rows: &'a [Line<T>],
    key: impl Fn(&'a T) -> (&'a str, i32),
) -> BTreeMap<(&'a str, i32), Vec<&'a Line<T>>> {
    let mut groups: BTreeMap<(&'a str, i32), Vec<&'a Line<T>>> = BTreeMap::new();
    for l in rows {
        groups.entry(key(&l.row)).or_default().push(l);
    }
    groups
}

/// 三公 items add up to their parent, and each year's stated change matches the two years.
fn three_public(ctx: &mut Ctx<'_>) {
    let ds = ctx.ds;
    let groups = by_dept_year(&ds.three_public, |r| (r.department.as_str(), r.year));
    for ((dept, year), rows) in &groups {
        for parent in rows {
            let Some(expected) = parent.amount else {
                continue;
            };
            let kids: Vec<_> = rows
                .iter()
                .filter(|r| r.parent_key.as_deref() == Some(&parent.key))
                .collect();
            if kids.is_empty() {
                continue;
            }
            if let Some(actual) = kids.iter().map(|k| k.amount).sum::<Option<Decimal>>() {
                ctx.push(
                    parent.at(),
                    dept,
                    *year,
                    format!("tree.three_public.{}", parent.key),
                    format!("表9 {}: items sum to the printed amount", parent.name),
                    expected,
                    actual,
                );
            }
        }
        let Some(previous) = groups.get(&(*dept, year - 1)) else {
            continue;
        };
        for r in rows {
            if let (Some(change), Some(current)) = (r.stated_change, r.amount)
                && let Some(base) = previous
                    .iter()
                    .find(|b| b.key == r.key)
                    .and_then(|b| b.amount)
            {
                ctx.push(
                    r.at(),
                    dept,
                    *year,
                    format!("change.three_public.{}", r.key),
                    format!("表9 {}: 增减变化金额 = {} − {}", r.name, year, year - 1),
                    change,
                    current - base,
                );
            }
        }
    }
}

/// Projects against 表5, their sum against the project expenditure, and their stated changes.
fn projects(ctx: &mut Ctx<'_>) {
    let ds = ctx.ds;
    let groups = by_dept_year(&ds.projects, |r| (r.department.as_str(), r.year));
    for (&(dept, year), these) in &groups {
        if let (Some(expected), Some(at), Some(actual)) = (
            headline(ds, dept, year, "project_expenditure"),
            headline_at(ds, dept, year, "project_expenditure"),
            these.iter().map(|p| p.amount).sum::<Option<Decimal>>(),
        ) {
            ctx.push(
                at,
                dept,
                year,
                "projects.sum".into(),
                "projects sum to project_expenditure".into(),
                expected,
                actual,
            );
        }
        let previous = groups.get(&(dept, year - 1));
        for p in these {
            if let (Some(amount), Some(line)) = (
                p.amount,
                find(ds, dept, year, "table-5", Scheme::Project, Some(&p.key)),
            ) && let Some(printed) = line.total
            {
                ctx.push(
                    line.at(),
                    dept,
                    year,
                    format!("same.project.table-5.{}", p.key),
                    format!("{} (text) = 表5 row", p.name),
                    printed,
                    amount,
                );
            }
            if let (Some(change), Some(current)) = (p.stated_change, p.amount)
                && let Some(base) = previous
                    .and_then(|rows| rows.iter().find(|b| b.key == p.key))
                    .and_then(|b| b.amount)
            {
                ctx.push(
                    p.at(),
                    dept,
                    year,
                    format!("change.project.{}", p.key),
                    format!("{}: stated change = {} − {}", p.name, year, year - 1),
                    change,
                    current - base,
                );
            }
        }
    }
}
