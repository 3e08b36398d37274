//! A statement of the disclosure that carries no figure table.

table! {
    /// A statement of the disclosure that carries no figure table.
    "note" {
        pub department_id: i32,
        pub year: i32,
        pub position: i32,
        pub text: String,
        pub source_id: i32,
    }
}
