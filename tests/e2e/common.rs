//! Test databases and an in-process app (no socket: requests go through `Router::oneshot`).

use api::server::{AppState, router};
use axum::Router;
use axum::body::Body;
use axum::http::header::{HeaderName, HeaderValue};
use axum::http::{HeaderMap, Request, StatusCode, header};
use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tower::ServiceExt;

static NEXT: AtomicUsize = AtomicUsize::new(0);

/// A fresh, migrated database of its own, counting the SQL statements run on it.
pub struct TestDb {
    pub db: DatabaseConnection,
    pub statements: Arc<AtomicUsize>,
    /// Its URL (for code that connects on its own, as the server does).
    pub url: String,
    /// The SQLite file, removed when the test is done (PostgreSQL test databases are dropped
    /// by the next run: `sweep_finished_runs`).
    file: Option<std::path::PathBuf>,
}

impl Drop for TestDb {
    fn drop(&mut self) {
        for file in self.files() {
            let _ = std::fs::remove_file(file);
        }
    }
}

/// Whether this process has dropped the databases earlier test runs left on the server.
static SWEPT: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Drops the `budget_test_<pid>_<n>` databases of test processes that are no longer running:
/// a test's own database lives until the process ends (its pool may still hold connections), so
/// each run clears what the runs before it left, instead of letting them pile up on the server.
async fn sweep_finished_runs(server: &DatabaseConnection) {
    use sea_orm::Statement;
    let rows = server
        .query_all_raw(Statement::from_string(
            server.get_database_backend(),
            "SELECT datname FROM pg_database WHERE datname LIKE 'budget\\_test\\_%'",
        ))
        .await
        .expect("list test databases");
    for row in rows {
        let name: String = row.try_get("", "datname").expect("datname");
        let pid = name.split('_').nth(2).unwrap_or_default();
        let running = std::path::Path::new("/proc").join(pid).exists();
        if !running && pid.chars().all(|c| c.is_ascii_digit()) && !pid.is_empty() {
            server
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await
                .expect("drop a finished run's test database");
        }
    }
}

/// A new database's URL, and its file for SQLite.
async fn fresh_url() -> (String, Option<std::path::PathBuf>) {
    let n = NEXT.fetch_add(1, Ordering::SeqCst);
    let name = format!("budget_test_{}_{n}", std::process::id());
    match std::env::var("TEST_DATABASE_URL") {
        Ok(admin) if admin.starts_with("postgres") => {
            let server = Database::connect(&admin)
                .await
                .expect("connect to TEST_DATABASE_URL");
            if !SWEPT.swap(true, Ordering::SeqCst) {
                sweep_finished_runs(&server).await;
            }
            server
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name}"))
                .await
                .expect("drop test database");
            server
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .expect("create test database");
            server.close().await.ok();
            let (base, _) = admin.rsplit_once('/').expect("database URL has a path");
            (format!("{base}/{name}"), None)
        }
        _ => {
            let path = std::env::temp_dir().join(format!("{name}.sqlite"));
            let _ = std::fs::remove_file(&path);
            (format!("sqlite://{}?mode=rwc", path.display()), Some(path))
        }
    }
}

impl TestDb {
    /// Migrated and empty.
    pub async fn empty() -> TestDb {
        let test = TestDb::blank().await;
        Migrator::up(&test.db, None).await.expect("migrate");
        test
    }

    /// A new database with nothing in it, not even the schema (what a first deployment meets).
    pub async fn blank() -> TestDb {
        let (url, file) = fresh_url().await;
        let mut db = Database::connect(&url)
            .await
            .expect("connect test database");
        let statements = Arc::new(AtomicUsize::new(0));
        let counter = statements.clone();
        // As `api::server::connect` does, and counted per test database.
        db.set_metric_callback(move |info| {
            counter.fetch_add(1, Ordering::SeqCst);
            api::metrics::statement(info);
        });
        TestDb {
            db,
            statements,
            url,
            file,
        }
    }

    /// The SQLite file and the files SQLite may keep beside it (none on PostgreSQL).
    pub fn files(&self) -> Vec<std::path::PathBuf> {
        let Some(file) = &self.file else {
            return Vec::new();
        };
        ["", "-wal", "-shm", "-journal"]
            .iter()
            .map(|suffix| format!("{}{suffix}", file.display()).into())
            .collect()
    }

    /// With the bundled disclosure loaded.
    pub async fn seeded() -> TestDb {
        let test = TestDb::empty().await;
        seed::load(&test.db, &seed::DataSource::Bundled)
            .await
            .expect("load bundled disclosure");
        test
    }

