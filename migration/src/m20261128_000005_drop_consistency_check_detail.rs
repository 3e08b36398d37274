//! `consistency_check.detail`: created by the first schema, never written (always null) and
//! never read. Dropped; the way down adds it back, empty.

use crate::{add_column, drop_column};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.has_column("consistency_check", "detail").await? {
            drop_column(manager, "consistency_check", "detail").await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut detail = ColumnDef::new(Alias::new("detail"));
        add_column(manager, "consistency_check", detail.string().null()).await?;
        Ok(())
    }
}
