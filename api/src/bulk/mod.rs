//! Bulk downloads under `/data`: a catalogue, each dataset's data package regenerated from the
//! database (zipped, or file by file), and the served budget lines as one flat table
//! ([`lines`]). HTTP manners as for GET GraphQL: ETag from the data version (304 without
//! touching the database), `Cache-Control`, and the router's compression, CORS and request ids.

pub mod lines;

use crate::server::AppState;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use seed::export::{Package, sha256_hex};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};

/// The `/data` routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/data", get(catalogue))
        .route("/data/budget-lines.csv", get(lines::csv))
        .route("/data/budget-lines.jsonl", get(lines::jsonl))
        .route("/data/{archive}", get(archive))
        .route("/data/{dataset}/{file}", get(file))
}

/// A dataset's package as served: the files and their zip, with checksums.
pub struct Served {
    package: Package,
    zip: Bytes,
}

/// Exports and table digests of the current data version, built on first request, one build
/// at a time. A package is built in memory, so datasets above `max_department_years` are not
/// exported on line (their data stays downloadable as the streamed flat table and with
/// `seed export`): the memory a request can make the server hold stays bounded.
#[derive(Clone)]
pub struct Bulk {
    cache: Arc<Mutex<Cache>>,
    build: Arc<tokio::sync::Mutex<()>>,
    max_department_years: u64,
}

/// What `/data` can offer of a dataset.
#[derive(Clone)]
enum Export {
    /// The package, built.
    Served(Arc<Served>),
    /// Above the on-line limit: its size in department-years.
    TooLarge(u64),
}

#[derive(Default)]
struct Cache {
    version: i64,
    packages: HashMap<String, Export>,
    tables: Option<Arc<Value>>,
}

impl Bulk {
    /// Exports for datasets of at most `max_department_years` department-years.
    pub fn new(max_department_years: u64) -> Bulk {
        Bulk {
            cache: Arc::default(),
            build: Arc::default(),
            max_department_years,
        }
    }

    /// The cache for `version`, emptied when the version moved on.
    fn at(&self, version: i64) -> std::sync::MutexGuard<'_, Cache> {
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        if cache.version != version {
            *cache = Cache {
                version,
                ..Cache::default()
            };
        }
        cache
    }

    /// The package of `name` at `version` (or why it is not built); `None` if there is no such
    /// dataset.
    async fn package(
        &self,
        state: &AppState,
        version: i64,
        name: &str,
    ) -> Result<Option<Export>, Response> {
        if let Some(found) = self.at(version).packages.get(name) {
            return Ok(Some(found.clone()));
        }
        // One build at a time; whoever waited finds the result in the cache.
        let _building = self.build.lock().await;
        if let Some(found) = self.at(version).packages.get(name) {
            return Ok(Some(found.clone()));
        }
        let Some(department_years) = department_years(state, name).await? else {
            return Ok(None);
        };
        let export = if department_years > self.max_department_years {
            Export::TooLarge(department_years)
        } else {
            let Some(package) = seed::export::export(&state.db, name)
                .await
                .map_err(internal)?
            else {
                return Ok(None);
            };
            let zip = Bytes::from(package.zip().map_err(internal)?);
            Export::Served(Arc::new(Served { package, zip }))
        };
        self.at(version)
            .packages
            .insert(name.to_owned(), export.clone());
        Ok(Some(export))
    }

    /// Why the package of `name` is not offered on line.
    fn too_large(&self, name: &str, department_years: u64) -> String {
        format!(
            "The data package of `{name}` ({department_years} department-years) is larger than \
             this server builds on line (BULK_MAX_DEPARTMENT_YEARS = {}): download the flat table \
             (/data/budget-lines.csv, streamed) or run `seed export --dataset {name}` against the \
             database.",
            self.max_department_years
        )
    }

    /// The answer to a package URL of a dataset above the limit.
    fn refuse_too_large(&self, name: &str, department_years: u64) -> Response {
        error(
            StatusCode::NOT_IMPLEMENTED,
            "EXPORT_TOO_LARGE",
            &self.too_large(name, department_years),
        )
    }
}

