//! An identity the disclosure should satisfy, computed at load. Amounts in 1/10000 of 万元.

use sea_orm::entity::prelude::*;

/// An identity the disclosure should satisfy, computed at load. Amounts in 1/10000 of 万元.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "consistency_check")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub dataset_id: i32,
    pub department_id: i32,
    pub year: i32,
    pub position: i32,
    pub key: String,
    pub name: String,
    pub expected: i64,
    pub actual: i64,
    pub difference: i64,
    pub status: crate::CheckStatus,
    pub detail: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
