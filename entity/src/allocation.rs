//! A revenue-source column of a printed row (表4, 表5). Amount in yuan.

use sea_orm::entity::prelude::*;

/// A revenue-source column of a printed row (表4, 表5). Amount in yuan.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "allocation")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub department_id: i32,
    pub year: i32,
    pub source_id: i32,
    pub row_key: String,
    pub revenue_node_id: i32,
    pub amount: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
