//! What aggregates across departments need, precomputed at load: on `department_year`, the
//! department whose consolidated budget already includes it (`consolidated_into`) and the COFOG
//! function of the unit (`unit_cofog`); and an index for "these nodes in these years".
//! Databases created by the first migration already have the columns (its tables are derived
//! from the entities); older ones get them here, empty until the next load.

use crate::{add_column, drop_column};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum BudgetLine {
    Table,
    NodeId,
    Year,
}

const INDEX: &str = "idx_budget_line_node_id_year";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut consolidated_into = ColumnDef::new(Alias::new("consolidated_into"));
        add_column(
            manager,
            "department_year",
            consolidated_into.integer().null(),
        )
        .await?;
        let mut unit_cofog = ColumnDef::new(Alias::new("unit_cofog"));
        add_column(manager, "department_year", unit_cofog.string().null()).await?;
        manager
            .create_index(
                Index::create()
                    .name(INDEX)
                    .table(BudgetLine::Table)
                    .col(BudgetLine::NodeId)
                    .col(BudgetLine::Year)
                    .if_not_exists()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name(INDEX)
                    .table(BudgetLine::Table)
                    .to_owned(),
            )
            .await?;
        for column in ["consolidated_into", "unit_cofog"] {
            drop_column(manager, "department_year", column).await?;
        }
        Ok(())
    }
}
