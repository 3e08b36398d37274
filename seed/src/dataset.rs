//! Reading a data directory into a validated [`Dataset`]: every cross-file reference, year,
//! duplicate and number is checked before anything touches the database.

use crate::error::DataError;
use crate::files::DataSource;
use crate::fixed;
use crate::package;
use crate::rows::*;
use std::collections::{HashMap, HashSet};

/// A disclosure whose files have been read and cross-checked.
#[derive(Debug, Clone)]
pub struct Dataset {
    pub package: DataPackage,
    /// `datapackage.json`'s descriptive fields (all but `resources`), in file order: kept with
    /// the dataset so an export writes them back.
    pub metadata: serde_json::Map<String, serde_json::Value>,
    pub content_hash: String,
    /// The rows of every CSV file (also reachable directly: `dataset.budget_lines`).
    pub tables: Tables,
    pub text: Text,
    /// Look-up tables over the rows, built on first use.
    index: std::sync::OnceLock<Index>,
}

type LineKey = (String, i32, String, Scheme, Option<String>);

/// Positions of rows by their natural keys, so checks stay linear in the data size.
#[derive(Debug, Default, Clone)]
struct Index {
    lines: HashMap<LineKey, usize>,
    headlines: HashMap<(String, i32, String), usize>,
}

impl std::ops::Deref for Dataset {
    type Target = Tables;

    fn deref(&self) -> &Tables {
        &self.tables
    }
}

/// Collects errors instead of stopping at the first, so one run reports them all.
#[derive(Default)]
struct Errors(Vec<DataError>);

impl Errors {
    fn push(&mut self, file: &str, line: u64, column: &str, reason: impl Into<String>) {
        self.0.push(DataError::at(file, line, column, reason));
    }

    /// Reads the CSV of `T`'s resource, checking its header against the resource's columns.
    fn csv<T: Row>(&mut self, source: &DataSource) -> Vec<Line<T>> {
        let (file, columns) = (T::RESOURCE.path(), T::RESOURCE.columns());
        let file = file.as_str();
        let text = match source.read(file) {
            Ok(text) => text,
            Err(e) => {
                self.0.push(e);
                return Vec::new();
            }
        };
        read_csv(file, &text, &columns).unwrap_or_else(|errors| {
            self.0.extend(errors);
            Vec::new()
        })
    }

    fn json<T: serde::de::DeserializeOwned>(
        &mut self,
        source: &DataSource,
        file: &str,
    ) -> Option<T> {
        let text = source.read(file).map_err(|e| self.0.push(e)).ok()?;
        serde_json::from_str(&text)
            .map_err(|e| {
                self.0.push(DataError {
                    file: file.to_owned(),
                    line: Some(e.line() as u64),
                    column: None,
                    reason: e.to_string(),
                })
            })
            .ok()
    }

    /// Flags every figure of a row that cannot be stored exactly.
    fn amounts(&mut self, file: &str, line: u64, row: &impl Row) {
        for (column, value) in row.amounts() {
            if fixed::to_units(value).is_none() {
                self.push(
                    file,
                    line,
                    column,
                    format!("`{value}` has more than 4 decimal places or is too large"),
                );
            }
        }
    }

    /// Hands every row of `rows` to `check`, with its file and line.
    fn rows<'a, R: Row>(
        &mut self,
        rows: &'a [Line<R>],
        mut check: impl FnMut(&mut Self, &str, u64, &'a R),
    ) {
        let file = R::RESOURCE.path();
        for Line { line, row } in rows {
            check(self, &file, *line, row);
        }
    }

    fn nonempty(&mut self, file: &str, line: u64, column: &str, value: &str) {
        if value.trim().is_empty() {
            self.push(file, line, column, "must not be empty");
        }
    }

    /// Flags a repeated key; `seen` remembers the line of the first occurrence.
    fn unique<K: std::hash::Hash + Eq>(
        &mut self,
        seen: &mut HashMap<K, u64>,
        key: K,
        file: &str,
        line: u64,
        column: &str,
    ) {
        if let Some(first) = seen.insert(key, line) {
            self.push(
                file,
                line,
                column,
                format!("duplicate row (same key as line {first})"),
            );
        }
    }
}

