//! HTTP: the axum router and its layers, database connection, the data-version watcher, and
//! start-up (`startup.rs` prepares the database; then serve until Ctrl-C or SIGTERM, and drain).

use crate::assets;
use crate::config::Config;
use crate::http::{GraphQLService, ResponseCache};
use crate::metrics::OperationNames;
use crate::ratelimit::RateLimiter;
use crate::schema::{self, AppSchema};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use axum::{Json, Router};
use sea_orm::{
    ColumnTrait, ConnectOptions, ConnectionTrait, Database, DatabaseConnection, EntityTrait,
    QueryFilter, QueryOrder,
};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::Duration;
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, Any, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::trace::{DefaultOnResponse, TraceLayer};

/// Shared by every request.
#[derive(Clone)]
pub struct AppState {
    pub graphql: GraphQLService,
    pub db: DatabaseConnection,
    /// Bulk downloads (`/data`): exports of the current data version.
    pub bulk: crate::bulk::Bulk,
    playground: Arc<std::sync::RwLock<Arc<String>>>,
    cors_origins: String,
    /// What `/readyz` says besides the database ping (waiting for the schema, draining).
    pub readiness: Arc<crate::startup::Readiness>,
}

impl AppState {
    /// State with the default configuration.
    pub async fn new(db: DatabaseConnection) -> Self {
        Self::with_config(db, &Config::defaults()).await
    }

    /// State for a configuration; reads the current data version.
    pub async fn with_config(db: DatabaseConnection, config: &Config) -> Self {
        crate::metrics::handle(); // install the recorder before anything is counted
        let limits = config.limits();
        let graphql = GraphQLService {
            schema: schema::builder(db.clone(), &limits).finish(),
            db: db.clone(),
            limits,
            cache: Arc::new(ResponseCache::new(config.cache_entries, config.cache_bytes)),
            version: Arc::new(AtomicI64::new(0)),
            max_age: config.cache_max_age,
            limiter: (config.rate_limit_points_per_minute > 0).then(|| {
                Arc::new(RateLimiter::new(
                    config.rate_limit_points_per_minute,
                    config.rate_limit_max_clients,
                    config.trusted_proxies.0.clone(),
                ))
            }),
            catalogs: Arc::new(crate::catalog::Catalogs::new(limits.aggregate_cache_bytes)),
            executions: Arc::new(tokio::sync::Semaphore::new(limits.executions)),
            operations: Arc::new(OperationNames::new(
                &crate::playground::EXAMPLES
                    .iter()
                    .map(|(name, _)| *name)
                    .collect::<Vec<_>>(),
            )),
        };
        let playground = Arc::new(crate::playground::page(&first_department_id(&db).await));
        let state = Self {
            graphql,
            db,
            bulk: crate::bulk::Bulk::new(config.bulk_max_department_years),
            playground: Arc::new(std::sync::RwLock::new(playground)),
            cors_origins: config.cors_origins.clone(),
            readiness: Arc::default(),
        };
        state.refresh_data_version().await;
        state
    }

    /// The schema.
    pub fn schema(&self) -> &AppSchema {
        &self.graphql.schema
    }

    /// Rebuilds the playground page (its `Node` tab names the first department), for an
    /// instance that started before the data was there.
    pub async fn refresh_playground(&self) {
        let page = Arc::new(crate::playground::page(
            &first_department_id(&self.db).await,
        ));
        if let Ok(mut playground) = self.playground.write() {
            *playground = page;
        }
    }

    /// Re-reads the data version; on a change, drops cached responses. Returns the version.
    pub async fn refresh_data_version(&self) -> i64 {
        match entity::dataset::data_version(&self.db).await {
            Ok(version) => {
                if self.graphql.version.swap(version, Ordering::Relaxed) != version {
                    self.graphql.cache.clear();
                }
                version
            }
            Err(error) => {
                tracing::warn!(%error, "cannot read the data version");
                self.graphql.version.load(Ordering::Relaxed)
            }
        }
    }
}

/// The global id of the first top-level department (by code), for the playground's `Node` tab.
async fn first_department_id(db: &DatabaseConnection) -> String {
    let code = entity::department::Entity::find()
        .filter(entity::department::Column::ParentId.is_null())
        .order_by_asc(entity::department::Column::Code)
        .one(db)
        .await
        .ok()
        .flatten()
        .map_or_else(String::new, |d| d.code);
    crate::schema::relay::global_id("Department", &code).0
}

/// Request ids: a per-process random prefix and a counter.
#[derive(Clone)]
struct RequestIds {
    prefix: u32,
    next: Arc<AtomicU64>,
}

impl RequestIds {
    fn new() -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        RequestIds {
            prefix: nanos ^ std::process::id(),
            next: Arc::new(AtomicU64::new(1)),
        }
    }
}

impl MakeRequestId for RequestIds {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        HeaderValue::from_str(&format!("{:08x}-{n}", self.prefix))
            .ok()
            .map(RequestId::new)
    }
}

