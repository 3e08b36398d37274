//! Operating a public endpoint: per-client rate limits by cost (429 with `Retry-After`, the
//! IETF `RateLimit-*` headers, trusted proxies, bounded client state) and the Prometheus
//! metrics, read back with a real exposition parser; and what a newcomer meets first: a port
//! in use, and a test run that leaves nothing behind.

use crate::common::{App, TestDb, content_type};
use api::config::Config;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Request, StatusCode, header};
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::sync::atomic::Ordering;

/// Clients get `points` a minute; the response cache is off, so every request pays.
fn rate_limited(points: u64) -> Config {
    Config {
        rate_limit_points_per_minute: points,
        cache_entries: 0,
        ..Config::defaults()
    }
}

/// Extra request headers, as (name, value).
type Extra<'a> = [(&'a str, &'a str)];

/// A POST from `peer`, as `serve` would see it, with extra headers.
fn post_from(peer: &str, query: &str, headers: &Extra) -> Request<Body> {
    let mut builder = Request::post("/graphql").header(header::CONTENT_TYPE, "application/json");
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    let mut request = builder
        .body(Body::from(json!({ "query": query }).to_string()))
        .unwrap();
    let peer: SocketAddr = format!("{peer}:40000").parse().unwrap();
    request.extensions_mut().insert(ConnectInfo(peer));
    request
}

/// A cheap POST from `peer` with extra headers; the status and headers of the answer.
async fn cheap_from(app: &App, peer: &str, headers: &Extra<'_>) -> (StatusCode, HeaderMap) {
    let (status, headers, _) = app.send_raw(post_from(peer, CHEAP, headers)).await;
    (status, headers)
}

