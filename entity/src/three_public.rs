//! A 三公 (three public expenses) item in a year.

use sea_orm::entity::prelude::*;

/// A 三公 (three public expenses) item in a year.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "three_public")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub department_id: i32,
    pub year: i32,
    pub position: i32,
    pub key: String,
    pub parent_key: Option<String>,
    pub name: String,
    pub name_en: String,
    pub amount: Option<i64>,
    pub stated_change: Option<i64>,
    pub stated_percent: Option<i64>,
    pub basis: crate::Basis,
    pub source_id: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
