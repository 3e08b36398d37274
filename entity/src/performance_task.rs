//! A 年度主要任务 row of 表12.

use sea_orm::entity::prelude::*;

/// A 年度主要任务 row of 表12.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "performance_task")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub department_id: i32,
    pub year: i32,
    pub position: i32,
    pub kind: crate::TaskKind,
    pub name: String,
    pub project_id: Option<i32>,
    pub content: Option<String>,
    pub total: Option<i64>,
    pub fiscal: Option<i64>,
    pub other: Option<i64>,
    pub source_id: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
