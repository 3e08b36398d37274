//! Database migrations: one set that runs on SQLite and PostgreSQL.

pub use sea_orm_migration::prelude::*;

mod m20261127_000001_create_budget_schema;
mod m20261128_000001_add_dataset_package;
mod m20261128_000003_add_aggregate_columns;
mod m20261128_000004_add_budget_line_project_key;

/// Applies the schema migrations in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261127_000001_create_budget_schema::Migration),
            Box::new(m20261128_000001_add_dataset_package::Migration),
            Box::new(m20261128_000003_add_aggregate_columns::Migration),
            Box::new(m20261128_000004_add_budget_line_project_key::Migration),
        ]
    }
}
