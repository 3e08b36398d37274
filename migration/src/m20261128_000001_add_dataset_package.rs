//! `dataset.package`: the descriptive fields of a dataset's `datapackage.json`, so an export can
//! write them back. Databases created by the first migration already have the column (tables
//! are derived from the entities); older ones get it here, empty (`{}`) until the next load.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Dataset {
    Table,
    Package,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.has_column("dataset", "package").await? {
            return Ok(());
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Dataset::Table)
                    .add_column(
                        ColumnDef::new(Dataset::Package)
                            .text()
                            .not_null()
                            .default("{}"),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Dataset::Table)
                    .drop_column(Dataset::Package)
                    .to_owned(),
            )
            .await
    }
}
