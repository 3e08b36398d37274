//! A department's duties for one year.

table! {
    /// A department's duties for one year.
    "department_profile" {
        pub department_id: i32,
        pub year: i32,
        pub duties: Option<String>,
        pub source_id: i32,
    }
}
