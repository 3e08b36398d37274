//! A numeric cell of a printed table, as printed.

table! {
    /// A numeric cell of a printed table: the printed row `row_position` and column
    /// `column_position` of its `source`. `value` in 1/10000 of the column's unit; null for a
    /// blank cell (a printed zero is 0).
    "printed_cell" {
        pub department_id: i32,
        pub year: i32,
        pub source_id: i32,
        pub row_position: i32,
        pub column_position: i32,
        pub value: Option<i64>,
        /// Exactly as printed (`21,940.96`); null when blank.
        pub text: Option<String>,
        pub page: Option<i32>,
        pub line: Option<i32>,
    }
}
