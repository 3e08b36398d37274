//! A 三公 (three public expenses) item in a year.

table! {
    /// A 三公 (three public expenses) item in a year.
    "three_public" {
        pub department_id: i32,
        pub year: i32,
        pub position: i32,
        pub key: String,
        pub parent_key: Option<String>,
        pub name: String,
        pub name_en: String,
        pub amount: Option<i64>,
    } ..stated {
    }
}
