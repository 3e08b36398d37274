//! Establishment and actual staff for a department, year and scope.

table! {
    /// Establishment and actual staff for a department, year and scope.
    "staffing" {
        pub department_id: i32,
        pub year: i32,
        pub scope: crate::Scope,
        pub admin_establishment: Option<i32>,
        pub admin_actual: Option<i32>,
        pub institutional_establishment: Option<i32>,
        pub institutional_actual: Option<i32>,
        pub retired_lixiu: Option<i32>,
        pub retired_tuixiu: Option<i32>,
        pub note: Option<String>,
        pub source_id: i32,
    }
}
