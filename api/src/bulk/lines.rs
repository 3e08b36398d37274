//! `/data/budget-lines.csv` and `.jsonl`: the budget lines the API serves (one per department,
//! year, scheme and classification node) as one flat table, streamed from the database in
//! pages of [`PAGE`] rows by keyset (`id > last`), so memory stays flat whatever the table's
//! size, a client may hang up at any point (the stream is dropped between or during a page
//! query; no connection is held between pages), and at most one database connection serves a
//! download at a time.

use super::{download, error, etag, not_modified};
use crate::schema::common::citation;
use crate::server::AppState;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use entity::{budget_line, classification_node, dataset, department, source};
use futures::{Stream, StreamExt};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use seed::export::by_id;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::Ordering;

/// Rows per database query.
pub const PAGE: u64 = 2_000;

/// Values one filter may list.
pub const MAX_VALUES: usize = 100;

/// The query parameters that filter rows.
pub const FILTERS: &[&str] = &["year", "scheme", "department", "code"];

/// The table's columns, in order.
pub const COLUMNS: &[&str] = &[
    "dataset",
    "department",
    "department_name",
    "department_name_en",
    "year",
    "scheme",
    "code",
    "level",
    "name",
    "name_en",
    "parent_code",
    "amount",
    "basic",
    "project",
    "procurement",
    "basis",
    "source",
];

/// One row of the table (fields in [`COLUMNS`] order).
#[derive(Serialize)]
struct Row<'a> {
    dataset: &'a str,
    department: &'a str,
    department_name: &'a str,
    department_name_en: &'a str,
    year: i32,
    scheme: &'a str,
    code: &'a str,
    level: i32,
    name: &'a str,
    name_en: &'a str,
    parent_code: Option<&'a str>,
    amount: Option<String>,
    basic: Option<String>,
    project: Option<String>,
    procurement: Option<String>,
    basis: &'static str,
    source: String,
}

/// How the table is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// CSV with a header row.
    Csv,
    /// One JSON object per line.
    Jsonl,
}

impl Format {
    /// The file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Jsonl => "jsonl",
        }
    }

    /// The `Content-Type` of a download.
    fn content_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8; header=present",
            Format::Jsonl => "application/jsonl; charset=utf-8",
        }
    }

    /// The media type.
    pub fn media_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv",
            Format::Jsonl => "application/jsonl",
        }
    }
}

/// The validated query: filters (each empty = no filter) and the CSV byte-order mark.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Filters {
    years: Vec<i32>,
    schemes: Vec<String>,
    departments: Vec<String>,
    codes: Vec<String>,
    bom: bool,
}

fn bad_request(message: String) -> Response {
    error(StatusCode::BAD_REQUEST, "BAD_REQUEST", &message)
}

impl Filters {
    /// Parses the query string: each filter repeatable and comma-separated; anything else
    /// (an unknown parameter, a malformed value, too many values) is a 400 naming the parameter.
    pub fn parse(query: Option<&str>, format: Format) -> Result<Filters, String> {
        let uri: Uri = format!("/?{}", query.unwrap_or(""))
            .parse()
            .map_err(|_| "The query string is malformed.".to_owned())?;
        let pairs: Vec<(String, String)> = axum::extract::Query::try_from_uri(&uri)
            .map_err(|e| format!("The query string is malformed: {e}."))?
            .0;
        let mut filters = Filters::default();
        for (key, value) in pairs {
            filters.add(&key, &value, format)?;
        }
        for (name, count) in [
            ("year", filters.years.len()),
            ("scheme", filters.schemes.len()),
            ("department", filters.departments.len()),
            ("code", filters.codes.len()),
        ] {
            if count > MAX_VALUES {
                return Err(format!(
                    "`{name}` lists {count} values; at most {MAX_VALUES} are allowed."
                ));
            }
        }
        Ok(filters)
    }

