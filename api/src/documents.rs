//! Parsed documents reused for repeated query texts. Clients send the same few query texts
//! over and over (with other variables); parsing each once saves the parser and the text
//! checks of [`crate::limits`] on every later request. Validation still runs every time
//! (complexity depends on the variables).

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{ServerResult, Variables};
use lru::LruCache;
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};

/// Documents kept (at most).
const ENTRIES: usize = 512;
/// Longest query text whose document is kept, in bytes: with [`ENTRIES`], what bounds the
/// cache's memory (a document takes a few times its text).
const LONGEST: usize = 8 * 1024;

type Documents = Arc<Mutex<LruCache<String, ExecutableDocument>>>;

/// The schema extension (register it first, so a hit skips the checks that passed before).
pub struct DocumentCache(Documents);

impl Default for DocumentCache {
    fn default() -> Self {
        DocumentCache(Arc::new(Mutex::new(LruCache::new(
            NonZeroUsize::new(ENTRIES).expect("non-zero"),
        ))))
    }
}

impl ExtensionFactory for DocumentCache {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(Reuse(self.0.clone()))
    }
}

struct Reuse(Documents);

#[async_graphql::async_trait::async_trait]
impl Extension for Reuse {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let kept = self
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(query)
            .cloned();
        if let Some(document) = kept {
            return Ok(document);
        }
        // Only documents that passed every parse-time check are kept.
        let document = next.run(ctx, query, variables).await?;
        if query.len() <= LONGEST {
            self.0
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .put(query.to_owned(), document.clone());
        }
        Ok(document)
    }
}