fn cors(origins: &str) -> CorsLayer {
    // Browsers may read only the safelisted response headers unless told otherwise.
    let layer = CorsLayer::new()
        .allow_methods([Method::GET, Method::POST, Method::OPTIONS])
        .expose_headers([
            header::ETAG,
            header::CACHE_CONTROL,
            header::CONTENT_DISPOSITION,
            header::VARY,
            header::RETRY_AFTER,
            HeaderName::from_static("x-request-id"),
            HeaderName::from_static("ratelimit-limit"),
            HeaderName::from_static("ratelimit-remaining"),
            HeaderName::from_static("ratelimit-reset"),
        ])
        .allow_headers(Any)
        .max_age(Duration::from_secs(86_400));
    if origins.trim() == "*" {
        layer.allow_origin(Any)
    } else {
        let list: Vec<HeaderValue> = origins
            .split(',')
            .filter_map(|o| HeaderValue::from_str(o.trim()).ok())
            .collect();
        layer.allow_origin(AllowOrigin::list(list))
    }
}

/// The application's routes and layers.
pub fn router(state: AppState) -> Router {
    let body_limit = state.graphql.limits.body_bytes;
    let origins = state.cors_origins.clone();
    Router::new()
        .route("/graphql", any(graphql))
        .route("/", get(|| async { assets::page(assets::EXPLORER_PAGE.to_owned()) }))
        .route("/explorer/{file}", get(assets::explorer))
        .route("/playground/{file}", get(assets::playground))
        .route("/docs/scalars/Decimal.md", get(decimal_spec))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(ready))
        .route("/metrics", get(metrics))
        .merge(crate::bulk::routes())
        .with_state(state)
        .layer(RequestBodyLimitLayer::new(body_limit))
        .layer(CompressionLayer::new())
        .layer(cors(&origins))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &axum::http::Request<_>| {
                    let id = request.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
                    tracing::info_span!("request", method = %request.method(), path = %request.uri().path(), request_id = %id)
                })
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
        )
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(RequestIds::new()))
}

/// `/metrics`: the Prometheus exposition (not rate limited).
async fn metrics(State(state): State<AppState>) -> Response {
    let text = crate::metrics::render(crate::metrics::Gauges {
        db: &state.db,
        cache: state.graphql.cache.usage(),
        rate_limit_clients: state.graphql.limiter.as_ref().map_or(0, |l| l.clients()),
        data_version: state.graphql.version.load(Ordering::Relaxed),
    });
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        text,
    )
        .into_response()
}

/// `/graphql`: the playground for a browser, GraphQL over HTTP for everything else.
async fn graphql(State(state): State<AppState>, request: Request) -> Response {
    let method = request.method().clone();
    if method != Method::GET && method != Method::POST {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, "GET, POST")],
            "use GET or POST",
        )
            .into_response();
    }
    let wants_html = request
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/html"));
    if method == Method::GET && wants_html && request.uri().query().is_none_or(|q| q.is_empty()) {
        let page = state
            .playground
            .read()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_default();
        return assets::page(page);
    }
    // The peer address comes from `serve` (`into_make_service_with_connect_info`); a router
    // used without it (tests calling it directly) counts as one client, 0.0.0.0.
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip());
    let client = match &state.graphql.limiter {
        Some(limiter) => limiter.client(peer, request.headers()),
        None => peer,
    };
    state.graphql.handle(request, client).await
}

/// The format of the `Decimal` scalar (its `@specifiedBy` URL).
async fn decimal_spec() -> Response {
    (
        [(header::CONTENT_TYPE, "text/markdown; charset=utf-8")],
        include_str!("../../docs/scalars/Decimal.md"),
    )
        .into_response()
}

async fn ready(State(state): State<AppState>) -> Response {
    use crate::startup::Ready;
    let unready = |status: &str| {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(serde_json::json!({ "status": status })),
        )
            .into_response()
    };
    match state.readiness.get() {
        Ready::Ready => {}
        Ready::Waiting => return unready("waiting for the schema and data (read-only instance)"),
        Ready::Draining => return unready("draining (shutting down)"),
    }
    let ping = tokio::time::timeout(
        Duration::from_secs(2),
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

/// Connects to the database (bounded pool, acquire timeout). Migrating is
/// [`crate::startup::prepare`]'s (writable instances only).
pub async fn connect(config: &Config) -> anyhow::Result<DatabaseConnection> {
    crate::metrics::handle();
    let mut options = ConnectOptions::new(config.database_url.clone());
    options
        .max_connections(config.db_max_connections)
        .min_connections(0)
        .acquire_timeout(config.db_acquire_timeout())
        .connect_timeout(config.db_acquire_timeout())
        // Each statement is a `sqlx::query` event at DEBUG (with its time), inside the GraphQL
        // spans of the request: `RUST_LOG=info,sqlx::query=debug` shows them.
        .sqlx_logging(true)
        .sqlx_logging_level(log::LevelFilter::Debug);
    let mut db = Database::connect(options).await?;
    db.set_metric_callback(crate::metrics::statement);
    Ok(db)
}

/// Re-reads the data version every `period`, so a load by `cargo run -p seed` invalidates
/// ETags and cached responses of running servers.
pub fn watch_data_version(state: AppState, period: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(period);
        loop {
            tick.tick().await;
            state.refresh_data_version().await;
        }
    })
}

