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
    }
}
