//! A printed table row: amounts for a department, year and classification node (or the department total when `node_id` is null). Amounts in 1/10000 of 万元 (yuan).

table! {
    /// A printed table row: amounts for a department, year and classification node (or the department total when `node_id` is null). Amounts in 1/10000 of 万元 (yuan).
    "budget_line" {
        pub department_id: i32,
        pub year: i32,
        pub source_id: i32,
        pub scheme: crate::Scheme,
        pub position: i32,
        #[sea_orm(indexed)]
        pub node_id: Option<i32>,
        /// The project of a 表5 row (`scheme` `PROJECT`); null for every other row.
        pub project_key: Option<String>,
        pub label: String,
        pub total: Option<i64>,
        pub basic: Option<i64>,
        pub project: Option<i64>,
        pub procurement: Option<i64>,
        pub sme_reserved: Option<i64>,
        pub small_micro_reserved: Option<i64>,
        /// The row the API serves for this node: where several tables print the same node, the
        /// one with the most printed columns (表3 over 表7 over 表1), ties to the earliest table.
        pub is_primary: bool,
    }
}
