//! The GraphQL schema: one query object per domain, merged into the root.

pub mod accountability;
pub mod budget;
pub mod classification;
pub mod common;
pub mod department;
pub mod figures;
pub mod lines;
pub mod projects;
pub mod reference;
pub mod relay;

use async_graphql::{EmptyMutation, EmptySubscription, MergedObject, Schema, SchemaBuilder};
use sea_orm::DatabaseConnection;

/// The root query.
#[derive(MergedObject, Default)]
pub struct QueryRoot(
    department::DepartmentQuery,
    classification::ClassificationQuery,
    reference::ReferenceQuery,
);

/// The API schema (read-only).
pub type AppSchema = Schema<QueryRoot, EmptyMutation, EmptySubscription>;

/// The schema with its database; the per-request DataLoader is added by the caller
/// ([`crate::loaders::loaders`]).
pub fn builder(
    db: DatabaseConnection,
) -> SchemaBuilder<QueryRoot, EmptyMutation, EmptySubscription> {
    Schema::build(QueryRoot::default(), EmptyMutation, EmptySubscription)
        .register_output_type::<reference::Node>()
        .data(db)
}

/// The schema in SDL, as written to `schema.graphql`.
pub fn sdl() -> String {
    Schema::build(QueryRoot::default(), EmptyMutation, EmptySubscription)
        .register_output_type::<reference::Node>()
        .finish()
        .sdl()
}
