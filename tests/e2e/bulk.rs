//! Bulk data: the export regenerated from the database (round trip, byte identity), and the
//! `/data` downloads (catalogue, zip, package files, the flat budget-lines table and its
//! filters, HTTP manners, bad input).

use crate::common::{App, TestDb, temp_dir};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use seed::DataSource;
use seed::export::Package;

/// A small synthetic disclosure on disk (3 departments × 2 years).
fn synthetic() -> (tempfile::TempDir, DataSource, String) {
    let guard = temp_dir("bulk-synth-source");
    let dir = guard.path().to_owned();
    seed::synth::write(&dir, &seed::synth::Shape::new(3, 2)).unwrap();
    let name =
        seed::package::metadata(&std::fs::read_to_string(dir.join("datapackage.json")).unwrap())
            .unwrap()["name"]
            .as_str()
            .unwrap()
            .to_owned();
    (guard, DataSource::Dir(dir), name)
}

async fn export(test: &TestDb, name: &str) -> Package {
    seed::export::export(&test.db, name)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("dataset {name} exported"))
}

/// Loads `source` into an empty database, exports it, loads the export into another empty
/// database: the two databases must be equal, and the exported files equal to the source's.
pub(crate) async fn round_trip(source: &DataSource, name: &str) {
    let first = TestDb::empty().await;
    seed::load(&first.db, source).await.unwrap();
    let package = export(&first, name).await;
    let guard = temp_dir(&format!("bulk-export-{name}"));
    let dir = guard.path().to_owned();
    package.write_dir(&dir).unwrap();
    for file in seed::files::FILES {
        assert_eq!(
            String::from_utf8(package.file(file).unwrap().bytes.clone()).unwrap(),
            source.read(file).unwrap(),
            "{name}: exported {file} differs from the loaded one"
        );
    }
    let second = TestDb::empty().await;
    seed::load(&second.db, &DataSource::Dir(dir)).await.unwrap();
    // Byte-identical files give the same content hash, so nothing needs excluding.
    assert_eq!(
        first.dump().await,
        second.dump().await,
        "{name}: databases differ"
    );
}

#[tokio::test]
async fn the_bundled_disclosure_round_trips_byte_for_byte() {
    round_trip(&DataSource::Bundled, "pingshan-gsdmb-2023").await;
}

#[tokio::test]
async fn a_synthetic_disclosure_round_trips_byte_for_byte() {
    let (_dir, source, name) = synthetic();
    round_trip(&source, &name).await;
}

