//! An annual goal (work goal or overall performance goal).

table! {
    /// An annual goal (work goal or overall performance goal).
    "goal" {
        pub department_id: i32,
        pub year: i32,
        pub kind: crate::GoalKind,
        pub position: i32,
        pub title: Option<String>,
        pub text: String,
        pub source_id: i32,
    }
}
