//! The initial schema: the tables, the indexes on their `indexed` columns, and the composite
//! indexes the API and loader look up by. Frozen as plain DDL (see the `.sql` files).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The tables and indexes as the entities defined them when this migration landed, written out
/// per backend so that a later change to an entity cannot change what this migration creates.
const SQLITE: &str = include_str!("m20261127_000001_create_budget_schema/sqlite.sql");
const POSTGRES: &str = include_str!("m20261127_000001_create_budget_schema/postgres.sql");

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let ddl = match manager.get_database_backend() {
            DbBackend::Sqlite => SQLITE,
            DbBackend::Postgres => POSTGRES,
            other => return Err(DbErr::Migration(format!("no schema for {other:?}"))),
        };
        let connection = manager.get_connection();
        for statement in ddl.lines().filter(|line| !line.starts_with("--")) {
            connection.execute_unprepared(statement).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "consistency_check",
            "note",
            "glossary_term",
            "goal",
            "indicator",
            "performance_task",
            "three_public",
            "project_goal",
            "subproject",
            "project_budget",
            "project",
            "headline",
            "allocation",
            "budget_line",
            "classification_node",
            "division",
            "staffing",
            "department_profile",
            "department_year",
            "department",
            "source",
            "fiscal_year",
            "dataset",
        ] {
            manager
                .drop_table(
                    Table::drop()
                        .table(Alias::new(table))
                        .if_exists()
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
