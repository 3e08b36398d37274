//! Serving a public endpoint: abuse limits, GraphQL-over-HTTP behaviour, HTTP caching,
//! persisted queries, operations headers, graceful shutdown, and a fuzzer.

use crate::common::{App, TestDb, error_code, error_message, example, get_with, sha256_hex};
use api::config::Config;
use api::server::AppState;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::{Value, json};
use std::sync::atomic::Ordering;

fn post_json(body: String, accept: &str) -> Request<Body> {
    Request::post("/graphql")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ACCEPT, accept)
        .body(Body::from(body))
        .unwrap()
}

async fn refused(app: &App, query: String, status: StatusCode, expected: &str) {
    let body = json!({ "query": query }).to_string();
    let (got, response) = app.send(post_json(body, "application/json")).await;
    assert_eq!(
        got,
        status,
        "{expected}: {}",
        &response.to_string()[..response.to_string().len().min(300)]
    );
    assert_eq!(
        error_code(&response),
        expected,
        "{}",
        &response.to_string()[..response.to_string().len().min(300)]
    );
}

async fn still_serves(app: &App) {
    let data = app.data(&example("History"), json!({})).await;
    assert_eq!(data["department"]["budgets"][1]["revenueTotal"], "29760");
}

#[tokio::test]
async fn abusive_queries_are_refused_with_codes_and_service_continues() {
    let app = App::seeded().await;
    let aliases = (0..101)
        .map(|i| format!("a{i}: fiscalYears {{ year }}"))
        .collect::<Vec<_>>()
        .join(" ");
    let fields = "fiscalYears { year } ".repeat(1000);
    let directives = "@include(if: true) ".repeat(100);
    let deep = format!("{}{}", "{a".repeat(10_000), "}".repeat(10_000));
    let nested = format!(
        "{{ department(code: \"pingshan-gsdmb\") {{ {} code {} }} }}",
        "units { ".repeat(16),
        "} ".repeat(16)
    );
    let wide = "code name nameEn id ".repeat(6);
    let complex = format!(
        "{{ departments(first: 100) {{ edges {{ node {{ {wide} units {{ {wide} }} }} }} }} }}"
    );
    let ok = StatusCode::OK;
    let bad = StatusCode::BAD_REQUEST;
    let cases = [
        (format!("{{ {aliases} }}"), ok, "TOO_MANY_ALIASES"),
        (format!("{{ {fields} }}"), ok, "TOO_MANY_FIELDS"),
        (
            format!("{{ fiscalYears {directives} {{ year }} }}"),
            ok,
            "TOO_MANY_DIRECTIVES",
        ),
        // Fragment cycles are caught by the recursion limit before validation.
        (
            "query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }".into(),
            ok,
            "QUERY_TOO_DEEP",
        ),
        (deep, bad, "QUERY_TOO_DEEP"),
        (nested, ok, "DEPTH_LIMIT_EXCEEDED"),
        (complex, ok, "COMPLEXITY_LIMIT_EXCEEDED"),
        (
            "{ departments(first: 99999999) { totalCount } }".into(),
            ok,
            "BAD_USER_INPUT",
        ),
        (
            format!("{{ fiscalYears {{ year }} }} #{}", "x".repeat(40_000)),
            bad,
            "QUERY_TOO_LARGE",
        ),
    ];
    for (query, status, code) in cases {
        refused(&app, query, status, code).await;
        still_serves(&app).await;
    }

    // A 3 MB body: 413 before anything is parsed.
    let big = json!({ "query": format!("{{ fiscalYears {{ year }} }} #{}", "x".repeat(3 * 1024 * 1024)) }).to_string();
    let (status, _) = app.send(post_json(big, "application/json")).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    // A batch of 100 operations: refused.
    let batch = Value::Array(
        (0..100)
            .map(|_| json!({"query": "{ fiscalYears { year } }"}))
            .collect(),
    )
    .to_string();
    let (status, body) = app.send(post_json(batch, "application/json")).await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::BAD_REQUEST, "BAD_REQUEST")
    );
    still_serves(&app).await;
}

