//! The rows of each data file, as read (before cross-file validation).

use crate::error::DataError;
pub use entity::{Basis, GoalKind, Scheme, Scope, TaskKind};
use rust_decimal::Decimal;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// A row with the file line it came from.
#[derive(Debug, Clone)]
pub struct Line<T> {
    pub line: u64,
    pub row: T,
}

/// Reads a CSV file whose header must hold exactly `columns` (in any order).
pub fn read_csv<T: DeserializeOwned>(
    file: &str,
    text: &str,
    columns: &[&str],
) -> Result<Vec<Line<T>>, Vec<DataError>> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::Fields)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(str::to_owned).collect(),
        Err(e) => {
            return Err(vec![DataError::file(
                file,
                format!("unreadable header: {e}"),
            )]);
        }
    };
    let mut errors = Vec::new();
    for column in columns {
        if !headers.iter().any(|h| h == column) {
            errors.push(DataError::at(file, 1, *column, "missing column"));
        }
    }
    for header in &headers {
        if !columns.contains(&header.as_str()) {
            errors.push(DataError::at(file, 1, header.clone(), "unexpected column"));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let header_record = csv::StringRecord::from(headers.clone());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                errors.push(csv_error(file, &headers, &e, 0, None));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        match record.deserialize::<T>(Some(&header_record)) {
            Ok(row) => rows.push(Line { line, row }),
            Err(e) => errors.push(csv_error(file, &headers, &e, line, Some(&record))),
        }
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

/// An optional printed number: empty is `None`; anything else must be a plain decimal
/// (no thousands separators, no unit, no exponent).
fn amount<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
    let text: Option<String> = Option::deserialize(d)?;
    text.map(|t| {
        parse_amount(&t)
            .ok_or_else(|| serde::de::Error::custom(format!("`{t}` is not a plain decimal number")))
    })
    .transpose()
}

fn required_amount<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
    amount(d)?.ok_or_else(|| serde::de::Error::custom("a number is required"))
}

/// Writes a figure as the files print it: a plain decimal without trailing zeros; `None` is
/// empty.
fn write_amount<S: serde::Serializer>(value: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(v) => write_required_amount(v, s),
        None => s.serialize_none(),
    }
}

fn write_required_amount<S: serde::Serializer>(value: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(&value.normalize())
}

fn parse_amount(text: &str) -> Option<Decimal> {
    let plain = text
        .chars()
        .enumerate()
        .all(|(i, c)| c.is_ascii_digit() || c == '.' || (i == 0 && c == '-'));
    if plain { text.parse().ok() } else { None }
}

