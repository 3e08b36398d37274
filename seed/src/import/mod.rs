//! `seed import FILE... --out DIR`: one published disclosure (one PDF, or its narrative and
//! table PDFs) → a data package in the loader's format (seed/data/FORMAT.md), with every
//! numeric cell of every recognised table kept as printed (`printed_*.csv`).
//!
//! Two layers: [`reader`] reads printed tables generically (words with coordinates from
//! [`pdf`]); a family [`template`] (data under `seed/templates/`) says which table is which,
//! which column is which measure and which figures must agree. [`checks`] runs those identities;
//! [`package`] writes the files. Nothing is written unless the whole import succeeds.

pub mod checks;
pub mod package;
pub mod pdf;
pub mod reader;
pub mod register;
pub mod template;

use std::path::{Path, PathBuf};

/// What the command line asks.
#[derive(Debug, Clone)]
pub struct Options {
    pub files: Vec<PathBuf>,
    pub out: PathBuf,
    /// Refuse a MISMATCH or an unplaced cell.
    pub strict: bool,
    /// The government's code, when the document does not say it as the template expects.
    pub government: Option<String>,
}

/// What an import read and wrote.
#[derive(Debug)]
pub struct Report {
    pub dataset: String,
    pub department: register::Entry,
    pub year: i32,
    pub family: String,
    pub tables: Vec<reader::Table>,
    pub unplaced: Vec<reader::Unplaced>,
    pub checks: Vec<checks::Outcome>,
}

impl Report {
    /// Numeric cells printed in the recognised tables (blank ones included).
    pub fn cells(&self) -> usize {
        self.tables
            .iter()
            .map(|t| {
                let amounts = t
                    .columns
                    .iter()
                    .filter(|c| c.kind == template::Kind::Amount)
                    .count();
                amounts * t.rows.len()
            })
            .sum()
    }

    /// The import's output: tables, cells, identities, anything unplaced.
    pub fn summary(&self) -> String {
        use std::fmt::Write;
        let mut s = String::new();
        let count = |st: checks::Status| self.checks.iter().filter(|c| c.status == st).count();
        let _ = writeln!(
            s,
            "{} {} ({}): {} tables, {} cells; identities {} OK, {} ROUNDING, {} MISMATCH; {} unplaced",
            self.department.name,
            self.year,
            self.family,
            self.tables.len(),
            self.cells(),
            count(checks::Status::Ok),
            count(checks::Status::Rounding),
            count(checks::Status::Mismatch),
            self.unplaced.len()
        );
        if !self.department.known {
            let _ = writeln!(
                s,
                "  department `{}` is not in seed/registers/: code {} (hash of its name), no English name",
                self.department.name, self.department.code
            );
        }
        for c in self
            .checks
            .iter()
            .filter(|c| c.status != checks::Status::Ok)
        {
            let _ = writeln!(s, "  {c}");
        }
        for u in &self.unplaced {
            let _ = writeln!(s, "  UNPLACED {u}");
        }
        s
    }
}

/// Why an import failed; nothing was written.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ImportError(pub String);

fn fail<T>(message: impl Into<String>) -> Result<T, ImportError> {
    Err(ImportError(message.into()))
}