/// The fixture is graphql-js's `getIntrospectionQuery` (16.15.0, the version clients/quickstart
/// pins) verbatim, blank lines and all: a real client's text, not ours to tidy. It is a copy so
/// that `cargo test` needs no npm; `.ci/introspection` checks it against the installed package.
#[tokio::test]
async fn the_standard_introspection_query_passes() {
    let app = App::seeded().await;
    let data = app
        .data(include_str!("fixtures/introspection.graphql"), json!({}))
        .await;
    assert!(data["__schema"]["types"].as_array().unwrap().len() > 30);
}

#[tokio::test]
async fn slow_requests_time_out_with_a_clear_error() {
    let app = App::seeded_uncached(Config {
        request_timeout_ms: 1,
        ..Config::defaults()
    })
    .await;
    // The first request after start reads the reference data, then the table's facts: far
    // more than 1 ms.
    let (status, body) = app
        .post(&example("PrintedTable"), json!({"number": 5}))
        .await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::SERVICE_UNAVAILABLE, "TIMEOUT"),
        "{body}"
    );
}

#[tokio::test]
async fn status_codes_follow_the_accepted_media_type() {
    let app = App::seeded().await;
    let gql = "application/graphql-response+json";
    // Parse failure: 400 with the spec's type (no data entry), 200 with plain JSON.
    let (status, body) = app
        .send(post_json(json!({"query": "{"}).to_string(), gql))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body.get("data").is_none() && error_code(&body) == "GRAPHQL_PARSE_FAILED",
        "{body}"
    );
    let (status, body) = app
        .send(post_json(
            json!({"query": "{"}).to_string(),
            "application/json",
        ))
        .await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::OK, "GRAPHQL_PARSE_FAILED")
    );
    // Validation failure and variable coercion failure.
    let (status, body) = app
        .send(post_json(json!({"query": "{ nope }"}).to_string(), gql))
        .await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::BAD_REQUEST, "GRAPHQL_VALIDATION_FAILED")
    );
    let (status, _) = app.send(post_json(json!({"query": "query($y: Int!) { department(code: \"x\") { budget(year: $y) { unit } } }", "variables": {"y": "x"}}).to_string(), gql)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // Success: 200 and the matching content type.
    let request = post_json(
        json!({"query": "{ fiscalYears { year } }"}).to_string(),
        gql,
    );
    let response = tower::ServiceExt::oneshot(
        api::server::router(AppState::new(app.test.db.clone()).await),
        request,
    )
    .await
    .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()[header::CONTENT_TYPE],
        "application/graphql-response+json; charset=utf-8"
    );
    // Unacceptable Accept, missing content type, bad JSON, missing query.
    let request = Request::post("/graphql")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ACCEPT, "text/plain")
        .body(Body::from("{}"))
        .unwrap();
    assert_eq!(app.send(request).await.0, StatusCode::NOT_ACCEPTABLE);
    let request = Request::post("/graphql")
        .body(Body::from(
            json!({"query": "{ fiscalYears { year } }"}).to_string(),
        ))
        .unwrap();
    assert_eq!(
        app.send(request).await.0,
        StatusCode::UNSUPPORTED_MEDIA_TYPE
    );
    assert_eq!(
        app.send(post_json("{not json".into(), gql)).await.0,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        app.send(post_json("{}".into(), gql)).await.0,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        app.send(Request::delete("/graphql").body(Body::empty()).unwrap())
            .await
            .0,
        StatusCode::METHOD_NOT_ALLOWED
    );
    // GET with JSON variables and an operation name.
    let uri = "/graphql?query=query%20Y(%24c%3AString!)%7Bdepartment(code%3A%24c)%7Bcode%7D%7D&operationName=Y&variables=%7B%22c%22%3A%22pingshan-gsbdc%22%7D";
    let (status, body) = app
        .send(Request::get(uri).body(Body::empty()).unwrap())
        .await;
    assert_eq!(
        (status, body["data"]["department"]["code"].clone()),
        (StatusCode::OK, json!("pingshan-gsbdc"))
    );
}

