//! A project's budget in one department-year.

table! {
    /// A project's budget in one department-year.
    "project_budget" {
        #[sea_orm(indexed)]
        pub project_id: i32,
        pub department_id: i32,
        pub year: i32,
        pub position: i32,
        pub label: Option<String>,
        pub amount: Option<i64>,
    } ..stated {
        pub purpose: Option<String>,
        pub reason: Option<String>,
        pub goal_source_id: Option<i32>,
        pub note: Option<String>,
    }
}
