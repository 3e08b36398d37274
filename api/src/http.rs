//! GraphQL over HTTP: request parsing, content negotiation and status codes as the
//! GraphQL-over-HTTP spec says, HTTP caching (ETag, Cache-Control, 304) and the in-process
//! response cache, and the per-request timeout.

use crate::catalog::Catalogs;
use crate::error::{code_of, coded, ensure_code, refusal};
use crate::limits::{Limits, check_text};
use crate::loaders::Loaders;
use crate::metrics::{self, OperationNames};
use crate::ratelimit::{RateLimiter, RateTicket, SMALL_COST};
use crate::schema::AppSchema;
use crate::spec::Executed;
use async_graphql::{BatchRequest, ParseRequestError, ServerError, Variables};
use async_graphql_axum::GraphQLBatchRequest;
use axum::body::{Body, Bytes};
use axum::extract::FromRequest;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use lru::LruCache;
use sea_orm::DatabaseConnection;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::net::IpAddr;
use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

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
    /// Per-client budgets; `None` when rate limiting is off.
    pub limiter: Option<Arc<RateLimiter>>,
    /// Bounded labels for operation names in metrics.
    pub operations: Arc<OperationNames>,
    /// The reference data of the current data version, in memory.
    pub catalogs: Arc<Catalogs>,
    /// Permits to execute (`MAX_CONCURRENT_EXECUTIONS`).
    pub executions: Arc<tokio::sync::Semaphore>,
}

/// What happened to a request, for metrics.
struct Outcome {
    operation: Option<String>,
    kind: &'static str,
    codes: Vec<String>,
}

impl Outcome {
    fn refused(&mut self, code: &str) {
        self.kind = "request_error";
        self.codes.push(code.to_owned());
    }
}

/// The name of the first operation of a query text, for metrics when the request names none.
fn first_operation_name(query: &str) -> Option<&str> {
    let rest = query.trim_start();
    let rest = ["query", "mutation", "subscription"]
        .iter()
        .find_map(|kw| rest.strip_prefix(kw))?;
    if !rest.starts_with(|c: char| c.is_whitespace()) {
        return None;
    }
    let rest = rest.trim_start();
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    (end > 0).then(|| &rest[..end])
}

/// GET parameters arrive as strings; `variables` and `extensions` hold JSON.
///
/// GET keeps its own parser: async-graphql's (`async_graphql::http::parse_query_string`, used by
/// async-graphql-axum) reads `operation_name`, where GraphQL over HTTP says `operationName`.
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
    refusal(status, media.content_type(), message, code)
}