impl ReadTable for (&mut Errors, &DataSource) {
    fn table<T: Row>(&mut self) -> Vec<Line<T>> {
        self.0.csv(self.1)
    }
}

/// What every resource's rows are checked for: a fact's references, a unique primary key (the
/// error names its last column) and amounts that can be stored exactly.
struct Common<'e, 'r> {
    errors: &'e mut Errors,
    refs: &'e Refs<'r>,
}

impl EachTable for Common<'_, '_> {
    fn table<T: Row>(&mut self, rows: &[Line<T>]) {
        let resource = T::RESOURCE;
        let file = resource.path();
        let key_column = resource.primary_key.last().copied().unwrap_or_default();
        let mut seen = HashMap::new();
        for Line { line, row } in rows {
            if let Some((department, year, source)) = row.refs() {
                self.refs
                    .check(self.errors, &file, *line, department, year, source);
            }
            self.errors
                .unique(&mut seen, row.key(), &file, *line, key_column);
            self.errors.amounts(&file, *line, row);
        }
    }
}

/// The references every fact row makes: department, year and source.
struct Refs<'a> {
    departments: HashSet<&'a str>,
    years: HashSet<i32>,
    sources: HashSet<&'a str>,
}

impl Refs<'_> {
    fn check(
        &self,
        errors: &mut Errors,
        file: &str,
        line: u64,
        department: &str,
        year: i32,
        source: &str,
    ) {
        if !self.departments.contains(department) {
            errors.push(
                file,
                line,
                "department",
                format!("unknown department `{department}`"),
            );
        }
        if !self.years.contains(&year) {
            errors.push(
                file,
                line,
                "year",
                format!("unknown year {year} (datapackage.json years: {:?})", {
                    let mut y: Vec<_> = self.years.iter().collect();
                    y.sort();
                    y
                }),
            );
        }
        if !self.sources.contains(source) {
            errors.push(file, line, "source", format!("unknown source `{source}`"));
        }
    }
}

impl Dataset {
    /// Reads and validates every file; returns every problem found, or the dataset.
    pub fn read(source: &DataSource) -> Result<Dataset, Vec<DataError>> {
        let mut e = Errors::default();
        let content_hash = source.content_hash().map_err(|err| vec![err])?;
        let package: Option<DataPackage> = e.json(source, "datapackage.json");
        let text: Option<Text> = e.json(source, "text.json");
        let metadata = source
            .read("datapackage.json")
            .ok()
            .and_then(|t| package::metadata(&t))
            .unwrap_or_default();
        let dataset = Dataset {
            content_hash,
            metadata,
            tables: Tables::read(&mut (&mut e, source)),
            index: std::sync::OnceLock::new(),
            package: match package {
                Some(p) => p,
                None => return Err(e.0),
            },
            text: match text {
                Some(t) => t,
                None => return Err(e.0),
            },
        };
        if !e.0.is_empty() {
            return Err(e.0);
        }
        dataset.validate(&mut e);
        if e.0.is_empty() {
            Ok(dataset)
        } else {
            Err(e.0)
        }
    }

