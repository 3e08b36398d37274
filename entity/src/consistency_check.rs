//! An identity the disclosure should satisfy, computed at load. Amounts in 1/10000 of 万元.

table! {
    /// An identity the disclosure should satisfy, computed at load. Amounts in 1/10000 of 万元.
    "consistency_check" {
        pub dataset_id: i32,
        pub department_id: i32,
        pub year: i32,
        pub position: i32,
        pub key: String,
        pub name: String,
        pub expected: i64,
        pub actual: i64,
        pub difference: i64,
        pub status: crate::CheckStatus,
    }
}
