//! API errors. Each carries `extensions.code`; internal causes are logged, never sent.

use async_graphql::{ErrorExtensions, ServerError};
use std::sync::Arc;

/// An error a resolver can return. It deliberately has no `Display`: it reaches clients only
/// through `From<ApiError> for async_graphql::Error`, which sets `extensions.code`.
#[derive(Debug)]
pub enum ApiError {
    /// The input is invalid (bad id, page too large, …).
    BadUserInput(String),
    /// The answer would be too large (too many rows read, or too many bytes).
    TooLarge(String),
    /// The database cannot be reached right now (down, restarting, pool exhausted): retry later.
    Unavailable(Arc<sea_orm::DbErr>),
    /// The database or the server failed; details are in the server log only.
    Internal(Arc<sea_orm::DbErr>),
}

impl ApiError {
    /// The message a client sees.
    pub fn message(&self) -> &str {
        match self {
            ApiError::BadUserInput(message) | ApiError::TooLarge(message) => message,
            ApiError::Unavailable(_) => "the database is unavailable; retry later",
            ApiError::Internal(_) => "internal error",
        }
    }

    /// The `extensions.code` a client sees.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::BadUserInput(_) => "BAD_USER_INPUT",
            ApiError::TooLarge(_) => "RESPONSE_TOO_LARGE",
            ApiError::Unavailable(_) => "SERVICE_UNAVAILABLE",
            ApiError::Internal(_) => "INTERNAL",
        }
    }
}

impl From<sea_orm::DbErr> for ApiError {
    fn from(error: sea_orm::DbErr) -> Self {
        ApiError::from(Arc::new(error))
    }
}

/// Whether a database error means "cannot reach the database" rather than a failed statement.
fn is_unavailable(error: &sea_orm::DbErr) -> bool {
    use sea_orm::{DbErr, RuntimeErr, sqlx};
    match error {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        DbErr::Query(RuntimeErr::SqlxError(e)) | DbErr::Exec(RuntimeErr::SqlxError(e)) => {
            matches!(
                e.as_ref(),
                sqlx::Error::Io(_)
                    | sqlx::Error::PoolTimedOut
                    | sqlx::Error::PoolClosed
                    | sqlx::Error::Tls(_)
                    | sqlx::Error::Protocol(_)
            ) || matches!(e.as_ref(), sqlx::Error::Database(d) if d.code().is_some_and(|c| c.starts_with("57P") || c.starts_with("08")))
        }
        _ => false,
    }
}

impl From<Arc<sea_orm::DbErr>> for ApiError {
    fn from(error: Arc<sea_orm::DbErr>) -> Self {
        if is_unavailable(&error) {
            tracing::warn!(error = %error, "database unavailable");
            ApiError::Unavailable(error)
        } else {
            tracing::error!(error = %error, "database error");
            ApiError::Internal(error)
        }
    }
}

impl ErrorExtensions for ApiError {
    fn extend(&self) -> async_graphql::Error {
        async_graphql::Error::new(self.message()).extend_with(|_, e| e.set("code", self.code()))
    }
}

impl From<ApiError> for async_graphql::Error {
    fn from(error: ApiError) -> Self {
        error.extend()
    }
}

/// Resolver result.
pub type Result<T, E = ApiError> = std::result::Result<T, E>;

/// A GraphQL error with `extensions.code`.
pub fn coded(message: impl Into<String>, code: &str) -> ServerError {
    let mut error = ServerError::new(message, None);
    ensure_code(&mut error, code);
    error
}

/// Sets `extensions.code` where an error has none.
pub fn ensure_code(error: &mut ServerError, code: &str) {
    let extensions = error.extensions.get_or_insert_with(Default::default);
    if extensions.get("code").is_none() {
        extensions.set("code", code);
    }
}

/// The `extensions.code` of an error, if it has a string one.
pub fn code_of(error: &ServerError) -> Option<&str> {
    match error.extensions.as_ref()?.get("code")? {
        async_graphql::Value::String(code) => Some(code),
        _ => None,
    }
}

/// A refusal outside GraphQL execution (HTTP-level, bulk downloads) in the shape GraphQL errors
/// have: `{"errors":[{"message":…,"extensions":{"code":…}}]}`.
pub fn refusal(
    status: axum::http::StatusCode,
    content_type: &'static str,
    message: &str,
    code: &str,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let body =
        serde_json::json!({ "errors": [{ "message": message, "extensions": { "code": code } }] });
    (
        status,
        [(axum::http::header::CONTENT_TYPE, content_type)],
        body.to_string(),
    )
        .into_response()
}
