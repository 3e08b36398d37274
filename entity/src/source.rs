//! Where figures come from: a numbered table or a narrative part of a document.

use sea_orm::entity::prelude::*;

/// Where figures come from: a numbered table or a narrative part of a document.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "source")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub dataset_id: i32,
    pub key: String,
    pub table_number: Option<i32>,
    pub title: String,
    pub section: Option<String>,
    pub empty: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