    fn add(&mut self, key: &str, value: &str, format: Format) -> Result<(), String> {
        if key == "bom" && format == Format::Csv {
            self.bom = match value {
                "1" | "true" => true,
                "0" | "false" | "" => false,
                _ => {
                    return Err(format!("`bom` must be 1 or 0, not `{value}`."));
                }
            };
            return Ok(());
        }
        if !FILTERS.contains(&key) {
            let known = match format {
                Format::Csv => "year, scheme, department, code, bom",
                Format::Jsonl => "year, scheme, department, code",
            };
            return Err(format!("Unknown parameter `{key}` (known: {known})."));
        }
        let values = value.split(',').map(str::trim);
        for value in values {
            let bad = |why: &str| format!("`{key}`: `{value}` {why}.");
            if value.is_empty() || value.len() > 64 || value.contains('\0') {
                return Err(bad("is not a value (empty, too long, or holds NUL)"));
            }
            match key {
                "year" => self.years.push(
                    value
                        .parse::<i32>()
                        .ok()
                        .filter(|y| (1000..=9999).contains(y))
                        .ok_or_else(|| bad("is not a year"))?,
                ),
                "scheme" => match value {
                    "FUNCTIONAL" | "ECONOMIC" | "REVENUE" => self.schemes.push(value.into()),
                    _ => return Err(bad("is not FUNCTIONAL, ECONOMIC or REVENUE")),
                },
                "department" => self.departments.push(value.into()),
                _ => self.codes.push(value.into()),
            }
        }
        Ok(())
    }

    /// A canonical text of the filters, for the ETag: equal filters in any order or spelling
    /// give equal tags.
    fn canonical(&self, format: Format) -> String {
        let sorted = |v: &[String]| {
            let mut v = v.to_vec();
            v.sort();
            v.dedup();
            v.join(",")
        };
        let mut years = self.years.clone();
        years.sort_unstable();
        years.dedup();
        format!(
            "/data/budget-lines.{}?year={years:?}&scheme={}&department={}&code={}&bom={}",
            format.extension(),
            sorted(&self.schemes),
            sorted(&self.departments),
            sorted(&self.codes),
            self.bom
        )
    }
}

/// What rows refer to, read once per download (departments, nodes and sources are small next
/// to the lines).
struct Lookups {
    datasets: HashMap<i32, String>,
    departments: HashMap<i32, department::Model>,
    nodes: HashMap<i32, classification_node::Model>,
    sources: HashMap<i32, (i32, String)>,
}

impl Lookups {
    async fn read(db: &DatabaseConnection) -> Result<Lookups, DbErr> {
        Ok(Lookups {
            datasets: dataset::Entity::find()
                .all(db)
                .await?
                .into_iter()
                .map(|d| (d.id, d.name))
                .collect(),
            departments: by_id(department::Entity::find().all(db).await?, |d| d.id),
            nodes: by_id(classification_node::Entity::find().all(db).await?, |n| n.id),
            sources: source::Entity::find()
                .all(db)
                .await?
                .into_iter()
                .map(|s| (s.id, (s.dataset_id, citation(&s))))
                .collect(),
        })
    }

    /// The filters as a condition on `budget_line`; codes include their descendants.
    fn condition(&self, filters: &Filters) -> Condition {
        let mut condition = Condition::all()
            .add(budget_line::Column::IsPrimary.eq(true))
            .add(budget_line::Column::NodeId.is_not_null());
        if !filters.years.is_empty() {
            condition = condition.add(budget_line::Column::Year.is_in(filters.years.clone()));
        }
        if !filters.schemes.is_empty() {
            condition = condition.add(budget_line::Column::Scheme.is_in(filters.schemes.clone()));
        }
        if !filters.departments.is_empty() {
            let ids = self
                .departments
                .values()
                .filter(|d| filters.departments.contains(&d.code))
                .map(|d| d.id);
            condition = condition.add(budget_line::Column::DepartmentId.is_in(ids));
        }
        if !filters.codes.is_empty() {
            condition =
                condition.add(budget_line::Column::NodeId.is_in(self.subtree(&filters.codes)));
        }
        condition
    }

