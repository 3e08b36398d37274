//! A (department, year) that a dataset has figures for.

table! {
    /// A (department, year) that a dataset has figures for: what `department.budget(year:)` and
    /// `department.budgets` list.
    "department_year" {
        pub dataset_id: i32,
        pub department_id: i32,
        pub year: i32,
        /// The department whose consolidated budget for this year already includes this one (its
        /// parent, when this unit is not independently accounted and the parent has a budget that
        /// year); sums leave this department-year out when that department is included.
        pub consolidated_into: Option<i32>,
        /// COFOG code of the function of this unit this year (its largest functional 款 that is
        /// not a staff line); places its staff lines (see `seed::cofog`).
        pub unit_cofog: Option<String>,
    }
}