/// A dataset's size in department-years; `None` if there is no such dataset.
async fn department_years(state: &AppState, name: &str) -> Result<Option<u64>, Response> {
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    let Some(found) = entity::dataset::Entity::find()
        .filter(entity::dataset::Column::Name.eq(name))
        .one(&state.db)
        .await
        .map_err(internal)?
    else {
        return Ok(None);
    };
    entity::department_year::Entity::find()
        .filter(entity::department_year::Column::DatasetId.eq(found.id))
        .count(&state.db)
        .await
        .map(Some)
        .map_err(internal)
}

/// The data version the responses are tagged with.
fn version(state: &AppState) -> i64 {
    state.graphql.version.load(Ordering::Relaxed)
}

/// A strong ETag for `what` at `version`: computed without the database.
pub fn etag(version: i64, what: &str) -> String {
    format!("\"v{version}-{}\"", &sha256_hex(what.as_bytes())[..24])
}

/// `304 Not Modified` when `If-None-Match` holds `tag`.
pub fn not_modified(headers: &HeaderMap, tag: &str, max_age: u64) -> Option<Response> {
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == tag || t.trim() == "*"));
    matches.then(|| {
        let mut response = StatusCode::NOT_MODIFIED.into_response();
        cache_headers(response.headers_mut(), tag, max_age);
        response
    })
}

fn cache_headers(headers: &mut HeaderMap, tag: &str, max_age: u64) {
    if let Ok(tag) = HeaderValue::from_str(tag) {
        headers.insert(header::ETAG, tag);
    }
    if let Ok(value) = HeaderValue::from_str(&format!("public, max-age={max_age}")) {
        headers.insert(header::CACHE_CONTROL, value);
    }
}

/// A download: content type, `Content-Disposition` (an attachment named `filename`, or none),
/// ETag and `Cache-Control`.
pub fn download(
    body: Body,
    content_type: &str,
    filename: Option<&str>,
    tag: &str,
    max_age: u64,
) -> Response {
    let mut response = Response::new(body);
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(content_type) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    if let Some(name) = filename
        && let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
    {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    cache_headers(headers, tag, max_age);
    response
}

/// A JSON error in the shape GraphQL errors have, with `extensions.code`.
pub fn error(status: StatusCode, code: &str, message: &str) -> Response {
    crate::error::refusal(status, "application/json; charset=utf-8", message, code)
}

/// A database or export failure: logged, and hidden from the client.
pub fn internal(cause: impl std::fmt::Display) -> Response {
    tracing::error!(%cause, "bulk download failed");
    error(
        StatusCode::INTERNAL_SERVER_ERROR,
        "INTERNAL",
        "Internal error.",
    )
}

fn not_found(message: &str) -> Response {
    error(StatusCode::NOT_FOUND, "NOT_FOUND", message)
}

fn content_type(file: &str) -> &'static str {
    if file.ends_with(".json") {
        "application/json; charset=utf-8"
    } else {
        "text/csv; charset=utf-8; header=present"
    }
}

/// `GET /data/<dataset>.zip`.
async fn archive(
    State(state): State<AppState>,
    Path(archive): Path<String>,
    headers: HeaderMap,
) -> Response {
    let Some(name) = archive.strip_suffix(".zip") else {
        return not_found(&format!(
            "No download `/data/{archive}`: see `/data` for the list."
        ));
    };
    let version = version(&state);
    let max_age = state.graphql.max_age;
    let tag = etag(version, &format!("/data/{archive}"));
    if let Some(response) = not_modified(&headers, &tag, max_age) {
        return response;
    }
    match state.bulk.package(&state, version, name).await {
        Ok(Some(Export::Served(served))) => download(
            Body::from(served.zip.clone()),
            "application/zip",
            Some(&archive),
            &tag,
            max_age,
        ),
        Ok(Some(Export::TooLarge(size))) => state.bulk.refuse_too_large(name, size),
        Ok(None) => not_found(&format!("No dataset `{name}`: see `/data` for the list.")),
        Err(response) => response,
    }
}

