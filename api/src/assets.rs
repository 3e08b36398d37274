//! Files the server serves from its own binary, so every page works on an air-gapped intranet:
//! the playground (`/playground/…`, GraphiQL) and the budget explorer (`/`, `/explorer/…`,
//! Apache ECharts). Vendored builds are pinned, with their licences and `SHA256SUMS`, in
//! `api/assets/<page>/` (each folder's README says how to refresh them).

use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::sync::LazyLock;

const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";
const TEXT: &str = "text/plain; charset=utf-8";
const MARKDOWN: &str = "text/markdown; charset=utf-8";

macro_rules! files {
    ($dir:literal: $(($name:literal, $type:expr)),* $(,)?) => {
        &[$(($name, $type, include_bytes!(concat!("../assets/", $dir, "/", $name)) as &[u8])),*]
    };
}

/// (name, content type, bytes) under `/playground/`.
type Files = &'static [(&'static str, &'static str, &'static [u8])];

const PLAYGROUND: Files = files!("playground":
    ("graphiql.min.js", JS),
    ("graphiql.min.css", CSS),
    ("react.production.min.js", JS),
    ("react-dom.production.min.js", JS),
    ("playground.js", JS),
    ("LICENSE.graphiql", TEXT),
    ("LICENSE.react", TEXT),
    ("LICENSE.react-dom", TEXT),
);

/// (name, content type, bytes) under `/explorer/`.
const EXPLORER: Files = files!("explorer":
    ("explorer.js", JS),
    ("explorer.css", CSS),
    ("echarts.min.js", JS),
    ("LICENSE.echarts", TEXT),
    ("NOTICE.echarts", TEXT),
    ("LICENSE-d3.echarts", TEXT),
    ("README.md", MARKDOWN),
);

/// The explorer's page, served at `/`.
pub const EXPLORER_PAGE: &str = include_str!("../assets/explorer/index.html");

/// Strong ETags (sha256 prefixes), computed once per file.
static ETAGS: LazyLock<Vec<Vec<String>>> = LazyLock::new(|| {
    [PLAYGROUND, EXPLORER]
        .iter()
        .map(|files| files.iter().map(|(_, _, b)| tag(b)).collect())
        .collect()
});

fn tag(bytes: &[u8]) -> String {
    let hex: String = Sha256::digest(bytes)[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("\"{hex}\"")
}

/// The pages' Content-Security-Policy: scripts and styles from this server only (GraphiQL's
/// dialogs inject a `<style>`, hence `'unsafe-inline'` for styles), queries to this server only.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
                       img-src 'self' data:; font-src 'self' data:; connect-src 'self'; \
                       base-uri 'none'; form-action 'none'; frame-ancestors 'self'";

/// An HTML page with the headers every page gets.
pub fn page(html: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CONTENT_SECURITY_POLICY, CSP),
            (header::CACHE_CONTROL, "no-cache"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        html,
    )
        .into_response()
}

/// `GET /playground/{file}`.
pub async fn playground(Path(file): Path<String>, headers: HeaderMap) -> Response {
    serve(0, PLAYGROUND, &file, &headers)
}

/// `GET /explorer/{file}`.
pub async fn explorer(Path(file): Path<String>, headers: HeaderMap) -> Response {
    serve(1, EXPLORER, &file, &headers)
}

/// A file of `files`. The names carry no version, so browsers revalidate (`no-cache`) and get
/// 304 while the binary is the same.
fn serve(set: usize, files: Files, file: &str, headers: &HeaderMap) -> Response {
    let Some(index) = files.iter().position(|(name, _, _)| *name == file) else {
        return (StatusCode::NOT_FOUND, "no such file").into_response();
    };
    let (_, content_type, bytes) = files[index];
    let tag = ETAGS[set][index].as_str();
    let common = [
        (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        (
            header::ETAG,
            HeaderValue::from_str(tag).unwrap_or(HeaderValue::from_static("\"\"")),
        ),
    ];
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == tag));
    if fresh {
        (StatusCode::NOT_MODIFIED, common).into_response()
    } else {
        (common, bytes).into_response()
    }
}
