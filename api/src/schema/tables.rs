//! The disclosure's tables (表1–表12) as printed, rebuilt from the facts the loader stores.
//!
//! Nothing here is stored twice: each table has one [`Layout`] (its header paths and which
//! stored measure fills each column), and its rows are the budget lines, revenue-source
//! allocations, 三公 items, tasks and indicators that cite it.

use super::common::{Decimal, Source, decimal};
use super::figures::WAN_YUAN;
use crate::error::Result;
use crate::loaders::*;
use async_graphql::{Context, Object, SimpleObject};
use entity::{
    allocation, budget_line, classification_node, department, headline, indicator, note,
    performance_task, printed_cell, printed_column, printed_row, source, three_public,
};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// Which stored fact fills a column.
#[derive(Clone, Copy)]
enum Measure {
    /// The row's budget line: 支出总计 / 收入 / the amount column.
    Total,
    /// The row's budget line: 基本支出.
    Basic,
    /// The row's budget line: 项目支出.
    Project,
    /// The row's budget line: 政府采购项目 小计.
    Procurement,
    /// The row's budget line: 其中：面向中小企业.
    Sme,
    /// The row's budget line: 其中：面向小型、微型企业.
    SmallMicro,
    /// The row's revenue-source allocation (表4, 表5), or, in a one-row table (表2), the
    /// total of the table's line for this revenue code.
    Revenue(&'static str),
    /// A named figure (表2 收入总计).
    Headline(&'static str),
    /// A 三公 item of the row's year (表9).
    Item(&'static str),
    /// A text or amount column of 表12.
    Performance(Part),
    /// The right-hand (支出) side of 表1 and 表6: its amount, or its item (text).
    Expenditure(bool),
}

/// The columns of 表12.
#[derive(Clone, Copy)]
enum Part {
    TaskName,
    TaskContent,
    TaskTotal,
    TaskFiscal,
    TaskOther,
    Category,
    Subcategory,
    Indicator,
    Target,
}

/// How a table's rows are formed.
#[derive(Clone, Copy)]
enum Rows {
    /// One row per budget line citing the table, in printed order.
    Lines,
    /// One row (the department) whose columns are the table's lines (表2).
    Pivot,
    /// Revenue (收入) on the left beside expenditure (支出) on the right, line by line, then
    /// the totals (表1, 表6): the left item is the row's label.
    TwoSided,
    /// A row per year printed (the year before and this one) and the 增减变化金额 row (表9).
    Years,
    /// 年度主要任务 rows, then the indicator rows (表12).
    Performance,
}

/// A printed column: its key, its header texts from the top (`{year}` is the budget year),
/// and what fills it.
struct Column(&'static str, &'static [&'static str], Measure);

/// One table's layout.
struct Layout {
    number: i32,
    rows: Rows,
    columns: &'static [Column],
    /// Whether the table prints 科目编码 beside its rows (表3, 表7, 表8, 表10, 表11).
    codes: bool,
}

use Measure::*;

const BUDGET_GRANTS: &str = "政府预算拨款";
const GENERAL: &str = "一般公共预算拨款";
const UNIT_FUNDS: &str = "单位资金";

/// The revenue-source columns 表4 prints after 总计.
const TABLE_4: &[Column] = &[
    Column("total", &["总计"], Total),
    Column("revenue.1", &[BUDGET_GRANTS, "小计"], Revenue("1")),
    Column("revenue.101", &[BUDGET_GRANTS, GENERAL], Revenue("101")),
    Column(
        "revenue.102",
        &[BUDGET_GRANTS, "政府性基金预算拨款"],
        Revenue("102"),
    ),
    Column(
        "revenue.103",
        &[BUDGET_GRANTS, "国有资本经营预算拨款"],
        Revenue("103"),
    ),
    Column("revenue.2", &["财政专户管理资金"], Revenue("2")),
    Column("revenue.301", &[UNIT_FUNDS, "事业收入"], Revenue("301")),
    Column(
        "revenue.302",
        &[UNIT_FUNDS, "事业单位经营收入"],
        Revenue("302"),
    ),
    Column("revenue.303", &[UNIT_FUNDS, "上级补助收入"], Revenue("303")),
    Column(
        "revenue.304",
        &[UNIT_FUNDS, "附属单位上缴收入"],
        Revenue("304"),
    ),
    Column("revenue.305", &[UNIT_FUNDS, "其他收入"], Revenue("305")),
    Column("revenue.4", &["上年结余、结转"], Revenue("4")),
];

const TABLE_5: &[Column] = &[
    Column("total", &[Y5, "总计"], Total),
    Column(
        "revenue.101",
        &[Y5, BUDGET_GRANTS, GENERAL, "小计"],
        Revenue("101"),
    ),
    Column(
        "revenue.10102",
        &[Y5, BUDGET_GRANTS, GENERAL, "履职类项目拨款"],
        Revenue("10102"),
    ),
    Column(
        "revenue.10103",
        &[Y5, BUDGET_GRANTS, GENERAL, "财政专项资金拨款"],
        Revenue("10103"),
    ),
    Column(
        "revenue.10104",
        &[Y5, BUDGET_GRANTS, GENERAL, "政府投资项目拨款"],
        Revenue("10104"),
    ),
    Column(
        "revenue.102",
        &[Y5, BUDGET_GRANTS, "政府性基金预算拨款"],
        Revenue("102"),
    ),
    Column(
        "revenue.103",
        &[Y5, BUDGET_GRANTS, "国有资本经营预算拨款"],
        Revenue("103"),
    ),
    Column("revenue.2", &[Y5, "财政专户管理资金"], Revenue("2")),
    Column("revenue.301", &[Y5, UNIT_FUNDS, "事业收入"], Revenue("301")),
    Column(
        "revenue.302",
        &[Y5, UNIT_FUNDS, "事业单位经营收入"],
        Revenue("302"),
    ),
    Column(
        "revenue.303",
        &[Y5, UNIT_FUNDS, "上级补助收入"],
        Revenue("303"),
    ),
    Column(
        "revenue.304",
        &[Y5, UNIT_FUNDS, "附属单位上缴收入"],
        Revenue("304"),
    ),
    Column("revenue.305", &[Y5, UNIT_FUNDS, "其他收入"], Revenue("305")),
    Column("revenue.4", &[Y5, "上年结余、结转"], Revenue("4")),
];

/// 表5 prints its year above every figure column.
const Y5: &str = "{year} 年预算";

const TABLE_2: &[Column] = &[
    Column(
        "grand_total",
        &["收入总计"],
        Headline("revenue_grand_total"),
    ),
    Column(
        "revenue.101",
        &["本年收入", BUDGET_GRANTS, GENERAL, "小计"],
        Revenue("101"),
    ),
    Column(
        "revenue.10101",
        &["本年收入", BUDGET_GRANTS, GENERAL, "基本支出拨款"],
        Revenue("10101"),
    ),
    Column(
        "revenue.10102",
        &["本年收入", BUDGET_GRANTS, GENERAL, "履职类项目拨款"],
        Revenue("10102"),
    ),
    Column(
        "revenue.10103",
        &["本年收入", BUDGET_GRANTS, GENERAL, "财政专项资金拨款"],
        Revenue("10103"),
    ),
    Column(
        "revenue.10104",
        &["本年收入", BUDGET_GRANTS, GENERAL, "政府投资项目拨款"],
        Revenue("10104"),
    ),
    Column(
        "revenue.102",
        &["本年收入", BUDGET_GRANTS, "政府性基金预算拨款"],
        Revenue("102"),
    ),
    Column(
        "revenue.103",
        &["本年收入", BUDGET_GRANTS, "国有资本经营预算拨款"],
        Revenue("103"),
    ),
    Column("revenue.2", &["本年收入", "财政专户管理资金"], Revenue("2")),
    Column(
        "revenue.301",
        &["本年收入", UNIT_FUNDS, "事业收入"],
        Revenue("301"),
    ),
    Column(
        "revenue.302",
        &["本年收入", UNIT_FUNDS, "事业单位经营收入"],
        Revenue("302"),
    ),
    Column(
        "revenue.303",
        &["本年收入", UNIT_FUNDS, "上级补助收入"],
        Revenue("303"),
    ),
    Column(
        "revenue.304",
        &["本年收入", UNIT_FUNDS, "附属单位上缴收入"],
        Revenue("304"),
    ),
    Column(
        "revenue.305",
        &["本年收入", UNIT_FUNDS, "其他收入"],
        Revenue("305"),
    ),
    Column("revenue.4", &["上年结余、结转"], Revenue("4")),
];

const SPENDING: &[Column] = &[
    Column("total", &["支出总计"], Total),
    Column("basic", &["基本支出"], Basic),
    Column("project", &["项目支出"], Project),
];

const TABLE_3: &[Column] = &[
    Column("total", &["支出总计"], Total),
    Column("basic", &["基本支出"], Basic),
    Column("project", &["项目支出"], Project),
    Column(
        "procurement",
        &["{year} 年政府采购项目", "小计"],
        Procurement,
    ),
    Column(
        "sme_reserved",
        &["{year} 年政府采购项目", "其中：面向中小企业政府采购项目"],
        Sme,
    ),
    Column(
        "small_micro_reserved",
        &[
            "{year} 年政府采购项目",
            "其中：面向小型、微型企业政府采购项目",
        ],
        SmallMicro,
    ),
];

/// 表1 and 表6: the left item is the row label; the right item is a text column.
const TWO_SIDED: &[Column] = &[
    Column("revenue", &["收入", "{year} 年预算数"], Total),
    Column("expenditure_item", &["支出", "项目"], Expenditure(false)),
    Column(
        "expenditure",
        &["支出", "{year} 年预算数"],
        Expenditure(true),
    ),
];

/// The totals 表1 and 表6 print under both sides: (revenue, expenditure); a revenue entry
/// that is a code is the table's line for that revenue source, else a named figure.
const FOOTER: &[(&str, &str)] = &[
    (
        "revenue_current_year_total",
        "expenditure_current_year_total",
    ),
    ("4", "expenditure_carryover_out"),
    ("revenue_grand_total", "expenditure_grand_total"),
];

const VEHICLES: &str = "公务用车购置及运行维护费";

const TABLE_9: &[Column] = &[
    Column("total", &["总计"], Item("total")),
    Column(
        "overseas_travel",
        &["因公出国(境)费"],
        Item("overseas_travel"),
    ),
    Column(
        "official_reception",
        &["公务接待费"],
        Item("official_reception"),
    ),
    Column(
        "official_vehicles",
        &[VEHICLES, "小计"],
        Item("official_vehicles"),
    ),
    Column(
        "vehicle_purchase",
        &[VEHICLES, "公务用车购置费"],
        Item("vehicle_purchase"),
    ),
    Column(
        "vehicle_operation",
        &[VEHICLES, "公务用车运行维护费"],
        Item("vehicle_operation"),
    ),
];

const TASKS: &str = "年度主要任务";
const BUDGET: &str = "预算金额（万元）";

const TABLE_12: &[Column] = &[
    Column("task", &[TASKS, "任务名称"], Performance(Part::TaskName)),
    Column(
        "content",
        &[TASKS, "主要内容"],
        Performance(Part::TaskContent),
    ),
    Column(
        "task_total",
        &[TASKS, BUDGET, "总额"],
        Performance(Part::TaskTotal),
    ),
    Column(
        "task_fiscal",
        &[TASKS, BUDGET, "其中：财政拨款"],
        Performance(Part::TaskFiscal),
    ),
    Column(
        "task_other",
        &[TASKS, BUDGET, "其中：其他资金"],
        Performance(Part::TaskOther),
    ),
    Column("category", &["一级指标"], Performance(Part::Category)),
    Column("subcategory", &["二级指标"], Performance(Part::Subcategory)),
    Column("indicator", &["三级指标"], Performance(Part::Indicator)),
    Column("target", &["目标值"], Performance(Part::Target)),
];

/// The merged cell left of every indicator row of 表12.
const INDICATORS: &str = "年度绩效指标";

/// Every table's layout, by number.
const LAYOUTS: &[Layout] = &[
    layout(1, Rows::TwoSided, TWO_SIDED, false),
    layout(2, Rows::Pivot, TABLE_2, false),
    layout(3, Rows::Lines, TABLE_3, true),
    layout(4, Rows::Lines, TABLE_4, false),
    layout(5, Rows::Lines, TABLE_5, false),
    layout(6, Rows::TwoSided, TWO_SIDED, false),
    layout(7, Rows::Lines, SPENDING, true),
    layout(8, Rows::Lines, SPENDING, true),
    layout(9, Rows::Years, TABLE_9, false),
    layout(10, Rows::Lines, SPENDING, true),
    layout(11, Rows::Lines, SPENDING, true),
    layout(12, Rows::Performance, TABLE_12, false),
];

const fn layout(number: i32, rows: Rows, columns: &'static [Column], codes: bool) -> Layout {
    Layout {
        number,
        rows,
        columns,
        codes,
    }
}

/// Everything a department-year's tables are built from, fetched in one batch per kind.
pub struct Facts {
    department: department::Model,
    year: i32,
    lines: Arc<Vec<budget_line::Model>>,
    allocations: Arc<Vec<allocation::Model>>,
    headlines: Arc<Vec<headline::Model>>,
    three_public: Arc<Vec<three_public::Model>>,
    three_public_before: Arc<Vec<three_public::Model>>,
    tasks: Arc<Vec<performance_task::Model>>,
    indicators: Arc<Vec<indicator::Model>>,
    notes: Arc<Vec<note::Model>>,
    nodes: HashMap<i32, classification_node::Model>,
    /// The tables the year's facts cite, by number.
    pub tables: BTreeMap<i32, source::Model>,
}

impl Facts {
    /// Loads the facts of a department-year.
    pub async fn load(
        ctx: &Context<'_>,
        department: &department::Model,
        year: i32,
    ) -> Result<Facts> {
        let key = (department.id, year);
        let (
            lines,
            allocations,
            headlines,
            three_public,
            three_public_before,
            tasks,
            indicators,
            notes,
        ) = futures::try_join!(
            many::<LinesOf>(ctx, key),
            many::<AllocationsOf>(ctx, key),
            many::<HeadlinesOf>(ctx, key),
            many::<ThreePublicOf>(ctx, key),
            many::<ThreePublicOf>(ctx, (department.id, year - 1)),
            many::<TasksOf>(ctx, key),
            many::<IndicatorsOf>(ctx, key),
            many::<NotesOf>(ctx, key),
        )?;
        let loader = ctx.data_unchecked::<Loaders>();
        let source_ids: Vec<i32> = lines
            .iter()
            .map(|l| l.source_id)
            .chain(allocations.iter().map(|a| a.source_id))
            .chain(three_public.iter().map(|t| t.source_id))
            .chain(tasks.iter().map(|t| t.source_id))
            .chain(indicators.iter().map(|i| i.source_id))
            .collect();
        let node_ids: Vec<i32> = lines
            .iter()
            .filter_map(|l| l.node_id)
            .chain(allocations.iter().map(|a| a.revenue_node_id))
            .collect();
        let (sources, nodes) = futures::try_join!(
            loader.load_many(source_ids.into_iter().map(One::<SourceById>::new)),
            loader.load_many(node_ids.into_iter().map(One::<NodeById>::new)),
        )?;
        Ok(Facts {
            department: department.clone(),
            year,
            lines,
            allocations,
            headlines,
            three_public,
            three_public_before,
            tasks,
            indicators,
            notes,
            nodes: nodes.into_values().map(|n| (n.id, n)).collect(),
            tables: sources
                .into_values()
                .filter_map(|s| Some((s.table_number?, s)))
                .collect(),
        })
    }

    /// Table `number` as printed for this year; `None` if the year's facts cite no such table.
    pub fn table(&self, number: i32) -> Option<PrintedTable> {
        let source = self.tables.get(&number)?.clone();
        let layout = LAYOUTS.iter().find(|l| l.number == number)?;
        let columns = layout
            .columns
            .iter()
            .map(|Column(key, path, _)| TableColumn {
                key: (*key).to_owned(),
                path: path
                    .iter()
                    .map(|p| p.replace("{year}", &self.year.to_string()))
                    .collect(),
            })
            .collect();
        let mut rows = match layout.rows {
            Rows::Lines => self.line_rows(&source, layout),
            Rows::TwoSided => self.two_sided_rows(&source, layout),
            Rows::Pivot => self.pivot_rows(&source, layout),
            Rows::Years => self.year_rows(&source, layout),
            Rows::Performance => self.performance_rows(&source, layout),
        };
        for (i, row) in rows.iter_mut().enumerate() {
            row.position = i as i32 + 1;
        }
        let notes = self
            .notes
            .iter()
            .filter(|n| n.source_id == source.id)
            .map(|n| n.text.clone())
            .collect();
        Some(PrintedTable {
            source,
            unit: WAN_YUAN.to_owned(),
            columns,
            rows,
            notes,
        })
    }

    fn code(&self, node_id: i32) -> Option<String> {
        self.nodes.get(&node_id).map(|n| n.code.clone())
    }

    /// The row key allocations use (classification code, project key, empty for the total)
    /// and the printed label of a line.
    fn line_key(&self, line: &budget_line::Model) -> (String, String) {
        let key = match (line.node_id, &line.project_key) {
            (Some(id), _) => self.code(id).unwrap_or_default(),
            (None, Some(key)) => key.clone(),
            (None, None) => String::new(),
        };
        (key, line.label.clone())
    }

    fn allocation(&self, source: &source::Model, row: &str, code: &str) -> Option<i64> {
        self.allocations
            .iter()
            .find(|a| {
                a.source_id == source.id
                    && a.row_key == row
                    && self.code(a.revenue_node_id).as_deref() == Some(code)
            })
            .map(|a| a.amount)
    }

    fn lines_of<'a>(
        &'a self,
        source: &'a source::Model,
    ) -> impl Iterator<Item = &'a budget_line::Model> + 'a {
        self.lines.iter().filter(move |l| l.source_id == source.id)
    }

    fn headline(&self, key: &str) -> Option<&headline::Model> {
        self.headlines.iter().find(|h| h.key == key)
    }

    fn line_rows(&self, source: &source::Model, layout: &Layout) -> Vec<TableRow> {
        self.lines_of(source)
            .map(|line| {
                let (key, label) = self.line_key(line);
                let cells = layout
                    .columns
                    .iter()
                    .map(|Column(column, _, measure)| {
                        let value = match measure {
                            Total => line.total,
                            Basic => line.basic,
                            Project => line.project,
                            Procurement => line.procurement,
                            Sme => line.sme_reserved,
                            SmallMicro => line.small_micro_reserved,
                            Revenue(code) => self.allocation(source, &key, code),
                            _ => None,
                        };
                        TableCell::amount(column, value)
                    })
                    .collect();
                let key = (!key.is_empty()).then_some(key);
                TableRow {
                    position: 0,
                    label: Some(label),
                    code: key.clone().filter(|_| layout.codes),
                    key,
                    cells,
                    ..Default::default()
                }
            })
            .collect()
    }

    fn two_sided_rows(&self, source: &source::Model, layout: &Layout) -> Vec<TableRow> {
        let footer_codes: Vec<&str> = FOOTER.iter().map(|(left, _)| *left).collect();
        let side = |scheme: entity::Scheme| -> Vec<(Option<String>, String, Option<i64>)> {
            self.lines_of(source)
                .filter(|l| l.scheme == scheme)
                .map(|l| {
                    (
                        l.node_id.and_then(|id| self.code(id)),
                        l.label.clone(),
                        l.total,
                    )
                })
                .filter(|(code, ..)| !code.as_deref().is_some_and(|c| footer_codes.contains(&c)))
                .collect()
        };
        let (left, right) = (
            side(entity::Scheme::Revenue),
            side(entity::Scheme::Functional),
        );
        if left.is_empty() && right.is_empty() {
            return Vec::new();
        }
        let row = |left: Option<(Option<String>, String, Option<i64>)>,
                   right: Option<(String, Option<i64>)>| {
            let (key, label, amount) = match left {
                Some((key, label, amount)) => (key, Some(label), amount),
                None => (None, None, None),
            };
            let (item, spent) = right.map_or((None, None), |(item, spent)| (Some(item), spent));
            TableRow {
                position: 0,
                label,
                code: None,
                key,
                cells: layout
                    .columns
                    .iter()
                    .map(|Column(column, _, measure)| match measure {
                        Expenditure(false) => TableCell::words(column, item.as_deref()),
                        Expenditure(true) => TableCell::amount(column, spent),
                        Total => TableCell::amount(column, amount),
                        _ => TableCell::amount(column, None),
                    })
                    .collect(),
                ..Default::default()
            }
        };
        let body = left.len().max(right.len());
        let mut rows: Vec<TableRow> = (0..body)
            .map(|i| {
                row(
                    left.get(i).cloned(),
                    right
                        .get(i)
                        .map(|(_, label, total)| (label.clone(), *total)),
                )
            })
            .collect();
        for (revenue, spent) in FOOTER {
            let line = self
                .lines_of(source)
                .find(|l| l.node_id.and_then(|id| self.code(id)).as_deref() == Some(*revenue));
            let left = match line {
                Some(l) => Some((Some((*revenue).to_owned()), l.label.clone(), l.total)),
                None => self
                    .headline(revenue)
                    .map(|h| (None, h.name.clone(), h.amount)),
            };
            let right = self.headline(spent).map(|h| (h.name.clone(), h.amount));
            if left.is_some() || right.is_some() {
                rows.push(row(left, right));
            }
        }
        rows
    }

    fn pivot_rows(&self, source: &source::Model, layout: &Layout) -> Vec<TableRow> {
        let lines: Vec<&budget_line::Model> = self.lines_of(source).collect();
        if lines.is_empty() {
            return Vec::new();
        }
        let cells = layout
            .columns
            .iter()
            .map(|Column(column, _, measure)| {
                let value = match measure {
                    Revenue(code) => lines
                        .iter()
                        .find(|l| l.node_id.and_then(|id| self.code(id)).as_deref() == Some(code))
                        .and_then(|l| l.total),
                    Headline(key) => self.headline(key).and_then(|h| h.amount),
                    _ => None,
                };
                TableCell::amount(column, value)
            })
            .collect();
        vec![TableRow {
            position: 0,
            label: Some(self.department.name.clone()),
            code: None,
            key: None,
            cells,
            ..Default::default()
        }]
    }

    fn year_rows(&self, source: &source::Model, layout: &Layout) -> Vec<TableRow> {
        let printed = |rows: &[three_public::Model]| -> Vec<three_public::Model> {
            rows.iter()
                .filter(|r| r.source_id == source.id && r.basis == entity::Basis::Printed)
                .cloned()
                .collect()
        };
        let before = printed(&self.three_public_before);
        let current = printed(&self.three_public);
        let row = |label: String, items: &[three_public::Model], stated: bool| TableRow {
            position: 0,
            label: Some(label),
            code: None,
            key: None,
            cells: layout
                .columns
                .iter()
                .map(|Column(column, _, measure)| {
                    let item = match measure {
                        Item(key) => items.iter().find(|i| i.key == *key),
                        _ => None,
                    };
                    let value = item.and_then(|i| if stated { i.stated_change } else { i.amount });
                    TableCell::amount(column, value)
                })
                .collect(),
            ..Default::default()
        };
        let mut rows = Vec::new();
        if !before.is_empty() {
            rows.push(row(format!("{} 年", self.year - 1), &before, false));
        }
        if !current.is_empty() {
            rows.push(row(format!("{} 年", self.year), &current, false));
            if current.iter().any(|i| i.stated_change.is_some()) {
                rows.push(row("增减变化金额".to_owned(), &current, true));
            }
        }
        rows
    }

    fn performance_rows(&self, source: &source::Model, layout: &Layout) -> Vec<TableRow> {
        let cells = |fill: &dyn Fn(Part) -> TableCell| -> Vec<TableCell> {
            layout
                .columns
                .iter()
                .map(|Column(column, _, measure)| match measure {
                    Performance(part) => TableCell {
                        column: (*column).to_owned(),
                        ..fill(*part)
                    },
                    _ => TableCell::amount(column, None),
                })
                .collect()
        };
        let tasks = self
            .tasks
            .iter()
            .filter(|t| t.source_id == source.id)
            .map(|t| TableRow {
                position: 0,
                label: Some(t.name.clone()),
                code: None,
                key: None,
                cells: cells(&|part| match part {
                    Part::TaskName => TableCell::words("", Some(&t.name)),
                    Part::TaskContent => TableCell::words("", t.content.as_deref()),
                    Part::TaskTotal => TableCell::amount("", t.total),
                    Part::TaskFiscal => TableCell::amount("", t.fiscal),
                    Part::TaskOther => TableCell::amount("", t.other),
                    _ => TableCell::amount("", None),
                }),
                ..Default::default()
            });
        let indicators = self
            .indicators
            .iter()
            .filter(|i| i.source_id == source.id)
            .map(|i| TableRow {
                position: 0,
                label: Some(INDICATORS.to_owned()),
                code: None,
                key: None,
                cells: cells(&|part| match part {
                    Part::Category => TableCell::words("", Some(&i.category)),
                    Part::Subcategory => TableCell::words("", Some(&i.subcategory)),
                    Part::Indicator => TableCell::words("", Some(&i.name)),
                    Part::Target => TableCell::words("", Some(&i.target)),
                    _ => TableCell::amount("", None),
                }),
                ..Default::default()
            });
        tasks.chain(indicators).collect()
    }
}

/// A department-year's tables as the importer read them from the printed pages
/// (`printed_column`, `printed_row`, `printed_cell`): served as they are stored, where the
/// department-year has them, instead of a [`Layout`].
pub struct Stored {
    columns: Arc<Vec<printed_column::Model>>,
    rows: Arc<Vec<printed_row::Model>>,
    cells: Arc<Vec<printed_cell::Model>>,
}

impl Stored {
    /// Loads the stored printed tables of a department-year.
    pub async fn load(ctx: &Context<'_>, department: i32, year: i32) -> Result<Stored> {
        if !catalog(ctx).has_printed(department, year) {
            // No statement for a department-year without them (the catalogue knows).
            return Ok(Stored {
                columns: Arc::default(),
                rows: Arc::default(),
                cells: Arc::default(),
            });
        }
        let key = (department, year);
        let (columns, rows, cells) = futures::try_join!(
            many::<PrintedColumnsOf>(ctx, key),
            many::<PrintedRowsOf>(ctx, key),
            many::<PrintedCellsOf>(ctx, key),
        )?;
        Ok(Stored {
            columns,
            rows,
            cells,
        })
    }

    /// The sources (tables) with stored columns or rows.
    pub fn source_ids(&self) -> Vec<i32> {
        let mut ids: Vec<i32> = self
            .columns
            .iter()
            .map(|c| c.source_id)
            .chain(self.rows.iter().map(|r| r.source_id))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// The table printed as `source`, cell by cell, or `None` if none is stored for it.
    pub fn table(&self, source: source::Model, notes: Vec<String>) -> Option<PrintedTable> {
        let mut columns: Vec<&printed_column::Model> = self
            .columns
            .iter()
            .filter(|c| c.source_id == source.id)
            .collect();
        let mut rows: Vec<&printed_row::Model> = self
            .rows
            .iter()
            .filter(|r| r.source_id == source.id)
            .collect();
        if columns.is_empty() && rows.is_empty() {
            return None;
        }
        columns.sort_by_key(|c| c.position);
        rows.sort_by_key(|r| r.position);
        let cells: HashMap<(i32, i32), &printed_cell::Model> = self
            .cells
            .iter()
            .filter(|c| c.source_id == source.id)
            .map(|c| ((c.row_position, c.column_position), c))
            .collect();
        let unit = columns
            .first()
            .map_or_else(|| WAN_YUAN.to_owned(), |c| c.unit.clone());
        let rows = rows
            .iter()
            .map(|r| TableRow {
                position: r.position,
                label: Some(r.label.clone()),
                code: r.code.clone(),
                key: r.code.clone(),
                cells: columns
                    .iter()
                    .map(|c| {
                        let cell = cells.get(&(r.position, c.position));
                        TableCell {
                            column: c.key.clone(),
                            value: cell.and_then(|v| v.value).map(decimal),
                            text: cell.and_then(|v| v.text.clone()),
                            document: r.document.clone(),
                            page: cell.and_then(|v| v.page),
                            line: cell.and_then(|v| v.line),
                        }
                    })
                    .collect(),
                document: r.document.clone(),
                page: r.page,
                line: r.line,
            })
            .collect();
        Some(PrintedTable {
            source,
            unit,
            columns: columns
                .iter()
                .map(|c| TableColumn {
                    key: c.key.clone(),
                    path: c.path.split(" / ").map(str::to_owned).collect(),
                })
                .collect(),
            rows,
            notes,
        })
    }
}

/// A table of the disclosure as printed: its header and its rows, every printed cell.
pub struct PrintedTable {
    source: source::Model,
    /// The unit its amounts are printed in.
    unit: String,
    columns: Vec<TableColumn>,
    rows: Vec<TableRow>,
    notes: Vec<String>,
}

/// A table of the disclosure as printed: its header and its rows, every printed cell.
#[Object]
impl PrintedTable {
    /// Stable key within its dataset (`table-5`).
    async fn key(&self) -> &str {
        &self.source.key
    }
    /// Table number (表N).
    async fn table_number(&self) -> i32 {
        self.source.table_number.unwrap_or_default()
    }
    /// Title as printed (项目支出总表).
    async fn title(&self) -> &str {
        &self.source.title
    }
    /// The unit the table prints its amounts in (`万元` or `元`).
    async fn unit(&self) -> &str {
        &self.unit
    }
    /// True for a table printed without data (本表本年无发生额); its printed row of zeros is
    /// still in `rows`.
    async fn is_empty(&self) -> bool {
        self.source.empty
    }
    /// The printed columns holding figures or text, left to right (the row's label and code
    /// columns are `label` and `code` on each row).
    async fn columns(&self) -> &[TableColumn] {
        &self.columns
    }
    /// The rows in printed order.
    async fn rows(&self) -> &[TableRow] {
        &self.rows
    }
    /// The notes printed under the table (注：…).
    async fn notes(&self) -> &[String] {
        &self.notes
    }
    /// The table as a source (for its citation).
    async fn source(&self) -> Source {
        Source(self.source.clone())
    }
}

/// A printed column.
#[derive(SimpleObject, Clone)]
pub struct TableColumn {
    /// Stable key of the column within its table (`total`, `revenue.10102`).
    pub key: String,
    /// The header texts from the top row down to this column, as printed
    /// (`["政府预算拨款", "一般公共预算拨款", "履职类项目拨款"]`).
    pub path: Vec<String>,
}

/// A printed row.
#[derive(SimpleObject, Clone, Default)]
pub struct TableRow {
    /// Order in the table, from 1.
    pub position: i32,
    /// The row's label as printed (科目名称, 项目, project, 年度, 任务名称); the department's
    /// name for its total row; null where the label cell is blank (表1's expenditure-only
    /// lines).
    pub label: Option<String>,
    /// The 科目编码 printed beside the row (表3, 表7, 表8, 表10, 表11); null where none is
    /// printed.
    pub code: Option<String>,
    /// What the row stands for, printed or not: the classification code (also of 表4 rows and
    /// 表1/表6 revenue lines, which print none) or the project key (表5); null for total rows.
    pub key: Option<String>,
    /// One cell per column, in column order.
    pub cells: Vec<TableCell>,
    /// The file the row is printed in (stored printed tables only; null otherwise).
    pub document: Option<String>,
    /// The 1-based page of `document` the row is printed on (stored printed tables only).
    pub page: Option<i32>,
    /// The 1-based line of that page (`pdftotext -layout`; stored printed tables only).
    pub line: Option<i32>,
}

/// A printed cell.
#[derive(SimpleObject, Clone)]
pub struct TableCell {
    /// The key of the cell's column.
    pub column: String,
    /// The figure, exact, in the table's unit; null where the cell is blank or holds text.
    pub value: Option<Decimal>,
    /// The cell as printed: text cells (表12) and figures with their thousands separators
    /// (`29,760`); null where the cell is blank.
    pub text: Option<String>,
    /// The file the cell is printed in (stored printed tables only; null otherwise).
    pub document: Option<String>,
    /// The 1-based page the cell is printed on (stored printed tables only).
    pub page: Option<i32>,
    /// The 1-based line of that page (`pdftotext -layout`; stored printed tables only).
    pub line: Option<i32>,
}

impl TableCell {
    fn amount(column: &str, units: Option<i64>) -> TableCell {
        TableCell {
            column: column.to_owned(),
            value: units.map(decimal),
            text: units.map(|u| printed(decimal(u).0)),
            document: None,
            page: None,
            line: None,
        }
    }

    fn words(column: &str, text: Option<&str>) -> TableCell {
        TableCell {
            column: column.to_owned(),
            value: None,
            text: text.map(str::to_owned),
            document: None,
            page: None,
            line: None,
        }
    }
}

/// A figure as the disclosure prints it: thousands separated by commas (`29,760`, `16.5`).
fn printed(value: rust_decimal::Decimal) -> String {
    let text = value.normalize().to_string();
    let (sign, digits) = text
        .strip_prefix('-')
        .map_or(("", text.as_str()), |d| ("-", d));
    let (int, frac) = digits
        .split_once('.')
        .map_or((digits, None), |(i, f)| (i, Some(f)));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn prints_figures_as_the_disclosure() {
        for (value, text) in [
            ("29760", "29,760"),
            ("16.5", "16.5"),
            ("-1.5", "-1.5"),
            ("0", "0"),
            ("8247.97", "8,247.97"),
            ("1865", "1,865"),
            ("100", "100"),
            ("1234567", "1,234,567"),
        ] {
            assert_eq!(
                printed(rust_decimal::Decimal::from_str(value).unwrap()),
                text
            );
        }
    }
}
