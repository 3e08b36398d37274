//! A performance indicator of 表12, with a parsed form where the target allows.

use sea_orm::entity::prelude::*;

/// A performance indicator of 表12, with a parsed form where the target allows.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "indicator")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub department_id: i32,
    pub year: i32,
    pub position: i32,
    pub category: String,
    pub subcategory: String,
    pub name: String,
    pub target: String,
    pub comparator: Option<crate::Comparator>,
    pub value: Option<i64>,
    pub value_unit: Option<String>,
    pub source_id: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
