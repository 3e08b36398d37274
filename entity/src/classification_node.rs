//! A node of a classification scheme (functional, economic, revenue).

table! {
    /// A node of a classification scheme (functional, economic, revenue).
    "classification_node" {
        pub scheme: crate::Scheme,
        pub code: String,
        #[sea_orm(indexed)]
        pub parent_id: Option<i32>,
        pub level: i32,
        pub name: String,
        pub name_en: String,
    }
}
