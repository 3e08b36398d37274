//! Scale-out: instances starting together on an empty database, read-only instances, and the
//! drain on shutdown. (The whole topology, HAProxy over a primary and a streaming replica, is
//! `.ci/scale-out`.)

use crate::common::{TestDb, url_escape};
use api::config::Config;
use api::server::AppState;
use api::startup::{self, Ready, Schema};
use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn config(test: &TestDb) -> Config {
    Config {
        database_url: test.url.clone(),
        ..Config::defaults()
    }
}

/// What a deployment of three replicas does on its first rollout: three instances, each with
/// its own pool, prepare an empty database at the same moment. All come up; the data is
/// loaded once. (Without the start-up lock, PostgreSQL refused one with a duplicate key.)
#[tokio::test]
async fn three_instances_starting_together_on_an_empty_database_all_come_up_with_one_dataset() {
    let test = TestDb::blank().await;
    let config = config(&test);
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(3));
    let starts = (0..3).map(|_| {
        let config = config.clone();
        let barrier = barrier.clone();
        tokio::spawn(async move {
            let db = api::server::connect(&config).await?;
            assert_eq!(startup::read_only(&db, &config).await?, None);
            barrier.wait().await;
            startup::prepare(&db).await?;
            let version = entity::dataset::data_version(&db).await?;
            db.close().await?;
            anyhow::Ok(version)
        })
    });
    let versions: Vec<i64> = futures::future::join_all(starts)
        .await
        .into_iter()
        .map(|started| started.expect("task").expect("instance started"))
        .collect();
    assert_eq!(versions, [1, 1, 1]);
    assert_eq!(
        entity::dataset::Entity::find()
            .count(&test.db)
            .await
            .unwrap(),
        1
    );
    assert_eq!(startup::schema(&test.db).await.unwrap(), Schema::Current);
}

/// A read-only instance never creates anything: it reports what it waits for until a writable
/// instance has migrated and loaded, then it can serve.
#[tokio::test]
async fn a_read_only_instance_waits_for_the_schema_and_data_and_never_writes() {
    let test = TestDb::blank().await;
    let replica = Config {
        read_only: true,
        ..config(&test)
    };
    let db = api::server::connect(&replica).await.unwrap();
    let reason = startup::read_only(&db, &replica).await.unwrap();
    assert_eq!(reason.as_deref(), Some("READ_ONLY is set"));
    let waiting = startup::check_read_only(&db).await.unwrap().unwrap();
    assert!(waiting.starts_with("the schema: migrations "), "{waiting}");
    let waiter = tokio::spawn({
        let db = db.clone();
        async move { startup::wait_until_servable(&db, Duration::from_millis(20)).await }
    });
    // It created nothing, not even the migrations table.
    let tables = migration::SchemaManager::new(&test.db);
    assert!(!tables.has_table("seaql_migrations").await.unwrap());
    assert!(!waiter.is_finished());

    // The schema alone is not enough: it waits for the first dataset too.
    <migration::Migrator as migration::MigratorTrait>::up(&test.db, None)
        .await
        .unwrap();
    assert_eq!(
        startup::check_read_only(&db).await.unwrap().as_deref(),
        Some("the first dataset: none is loaded yet")
    );
    // A writable instance prepares the database; the read-only one is then servable.
    startup::prepare(&test.db).await.unwrap();
    tokio::time::timeout(Duration::from_secs(30), waiter)
        .await
        .expect("the read-only instance saw the data")
        .unwrap()
        .unwrap();
    assert_eq!(startup::check_read_only(&db).await.unwrap(), None);
}

/// While it waits, `/readyz` says so with 503 (so a load balancer sends nothing yet).
#[tokio::test]
async fn readyz_is_503_while_waiting_and_while_draining() {
    let test = TestDb::seeded().await;
    let state = AppState::new(test.db.clone()).await;
    for (readiness, status) in [
        (Ready::Ready, 200),
        (Ready::Waiting, 503),
        (Ready::Ready, 200),
        (Ready::Draining, 503),
        // Draining is final.
        (Ready::Ready, 503),
    ] {
        state.readiness.set(readiness);
        let response = tower::ServiceExt::oneshot(
            api::server::router(state.clone()),
            axum::http::Request::get("/readyz")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
        assert_eq!(response.status().as_u16(), status, "{readiness:?}");
    }
}

/// A schema with a migration this binary does not know is refused, by writable and read-only
/// instances alike, with an error that says so.
#[tokio::test]
async fn a_schema_newer_than_the_binary_is_refused() {
    let test = TestDb::seeded().await;
    test.db
        .execute_unprepared(
            "INSERT INTO seaql_migrations (version, applied_at) VALUES ('m29991231_000001_future', 0)",
        )
        .await
        .unwrap();
    assert_eq!(
        startup::schema(&test.db).await.unwrap(),
        Schema::Ahead(vec!["m29991231_000001_future".into()])
    );
    for error in [
        startup::check_read_only(&test.db).await.unwrap_err(),
        startup::prepare(&test.db).await.unwrap_err(),
    ] {
        let error = error.to_string();
        assert!(
            error.starts_with("the database's schema is newer than this binary: migrations m29991231_000001_future are applied but unknown"),
            "{error}"
        );
    }
}

/// A PostgreSQL database whose transactions are read-only (as on a hot standby, where
/// `pg_is_in_recovery()` is true) is detected without the flag.
#[tokio::test]
async fn a_read_only_postgresql_database_is_detected() {
    let test = TestDb::seeded().await;
    if test.db.get_database_backend() != sea_orm::DatabaseBackend::Postgres {
        return;
    }
    let name = test.url.rsplit('/').next().unwrap().to_owned();
    test.db
        .execute_unprepared(&format!(
            "ALTER DATABASE {name} SET default_transaction_read_only = on"
        ))
        .await
        .unwrap();
    let config = config(&test);
    let db = api::server::connect(&config).await.unwrap();
    assert_eq!(
        startup::read_only(&db, &config).await.unwrap().as_deref(),
        Some("the database's transactions are read-only (transaction_read_only)")
    );
    assert_eq!(startup::check_read_only(&db).await.unwrap(), None);
    db.close().await.unwrap();
    test.db
        .execute_unprepared(&format!(
            "ALTER DATABASE {name} SET default_transaction_read_only = off"
        ))
        .await
        .unwrap();
}

/// Sends `request` on `stream` and reads one response (`Content-Length` bodies).
async fn exchange(stream: &mut tokio::net::TcpStream, request: &str) -> String {
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut received = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        let n = stream.read(&mut buffer).await.unwrap();
        assert!(n > 0, "connection closed early: {received:?}");
        received.extend_from_slice(&buffer[..n]);
        let text = String::from_utf8_lossy(&received);
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let length = head
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length: ")
                        .map(str::to_owned)
                })
                .and_then(|l| l.trim().parse::<usize>().ok());
            if length.is_some_and(|l| body.len() >= l) {
                return text.into_owned();
            }
        }
    }
}

