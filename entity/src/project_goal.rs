//! A performance goal of a project budget.

table! {
    /// A performance goal of a project budget.
    "project_goal" {
        #[sea_orm(indexed)]
        pub project_budget_id: i32,
        pub position: i32,
        pub text: String,
        pub source_id: i32,
    }
}
