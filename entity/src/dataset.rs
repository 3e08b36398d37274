//! A loaded disclosure (one data directory).

use sea_orm::entity::prelude::*;

/// A loaded disclosure (one data directory).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "dataset")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub name: String,
    pub title: String,
    pub document: String,
    pub content_hash: String,
    /// `datapackage.json`'s descriptive fields (everything but `resources`) as a JSON object:
    /// description, fiscal period, years, sources, licences. The export writes them back.
    #[sea_orm(column_type = "Text", default_value = "{}")]
    pub package: String,
    pub version: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
