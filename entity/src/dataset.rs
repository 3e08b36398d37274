//! A loaded disclosure (one data directory).

table! {
    /// A loaded disclosure (one data directory).
    "dataset" {
        #[sea_orm(unique)]
        pub name: String,
        pub title: String,
        pub document: String,
        pub content_hash: String,
        /// `datapackage.json`'s descriptive fields (everything but `resources`) as a JSON object:
        /// description, fiscal period, years, sources, licences. The export writes them back.
        #[sea_orm(column_type = "Text", default_value = "{}")]
        pub package: String,
        pub version: i64,
        /// The money unit of the dataset's amounts (`datapackage.json` `unit`): `万元` or `元`.
        /// Amounts are stored in 1/10000 of it.
        #[sea_orm(default_value = "万元")]
        pub unit: String,
    }
}

use sea_orm::QuerySelect;
use sea_orm::sea_query::Func;

/// The data version: the highest `version` of any loaded dataset, 0 when none is loaded. Every
/// load raises it, so it keys the API's caches and its in-memory catalogue.
pub async fn data_version<C: ConnectionTrait>(db: &C) -> Result<i64, DbErr> {
    let max: Option<Option<i64>> = Entity::find()
        .select_only()
        .expr(Func::max(Expr::col(Column::Version)))
        .into_tuple()
        .one(db)
        .await?;
    Ok(max.flatten().unwrap_or(0))
}
