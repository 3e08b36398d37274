//! Open budget data API: a read-only GraphQL service over government budget disclosures.

pub mod config;
pub mod error;
pub mod loaders;
pub mod schema;
pub mod server;
