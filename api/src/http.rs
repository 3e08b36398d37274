//! GraphQL over HTTP: request parsing, content negotiation and status codes as the
//! GraphQL-over-HTTP spec says, HTTP caching (ETag, Cache-Control, 304) and the in-process
//! response cache, and the per-request timeout.

use crate::limits::{Limits, check_text, coded};
use crate::loaders::loaders;
use crate::metrics::{METRICS, Metrics};
use crate::schema::AppSchema;
use async_graphql::{ServerError, Variables};
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use lru::LruCache;
use sea_orm::DatabaseConnection;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The response media types of the spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MediaType {
    /// `application/graphql-response+json`: status codes follow the outcome.
    GraphQLResponse,
    /// `application/json`: 200 for every well-formed GraphQL response (legacy clients).
    Json,
}

impl MediaType {
    fn content_type(self) -> &'static str {
        match self {
            MediaType::GraphQLResponse => "application/graphql-response+json; charset=utf-8",
            MediaType::Json => "application/json; charset=utf-8",
        }
    }

    /// Picks the response type from `Accept`; `None` when nothing acceptable is offered.
    pub fn negotiate(headers: &HeaderMap) -> Option<MediaType> {
        let Some(accept) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
            return Some(MediaType::Json);
        };
        let mut best: Option<(f32, MediaType)> = None;
        for part in accept.split(',') {
            let mut pieces = part.split(';').map(str::trim);
            let media = pieces.next().unwrap_or("").to_ascii_lowercase();
            let q = pieces
                .find_map(|p| p.strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            let kind = match media.as_str() {
                "application/graphql-response+json" => MediaType::GraphQLResponse,
                "application/json" | "application/*" | "*/*" => MediaType::Json,
                _ => continue,
            };
            // Prefer the higher q; on a tie, the spec's own type.
            let better = match best {
                None => q > 0.0,
                Some((bq, bk)) => {
                    q > bq || (q == bq && kind == MediaType::GraphQLResponse && bk != kind)
                }
            };
            if better {
                best = Some((q, kind));
            }
        }
        best.map(|(_, kind)| kind)
    }
}

/// The serving state the handler needs.
#[derive(Clone)]
pub struct GraphQLService {
    pub schema: AppSchema,
    pub db: DatabaseConnection,
    pub limits: Limits,
    pub cache: Arc<ResponseCache>,
    /// Data version: changes on every load (see [`crate::server::watch_data_version`]).
    pub version: Arc<AtomicI64>,
    /// `Cache-Control: max-age` for GET responses, in seconds.
    pub max_age: u64,
}

#[derive(Deserialize, Default)]
struct Params {
    query: Option<String>,
    #[serde(rename = "operationName")]
    operation_name: Option<String>,
    variables: Option<serde_json::Value>,
    extensions: Option<serde_json::Value>,
}

/// GET parameters arrive as strings; `variables` and `extensions` hold JSON.
#[derive(Deserialize, Default)]
struct GetParams {
    query: Option<String>,
    #[serde(rename = "operationName")]
    operation_name: Option<String>,
    variables: Option<String>,
    extensions: Option<String>,
}

/// An HTTP-level refusal, before any GraphQL runs.
fn refuse(status: StatusCode, media: MediaType, message: &str, code: &str) -> Response {
    let body =
        serde_json::json!({ "errors": [{ "message": message, "extensions": { "code": code } }] });
    (
        status,
        [(header::CONTENT_TYPE, media.content_type())],
        body.to_string(),
    )
        .into_response()
}

fn parse_get(query: Option<&str>) -> Result<Params, String> {
    let raw: GetParams = axum::extract::Query::try_from_uri(
        &format!("/?{}", query.unwrap_or(""))
            .parse()
            .map_err(|_| "bad query string".to_owned())?,
    )
    .map(|q| q.0)
    .map_err(|e| format!("bad query string: {e}"))?;
    let json = |text: Option<String>, name: &str| {
        text.filter(|t| !t.is_empty())
            .map(|t| serde_json::from_str(&t).map_err(|e| format!("`{name}` is not JSON: {e}")))
            .transpose()
    };
    Ok(Params {
        query: raw.query,
        operation_name: raw.operation_name,
        variables: json(raw.variables, "variables")?,
        extensions: json(raw.extensions, "extensions")?,
    })
}

fn parse_post(headers: &HeaderMap, body: &Bytes) -> Result<Params, (StatusCode, String)> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if essence != "application/json" {
        return Err((
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "POST requests must be `Content-Type: application/json`".into(),
        ));
    }
    if body.is_empty() {
        return Err((StatusCode::BAD_REQUEST, "the request body is empty".into()));
    }
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|e| {
        (
            StatusCode::BAD_REQUEST,
            format!("the body is not JSON: {e}"),
        )
    })?;
    if value.is_array() {
        return Err((
            StatusCode::BAD_REQUEST,
            "batched requests are not supported: send one operation per request".into(),
        ));
    }
    serde_json::from_value(value).map_err(|e| {
        (
            StatusCode::BAD_REQUEST,
            format!("invalid request parameters: {e}"),
        )
    })
}

