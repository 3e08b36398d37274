//! End-to-end suite: one binary, a module per area. Runs on SQLite by default and on
//! PostgreSQL when `TEST_DATABASE_URL` points at a server (each test gets its own database).

mod aggregates;
mod api;
mod batching;
mod bulk;
mod clients;
mod common;
mod contract;
mod disclosure;
mod governments;
mod import;
mod loader;
mod operations;
mod schema_sync;
mod serving;
mod tables;