/// `GET /data/<dataset>/<file>`: one file of the package.
async fn file(
    State(state): State<AppState>,
    Path((name, file)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    if !seed::files::FILES.contains(&file.as_str()) {
        return not_found(&format!(
            "No file `{file}` in a data package (files: {}).",
            seed::files::FILES.join(", ")
        ));
    }
    let version = version(&state);
    let max_age = state.graphql.max_age;
    let tag = etag(version, &format!("/data/{name}/{file}"));
    if let Some(response) = not_modified(&headers, &tag, max_age) {
        return response;
    }
    match state.bulk.package(&state, version, &name).await {
        Ok(Some(Export::TooLarge(size))) => state.bulk.refuse_too_large(&name, size),
        Ok(Some(Export::Served(served))) => {
            let bytes = served
                .package
                .file(&file)
                .map(|f| f.bytes.clone())
                .unwrap_or_default();
            download(Body::from(bytes), content_type(&file), None, &tag, max_age)
        }
        Ok(None) => not_found(&format!("No dataset `{name}`: see `/data` for the list.")),
        Err(response) => response,
    }
}

/// `GET /data`: the datasets and every download, with sizes and SHA-256 checksums.
async fn catalogue(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let version = version(&state);
    let max_age = state.graphql.max_age;
    let tag = etag(version, "/data");
    if let Some(response) = not_modified(&headers, &tag, max_age) {
        return response;
    }
    match build_catalogue(&state, version).await {
        Ok(body) => download(
            Body::from(serde_json::to_string_pretty(&body).unwrap_or_default()),
            "application/json; charset=utf-8",
            None,
            &tag,
            max_age,
        ),
        Err(response) => response,
    }
}

async fn build_catalogue(state: &AppState, version: i64) -> Result<Value, Response> {
    let mut datasets = Vec::new();
    for found in seed::export::datasets(&state.db).await.map_err(internal)? {
        match state.bulk.package(state, version, &found.name).await? {
            Some(Export::Served(served)) => datasets.push(dataset_entry(&found, &served)),
            Some(Export::TooLarge(size)) => {
                let mut entry = dataset_metadata(&found);
                entry["zip"] = Value::Null;
                entry["files"] = Value::Null;
                entry["note"] = json!(state.bulk.too_large(&found.name, size));
                datasets.push(entry);
            }
            None => {}
        }
    }
    Ok(json!({
        "version": version,
        "datasets": datasets,
        "tables": tables(state, version).await?,
    }))
}

/// A dataset's descriptive fields in the catalogue.
fn dataset_metadata(found: &entity::dataset::Model) -> Value {
    let metadata = seed::package::metadata(&found.package).unwrap_or_default();
    let field = |key: &str| metadata.get(key).cloned().unwrap_or(Value::Null);
    json!({
        "name": found.name,
        "title": found.title,
        "description": field("description"),
        "version": found.version,
        "years": field("years"),
        "currency": field("currency"),
        "unit": field("unit"),
        "licenses": metadata.get("licenses").cloned().unwrap_or_else(|| json!([])),
        "sources": field("sources"),
    })
}

fn dataset_entry(found: &entity::dataset::Model, served: &Served) -> Value {
    let name = &found.name;
    let files: Vec<Value> = served
        .package
        .files
        .iter()
        .map(|f| {
            json!({
                "name": f.name,
                "url": format!("/data/{name}/{}", f.name),
                "mediatype": content_type(f.name).split(';').next(),
                "bytes": f.bytes.len(),
                "sha256": f.sha256(),
            })
        })
        .collect();
    let mut entry = dataset_metadata(found);
    entry["zip"] = json!({
        "url": format!("/data/{name}.zip"),
        "mediatype": "application/zip",
        "bytes": served.zip.len(),
        "sha256": sha256_hex(&served.zip),
    });
    entry["files"] = Value::Array(files);
    entry
}

/// The flat tables, with the size and checksum of their unfiltered download (computed once
/// per data version by streaming through them).
async fn tables(state: &AppState, version: i64) -> Result<Value, Response> {
    if let Some(found) = state.bulk.at(version).tables.clone() {
        return Ok((*found).clone());
    }
    let _building = state.bulk.build.lock().await;
    if let Some(found) = state.bulk.at(version).tables.clone() {
        return Ok((*found).clone());
    }
    let mut entries = Vec::new();
    for format in [lines::Format::Csv, lines::Format::Jsonl] {
        let (bytes, sha256) = lines::digest(state, format).await.map_err(internal)?;
        entries.push(json!({
            "name": "budget-lines",
            "url": format!("/data/budget-lines.{}", format.extension()),
            "mediatype": format.media_type(),
            "bytes": bytes,
            "sha256": sha256,
            "columns": lines::COLUMNS,
            "filters": lines::FILTERS,
        }));
    }
    let value = Value::Array(entries);
    state.bulk.at(version).tables = Some(Arc::new(value.clone()));
    Ok(value)
}
