//! A (department, year) that a dataset has figures for.

use sea_orm::entity::prelude::*;

/// A (department, year) that a dataset has figures for: what `department.budget(year:)` and
/// `department.budgets` list.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "department_year")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub dataset_id: i32,
    pub department_id: i32,
    pub year: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
