//! `aggregate`: budget lines summed across departments and years, grouped by any combination
//! of year, department, classification node and COFOG function (the OpenSpending cube's
//! aggregate / drilldown / cut / order / page, with exact decimals).

use super::classification::{ClassificationNode, CofogFunction, Scheme};
use super::common::{Change, Decimal, MoneyUnit, money_in};
use super::department::Department;
use super::relay::Window;
use crate::aggregate::{self, Dimension, Key};
use crate::catalog::Catalog;
use crate::error::{ApiError, Result};
use async_graphql::connection::PageInfo;
use async_graphql::{Context, Enum, InputObject, MergedObject, Object, SimpleObject};
use rust_decimal::RoundingStrategy;
use sea_orm::DatabaseConnection;
use seed::cofog::Crosswalk;
use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

pub use crate::aggregate::{CofogRule, Dimension as AggregateDimension};

/// What the lines summed are restricted to. Every list is OR within itself and AND across.
#[derive(InputObject, Default)]
pub struct AggregateFilter {
    /// Only these fiscal years.
    pub years: Option<Vec<i32>>,
    /// Only these departments (codes). A listed unit that its listed parent's budget already
    /// consolidates is not added again. Unknown codes match nothing.
    pub departments: Option<Vec<String>>,
    /// Only these classification codes of `scheme`, each including its descendants (e.g.
    /// `201` covers `20137` and `2013701`). Unknown codes match nothing.
    pub codes: Option<Vec<String>>,
}

/// The order of the cells.
#[derive(Enum, Copy, Clone, Debug, Default, PartialEq, Eq)]
pub enum AggregateOrder {
    /// Largest `amount` first; cells without an amount last; ties by dimension.
    #[default]
    AmountDesc,
    /// Smallest `amount` first; cells without an amount last; ties by dimension.
    AmountAsc,
    /// By the grouped dimensions: year, then department code, then node code, then COFOG
    /// code, then rule, each ascending.
    Dimensions,
}

/// A measure of a cell.
#[derive(Enum, Copy, Clone, Debug, Default, PartialEq, Eq)]
pub enum AggregateMeasure {
    /// The line total.
    #[default]
    Amount,
    /// Basic expenditure.
    Basic,
    /// Project expenditure.
    Project,
    /// Government procurement.
    Procurement,
}

/// The sums of a set of budget lines: everything the filter selects (`Aggregate.total`), or
/// one cell's lines.
#[derive(Clone, Copy)]
pub struct AggregateTotal {
    sums: aggregate::Sums,
    unit: MoneyUnit,
    /// Yuan per stored unit of what is summed (see [`governments`]).
    yuan_per_unit: i64,
}

impl AggregateTotal {
    fn measure(&self, m: AggregateMeasure) -> aggregate::Measure {
        match m {
            AggregateMeasure::Amount => self.sums.amount,
            AggregateMeasure::Basic => self.sums.basic,
            AggregateMeasure::Project => self.sums.project,
            AggregateMeasure::Procurement => self.sums.procurement,
        }
    }
}

/// The sums of a set of budget lines: everything the filter selects (`Aggregate.total`), or
/// one cell's lines.
#[Object]
impl AggregateTotal {
    /// Sum of the stated line totals, in the aggregate's `unit`; null when no line states one.
    async fn amount(&self) -> Option<Decimal> {
        money_in(self.sums.amount.sum, self.yuan_per_unit, self.unit)
    }
    /// Sum of the stated basic expenditure; null when none is stated.
    async fn basic(&self) -> Option<Decimal> {
        money_in(self.sums.basic.sum, self.yuan_per_unit, self.unit)
    }
    /// Sum of the stated project expenditure; null when none is stated.
    async fn project(&self) -> Option<Decimal> {
        money_in(self.sums.project.sum, self.yuan_per_unit, self.unit)
    }
    /// Sum of the stated government procurement; null when none is stated.
    async fn procurement(&self) -> Option<Decimal> {
        money_in(self.sums.procurement.sum, self.yuan_per_unit, self.unit)
    }
    /// Department-years with at least one line in the sum.
    async fn count(&self) -> i64 {
        self.sums.count
    }
    /// Department-years whose lines state `measure`: when smaller than `count`, the sum of
    /// that measure is partial.
    async fn stated_count(
        &self,
        #[graphql(default, desc = "The measure.")] measure: AggregateMeasure,
    ) -> i64 {
        self.measure(measure).stated
    }
}