/// Serves `state` on `listener` until `shutdown` resolves; in-flight requests complete.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

/// Prepares the database (a writable instance migrates and seeds an empty one under the
/// start-up lock; a read-only one waits for them, `/readyz` 503), serves until Ctrl-C or
/// SIGTERM, then drains (see [`drain`]).
pub async fn run(config: Config) -> anyhow::Result<()> {
    let db = connect(&config).await?;
    let read_only = crate::startup::read_only(&db, &config).await?;
    let waiting = match &read_only {
        None => {
            crate::startup::prepare(&db).await?;
            None
        }
        Some(reason) => {
            tracing::info!("read-only instance ({reason}): it never migrates nor loads data");
            crate::startup::check_read_only(&db).await?
        }
    };
    let state = AppState::with_config(db, &config).await;
    // A read-only instance that cannot serve yet listens (`/readyz` 503) and waits.
    let waiter = waiting.map(|_| {
        state.readiness.set(crate::startup::Ready::Waiting);
        let state = state.clone();
        let period = Duration::from_millis(config.data_version_poll_ms.max(100));
        tokio::spawn(async move {
            crate::startup::wait_until_servable(&state.db, period).await?;
            state.refresh_data_version().await;
            state.refresh_playground().await;
            state.readiness.set(crate::startup::Ready::Ready);
            tracing::info!("read-only instance: the schema and data are there; ready");
            anyhow::Ok(())
        })
    });
    let watcher = watch_data_version(
        state.clone(),
        Duration::from_millis(config.data_version_poll_ms),
    );
    let sweeper = state
        .graphql
        .limiter
        .clone()
        .map(|limiter| crate::ratelimit::sweep(limiter, Duration::from_secs(10)));
    if let Some(limiter) = &state.graphql.limiter {
        let points = config.rate_limit_points_per_minute;
        if points < config.max_complexity as u64 {
            tracing::warn!(
                points,
                max_complexity = config.max_complexity,
                "RATE_LIMIT_POINTS_PER_MINUTE is below MAX_COMPLEXITY: the costliest queries spend a client's whole budget"
            );
        }
        tracing::info!(points, clients = limiter.clients(), "rate limits on");
    }
    let address = (config.host.as_str(), config.port);
    let listener = TcpListener::bind(address).await.map_err(|e| {
        anyhow::anyhow!(
            "cannot listen on {}:{}: {e} (set PORT, or --port, to another port; 0 picks a free one)",
            config.host,
            config.port
        )
    })?;
    let address = listener.local_addr()?;
    tracing::info!("serving GraphQL at http://{address}/graphql");
    let grace = Duration::from_millis(config.shutdown_grace_ms);
    let serving = serve(
        listener,
        state.clone(),
        drain(
            state.readiness.clone(),
            shutdown_signal(),
            // Lazy: the grace period starts at the signal.
            async move { tokio::time::sleep(grace).await },
        ),
    );
    let outcome = match waiter {
        None => serving.await.map_err(anyhow::Error::from),
        Some(mut waiter) => {
            tokio::pin!(serving);
            tokio::select! {
                served = &mut serving => served.map_err(anyhow::Error::from),
                waited = &mut waiter => match waited {
                    Ok(Ok(())) => serving.await.map_err(anyhow::Error::from),
                    Ok(Err(error)) => Err(error),
                    Err(error) => Err(error.into()),
                },
            }
        }
    };
    watcher.abort();
    if let Some(sweeper) = sweeper {
        sweeper.abort();
    }
    outcome?;
    tracing::info!("shut down");
    Ok(())
}

/// The shutdown of a server behind a load balancer: when `signal` resolves, `/readyz` turns
/// 503 (so the balancer's health check takes the instance out) while requests are still
/// served, for as long as `grace` takes (`SHUTDOWN_GRACE_MS`); then it resolves, and
/// [`serve`] stops accepting connections, lets in-flight requests finish and returns.
pub async fn drain(
    readiness: Arc<crate::startup::Readiness>,
    signal: impl Future<Output = ()>,
    grace: impl Future<Output = ()>,
) {
    signal.await;
    readiness.set(crate::startup::Ready::Draining);
    tracing::info!("draining: /readyz is 503 for the grace period (SHUTDOWN_GRACE_MS)");
    grace.await;
    tracing::info!("grace period over: finishing in-flight requests");
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
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
    tracing::info!("shutdown signal received");
}
