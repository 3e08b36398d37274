//! Parsed documents reused for repeated query texts. Clients send the same few query texts
//! over and over (with other variables); parsing each once saves the parser and the text
//! checks that depend only on the text (async-graphql's recursion and directive limits) on every
//! later request. Used by [`crate::spec`]'s parse hook, the innermost: the limits' hook (outside
//! it) and the variable checks still run on every request, and validation too.

use async_graphql::parser::types::ExecutableDocument;
use lru::LruCache;
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};

/// Documents kept (at most).
const ENTRIES: usize = 512;
/// Longest query text whose document is kept, in bytes: with [`ENTRIES`], what bounds the
/// cache's memory (a document takes a few times its text).
const LONGEST: usize = 8 * 1024;

/// The documents of the query texts seen last, shared by all requests.
#[derive(Clone)]
pub struct Documents(Arc<Mutex<LruCache<String, ExecutableDocument>>>);

impl Default for Documents {
    fn default() -> Self {
        Documents(Arc::new(Mutex::new(LruCache::new(
            NonZeroUsize::new(ENTRIES).expect("non-zero"),
        ))))
    }
}

impl Documents {
    /// The document of `query`, if it was kept.
    pub fn get(&self, query: &str) -> Option<ExecutableDocument> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(query)
            .cloned()
    }

    /// Keeps the document of `query` (not for long texts).
    pub fn keep(&self, query: &str, document: &ExecutableDocument) {
        if query.len() <= LONGEST {
            self.0
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .put(query.to_owned(), document.clone());
        }
    }
}