impl Params {
    fn into_request(self) -> Result<async_graphql::Request, String> {
        let query = self.query.unwrap_or_default();
        let persisted = self
            .extensions
            .as_ref()
            .is_some_and(|e| e.get("persistedQuery").is_some());
        if query.is_empty() && !persisted {
            return Err("the `query` parameter is missing".into());
        }
        let mut request = async_graphql::Request::new(query);
        if let Some(name) = self.operation_name {
            request = request.operation_name(name);
        }
        match self.variables {
            None | Some(serde_json::Value::Null) => {}
            Some(v @ serde_json::Value::Object(_)) => {
                request = request.variables(Variables::from_json(v))
            }
            Some(_) => return Err("`variables` must be a map".into()),
        }
        match self.extensions {
            None | Some(serde_json::Value::Null) => {}
            Some(serde_json::Value::Object(map)) => {
                for (k, v) in map {
                    let value = async_graphql::Value::from_json(v)
                        .map_err(|e| format!("bad extension `{k}`: {e}"))?;
                    request.extensions.insert(k, value);
                }
            }
            Some(_) => return Err("`extensions` must be a map".into()),
        }
        Ok(request)
    }
}

/// A cached response.
#[derive(Clone)]
pub struct Cached {
    status: StatusCode,
    body: Bytes,
}

/// An in-process LRU of responses keyed by (query, variables, extensions, operation, media
/// type, data version), bounded in entries and in bytes.
pub struct ResponseCache {
    entries: Mutex<(LruCache<[u8; 32], Cached>, usize)>,
    max_bytes: usize,
}

impl ResponseCache {
    /// A cache of at most `entries` responses and `max_bytes` of bodies; `entries == 0` disables it.
    pub fn new(entries: usize, max_bytes: usize) -> ResponseCache {
        let cap = NonZeroUsize::new(entries.max(1)).unwrap_or(NonZeroUsize::MIN);
        ResponseCache {
            entries: Mutex::new((LruCache::new(cap), 0)),
            max_bytes: if entries == 0 { 0 } else { max_bytes },
        }
    }

    fn get(&self, key: &[u8; 32]) -> Option<Cached> {
        if self.max_bytes == 0 {
            return None;
        }
        self.entries.lock().ok()?.0.get(key).cloned()
    }

    fn put(&self, key: [u8; 32], value: Cached) {
        if value.body.len() > self.max_bytes {
            return;
        }
        let Ok(mut guard) = self.entries.lock() else {
            return;
        };
        let (lru, bytes) = &mut *guard;
        *bytes += value.body.len();
        if let Some((_, old)) = lru.push(key, value) {
            *bytes -= old.body.len();
        }
        while *bytes > self.max_bytes {
            match lru.pop_lru() {
                Some((_, old)) => *bytes -= old.body.len(),
                None => break,
            }
        }
    }

    /// Number of cached responses and their total size.
    pub fn usage(&self) -> (usize, usize) {
        self.entries
            .lock()
            .map(|g| (g.0.len(), g.1))
            .unwrap_or((0, 0))
    }

    /// Drops everything (after a data load).
    pub fn clear(&self) {
        if let Ok(mut guard) = self.entries.lock() {
            guard.0.clear();
            guard.1 = 0;
        }
    }
}

fn request_key(params: &Params, media: MediaType, version: i64) -> [u8; 32] {
    let mut hasher = Sha256::new();
    for part in [
        params.query.as_deref().unwrap_or(""),
        params.operation_name.as_deref().unwrap_or(""),
        &params
            .variables
            .as_ref()
            .map(|v| v.to_string())
            .unwrap_or_default(),
        &params
            .extensions
            .as_ref()
            .map(|v| v.to_string())
            .unwrap_or_default(),
    ] {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part.as_bytes());
    }
    hasher.update([media as u8]);
    hasher.update(version.to_le_bytes());
    hasher.finalize().into()
}

fn etag(key: &[u8; 32], version: i64) -> String {
    let hex: String = key[..12].iter().map(|b| format!("{b:02x}")).collect();
    format!("\"v{version}-{hex}\"")
}