    fn validate<'a>(&'a self, e: &mut Errors) {
        let p = &self.package;
        let file = "datapackage.json";
        if p.currency != "CNY" {
            e.0.push(DataError::file(
                file,
                format!("currency must be CNY, not {}", p.currency),
            ));
        }
        if !matches!((p.unit.as_str(), p.factor), ("万元", 10_000) | ("元", 1)) {
            e.0.push(DataError::file(
                file,
                "amounts must be in 万元 (factor 10000) or 元 (factor 1)",
            ));
        }
        if p.years.is_empty() {
            e.0.push(DataError::file(file, "years must list at least one year"));
        }
        if p.name.trim().is_empty() {
            e.0.push(DataError::file(file, "name must not be empty"));
        }

        for Line { line, row } in &self.sources {
            e.nonempty("sources.csv", *line, "title", &row.title);
        }

        let governments: HashSet<&str> = self
            .governments
            .iter()
            .map(|l| l.row.code.as_str())
            .collect();
        for Line { line, row } in &self.governments {
            e.nonempty("governments.csv", *line, "code", &row.code);
            e.nonempty("governments.csv", *line, "name", &row.name);
            e.nonempty("governments.csv", *line, "name_en", &row.name_en);
        }

        let codes: HashSet<&str> = self
            .departments
            .iter()
            .map(|l| l.row.code.as_str())
            .collect();
        for Line { line, row } in &self.departments {
            e.nonempty("departments.csv", *line, "name", &row.name);
            e.nonempty("departments.csv", *line, "name_en", &row.name_en);
            if !governments.contains(row.government.as_str()) {
                e.push(
                    "departments.csv",
                    *line,
                    "government",
                    format!("unknown government `{}`", row.government),
                );
            }
            if let Some(parent) = &row.parent_code {
                if !codes.contains(parent.as_str()) {
                    e.push(
                        "departments.csv",
                        *line,
                        "parent_code",
                        format!("unknown parent `{parent}`"),
                    );
                } else if self.department_ancestors(parent).any(|c| c == row.code)
                    || parent == &row.code
                {
                    e.push(
                        "departments.csv",
                        *line,
                        "parent_code",
                        "parent chain forms a cycle",
                    );
                }
            }
        }

        let refs = Refs {
            departments: codes,
            years: p.years.iter().copied().collect(),
            sources: self.sources.iter().map(|l| l.row.key.as_str()).collect(),
        };

        self.tables.each(&mut Common {
            errors: e,
            refs: &refs,
        });
        self.validate_printed(e);

        let mut nodes: HashMap<(Scheme, &str), u64> = HashMap::new();
        for Line { line, row } in &self.classifications {
            let f = "classifications.csv";
            if row.scheme == Scheme::Project {
                e.push(f, *line, "scheme", "PROJECT is not a classification scheme");
            }
            e.nonempty(f, *line, "code", &row.code);
            e.nonempty(f, *line, "name", &row.name);
            // `name_en` may be empty: an imported node has an English name only where the
            // project's classification data gives one (issue 25), never a made-up one.
            if let Some(parent) = &row.parent_code
                && !nodes.contains_key(&(row.scheme, parent.as_str()))
            {
                e.push(
                    f,
                    *line,
                    "parent_code",
                    format!("unknown parent `{parent}` (parents must come before children)"),
                );
            }
            nodes
                .entry((row.scheme, row.code.as_str()))
                .or_insert(*line);
        }

        let project_keys: HashSet<(&str, i32, &str)> = self
            .projects
            .iter()
            .map(|l| (l.row.department.as_str(), l.row.year, l.row.key.as_str()))
            .collect();
        let any_project: HashSet<&str> = self.projects.iter().map(|l| l.row.key.as_str()).collect();

        let mut line_codes: HashSet<(&str, i32, &str, &str)> = HashSet::new();
        let key = |r: &'a BudgetLineRow| {
            (
                &r.department,
                r.year,
                &r.source,
                r.scheme,
                r.code.as_deref(),
            )
        };
        // Besides the primary key (a position), one row per code and table.
        let mut seen = HashMap::new();
        e.rows(&self.budget_lines, |e, f, line, row| {
            e.unique(&mut seen, key(row), f, line, "code");
            e.nonempty(f, line, "label", &row.label);
            if let Some(code) = &row.code {
                let known = match row.scheme {
                    Scheme::Project => any_project.contains(code.as_str()),
                    scheme => nodes.contains_key(&(scheme, code.as_str())),
                };
                if !known {
                    e.push(
                        f,
                        line,
                        "code",
                        format!("unknown {} code `{code}`", row.scheme.as_str()),
                    );
                }
                line_codes.insert((&row.department, row.year, &row.source, code));
            }
        });

        e.rows(&self.allocations, |e, f, line, row| {
            if !nodes.contains_key(&(Scheme::Revenue, row.revenue_code.as_str())) {
                e.push(
                    f,
                    line,
                    "revenue_code",
                    format!("unknown REVENUE code `{}`", row.revenue_code),
                );
            }
            if let Some(r) = &row.row
                && !line_codes.contains(&(
                    row.department.as_str(),
                    row.year,
                    row.source.as_str(),
                    r.as_str(),
                ))
            {
                e.push(
                    f,
                    line,
                    "row",
                    format!(
                        "no budget line `{r}` in {} for this department-year",
                        row.source
                    ),
                );
            }
        });

        e.rows(&self.headlines, |e, f, line, row| {
            e.nonempty(f, line, "name", &row.name);
            e.nonempty(f, line, "unit", &row.unit);
            for also in row.also_in.iter().flat_map(|a| a.split(';')) {
                if !refs.sources.contains(also.trim()) {
                    e.push(f, line, "also_in", format!("unknown source `{also}`"));
                }
            }
        });

        let mut names: HashMap<&str, (&str, &str, u64)> = HashMap::new();
        e.rows(&self.projects, |e, f, line, row| {
            e.nonempty(f, line, "name", &row.name);
            if let Some((name, name_en, first)) =
                names.insert(&row.key, (&row.name, &row.name_en, line))
                && (name != row.name || name_en != row.name_en)
            {
                e.push(
                    f,
                    line,
                    "name",
                    format!("project `{}` is named differently on line {first}", row.key),
                );
            }
        });

        e.rows(&self.subprojects, |e, f, line, row| {
            if !project_keys.contains(&(
                row.department.as_str(),
                row.year,
                row.project_key.as_str(),
            )) {
                e.push(
                    f,
                    line,
                    "project_key",
                    format!("no project `{}` for this department-year", row.project_key),
                );
            }
            e.nonempty(f, line, "name", &row.name);
        });

        let keys: HashSet<(&str, i32, &str)> = self
            .three_public
            .iter()
            .map(|l| (l.row.department.as_str(), l.row.year, l.row.key.as_str()))
            .collect();
        e.rows(&self.three_public, |e, f, line, row| {
            if let Some(parent) = &row.parent_key
                && !keys.contains(&(row.department.as_str(), row.year, parent.as_str()))
            {
                e.push(f, line, "parent_key", format!("unknown parent `{parent}`"));
            }
        });

        e.rows(&self.tasks, |e, f, line, row| {
            e.nonempty(f, line, "name", &row.name);
            if let Some(key) = &row.project_key
                && !project_keys.contains(&(row.department.as_str(), row.year, key.as_str()))
            {
                e.push(
                    f,
                    line,
                    "project_key",
                    format!("no project `{key}` for this department-year"),
                );
            }
        });

        e.rows(&self.indicators, |e, f, line, row| {
            for (column, value) in [
                ("category", &row.category),
                ("subcategory", &row.subcategory),
                ("name", &row.name),
                ("target", &row.target),
            ] {
                e.nonempty(f, line, column, value);
            }
        });

        self.validate_text(e, &refs, &project_keys);
    }

    fn validate_text(
        &self,
        e: &mut Errors,
        refs: &Refs<'_>,
        projects: &HashSet<(&str, i32, &str)>,
    ) {
        // JSON entries have no line numbers; the column names the entry instead.
        let f = "text.json";
        let mut seen = HashMap::new();
        for (i, d) in self.text.departments.iter().enumerate() {
            let at = format!("departments[{i}]");
            refs.check(e, f, 0, &d.code, d.year, &d.source);
            e.unique(&mut seen, (&d.code, d.year), f, 0, &at);
            for (j, division) in d.divisions.iter().enumerate() {
                e.nonempty(f, 0, &format!("{at}.divisions[{j}].name"), &division.name);
            }
        }
        let mut seen = HashMap::new();
        for (i, g) in self.text.goals.iter().enumerate() {
            refs.check(e, f, 0, &g.department, g.year, &g.source);
            e.unique(
                &mut seen,
                (&g.department, g.year, g.kind, g.position),
                f,
                0,
                &format!("goals[{i}]"),
            );
            e.nonempty(f, 0, &format!("goals[{i}].text"), &g.text);
        }
        let mut seen = HashMap::new();
        for (i, p) in self.text.projects.iter().enumerate() {
            let at = format!("projects[{i}]");
            if !projects.contains(&(p.department.as_str(), p.year, p.key.as_str())) {
                e.push(
                    f,
                    0,
                    &at,
                    format!(
                        "no project `{}` for {} {} in projects.csv",
                        p.key, p.department, p.year
                    ),
                );
            }
            if let Some(source) = &p.goal_source
                && !refs.sources.contains(source.as_str())
            {
                e.push(
                    f,
                    0,
                    &format!("{at}.goal_source"),
                    format!("unknown source `{source}`"),
                );
            }
            e.unique(&mut seen, (&p.department, p.year, &p.key), f, 0, &at);
        }
        let mut seen = HashMap::new();
        for (i, g) in self.text.glossary.iter().enumerate() {
            let at = format!("glossary[{i}]");
            if !refs.sources.contains(g.source.as_str()) {
                e.push(f, 0, &at, format!("unknown source `{}`", g.source));
            }
            e.unique(&mut seen, g.position, f, 0, &at);
            e.nonempty(f, 0, &format!("{at}.term"), &g.term);
        }
        for n in &self.text.notes {
            refs.check(e, f, 0, &n.department, n.year, &n.source);
        }
        // `line` 0 means "not a CSV row": drop it from the messages.
        for err in &mut e.0 {
            if err.file == f && err.line == Some(0) {
                err.line = None;
            }
        }
    }

    fn department_ancestors<'a>(&'a self, code: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        let parents: HashMap<&str, Option<&str>> = self
            .departments
            .iter()
            .map(|l| (l.row.code.as_str(), l.row.parent_code.as_deref()))
            .collect();
        let mut current = Some(code);
        let mut steps = 0;
        std::iter::from_fn(move || {
            steps += 1;
            if steps > parents.len() + 1 {
                return None;
            }
            let next = parents.get(current?).copied().flatten();
            current = next;
            next
        })
    }

    fn index(&self) -> &Index {
        self.index.get_or_init(|| Index {
            lines: self
                .budget_lines
                .iter()
                .enumerate()
                .map(|(i, l)| {
                    let r = &l.row;
                    (
                        (
                            r.department.clone(),
                            r.year,
                            r.source.clone(),
                            r.scheme,
                            r.code.clone(),
                        ),
                        i,
                    )
                })
                .collect(),
            headlines: self
                .headlines
                .iter()
                .enumerate()
                .map(|(i, l)| ((l.row.department.clone(), l.row.year, l.row.key.clone()), i))
                .collect(),
        })
    }

    /// The printed row of a table for a classification code (`None`: the department-total row).
    pub fn line(
        &self,
        dept: &str,
        year: i32,
        source: &str,
        scheme: Scheme,
        code: Option<&str>,
    ) -> Option<&Line<BudgetLineRow>> {
        let key = (
            dept.to_owned(),
            year,
            source.to_owned(),
            scheme,
            code.map(str::to_owned),
        );
        self.index().lines.get(&key).map(|&i| &self.budget_lines[i])
    }

    /// A named figure.
    pub fn headline(&self, dept: &str, year: i32, key: &str) -> Option<&Line<HeadlineRow>> {
        let key = (dept.to_owned(), year, key.to_owned());
        self.index()
            .headlines
            .get(&key)
            .map(|&i| &self.headlines[i])
    }

    /// Indexes of the budget lines the API serves: one per (department, year, scheme, code).
    /// Where several tables print the same node, the row with the most printed columns wins
    /// (表3 over 表7 over 表1), ties going to the table listed first in `sources.csv`.
    pub fn primary_lines(&self) -> HashSet<usize> {
        let order: HashMap<&str, usize> = self
            .sources
            .iter()
            .enumerate()
            .map(|(i, l)| (l.row.key.as_str(), i))
            .collect();
        let printed = |r: &BudgetLineRow| r.amounts().len();
        let mut best: HashMap<(&str, i32, Scheme, &str), usize> = HashMap::new();
        for (i, l) in self.budget_lines.iter().enumerate() {
            let r = &l.row;
            let Some(code) = r.code.as_deref() else {
                continue;
            };
            if r.scheme == Scheme::Project {
                continue;
            }
            let rank = |r: &BudgetLineRow| {
                (
                    std::cmp::Reverse(printed(r)),
                    order.get(r.source.as_str()).copied().unwrap_or(usize::MAX),
                )
            };
            best.entry((&r.department, r.year, r.scheme, code))
                .and_modify(|b| {
                    if rank(r) < rank(&self.budget_lines[*b].row) {
                        *b = i;
                    }
                })
                .or_insert(i);
        }
        best.into_values().collect()
    }

    /// The printed tables: a cell's row and column exist in its table; a column's unit is
    /// `元` or `万元`; a row's page and line and a column's position are 1-based.
    fn validate_printed(&self, e: &mut Errors) {
        type Table<'a> = (&'a str, i32, &'a str);
        let mut columns: HashSet<(Table<'_>, i32)> = HashSet::new();
        for Line { line, row: c } in &self.printed_columns {
            let f = "printed_columns.csv";
            columns.insert((
                (c.department.as_str(), c.year, c.source.as_str()),
                c.position,
            ));
            if c.position < 1 {
                e.push(f, *line, "position", "must be 1 or more");
            }
            e.nonempty(f, *line, "key", &c.key);
            e.nonempty(f, *line, "path", &c.path);
            if c.unit != "元" && c.unit != "万元" {
                e.push(f, *line, "unit", format!("`{}` is not 元 or 万元", c.unit));
            }
        }
        let mut rows: HashSet<(Table<'_>, i32)> = HashSet::new();
        for Line { line, row: r } in &self.printed_rows {
            let f = "printed_rows.csv";
            rows.insert((
                (r.department.as_str(), r.year, r.source.as_str()),
                r.position,
            ));
            if r.position < 1 {
                e.push(f, *line, "position", "must be 1 or more");
            }
            for (column, value) in [("page", r.page), ("line", r.line)] {
                if value.is_some_and(|v| v < 1) {
                    e.push(f, *line, column, "must be 1 or more");
                }
            }
        }
        for Line { line, row: c } in &self.printed_cells {
            let f = "printed_cells.csv";
            let table = (c.department.as_str(), c.year, c.source.as_str());
            if !rows.contains(&(table, c.row)) {
                e.push(
                    f,
                    *line,
                    "row",
                    format!(
                        "no row {} in printed_rows.csv for {} {} {}",
                        c.row, c.department, c.year, c.source
                    ),
                );
            }
            if !columns.contains(&(table, c.column)) {
                e.push(
                    f,
                    *line,
                    "column",
                    format!(
                        "no column {} in printed_columns.csv for {} {} {}",
                        c.column, c.department, c.year, c.source
                    ),
                );
            }
        }
    }

    /// Every (department, year) the dataset has facts for.
    pub fn department_years(&self) -> Vec<(String, i32)> {
        let mut set: Vec<(String, i32)> = self
            .budget_lines
            .iter()
            .map(|l| (l.row.department.clone(), l.row.year))
            .chain(
                self.headlines
                    .iter()
                    .map(|l| (l.row.department.clone(), l.row.year)),
            )
            .chain(
                self.projects
                    .iter()
                    .map(|l| (l.row.department.clone(), l.row.year)),
            )
            .chain(
                self.three_public
                    .iter()
                    .map(|l| (l.row.department.clone(), l.row.year)),
            )
            .chain(
                self.printed_rows
                    .iter()
                    .map(|l| (l.row.department.clone(), l.row.year)),
            )
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        set.sort();
        set
    }
}
