//! A project, stable across years.

table! {
    /// A project, stable across years.
    "project" {
        #[sea_orm(unique)]
        pub key: String,
        pub name: String,
        pub name_en: String,
    }
}
