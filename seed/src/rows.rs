//! The rows of each data file, as read (before cross-file validation).

use crate::error::DataError;
use crate::package::{FieldType, Resource};
pub use entity::{Basis, GoalKind, GovernmentLevel, Scheme, Scope, TaskKind};
use rust_decimal::Decimal;
use serde::de::{self, DeserializeOwned};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::marker::PhantomData;

/// A row with the file line it came from.
#[derive(Debug, Clone)]
pub struct Line<T> {
    pub line: u64,
    pub row: T,
}

impl<T> std::ops::Deref for Line<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.row
    }
}

impl<T: Row> Line<T> {
    /// The file and line of the row.
    pub fn at(&self) -> At {
        At {
            file: T::RESOURCE.path(),
            line: self.line,
        }
    }
}

/// Where a row of a CSV file is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct At {
    /// The file, relative to the data directory.
    pub file: String,
    /// The 1-based line (the header is line 1).
    pub line: u64,
}

impl std::fmt::Display for At {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}, line {}", self.file, self.line)
    }
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

/// A CSV cell's type: how a field reads and writes, and its Table Schema type. Every column of
/// a resource goes through it (`#[serde(with = "cell")]`), so a field's Rust type says it all.
pub trait Cell: Sized {
    /// The Table Schema type `datapackage.json` gives the column.
    const TYPE: FieldType;
    /// Reads a cell.
    fn read<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error>;
    /// Writes a cell as the files print it.
    fn write<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error>;
    /// The printed figure, for an amount column that states one.
    fn amount(&self) -> Option<Decimal> {
        None
    }
}

/// Cells read and written as serde does.
macro_rules! plain_cells {
    ($($ty:ty => $kind:ident),* $(,)?) => {$(
        impl Cell for $ty {
            const TYPE: FieldType = FieldType::$kind;
            fn read<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                <$ty>::deserialize(d)
            }
            fn write<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                self.serialize(s)
            }
        }
    )*};
}

plain_cells!(
    String => String,
    i32 => Integer,
    bool => Boolean,
    Scheme => String,
    Scope => String,
    Basis => String,
    TaskKind => String,
    GovernmentLevel => String,
);

/// A printed number: a plain decimal (no thousands separators, no unit, no exponent), written
/// back without trailing zeros.
impl Cell for Decimal {
    const TYPE: FieldType = FieldType::Number;
    fn read<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = Option::<String>::deserialize(d)?
            .ok_or_else(|| de::Error::custom("a number is required"))?;
        parse_amount(&text)
            .ok_or_else(|| de::Error::custom(format!("`{text}` is not a plain decimal number")))
    }
    fn write<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.normalize())
    }
    fn amount(&self) -> Option<Decimal> {
        Some(*self)
    }
}

/// An empty cell is `None`.
impl<T: Cell> Cell for Option<T> {
    const TYPE: FieldType = T::TYPE;
    fn read<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit<T>(PhantomData<T>);
        impl<'de, T: Cell> de::Visitor<'de> for Visit<T> {
            type Value = Option<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a value or nothing")
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                T::read(d).map(Some)
            }
        }
        d.deserialize_option(Visit(PhantomData))
    }
    fn write<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Some(value) => s.serialize_some(&Written(value)),
            None => s.serialize_none(),
        }
    }
    fn amount(&self) -> Option<Decimal> {
        self.as_ref().and_then(Cell::amount)
    }
}

/// Serializes a cell through [`Cell::write`].
struct Written<'a, T>(&'a T);

impl<T: Cell> Serialize for Written<'_, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.write(s)
    }
}

/// `#[serde(with = "cell")]`: a field read and written through its [`Cell`] type.
mod cell {
    use super::*;

    pub fn deserialize<'de, T: Cell, D: Deserializer<'de>>(d: D) -> Result<T, D::Error> {
        T::read(d)
    }

    pub fn serialize<T: Cell, S: Serializer>(value: &T, s: S) -> Result<S::Ok, S::Error> {
        value.write(s)
    }
}

