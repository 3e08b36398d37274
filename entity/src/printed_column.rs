//! A numeric column of a printed table, as printed.

table! {
    /// A numeric column of a printed table (the table is its `source`), left to right.
    "printed_column" {
        pub department_id: i32,
        pub year: i32,
        pub source_id: i32,
        /// 1-based, left to right among the table's numeric columns.
        pub position: i32,
        /// A stable machine key the template gives (`total`, `basic`, …) or `c<position>`.
        pub key: String,
        /// The header texts from the top of the header down to the column, joined by ` / `.
        pub path: String,
        /// `元` or `万元`, as printed for the table: the unit of its cells.
        pub unit: String,
    }
}
