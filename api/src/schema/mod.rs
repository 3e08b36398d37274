//! The GraphQL schema: one query object per domain, merged into the root.

pub mod accountability;
pub mod aggregate;
pub mod budget;
pub mod classification;
pub mod common;
pub mod department;
pub mod figures;
pub mod funding;
pub mod lines;
pub mod projects;
pub mod reference;
pub mod relay;
pub mod rows;
pub mod search;
pub mod tables;

use crate::limits::{Limits, LimitsExtension};
use crate::spec::SpecExtension;
use async_graphql::extensions::apollo_persisted_queries::{
    ApolloPersistedQueries, LruCacheStorage,
};
use async_graphql::{EmptyMutation, EmptySubscription, MergedObject, Schema, SchemaBuilder};
use sea_orm::DatabaseConnection;

/// The root query.
#[derive(MergedObject, Default)]
pub struct QueryRoot(
    department::DepartmentQuery,
    classification::ClassificationQuery,
    reference::ReferenceQuery,
    aggregate::AggregateQuery,
    search::SearchQuery,
);

/// The API schema (read-only).
pub type AppSchema = Schema<QueryRoot, EmptyMutation, EmptySubscription>;

/// Persisted queries remembered per process (automatic persisted queries).
const PERSISTED_QUERIES: usize = 4096;

/// The schema with its database and limits; the per-request loader (with the data version's
/// catalogue) is added by the caller ([`crate::loaders::Loaders`]).
pub fn builder(
    db: DatabaseConnection,
    limits: &Limits,
) -> SchemaBuilder<QueryRoot, EmptyMutation, EmptySubscription> {
    let builder = Schema::build(QueryRoot::default(), EmptyMutation, EmptySubscription)
        .register_output_type::<reference::Node>()
        .limit_depth(limits.depth)
        .limit_complexity(limits.complexity)
        .limit_recursive_depth(limits.recursive_depth)
        .limit_directives(limits.directives)
        .extension(LimitsExtension)
        .extension(SpecExtension::new(*limits))
        .extension(ApolloPersistedQueries::new(LruCacheStorage::new(
            PERSISTED_QUERIES,
        )))
        .data(db);
    // Spans for parse, validation, execution and each field, inside the request's span (which
    // carries the request id); only when the log filter shows them, as they wrap every field.
    if tracing::enabled!(target: "async_graphql::graphql", tracing::Level::INFO) {
        builder.extension(async_graphql::extensions::Tracing)
    } else {
        builder
    }
}

/// The schema in SDL, as written to `schema.graphql`.
pub fn sdl() -> String {
    Schema::build(QueryRoot::default(), EmptyMutation, EmptySubscription)
        .register_output_type::<reference::Node>()
        .finish()
        .sdl_with_options(async_graphql::SDLExportOptions::new().include_specified_by())
}