/// Shared by the cells of one aggregate.
struct Shared {
    db: DatabaseConnection,
    catalog: Arc<Catalog>,
    spec: aggregate::Spec,
    total: aggregate::Sums,
    /// Yuan per stored unit of what is summed.
    yuan_per_unit: i64,
    /// Cells of the same spec in another year, for `change(baseYear:)`; computed once per
    /// base year, whatever the number of cells asking.
    bases: Mutex<HashMap<i32, Arc<BaseCells>>>,
}

/// The cells of a base year, computed on first use.
type BaseCells = tokio::sync::OnceCell<HashMap<Key, aggregate::Sums>>;

/// One cell: the values of its dimensions (null where not grouped by), with the sums of the
/// lines that share them.
#[derive(MergedObject)]
pub struct AggregateCell(CellKey, AggregateTotal);

/// A cell's dimension values, share and change.
pub struct CellKey {
    key: Key,
    amount: Option<i64>,
    shared: Arc<Shared>,
}

/// A cell's dimension values, share and change.
#[Object]
impl CellKey {
    /// The fiscal year (grouped by `YEAR`).
    async fn year(&self) -> Option<i32> {
        self.key.year
    }
    /// The department (grouped by `DEPARTMENT`).
    async fn department(&self) -> Option<Department> {
        let id = self.key.department?;
        self.shared
            .catalog
            .departments
            .get(&id)
            .cloned()
            .map(Department)
    }
    /// The classification node (grouped by `NODE`).
    async fn node(&self) -> Option<ClassificationNode> {
        let id = self.key.node?;
        self.shared
            .catalog
            .node(id)
            .cloned()
            .map(ClassificationNode)
    }
    /// The COFOG function (grouped by `COFOG`); null where none applies (see `cofogRule`).
    async fn cofog(&self) -> Option<CofogFunction> {
        CofogFunction::of(self.key.cofog.as_deref()?)
    }
    /// The rule that placed the cell's amounts in their COFOG function (grouped by
    /// `COFOG_RULE`).
    async fn cofog_rule(&self) -> Option<CofogRule> {
        self.key.rule
    }
    /// `amount` as a fraction of the filtered total's amount, rounded to 6 places (e.g.
    /// `"0.9803"`); null when either is null or the total is 0.
    async fn share(&self) -> Option<Decimal> {
        let part = self.amount?;
        let whole = self.shared.total.amount.sum.filter(|w| *w != 0)?;
        Some(Decimal(
            (rust_decimal::Decimal::from(part) / rust_decimal::Decimal::from(whole))
                .round_dp_with_strategy(6, RoundingStrategy::MidpointAwayFromZero),
        ))
    }
    /// This cell's `amount` compared with the same cell in `baseYear` (same filter, same
    /// dimensions, the year replaced), in 万元. `base` is null when nothing is stated there.
    async fn change(
        &self,
        #[graphql(desc = "Year to compare with.")] base_year: i32,
    ) -> Result<Change> {
        let cell = {
            let mut bases = self.shared.bases.lock().unwrap_or_else(|e| e.into_inner());
            bases.entry(base_year).or_default().clone()
        };
        let shared = &self.shared;
        let base = cell
            .get_or_try_init(|| async {
                let spec = aggregate::Spec {
                    years: Some(vec![base_year]),
                    ..shared.spec.clone()
                };
                let outcome = aggregate::compute(&shared.db, &shared.catalog, &spec).await?;
                Ok::<_, ApiError>(outcome.cells.into_iter().collect())
            })
            .await?;
        let key = Key {
            year: self.key.year.map(|_| base_year),
            ..self.key.clone()
        };
        let year = self.key.year.unwrap_or(base_year + 2);
        let (base, current) = (base.get(&key).and_then(|s| s.amount.sum), self.amount);
        let yuan_per_unit = self.shared.yuan_per_unit;
        if yuan_per_unit != 10_000 {
            let wan = |units| money_in(units, yuan_per_unit, MoneyUnit::WanYuan).map(|d| d.0);
            return Ok(Change::in_wan(
                base_year,
                year,
                wan(base),
                wan(current),
                (None, None),
            ));
        }
        Ok(Change::new(base_year, year, base, current, (None, None)))
    }
}

