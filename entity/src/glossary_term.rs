//! A glossary (名词解释) term.

table! {
    /// A glossary (名词解释) term.
    "glossary_term" {
        pub dataset_id: i32,
        pub position: i32,
        pub term: String,
        pub term_en: String,
        pub definition: String,
        pub source_id: i32,
    }
}
