//! A named figure. `amount` in 1/10000 of `unit`; percents in 1/10000 of a percent.

use sea_orm::entity::prelude::*;

/// A named figure. `amount` in 1/10000 of `unit`; percents in 1/10000 of a percent.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "headline")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub department_id: i32,
    pub year: i32,
    pub position: i32,
    pub key: String,
    pub name: String,
    pub name_en: String,
    pub amount: Option<i64>,
    pub unit: String,
    pub stated_change: Option<i64>,
    pub stated_percent: Option<i64>,
    pub basis: crate::Basis,
    pub source_id: i32,
    pub also_in: Option<String>,
    pub note: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
