//! A revenue-source column of a printed row (表4, 表5). Amount in yuan.

table! {
    /// A revenue-source column of a printed row (表4, 表5). Amount in yuan.
    "allocation" {
        pub department_id: i32,
        pub year: i32,
        pub source_id: i32,
        pub row_key: String,
        pub revenue_node_id: i32,
        pub amount: i64,
    }
}
