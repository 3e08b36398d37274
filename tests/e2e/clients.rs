//! What real clients rely on: responses exactly as the GraphQL spec and GraphQL over HTTP say
//! (keys in selection order on every path, errored fields present as `null`, bad input refused
//! before execution, a code on every error), headers browsers can read, and a playground that
//! needs nothing but this server.

use crate::common::{App, content_type, error_message, example, get_with, sha256_hex, url_escape};
use axum::body::Body;
use axum::http::{HeaderValue, Request, StatusCode, header};
use serde_json::{Value, json};

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

fn post(query: &str, variables: Value, accept: &str) -> Request<Body> {
    Request::post("/graphql")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ACCEPT, accept)
        .body(Body::from(
            json!({ "query": query, "variables": variables }).to_string(),
        ))
        .unwrap()
}

fn get(query: &str, accept: &str) -> Request<Body> {
    let uri = format!(
        "/graphql?query={}",
        url_escape(query) // GET is what CDNs and the response cache serve
    );
    get_with(uri, header::ACCEPT, accept)
}

/// Every error in a response body carries a string `extensions.code`.
fn assert_codes(body: &Value) {
    for error in body["errors"].as_array().into_iter().flatten() {
        assert!(
            error["extensions"]["code"].is_string(),
            "error without a code: {body}"
        );
    }
}

#[tokio::test]
async fn keys_follow_the_selection_order_on_every_path() {
    let app = App::seeded().await;
    let query = r#"{ zzz: fiscalYears { year } aaa: fiscalYears { year }
                     department(code: "pingshan-gsdmb") { name code } }"#;
    let expected = r#"{"data":{"zzz":[{"year":2022},{"year":2023}],"aaa":[{"year":2022},{"year":2023}],"department":{"name":"深圳市坪山区政务服务数据管理局","code":"pingshan-gsdmb"}}}"#;
    for accept in ["application/json", GRAPHQL_RESPONSE] {
        let (status, _, body) = app.send_raw(post(query, json!({}), accept)).await;
        assert_eq!((status, body.as_str()), (StatusCode::OK, expected));
        // Twice: the second answer comes from the response cache.
        for _ in 0..2 {
            let (status, headers, body) = app.send_raw(get(query, accept)).await;
            assert_eq!((status, body.as_str()), (StatusCode::OK, expected));
            assert!(headers.contains_key(header::ETAG));
        }
    }
}