/// The row of one CSV resource.
pub trait Row: DeserializeOwned + Serialize {
    /// Its resource in [`RESOURCES`].
    const RESOURCE: &'static Resource;
    /// Every amount the row states, by column.
    fn amounts(&self) -> Vec<(&'static str, Decimal)>;
    /// The values of the primary key, as one text (equal texts: the same key).
    fn key(&self) -> String;
    /// A department-year fact's department, year and source.
    fn refs(&self) -> Option<(&str, i32, &str)> {
        None
    }
}

/// Receives the rows of each resource (see [`Tables::each`]).
pub trait EachTable {
    /// The rows of `T`'s resource.
    fn table<T: Row>(&mut self, rows: &[Line<T>]);
}

/// Reads the rows of one resource (see [`Tables::read`]).
pub trait ReadTable {
    /// The rows of `T`'s resource.
    fn table<T: Row>(&mut self) -> Vec<Line<T>>;
}

/// Declares every CSV resource once: its row struct (columns in file order, each read and
/// written by its type's [`Cell`]), whether it is a plain `table` or a department-year `fact`
/// (columns `department` and `year` first, a `source`; its references are checked) and its
/// primary key (checked unique). [`RESOURCES`] (the loader's header check
/// and `datapackage.json`) and the file list ([`crate::files::FILES`], with the bundled copy)
/// are derived from it.
macro_rules! resources {
    ($(
        $(#[$meta:meta])*
        $name:ident: $row:ident $kind:ident [$($key:ident),*] { $($body:tt)* }
        // `..stated { after }`: the columns of a stated figure (its change and percent against
        // the year before as printed, how it is known, where it is printed), then `after`.
        $(..stated { $($after:tt)* })?
    )*) => {
        $(resource!($(#[$meta])* $kind $name: $row [$($key),*] {
            $($body)*
            $(
                pub stated_change: Option<Decimal>,
                pub stated_percent: Option<Decimal>,
                pub basis: Basis,
                pub source: String,
                $($after)*
            )?
        });)*

        /// Every CSV resource, in load order.
        pub const RESOURCES: &[&Resource] = &[$(<$row as Row>::RESOURCE),*];

        /// The rows of every CSV resource, as read.
        #[derive(Debug, Clone)]
        pub struct Tables {
            $(pub $name: Vec<Line<$row>>,)*
        }

        impl Tables {
            /// Reads every resource, in load order, through `read`.
            pub fn read(read: &mut impl ReadTable) -> Tables {
                Tables {
                    $($name: read.table(),)*
                }
            }

            /// Hands every resource's rows, in load order, to `each`.
            pub fn each(&self, each: &mut impl EachTable) {
                $(each.table(&self.$name);)*
            }
        }

        crate::files::data_files!($($name),*);
    };
}

/// One resource of `resources!`: a `table`, or a department-year `fact`, whose columns begin
/// with `department` and `year` and which names its `source`.
macro_rules! resource {
    ($(#[$meta:meta])* fact $name:ident: $row:ident [$($key:ident),*] { $($body:tt)* }) => {
        resource!($(#[$meta])* table $name: $row [$($key),*] {
            pub department: String,
            pub year: i32,
            $($body)*
        } fact);
    };
    ($(#[$meta:meta])* table $name:ident: $row:ident [$($key:ident),*] {
        $(pub $field:ident: $ty:ty,)*
    } $($fact:ident)?) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Deserialize, Serialize)]
        pub struct $row {
            $(#[serde(with = "cell")] pub $field: $ty,)*
        }

        impl Row for $row {
            const RESOURCE: &'static Resource = &Resource {
                name: stringify!($name),
                fields: &[$((stringify!($field), <$ty as Cell>::TYPE)),*],
                primary_key: &[$(stringify!($key)),*],
            };

            fn amounts(&self) -> Vec<(&'static str, Decimal)> {
                [$((stringify!($field), Cell::amount(&self.$field))),*]
                    .into_iter()
                    .filter_map(|(column, value)| Some((column, value?)))
                    .collect()
            }

            fn key(&self) -> String {
                format!("{:?}", ($(&self.$key,)*))
            }

            $(fn refs(&self) -> Option<(&str, i32, &str)> {
                let _fact = stringify!($fact);
                Some((&self.department, self.year, &self.source))
            })?
        }
    };
}