/// A page of cells (Relay connection).
#[derive(SimpleObject)]
pub struct AggregateCellConnection {
    /// The cells of this page, each with its cursor.
    pub edges: Vec<AggregateCellEdge>,
    /// The cells of this page (the same as `edges { node }`).
    pub nodes: Vec<AggregateCell>,
    /// Where this page sits in the whole list.
    pub page_info: PageInfo,
    /// Number of cells (all pages).
    pub total_count: u64,
}

/// A cell and its cursor.
#[derive(SimpleObject)]
pub struct AggregateCellEdge {
    /// Opaque cursor for `after` / `before`.
    pub cursor: String,
    /// The cell.
    pub node: AggregateCell,
}

/// Budget lines summed by the requested dimensions.
pub struct Aggregate {
    unit: MoneyUnit,
    yuan_per_unit: i64,
    cells: Vec<(Key, aggregate::Sums)>,
    shared: Arc<Shared>,
}

/// Budget lines summed by the requested dimensions (computed in memory from the lines of each
/// year, which are read once per data version).
#[Object]
impl Aggregate {
    /// The unit of every amount (万元 unless asked otherwise).
    async fn unit(&self) -> MoneyUnit {
        self.unit
    }
    /// The sums over everything the filter selects (the sum of all cells, each department-year
    /// counted once).
    async fn total(&self) -> AggregateTotal {
        AggregateTotal {
            sums: self.shared.total,
            unit: self.unit,
            yuan_per_unit: self.yuan_per_unit,
        }
    }
    /// The cells, as a Relay connection (at most 100 a page).
    #[graphql(
        complexity = "(first.or(last).unwrap_or(20).clamp(0, 100) as usize) * child_complexity + 1"
    )]
    async fn cells(
        &self,
        #[graphql(default, desc = "Order of the cells.")] order: AggregateOrder,
        #[graphql(desc = "Page size from the start (at most 100).")] first: Option<i32>,
        #[graphql(desc = "Cursor to start after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Cursor to end before.")] before: Option<String>,
    ) -> Result<AggregateCellConnection> {
        let catalog = &self.shared.catalog;
        let dimension_key = |k: &Key| {
            (
                k.year,
                k.department
                    .and_then(|d| catalog.departments.get(&d))
                    .map(|d| d.code.clone()),
                k.node.and_then(|n| catalog.node(n)).map(|n| n.code.clone()),
                k.cofog.is_none(),
                k.cofog.clone(),
                k.rule,
            )
        };
        let mut order_index: Vec<usize> = (0..self.cells.len()).collect();
        order_index.sort_by_cached_key(|&i| {
            let (key, sums) = &self.cells[i];
            let amount = sums.amount.sum;
            let by_amount = match order {
                AggregateOrder::AmountDesc => amount.map(|a| -(a as i128)),
                AggregateOrder::AmountAsc => amount.map(i128::from),
                AggregateOrder::Dimensions => Some(0),
            };
            (by_amount.is_none(), by_amount, dimension_key(key))
        });
        let window = Window::new(order_index.len(), first, after, last, before)?;
        let cell = |i: usize| {
            let (key, sums) = &self.cells[order_index[i]];
            AggregateCell(
                CellKey {
                    key: key.clone(),
                    amount: sums.amount.sum,
                    shared: self.shared.clone(),
                },
                AggregateTotal {
                    sums: *sums,
                    unit: self.unit,
                    yuan_per_unit: self.yuan_per_unit,
                },
            )
        };
        Ok(AggregateCellConnection {
            edges: (window.start..window.end)
                .map(|i| AggregateCellEdge {
                    cursor: Window::cursor(i),
                    node: cell(i),
                })
                .collect(),
            nodes: (window.start..window.end).map(cell).collect(),
            page_info: window.page_info(),
            total_count: window.total as u64,
        })
    }
}

