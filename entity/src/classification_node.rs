//! A node of a classification scheme (functional, economic, revenue).

use sea_orm::entity::prelude::*;

/// A node of a classification scheme (functional, economic, revenue).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "classification_node")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub scheme: crate::Scheme,
    pub code: String,
    #[sea_orm(indexed)]
    pub parent_id: Option<i32>,
    pub level: i32,
    pub name: String,
    pub name_en: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
