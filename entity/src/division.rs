//! An internal division of a unit in a year.

table! {
    /// An internal division of a unit in a year.
    "division" {
        pub department_id: i32,
        pub year: i32,
        pub position: i32,
        pub name: String,
        pub name_en: String,
        pub source_id: i32,
    }
}