/// Whether a response is an error the status code should report.
fn status_of(response: &async_graphql::Response, media: MediaType) -> StatusCode {
    let codes: Vec<&str> = response
        .errors
        .iter()
        .filter_map(|e| e.extensions.as_ref()?.get("code"))
        .filter_map(|v| match v {
            async_graphql::Value::String(s) => Some(s.as_str()),
            _ => None,
        })
        .collect();
    if codes.contains(&"SERVICE_UNAVAILABLE") {
        return StatusCode::SERVICE_UNAVAILABLE;
    }
    let request_error = response.data == async_graphql::Value::Null && !response.errors.is_empty();
    match media {
        MediaType::GraphQLResponse if request_error => StatusCode::BAD_REQUEST,
        _ => StatusCode::OK,
    }
}

impl GraphQLService {
    /// Handles `GET` and `POST /graphql`.
    pub async fn handle(
        &self,
        method: Method,
        headers: HeaderMap,
        query: Option<String>,
        body: Bytes,
    ) -> Response {
        let Some(media) = MediaType::negotiate(&headers) else {
            return refuse(
                StatusCode::NOT_ACCEPTABLE,
                MediaType::Json,
                "Accept must allow application/graphql-response+json or application/json",
                "NOT_ACCEPTABLE",
            );
        };
        let params = if method == Method::GET {
            parse_get(query.as_deref()).map_err(|m| (StatusCode::BAD_REQUEST, m))
        } else {
            parse_post(&headers, &body)
        };
        let params = match params {
            Ok(p) => p,
            Err((status, message)) => return refuse(status, media, &message, "BAD_REQUEST"),
        };
        if let Some(query) = &params.query
            && let Err(error) = check_text(&self.limits, query)
        {
            let code = error
                .extensions
                .as_ref()
                .and_then(|e| e.get("code"))
                .map(|c| c.to_string().trim_matches('"').to_owned())
                .unwrap_or_default();
            return refuse(StatusCode::BAD_REQUEST, media, &error.message, &code);
        }
        let version = self.version.load(Ordering::Relaxed);
        let key = request_key(&params, media, version);
        let tag = etag(&key, version);
        let cacheable = method == Method::GET;
        if cacheable
            && headers
                .get(header::IF_NONE_MATCH)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.split(',').any(|t| t.trim() == tag || t.trim() == "*"))
        {
            return self.finish(
                StatusCode::NOT_MODIFIED,
                media,
                Bytes::new(),
                cacheable.then_some(&tag),
            );
        }
        if let Some(hit) = self.cache.get(&key) {
            Metrics::add(&METRICS.cache_hits);
            return self.finish(hit.status, media, hit.body, cacheable.then_some(&tag));
        }
        let request = match params.into_request() {
            Ok(r) => r,
            Err(message) => return refuse(StatusCode::BAD_REQUEST, media, &message, "BAD_REQUEST"),
        };
        let request = request.data(loaders(self.db.clone()));
        Metrics::add(&METRICS.graphql_executed);
        let timeout = Duration::from_millis(self.limits.timeout_ms);
        let response = match tokio::time::timeout(timeout, self.schema.execute(request)).await {
            Ok(response) => response,
            Err(_) => {
                tracing::warn!(timeout_ms = self.limits.timeout_ms, "request timed out");
                let error: ServerError = coded(
                    format!(
                        "The request took longer than {} ms and was stopped.",
                        self.limits.timeout_ms
                    ),
                    "TIMEOUT",
                );
                return refuse(
                    StatusCode::SERVICE_UNAVAILABLE,
                    media,
                    &error.message,
                    "TIMEOUT",
                );
            }
        };
        let status = status_of(&response, media);
        let cache_it = response.errors.is_empty();
        let mut json = serde_json::to_value(&response).unwrap_or_default();
        // A request error (nothing executed) has no `data` entry at all.
        if response.data == async_graphql::Value::Null
            && !response.errors.is_empty()
            && let Some(object) = json.as_object_mut()
        {
            object.remove("data");
        }
        let body = Bytes::from(serde_json::to_vec(&json).unwrap_or_default());
        if cache_it {
            self.cache.put(
                key,
                Cached {
                    status,
                    body: body.clone(),
                },
            );
        }
        self.finish(status, media, body, (cacheable && cache_it).then_some(&tag))
    }

    fn finish(
        &self,
        status: StatusCode,
        media: MediaType,
        body: Bytes,
        tag: Option<&String>,
    ) -> Response {
        let mut response = Response::builder()
            .status(status)
            .header(header::CONTENT_TYPE, media.content_type())
            .header(header::VARY, "Accept");
        response = match tag {
            Some(tag) => response
                .header(
                    header::ETAG,
                    HeaderValue::from_str(tag).unwrap_or(HeaderValue::from_static("\"\"")),
                )
                .header(
                    header::CACHE_CONTROL,
                    format!("public, max-age={}", self.max_age),
                ),
            None => response.header(header::CACHE_CONTROL, "no-store"),
        };
        response
            .body(Body::from(body))
            .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
    }
}
