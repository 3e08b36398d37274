//! `dataset.package`: the descriptive fields of a dataset's `datapackage.json`, so an export can
//! write them back. Databases created by the first migration already have the column (tables
//! are derived from the entities); older ones get it here, empty (`{}`) until the next load.

use crate::AddColumn;
use sea_orm_migration::prelude::*;

pub fn migration() -> AddColumn {
    AddColumn::new(file!(), "dataset", || {
        ColumnDef::new(Alias::new("package"))
            .text()
            .not_null()
            .default("{}")
            .to_owned()
    })
}