fn parse_get(query: Option<&str>) -> Result<async_graphql::Request, String> {
    let raw: GetParams = axum::extract::Query::try_from_uri(
        &format!("/?{}", query.unwrap_or(""))
            .parse()
            .map_err(|_| "bad query string".to_owned())?,
    )
    .map(|q| q.0)
    .map_err(|e| format!("bad query string: {e}"))?;
    let json = |text: Option<String>, name: &str| {
        text.filter(|t| !t.is_empty())
            .map(|t| {
                serde_json::from_str::<serde_json::Value>(&t)
                    .map_err(|e| format!("`{name}` is not JSON: {e}"))
            })
            .transpose()
    };
    let mut request = async_graphql::Request::new(raw.query.unwrap_or_default());
    request.operation_name = raw.operation_name;
    match json(raw.variables, "variables")? {
        None | Some(serde_json::Value::Null) => {}
        Some(v @ serde_json::Value::Object(_)) => request.variables = Variables::from_json(v),
        Some(_) => return Err("`variables` must be a map".into()),
    }
    match json(raw.extensions, "extensions")? {
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

/// async-graphql-axum's extractor reports why a body is not a GraphQL request; the handler
/// turns that into a JSON error with a code (its own rejection answers in plain text).
struct Rejected(ParseRequestError);

impl From<ParseRequestError> for Rejected {
    fn from(error: ParseRequestError) -> Self {
        Rejected(error)
    }
}

impl IntoResponse for Rejected {
    fn into_response(self) -> Response {
        refuse(
            StatusCode::BAD_REQUEST,
            MediaType::Json,
            &rejection_message(&self.0),
            "BAD_REQUEST",
        )
    }
}

fn rejection_message(error: &ParseRequestError) -> String {
    match error {
        ParseRequestError::InvalidRequest(e) => format!("invalid request parameters: {e}"),
        ParseRequestError::Io(e) => format!("the body could not be read: {e}"),
        other => format!("invalid request: {other}"),
    }
}

/// A POST body, read by async-graphql-axum's extractor once the checks it lacks are done:
/// GraphQL over HTTP wants 415 for a body that is not `application/json` (the extractor also
/// takes multipart and CBOR bodies) and we refuse batches.
async fn parse_post(
    parts: axum::http::request::Parts,
    body: Bytes,
) -> Result<async_graphql::Request, (StatusCode, String)> {
    let content_type = parts
        .headers
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
    if body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') {
        return Err((
            StatusCode::BAD_REQUEST,
            "batched requests are not supported: send one operation per request".into(),
        ));
    }
    let request = axum::extract::Request::from_parts(parts, Body::from(body));
    match GraphQLBatchRequest::<Rejected>::from_request(request, &())
        .await
        .map(GraphQLBatchRequest::into_inner)
    {
        Ok(BatchRequest::Single(request)) => Ok(request),
        Ok(BatchRequest::Batch(_)) => Err((
            StatusCode::BAD_REQUEST,
            "batched requests are not supported: send one operation per request".into(),
        )),
        Err(Rejected(error)) => Err((StatusCode::BAD_REQUEST, rejection_message(&error))),
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

    /// Whether the cache keeps anything.
    pub fn enabled(&self) -> bool {
        self.max_bytes > 0
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

fn request_key(request: &async_graphql::Request, media: MediaType, version: i64) -> [u8; 32] {
    // Extensions are a hash map: sort them so that equal requests get equal keys (and ETags).
    let extensions: std::collections::BTreeMap<_, _> = request.extensions.0.iter().collect();
    let mut hasher = Sha256::new();
    for part in [
        request.query.as_str(),
        request.operation_name.as_deref().unwrap_or(""),
        &serde_json::to_string(&request.variables).unwrap_or_default(),
        &serde_json::to_string(&extensions).unwrap_or_default(),
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

/// The status code of a GraphQL response. A request error (nothing executed: parse,
/// validation, variables, persisted-query miss) is 400 under `application/graphql-response+json`;
/// anything that executed is 200, `"data": null` included.
fn status_of(response: &async_graphql::Response, media: MediaType, executed: bool) -> StatusCode {
    let unavailable = response
        .errors
        .iter()
        .any(|e| code_of(e) == Some("SERVICE_UNAVAILABLE"));
    if unavailable {
        return StatusCode::SERVICE_UNAVAILABLE;
    }
    match media {
        MediaType::GraphQLResponse if !executed => StatusCode::BAD_REQUEST,
        _ => StatusCode::OK,
    }
}

/// The body of a response: keys in the order async-graphql built them (selection order), so it
/// is serialized straight from the response, never through a `serde_json::Value` map. A request
/// error has no `data` entry at all.
fn response_body(response: &async_graphql::Response, executed: bool) -> Bytes {
    #[derive(serde::Serialize)]
    struct RequestError<'a> {
        errors: &'a [ServerError],
    }
    let body = if executed {
        serde_json::to_vec(response)
    } else {
        serde_json::to_vec(&RequestError {
            errors: &response.errors,
        })
    };
    // Exactly as long as the body: a cached body then takes what the cache counts (a grown
    // `Vec` can hold up to twice its length).
    Bytes::from(body.unwrap_or_default().into_boxed_slice())
}

impl GraphQLService {
    /// Handles `GET` and `POST /graphql` from `client` (see [`RateLimiter::client`]): rate limit,
    /// then the request, then metrics.
    pub async fn handle(&self, request: axum::extract::Request, client: IpAddr) -> Response {
        let start = Instant::now();
        let ticket = self
            .limiter
            .as_ref()
            .map(|limiter| Arc::new(RateTicket::new(limiter.clone(), client)));
        let mut outcome = Outcome {
            operation: None,
            kind: "request_error",
            codes: Vec::new(),
        };
        let mut response = self.respond(request, ticket.clone(), &mut outcome).await;
        if let Some(ticket) = ticket {
            // Requests refused before validation (and cache hits) spend the small fixed cost.
            let quota = ticket.spend(SMALL_COST);
            if quota.retry_after.is_some() {
                metrics::count("budget_rate_limited_total");
                outcome.kind = "rate_limited";
                outcome.codes = vec!["RATE_LIMITED".into()];
                response = refuse(
                    StatusCode::TOO_MANY_REQUESTS,
                    MediaType::Json,
                    &format!(
                        "Rate limit: this client may spend {} complexity points per minute; \
                         retry in {} s.",
                        quota.limit,
                        quota.retry_after.unwrap_or(1)
                    ),
                    "RATE_LIMITED",
                );
            }
            quota.write_headers(response.headers_mut());
        }
        let operation = self.operations.label(outcome.operation.as_deref());
        metrics::request(&operation, outcome.kind, start.elapsed());
        for code in &outcome.codes {
            metrics::error(&operation, code);
        }
        response
    }

    async fn respond(
        &self,
        request: axum::extract::Request,
        ticket: Option<Arc<RateTicket>>,
        outcome: &mut Outcome,
    ) -> Response {
        let (parts, body) = request.into_parts();
        let Some(media) = MediaType::negotiate(&parts.headers) else {
            outcome.refused("NOT_ACCEPTABLE");
            return refuse(
                StatusCode::NOT_ACCEPTABLE,
                MediaType::Json,
                "Accept must allow application/graphql-response+json or application/json",
                "NOT_ACCEPTABLE",
            );
        };
        let cacheable = parts.method == Method::GET;
        let if_none_match = parts.headers.get(header::IF_NONE_MATCH).cloned();
        let request = if cacheable {
            parse_get(parts.uri.query()).map_err(|m| (StatusCode::BAD_REQUEST, m))
        } else {
            match axum::body::to_bytes(body, self.limits.body_bytes).await {
                Ok(bytes) => parse_post(parts, bytes).await,
                Err(_) => Err((
                    StatusCode::PAYLOAD_TOO_LARGE,
                    format!(
                        "the request body is larger than {} bytes",
                        self.limits.body_bytes
                    ),
                )),
            }
        };
        let request = match request {
            Ok(r) => r,
            Err((status, message)) => {
                let code = if status == StatusCode::PAYLOAD_TOO_LARGE {
                    "PAYLOAD_TOO_LARGE"
                } else {
                    "BAD_REQUEST"
                };
                outcome.refused(code);
                return refuse(status, media, &message, code);
            }
        };
        outcome.operation = request
            .operation_name
            .clone()
            .or_else(|| first_operation_name(&request.query).map(str::to_owned));
        if request.query.is_empty() && !request.extensions.0.contains_key("persistedQuery") {
            outcome.refused("BAD_REQUEST");
            return refuse(
                StatusCode::BAD_REQUEST,
                media,
                "the `query` parameter is missing",
                "BAD_REQUEST",
            );
        }
        if let Err(error) = check_text(&self.limits, &request.query) {
            let code = code_of(&error).unwrap_or_default();
            outcome.refused(code);
            return refuse(StatusCode::BAD_REQUEST, media, &error.message, code);
        }
        let version = self.version.load(Ordering::Relaxed);
        let mut key = request_key(&request, media, version);
        let mut tag = etag(&key, version);
        if cacheable
            && if_none_match
                .as_ref()
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.split(',').any(|t| t.trim() == tag || t.trim() == "*"))
        {
            outcome.kind = "not_modified";
            return self.finish(StatusCode::NOT_MODIFIED, media, Bytes::new(), Some(&tag));
        }
        if let Some(hit) = self.cache.get(&key) {
            metrics::count("budget_response_cache_hits_total");
            outcome.kind = "cache_hit";
            return self.finish(hit.status, media, hit.body, cacheable.then_some(&tag));
        }
        if self.cache.enabled() {
            metrics::count("budget_response_cache_misses_total");
        }
        let executed = Arc::new(Executed::default());
        let timeout = Duration::from_millis(self.limits.timeout_ms);
        let run = async {
            // Waiting for a permit counts toward the timeout.
            let _permit = self.executions.acquire().await;
            // The reference data is read once per data version (by the first request after a
            // load); the timeout covers that read too.
            let catalog = self.catalogs.get(&self.db, version).await?;
            // A load committed since this instance last read the data version: the catalogue
            // is of the newer one (checked against the database after it was read), and so is
            // the answer, its ETag and its cache key.
            let moved = (catalog.version != version).then(|| {
                self.observe_version(catalog.version);
                let key = request_key(&request, media, catalog.version);
                (key, etag(&key, catalog.version))
            });
            let mut request = request
                .data(Loaders::new(self.db.clone(), catalog, self.limits.rows))
                .data(executed.clone());
            if let Some(ticket) = ticket {
                request = request.data(ticket);
            }
            Ok::<_, crate::error::ApiError>((self.schema.execute(request).await, moved))
        };
        let mut response = match tokio::time::timeout(timeout, run).await {
            Ok(Ok((response, moved))) => {
                if let Some(moved) = moved {
                    (key, tag) = moved;
                }
                response
            }
            Ok(Err(error)) => {
                // Logged by the conversion from the database error.
                outcome.kind = "error";
                outcome.codes.push(error.code().into());
                return refuse(
                    StatusCode::SERVICE_UNAVAILABLE,
                    media,
                    "The data cannot be read right now; retry shortly.",
                    error.code(),
                );
            }
            Err(_) => {
                tracing::warn!(timeout_ms = self.limits.timeout_ms, "request timed out");
                outcome.kind = "timeout";
                outcome.codes.push("TIMEOUT".into());
                return refuse(
                    StatusCode::SERVICE_UNAVAILABLE,
                    media,
                    &format!(
                        "The request took longer than {} ms and was stopped.",
                        self.limits.timeout_ms
                    ),
                    "TIMEOUT",
                );
            }
        };
        let executed = executed.get();
        if !executed {
            for error in &mut response.errors {
                // Apollo's code for an automatic-persisted-query miss, which clients look for.
                let code = if error.message == "PersistedQueryNotFound" {
                    "PERSISTED_QUERY_NOT_FOUND"
                } else {
                    "GRAPHQL_VALIDATION_FAILED"
                };
                ensure_code(error, code);
            }
        }
        if executed {
            metrics::count("budget_graphql_executed_total");
        }
        outcome.kind = match (executed, response.errors.is_empty()) {
            (false, _) => "request_error",
            (true, true) => "ok",
            (true, false) => "error",
        };
        outcome.codes.extend(
            response
                .errors
                .iter()
                .map(|e| code_of(e).unwrap_or_default().to_owned()),
        );
        let mut status = status_of(&response, media, executed);
        let mut body = response_body(&response, executed);
        if body.len() > self.limits.response_bytes {
            outcome.kind = "error";
            outcome.codes.push("RESPONSE_TOO_LARGE".into());
            response = async_graphql::Response::from_errors(vec![coded(
                format!(
                    "The answer would be {} bytes, more than the limit of {}; ask for fewer \
                     fields or smaller pages.",
                    body.len(),
                    self.limits.response_bytes
                ),
                "RESPONSE_TOO_LARGE",
            )]);
            // Spec-wise an execution error at the root: `data` is null, status as for one.
            status = status_of(&response, media, true);
            body = response_body(&response, true);
        }
        let cache_it = response.errors.is_empty();
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

    /// A data version seen in the database (newer than the watcher's): the version moves
    /// forward and the cached responses of the older one are dropped.
    pub fn observe_version(&self, version: i64) {
        if self.version.fetch_max(version, Ordering::Relaxed) < version {
            self.cache.clear();
        }
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
