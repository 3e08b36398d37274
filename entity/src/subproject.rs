//! A sub-item of a project budget named in the text.

use sea_orm::entity::prelude::*;

/// A sub-item of a project budget named in the text.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "subproject")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(indexed)]
    pub project_budget_id: i32,
    pub position: i32,
    pub name: String,
    pub name_en: String,
    pub amount: Option<i64>,
    pub source_id: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
