//! Database migrations: one set that runs on SQLite and PostgreSQL.

pub use sea_orm_migration::prelude::*;

pub mod lock;

mod m20261127_000001_create_budget_schema;
mod m20261128_000001_add_dataset_package;
mod m20261128_000003_add_aggregate_columns;
mod m20261128_000004_add_budget_line_project_key;
mod m20261128_000005_drop_consistency_check_detail;
mod m20261208_000001_add_governments_and_printed_tables;

/// Applies the schema migrations in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261127_000001_create_budget_schema::Migration),
            Box::new(m20261128_000001_add_dataset_package::migration()),
            Box::new(m20261128_000003_add_aggregate_columns::Migration),
            Box::new(m20261128_000004_add_budget_line_project_key::Migration),
            Box::new(m20261128_000005_drop_consistency_check_detail::Migration),
            Box::new(m20261208_000001_add_governments_and_printed_tables::Migration),
        ]
    }
}

/// Adds `column` to `table` unless the table has it already (a database whose first
/// migration created it); true when it was added.
async fn add_column(
    manager: &SchemaManager<'_>,
    table: &str,
    column: &mut ColumnDef,
) -> Result<bool, DbErr> {
    let name = column.get_column_name();
    if manager.has_column(table, &name).await? {
        return Ok(false);
    }
    let alter = Table::alter()
        .table(Alias::new(table))
        .add_column(column)
        .to_owned();
    manager.alter_table(alter).await?;
    Ok(true)
}

/// A migration that only adds a column to a table (unless the table has it already) and
/// drops it on the way down. `name` is the migration's file stem, as `DeriveMigrationName`
/// would give it: `AddColumn::new(file!(), …)`.
struct AddColumn {
    name: &'static str,
    table: &'static str,
    column: fn() -> ColumnDef,
}

impl AddColumn {
    fn new(file: &'static str, table: &'static str, column: fn() -> ColumnDef) -> Self {
        let name = sea_orm_migration::util::get_file_stem(file);
        AddColumn {
            name,
            table,
            column,
        }
    }
}

impl MigrationName for AddColumn {
    fn name(&self) -> &str {
        self.name
    }
}

#[async_trait::async_trait]
impl MigrationTrait for AddColumn {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        add_column(manager, self.table, &mut (self.column)()).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let column = (self.column)().get_column_name();
        drop_column(manager, self.table, &column).await
    }
}

/// Drops `column` of `table`.
async fn drop_column(manager: &SchemaManager<'_>, table: &str, column: &str) -> Result<(), DbErr> {
    let alter = Table::alter()
        .table(Alias::new(table))
        .drop_column(Alias::new(column))
        .to_owned();
    manager.alter_table(alter).await
}
