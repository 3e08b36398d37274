//! Projects: stable across years, with each year's budget, sub-items and performance goals.

use super::common::object;
use super::common::{Basis, Change, compare_rows};
use super::funding::{Funding, funding};
use super::relay::global_id;
use crate::error::Result;
use crate::loaders::*;
use async_graphql::{Context, ID, Object};
use entity::{project, project_budget, subproject};
use std::sync::Arc;

/// A project, identified by a key that is stable across years.
#[derive(Clone)]
pub struct Project(pub project::Model);

/// A project, identified by a key that is stable across years.
#[Object]
impl Project {
    /// Opaque global id (Relay `Node`).
    pub async fn id(&self) -> ID {
        global_id("Project", &self.0.key)
    }
    /// Stable key (`government-investment`).
    async fn key(&self) -> &str {
        &self.0.key
    }
    /// Chinese name (without a year: 政府投资项目).
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// English name.
    async fn name_en(&self) -> &str {
        &self.0.name_en
    }
    /// The project's budget in every department-year, ascending by year.
    async fn budgets(&self, ctx: &Context<'_>) -> Result<Vec<ProjectBudget>> {
        let rows = many::<BudgetsOfProject>(ctx, self.0.id).await?;
        ProjectBudget::with_projects(ctx, &rows).await
    }
}

/// A project's budget for a department-year, with its project.
pub struct ProjectBudget(pub project_budget::Model, pub project::Model);

/// Every project budget of a department, all years, with sub-items (one statement).
pub async fn department_projects(
    ctx: &Context<'_>,
    department: i32,
) -> Result<Arc<DepartmentProjects>> {
    Ok(ctx
        .data_unchecked::<Loaders>()
        .load_one(ProjectsOfDepartment(department))
        .await?
        .unwrap_or_default())
}

impl ProjectBudget {
    /// Pairs budgets with their projects in one batched load.
    pub async fn with_projects(
        ctx: &Context<'_>,
        rows: &[project_budget::Model],
    ) -> Result<Vec<ProjectBudget>> {
        let projects = ctx
            .data_unchecked::<Loaders>()
            .load_many(rows.iter().map(|r| One::<ProjectById>::new(r.project_id)))
            .await?;
        Ok(rows
            .iter()
            .filter_map(|r| {
                Some(ProjectBudget(
                    r.clone(),
                    projects.get(&One::new(r.project_id))?.clone(),
                ))
            })
            .collect())
    }
}

object! {
    /// A project's budget for a department-year, with its project.
    #[Object]
    impl ProjectBudget {
        /// The project's stable key.
        async fn key(&self) -> &str {
            &self.1.key
        }
        /// The project's name as printed this year (`2023 年政府投资项目`), or its stable name where
        /// the year prints none.
        async fn name(&self) -> &str {
            self.0.label.as_deref().unwrap_or(&self.1.name)
        }
        /// English name.
        async fn name_en(&self) -> &str {
            &self.1.name_en
        }
        /// The project across years.
        async fn project_info(&self) -> Project {
            Project(self.1.clone())
        }
        /// The fiscal year.
        async fn year(&self) -> i32 {
            self.0.year
        }
        /// Budget in `unit`; null if not stated.
        money amount(self.0.amount);
        /// How the amount is known.
        async fn basis(&self) -> Basis {
            self.0.basis.into()
        }
        /// What the money is for, as printed.
        async fn purpose(&self) -> Option<&str> {
            self.0.purpose.as_deref()
        }
        /// The stated reason for the change from the previous year.
        async fn reason(&self) -> Option<&str> {
            self.0.reason.as_deref()
        }
        /// Clarification, or the sentence a derived amount comes from.
        async fn note(&self) -> Option<&str> {
            self.0.note.as_deref()
        }
        /// Sub-items the text names, in printed order; `amount` is null where none is printed.
        async fn subprojects(&self, ctx: &Context<'_>) -> Result<Vec<Subproject>> {
            let rows = department_projects(ctx, self.0.department_id)
                .await?
                .subprojects(self.0.id);
            Ok(rows
                .iter()
                .map(|r| Subproject(r.clone(), self.0.clone()))
                .collect())
        }
        /// Performance goals (第七部分), in printed order.
        async fn performance_goals(&self, ctx: &Context<'_>) -> Result<Vec<String>> {
            let rows = many::<ProjectGoalsOf>(ctx, self.0.id).await?;
            Ok(rows.iter().map(|g| g.text.clone()).collect())
        }
        /// Where the amount is printed or stated.
        source(self.0.source_id);
        /// The project's funding by revenue source, as 表5 prints it (履职类项目拨款 7,036, …), in
        /// printed order; empty where the year prints no 表5 row for it (2022).
        async fn funding(&self, ctx: &Context<'_>) -> Result<Vec<Funding>> {
            funding(ctx, (self.0.department_id, self.0.year), 5, &self.1.key).await
        }
        /// Comparison with the same project in another year.
        async fn change(
            &self,
            ctx: &Context<'_>,
            #[graphql(desc = "Year to compare with.")] base_year: i32,
        ) -> Result<Change> {
            let rows = department_projects(ctx, self.0.department_id)
                .await?
                .of_year(base_year);
            let same = |r: &project_budget::Model| r.project_id == self.0.project_id;
            Ok(compare_rows(ctx, &self.0, base_year, &rows, same))
        }
    }
}

/// A sub-item of a project budget named in the text (with the budget it belongs to).
pub struct Subproject(pub subproject::Model, pub project_budget::Model);

object! {
    /// A sub-item of a project budget named in the text.
    #[Object]
    impl Subproject {
        /// Chinese name as printed.
        async fn name(&self) -> &str {
            &self.0.name
        }
        /// English name.
        async fn name_en(&self) -> &str {
            &self.0.name_en
        }
        /// Amount in `unit`; null where the text names the item without an amount.
        money amount(self.0.amount);
        /// Where it is named.
        source(self.0.source_id);
        /// Comparison with the sub-item of the same name in the same project in another year;
        /// `base` is null where that year names no such sub-item.
        async fn change(
            &self,
            ctx: &Context<'_>,
            #[graphql(desc = "Year to compare with.")] base_year: i32,
        ) -> Result<Change> {
            let budget = &self.1;
            let projects = department_projects(ctx, budget.department_id).await?;
            let mut base = None;
            if let Some(other) = projects
                .of_year(base_year)
                .iter()
                .find(|b| b.project_id == budget.project_id)
            {
                let items = projects.subprojects(other.id);
                base = items
                    .iter()
                    .find(|i| i.name == self.0.name)
                    .and_then(|i| i.amount);
            }
            Ok(Change::new(
                base_year,
                budget.year,
                base,
                self.0.amount,
                (None, None),
            ))
        }
    }
}