#[tokio::test]
async fn get_responses_carry_etags_and_revalidate_with_304() {
    let test = TestDb::seeded().await;
    let db = test.db.clone();
    let state = AppState::new(db.clone()).await;
    let app = App::with_state(test, state.clone());
    let uri = "/graphql?query=%7BfiscalYears%7Byear%7D%7D";
    let response = tower::ServiceExt::oneshot(
        api::server::router(state.clone()),
        Request::get(uri).body(Body::empty()).unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let etag = response.headers()[header::ETAG]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        response.headers()[header::CACHE_CONTROL]
            .to_str()
            .unwrap()
            .starts_with("public, max-age=")
    );
    assert!(etag.starts_with("\"v1-"), "{etag}");
    // Revalidation: 304 with no body and no database work.
    app.test.statements.store(0, Ordering::SeqCst);
    let request = get_with(uri, header::IF_NONE_MATCH, &etag);
    let (status, body) = app.send(request).await;
    assert_eq!((status, body), (StatusCode::NOT_MODIFIED, json!("")));
    assert_eq!(app.test.statements.load(Ordering::SeqCst), 0);
    // The second identical request is answered from the in-process cache.
    let _ = app
        .send(Request::get(uri).body(Body::empty()).unwrap())
        .await;
    assert_eq!(app.test.statements.load(Ordering::SeqCst), 0);
    // A load changes the data version: the old ETag no longer matches.
    let dir = crate::common::temp_dir("etag");
    seed::synth::write(dir.path(), &seed::synth::Shape::new(1, 1)).unwrap();
    seed::load(&db, &seed::DataSource::Dir(dir.path().to_owned()))
        .await
        .unwrap();
    assert_eq!(state.refresh_data_version().await, 2);
    let request = get_with(uri, header::IF_NONE_MATCH, &etag);
    let response = tower::ServiceExt::oneshot(api::server::router(state), request)
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()[header::ETAG]
            .to_str()
            .unwrap()
            .starts_with("\"v2-")
    );
    // POST responses are not for shared caches.
    let response = tower::ServiceExt::oneshot(
        api::server::router(AppState::new(db).await),
        post_json(
            json!({"query": "{ fiscalYears { year } }"}).to_string(),
            "application/json",
        ),
    )
    .await
    .unwrap();
    assert_eq!(response.headers()[header::CACHE_CONTROL], "no-store");
}

#[tokio::test]
async fn the_response_cache_is_bounded() {
    let app = App::seeded_with(Config {
        cache_entries: 1000,
        cache_bytes: 4096,
        ..Config::defaults()
    })
    .await;
    let state = app.state.clone();
    for code in ["pingshan-gsdmb", "pingshan-gsbdc"] {
        for year in [2022, 2023] {
            let query = format!(
                r#"{{ department(code: "{code}") {{ budget(year: {year}) {{ headlines {{ key name nameEn amount }} }} }} }}"#
            );
            app.data(&query, json!({})).await;
        }
    }
    let (entries, bytes) = state.graphql.cache.usage();
    assert!(
        bytes <= 4096 && entries >= 1,
        "{entries} entries, {bytes} bytes"
    );
}

#[tokio::test]
async fn automatic_persisted_queries_keep_get_urls_short() {
    let app = App::seeded().await;
    let query = "{ fiscalYears { year } }";
    let ext = |h: &str| {
        format!(
            "%7B%22persistedQuery%22%3A%7B%22version%22%3A1%2C%22sha256Hash%22%3A%22{h}%22%7D%7D"
        )
    };
    let real = sha256_hex(query.as_bytes());
    let by_hash = format!("/graphql?extensions={}", ext(&real));
    let get_by_hash = || app.send(Request::get(&by_hash).body(Body::empty()).unwrap());
    // Unknown hash: the client is told to send the query once.
    let (_, body) = get_by_hash().await;
    assert_eq!(error_message(&body), "PersistedQueryNotFound", "{body}");
    let register = json!({"query": query, "extensions": {"persistedQuery": {"version": 1, "sha256Hash": real}}});
    let (status, body) = app
        .send(post_json(register.to_string(), "application/json"))
        .await;
    assert_eq!(
        (status, body["data"]["fiscalYears"][0]["year"].clone()),
        (StatusCode::OK, json!(2022))
    );
    let (status, body) = get_by_hash().await;
    assert_eq!(
        (status, body["data"]["fiscalYears"][1]["year"].clone()),
        (StatusCode::OK, json!(2023)),
        "{body}"
    );
}

