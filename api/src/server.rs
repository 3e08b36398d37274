//! HTTP: the axum router, database connection and start-up (migrate, seed, serve).

use crate::config::Config;
use crate::loaders::loaders;
use crate::schema::{self, AppSchema};
use async_graphql::http::GraphiQLSource;
use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection};
use std::sync::Arc;
use tokio::net::TcpListener;

/// Shared by every request.
#[derive(Clone)]
pub struct AppState {
    pub schema: AppSchema,
    pub db: DatabaseConnection,
    graphiql: Arc<String>,
}

impl AppState {
    pub fn new(db: DatabaseConnection) -> Self {
        Self {
            schema: schema::builder(db.clone()).finish(),
            db,
            graphiql: Arc::new(graphiql_page()),
        }
    }
}

/// The query GraphiQL opens with.
const EXAMPLE_QUERY: &str = include_str!("../../examples/FunctionalTree.graphql");

fn graphiql_page() -> String {
    let page = GraphiQLSource::build()
        .endpoint("/graphql")
        .title("Open budget data API")
        .finish();
    let query = serde_json::to_string(EXAMPLE_QUERY).unwrap_or_else(|_| "\"\"".into());
    page.replacen(
        "defaultEditorToolsVisibility: true,",
        &format!("defaultEditorToolsVisibility: true,\n          defaultQuery: {query},"),
        1,
    )
}

/// The application's routes.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/graphql", get(graphql_get).post(graphql))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(ready))
        .with_state(state)
}

async fn graphql(State(state): State<AppState>, request: GraphQLRequest) -> GraphQLResponse {
    state
        .schema
        .execute(request.into_inner().data(loaders(state.db.clone())))
        .await
        .into()
}

/// A browser (asking for HTML, with no query) gets GraphiQL; anything else is a GraphQL GET.
async fn graphql_get(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: axum::http::Uri,
    request: Result<GraphQLRequest, async_graphql_axum::rejection::GraphQLRejection>,
) -> Response {
    let wants_html = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/html"));
    let has_query = uri.query().is_some_and(|q| {
        q.split('&')
            .any(|p| p.starts_with("query=") || p.starts_with("extensions="))
    });
    if wants_html && !has_query {
        return Html(state.graphiql.as_str().to_owned()).into_response();
    }
    match request {
        Ok(request) => graphql(State(state), request).await.into_response(),
        Err(rejection) => rejection.into_response(),
    }
}

async fn ready(State(state): State<AppState>) -> Response {
    let ping = tokio::time::timeout(
        std::time::Duration::from_secs(2),
        state.db.execute_unprepared("SELECT 1"),
    )
    .await;
    match ping {
        Ok(Ok(_)) => (StatusCode::OK, Json(serde_json::json!({"status": "ready"}))).into_response(),
        _ => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(serde_json::json!({"status": "database unavailable"})),
        )
            .into_response(),
    }
}

/// Connects to the database and applies migrations.
pub async fn connect(config: &Config) -> anyhow::Result<DatabaseConnection> {
    let mut options = ConnectOptions::new(config.database_url.clone());
    options
        .max_connections(config.db_max_connections)
        .acquire_timeout(config.db_acquire_timeout())
        .sqlx_logging(false);
    let db = Database::connect(options).await?;
    Migrator::up(&db, None).await?;
    Ok(db)
}

/// Migrates, seeds an empty database with the bundled disclosure, and serves until Ctrl-C or
/// SIGTERM.
pub async fn run(config: Config) -> anyhow::Result<()> {
    let db = connect(&config).await?;
    if let Some(outcome) = seed::seed_if_empty(&db).await? {
        tracing::info!(?outcome, "seeded the bundled disclosure");
    }
    let listener = TcpListener::bind((config.host.as_str(), config.port)).await?;
    let address = listener.local_addr()?;
    tracing::info!("serving GraphQL at http://{address}/graphql");
    axum::serve(listener, router(AppState::new(db)))
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    tracing::info!("shut down");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
