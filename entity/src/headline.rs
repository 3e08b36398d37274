//! A named figure. `amount` in 1/10000 of `unit`; percents in 1/10000 of a percent.

table! {
    /// A named figure. `amount` in 1/10000 of `unit`; percents in 1/10000 of a percent.
    "headline" {
        pub department_id: i32,
        pub year: i32,
        pub position: i32,
        pub key: String,
        pub name: String,
        pub name_en: String,
        pub amount: Option<i64>,
        pub unit: String,
    } ..stated {
        pub also_in: Option<String>,
        pub note: Option<String>,
    }
}
