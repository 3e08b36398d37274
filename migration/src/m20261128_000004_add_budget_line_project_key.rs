//! `budget_line.project_key`: the project a 表5 row is about, which the first schema packed
//! into the label (`"{key}\t{label}"`). Existing rows are unpacked here.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum BudgetLine {
    Table,
    ProjectKey,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.has_column("budget_line", "project_key").await? {
            return Ok(());
        }
        manager
            .alter_table(
                Table::alter()
                    .table(BudgetLine::Table)
                    .add_column(ColumnDef::new(BudgetLine::ProjectKey).string().null())
                    .to_owned(),
            )
            .await?;
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
        manager
            .alter_table(
                Table::alter()
                    .table(BudgetLine::Table)
                    .drop_column(BudgetLine::ProjectKey)
                    .to_owned(),
            )
            .await
    }
}

/// The tab character and the substring search of the backend, in SQL.
fn tab_and_find(manager: &SchemaManager) -> (&'static str, &'static str) {
    match manager.get_database_backend() {
        DbBackend::Postgres => ("chr(9)", "strpos"),
        _ => ("char(9)", "instr"),
    }
}
