//! A budget department or one of its units.

table! {
    /// A budget department or one of its units.
    "department" {
        #[sea_orm(unique)]
        pub code: String,
        pub name: String,
        pub name_en: String,
        #[sea_orm(indexed)]
        pub parent_id: Option<i32>,
        pub independent_accounting: Option<bool>,
    }
}