    /// Nodes with one of `codes` (in any scheme) and all their descendants.
    fn subtree(&self, codes: &[String]) -> Vec<i32> {
        let mut children: HashMap<i32, Vec<i32>> = HashMap::new();
        for n in self.nodes.values() {
            if let Some(parent) = n.parent_id {
                children.entry(parent).or_default().push(n.id);
            }
        }
        let mut stack: Vec<i32> = self
            .nodes
            .values()
            .filter(|n| codes.contains(&n.code))
            .map(|n| n.id)
            .collect();
        let mut all = HashSet::new();
        while let Some(id) = stack.pop() {
            if all.insert(id) {
                stack.extend(children.get(&id).into_iter().flatten());
            }
        }
        all.into_iter().collect()
    }

    fn row<'a>(&'a self, line: &'a budget_line::Model) -> Option<Row<'a>> {
        let department = self.departments.get(&line.department_id)?;
        let node = self.nodes.get(&line.node_id?)?;
        let (dataset_id, source) = self.sources.get(&line.source_id)?;
        let amount = |v: Option<i64>| v.map(|u| entity::fixed::from_units(u).to_string());
        Some(Row {
            dataset: self.datasets.get(dataset_id).map_or("", String::as_str),
            department: &department.code,
            department_name: &department.name,
            department_name_en: &department.name_en,
            year: line.year,
            scheme: line.scheme.as_str(),
            code: &node.code,
            level: node.level,
            name: &node.name,
            name_en: &node.name_en,
            parent_code: node
                .parent_id
                .and_then(|p| self.nodes.get(&p))
                .map(|p| p.code.as_str()),
            amount: amount(line.total),
            basic: amount(line.basic),
            project: amount(line.project),
            procurement: amount(line.procurement),
            // Budget lines are rows printed in a table: none is derived.
            basis: entity::Basis::Printed.as_str(),
            source: source.clone(),
        })
    }

    /// One page of rows, written in `format`.
    fn write(&self, lines: &[budget_line::Model], format: Format) -> Result<Vec<u8>, String> {
        match format {
            Format::Csv => {
                let mut writer = csv::WriterBuilder::new()
                    .has_headers(false)
                    .from_writer(Vec::new());
                for line in lines.iter().filter_map(|l| self.row(l)) {
                    writer.serialize(line).map_err(|e| e.to_string())?;
                }
                writer.into_inner().map_err(|e| e.to_string())
            }
            Format::Jsonl => {
                let mut out = Vec::new();
                for line in lines.iter().filter_map(|l| self.row(l)) {
                    serde_json::to_writer(&mut out, &line).map_err(|e| e.to_string())?;
                    out.push(b'\n');
                }
                Ok(out)
            }
        }
    }
}

/// The start of the download: the CSV header (after a BOM if asked for).
fn preamble(filters: &Filters, format: Format) -> Vec<u8> {
    let mut out = Vec::new();
    if format == Format::Csv {
        if filters.bom {
            out.extend_from_slice("\u{feff}".as_bytes());
        }
        out.extend_from_slice(COLUMNS.join(",").as_bytes());
        out.extend_from_slice(b"\n");
    }
    out
}

/// Where a download stands between pages.
struct Cursor {
    db: DatabaseConnection,
    lookups: Arc<Lookups>,
    condition: Condition,
    format: Format,
    version: i64,
    last: i32,
    done: bool,
}

