//! The GraphQL playground: GraphiQL, pinned production builds vendored in
//! `api/assets/playground/` (versions, checksums and licences in its README) and embedded in the
//! binary, so the page works on an air-gapped intranet. Every canonical query in `examples/` is
//! a tab.

use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::sync::LazyLock;

/// The canonical queries (`examples/`, the contract), in the order the playground shows them.
pub const EXAMPLES: &[(&str, &str)] = &[
    (
        "FunctionalTree",
        include_str!("../../examples/FunctionalTree.graphql"),
    ),
    (
        "Catalogue",
        include_str!("../../examples/Catalogue.graphql"),
    ),
    (
        "EconomicTree",
        include_str!("../../examples/EconomicTree.graphql"),
    ),
    ("Revenue", include_str!("../../examples/Revenue.graphql")),
    (
        "YearOverYear",
        include_str!("../../examples/YearOverYear.graphql"),
    ),
    ("History", include_str!("../../examples/History.graphql")),
    ("Node", include_str!("../../examples/Node.graphql")),
    (
        "Accountability",
        include_str!("../../examples/Accountability.graphql"),
    ),
];

/// Vendored files: (name, content type, bytes).
const ASSETS: &[(&str, &str, &[u8])] = &[
    (
        "graphiql.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/playground/graphiql.min.js"),
    ),
    (
        "graphiql.min.css",
        "text/css; charset=utf-8",
        include_bytes!("../assets/playground/graphiql.min.css"),
    ),
    (
        "react.production.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/playground/react.production.min.js"),
    ),
    (
        "react-dom.production.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/playground/react-dom.production.min.js"),
    ),
    (
        "playground.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/playground/playground.js"),
    ),
];

const PAGE: &str = include_str!("../assets/playground/index.html");

/// The page: no inline script but the examples' data block, everything from this server.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
                   img-src 'self' data:; font-src 'self' data:; connect-src 'self'; \
                   base-uri 'none'; form-action 'none'; frame-ancestors 'self'";

/// The playground page with the canonical queries as tabs. `Node` gets `node_id` (a
/// department's global id) as its `$id`.
pub fn page(node_id: &str) -> String {
    let examples: Vec<serde_json::Value> = EXAMPLES
        .iter()
        .map(|(name, query)| {
            let variables = (*name == "Node").then(|| {
                serde_json::to_string_pretty(&serde_json::json!({ "id": node_id }))
                    .unwrap_or_default()
            });
            serde_json::json!({ "name": name, "query": query, "variables": variables })
        })
        .collect();
    // `<` escaped so that no query text can close the data block.
    let data = serde_json::to_string(&examples)
        .unwrap_or_else(|_| "[]".into())
        .replace('<', "\\u003c");
    PAGE.replacen("__EXAMPLES__", &data, 1)
}

/// Headers of the page.
pub fn page_response(html: String) -> Response {
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

/// Strong ETags of the assets (their sha256), computed once.
static ETAGS: LazyLock<Vec<String>> = LazyLock::new(|| {
    ASSETS
        .iter()
        .map(|(_, _, bytes)| {
            let hex: String = Sha256::digest(bytes)[..16]
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            format!("\"{hex}\"")
        })
        .collect()
});

/// `GET /playground/{file}`: a vendored asset. The names carry no version, so browsers
/// revalidate (`no-cache`) and get 304 while the binary is the same.
pub async fn asset(Path(file): Path<String>, headers: HeaderMap) -> Response {
    let Some(index) = ASSETS.iter().position(|(name, _, _)| *name == file) else {
        return (StatusCode::NOT_FOUND, "no such playground file").into_response();
    };
    let (_, content_type, bytes) = ASSETS[index];
    let tag = ETAGS[index].as_str();
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