fn csv_error(
    file: &str,
    headers: &[String],
    error: &csv::Error,
    line: u64,
    record: Option<&csv::StringRecord>,
) -> DataError {
    let line = error.position().map_or(line, |p| p.line());
    match error.kind() {
        csv::ErrorKind::Deserialize { err, .. } => {
            // Errors raised by a field's own deserializer carry no index: find the column by
            // the value the message quotes.
            let quoted = err.kind().to_string().split('`').nth(1).map(str::to_owned);
            let by_value = || {
                let value = quoted.as_deref()?;
                let record = record?;
                record.iter().position(|f| f == value)
            };
            let column = err
                .field()
                .map(|i| i as usize)
                .or_else(by_value)
                .and_then(|i| headers.get(i))
                .cloned()
                .unwrap_or_else(|| "?".to_owned());
            DataError::at(file, line, column, err.kind().to_string())
        }
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => DataError {
            file: file.to_owned(),
            line: Some(line),
            column: None,
            reason: format!("row has {len} fields, the header has {expected_len}"),
        },
        _ => DataError {
            file: file.to_owned(),
            line: Some(line),
            column: None,
            reason: error.to_string(),
        },
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct SourceRow {
    pub key: String,
    pub table_number: Option<i32>,
    pub title: String,
    pub section: Option<String>,
    pub empty: bool,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct DepartmentRow {
    pub code: String,
    pub name: String,
    pub name_en: String,
    pub parent_code: Option<String>,
    pub independent_accounting: Option<bool>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct StaffingRow {
    pub department: String,
    pub year: i32,
    pub scope: Scope,
    pub admin_establishment: Option<i32>,
    pub admin_actual: Option<i32>,
    pub institutional_establishment: Option<i32>,
    pub institutional_actual: Option<i32>,
    pub retired_lixiu: Option<i32>,
    pub retired_tuixiu: Option<i32>,
    pub note: Option<String>,
    pub source: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct ClassificationRow {
    pub scheme: Scheme,
    pub code: String,
    pub parent_code: Option<String>,
    pub name: String,
    pub name_en: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct BudgetLineRow {
    pub department: String,
    pub year: i32,
    pub source: String,
    pub scheme: Scheme,
    pub position: i32,
    pub code: Option<String>,
    pub label: String,
    #[serde(deserialize_with = "amount", serialize_with = "write_amount")]
    pub total: Option<Decimal>,
    #[serde(deserialize_with = "amount", serialize_with = "write_amount")]
    pub basic: Option<Decimal>,
    #[serde(deserialize_with = "amount", serialize_with = "write_amount")]
    pub project: Option<Decimal>,
    #[serde(deserialize_with = "amount", serialize_with = "write_amount")]
    pub procurement: Option<Decimal>,
    #[serde(deserialize_with = "amount", serialize_with = "write_amount")]
    pub sme_reserved: Option<Decimal>,
    #[serde(deserialize_with = "amount", serialize_with = "write_amount")]
    pub small_micro_reserved: Option<Decimal>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct AllocationRow {
    pub department: String,
    pub year: i32,
    pub source: String,
    pub row: Option<String>,
    pub revenue_code: String,
    #[serde(
        deserialize_with = "required_amount",
        serialize_with = "write_required_amount"
    )]
    pub amount: Decimal,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct HeadlineRow {
    pub department: String,
    pub year: i32,
    pub key: String,
    pub name: String,
    pub name_en: String,
    #[serde(deserialize_with = "amount", serialize_with = "write_amount")]
    pub amount: Option<Decimal>,
    pub unit: String,
    #[serde(deserialize_with = "amount", serialize_with = "write_amount")]
    pub stated_change: Option<Decimal>,
    #[serde(deserialize_with = "amount", serialize_with = "write_amount")]
    pub stated_percent: Option<Decimal>,
    pub basis: Basis,
    pub source: String,
    pub also_in: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct ProjectRow {
    pub department: String,
    pub year: i32,
    pub key: String,
    pub name: String,
    pub label: Option<String>,
    pub name_en: String,
    #[serde(deserialize_with = "amount", serialize_with = "write_amount")]
    pub amount: Option<Decimal>,
    #[serde(deserialize_with = "amount", serialize_with = "write_amount")]
    pub stated_change: Option<Decimal>,
    #[serde(deserialize_with = "amount", serialize_with = "write_amount")]
    pub stated_percent: Option<Decimal>,
    pub basis: Basis,
    pub source: String,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct SubprojectRow {
    pub department: String,
    pub year: i32,
    pub project_key: String,
    pub position: i32,
    pub name: String,
    pub name_en: String,
    #[serde(deserialize_with = "amount", serialize_with = "write_amount")]
    pub amount: Option<Decimal>,
    pub source: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct ThreePublicRow {
    pub department: String,
    pub year: i32,
    pub key: String,
    pub parent_key: Option<String>,
    pub name: String,
    pub name_en: String,
    #[serde(deserialize_with = "amount", serialize_with = "write_amount")]
    pub amount: Option<Decimal>,
    #[serde(deserialize_with = "amount", serialize_with = "write_amount")]
    pub stated_change: Option<Decimal>,
    #[serde(deserialize_with = "amount", serialize_with = "write_amount")]
    pub stated_percent: Option<Decimal>,
    pub basis: Basis,
    pub source: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct TaskRow {
    pub department: String,
    pub year: i32,
    pub position: i32,
    pub kind: TaskKind,
    pub name: String,
    pub project_key: Option<String>,
    pub content: Option<String>,
    #[serde(deserialize_with = "amount", serialize_with = "write_amount")]
    pub total: Option<Decimal>,
    #[serde(deserialize_with = "amount", serialize_with = "write_amount")]
    pub fiscal: Option<Decimal>,
    #[serde(deserialize_with = "amount", serialize_with = "write_amount")]
    pub other: Option<Decimal>,
    pub source: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct IndicatorRow {
    pub department: String,
    pub year: i32,
    pub position: i32,
    pub category: String,
    pub subcategory: String,
    pub name: String,
    pub target: String,
    pub source: String,
}

/// `datapackage.json`: the fields the loader relies on (the rest is documentation).
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct DataPackage {
    pub name: String,
    pub title: String,
    pub currency: String,
    pub factor: i64,
    pub unit: String,
    pub years: Vec<i32>,
    #[serde(default)]
    pub sources: Vec<PackageSource>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct PackageSource {
    pub title: String,
    #[serde(default)]
    pub path: Option<String>,
}

/// `text.json`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Text {
    pub departments: Vec<DepartmentText>,
    pub goals: Vec<GoalText>,
    pub projects: Vec<ProjectText>,
    pub glossary: Vec<GlossaryText>,
    #[serde(default)]
    pub notes: Vec<NoteText>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DepartmentText {
    pub code: String,
    pub year: i32,
    pub duties: Option<String>,
    pub source: String,
    #[serde(default)]
    pub divisions: Vec<DivisionText>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DivisionText {
    pub name: String,
    pub name_en: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct GoalText {
    pub department: String,
    pub year: i32,
    pub kind: GoalKind,
    pub position: i32,
    pub title: Option<String>,
    pub text: String,
    pub source: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectText {
    pub department: String,
    pub year: i32,
    pub key: String,
    pub purpose: Option<String>,
    pub reason: Option<String>,
    #[serde(default)]
    pub performance_goals: Vec<String>,
    pub goal_source: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct GlossaryText {
    pub position: i32,
    pub term: String,
    pub term_en: String,
    pub definition: String,
    pub source: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NoteText {
    pub department: String,
    pub year: i32,
    pub text: String,
    pub source: String,
}