/// Aggregate queries.
#[derive(Default)]
pub struct AggregateQuery;

/// Aggregate queries.
#[Object]
impl AggregateQuery {
    /// Budget lines of every department summed across departments and years, grouped by any
    /// combination of `YEAR`, `DEPARTMENT`, `NODE` and `COFOG`.
    ///
    /// Which lines: the lines each department-year's trees serve (`Budget.functional` /
    /// `economic` / `revenue`), at `level` of `scheme` — or, when grouping by `COFOG`, at the
    /// most specific level printed (项), as the crosswalk places lines by their own code.
    /// A line is never counted twice: a department-year whose budget its parent's consolidated
    /// budget already includes (a unit that is not independently accounted, whose parent has a
    /// budget that year) is left out whenever that parent, or a department consolidating the
    /// parent in turn, is part of the sum — always, unless `filter.departments` lists the unit
    /// without those. Nothing not stated becomes `0`:
    /// a cell or measure with no stated amount is null, and `count` / `statedCount` say how
    /// many department-years a sum covers.
    #[allow(clippy::too_many_arguments)]
    async fn aggregate(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The classification scheme.")] scheme: Scheme,
        #[graphql(
            default = 1,
            desc = "Level of the `NODE` dimension and of the lines summed (1 = 类, 2 = 款, 3 = 项)."
        )]
        level: i32,
        #[graphql(
            default = 1,
            desc = "Level of the `COFOG` dimension: 1 = division (`01`), 2 = group (`01.3`; an amount the crosswalk places only in a division stays there)."
        )]
        cofog_level: i32,
        #[graphql(default, desc = "The dimensions to group by; none gives one cell.")]
        group_by: Vec<AggregateDimension>,
        #[graphql(default, desc = "What to sum.")] filter: AggregateFilter,
        #[graphql(default, desc = "Unit of every amount.")] unit: MoneyUnit,
        #[graphql(
            desc = "Only the departments of this government (code). Required when the data holds several governments, unless `allGovernments` is true."
        )]
        government: Option<String>,
        #[graphql(
            default,
            desc = "Sum across every government the data holds (only without `government`)."
        )]
        all_governments: bool,
    ) -> Result<Aggregate> {
        if !(1..=3).contains(&level) {
            return Err(ApiError::BadUserInput(format!(
                "`level` is {level}; classification levels are 1 to 3"
            )));
        }
        if !(1..=2).contains(&cofog_level) {
            return Err(ApiError::BadUserInput(format!(
                "`cofogLevel` is {cofog_level}; COFOG levels are 1 (division) and 2 (group)"
            )));
        }
        let group_by: BTreeSet<Dimension> = group_by.into_iter().collect();
        if scheme != Scheme::Functional
            && (group_by.contains(&Dimension::Cofog) || group_by.contains(&Dimension::CofogRule))
        {
            return Err(ApiError::BadUserInput(
                "COFOG dimensions apply to the FUNCTIONAL scheme only".into(),
            ));
        }
        for (name, list) in [
            ("years", filter.years.as_ref().map(Vec::len)),
            ("departments", filter.departments.as_ref().map(Vec::len)),
            ("codes", filter.codes.as_ref().map(Vec::len)),
        ] {
            if list.is_some_and(|n| n > MAX_FILTER) {
                return Err(ApiError::BadUserInput(format!(
                    "`filter.{name}` lists more than {MAX_FILTER} values"
                )));
            }
        }
        let db = ctx.data_unchecked::<DatabaseConnection>();
        let catalog = crate::loaders::catalog(ctx).clone();
        let (departments, yuan_per_unit) = governments::scope(
            &catalog,
            government.as_deref(),
            all_governments,
            filter.departments,
            filter.years.as_deref(),
        )?;
        let spec = aggregate::Spec {
            scheme: scheme.as_str(),
            level,
            cofog_level,
            group_by,
            years: filter.years,
            departments,
            codes: filter.codes,
        };
        let outcome = aggregate::compute(db, &catalog, &spec).await?;
        Ok(Aggregate {
            unit,
            yuan_per_unit,
            cells: outcome.cells,
            shared: Arc::new(Shared {
                db: db.clone(),
                catalog,
                spec,
                total: outcome.total,
                yuan_per_unit,
                bases: Mutex::default(),
            }),
        })
    }

    /// Every COFOG function (divisions and groups), by code: what the `COFOG` dimension and
    /// `ClassificationNode.cofog` refer to.
    async fn cofog_functions(&self) -> Vec<CofogFunction> {
        Crosswalk::bundled()
            .functions
            .iter()
            .filter_map(|f| CofogFunction::of(&f.code))
            .collect()
    }
}

