//! Server configuration: flags or environment variables.

use crate::limits::Limits;
use crate::ratelimit::TrustedProxies;
use crate::telemetry::LogFormat;
use clap::{CommandFactory, FromArgMatches, Parser};
use std::time::Duration;

/// Open budget data API: GraphQL over government budget disclosures.
#[derive(Parser, Debug, Clone)]
#[command(version)]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "HOST", default_value = "127.0.0.1")]
    pub host: String,
    /// Port to listen on (0 picks a free one).
    #[arg(long, env = "PORT", default_value_t = 8000)]
    pub port: u16,
    /// Database: `sqlite://FILE?mode=rwc` (default, created on first run) or `postgres://…`.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://budget.sqlite?mode=rwc"
    )]
    pub database_url: String,
    /// Largest database pool.
    #[arg(long, env = "DB_MAX_CONNECTIONS", default_value_t = 16)]
    pub db_max_connections: u32,
    /// How long a request waits for a database connection, in milliseconds (keep it below
    /// the request timeout so a down database fails fast).
    #[arg(long, env = "DB_ACQUIRE_TIMEOUT_MS", default_value_t = 2_000)]
    pub db_acquire_timeout_ms: u64,
    /// Longest a request may run, in milliseconds.
    #[arg(long, env = "REQUEST_TIMEOUT_MS", default_value_t = 10_000)]
    pub request_timeout_ms: u64,
    /// Deepest field nesting of a query.
    #[arg(long, env = "MAX_DEPTH", default_value_t = 16)]
    pub max_depth: usize,
    /// Largest query complexity (list fields count once per item of their page).
    #[arg(long, env = "MAX_COMPLEXITY", default_value_t = 2_000)]
    pub max_complexity: usize,
    /// Deepest selection nesting, checked on the text before parsing.
    #[arg(long, env = "MAX_RECURSIVE_DEPTH", default_value_t = 32)]
    pub max_recursive_depth: usize,
    /// Most directives on one field.
    #[arg(long, env = "MAX_DIRECTIVES", default_value_t = 4)]
    pub max_directives: usize,
    /// Most aliases in a query.
    #[arg(long, env = "MAX_ALIASES", default_value_t = 100)]
    pub max_aliases: usize,
    /// Most field selections in a query.
    #[arg(long, env = "MAX_FIELDS", default_value_t = 500)]
    pub max_fields: usize,
    /// Longest query text, in bytes.
    #[arg(long, env = "MAX_QUERY_BYTES", default_value_t = 32 * 1024)]
    pub max_query_bytes: usize,
    /// Largest request body, in bytes (larger: 413).
    #[arg(long, env = "MAX_BODY_BYTES", default_value_t = 1024 * 1024)]
    pub max_body_bytes: usize,
    /// Responses kept in the in-process cache (0 disables it).
    #[arg(long, env = "CACHE_ENTRIES", default_value_t = 10_000)]
    pub cache_entries: usize,
    /// Bytes of responses kept in the in-process cache (part of the server's memory budget:
    /// see the README's "Memory").
    #[arg(long, env = "CACHE_BYTES", default_value_t = 32 * 1024 * 1024)]
    pub cache_bytes: usize,
    /// `Cache-Control: max-age` of GET responses, in seconds.
    #[arg(long, env = "CACHE_MAX_AGE", default_value_t = 60)]
    pub cache_max_age: u64,
    /// How often the data version is re-read from the database, in milliseconds.
    #[arg(long, env = "DATA_VERSION_POLL_MS", default_value_t = 2_000)]
    pub data_version_poll_ms: u64,
    /// Allowed CORS origins, comma-separated; `*` (the default) allows any origin.
    #[arg(long, env = "CORS_ORIGINS", default_value = "*")]
    pub cors_origins: String,
    /// Log format: `text` (coloured on a terminal) or `json` (one object per line, with spans).
    #[arg(long, env = "LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
    /// Complexity points each client may spend per minute, refilled continuously (0: no limit).
    /// A request spends its complexity; a cache hit or 304 spends 1.
    #[arg(long, env = "RATE_LIMIT_POINTS_PER_MINUTE", default_value_t = 60_000)]
    pub rate_limit_points_per_minute: u64,
    /// Most clients whose rate-limit state is kept (the least recent are forgotten first).
    #[arg(long, env = "RATE_LIMIT_MAX_CLIENTS", default_value_t = 100_000)]
    pub rate_limit_max_clients: usize,
    /// Proxies (addresses or CIDR ranges, comma-separated) whose `Forwarded` /
    /// `X-Forwarded-For` headers name the client; from anyone else they are ignored.
    #[arg(long, env = "TRUSTED_PROXIES", default_value = "")]
    pub trusted_proxies: TrustedProxies,
    /// Largest dataset (in department-years) whose data package `/data` builds on line; a
    /// package is built in memory (about 1.7 MB of files per 100 department-years of the
    /// synthetic shape, and a few times that while it is built).
    /// Larger datasets are listed without a package (the flat table still streams).
    #[arg(long, env = "BULK_MAX_DEPARTMENT_YEARS", default_value_t = 500)]
    pub bulk_max_department_years: u64,
    /// Memory the aggregates may keep for the served lines of the current data version, in MiB
    /// (one slice per scheme and year; about 40 bytes a line, so 6 MB for a year of 2,000
    /// departments' functional trees). Slices beyond it are read again when asked for.
    #[arg(long, env = "AGGREGATE_CACHE_MB", default_value_t = 64)]
    pub aggregate_cache_mb: usize,
    /// Largest response body, in bytes; a larger answer is replaced by the error
    /// `RESPONSE_TOO_LARGE` (ask for fewer fields or smaller pages).
    #[arg(long, env = "MAX_RESPONSE_BYTES", default_value_t = 4 * 1024 * 1024)]
    pub max_response_bytes: usize,
    /// Most rows one request may read from the database (budget lines, figures, projects, …);
    /// more is `RESPONSE_TOO_LARGE`. Reads stop at the limit, so it bounds the rows a request
    /// holds. The canonical queries read under 100 on 2,000 × 10; ten years of a department's
    /// three trees are about 1,300.
    #[arg(long, env = "MAX_ROWS_PER_REQUEST", default_value_t = 2_000)]
    pub max_rows_per_request: usize,
    /// Most GraphQL requests executing at once; more wait (within `REQUEST_TIMEOUT_MS`). With
    /// the complexity and response limits, this bounds the memory requests can hold at once.
    #[arg(long, env = "MAX_CONCURRENT_EXECUTIONS", default_value_t = 8)]
    pub max_concurrent_executions: usize,
    /// Never write to the database: no migrations, no seeding; wait (`/readyz` 503) until the
    /// schema and a dataset are there. Detected without it on a PostgreSQL hot standby or a
    /// read-only default transaction. For instances on a read replica.
    #[arg(long, env = "READ_ONLY")]
    pub read_only: bool,
    /// On SIGTERM (or Ctrl-C), how long `/readyz` answers 503 while requests are still served,
    /// so a load balancer stops sending before the server stops accepting, in milliseconds.
    /// Set it above the balancer's health-check interval × failures to mark an instance down.
    #[arg(long, env = "SHUTDOWN_GRACE_MS", default_value_t = 0)]
    pub shutdown_grace_ms: u64,
    /// Print the GraphQL schema (SDL) and exit.
    #[arg(long)]
    pub print_schema: bool,
}

