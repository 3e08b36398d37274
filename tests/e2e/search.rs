//! `search`: Chinese and English queries over the real disclosure find the expected objects
//! first; prefixes, codes, numbers, filters, paging, no results and hostile text; every hit's
//! object is a `Node` that `node(id:)` finds again; responses are cached and revalidated like
//! any GET.

use crate::common::{App, error_code, get_with, url_escape};
use axum::http::{StatusCode, header};
use serde_json::{Value, json};

const QUERY: &str = r#"query($text: String!, $kinds: [SearchKind!], $years: [Int!], $first: Int, $after: String) {
  search(text: $text, kinds: $kinds, years: $years, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { kind score name nameEn year department { code } object { id }
      snippets { field language text highlights { start end } } } }
  }
}"#;

async fn search(app: &App, variables: Value) -> Value {
    app.data(QUERY, variables).await["search"].clone()
}

fn hits(result: &Value) -> Vec<&Value> {
    result["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["node"])
        .collect()
}

fn names(result: &Value) -> Vec<&str> {
    hits(result)
        .iter()
        .map(|h| h["name"].as_str().unwrap())
        .collect()
}

/// Query → the expected top hit (kind, name), written from the disclosure's text
/// (shared/seeds/000_829e804d26be851d.txt) before the search existed:
/// - 机房: the only sub-item that names a machine room, 坪山区机房扩容（三期）;
/// - 12345: the hotline indicator 市 12345 热线知识库（坪山区）知识条数;
/// - 公务用车: the economic node 30231 公务用车运行维护费 (its whole name is about vehicles);
/// - 2013799 and 20137: the functional nodes with these codes (exact, not their children);
/// - 视频资 (a prefix): a name starting 视频资源智慧管理平台 (the sub-item, or the indicator
///   视频资源智慧管理平台系统巡检);
/// - 网信事务 (a classification name): the node 20137;
/// - Machine Room (English): the sub-item, through its English name.
const TOP: &[(&str, &str, &str)] = &[
    ("机房", "SUBPROJECT", "坪山区机房扩容（三期）"),
    (
        "12345",
        "INDICATOR",
        "市 12345 热线知识库（坪山区）知识条数",
    ),
    ("公务用车", "CLASSIFICATION_NODE", "公务用车运行维护费"),
    ("2013799", "CLASSIFICATION_NODE", "其他网信事务支出"),
    ("20137", "CLASSIFICATION_NODE", "网信事务"),
    ("网信事务", "CLASSIFICATION_NODE", "网信事务"),
    ("machine room", "SUBPROJECT", "坪山区机房扩容（三期）"),
];

#[tokio::test]
async fn queries_find_the_expected_objects_first() {
    let app = App::seeded().await;
    for (text, kind, name) in TOP {
        let result = search(&app, json!({ "text": text })).await;
        let top = hits(&result);
        assert!(!top.is_empty(), "{text}: nothing found");
        assert_eq!(
            (
                top[0]["kind"].as_str().unwrap(),
                top[0]["name"].as_str().unwrap()
            ),
            (*kind, *name),
            "{text}: {}",
            serde_json::to_string_pretty(&names(&result)).unwrap()
        );
    }
    // Codes match whole: 20137 is not 2013701's prefix match.
    let result = search(
        &app,
        json!({ "text": "20137", "kinds": ["CLASSIFICATION_NODE"] }),
    )
    .await;
    assert_eq!(names(&result), vec!["网信事务"]);

    // A prefix of a Chinese name.
    let result = search(&app, json!({ "text": "视频资" })).await;
    assert!(
        names(&result)[0].starts_with("视频资源智慧管理平台"),
        "{:?}",
        names(&result)
    );
    assert!(names(&result).contains(&"视频资源智慧管理平台（二期）项目"));
}

#[tokio::test]
async fn video_in_chinese_and_english_finds_the_sub_items_and_indicators() {
    let app = App::seeded().await;
    let sub_items = [
        "2022 年视频前端点位建设及配套工程建设项目",
        "视频资源智慧管理平台（二期）项目",
    ];
    let result = search(&app, json!({ "text": "视频", "first": 50 })).await;
    let found = names(&result);
    for name in sub_items {
        assert!(found.contains(&name), "视频 misses {name}: {found:?}");
    }
    // The indicators whose names are about video (表12).
    for name in [
        "视频资源智慧管理平台系统巡检",
        "区政府大楼政务内网视频会议技术保障：会议保障率（%）",
        "发挥视频资源智慧管理平台中的视频资源在应急、水务等方面的支撑作用",
    ] {
        assert!(found.contains(&name), "视频 misses {name}: {found:?}");
    }
    // Names outrank other text: the first hits name video.
    for hit in hits(&result).iter().take(5) {
        assert!(hit["name"].as_str().unwrap().contains("视频"), "{hit}");
        let snippet = &hit["snippets"][0];
        assert_eq!(snippet["field"], "NAME");
        assert_eq!(snippet["language"], "ZH");
        let text: Vec<char> = snippet["text"].as_str().unwrap().chars().collect();
        let range = &snippet["highlights"][0];
        let (start, end) = (
            range["start"].as_u64().unwrap() as usize,
            range["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(text[start..end].iter().collect::<String>(), "视频");
    }
    assert_eq!(result["totalCount"].as_u64().unwrap() as usize, found.len());

    // English: the sub-items through their English names (indicators have none).
    let result = search(&app, json!({ "text": "video" })).await;
    let found = names(&result);
    for name in sub_items {
        assert!(found.contains(&name), "video misses {name}: {found:?}");
    }
    let top = hits(&result)[0];
    assert!(top["nameEn"].as_str().unwrap().contains("Video"), "{top}");
    let snippet = &top["snippets"][0];
    assert_eq!(
        (snippet["field"].as_str(), snippet["language"].as_str()),
        (Some("NAME_EN"), Some("EN"))
    );
    // Stemmed: the plural finds them too.
    let result = search(&app, json!({ "text": "Videos" })).await;
    for name in sub_items {
        assert!(names(&result).contains(&name), "{:?}", names(&result));
    }
}

#[tokio::test]
async fn objects_are_nodes_found_again_by_id() {
    let app = App::seeded().await;
    let mut kinds = std::collections::BTreeSet::new();
    for text in [
        "视频",
        "网信",
        "公务用车",
        "坪山区政务服务数据管理局",
        "政府投资",
        "名词",
        "预算",
        "民生诉求",
    ] {
        let result = search(&app, json!({ "text": text, "first": 50 })).await;
        for hit in hits(&result) {
            kinds.insert(hit["kind"].as_str().unwrap().to_owned());
            let id = &hit["object"]["id"];
            assert!(id.is_string(), "{text}: {hit}");
            let node = app
                .data(
                    "query($id: ID!) { node(id: $id) { id __typename } }",
                    json!({ "id": id }),
                )
                .await;
            assert_eq!(&node["node"]["id"], id, "{text}: {hit}");
        }
    }
    for kind in [
        "SUBPROJECT",
        "INDICATOR",
        "CLASSIFICATION_NODE",
        "DEPARTMENT",
        "PROJECT",
        "TASK",
    ] {
        assert!(kinds.contains(kind), "no {kind} hit: {kinds:?}");
    }
    // A row id of a department that does not exist is null; a malformed one is refused.
    let id = api::schema::relay::global_id("Indicator", "nope:2023:1");
    let node = app
        .data(
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": id }),
        )
        .await;
    assert!(node["node"].is_null());
    let id = api::schema::relay::global_id("Indicator", "pingshan-gsdmb:x:1");
    let (_, body) = app
        .post(
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body}");
}

#[tokio::test]
async fn filters_and_pages() {
    let app = App::seeded().await;
    let all = search(&app, json!({ "text": "视频", "first": 50 })).await;
    let total = all["totalCount"].as_u64().unwrap();
    assert!(total > 5, "{all}");
    // Paging walks the same list.
    let mut walked = Vec::new();
    let mut after = Value::Null;
    loop {
        let page = search(&app, json!({ "text": "视频", "first": 3, "after": after })).await;
        walked.extend(names(&page).into_iter().map(str::to_owned));
        if !page["pageInfo"]["hasNextPage"].as_bool().unwrap() {
            break;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(walked, names(&all));

    // Kinds.
    let result = search(
        &app,
        json!({ "text": "视频", "kinds": ["INDICATOR"], "first": 50 }),
    )
    .await;
    assert!(hits(&result).iter().all(|h| h["kind"] == "INDICATOR"));
    assert!(hits(&result).len() >= 5, "{result}");
    // Years: the sub-items are of 2023; 2022 has none of them.
    let result = search(
        &app,
        json!({ "text": "视频", "years": [2022], "kinds": ["SUBPROJECT"] }),
    )
    .await;
    assert_eq!(result["totalCount"], 0);
    let result = search(
        &app,
        json!({ "text": "视频", "years": [2023], "kinds": ["SUBPROJECT"] }),
    )
    .await;
    assert_eq!(result["totalCount"], 2);
    assert!(
        hits(&result)
            .iter()
            .all(|h| h["year"] == 2023 && h["department"]["code"] == "pingshan-gsdmb")
    );

    // A query that matches a lot still pages by at most 100.
    let (_, body) = app
        .post(
            "{ search(text: \"坪山\", first: 101) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body}");
}

#[tokio::test]
async fn no_results_and_hostile_text_never_fail() {
    let app = App::seeded().await;
    for text in [
        "量子计算机",
        "zzzzqqqq",
        "",
        "   ",
        "!!! ??? ... ，。、",
        "AND (",
        "title:\"视频\"~2^3 OR NOT",
        ".*[a-z]+(视频|)\\",
        "* ? + { } [ ] ^ $ |",
        "'; DROP TABLE department; --",
        "\u{202e}视频\u{fffd}\u{200b}",
        "𠀀𠀁",
    ] {
        let (status, body) = app.post(QUERY, json!({ "text": text })).await;
        assert_eq!(status, StatusCode::OK, "{text}: {body}");
        assert!(body.get("errors").is_none(), "{text}: {body}");
    }
    for text in ["量子计算机", "zzzzqqqq", "", "!!! ???"] {
        let result = search(&app, json!({ "text": text })).await;
        assert_eq!(result["totalCount"], 0, "{text}: {result}");
        assert_eq!(result["pageInfo"]["hasNextPage"], false);
    }
    // Query syntax is text: punctuation separates words and means nothing else.
    let plain = search(&app, json!({ "text": "视频", "first": 50 })).await;
    let syntax = search(&app, json!({ "text": "(视频)^~ -* : \\", "first": 50 })).await;
    assert_eq!(names(&plain), names(&syntax));
    // Too long: a clear refusal.
    let (status, body) = app.post(QUERY, json!({ "text": "视".repeat(201) })).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("200"),
        "{body}"
    );
    // 200 characters are fine.
    let (_, body) = app.post(QUERY, json!({ "text": "视频 ".repeat(66) })).await;
    assert!(body.get("errors").is_none(), "{body}");
}

#[tokio::test]
async fn search_is_costed_and_cached_like_any_field() {
    let app = App::seeded_with(api::config::Config {
        max_complexity: 200,
        ..api::config::Config::defaults()
    })
    .await;
    // 100 hits × their selection is over 200 points.
    let (_, body) = app
        .post(
            "{ search(text: \"视频\", first: 100) { edges { node { name score kind } } } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&body), "COMPLEXITY_LIMIT_EXCEEDED", "{body}");

    // GET: an ETag, then 304.
    let uri = format!(
        "/graphql?query={}",
        url_escape("{ search(text: \"视频\", first: 2) { totalCount edges { node { name } } } }")
    );
    let (status, headers, body) = app.get(&uri).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let etag = headers[header::ETAG].to_str().unwrap().to_owned();
    let (status, _, _) = app
        .send_raw(get_with(&uri, header::IF_NONE_MATCH, &etag))
        .await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
}
