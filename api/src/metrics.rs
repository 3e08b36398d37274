//! Metrics in the Prometheus text format at `/metrics`, through the `metrics` facade and
//! `metrics-exporter-prometheus`. Label sets are bounded: operation names are the canonical
//! queries', the first [`MAX_OPERATIONS`] other names clients send, then `other`; anonymous
//! operations are `anonymous`; codes are the server's own. The benchmark reads
//! `budget_sql_statements_total` and `budget_graphql_executed_total`.

use metrics::{counter, describe_counter, describe_gauge, describe_histogram, gauge, histogram};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use sea_orm::{DatabaseConnection, DbBackend};
use std::collections::HashSet;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

/// Distinct operation names (beyond the canonical ones) that get a label of their own.
pub const MAX_OPERATIONS: usize = 100;

/// Histogram buckets, in seconds.
const BUCKETS: &[f64] = &[
    0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// The process-wide recorder (installed on first use).
pub fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let builder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), BUCKETS)
            .expect("buckets are not empty");
        let recorder = builder.build_recorder();
        let handle = recorder.handle();
        if metrics::set_global_recorder(recorder).is_err() {
            tracing::warn!("a metrics recorder was already installed; /metrics may be empty");
        }
        describe();
        handle
    })
}

fn describe() {
    describe_histogram!(
        "budget_graphql_request_duration_seconds",
        metrics::Unit::Seconds,
        "GraphQL requests by operation name and outcome (ok, error, request_error, cache_hit, not_modified, rate_limited, timeout)."
    );
    describe_counter!(
        "budget_graphql_errors_total",
        "GraphQL errors sent, by extensions.code and operation name."
    );
    describe_counter!(
        "budget_graphql_executed_total",
        "GraphQL requests executed (not answered from the cache, with 304 or refused)."
    );
    describe_counter!(
        "budget_sql_statements_total",
        "SQL statements sent to the database."
    );
    describe_counter!(
        "budget_sql_statement_errors_total",
        "SQL statements that failed."
    );
    describe_histogram!(
        "budget_sql_statement_duration_seconds",
        metrics::Unit::Seconds,
        "Time of each SQL statement."
    );
    describe_gauge!(
        "budget_db_pool_connections",
        "Database pool connections by state (idle, in_use) and the pool's max."
    );
    describe_counter!(
        "budget_response_cache_hits_total",
        "GraphQL requests answered from the response cache."
    );
    describe_counter!(
        "budget_response_cache_misses_total",
        "GraphQL requests the response cache could not answer."
    );
    describe_gauge!(
        "budget_response_cache_entries",
        "Responses in the response cache."
    );
    describe_gauge!(
        "budget_response_cache_bytes",
        "Bytes of responses in the response cache."
    );
    describe_counter!(
        "budget_rate_limited_total",
        "Requests refused with 429 because the client's budget was spent."
    );
    describe_gauge!(
        "budget_rate_limit_clients",
        "Clients whose rate-limit state is remembered (bounded by RATE_LIMIT_MAX_CLIENTS)."
    );
    describe_gauge!(
        "budget_data_version",
        "Version of the loaded data (changes on every load)."
    );
    describe_gauge!(
        "budget_build_info",
        "Always 1; labels name the build (crate version)."
    );
}

/// Maps client-sent operation names onto a bounded label set.
pub struct OperationNames {
    seen: Mutex<HashSet<String>>,
    cap: usize,
}

impl OperationNames {
    /// Starts with the canonical operations.
    pub fn new(canonical: &[&str]) -> OperationNames {
        OperationNames {
            seen: Mutex::new(canonical.iter().map(|s| s.to_string()).collect()),
            cap: canonical.len() + MAX_OPERATIONS,
        }
    }

    /// The label for an operation name.
    pub fn label(&self, name: Option<&str>) -> String {
        let Some(name) = name.filter(|n| !n.is_empty()) else {
            return "anonymous".into();
        };
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        if seen.contains(name) {
            return name.to_owned();
        }
        let valid =
            name.len() <= 64 && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        if valid && seen.len() < self.cap {
            seen.insert(name.to_owned());
            name.to_owned()
        } else {
            "other".into()
        }
    }
}

/// Records one GraphQL request.
pub fn request(operation: &str, outcome: &'static str, elapsed: Duration) {
    histogram!(
        "budget_graphql_request_duration_seconds",
        "operation" => operation.to_owned(),
        "outcome" => outcome
    )
    .record(elapsed.as_secs_f64());
}

/// Records one error sent.
pub fn error(operation: &str, code: &str) {
    counter!(
        "budget_graphql_errors_total",
        "operation" => operation.to_owned(),
        "code" => code.to_owned()
    )
    .increment(1);
}

/// Counts an event with no labels.
pub fn count(name: &'static str) {
    counter!(name).increment(1);
}

/// Records one SQL statement (sea-orm's metric callback).
pub fn statement(info: &sea_orm::metric::Info<'_>) {
    counter!("budget_sql_statements_total").increment(1);
    if info.failed {
        counter!("budget_sql_statement_errors_total").increment(1);
    }
    histogram!("budget_sql_statement_duration_seconds").record(info.elapsed.as_secs_f64());
}

/// What `/metrics` shows beyond the counters: gauges read at scrape time.
pub struct Gauges<'a> {
    pub db: &'a DatabaseConnection,
    pub cache: (usize, usize),
    pub rate_limit_clients: usize,
    pub data_version: i64,
}

/// The exposition, with the gauges read now.
pub fn render(gauges: Gauges<'_>) -> String {
    let handle = handle();
    let (size, idle, max) = match gauges.db.get_database_backend() {
        DbBackend::Postgres => {
            let pool = gauges.db.get_postgres_connection_pool();
            (
                pool.size(),
                pool.num_idle(),
                pool.options().get_max_connections(),
            )
        }
        DbBackend::Sqlite => {
            let pool = gauges.db.get_sqlite_connection_pool();
            (
                pool.size(),
                pool.num_idle(),
                pool.options().get_max_connections(),
            )
        }
        _ => (0, 0, 0),
    };
    let idle = idle as f64;
    gauge!("budget_db_pool_connections", "state" => "idle").set(idle);
    gauge!("budget_db_pool_connections", "state" => "in_use").set(f64::from(size) - idle);
    gauge!("budget_db_pool_connections", "state" => "max").set(f64::from(max));
    gauge!("budget_response_cache_entries").set(gauges.cache.0 as f64);
    gauge!("budget_response_cache_bytes").set(gauges.cache.1 as f64);
    gauge!("budget_rate_limit_clients").set(gauges.rate_limit_clients as f64);
    gauge!("budget_data_version").set(gauges.data_version as f64);
    gauge!("budget_build_info", "version" => env!("CARGO_PKG_VERSION")).set(1.0);
    handle.run_upkeep();
    handle.render()
}