resources! {
    /// `sources.csv`: the tables and sections of the disclosure.
    sources: SourceRow table [key] {
        pub key: String,
        pub table_number: Option<i32>,
        pub title: String,
        pub section: Option<String>,
        pub empty: bool,
    }

    /// `governments.csv`: the governments whose departments the package holds.
    governments: GovernmentRow table [code] {
        pub code: String,
        pub name: String,
        pub name_en: String,
        pub level: GovernmentLevel,
    }

    /// `departments.csv`.
    departments: DepartmentRow table [code] {
        pub code: String,
        pub name: String,
        pub name_en: String,
        pub government: String,
        pub parent_code: Option<String>,
        pub independent_accounting: Option<bool>,
    }

    /// `staffing.csv`.
    staffing: StaffingRow fact [department, year, scope] {
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

    /// `classifications.csv`: parents before children.
    classifications: ClassificationRow table [scheme, code] {
        pub scheme: Scheme,
        pub code: String,
        pub parent_code: Option<String>,
        pub name: String,
        pub name_en: String,
    }

    /// `budget_lines.csv`.
    budget_lines: BudgetLineRow fact [department, year, source, position] {
        pub source: String,
        pub scheme: Scheme,
        pub position: i32,
        pub code: Option<String>,
        pub label: String,
        pub total: Option<Decimal>,
        pub basic: Option<Decimal>,
        pub project: Option<Decimal>,
        pub procurement: Option<Decimal>,
        pub sme_reserved: Option<Decimal>,
        pub small_micro_reserved: Option<Decimal>,
    }

    /// `allocations.csv`.
    allocations: AllocationRow fact [department, year, source, row, revenue_code] {
        pub source: String,
        pub row: Option<String>,
        pub revenue_code: String,
        pub amount: Decimal,
    }

    /// `headlines.csv`.
    headlines: HeadlineRow fact [department, year, key] {
        pub key: String,
        pub name: String,
        pub name_en: String,
        pub amount: Option<Decimal>,
        pub unit: String,
    } ..stated {
        pub also_in: Option<String>,
        pub note: Option<String>,
    }

    /// `projects.csv`.
    projects: ProjectRow fact [department, year, key] {
        pub key: String,
        pub name: String,
        pub label: Option<String>,
        pub name_en: String,
        pub amount: Option<Decimal>,
    } ..stated {
        pub note: Option<String>,
    }

    /// `subprojects.csv`.
    subprojects: SubprojectRow fact [department, year, project_key, position] {
        pub project_key: String,
        pub position: i32,
        pub name: String,
        pub name_en: String,
        pub amount: Option<Decimal>,
        pub source: String,
    }

    /// `three_public.csv`.
    three_public: ThreePublicRow fact [department, year, key] {
        pub key: String,
        pub parent_key: Option<String>,
        pub name: String,
        pub name_en: String,
        pub amount: Option<Decimal>,
    } ..stated {
    }

    /// `tasks.csv`.
    tasks: TaskRow fact [department, year, position] {
        pub position: i32,
        pub kind: TaskKind,
        pub name: String,
        pub project_key: Option<String>,
        pub content: Option<String>,
        pub total: Option<Decimal>,
        pub fiscal: Option<Decimal>,
        pub other: Option<Decimal>,
        pub source: String,
    }

    /// `indicators.csv`.
    indicators: IndicatorRow fact [department, year, position] {
        pub position: i32,
        pub category: String,
        pub subcategory: String,
        pub name: String,
        pub target: String,
        pub source: String,
    }

    /// `printed_columns.csv`: the numeric columns of a printed table, left to right.
    printed_columns: PrintedColumnRow fact [department, year, source, position] {
        pub source: String,
        pub position: i32,
        pub key: String,
        pub path: String,
        pub unit: String,
    }

    /// `printed_rows.csv`: the body rows of a printed table, in printed order.
    printed_rows: PrintedRowRow fact [department, year, source, position] {
        pub source: String,
        pub position: i32,
        pub code: Option<String>,
        pub label: String,
        pub document: Option<String>,
        pub page: Option<i32>,
        pub line: Option<i32>,
    }

    /// `printed_cells.csv`: one cell per (row, numeric column) of a printed table, in the
    /// column's unit (empty `value`: a blank cell; `text` exactly as printed).
    printed_cells: PrintedCellRow fact [department, year, source, row, column] {
        pub source: String,
        pub row: i32,
        pub column: i32,
        pub value: Option<Decimal>,
        pub text: Option<String>,
        pub page: Option<i32>,
        pub line: Option<i32>,
    }
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
