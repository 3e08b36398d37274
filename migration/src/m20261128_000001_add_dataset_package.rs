//! `dataset.package`: the descriptive fields of a dataset's `datapackage.json`, so an export can
//! write them back. Databases created by the first migration already have the column (tables
//! are derived from the entities); older ones get it here, empty (`{}`) until the next load.

use crate::{add_column, drop_column};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut package = ColumnDef::new(Alias::new("package"));
        add_column(manager, "dataset", package.text().not_null().default("{}")).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_column(manager, "dataset", "package").await
    }
}
