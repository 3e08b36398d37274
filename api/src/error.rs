//! API errors. Each carries `extensions.code`; internal causes are logged, never sent.

use async_graphql::ErrorExtensions;
use std::sync::Arc;

/// An error a resolver can return. It deliberately has no `Display`: it reaches clients only
/// through `From<ApiError> for async_graphql::Error`, which sets `extensions.code`.
#[derive(Debug)]
pub enum ApiError {
    /// The input is invalid (bad id, page too large, …).
    BadUserInput(String),
    /// Something the client named does not exist, where `null` would be ambiguous.
    NotFound(String),
    /// The database or the server failed; details are in the server log only.
    Internal(Arc<sea_orm::DbErr>),
}

impl ApiError {
    /// The message a client sees.
    pub fn message(&self) -> &str {
        match self {
            ApiError::BadUserInput(message) | ApiError::NotFound(message) => message,
            ApiError::Internal(_) => "internal error",
        }
    }

    /// The `extensions.code` a client sees.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::BadUserInput(_) => "BAD_USER_INPUT",
            ApiError::NotFound(_) => "NOT_FOUND",
            ApiError::Internal(_) => "INTERNAL",
        }
    }
}

impl From<sea_orm::DbErr> for ApiError {
    fn from(error: sea_orm::DbErr) -> Self {
        ApiError::from(Arc::new(error))
    }
}

impl From<Arc<sea_orm::DbErr>> for ApiError {
    fn from(error: Arc<sea_orm::DbErr>) -> Self {
        tracing::error!(error = %error, "database error");
        ApiError::Internal(error)
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