    /// Every row of every table, as text: equal dumps mean an unchanged database.
    pub async fn dump(&self) -> String {
        use entity::*;
        use sea_orm::{EntityTrait, Iterable, PrimaryKeyToColumn, QueryOrder};
        let mut out = String::new();
        // Every table of the entity list, rows in primary-key order.
        macro_rules! dump {
            ($($table:ident: $entity:ident),*) => {$(
                let mut query = $table::Entity::find();
                for key in <$table::PrimaryKey as Iterable>::iter() {
                    query = query.order_by_asc(key.into_column());
                }
                for row in query.all(&self.db).await.expect("dump") {
                    out.push_str(&format!("{row:?}\n"));
                }
            )*};
        }
        entity::tables!(dump);
        out
    }
}

/// The application over a test database.
pub struct App {
    pub test: TestDb,
    /// The server's state (e.g. to re-read the data version after a load, as the server's
    /// watcher would).
    pub state: AppState,
    router: Router,
}

impl App {
    pub async fn new(test: TestDb) -> App {
        let state = AppState::new(test.db.clone()).await;
        App::with_state(test, state)
    }

    /// With the response cache off, so every request reaches the database. (Batches form by
    /// resolver pass, not by a time window, so statement counts do not depend on the machine's
    /// load.)
    pub async fn uncached(test: TestDb) -> App {
        let config = api::config::Config {
            cache_entries: 0,
            ..api::config::Config::defaults()
        };
        App::with_config(test, &config).await
    }

    /// Over `test` with a configuration of the test's own.
    pub async fn with_config(test: TestDb, config: &api::config::Config) -> App {
        let state = AppState::with_config(test.db.clone(), config).await;
        App::with_state(test, state)
    }

    pub fn with_state(test: TestDb, state: AppState) -> App {
        App {
            test,
            router: router(state.clone()),
            state,
        }
    }

    pub async fn seeded() -> App {
        App::new(TestDb::seeded().await).await
    }

    /// Over the bundled disclosure with a configuration of the test's own.
    pub async fn seeded_with(config: api::config::Config) -> App {
        App::with_config(TestDb::seeded().await, &config).await
    }

    /// Over the bundled disclosure with `config` and the response cache off, so every request
    /// reaches the database.
    pub async fn seeded_uncached(config: api::config::Config) -> App {
        App::seeded_with(api::config::Config {
            cache_entries: 0,
            ..config
        })
        .await
    }

    /// Loads `source` and lets the server see the new data version at once.
    pub async fn load(&self, source: &seed::DataSource) {
        seed::load(&self.test.db, source).await.expect("load");
        self.state.refresh_data_version().await;
    }

    /// Sends a request; returns the response as the router gives it (body unread).
    pub async fn raw(&self, request: Request<Body>) -> axum::response::Response {
        self.router
            .clone()
            .oneshot(request)
            .await
            .expect("router answers")
    }

    /// Sends a request; returns the status, the headers and the body as received.
    pub async fn send_raw(&self, request: Request<Body>) -> (StatusCode, HeaderMap, String) {
        let response = self.raw(request).await;
        let (parts, body) = response.into_parts();
        let bytes = axum::body::to_bytes(body, usize::MAX).await.expect("body");
        (
            parts.status,
            parts.headers,
            String::from_utf8_lossy(&bytes).into_owned(),
        )
    }

    /// GETs `uri` with no headers; returns the status, the headers and the body.
    pub async fn get(&self, uri: &str) -> (StatusCode, HeaderMap, String) {
        self.send_raw(Request::get(uri).body(Body::empty()).expect("request"))
            .await
    }

    /// GETs the playground as a browser does (`/graphql`, HTML first); it must be served.
    /// Returns the headers and the page.
    pub async fn playground(&self) -> (HeaderMap, String) {
        let accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
        let (status, headers, html) = self
            .send_raw(get_with("/graphql", header::ACCEPT, accept))
            .await;
        assert_eq!(status, StatusCode::OK, "{html}");
        (headers, html)
    }

    /// GETs `uri` again with the `etag` it gave (`If-None-Match`); returns the status, the
    /// headers and the body.
    pub async fn revalidate(
        &self,
        uri: impl AsRef<str>,
        etag: impl AsRef<str>,
    ) -> (StatusCode, HeaderMap, String) {
        self.send_raw(get_with(uri, header::IF_NONE_MATCH, etag.as_ref()))
            .await
    }

    /// Sends a request; returns the status and the body (JSON, or a string for other bodies).
    pub async fn send(&self, request: Request<Body>) -> (StatusCode, Value) {
        let (status, _, bytes) = self.send_raw(request).await;
        let body = serde_json::from_str(&bytes).unwrap_or(Value::String(bytes));
        (status, body)
    }

