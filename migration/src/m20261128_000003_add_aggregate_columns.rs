//! What aggregates across departments need, precomputed at load: on `department_year`, the
//! department whose consolidated budget already includes it (`consolidated_into`) and the COFOG
//! function of the unit (`unit_cofog`); and an index for "these nodes in these years".
//! Databases created by the first migration already have the columns (its tables are derived
//! from the entities); older ones get them here, empty until the next load.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum DepartmentYear {
    Table,
    ConsolidatedInto,
    UnitCofog,
}

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
        if !manager
            .has_column("department_year", "consolidated_into")
            .await?
        {
            manager
                .alter_table(
                    Table::alter()
                        .table(DepartmentYear::Table)
                        .add_column(
                            ColumnDef::new(DepartmentYear::ConsolidatedInto)
                                .integer()
                                .null(),
                        )
                        .to_owned(),
                )
                .await?;
        }
        if !manager.has_column("department_year", "unit_cofog").await? {
            manager
                .alter_table(
                    Table::alter()
                        .table(DepartmentYear::Table)
                        .add_column(ColumnDef::new(DepartmentYear::UnitCofog).string().null())
                        .to_owned(),
                )
                .await?;
        }
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
        for column in [DepartmentYear::ConsolidatedInto, DepartmentYear::UnitCofog] {
            manager
                .alter_table(
                    Table::alter()
                        .table(DepartmentYear::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