#[tokio::test]
async fn an_errored_nullable_field_is_null_in_place() {
    let app = App::seeded().await;
    let (status, _, body) = app
        .send_raw(post(
            r#"{ fiscalYears { year } node(id: "zzz") { id } glossary { term } }"#,
            json!({}),
            GRAPHQL_RESPONSE,
        ))
        .await;
    assert_eq!(status, StatusCode::OK);
    let value: Value = serde_json::from_str(&body).unwrap();
    let keys: Vec<&String> = value["data"].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["fiscalYears", "node", "glossary"], "{body}");
    assert_eq!(value["data"]["node"], Value::Null);
    assert_eq!(value["errors"][0]["path"], json!(["node"]));
    assert_eq!(value["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
}

#[tokio::test]
async fn a_failed_non_null_field_nulls_its_nearest_nullable_parent() {
    let app = App::seeded().await;
    // `headlines` is `[Headline!]!` inside the nullable `budget`; its table is gone (after
    // the reference data, which holds the printed totals, was read).
    app.data("{ fiscalYears { year } }", json!({})).await;
    app.execute("DROP TABLE headline").await;
    let (status, body) = app
        .post(
            r#"{ department(code: "pingshan-gsdmb") { code
                   budget(year: 2023) { unit headlines { name } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body["data"],
        json!({"department": {"code": "pingshan-gsdmb", "budget": null}}),
        "{body}"
    );
    let errors = body["errors"].as_array().unwrap();
    assert!(!errors.is_empty());
    assert!(errors.iter().all(|e| e["extensions"]["code"] == "INTERNAL"));
    assert_eq!(
        errors[0]["path"],
        json!(["department", "budget", "headlines"])
    );
}

#[tokio::test]
async fn an_execution_error_at_the_root_keeps_data_null_with_200() {
    let app = App::seeded().await;
    for accept in [GRAPHQL_RESPONSE, "application/json"] {
        let (status, _, body) = app
            .send_raw(post(
                "{ departments(first: 101) { totalCount } }",
                json!({}),
                accept,
            ))
            .await;
        assert_eq!(status, StatusCode::OK, "{accept}: {body}");
        let value: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(value.get("data"), Some(&Value::Null), "{body}");
        assert_eq!(value["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
    }
}

#[tokio::test]
async fn out_of_range_ints_are_refused_before_execution() {
    let app = App::seeded().await;
    let cases = [
        (
            "{ fiscalYears { year } classification(scheme: FUNCTIONAL, level: 3000000000) { code } }",
            json!({}),
            "GRAPHQL_VALIDATION_FAILED",
        ),
        (
            "query ($l: Int) { fiscalYears { year } classification(scheme: FUNCTIONAL, level: $l) { code } }",
            json!({ "l": 3_000_000_000_i64 }),
            "BAD_USER_INPUT",
        ),
        (
            r#"query ($y: Int!) { department(code: "pingshan-gsdmb") { budget(year: $y) { unit } } }"#,
            json!({ "y": -2_147_483_649_i64 }),
            "BAD_USER_INPUT",
        ),
        (
            r#"{ ...F } fragment F on QueryRoot { department(code: "pingshan-gsdmb") { budget(year: 99999999999) { unit } } }"#,
            json!({}),
            "GRAPHQL_VALIDATION_FAILED",
        ),
    ];
    for (query, variables, code) in cases {
        // A request error: 400 and no `data` entry under the spec's media type …
        let (status, _, body) = app
            .send_raw(post(query, variables.clone(), GRAPHQL_RESPONSE))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {body}");
        let value: Value = serde_json::from_str(&body).unwrap();
        assert!(value.get("data").is_none(), "{body}");
        assert_eq!(value["errors"][0]["extensions"]["code"], code, "{body}");
        let message = error_message(&value);
        assert!(
            message.contains("Int cannot represent non 32-bit signed integer value"),
            "{body}"
        );
        // … and 200 with no `data` under application/json.
        let (status, _, body) = app
            .send_raw(post(query, variables, "application/json"))
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(!body.contains("\"data\""), "{body}");
    }
    // A required variable that is not given is a request error too, whatever the field.
    for (query, variables, code) in [
        (
            "query ($s: Scheme!) { classification(scheme: $s) { code } }",
            json!({}),
            "BAD_USER_INPUT",
        ),
        (
            r#"query ($y: Int!) { department(code: "pingshan-gsdmb") { code budget(year: $y) { unit } } }"#,
            json!({}),
            "BAD_USER_INPUT",
        ),
        (
            r#"query ($y: Int!) { department(code: "pingshan-gsdmb") { code budget(year: $y) { unit } } }"#,
            json!({ "y": null }),
            "GRAPHQL_VALIDATION_FAILED",
        ),
    ] {
        let (status, _, body) = app.send_raw(post(query, variables, GRAPHQL_RESPONSE)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        let value: Value = serde_json::from_str(&body).unwrap();
        assert!(value.get("data").is_none(), "{body}");
        assert_eq!(value["errors"][0]["extensions"]["code"], code, "{body}");
    }
    // PostgreSQL cannot hold NUL in text: refused as bad input, never an internal error.
    for (query, variables) in [
        ("{ department(code: \"a\\u0000b\") { code } }", json!({})),
        (
            "query ($c: String!) { project(key: $c) { key } }",
            json!({ "c": "x\u{0}y" }),
        ),
    ] {
        let (status, _, body) = app.send_raw(post(query, variables, GRAPHQL_RESPONSE)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        let value: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(
            value["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
            "{body}"
        );
    }
    // Defaults and nullable variables need no value.
    app.data(
        "query ($l: Int, $s: Scheme! = FUNCTIONAL) { classification(scheme: $s, level: $l) { code } }",
        json!({}),
    )
    .await;
    // The limits themselves still pass.
    let data = app
        .data(
            "query ($l: Int) { classification(scheme: FUNCTIONAL, level: $l) { code } }",
            json!({ "l": 2_147_483_647_i64 }),
        )
        .await;
    assert_eq!(data["classification"], json!([]));
}

#[tokio::test]
async fn every_error_carries_a_code() {
    let app = App::seeded().await;
    for (query, variables) in [
        ("{ fiscalYears { year ", json!({})),
        ("{ nope }", json!({})),
        (
            "query ($y: Int!) { fiscalYears { year } }",
            json!({ "y": "x" }),
        ),
        (
            r#"query ($y: Int!) { department(code: "pingshan-gsdmb") { budget(year: $y) { unit } } }"#,
            json!({}),
        ),
        ("{ departments(first: -1) { totalCount } }", json!({})),
        (r#"{ node(id: "RGVwYXJ0bWVudA") { id } }"#, json!({})),
        (
            r#"{ classificationNode(scheme: FUNCTIONAL, code: 201) { code } }"#,
            json!({}),
        ),
        ("subscription { x }", json!({})),
        ("mutation { x }", json!({})),
    ] {
        for accept in [GRAPHQL_RESPONSE, "application/json"] {
            let (_, body) = app.send(post(query, variables.clone(), accept)).await;
            assert!(body["errors"].is_array(), "{query}: {body}");
            assert_codes(&body);
        }
    }
}

#[tokio::test]
async fn persisted_query_misses_carry_apollos_code() {
    let app = App::seeded().await;
    let extensions = json!({"persistedQuery": {"version": 1, "sha256Hash":
        "0000000000000000000000000000000000000000000000000000000000000000"}});
    let request = Request::get(format!(
        "/graphql?extensions={}",
        url_escape(&extensions.to_string())
    ))
    .body(Body::empty())
    .unwrap();
    let (status, body) = app.send(request).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["errors"][0]["message"], "PersistedQueryNotFound");
    assert_eq!(
        body["errors"][0]["extensions"]["code"],
        "PERSISTED_QUERY_NOT_FOUND"
    );
}

#[tokio::test]
async fn browsers_can_read_the_caching_and_request_id_headers() {
    let app = App::seeded().await;
    let mut request = get("{ fiscalYears { year } }", "application/json");
    let origin = HeaderValue::from_static("https://portal.example");
    request.headers_mut().insert(header::ORIGIN, origin);
    let (status, headers, _) = app.send_raw(request).await;
    assert_eq!(status, StatusCode::OK);
    let exposed = headers
        .get(header::ACCESS_CONTROL_EXPOSE_HEADERS)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    for name in ["etag", "x-request-id", "cache-control"] {
        assert!(exposed.contains(name), "{name} not exposed: {exposed}");
    }
}

#[tokio::test]
async fn decimal_is_specified_by_a_document_the_server_serves() {
    let sdl = api::schema::sdl();
    assert!(
        sdl.contains(r#"scalar Decimal @specifiedBy(url: "/docs/scalars/Decimal.md")"#),
        "{sdl}"
    );
    let app = App::seeded().await;
    let (status, headers, body) = app.get("/docs/scalars/Decimal.md").await;
    assert_eq!(status, StatusCode::OK);
    assert!(content_type(&headers).starts_with("text/markdown"));
    assert!(body.contains("A JSON string") && body.contains("null"));
}

/// The vendored files of a page's folder and their recorded checksums.
fn vendored(page: &str) -> Vec<(String, String)> {
    let dir = format!("{}/../api/assets/{page}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(format!("{dir}/SHA256SUMS"))
        .expect("SHA256SUMS")
        .lines()
        .filter_map(|line| {
            let (sum, name) = line.split_once(char::is_whitespace)?;
            Some((
                sum.to_owned(),
                name.trim().trim_start_matches('*').to_owned(),
            ))
        })
        .collect()
}

#[tokio::test]
async fn the_playground_is_served_whole_by_the_api() {
    let app = App::seeded().await;
    let (headers, html) = app.playground().await;
    assert!(headers.contains_key(header::CONTENT_SECURITY_POLICY));
    assert!(
        !html.contains("http://") && !html.contains("https://") && !html.contains("//cdn"),
        "the page names an outside URL: {html}"
    );
    // Every canonical query is a tab, with its text as in examples/.
    let start = html
        .find(r#"<script id="examples" type="application/json">"#)
        .unwrap();
    let data = &html[start..];
    let data = &data[data.find('>').unwrap() + 1..data.find("</script>").unwrap()];
    let tabs: Vec<Value> = serde_json::from_str(data).unwrap();
    let mut names: Vec<&str> = tabs.iter().map(|t| t["name"].as_str().unwrap()).collect();
    names.sort_unstable();
    assert_eq!(names, crate::common::examples());
    for tab in &tabs {
        let name = tab["name"].as_str().unwrap();
        assert_eq!(tab["query"].as_str().unwrap(), example(name));
    }
    let node = tabs.iter().find(|t| t["name"] == "Node").unwrap();
    let variables: Value = serde_json::from_str(node["variables"].as_str().unwrap()).unwrap();
    assert_eq!(variables["id"], crate::common::bureau_id(&app).await);

    // Each script and stylesheet the page loads is served by the API, byte for byte the
    // vendored file whose checksum is recorded.
    assert!(serves_its_files(&app, &html, "playground").await >= 4);
    let (status, _, _) = app.get("/playground/../Cargo.toml").await;
    assert_ne!(status, StatusCode::OK);
}

/// Fetches every `{page}/…` file `html` names; each must be served, and vendored ones must
/// match `SHA256SUMS`. Returns how many were fetched.
async fn serves_its_files(app: &App, html: &str, page: &str) -> usize {
    let sums = vendored(page);
    let mut loaded = 0;
    for piece in html.split(&format!("\"{page}/")).skip(1) {
        let file = piece.split('"').next().unwrap();
        let (status, headers, body) = app.get(&format!("/{page}/{file}")).await;
        assert_eq!(status, StatusCode::OK, "{file}");
        let content_type = content_type(&headers);
        assert!(
            content_type.starts_with("text/javascript") || content_type.starts_with("text/css"),
            "{file}: {content_type}"
        );
        let etag = headers[header::ETAG].to_str().unwrap().to_owned();
        if let Some((sum, _)) = sums.iter().find(|(_, name)| name == file) {
            let actual = sha256_hex(body.as_bytes());
            assert_eq!(&actual, sum, "{file} differs from SHA256SUMS");
        }
        // Revalidation is a 304 with no body.
        let (status, _, body) = app.revalidate(format!("/{page}/{file}"), etag).await;
        assert_eq!((status, body.as_str()), (StatusCode::NOT_MODIFIED, ""));
        loaded += 1;
    }
    loaded
}

#[test]
fn vendored_files_match_their_checksums() {
    for page in ["playground", "explorer"] {
        let dir = format!("{}/../api/assets/{page}", env!("CARGO_MANIFEST_DIR"));
        let sums = vendored(page);
        assert!(sums.len() >= 4, "{page}: {sums:?}");
        for (sum, name) in sums {
            let bytes = std::fs::read(format!("{dir}/{name}")).unwrap();
            let actual = sha256_hex(&bytes);
            assert_eq!(actual, sum, "{page}/{name}");
        }
    }
}

#[tokio::test]
async fn the_explorer_is_served_whole_by_the_api() {
    let app = App::seeded().await;
    // State lives in the query string, so any query string gets the page.
    for uri in ["/", "/?dept=pingshan-gsdmb&year=2023&view=economic&lang=en"] {
        let (status, headers, html) = app.get(uri).await;
        assert_eq!(status, StatusCode::OK);
        assert!(content_type(&headers).starts_with("text/html"));
        assert!(headers.contains_key(header::CONTENT_SECURITY_POLICY));
        assert!(
            !html.contains("http://") && !html.contains("https://"),
            "the page names an outside URL: {html}"
        );
        assert_eq!(serves_its_files(&app, &html, "explorer").await, 3);
    }
    // The licences are served too; the page links to them.
    for file in ["LICENSE.echarts", "NOTICE.echarts", "LICENSE-d3.echarts"] {
        let (status, _, _) = app.get(&format!("/explorer/{file}")).await;
        assert_eq!(status, StatusCode::OK, "{file}");
    }
}

/// The README's curl examples: each `curl` against `/graphql` followed by a `# {…}` line is
/// sent as written, and the answer must be that line byte for byte.
#[tokio::test]
async fn the_readme_examples_match_the_server_byte_for_byte() {
    let readme =
        std::fs::read_to_string(format!("{}/../README.md", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let app = App::seeded().await;
    let lines: Vec<&str> = readme.lines().collect();
    let mut checked = 0;
    for (i, line) in lines.iter().enumerate() {
        let Some(expected) = line.strip_prefix("# {") else {
            continue;
        };
        let expected = format!("{{{expected}");
        let command = lines[..i]
            .iter()
            .rev()
            .take_while(|l| !l.trim().is_empty() && !l.starts_with('#') && !l.starts_with("```"))
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .map(|l| l.trim_end_matches('\\').trim())
            .collect::<Vec<_>>()
            .join(" ");
        if !command.starts_with("curl") || !command.contains("/graphql") {
            continue;
        }
        let request = if let Some((_, body)) = command.split_once(" -d '") {
            let body = body.trim_end_matches('\'');
            Request::post("/graphql")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_owned()))
                .unwrap()
        } else if let Some((_, query)) = command.split_once("--data-urlencode 'query=") {
            get(query.trim_end_matches('\''), "application/json")
        } else {
            panic!("cannot read the README example: {command}");
        };
        let (status, _, body) = app.send_raw(request).await;
        assert_eq!(status, StatusCode::OK, "{command}");
        assert_eq!(body, expected, "README example differs: {command}");
        checked += 1;
    }
    assert!(checked >= 2, "only {checked} README examples found");
}

#[tokio::test]
async fn a_repeated_query_text_is_checked_and_ordered_like_a_new_one() {
    // The parsed document of a text seen before is reused: the checks that depend on the
    // request (variables) and the key order must not be skipped with the parser.
    let app = App::seeded().await;
    // `lines` waits for the database, so `name` and `id` resolve first.
    let query = r#"query($year: Int!) { department(code: "pingshan-gsdmb") {
        budget(year: $year) { lines(scheme: REVENUE) { code } id } name id } }"#;
    for _ in 0..3 {
        let (status, body) = app.post(query, json!({ "year": 2023 })).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let department = body["data"]["department"].as_object().unwrap();
        assert_eq!(
            department.keys().collect::<Vec<_>>(),
            ["budget", "name", "id"],
            "{body}"
        );
        let budget = department["budget"].as_object().unwrap();
        assert_eq!(budget.keys().collect::<Vec<_>>(), ["lines", "id"], "{body}");
    }
    for variables in [json!({ "year": 4_294_967_296_i64 }), json!({})] {
        let (_, body) = app.post(query, variables).await;
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
            "{body}"
        );
        assert!(body.get("data").is_none_or(Value::is_null), "{body}");
    }
}
