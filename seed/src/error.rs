//! Load errors: each names the file, row, column and reason, so a data maintainer can fix it.

use std::fmt;

/// Something in a data directory that stops it from loading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataError {
    /// The file, relative to the data directory.
    pub file: String,
    /// The 1-based line of the file (the header is line 1), when the problem is in a row.
    pub line: Option<u64>,
    /// The column (or JSON field), when the problem is in one.
    pub column: Option<String>,
    /// What is wrong.
    pub reason: String,
}

impl DataError {
    pub fn file(file: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            file: file.into(),
            line: None,
            column: None,
            reason: reason.into(),
        }
    }

    pub fn at(
        file: impl Into<String>,
        line: u64,
        column: impl Into<String>,
        reason: impl Into<String>,
    ) -> Self {
        Self {
            file: file.into(),
            line: Some(line),
            column: Some(column.into()),
            reason: reason.into(),
        }
    }
}

impl std::error::Error for DataError {}

impl fmt::Display for DataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ", line {line}")?;
        }
        if let Some(column) = &self.column {
            write!(f, ", column `{column}`")?;
        }
        write!(f, ": {}", self.reason)
    }
}

/// Why a load did not happen. The database is unchanged in every case.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The data files are malformed or inconsistent.
    #[error("invalid data ({}):\n{}", problems(.0.len()), summarize(.0))]
    Invalid(Vec<DataError>),
    /// A consistency check found a real mismatch (a transcription error).
    #[error("consistency checks failed (printed figures disagree by more than rounding):\n{}", .0.join("\n"))]
    Mismatch(Vec<String>),
    /// The database refused the write.
    #[error("database error: {0}")]
    Db(#[from] sea_orm::DbErr),
}

fn problems(n: usize) -> String {
    if n == 1 {
        "1 problem".into()
    } else {
        format!("{n} problems")
    }
}

/// The first problems, one per line; a long list is cut with a count of the rest.
fn summarize(errors: &[DataError]) -> String {
    const SHOWN: usize = 50;
    let mut lines: Vec<String> = errors
        .iter()
        .take(SHOWN)
        .map(|e| format!("  - {e}"))
        .collect();
    if errors.len() > SHOWN {
        lines.push(format!("  … and {} more", errors.len() - SHOWN));
    }
    lines.join("\n")
}

pub type Result<T, E = LoadError> = std::result::Result<T, E>;