impl Config {
    pub fn db_acquire_timeout(&self) -> Duration {
        Duration::from_millis(self.db_acquire_timeout_ms)
    }

    pub fn limits(&self) -> Limits {
        Limits {
            depth: self.max_depth,
            complexity: self.max_complexity,
            recursive_depth: self.max_recursive_depth,
            directives: self.max_directives,
            aliases: self.max_aliases,
            fields: self.max_fields,
            query_bytes: self.max_query_bytes,
            body_bytes: self.max_body_bytes,
            timeout_ms: self.request_timeout_ms,
            aggregate_cache_bytes: self.aggregate_cache_mb << 20,
            response_bytes: self.max_response_bytes,
            rows: self.max_rows_per_request,
            executions: self.max_concurrent_executions.max(1),
        }
    }

    /// Defaults, as `cargo run -p api` with no flags and no environment (for tests and
    /// embedding): a plain value, so an ambient `MAX_DEPTH` or `PORT` cannot change it.
    pub fn defaults() -> Config {
        let matches = Self::without_environment().get_matches_from(["api"]);
        Config::from_arg_matches(&matches).expect("the defaults parse")
    }

    /// The command line with every environment variable fallback removed.
    fn without_environment() -> clap::Command {
        Config::command().mut_args(|arg| arg.env(None))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_read_no_environment() {
        assert!(
            Config::command()
                .get_arguments()
                .any(|a| a.get_env().is_some())
        );
        assert!(
            Config::without_environment()
                .get_arguments()
                .all(|a| a.get_env().is_none())
        );
        // The documented defaults, whatever the environment says.
        assert_eq!(Config::defaults().port, 8000);
        assert_eq!(Config::defaults().host, "127.0.0.1");
    }
}
