//! Abuse limits for a public endpoint. async-graphql enforces depth, complexity, recursion and
//! directives once configured; this module adds what it lacks (query text size and brace
//! nesting checked before parsing, a cap on fields and aliases) and gives every refusal an
//! `extensions.code`.

use crate::error::{coded, ensure_code};
use crate::ratelimit::RateTicket;
use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextValidation};
use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{Positioned, ServerError, ServerResult, ValidationResult};
use std::sync::Arc;

/// Every limit, with defaults sized for the canonical queries and the standard introspection
/// query (which GraphiQL and code generators send).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Deepest field nesting.
    pub depth: usize,
    /// Largest complexity; list fields count once per item of their page.
    pub complexity: usize,
    /// Deepest selection-set nesting, checked on the raw text before parsing as well.
    pub recursive_depth: usize,
    /// Most directives on one field.
    pub directives: usize,
    /// Most aliased fields in a document.
    pub aliases: usize,
    /// Most field selections in a document (fragments included).
    pub fields: usize,
    /// Longest query text, in bytes.
    pub query_bytes: usize,
    /// Largest request body, in bytes (larger bodies get 413).
    pub body_bytes: usize,
    /// Longest time a request may run, in milliseconds.
    pub timeout_ms: u64,
    /// Memory the aggregates' line slices may hold, in bytes.
    pub aggregate_cache_bytes: usize,
    /// Largest response body, in bytes.
    pub response_bytes: usize,
    /// Most rows a request may read.
    pub rows: usize,
    /// Most requests executing at once.
    pub executions: usize,
}

/// The deepest `{` nesting of a query text (strings, block strings and comments skipped):
/// refuses pathological nesting before the parser recurses into it.
pub fn brace_depth(query: &str) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    let mut chars = query.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '#' => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            '"' => {
                let mut escaped = false;
                for c in chars.by_ref() {
                    match (escaped, c) {
                        (true, _) => escaped = false,
                        (false, '\\') => escaped = true,
                        (false, '"') => break,
                        _ => {}
                    }
                }
            }
            '{' => {
                depth += 1;
                max = max.max(depth);
            }
            '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

/// Refuses with `code` when `count` is over `limit`; `what` is what the query does
/// (`has 3 aliases`).
fn at_most(count: usize, limit: usize, what: &str, code: &str) -> Result<(), ServerError> {
    if count > limit {
        return Err(coded(
            format!("The query {what}; at most {limit} are allowed."),
            code,
        ));
    }
    Ok(())
}

/// Checks a query text before it is parsed.
pub fn check_text(limits: &Limits, query: &str) -> Result<(), ServerError> {
    let bytes = query.len();
    at_most(
        bytes,
        limits.query_bytes,
        &format!("is {bytes} bytes"),
        "QUERY_TOO_LARGE",
    )?;
    if brace_depth(query) > limits.recursive_depth {
        return Err(coded(
            format!(
                "The query nests deeper than {} levels.",
                limits.recursive_depth
            ),
            "QUERY_TOO_DEEP",
        ));
    }
    Ok(())
}

/// Counts (fields, aliases) in a parsed document.
fn count(doc: &ExecutableDocument) -> (usize, usize) {
    fn walk(set: &Positioned<SelectionSet>, totals: &mut (usize, usize)) {
        for item in &set.node.items {
            match &item.node {
                Selection::Field(field) => {
                    totals.0 += 1;
                    if field.node.alias.is_some() {
                        totals.1 += 1;
                    }
                    walk(&field.node.selection_set, totals);
                }
                Selection::InlineFragment(fragment) => walk(&fragment.node.selection_set, totals),
                Selection::FragmentSpread(_) => {}
            }
        }
    }
    let mut totals = (0, 0);
    for (_, operation) in doc.operations.iter() {
        walk(&operation.node.selection_set, &mut totals);
    }
    for fragment in doc.fragments.values() {
        walk(&fragment.node.selection_set, &mut totals);
    }
    totals
}

/// The extension that codes validation errors (depth, complexity) and spends the rate limit;
/// the parse-time caps are [`parse_within`].
pub struct LimitsExtension;

impl ExtensionFactory for LimitsExtension {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(LimitsChecker)
    }
}

struct LimitsChecker;

/// The code of a refusal by one of async-graphql's own limits (it reports them as plain
/// messages, during parsing or validation).
fn classify(message: &str) -> Option<&'static str> {
    [
        ("nested too deep", "DEPTH_LIMIT_EXCEEDED"),
        ("too complex", "COMPLEXITY_LIMIT_EXCEEDED"),
        ("recursion depth", "QUERY_TOO_DEEP"),
        ("number of directives", "TOO_MANY_DIRECTIVES"),
    ]
    .iter()
    .find(|(text, _)| message.contains(text))
    .map(|(_, code)| *code)
}

fn with_code(mut error: ServerError, code: &str) -> ServerError {
    ensure_code(&mut error, code);
    error
}

/// Parsing within the limits: the text's size and nesting before `parse` (the parser, or the
/// document cache) runs, a parse error coded, then the alias and field caps on the document.
/// Called from the one parse hook of a request, [`crate::spec`]'s.
pub(crate) async fn parse_within(
    limits: &Limits,
    query: &str,
    parse: impl Future<Output = ServerResult<ExecutableDocument>>,
) -> ServerResult<ExecutableDocument> {
    check_text(limits, query)?;
    let doc = parse.await.map_err(|e| {
        let code = classify(&e.message).unwrap_or("GRAPHQL_PARSE_FAILED");
        with_code(e, code)
    })?;
    let (fields, aliases) = count(&doc);
    let has = format!("has {aliases} aliases");
    at_most(aliases, limits.aliases, &has, "TOO_MANY_ALIASES")?;
    let selects = format!("selects {fields} fields");
    at_most(fields, limits.fields, &selects, "TOO_MANY_FIELDS")?;
    Ok(doc)
}

#[async_graphql::async_trait::async_trait]
impl Extension for LimitsChecker {
    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let result = next.run(ctx).await.map_err(|errors| {
            errors
                .into_iter()
                .map(|e| {
                    let code = classify(&e.message).unwrap_or("GRAPHQL_VALIDATION_FAILED");
                    with_code(e, code)
                })
                .collect::<Vec<_>>()
        })?;
        // The query is valid and its cost known: spend it, or stop before anything runs.
        if let Some(ticket) = ctx.data_opt::<Arc<RateTicket>>() {
            let cost = result.complexity.max(1) as u64;
            let quota = ticket.spend(cost);
            if let Some(wait) = quota.retry_after {
                return Err(vec![coded(
                    format!(
                        "Rate limit: this query costs {cost} points and {} of this client's {} \
                         points per minute are left; retry in {wait} s.",
                        quota.remaining, quota.limit
                    ),
                    "RATE_LIMITED",
                )]);
            }
        }
        Ok(result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brace_depth_skips_strings_and_comments() {
        assert_eq!(brace_depth("{ a { b } }"), 2);
        assert_eq!(
            brace_depth(
                r#"{ a(x: "{{{{") # {{{{
          { b } }"#
            ),
            2
        );
        assert_eq!(
            brace_depth(&format!("{}{}", "{a".repeat(10_000), "}".repeat(10_000))),
            10_000
        );
    }
}
