//! A department's budget for one fiscal year: totals, trees, projects, 三公, performance, checks.

use super::accountability::{Check, CheckStatus, Goal, GoalKind, Indicator, Statement, Task};
use super::classification::Scheme;
use super::common::{Basis, Decimal, MoneyUnit, Source};
use super::department::{Budget, Department};
use super::figures::{Figure, Procurement, ThreePublicExpense, figure, figure_basis};
use super::funding::{Funding, funding};
use super::lines::{BudgetLine, select, trees};
use super::projects::{ProjectBudget, department_projects};
use super::relay::global_id;
use super::tables::{Facts, PrintedTable, Stored};
use crate::catalog::{EXPENDITURE_TOTAL, REVENUE_TOTAL};
use crate::error::Result;
use crate::loaders::*;
use async_graphql::{Context, ID, Object};

impl Budget {
    fn key(&self) -> DeptYear {
        (self.department.id, self.year)
    }

    /// Yuan per unit of the stored amounts (10000 for a 万元 dataset, 1 for a 元 one).
    fn yuan_per_unit(&self, ctx: &Context<'_>) -> i64 {
        crate::catalog::yuan_per(catalog(ctx).unit_of(self.department.id, self.year))
    }

    /// The printed totals (from the catalogue: no statement).
    fn totals<'a>(&self, ctx: &'a Context<'_>) -> &'a [crate::catalog::Total] {
        catalog(ctx).totals(self.department.id, self.year)
    }
}