fn number(headers: &HeaderMap, name: &str) -> u64 {
    headers
        .get(name)
        .unwrap_or_else(|| panic!("no {name} header"))
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

/// Costs 2 points (two fields).
const CHEAP: &str = "{ fiscalYears { year } }";

#[tokio::test]
async fn a_client_over_budget_gets_429_while_others_are_served() {
    let app = App::seeded_with(rate_limited(10)).await;
    let mut remaining = Vec::new();
    for _ in 0..5 {
        let (status, headers) = cheap_from(&app, "127.0.0.1", &[]).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(number(&headers, "ratelimit-limit"), 10);
        remaining.push(number(&headers, "ratelimit-remaining"));
        assert!(number(&headers, "ratelimit-reset") >= 1);
    }
    assert_eq!(remaining, [8, 6, 4, 2, 0]);

    // Over budget: 429, the headers and the code, and nothing runs.
    app.test.statements.store(0, Ordering::SeqCst);
    let (status, headers, body) = app.send_raw(post_from("127.0.0.1", CHEAP, &[])).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(app.test.statements.load(Ordering::SeqCst), 0);
    let retry_after = number(&headers, header::RETRY_AFTER.as_str());
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    assert_eq!(number(&headers, "ratelimit-remaining"), 0);
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["errors"][0]["extensions"]["code"], "RATE_LIMITED");
    assert!(body.get("data").is_none());

    // Another address has its own budget; health and metrics are never limited.
    let (status, headers) = cheap_from(&app, "127.0.0.2", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(number(&headers, "ratelimit-remaining"), 8);
    for path in ["/healthz", "/readyz", "/metrics"] {
        let mut request = Request::get(path).body(Body::empty()).unwrap();
        request.extensions_mut().insert(ConnectInfo(
            "127.0.0.1:40000".parse::<SocketAddr>().unwrap(),
        ));
        let (status, headers, _) = app.send_raw(request).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(!headers.contains_key("ratelimit-limit"), "{path}");
    }

    // The headers can be read by browsers.
    let (_, headers) = cheap_from(&app, "127.0.0.3", &[("origin", "https://a.example")]).await;
    let exposed = headers[header::ACCESS_CONTROL_EXPOSE_HEADERS]
        .to_str()
        .unwrap()
        .to_ascii_lowercase();
    for name in [
        "ratelimit-limit",
        "ratelimit-remaining",
        "ratelimit-reset",
        "retry-after",
    ] {
        assert!(exposed.contains(name), "{name}: {exposed}");
    }
}

#[tokio::test]
async fn the_budget_refills_and_costly_queries_spend_more() {
    let app = App::seeded_with(rate_limited(600)).await; // 10 points a second
    let (_, headers, _) = app
        .send_raw(post_from(
            "127.0.0.1",
            r#"{ department(code: "pingshan-gsdmb") { budget(year: 2023) { lines(scheme: FUNCTIONAL) { code amount } } } }"#,
            &[],
        ))
        .await;
    let after_tree = number(&headers, "ratelimit-remaining");
    assert!(
        after_tree < 598,
        "a tree costs more than two fields: {after_tree} left"
    );
    // Spend everything, then wait: the budget comes back continuously.
    let mut status = StatusCode::OK;
    for _ in 0..400 {
        (status, _) = cheap_from(&app, "127.0.0.1", &[]).await;
        if status == StatusCode::TOO_MANY_REQUESTS {
            break;
        }
    }
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    assert_eq!(cheap_from(&app, "127.0.0.1", &[]).await.0, StatusCode::OK);
}

#[tokio::test]
async fn forwarded_addresses_count_only_from_trusted_proxies() {
    let config = Config {
        trusted_proxies: "127.0.0.1".parse().unwrap(),
        ..rate_limited(4)
    };
    let app = App::seeded_with(config).await;
    let via = |client: &'static str| [("x-forwarded-for", client)];
    let forwarded = [("forwarded", "for=203.0.113.8;proto=https")];
    let (ok, over) = (StatusCode::OK, StatusCode::TOO_MANY_REQUESTS);
    let steps: [(&str, &Extra, StatusCode); 7] = [
        // Through the trusted proxy, each forwarded client has its own budget.
        ("127.0.0.1", &via("203.0.113.7"), ok),
        ("127.0.0.1", &via("203.0.113.7"), ok),
        ("127.0.0.1", &via("203.0.113.7"), over),
        ("127.0.0.1", &forwarded, ok),
        // From an untrusted peer the header is ignored: the peer pays, whatever it claims.
        ("127.0.0.9", &via("198.51.100.1"), ok),
        ("127.0.0.9", &via("198.51.100.2"), ok),
        ("127.0.0.9", &via("198.51.100.3"), over),
    ];
    for (n, (peer, headers, expected)) in steps.into_iter().enumerate() {
        let (status, _) = cheap_from(&app, peer, headers).await;
        assert_eq!(status, expected, "step {n}: {peer} {headers:?}");
    }
}

#[tokio::test]
async fn ten_thousand_clients_keep_the_state_bounded() {
    let config = Config {
        rate_limit_max_clients: 1_000,
        ..Config::defaults()
    };
    let app = App::seeded_with(config).await;
    for n in 0..10_000u32 {
        let peer = std::net::Ipv4Addr::from(0x0a00_0000 + n).to_string();
        // A response-cache hit after the first: spends the small fixed cost.
        let (status, headers) = cheap_from(&app, &peer, &[]).await;
        assert_eq!(status, StatusCode::OK);
        if n == 9_999 {
            assert_eq!(number(&headers, "ratelimit-remaining"), 59_999);
        }
    }
    let scrape = scrape(&app).await;
    assert_eq!(gauge(&scrape, "budget_rate_limit_clients", &[]), 1_000.0);
}

async fn scrape(app: &App) -> prometheus_parse::Scrape {
    let (status, headers, text) = app.get("/metrics").await;
    assert_eq!(status, StatusCode::OK);
    assert!(content_type(&headers).starts_with("text/plain"));
    prometheus_parse::Scrape::parse(text.lines().map(|l| Ok(l.to_owned()))).expect("exposition")
}

fn matches(sample: &prometheus_parse::Sample, name: &str, labels: &[(&str, &str)]) -> bool {
    sample.metric == name && labels.iter().all(|(k, v)| sample.labels.get(k) == Some(*v))
}

fn gauge(scrape: &prometheus_parse::Scrape, name: &str, labels: &[(&str, &str)]) -> f64 {
    scrape
        .samples
        .iter()
        .find(|s| matches(s, name, labels))
        .map(|s| match s.value {
            prometheus_parse::Value::Gauge(v)
            | prometheus_parse::Value::Counter(v)
            | prometheus_parse::Value::Untyped(v) => v,
            _ => panic!("{name} is not a single value"),
        })
        .unwrap_or(0.0)
}

/// Observations of a histogram (its `+Inf` bucket).
fn observations(scrape: &prometheus_parse::Scrape, name: &str, labels: &[(&str, &str)]) -> f64 {
    scrape
        .samples
        .iter()
        .filter(|s| matches(s, name, labels))
        .map(|s| match &s.value {
            prometheus_parse::Value::Histogram(buckets) => buckets
                .iter()
                .find(|b| b.less_than.is_infinite())
                .map_or(0.0, |b| b.count),
            _ => panic!("{name} is not a histogram"),
        })
        .sum()
}

#[tokio::test]
async fn metrics_count_what_was_sent() {
    // The recorder is process-wide and tests run in parallel: operation names only this test
    // sends keep its counts apart.
    let app = App::seeded_uncached(Config::defaults()).await;
    let before = scrape(&app).await;
    for _ in 0..3 {
        app.data("query MetricsProbeOk { fiscalYears { year } }", json!({}))
            .await;
    }
    for _ in 0..2 {
        let (_, body) = app
            .post(
                r#"query MetricsProbeError { node(id: "zzz") { id } }"#,
                json!({}),
            )
            .await;
        assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
    }
    let (status, _) = app.post("query MetricsProbeBad { nope }", json!({})).await;
    assert_eq!(status, StatusCode::OK);
    let after = scrape(&app).await;

    let delta = |name: &str, labels: &[(&str, &str)]| {
        observations(&after, name, labels) - observations(&before, name, labels)
    };
    let duration = "budget_graphql_request_duration_seconds";
    assert_eq!(
        delta(
            duration,
            &[("operation", "MetricsProbeOk"), ("outcome", "ok")]
        ),
        3.0
    );
    assert_eq!(
        delta(
            duration,
            &[("operation", "MetricsProbeError"), ("outcome", "error")]
        ),
        2.0
    );
    assert_eq!(
        delta(
            duration,
            &[
                ("operation", "MetricsProbeBad"),
                ("outcome", "request_error")
            ]
        ),
        1.0
    );
    let errors = |operation: &str, code: &str, scrape: &prometheus_parse::Scrape| {
        gauge(
            scrape,
            "budget_graphql_errors_total",
            &[("operation", operation), ("code", code)],
        )
    };
    assert_eq!(errors("MetricsProbeError", "BAD_USER_INPUT", &after), 2.0);
    assert_eq!(
        errors("MetricsProbeBad", "GRAPHQL_VALIDATION_FAILED", &after),
        1.0
    );
    assert!(
        gauge(&after, "budget_sql_statements_total", &[])
            > gauge(&before, "budget_sql_statements_total", &[])
    );
    assert!(observations(&after, "budget_sql_statement_duration_seconds", &[]) > 0.0);
    assert!(gauge(&after, "budget_db_pool_connections", &[("state", "max")]) >= 1.0);
    assert_eq!(gauge(&after, "budget_data_version", &[]), 1.0);
    assert_eq!(
        gauge(
            &after,
            "budget_build_info",
            &[("version", env!("CARGO_PKG_VERSION"))]
        ),
        1.0
    );
}

#[tokio::test]
async fn operation_labels_stay_bounded_whatever_clients_send() {
    let names = api::metrics::OperationNames::new(&["FunctionalTree"]);
    assert_eq!(names.label(Some("FunctionalTree")), "FunctionalTree");
    assert_eq!(names.label(None), "anonymous");
    assert_eq!(names.label(Some("has space")), "other");
    let distinct: std::collections::HashSet<String> = (0..10_000)
        .map(|n| names.label(Some(&format!("Op{n}"))))
        .collect();
    assert!(
        distinct.len() <= api::metrics::MAX_OPERATIONS + 9,
        "{}",
        distinct.len()
    );
    assert!(distinct.contains("other"));
}

/// A port in use: the error names the address and the way out (`PORT`).
#[tokio::test]
async fn a_port_in_use_is_named_with_the_way_out() {
    let test = TestDb::seeded().await;
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let config = Config {
        host: "127.0.0.1".into(),
        port,
        database_url: test.url.clone(),
        ..Config::defaults()
    };
    let error = api::server::run(config).await.unwrap_err().to_string();
    assert!(
        error.starts_with(&format!("cannot listen on 127.0.0.1:{port}: "))
            && error.contains("PORT"),
        "{error}"
    );
}

/// A test's SQLite database and the files beside it are removed when the test is done, also
/// after the server has used it (the issue found ~34 files, 21 MB, in /tmp after each run).
#[tokio::test]
async fn test_databases_leave_no_files_behind() {
    let app = App::seeded().await;
    app.data(CHEAP, json!({})).await;
    let files = app.test.files();
    drop(app);
    for file in files {
        assert!(!file.exists(), "{} is left behind", file.display());
    }
}
