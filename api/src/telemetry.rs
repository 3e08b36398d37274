//! Logs and traces: `tracing` to stdout, as text (coloured only on a terminal) or as JSON lines
//! (`LOG_FORMAT=json`) that carry the span fields (request id, GraphQL phases). The filter comes
//! from `RUST_LOG`; the default, [`DEFAULT_FILTER`], logs requests but leaves out the per-field
//! GraphQL spans and the SQL statements, which cost time on every request:
//! `RUST_LOG=info,async_graphql::graphql=info,sqlx::query=debug` turns both on.

use std::io::IsTerminal;
use tracing_subscriber::EnvFilter;

/// The log formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line, with the current span and its parents.
    Json,
}

/// The filter when `RUST_LOG` is not set.
pub const DEFAULT_FILTER: &str = "info,async_graphql::graphql=warn";

/// Installs the global subscriber.
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| DEFAULT_FILTER.into());
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    match format {
        LogFormat::Text => builder.with_ansi(std::io::stdout().is_terminal()).init(),
        LogFormat::Json => builder
            .json()
            .with_current_span(true)
            .with_span_list(true)
            .init(),
    }
}
