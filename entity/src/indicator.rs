//! A performance indicator of 表12, with a parsed form where the target allows.

table! {
    /// A performance indicator of 表12, with a parsed form where the target allows.
    "indicator" {
        pub department_id: i32,
        pub year: i32,
        pub position: i32,
        pub category: String,
        pub subcategory: String,
        pub name: String,
        pub target: String,
        pub comparator: Option<crate::Comparator>,
        pub value: Option<i64>,
        pub value_unit: Option<String>,
        pub source_id: i32,
    }
}
