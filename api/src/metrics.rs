//! Process counters, served at `/metrics` in the Prometheus text format. The benchmark reads
//! them to report SQL statements per request.

use std::sync::atomic::{AtomicU64, Ordering};

/// Counters since the process started.
#[derive(Default)]
pub struct Metrics {
    /// SQL statements sent to the database (sea-orm's metric callback).
    pub sql_statements: AtomicU64,
    /// GraphQL requests executed (not answered from a cache or with 304).
    pub graphql_executed: AtomicU64,
    /// GraphQL requests answered from the in-process cache.
    pub cache_hits: AtomicU64,
    /// GraphQL requests answered 304 Not Modified.
    pub not_modified: AtomicU64,
}

/// The process's counters.
pub static METRICS: Metrics = Metrics {
    sql_statements: AtomicU64::new(0),
    graphql_executed: AtomicU64::new(0),
    cache_hits: AtomicU64::new(0),
    not_modified: AtomicU64::new(0),
};

impl Metrics {
    /// Counts one event.
    pub fn add(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for (name, help, counter) in [
            (
                "budget_sql_statements_total",
                "SQL statements sent to the database.",
                &self.sql_statements,
            ),
            (
                "budget_graphql_executed_total",
                "GraphQL requests executed.",
                &self.graphql_executed,
            ),
            (
                "budget_graphql_cache_hits_total",
                "GraphQL requests answered from the response cache.",
                &self.cache_hits,
            ),
            (
                "budget_graphql_not_modified_total",
                "GraphQL requests answered 304 Not Modified.",
                &self.not_modified,
            ),
        ] {
            out.push_str(&format!(
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {}\n",
                counter.load(Ordering::Relaxed)
            ));
        }
        out
    }
}