/// Reads the files, checks them and writes the package into `options.out`.
pub fn run(options: &Options) -> Result<Report, ImportError> {
    if options.files.is_empty() {
        return fail("no file given: expected one PDF, or a disclosure's -text and -tables PDFs");
    }
    let docs = options
        .files
        .iter()
        .map(|f| pdf::read(f))
        .collect::<Result<Vec<_>, _>>()
        .map_err(ImportError)?;
    let names = || {
        options
            .files
            .iter()
            .map(|f| f.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let front: String = docs
        .iter()
        .flat_map(|d| d.pages.iter().take(3))
        .flat_map(|p| p.words.iter().map(|w| w.text.as_str()))
        .collect();
    if !(front.contains("预算")) {
        return fail(format!(
            "{}: not a department budget (部门预算 / 单位预算): its first pages never mention 预算",
            names()
        ));
    }
    let templates = template::all();
    let Some(template) = templates
        .iter()
        .find(|t| t.detect.iter().any(|d| front.contains(d.as_str())))
    else {
        return fail(format!(
            "{}: no template matches (known families: {}; each looks for {} on the first pages)",
            names(),
            templates
                .iter()
                .map(|t| t.family.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            templates
                .iter()
                .flat_map(|t| t.detect.iter().map(String::as_str))
                .collect::<Vec<_>>()
                .join(" / ")
        ));
    };
    let mut tables = Vec::new();
    let mut unplaced = Vec::new();
    let mut errors = Vec::new();
    for doc in &docs {
        let reading = reader::read(doc, template);
        tables.extend(reading.tables);
        unplaced.extend(reading.unplaced);
        errors.extend(reading.errors);
    }
    if !errors.is_empty() {
        return fail(errors.join("\n"));
    }
    if tables.is_empty() {
        return fail(format!(
            "{}: not a department budget of the {} family: no printed table titled as its template expects ({})",
            names(),
            template.family,
            template
                .tables
                .iter()
                .map(|t| t.title.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    // One table per number: a second printing of a number is a reading error.
    tables.sort_by_key(|t| t.number);
    if let Some(w) = tables.windows(2).find(|w| w[0].number == w[1].number) {
        return fail(format!(
            "{}: table {} is printed twice (pages {} and {} of {} / {})",
            names(),
            w[0].number,
            w[0].page,
            w[1].page,
            w[0].document,
            w[1].document
        ));
    }
    let year = year_of(&docs).ok_or_else(|| {
        ImportError(format!(
            "{}: no budget year (20xx年) on the first pages",
            names()
        ))
    })?;
    let printed_name = most_common(tables.iter().map(|t| t.department.as_str()))
        .filter(|n| !n.is_empty())
        .ok_or_else(|| {
            ImportError(format!(
                "{}: no department name beside the tables ({})",
                names(),
                template.department_labels.join(" / ")
            ))
        })?;
    let government = options
        .government
        .clone()
        .unwrap_or_else(|| template.government.code.clone());
    // A 单位预算 (the department's own unit) says so on its cover.
    let cover: String = docs[0].pages[0]
        .words
        .iter()
        .map(|w| w.text.as_str())
        .collect();
    let own_unit = cover.contains("单位预算") && !cover.contains("部门预算");
    let department = if own_unit {
        let unit = register::lookup(&government, &format!("{printed_name}（本级）"));
        if unit.known {
            register::Entry {
                name: unit.name.clone(),
                ..unit
            }
        } else {
            register::lookup(&government, &printed_name)
        }
    } else {
        register::lookup(&government, &printed_name)
    };
    let checks = checks::run(&tables, template);
    let report = Report {
        dataset: format!("{}-{}", department.code, year),
        department,
        year,
        family: template.family.clone(),
        tables,
        unplaced,
        checks,
    };
    if options.strict {
        let mismatches: Vec<String> = report
            .checks
            .iter()
            .filter(|c| c.status == checks::Status::Mismatch)
            .map(|c| c.to_string())
            .collect();
        if !mismatches.is_empty() || !report.unplaced.is_empty() {
            return fail(format!(
                "--strict: refused ({} MISMATCH, {} unplaced cells):\n{}{}",
                mismatches.len(),
                report.unplaced.len(),
                mismatches.join("\n"),
                report
                    .unplaced
                    .iter()
                    .map(|u| format!("\nUNPLACED {u}"))
                    .collect::<String>()
            ));
        }
    }
    let files: Vec<String> = docs.iter().map(|d| d.name.clone()).collect();
    package::write(&options.out, &report, template, &government, &files)
        .map_err(|e| ImportError(format!("{}: {e}", options.out.display())))?;
    Ok(report)
}

fn most_common<'a>(items: impl Iterator<Item = &'a str>) -> Option<String> {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for item in items.filter(|i| !i.is_empty()) {
        match counts.iter_mut().find(|(i, _)| *i == item) {
            Some((_, n)) => *n += 1,
            None => counts.push((item, 1)),
        }
    }
    counts
        .into_iter()
        .max_by_key(|(_, n)| *n)
        .map(|(i, _)| i.to_owned())
}

/// The budget year: the first `20xx年` of the documents' first pages.
fn year_of(docs: &[pdf::Document]) -> Option<i32> {
    for doc in docs {
        for page in doc.pages.iter().take(3) {
            let text: String = page
                .words
                .iter()
                .map(|w| w.text.as_str())
                .collect::<String>();
            let text = reader::compact(&text);
            let chars: Vec<char> = text.chars().collect();
            for i in 0..chars.len().saturating_sub(4) {
                if chars[i] == '2'
                    && chars[i + 1] == '0'
                    && chars[i + 2..i + 4].iter().all(|c| c.is_ascii_digit())
                    && chars[i + 4] == '年'
                {
                    let y: String = chars[i..i + 4].iter().collect();
                    return y.parse().ok();
                }
            }
        }
    }
    None
}

/// The directory a file's disclosure would be written to by default.
pub fn default_out(file: &Path) -> PathBuf {
    PathBuf::from(
        file.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
    )
}
