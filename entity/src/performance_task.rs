//! A 年度主要任务 row of 表12.

table! {
    /// A 年度主要任务 row of 表12.
    "performance_task" {
        pub department_id: i32,
        pub year: i32,
        pub position: i32,
        pub kind: crate::TaskKind,
        pub name: String,
        pub project_id: Option<i32>,
        pub content: Option<String>,
        pub total: Option<i64>,
        pub fiscal: Option<i64>,
        pub other: Option<i64>,
        pub source_id: i32,
    }
}