impl Cursor {
    /// The next page as bytes; `None` at the end. Fails if a load changed the data version
    /// mid-download, so a file never mixes two versions.
    async fn next(&mut self) -> Option<Result<Bytes, std::io::Error>> {
        if self.done {
            return None;
        }
        let page = match self.page().await {
            Ok(page) => page,
            Err(e) => {
                self.done = true;
                tracing::error!(error = %e, "budget-lines download stopped");
                return Some(Err(std::io::Error::other(e)));
            }
        };
        let Some(last) = page.last() else {
            self.done = true;
            return None;
        };
        self.last = last.id;
        self.done = (page.len() as u64) < PAGE;
        Some(
            self.lookups
                .write(&page, self.format)
                .map(Bytes::from)
                .map_err(std::io::Error::other),
        )
    }

    async fn page(&self) -> Result<Vec<budget_line::Model>, String> {
        let page = budget_line::Entity::find()
            .filter(self.condition.clone())
            .filter(budget_line::Column::Id.gt(self.last))
            .order_by_asc(budget_line::Column::Id)
            .limit(PAGE)
            .all(&self.db)
            .await
            .map_err(|e| e.to_string())?;
        let now = entity::dataset::data_version(&self.db)
            .await
            .map_err(|e| e.to_string())?;
        if now != self.version {
            return Err(format!(
                "the data changed (version {} → {now}) during the download",
                self.version
            ));
        }
        Ok(page)
    }
}

/// The table as a stream of byte chunks: the preamble, then one chunk per page.
async fn stream(
    db: &DatabaseConnection,
    filters: &Filters,
    format: Format,
) -> Result<impl Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static, DbErr> {
    let version = entity::dataset::data_version(db)
        .await
        .map_err(|e| DbErr::Custom(e.to_string()))?;
    let lookups = Lookups::read(db).await?;
    let cursor = Cursor {
        db: db.clone(),
        condition: lookups.condition(filters),
        lookups: Arc::new(lookups),
        format,
        version,
        last: 0,
        done: false,
    };
    let head = futures::stream::once(futures::future::ready(Ok(Bytes::from(preamble(
        filters, format,
    )))));
    let pages = futures::stream::unfold(cursor, |mut cursor| async move {
        cursor.next().await.map(|item| (item, cursor))
    });
    // Fused: the compression layer may poll again after the end.
    Ok(head.chain(pages).fuse())
}

/// Size and SHA-256 of the unfiltered table, by streaming through it.
pub async fn digest(state: &AppState, format: Format) -> Result<(u64, String), String> {
    let stream = stream(&state.db, &Filters::default(), format)
        .await
        .map_err(|e| e.to_string())?;
    futures::pin_mut!(stream);
    let (mut bytes, mut hasher) = (0u64, Sha256::new());
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| e.to_string())?;
        bytes += chunk.len() as u64;
        hasher.update(&chunk);
    }
    let hex = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok((bytes, hex))
}

async fn respond(state: AppState, uri: Uri, headers: HeaderMap, format: Format) -> Response {
    let filters = match Filters::parse(uri.query(), format) {
        Ok(filters) => filters,
        Err(message) => return bad_request(message),
    };
    let version = state.graphql.version.load(Ordering::Relaxed);
    let max_age = state.graphql.max_age;
    let tag = etag(version, &filters.canonical(format));
    if let Some(response) = not_modified(&headers, &tag, max_age) {
        return response;
    }
    match stream(&state.db, &filters, format).await {
        Ok(body) => download(
            Body::from_stream(body),
            format.content_type(),
            Some(&format!("budget-lines.{}", format.extension())),
            &tag,
            max_age,
        ),
        Err(e) => super::internal(e),
    }
}

/// `GET /data/budget-lines.csv`.
pub async fn csv(State(state): State<AppState>, uri: Uri, headers: HeaderMap) -> Response {
    respond(state, uri, headers, Format::Csv).await
}

/// `GET /data/budget-lines.jsonl`.
pub async fn jsonl(State(state): State<AppState>, uri: Uri, headers: HeaderMap) -> Response {
    respond(state, uri, headers, Format::Jsonl).await
}
