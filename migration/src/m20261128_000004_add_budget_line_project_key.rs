//! `budget_line.project_key`: the project a 表5 row is about, which the first schema packed
//! into the label (`"{key}\t{label}"`). Existing rows are unpacked here.

use crate::{add_column, drop_column};
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut project_key = ColumnDef::new(Alias::new("project_key"));
        if !add_column(manager, "budget_line", project_key.string().null()).await? {
            return Ok(());
        }
        let (tab, find) = tab_and_find(manager);
        let at = format!("{find}(label, {tab})");
        manager
            .get_connection()
            .execute_unprepared(&format!(
                "UPDATE budget_line SET project_key = substr(label, 1, {at} - 1), \
                 label = substr(label, {at} + 1) WHERE scheme = 'PROJECT' AND {at} > 0"
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(&format!(
                "UPDATE budget_line SET label = project_key || {} || label \
                 WHERE project_key IS NOT NULL",
                tab_and_find(manager).0
            ))
            .await?;
        drop_column(manager, "budget_line", "project_key").await
    }
}

/// The tab character and the substring search of the backend, in SQL.
fn tab_and_find(manager: &SchemaManager) -> (&'static str, &'static str) {
    match manager.get_database_backend() {
        DbBackend::Postgres => ("chr(9)", "strpos"),
        _ => ("char(9)", "instr"),
    }
}