#[tokio::test]
async fn operations_headers_cors_compression_request_ids_and_health() {
    let app = App::seeded().await;
    let router = api::server::router(AppState::new(app.test.db.clone()).await);
    let request = Request::post("/graphql")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ORIGIN, "https://portal.example")
        .header(header::ACCEPT_ENCODING, "gzip")
        .body(Body::from(
            json!({"query": example("EconomicTree")}).to_string(),
        ))
        .unwrap();
    let response = tower::ServiceExt::oneshot(router.clone(), request)
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
    assert_eq!(response.headers()[header::CONTENT_ENCODING], "gzip");
    assert!(!response.headers()["x-request-id"].is_empty());
    let preflight = Request::options("/graphql")
        .header(header::ORIGIN, "https://portal.example")
        .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
        .header(header::ACCESS_CONTROL_REQUEST_HEADERS, "content-type")
        .body(Body::empty())
        .unwrap();
    let response = tower::ServiceExt::oneshot(router.clone(), preflight)
        .await
        .unwrap();
    assert!(response.status().is_success());
    assert!(
        response
            .headers()
            .contains_key(header::ACCESS_CONTROL_ALLOW_METHODS)
    );
    for path in ["/healthz", "/readyz"] {
        let response = tower::ServiceExt::oneshot(
            router.clone(),
            Request::get(path).body(Body::empty()).unwrap(),
        )
        .await
        .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
    }
    // Configured origins only.
    let config = Config {
        cors_origins: "https://allowed.example".into(),
        ..Config::defaults()
    };
    let router = api::server::router(AppState::with_config(app.test.db.clone(), &config).await);
    let request = get_with("/healthz", header::ORIGIN, "https://other.example");
    let response = tower::ServiceExt::oneshot(router, request).await.unwrap();
    assert!(
        !response
            .headers()
            .contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN)
    );
}

#[tokio::test]
async fn readiness_fails_when_the_database_is_gone() {
    let test = TestDb::seeded().await;
    let state = AppState::new(test.db.clone()).await;
    test.db.clone().close().await.unwrap();
    let response = tower::ServiceExt::oneshot(
        api::server::router(state),
        Request::get("/readyz").body(Body::empty()).unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
}

#[tokio::test]
async fn graceful_shutdown_finishes_in_flight_requests_and_refuses_new_ones() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let test = TestDb::seeded().await;
    let state = AppState::new(test.db.clone()).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let stop = std::sync::Arc::new(tokio::sync::Notify::new());
    let signal = stop.clone();
    let server = tokio::spawn(api::server::serve(listener, state, async move {
        signal.notified().await
    }));

    // Start a request and send only half of its body.
    let body = json!({"query": "{ fiscalYears { year } }"}).to_string();
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let head = format!(
        "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let (first, rest) = body.split_at(10);
    stream.write_all(first.as_bytes()).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    stop.notify_one();
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    // The in-flight request still completes.
    stream.write_all(rest.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("\"year\":2023"), "{response}");
    // The server then exits cleanly and accepts no new connections.
    tokio::time::timeout(std::time::Duration::from_secs(5), server)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert!(tokio::net::TcpStream::connect(address).await.is_err());
}

/// A deterministic xorshift for the fuzzer.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 as usize
    }
}

