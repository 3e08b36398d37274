//! A body row of a printed table, as printed.

table! {
    /// A body row of a printed table (the table is its `source`), in printed order.
    "printed_row" {
        pub department_id: i32,
        pub year: i32,
        pub source_id: i32,
        /// 1-based, in printed order.
        pub position: i32,
        /// The classification code as printed, run together; null when none is printed.
        pub code: Option<String>,
        pub label: String,
        /// The file the row is printed in (a `sources[].path` of the package).
        pub document: Option<String>,
        /// 1-based page of that file.
        pub page: Option<i32>,
        /// 1-based line on that page.
        pub line: Option<i32>,
    }
}