/// With two datasets in one database, each export holds only its own rows.
#[tokio::test]
async fn exports_of_a_shared_database_keep_to_their_dataset() {
    let (_dir, source, name) = synthetic();
    let test = TestDb::seeded().await;
    seed::load(&test.db, &source).await.unwrap();
    let bundled = export(&test, "pingshan-gsdmb-2023").await;
    let synth = export(&test, &name).await;
    for file in ["departments.csv", "budget_lines.csv", "text.json"] {
        assert_eq!(
            String::from_utf8(bundled.file(file).unwrap().bytes.clone()).unwrap(),
            DataSource::Bundled.read(file).unwrap(),
            "{file}"
        );
        assert_eq!(
            String::from_utf8(synth.file(file).unwrap().bytes.clone()).unwrap(),
            source.read(file).unwrap(),
            "{file}"
        );
    }
    assert!(
        seed::export::export(&test.db, "no-such-dataset")
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn the_zip_holds_the_package_and_is_deterministic() {
    let test = TestDb::seeded().await;
    let package = export(&test, "pingshan-gsdmb-2023").await;
    let bytes = package.zip().unwrap();
    assert_eq!(
        bytes,
        export(&test, "pingshan-gsdmb-2023").await.zip().unwrap()
    );
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(archive.len(), seed::files::FILES.len());
    for file in seed::files::FILES {
        let mut entry = archive
            .by_name(&format!("pingshan-gsdmb-2023/{file}"))
            .unwrap();
        let mut text = String::new();
        std::io::Read::read_to_string(&mut entry, &mut text).unwrap();
        assert_eq!(text, DataSource::Bundled.read(file).unwrap(), "{file}");
    }
}

fn get(uri: &str) -> Request<Body> {
    Request::get(uri).body(Body::empty()).unwrap()
}

/// Status and body bytes.
async fn bytes(app: &App, request: Request<Body>) -> (StatusCode, Vec<u8>) {
    let response = app.raw(request).await;
    let status = response.status();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, body.to_vec())
}

const BUNDLED: &str = "pingshan-gsdmb-2023";

#[tokio::test]
async fn the_catalogue_lists_every_download_with_its_checksum() {
    let app = App::seeded().await;
    let (status, headers, body) = app.send_raw(get("/data")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(
        headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let catalogue: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(catalogue["version"], 1);
    let dataset = &catalogue["datasets"][0];
    assert_eq!(dataset["name"], BUNDLED);
    assert_eq!(dataset["unit"], "万元");
    assert_eq!(dataset["years"], serde_json::json!([2022, 2023]));
    assert!(dataset["sources"][0]["title"].is_string());
    assert!(dataset["licenses"].is_array());
    // Every listed download is served with the size and checksum listed.
    let mut listed: Vec<serde_json::Value> = dataset["files"].as_array().unwrap().clone();
    listed.push(dataset["zip"].clone());
    listed.extend(catalogue["tables"].as_array().unwrap().iter().cloned());
    assert_eq!(listed.len(), seed::files::FILES.len() + 3);
    for entry in listed {
        let url = entry["url"].as_str().unwrap();
        let response = bytes(&app, get(url)).await;
        assert_eq!(response.0, StatusCode::OK, "{url}");
        assert_eq!(
            response.1.len() as u64,
            entry["bytes"].as_u64().unwrap(),
            "{url}"
        );
        assert_eq!(
            seed::export::sha256_hex(&response.1),
            entry["sha256"],
            "{url}"
        );
    }
    // Revalidation: 304 without a body, the same tag.
    let tag = headers[header::ETAG].to_str().unwrap();
    let (status, again, body) = app.revalidate("/data", tag).await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    assert!(body.is_empty());
    assert_eq!(again[header::ETAG], tag);
}

#[tokio::test]
async fn package_files_and_zip_are_served_from_the_database() {
    let app = App::seeded().await;
    let (status, headers, body) = app
        .send_raw(get(&format!("/data/{BUNDLED}/budget_lines.csv")))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, DataSource::Bundled.read("budget_lines.csv").unwrap());
    assert!(
        headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let (status, headers, _) = app.send_raw(get(&format!("/data/{BUNDLED}.zip"))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "application/zip");
    assert_eq!(
        headers[header::CONTENT_DISPOSITION],
        format!("attachment; filename=\"{BUNDLED}.zip\"")
    );
    let tag = headers[header::ETAG].to_str().unwrap().to_owned();
    assert!(tag.starts_with("\"v1-"), "{tag}");
    assert!(
        headers[header::CACHE_CONTROL]
            .to_str()
            .unwrap()
            .starts_with("public, max-age=")
    );
    let (status, _, _) = app.revalidate(format!("/data/{BUNDLED}.zip"), &tag).await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
}

#[tokio::test]
async fn unknown_datasets_and_files_are_404_with_a_json_error() {
    let app = App::seeded().await;
    for uri in [
        "/data/nope.zip",
        "/data/nope/budget_lines.csv",
        &format!("/data/{BUNDLED}/secrets.csv"),
        "/data/budget-lines.xlsx",
    ] {
        let (status, body) = app.send(get(uri)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "NOT_FOUND",
            "{uri}"
        );
    }
}

#[tokio::test]
async fn packages_too_large_to_build_on_line_are_refused_with_a_code() {
    // A package is built in memory: above the limit it is not offered, the flat table is.
    let app = App::seeded_with(api::config::Config {
        bulk_max_department_years: 1,
        ..api::config::Config::defaults()
    })
    .await;
    for uri in [
        format!("/data/{BUNDLED}.zip"),
        format!("/data/{BUNDLED}/budget_lines.csv"),
    ] {
        let (status, body) = app.send(get(&uri)).await;
        assert_eq!(status, StatusCode::NOT_IMPLEMENTED, "{uri}");
        assert_eq!(body["errors"][0]["extensions"]["code"], "EXPORT_TOO_LARGE");
        let message = body["errors"][0]["message"].as_str().unwrap();
        assert!(message.contains("seed export") && message.contains("budget-lines.csv"));
    }
    let (status, catalogue) = app.send(get("/data")).await;
    assert_eq!(status, StatusCode::OK);
    let entry = &catalogue["datasets"][0];
    assert_eq!(entry["name"], BUNDLED);
    assert_eq!(
        (&entry["zip"], &entry["files"]),
        (&serde_json::Value::Null, &serde_json::Value::Null)
    );
    assert!(
        entry["note"]
            .as_str()
            .unwrap()
            .contains("BULK_MAX_DEPARTMENT_YEARS")
    );
    assert!(table(&app, "/data/budget-lines.csv").await.len() > 1);
}

/// The flat table as parsed rows (header first).
async fn table(app: &App, uri: &str) -> Vec<Vec<String>> {
    let (status, _, body) = app.send_raw(get(uri)).await;
    assert_eq!(status, StatusCode::OK, "{uri}: {body}");
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(body.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

fn column(rows: &[Vec<String>], name: &str) -> Vec<String> {
    let i = rows[0].iter().position(|c| c == name).unwrap();
    rows[1..].iter().map(|r| r[i].clone()).collect()
}

#[tokio::test]
async fn budget_lines_are_one_flat_table_with_filters() {
    let app = App::seeded().await;
    let all = table(&app, "/data/budget-lines.csv").await;
    assert_eq!(all[0], api::bulk::lines::COLUMNS);
    let served = entity::budget_line::Entity::find()
        .filter(entity::budget_line::Column::IsPrimary.eq(true))
        .count(&app.test.db)
        .await
        .unwrap();
    assert_eq!(all.len() as u64 - 1, served);
    // 2013701 行政运行 as the functional tree serves it.
    let row = all.iter().find(|r| r[6] == "2013701").unwrap();
    assert_eq!(
        row[..11],
        [
            "pingshan-gsdmb-2023",
            "pingshan-gsdmb",
            "深圳市坪山区政务服务数据管理局",
            "Shenzhen Pingshan District Government Services and Data Management Bureau",
            "2023",
            "FUNCTIONAL",
            "2013701",
            "3",
            "行政运行",
            "Administrative Operation",
            "20137"
        ]
    );
    assert_eq!(row[15], "PRINTED");
    assert!(row[16].starts_with('表'), "{row:?}");

    let years = table(&app, "/data/budget-lines.csv?year=2022").await;
    assert!(column(&years, "year").iter().all(|y| y == "2022"));
    let economic = table(&app, "/data/budget-lines.csv?scheme=ECONOMIC&year=2023").await;
    assert!(!economic[1..].is_empty());
    assert!(column(&economic, "scheme").iter().all(|s| s == "ECONOMIC"));
    // A code brings its descendants.
    let subtree = table(&app, "/data/budget-lines.csv?code=201&scheme=FUNCTIONAL").await;
    let codes = column(&subtree, "code");
    assert!(codes.contains(&"201".to_owned()) && codes.contains(&"2013701".to_owned()));
    assert!(codes.iter().all(|c| c.starts_with("201")), "{codes:?}");
    // Repeated and comma-separated values mean the same.
    assert_eq!(
        table(
            &app,
            "/data/budget-lines.csv?scheme=ECONOMIC&scheme=REVENUE"
        )
        .await,
        table(&app, "/data/budget-lines.csv?scheme=REVENUE,ECONOMIC").await
    );
    let unit = table(&app, "/data/budget-lines.csv?department=pingshan-gsbdc").await;
    assert!(
        column(&unit, "department")
            .iter()
            .all(|d| d == "pingshan-gsbdc")
    );
    // Unknown (well-formed) values match nothing: the header alone.
    assert_eq!(
        table(&app, "/data/budget-lines.csv?department=nope")
            .await
            .len(),
        1
    );
}

#[tokio::test]
async fn csv_has_an_excel_bom_on_request_and_jsonl_matches_csv() {
    let app = App::seeded().await;
    let (_, headers, plain) = app.send_raw(get("/data/budget-lines.csv?year=2023")).await;
    let (_, _, bom) = app
        .send_raw(get("/data/budget-lines.csv?year=2023&bom=1"))
        .await;
    assert_eq!(bom, format!("\u{feff}{plain}"));
    assert_eq!(
        headers[header::CONTENT_DISPOSITION],
        "attachment; filename=\"budget-lines.csv\""
    );
    assert!(plain.starts_with("dataset,department,department_name,"));
    let (status, headers, jsonl) = app
        .send_raw(get("/data/budget-lines.jsonl?year=2023"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("application/jsonl")
    );
    let objects: Vec<serde_json::Value> = jsonl
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(objects.len(), plain.lines().count() - 1);
    assert_eq!(objects[0]["year"], 2023);
    assert!(
        objects
            .iter()
            .all(|o| o["amount"].is_string() || o["amount"].is_null())
    );
}

#[tokio::test]
async fn bad_filters_are_400_naming_the_parameter() {
    let app = App::seeded().await;
    let many = (0..101)
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(",");
    for (query, parameter) in [
        ("year=abc", "`year`"),
        ("year=99999", "`year`"),
        ("scheme=PROJECT", "`scheme`"),
        ("department=", "`department`"),
        (&format!("code={many}") as &str, "`code`"),
        ("colour=red", "`colour`"),
        ("bom=maybe", "`bom`"),
    ] {
        let (status, body) = app
            .send(get(&format!("/data/budget-lines.csv?{query}")))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
        let error = &body["errors"][0];
        assert_eq!(error["extensions"]["code"], "BAD_REQUEST", "{query}");
        assert!(
            error["message"].as_str().unwrap().contains(parameter),
            "{query}: {body}"
        );
    }
    let (status, body) = app.send(get("/data/budget-lines.jsonl?bom=1")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
}

#[tokio::test]
async fn downloads_take_the_http_manners_of_graphql() {
    let app = App::seeded().await;
    let request = Request::get("/data/budget-lines.csv?year=2023")
        .header("accept-encoding", "gzip")
        .header("origin", "https://example.org")
        .body(Body::empty())
        .unwrap();
    let (status, headers, _) = app.send_raw(request).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_ENCODING], "gzip");
    assert_eq!(headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
    assert!(headers.contains_key("x-request-id"));
    let tag = headers[header::ETAG].to_str().unwrap().to_owned();
    // The same filters in another order and spelling: the same tag, so 304.
    let (status, _, _) = app
        .revalidate("/data/budget-lines.csv?year=2023,2023", &tag)
        .await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    // Other filters: another tag, so the file itself.
    let (status, _, _) = app
        .revalidate("/data/budget-lines.csv?year=2022", &tag)
        .await;
    assert_eq!(status, StatusCode::OK);
}

/// The synthetic dataset beside the real one: filters by department and year, and a client
/// that hangs up after the first chunk leaves the server serving.
#[tokio::test]
async fn synthetic_lines_filter_and_a_dropped_download_does_no_harm() {
    let (_dir, source, name) = synthetic();
    let test = TestDb::seeded().await;
    seed::load(&test.db, &source).await.unwrap();
    let app = App::new(test).await;
    let one = seed::synth::Shape::department_code(1);
    let rows = table(
        &app,
        &format!("/data/budget-lines.csv?department={one}&year=2023"),
    )
    .await;
    assert!(rows.len() > 10);
    assert!(column(&rows, "department").iter().all(|d| *d == one));
    assert!(column(&rows, "dataset").iter().all(|d| *d == name));
    for _ in 0..20 {
        let response = app.raw(get("/data/budget-lines.csv")).await;
        let mut body = response.into_body().into_data_stream();
        let first = futures::StreamExt::next(&mut body).await.unwrap().unwrap();
        assert!(first.starts_with(b"dataset,"));
        drop(body);
    }
    let all = table(&app, "/data/budget-lines.csv").await;
    assert!(all.len() > rows.len());
}