/// A department's budget for one fiscal year.
#[Object]
impl Budget {
    /// Opaque global id (Relay `Node`).
    pub async fn id(&self) -> ID {
        global_id("Budget", &format!("{}:{}", self.department.code, self.year))
    }
    /// The fiscal year.
    async fn fiscal_year(&self) -> FiscalYear {
        FiscalYear { year: self.year }
    }
    /// The department.
    async fn department(&self) -> Department {
        Department(self.department.clone())
    }
    /// The unit the disclosure prints its amounts in: `万元` (10,000 CNY) or `元`. Money
    /// fields return 万元 unless asked for `YUAN`, whichever unit is printed (converted
    /// exactly).
    async fn unit(&self, ctx: &Context<'_>) -> String {
        catalog(ctx)
            .unit_of(self.department.id, self.year)
            .to_owned()
    }
    /// Currency (ISO 4217): `CNY`.
    async fn currency(&self) -> &'static str {
        "CNY"
    }
    /// Total budget revenue (部门预算收入); null if not stated for this year.
    async fn revenue_total(
        &self,
        ctx: &Context<'_>,
        #[graphql(default, desc = "Unit of the result.")] unit: MoneyUnit,
    ) -> Result<Option<Decimal>> {
        Ok(figure(
            self.totals(ctx),
            &REVENUE_TOTAL,
            self.yuan_per_unit(ctx),
            unit,
        ))
    }
    /// Total budget expenditure (部门预算支出); null if not stated for this year.
    async fn expenditure_total(
        &self,
        ctx: &Context<'_>,
        #[graphql(default, desc = "Unit of the result.")] unit: MoneyUnit,
    ) -> Result<Option<Decimal>> {
        Ok(figure(
            self.totals(ctx),
            &EXPENDITURE_TOTAL,
            self.yuan_per_unit(ctx),
            unit,
        ))
    }
    /// How the revenue total is known: `DERIVED_FROM_COMPARISON` when the disclosure states it
    /// only as a comparison (2022 = 2023 − the stated change); null when not stated.
    async fn revenue_total_basis(&self, ctx: &Context<'_>) -> Result<Option<Basis>> {
        Ok(figure_basis(self.totals(ctx), &REVENUE_TOTAL))
    }
    /// How the expenditure total is known (see `revenueTotalBasis`); null when not stated.
    async fn expenditure_total_basis(&self, ctx: &Context<'_>) -> Result<Option<Basis>> {
        Ok(figure_basis(self.totals(ctx), &EXPENDITURE_TOTAL))
    }
    /// How this year's budget is known: `PRINTED` when the disclosure prints the year's budget
    /// (its tables or its printed totals); `DERIVED_FROM_COMPARISON` when the year is known
    /// only through comparisons a later disclosure states (2022: totals, projects and
    /// 机关运行经费 derived from the stated changes). Single figures of such a year may still
    /// be printed (表9 prints 2022's 三公): each figure carries its own `basis`.
    async fn basis(&self, ctx: &Context<'_>) -> Result<Basis> {
        let (lines, headlines) = futures::try_join!(
            many::<LinesOf>(ctx, self.key()),
            many::<HeadlinesOf>(ctx, self.key())
        )?;
        let printed =
            !lines.is_empty() || headlines.iter().any(|h| h.basis == entity::Basis::Printed);
        Ok(if printed {
            Basis::Printed
        } else {
            Basis::DerivedFromComparison
        })
    }
    /// Basic expenditure (基本支出) by revenue source: the department's row of 表4.
    async fn basic_funding(&self, ctx: &Context<'_>) -> Result<Vec<Funding>> {
        funding(ctx, self.key(), 4, "").await
    }
    /// Project expenditure (项目支出) by revenue source: the department's row of 表5
    /// (履职类项目拨款 7,831, 政府投资项目拨款 20,064, …).
    async fn project_funding(&self, ctx: &Context<'_>) -> Result<Vec<Funding>> {
        funding(ctx, self.key(), 5, "").await
    }
    /// Named figures from the text and tables, in a stable order.
    async fn headlines(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only these keys.")] keys: Option<Vec<String>>,
    ) -> Result<Vec<Figure>> {
        let rows = many::<HeadlinesOf>(ctx, self.key()).await?;
        Ok(rows
            .iter()
            .filter(|h| keys.as_ref().is_none_or(|k| k.contains(&h.key)))
            .cloned()
            .map(Figure)
            .collect())
    }
    /// Budget lines of a classification scheme as trees of any depth: the roots (类), each
    /// with `children`. Every node carries the table it is printed in.
    async fn lines(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The classification scheme.")] scheme: Scheme,
        #[graphql(desc = "Start the trees at this depth (1 = 类, 2 = 款, 3 = 项).")]
        from_level: Option<i32>,
        #[graphql(desc = "Return only the subtree of this code.")] code: Option<String>,
    ) -> Result<Vec<BudgetLine>> {
        Ok(select(
            trees(ctx, self.key(), scheme).await?,
            from_level,
            code.as_deref(),
        ))
    }
    /// Projects (项目支出) with sub-items and performance goals, in printed order.
    async fn projects(&self, ctx: &Context<'_>) -> Result<Vec<ProjectBudget>> {
        let rows = department_projects(ctx, self.department.id)
            .await?
            .of_year(self.year);
        ProjectBudget::with_projects(ctx, &rows).await
    }
    /// Government procurement summary; null if the year states none.
    async fn procurement(&self, ctx: &Context<'_>) -> Result<Option<Procurement>> {
        Ok(Procurement::from_figures(
            &many::<HeadlinesOf>(ctx, self.key()).await?,
        ))
    }
    /// 三公 (three public expenses) items, total first.
    async fn three_public_expenses(&self, ctx: &Context<'_>) -> Result<Vec<ThreePublicExpense>> {
        each::<ThreePublicOf, _>(ctx, self.key(), ThreePublicExpense).await
    }
    /// Performance indicators (表12), in printed order.
    async fn performance_indicators(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only this 一级指标 (e.g. 产出).")] category: Option<String>,
        #[graphql(desc = "Only this 二级指标 (e.g. 数量).")] subcategory: Option<String>,
    ) -> Result<Vec<Indicator>> {
        let rows = many::<IndicatorsOf>(ctx, self.key()).await?;
        Ok(rows
            .iter()
            .filter(|i| category.as_ref().is_none_or(|c| &i.category == c))
            .filter(|i| subcategory.as_ref().is_none_or(|s| &i.subcategory == s))
            .cloned()
            .map(Indicator)
            .collect())
    }
    /// Annual goals: work goals (第一部分) and overall performance goals (表12).
    async fn goals(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only this kind.")] kind: Option<GoalKind>,
    ) -> Result<Vec<Goal>> {
        let goals = each::<GoalsOf, _>(ctx, self.key(), Goal).await?;
        Ok(goals
            .into_iter()
            .filter(|g| {
                kind.is_none_or(|k| {
                    (k == GoalKind::Performance) == (g.0.kind == entity::GoalKind::Performance)
                })
            })
            .collect())
    }
    /// Annual tasks with their funding (表12 年度主要任务).
    async fn tasks(&self, ctx: &Context<'_>) -> Result<Vec<Task>> {
        each::<TasksOf, _>(ctx, self.key(), Task).await
    }
    /// Consistency checks computed at load, in a stable order.
    async fn checks(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only checks with this outcome.")] status: Option<CheckStatus>,
    ) -> Result<Vec<Check>> {
        let checks = each::<ChecksOf, _>(ctx, self.key(), Check).await?;
        Ok(checks
            .into_iter()
            .filter(|c| c.has_status(status))
            .collect())
    }
    /// Statements of the disclosure that carry no figure (notes, explanations).
    async fn statements(&self, ctx: &Context<'_>) -> Result<Vec<Statement>> {
        each::<NotesOf, _>(ctx, self.key(), Statement).await
    }
    /// The tables of the disclosure that print anything for this year, by number, including
    /// tables printed empty (表10, 表11, `isEmpty`). A prior year lists the tables that print
    /// its figures (表9 prints 2022).
    async fn tables(&self, ctx: &Context<'_>) -> Result<Vec<Source>> {
        let (facts, stored) = futures::try_join!(
            Facts::load(ctx, &self.department, self.year),
            Stored::load(ctx, self.department.id, self.year),
        )?;
        let mut tables = facts.tables;
        // The tables read from the printed pages, cited by no fact or not.
        let loader = ctx.data_unchecked::<Loaders>();
        let sources = loader
            .load_many(stored.source_ids().into_iter().map(One::<SourceById>::new))
            .await?;
        for source in sources.into_values() {
            if let Some(number) = source.table_number {
                tables.entry(number).or_insert(source);
            }
        }
        Ok(tables.into_values().map(Source).collect())
    }
    /// One table as printed (`number`: 1–12): its header and every printed cell, as read from
    /// the printed pages (each cell with its page and line) where the disclosure was imported,
    /// else rebuilt from the stored figures; null if no table of that number prints anything
    /// for this year.
    async fn table(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The table number (表N).")] number: i32,
    ) -> Result<Option<PrintedTable>> {
        // No statement when the department-year has no stored printed tables.
        let stored = Stored::load(ctx, self.department.id, self.year).await?;
        let loader = ctx.data_unchecked::<Loaders>();
        let sources = loader
            .load_many(stored.source_ids().into_iter().map(One::<SourceById>::new))
            .await?;
        let printed = sources
            .into_values()
            .filter(|s| s.table_number == Some(number))
            .min_by_key(|s| s.id);
        if let Some(source) = printed {
            let notes = many::<NotesOf>(ctx, self.key())
                .await?
                .iter()
                .filter(|n| n.source_id == source.id)
                .map(|n| n.text.clone())
                .collect();
            return Ok(stored.table(source, notes));
        }
        Ok(Facts::load(ctx, &self.department, self.year)
            .await?
            .table(number))
    }
}

/// A fiscal year some dataset reports on.
pub struct FiscalYear {
    pub year: i32,
}

/// A fiscal year some dataset reports on.
#[Object]
impl FiscalYear {
    /// The year (`2023`).
    async fn year(&self) -> i32 {
        self.year
    }
}