fn mutate(query: &str, rng: &mut Rng) -> String {
    let mut chars: Vec<char> = query.chars().collect();
    const PIECES: &[&str] = &[
        "{",
        "}",
        "(",
        ")",
        "\"",
        "...",
        "@skip(if: true)",
        "$x",
        ":",
        "first: 100",
        "__typename",
        "\\u0000",
        "#",
        "🙂",
        "999999999999999999999",
        "-1",
        "null",
        "[",
        "]",
        "on Query",
        "fragment F on Query { a }",
    ];
    for _ in 0..1 + rng.next() % 4 {
        let at = if chars.is_empty() {
            0
        } else {
            rng.next() % chars.len()
        };
        match rng.next() % 4 {
            0 if !chars.is_empty() => {
                chars.remove(at);
            }
            1 => chars
                .splice(at..at, PIECES[rng.next() % PIECES.len()].chars())
                .for_each(drop),
            2 if chars.len() > 2 => {
                let end = (at + 1 + rng.next() % 40).min(chars.len());
                let copy: Vec<char> = chars[at..end].to_vec();
                chars.splice(at..at, copy).for_each(drop);
            }
            _ => chars.truncate(at),
        }
    }
    chars.into_iter().collect()
}

#[tokio::test]
async fn fuzzed_queries_always_get_well_formed_responses() {
    let app = App::seeded().await;
    let mut rng = Rng(0x5eed_1234_abcd_ef01);
    let mut sent = 0;
    let sources: Vec<String> = crate::common::examples()
        .iter()
        .map(|n| example(n))
        .collect();
    for round in 0..400 {
        let query = if round % 5 == 4 {
            // A random document from GraphQL-ish tokens.
            let tokens = [
                "{",
                "}",
                "department",
                "(code: \"pingshan-gsdmb\")",
                "budget(year: 2023)",
                "lines(scheme: FUNCTIONAL)",
                "code",
                "children",
                "query",
                "...",
                "on",
                "Department",
                "fiscalYears",
                "year",
                "@include(if: false)",
                "alias:",
            ];
            (0..rng.next() % 30)
                .map(|_| tokens[rng.next() % tokens.len()])
                .collect::<Vec<_>>()
                .join(" ")
        } else {
            mutate(&sources[rng.next() % sources.len()], &mut rng)
        };
        let (status, body) = app
            .post(&query, json!({"id": "RGVwYXJ0bWVudDpwaW5nc2hhbi1nc2RtYg"}))
            .await;
        assert!(
            matches!(status.as_u16(), 200 | 400),
            "{status} for {query:?}"
        );
        let object = body
            .as_object()
            .unwrap_or_else(|| panic!("not a JSON object for {query:?}: {body}"));
        let errors_ok = object.get("errors").is_none_or(|e| {
            e.as_array()
                .is_some_and(|a| !a.is_empty() && a.iter().all(|e| e["message"].is_string()))
        });
        assert!(
            errors_ok && (object.contains_key("data") || object.contains_key("errors")),
            "malformed response for {query:?}: {body}"
        );
        sent += 1;
    }
    assert_eq!(sent, 400);
    still_serves(&app).await;
}

/// FunctionalTree over an app with `config` and no response cache, refused past a limit: 200
/// and `RESPONSE_TOO_LARGE`. Returns the app and the response.
async fn functional_tree_too_large(config: Config) -> (App, Value) {
    let app = App::seeded_uncached(config).await;
    let (status, body) = app.post(&example("FunctionalTree"), json!({})).await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::OK, "RESPONSE_TOO_LARGE"),
        "{body}"
    );
    (app, body)
}

#[tokio::test]
async fn answers_over_the_response_and_row_limits_are_refused_with_a_code() {
    let (app, body) = functional_tree_too_large(Config {
        max_response_bytes: 1_000,
        ..Config::defaults()
    })
    .await;
    assert_eq!(body["data"], Value::Null, "{body}");
    assert!(body.to_string().len() < 1_000);
    // A small answer passes.
    let data = app.data("{ fiscalYears { year } }", json!({})).await;
    assert_eq!(data["fiscalYears"][1]["year"], 2023);

    // Rows are counted as they are read, whatever the query's shape: past the limit, the
    // fields that would read more fail with the same code.
    let (app, body) = functional_tree_too_large(Config {
        max_rows_per_request: 10,
        ..Config::defaults()
    })
    .await;
    assert!(error_message(&body).contains("more than 10 rows"), "{body}");
    let data = app.data(&example("History"), json!({})).await;
    assert_eq!(
        data["department"]["budgets"][1]["expenditureTotal"],
        "29760"
    );
}
