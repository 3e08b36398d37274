//! Several governments and disclosures in one database (issue 25): `government`,
//! `department.government_id` (null for departments loaded before, until their next load),
//! `dataset.unit` (the package's money unit, `万元` for every dataset loaded before; their
//! content hashes are cleared so that loading the same files again records the government), and
//! the printed tables as printed: `printed_column`, `printed_row`, `printed_cell`, each indexed
//! for a department-year's tables and for its source (what a reload clears).

use crate::{add_column, drop_column};
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The printed tables, in creation order.
const PRINTED: [&str; 3] = ["printed_column", "printed_row", "printed_cell"];

fn id() -> ColumnDef {
    ColumnDef::new(Alias::new("id"))
        .integer()
        .not_null()
        .auto_increment()
        .primary_key()
        .to_owned()
}

fn int(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
        .integer()
        .not_null()
        .to_owned()
}

fn int_null(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name)).integer().null().to_owned()
}

fn text(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
        .string()
        .not_null()
        .to_owned()
}

fn text_null(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name)).string().null().to_owned()
}

/// A printed table's table: an id, its department-year and source, then `columns`.
fn printed(name: &str, columns: Vec<ColumnDef>) -> TableCreateStatement {
    let mut table = Table::create();
    table.table(Alias::new(name)).if_not_exists();
    for mut column in [id(), int("department_id"), int("year"), int("source_id")]
        .into_iter()
        .chain(columns)
    {
        table.col(&mut column);
    }
    table.to_owned()
}

fn index(table: &str, columns: &[&str]) -> IndexCreateStatement {
    let mut index = Index::create();
    index
        .name(format!("idx_{table}_{}", columns.join("_")))
        .table(Alias::new(table))
        .if_not_exists();
    for column in columns {
        index.col(Alias::new(*column));
    }
    index.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut government = Table::create();
        government.table(Alias::new("government")).if_not_exists();
        for mut column in [
            id(),
            text("code").unique_key().to_owned(),
            text("name"),
            text("name_en"),
            text("level"),
        ] {
            government.col(&mut column);
        }
        manager.create_table(government.to_owned()).await?;
        add_column(manager, "department", &mut int_null("government_id")).await?;
        manager
            .create_index(index("department", &["government_id"]))
            .await?;
        let mut unit = ColumnDef::new(Alias::new("unit"));
        if add_column(manager, "dataset", unit.string().not_null().default("万元")).await? {
            // Datasets loaded before know no government: the same files load again (not
            // `Unchanged`) and so record their departments' government.
            manager
                .get_connection()
                .execute_unprepared("UPDATE dataset SET content_hash = ''")
                .await?;
        }

        let columns = vec![int("position"), text("key"), text("path"), text("unit")];
        let rows = vec![
            int("position"),
            text_null("code"),
            text("label"),
            text_null("document"),
            int_null("page"),
            int_null("line"),
        ];
        let cells = vec![
            int("row_position"),
            int("column_position"),
            ColumnDef::new(Alias::new("value"))
                .big_integer()
                .null()
                .to_owned(),
            text_null("text"),
            int_null("page"),
            int_null("line"),
        ];
        for (table, columns) in PRINTED.into_iter().zip([columns, rows, cells]) {
            manager.create_table(printed(table, columns)).await?;
            manager
                .create_index(index(table, &["department_id", "year"]))
                .await?;
            manager.create_index(index(table, &["source_id"])).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in PRINTED.into_iter().rev().chain(["government"]) {
            manager
                .drop_table(
                    Table::drop()
                        .table(Alias::new(table))
                        .if_exists()
                        .to_owned(),
                )
                .await?;
        }
        manager
            .drop_index(
                Index::drop()
                    .name("idx_department_government_id")
                    .table(Alias::new("department"))
                    .to_owned(),
            )
            .await?;
        drop_column(manager, "department", "government_id").await?;
        drop_column(manager, "dataset", "unit").await
    }
}
