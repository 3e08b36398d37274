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
        /// The government the department belongs to; null only in a database loaded before
        /// governments were recorded, until its next load.
        #[sea_orm(indexed)]
        pub government_id: Option<i32>,
    }
}
