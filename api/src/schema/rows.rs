//! Rows of a department-year that have a global id (sub-items, indicators, goals, tasks,
//! statements): found by department, year and printed position, through the request's loader
//! (one batched statement per kind, whatever the number of rows asked for). Search hits and
//! `node(id:)` both find them here.

use super::accountability::{Goal, Indicator, Statement, Task};
use super::projects::{Subproject, department_projects};
use crate::catalog::Catalog;
use crate::error::{ApiError, Result};
use crate::loaders::*;
use crate::search::HitKind;
use async_graphql::Context;

/// A row of a department-year.
pub enum Row {
    Subproject(Subproject),
    Indicator(Indicator),
    Goal(Goal),
    Task(Task),
    Statement(Statement),
}

/// Which row: its kind, department id, year, printed position and `key` (the project id of a
/// sub-item; 0 for a work goal, 1 for a performance goal).
#[derive(Clone, Copy, Debug)]
pub struct RowRef {
    pub kind: HitKind,
    pub department: i32,
    pub year: i32,
    pub position: i32,
    pub key: i32,
}

/// The row `r` names; none where there is no such row.
pub async fn row(ctx: &Context<'_>, r: RowRef) -> Result<Option<Row>> {
    let key = (r.department, r.year);
    Ok(match r.kind {
        HitKind::Indicator => many::<IndicatorsOf>(ctx, key)
            .await?
            .iter()
            .find(|m| m.position == r.position)
            .map(|m| Row::Indicator(Indicator(m.clone()))),
        HitKind::Goal => many::<GoalsOf>(ctx, key)
            .await?
            .iter()
            .find(|m| {
                m.position == r.position
                    && i32::from(m.kind == entity::GoalKind::Performance) == r.key
            })
            .map(|m| Row::Goal(Goal(m.clone()))),
        HitKind::Task => many::<TasksOf>(ctx, key)
            .await?
            .iter()
            .find(|m| m.position == r.position)
            .map(|m| Row::Task(Task(m.clone()))),
        HitKind::Statement => many::<NotesOf>(ctx, key)
            .await?
            .iter()
            .find(|m| m.position == r.position)
            .map(|m| Row::Statement(Statement(m.clone()))),
        HitKind::Subproject => {
            let projects = department_projects(ctx, r.department).await?;
            projects
                .of_year(r.year)
                .into_iter()
                .find(|b| b.project_id == r.key)
                .and_then(|budget| {
                    let items = projects.subprojects(budget.id);
                    let item = items.iter().find(|s| s.position == r.position)?.clone();
                    Some(Row::Subproject(Subproject(item, budget)))
                })
        }
        _ => None,
    })
}

/// The kind of row a global id's type names (`Indicator`), if it names one.
pub fn kind_of(type_name: &str) -> Option<HitKind> {
    Some(match type_name {
        "Subproject" => HitKind::Subproject,
        "Indicator" => HitKind::Indicator,
        "Goal" => HitKind::Goal,
        "Task" => HitKind::Task,
        "Statement" => HitKind::Statement,
        _ => return None,
    })
}

/// Reads the key of a row's global id (`department:year:…:position`); none where the
/// department or project does not exist, `BAD_USER_INPUT` where the key is malformed.
pub fn parse(catalog: &Catalog, kind: HitKind, key: &str) -> Result<Option<RowRef>> {
    let malformed = || ApiError::BadUserInput("malformed id".into());
    let parts = match kind {
        HitKind::Goal | HitKind::Subproject => 4,
        _ => 3,
    };
    // From the right: a department code is the rest.
    let mut fields: Vec<&str> = key.rsplitn(parts, ':').collect();
    if fields.len() != parts {
        return Err(malformed());
    }
    fields.reverse();
    let year: i32 = fields[1].parse().map_err(|_| malformed())?;
    let position: i32 = fields[parts - 1].parse().map_err(|_| malformed())?;
    let Some(department) = catalog.department_id(fields[0]) else {
        return Ok(None);
    };
    let key = match kind {
        HitKind::Goal => match fields[2] {
            "WORK" => 0,
            "PERFORMANCE" => 1,
            _ => return Err(malformed()),
        },
        HitKind::Subproject => match catalog.project_by_key(fields[2]) {
            Some(p) => p.id,
            None => return Ok(None),
        },
        _ => 0,
    };
    Ok(Some(RowRef {
        kind,
        department,
        year,
        position,
        key,
    }))
}
