//! A sub-item of a project budget named in the text.

table! {
    /// A sub-item of a project budget named in the text.
    "subproject" {
        #[sea_orm(indexed)]
        pub project_budget_id: i32,
        pub position: i32,
        pub name: String,
        pub name_en: String,
        pub amount: Option<i64>,
        pub source_id: i32,
    }
}
