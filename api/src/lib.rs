//! Open budget data API: a read-only GraphQL service over government budget disclosures.
#![recursion_limit = "1024"]

pub mod aggregate;
pub mod assets;
pub mod bulk;
pub mod catalog;
pub mod config;
pub mod documents;
pub mod error;
pub mod http;
pub mod limits;
pub mod loaders;
pub mod metrics;
pub mod playground;
pub mod ratelimit;
pub mod schema;
pub mod search;
pub mod server;
pub mod spec;
pub mod startup;
pub mod telemetry;