/// Most values one filter list may hold.
const MAX_FILTER: usize = 1000;

/// Governments and money units in aggregates (issue 25): an aggregate sums the departments of
/// one government, never several unless asked, and never amounts of datasets in different
/// units.
mod governments {
    use super::*;

    /// The departments an aggregate sums (`None`: every department) and yuan per stored unit
    /// of their amounts. `government` restricts to its departments (and those of
    /// `departments` in it); without it, a selection spanning several governments is refused
    /// unless `all` is set. A selection mixing 元 and 万元 datasets is refused.
    pub fn scope(
        catalog: &Catalog,
        government: Option<&str>,
        all: bool,
        departments: Option<Vec<String>>,
        years: Option<&[i32]>,
    ) -> Result<(Option<Vec<String>>, i64)> {
        let departments = match government {
            Some(code) => {
                let Some(found) = catalog.government_by_code(code) else {
                    return Err(ApiError::BadUserInput(format!(
                        "`government` `{code}` is not a government of the data"
                    )));
                };
                let mine = catalog
                    .departments_by_code()
                    .filter(|d| d.government_id == Some(found.id))
                    .map(|d| d.code.clone())
                    .filter(|c| departments.as_ref().is_none_or(|list| list.contains(c)));
                Some(mine.collect())
            }
            None => departments,
        };
        // The department-years selected.
        let selected: Vec<&entity::department::Model> = match &departments {
            Some(codes) => codes
                .iter()
                .filter_map(|c| catalog.department_by_code(c))
                .collect(),
            None => catalog.departments_by_code().collect(),
        };
        let in_years = |y: &i32| years.is_none_or(|ys| ys.contains(y));
        let selected: Vec<&entity::department::Model> = selected
            .into_iter()
            .filter(|d| catalog.years_of(d.id).iter().any(in_years))
            .collect();
        if government.is_none() && !all {
            let codes: BTreeSet<&str> = selected
                .iter()
                .map(|d| {
                    d.government_id
                        .and_then(|g| catalog.government(g))
                        .map_or("(none)", |g| g.code.as_str())
                })
                .collect();
            if codes.len() > 1 {
                let codes: Vec<&str> = codes.into_iter().collect();
                return Err(ApiError::BadUserInput(format!(
                    "the departments summed belong to {} governments ({}): name one with \
                     `government`, or set `allGovernments: true` to sum across them",
                    codes.len(),
                    codes.join(", ")
                )));
            }
        }
        let units: BTreeSet<i64> = selected
            .iter()
            .flat_map(|d| {
                catalog
                    .years_of(d.id)
                    .iter()
                    .filter(|y| in_years(y))
                    .map(|&y| crate::catalog::yuan_per(catalog.unit_of(d.id, y)))
            })
            .collect();
        if units.len() > 1 {
            return Err(ApiError::BadUserInput(
                "the departments summed publish in different units (元 and 万元); \
                 restrict the aggregate to one government or to departments of one unit"
                    .into(),
            ));
        }
        Ok((departments, units.into_iter().next().unwrap_or(10_000)))
    }
}