    /// POSTs a GraphQL request.
    pub async fn post(&self, query: &str, variables: Value) -> (StatusCode, Value) {
        let body = json!({ "query": query, "variables": variables });
        let request = Request::post("/graphql")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .expect("request");
        self.send(request).await
    }

    /// POSTs a query that must succeed; returns `data`.
    pub async fn data(&self, query: &str, variables: Value) -> Value {
        let (status, body) = self.post(query, variables).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(body.get("errors").is_none(), "unexpected errors: {body}");
        body["data"].clone()
    }

    /// Runs SQL on the test database (to break or age it).
    pub async fn execute(&self, sql: &str) {
        self.test.db.execute_unprepared(sql).await.expect(sql);
    }

    /// Runs a query and counts the SQL statements it executed.
    pub async fn count_statements(&self, query: &str, variables: Value) -> usize {
        self.test.statements.store(0, Ordering::SeqCst);
        self.data(query, variables).await;
        self.test.statements.load(Ordering::SeqCst)
    }
}

/// The first error's `extensions.code` ("" when there is none).
pub fn error_code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or("")
}

/// The first error's message ("" when there is none).
pub fn error_message(body: &Value) -> &str {
    body["errors"][0]["message"].as_str().unwrap_or("")
}

/// A directory of its own, removed when dropped.
pub fn temp_dir(name: &str) -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix(&format!("budget-{name}-"))
        .tempdir()
        .expect("temp dir")
}

/// The media type of a response.
pub fn content_type(headers: &HeaderMap) -> &str {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// Lower-case hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A canonical query of the contract, from `examples/`.
pub fn example(name: &str) -> String {
    let path = format!("{}/../examples/{name}.graphql", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The variables a canonical query runs with: `Node` gets the bureau's id, others what
/// `examples/<name>.variables.json` holds (none when there is no such file).
pub async fn example_variables(app: &App, name: &str) -> Value {
    if name == "Node" {
        return json!({ "id": bureau_id(app).await });
    }
    let path = format!(
        "{}/../examples/{name}.variables.json",
        env!("CARGO_MANIFEST_DIR")
    );
    match std::fs::read_to_string(&path) {
        Ok(text) => serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}")),
        Err(_) => json!({}),
    }
}

/// The canonical query names: the files in `examples/`, sorted.
pub fn examples() -> Vec<String> {
    let dir = format!("{}/../examples", env!("CARGO_MANIFEST_DIR"));
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .map(|entry| entry.expect("examples entry").path())
        .filter(|path| path.extension().is_some_and(|x| x == "graphql"))
        .map(|path| path.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The global id of `pingshan-gsdmb` as the API returns it (Node's `$id`).
pub async fn bureau_id(app: &App) -> Value {
    let data = app
        .data(
            r#"{ department(code: "pingshan-gsdmb") { id } }"#,
            json!({}),
        )
        .await;
    data["department"]["id"].clone()
}

/// `selection` on the bureau's 2023 budget (`pingshan-gsdmb`), which must succeed; returns
/// the budget.
pub async fn bureau_budget(app: &App, selection: &str) -> Value {
    let query = format!(
        r#"{{ department(code: "pingshan-gsdmb") {{ budget(year: 2023) {{ {selection} }} }} }}"#
    );
    let data = app.data(&query, json!({})).await;
    data["department"]["budget"].clone()
}

/// The first item of a JSON list whose `field` is `value`.
pub fn item<'a>(list: &'a Value, field: &str, value: &str) -> &'a Value {
    list.as_array()
        .expect("a JSON list")
        .iter()
        .find(|item| item[field] == value)
        .unwrap_or_else(|| panic!("no item with {field} {value:?} in {list}"))
}

/// `field` of every item of a JSON list.
pub fn fields<'a>(list: &'a Value, field: &str) -> Vec<&'a Value> {
    list.as_array()
        .expect("a JSON list")
        .iter()
        .map(|item| &item[field])
        .collect()
}

/// `field` of every item of a JSON list, as text.
pub fn texts<'a>(list: &'a Value, field: &str) -> Vec<&'a str> {
    fields(list, field)
        .into_iter()
        .map(|v| v.as_str().expect("a JSON string"))
        .collect()
}

/// A GET of `uri` with one header.
pub fn get_with<K, V>(uri: impl AsRef<str>, name: K, value: V) -> Request<Body>
where
    HeaderName: TryFrom<K>,
    <HeaderName as TryFrom<K>>::Error: Into<axum::http::Error>,
    HeaderValue: TryFrom<V>,
    <HeaderValue as TryFrom<V>>::Error: Into<axum::http::Error>,
{
    Request::get(uri.as_ref())
        .header(name, value)
        .body(Body::empty())
        .unwrap()
}

/// `text` percent-encoded for a query string (RFC 3986: every byte but the unreserved ones).
pub fn url_escape(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
