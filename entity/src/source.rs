//! Where figures come from: a numbered table or a narrative part of a document.

table! {
    /// Where figures come from: a numbered table or a narrative part of a document.
    "source" {
        pub dataset_id: i32,
        pub key: String,
        pub table_number: Option<i32>,
        pub title: String,
        pub section: Option<String>,
        pub empty: bool,
    }
}