async fn get(address: std::net::SocketAddr, path: &str) -> String {
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    exchange(
        &mut stream,
        &format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
    )
    .await
}

/// SIGTERM (here the `signal` future, which `run` makes from the real signal): `/readyz`
/// turns 503 at once while requests are still served, for the grace period; then the server
/// stops accepting, the request in flight finishes, and `serve` returns (the process exits 0).
/// Every step waits for the previous one: no timing is assumed.
#[tokio::test]
async fn sigterm_drains_readyz_first_then_finishes_in_flight_requests() {
    let test = TestDb::seeded().await;
    let state = AppState::new(test.db.clone()).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (sigterm, signal) = tokio::sync::oneshot::channel::<()>();
    let (end_grace, grace) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(api::server::serve(
        listener,
        state.clone(),
        api::server::drain(
            state.readiness.clone(),
            async move {
                let _ = signal.await;
            },
            async move {
                let _ = grace.await;
            },
        ),
    ));
    assert!(get(address, "/readyz").await.starts_with("HTTP/1.1 200"));

    // A request in flight: every execution permit is taken, so it waits inside the server.
    let permits = state
        .graphql
        .executions
        .clone()
        .acquire_many_owned(state.graphql.limits.executions as u32)
        .await
        .unwrap();
    let mut in_flight = tokio::net::TcpStream::connect(address).await.unwrap();
    // The connection is accepted (it answered), then the request is sent on it.
    let healthz = exchange(&mut in_flight, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").await;
    assert!(healthz.starts_with("HTTP/1.1 200"), "{healthz}");
    let query = "/graphql?query=%7BfiscalYears%7Byear%7D%7D";
    let request = tokio::spawn(async move {
        exchange(
            &mut in_flight,
            &format!("GET {query} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
        )
        .await
    });

    sigterm.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(10), async {
        while state.readiness.get() != Ready::Draining {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await
    .expect("the signal turned the instance to draining");
    // Grace period: not ready, but still accepting and serving.
    let readyz = get(address, "/readyz").await;
    assert!(readyz.starts_with("HTTP/1.1 503"), "{readyz}");
    assert!(readyz.contains("draining"), "{readyz}");
    assert!(get(address, "/healthz").await.starts_with("HTTP/1.1 200"));
    assert!(!request.is_finished() && !server.is_finished());

    // The grace period ends: no new connections; the request in flight completes.
    end_grace.send(()).unwrap();
    drop(permits);
    let response = tokio::time::timeout(Duration::from_secs(10), request)
        .await
        .expect("the in-flight request finished")
        .unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("\"year\":2023"), "{response}");
    tokio::time::timeout(Duration::from_secs(10), server)
        .await
        .expect("the server returned")
        .unwrap()
        .unwrap();
    assert!(tokio::net::TcpStream::connect(address).await.is_err());
}

/// A load commits on the primary after this instance last read the data version (its watcher
/// has not polled yet) and before it reads the reference data: the answer is the new version's,
/// and says so (ETag), and the instance moves to it. Never the new data under the old tag.
#[tokio::test]
async fn a_load_seen_before_the_watcher_is_answered_as_the_new_version() {
    let app = crate::common::App::seeded().await;
    let uri = format!(
        "/graphql?query={}",
        url_escape("{ departments(first: 100) { totalCount } }")
    );
    let dir = crate::common::temp_dir("scale-synth");
    seed::synth::write(dir.path(), &seed::synth::Shape::new(3, 2)).unwrap();
    // Loaded behind the server's back: its data version is still 1.
    seed::load(&app.test.db, &seed::DataSource::Dir(dir.path().into()))
        .await
        .unwrap();
    assert_eq!(
        app.state
            .graphql
            .version
            .load(std::sync::atomic::Ordering::SeqCst),
        1
    );
    let (status, headers, body) = app.get(&uri).await;
    assert_eq!(status, 200, "{body}");
    let etag = headers["etag"].to_str().unwrap();
    assert!(etag.starts_with("\"v2-"), "{etag} {body}");
    assert!(!body.contains("\"totalCount\":2}"), "{body}");
    assert_eq!(
        app.state
            .graphql
            .version
            .load(std::sync::atomic::Ordering::SeqCst),
        2
    );
}
