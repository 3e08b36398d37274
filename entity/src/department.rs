//! A budget department or one of its units.

use sea_orm::entity::prelude::*;

/// A budget department or one of its units.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "department")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub code: String,
    pub name: String,
    pub name_en: String,
    #[sea_orm(indexed)]
    pub parent_id: Option<i32>,
    pub independent_accounting: Option<bool>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
