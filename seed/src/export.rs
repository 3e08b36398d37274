//! The reverse of the loader: a loaded dataset read back from the normalised tables and written
//! as the data directory the loader reads (`seed/data/FORMAT.md`): the same files, columns and
//! conventions (empty = not stated, amounts as plain decimals in 万元 from the exact integer
//! storage). Loading an export into an empty database gives the same database; for the bundled
//! disclosure the files are byte for byte the bundled ones.
//!
//! Rows are the loader's own row types ([`crate::rows`]), serialized; headers come from
//! [`crate::package::RESOURCES`].

use crate::files::FILES;
use crate::fixed::from_units;
use crate::package::{self, Resource};
use crate::rows::*;
use entity::*;
use rust_decimal::Decimal;
use sea_orm::{
    AccessMode, ColumnTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr,
    EntityTrait, IsolationLevel, QueryFilter, QueryOrder, TransactionTrait,
};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::{BTreeSet, HashMap};
use std::io::Write;
use std::path::Path;

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The database failed.
    #[error("database: {0}")]
    Db(#[from] DbErr),
    /// A stored value is not one the format allows (a broken database, not bad input).
    #[error("stored data cannot be exported: {0}")]
    Data(String),
    /// Writing a file or the zip failed.
    #[error("writing: {0}")]
    Io(#[from] std::io::Error),
}

type Result<T, E = ExportError> = std::result::Result<T, E>;

/// One file of an exported package.
#[derive(Debug, Clone)]
pub struct File {
    /// File name, one of [`FILES`].
    pub name: &'static str,
    /// Content.
    pub bytes: Vec<u8>,
}

impl File {
    /// SHA-256 of the content, lower-case hex.
    pub fn sha256(&self) -> String {
        sha256_hex(&self.bytes)
    }
}

/// SHA-256 of `bytes`, lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A dataset's data package, regenerated from the database.
#[derive(Debug, Clone)]
pub struct Package {
    /// The dataset name (`datapackage.json` `name`).
    pub name: String,
    /// The data version the package was read at.
    pub version: i64,
    /// Every file of [`FILES`], in that order.
    pub files: Vec<File>,
}

impl Package {
    /// The file called `name`.
    pub fn file(&self, name: &str) -> Option<&File> {
        self.files.iter().find(|f| f.name == name)
    }

    /// Writes the files into `dir` (created if missing).
    pub fn write_dir(&self, dir: &Path) -> Result<()> {
        std::fs::create_dir_all(dir)?;
        for file in &self.files {
            std::fs::write(dir.join(file.name), &file.bytes)?;
        }
        Ok(())
    }

    /// The files as a zip archive under a `<name>/` folder. Deterministic: fixed timestamps
    /// and order, so equal packages give equal bytes (and checksums).
    pub fn zip(&self) -> Result<Vec<u8>> {
        use zip::write::SimpleFileOptions;
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .last_modified_time(zip::DateTime::default())
            .unix_permissions(0o644);
        for file in &self.files {
            zip.start_file(format!("{}/{}", self.name, file.name), options)
                .map_err(std::io::Error::other)?;
            zip.write_all(&file.bytes)?;
        }
        Ok(zip.finish().map_err(std::io::Error::other)?.into_inner())
    }
}

/// The loaded datasets, by name.
pub async fn datasets(db: &DatabaseConnection) -> Result<Vec<dataset::Model>> {
    Ok(dataset::Entity::find()
        .order_by_asc(dataset::Column::Name)
        .all(db)
        .await?)
}

/// Exports the dataset called `name`; `None` if there is none. Reads in one read-only
/// transaction (repeatable read on PostgreSQL), so a concurrent load is seen whole or not at all.
pub async fn export(db: &DatabaseConnection, name: &str) -> Result<Option<Package>> {
    let txn = match db.get_database_backend() {
        DbBackend::Postgres => {
            db.begin_with_config(
                Some(IsolationLevel::RepeatableRead),
                Some(AccessMode::ReadOnly),
            )
            .await?
        }
        _ => db.begin().await?,
    };
    let Some(found) = dataset::Entity::find()
        .filter(dataset::Column::Name.eq(name))
        .one(&txn)
        .await?
    else {
        return Ok(None);
    };
    let rows = Rows::read(&txn, &found).await?;
    txn.commit().await?;
    let files = rows.files(&found)?;
    Ok(Some(Package {
        name: found.name,
        version: found.version,
        files,
    }))
}

/// Every row of one dataset, as stored.
struct Rows {
    sources: Vec<source::Model>,
    governments: HashMap<i32, government::Model>,
    departments: HashMap<i32, department::Model>,
    nodes: HashMap<i32, classification_node::Model>,
    projects: HashMap<i32, project::Model>,
    staffing: Vec<staffing::Model>,
    lines: Vec<budget_line::Model>,
    allocations: Vec<allocation::Model>,
    headlines: Vec<headline::Model>,
    budgets: Vec<project_budget::Model>,
    subprojects: Vec<subproject::Model>,
    goals_of_projects: Vec<project_goal::Model>,
    three_public: Vec<three_public::Model>,
    tasks: Vec<performance_task::Model>,
    indicators: Vec<indicator::Model>,
    profiles: Vec<department_profile::Model>,
    divisions: Vec<division::Model>,
    goals: Vec<goal::Model>,
    glossary: Vec<glossary_term::Model>,
    notes: Vec<note::Model>,
    printed_columns: Vec<printed_column::Model>,
    printed_rows: Vec<printed_row::Model>,
    printed_cells: Vec<printed_cell::Model>,
}

/// Rows of `$table` written from the dataset's sources, in load order.
macro_rules! by_source {
    ($txn:expr, $sources:expr, $table:ident) => {
        $table::Entity::find()
            .filter($table::Column::SourceId.is_in($sources.clone()))
            .order_by_asc($table::Column::Id)
            .all($txn)
            .await?
    };
}

impl Rows {
    async fn read(txn: &DatabaseTransaction, found: &dataset::Model) -> Result<Rows> {
        let sources = source::Entity::find()
            .filter(source::Column::DatasetId.eq(found.id))
            .order_by_asc(source::Column::Id)
            .all(txn)
            .await?;
        let ids: Vec<i32> = sources.iter().map(|s| s.id).collect();
        // Departments, classification nodes and projects are shared between datasets: all are
        // read (they are small); the export keeps the departments and projects this dataset
        // refers to, and every node (see `classification_rows`).
        Ok(Rows {
            governments: by_id(government::Entity::find().all(txn).await?, |g| g.id),
            departments: by_id(department::Entity::find().all(txn).await?, |d| d.id),
            nodes: by_id(classification_node::Entity::find().all(txn).await?, |n| {
                n.id
            }),
            projects: by_id(project::Entity::find().all(txn).await?, |p| p.id),
            staffing: by_source!(txn, ids, staffing),
            lines: by_source!(txn, ids, budget_line),
            allocations: by_source!(txn, ids, allocation),
            headlines: by_source!(txn, ids, headline),
            budgets: by_source!(txn, ids, project_budget),
            subprojects: by_source!(txn, ids, subproject),
            goals_of_projects: by_source!(txn, ids, project_goal),
            three_public: by_source!(txn, ids, three_public),
            tasks: by_source!(txn, ids, performance_task),
            indicators: by_source!(txn, ids, indicator),
            profiles: by_source!(txn, ids, department_profile),
            divisions: by_source!(txn, ids, division),
            goals: by_source!(txn, ids, goal),
            glossary: glossary_term::Entity::find()
                .filter(glossary_term::Column::DatasetId.eq(found.id))
                .order_by_asc(glossary_term::Column::Position)
                .all(txn)
                .await?,
            notes: by_source!(txn, ids, note),
            printed_columns: by_source!(txn, ids, printed_column),
            printed_rows: by_source!(txn, ids, printed_row),
            printed_cells: by_source!(txn, ids, printed_cell),
            sources,
        })
    }

    fn files(&self, found: &dataset::Model) -> Result<Vec<File>> {
        let mut files = Vec::with_capacity(FILES.len());
        for name in FILES {
            let bytes = match *name {
                "datapackage.json" => self.datapackage(found)?.into_bytes(),
                "text.json" => self.text()?.into_bytes(),
                csv => self.csv(csv.trim_end_matches(".csv"))?,
            };
            files.push(File { name, bytes });
        }
        Ok(files)
    }

    fn csv(&self, resource: &str) -> Result<Vec<u8>> {
        let r = package::resource(resource);
        match resource {
            "sources" => write_csv(r, self.sources.iter().map(source_row)),
            "governments" => write_csv(r, self.government_rows()),
            "departments" => write_csv(r, self.department_rows()),
            "staffing" => write_csv(r, self.try_map(&self.staffing, Self::staffing_row)?),
            "classifications" => write_csv(r, self.classification_rows()?),
            "budget_lines" => write_csv(r, self.try_map(&self.lines, Self::line_row)?),
            "allocations" => write_csv(r, self.try_map(&self.allocations, Self::allocation_row)?),
            "headlines" => write_csv(r, self.try_map(&self.headlines, Self::headline_row)?),
            "projects" => write_csv(r, self.try_map(&self.budgets, Self::project_row)?),
            "subprojects" => write_csv(r, self.try_map(&self.subprojects, Self::subproject_row)?),
            "three_public" => write_csv(r, self.try_map(&self.three_public, Self::three_row)?),
            "tasks" => write_csv(r, self.try_map(&self.tasks, Self::task_row)?),
            "indicators" => write_csv(r, self.try_map(&self.indicators, Self::indicator_row)?),
            "printed_columns" => write_csv(
                r,
                self.try_map(&self.printed_columns, Self::printed_column_row)?,
            ),
            "printed_rows" => {
                write_csv(r, self.try_map(&self.printed_rows, Self::printed_row_row)?)
            }
            "printed_cells" => write_csv(
                r,
                self.try_map(&self.printed_cells, Self::printed_cell_row)?,
            ),
            other => Err(ExportError::Data(format!("no resource `{other}`"))),
        }
    }

    fn try_map<M, R>(&self, models: &[M], row: fn(&Self, &M) -> Result<R>) -> Result<Vec<R>> {
        models.iter().map(|m| row(self, m)).collect()
    }

    fn datapackage(&self, found: &dataset::Model) -> Result<String> {
        let mut metadata = package::metadata(&found.package).unwrap_or_default();
        if metadata.is_empty() {
            // Loaded before `dataset.package` existed: what the database still knows.
            metadata = self.fallback_metadata(found);
        }
        Ok(package::datapackage_json(&metadata))
    }

    fn fallback_metadata(
        &self,
        found: &dataset::Model,
    ) -> serde_json::Map<String, serde_json::Value> {
        let years: BTreeSet<i32> = self.lines.iter().map(|l| l.year).collect();
        let serde_json::Value::Object(map) = serde_json::json!({
            "name": found.name,
            "title": found.title,
            "currency": "CNY",
            "factor": if found.unit == "元" { 1 } else { 10000 },
            "unit": found.unit,
            "years": years,
            "sources": [{ "title": found.document }],
        }) else {
            unreachable!("a JSON object literal")
        };
        map
    }

    fn dept(&self, id: i32) -> Result<&department::Model> {
        self.departments
            .get(&id)
            .ok_or_else(|| ExportError::Data(format!("no department {id}")))
    }

    fn dept_code(&self, id: i32) -> Result<String> {
        Ok(self.dept(id)?.code.clone())
    }

    fn source_key(&self, id: i32) -> Result<String> {
        self.sources
            .iter()
            .find(|s| s.id == id)
            .map(|s| s.key.clone())
            .ok_or_else(|| ExportError::Data(format!("no source {id} in this dataset")))
    }

    fn node(&self, id: i32) -> Result<&classification_node::Model> {
        self.nodes
            .get(&id)
            .ok_or_else(|| ExportError::Data(format!("no classification node {id}")))
    }

    fn project(&self, id: i32) -> Result<&project::Model> {
        self.projects
            .get(&id)
            .ok_or_else(|| ExportError::Data(format!("no project {id}")))
    }

    fn budget(&self, id: i32) -> Result<&project_budget::Model> {
        self.budgets
            .iter()
            .find(|b| b.id == id)
            .ok_or_else(|| ExportError::Data(format!("no project budget {id}")))
    }

    /// The governments of the dataset's departments, in id (load) order.
    fn government_rows(&self) -> Vec<GovernmentRow> {
        let ids: BTreeSet<i32> = self
            .department_ids()
            .iter()
            .filter_map(|id| self.departments.get(id)?.government_id)
            .collect();
        ids.into_iter()
            .filter_map(|id| self.governments.get(&id))
            .map(|g| GovernmentRow {
                code: g.code.clone(),
                name: g.name.clone(),
                name_en: g.name_en.clone(),
                level: g.level,
            })
            .collect()
    }

    /// Departments the dataset's rows refer to, with their ancestors, in id (load) order.
    fn department_rows(&self) -> Vec<DepartmentRow> {
        self.department_ids()
            .into_iter()
            .filter_map(|id| self.departments.get(&id))
            .map(|d| DepartmentRow {
                code: d.code.clone(),
                name: d.name.clone(),
                name_en: d.name_en.clone(),
                government: d
                    .government_id
                    .and_then(|g| self.governments.get(&g))
                    .map(|g| g.code.clone())
                    .unwrap_or_default(),
                parent_code: d
                    .parent_id
                    .and_then(|p| self.departments.get(&p))
                    .map(|p| p.code.clone()),
                independent_accounting: d.independent_accounting,
            })
            .collect()
    }

    /// The ids of the departments the dataset's rows refer to, with their ancestors.
    fn department_ids(&self) -> BTreeSet<i32> {
        let referenced = self
            .staffing
            .iter()
            .map(|r| r.department_id)
            .chain(self.lines.iter().map(|r| r.department_id))
            .chain(self.allocations.iter().map(|r| r.department_id))
            .chain(self.headlines.iter().map(|r| r.department_id))
            .chain(self.budgets.iter().map(|r| r.department_id))
            .chain(self.three_public.iter().map(|r| r.department_id))
            .chain(self.tasks.iter().map(|r| r.department_id))
            .chain(self.indicators.iter().map(|r| r.department_id))
            .chain(self.profiles.iter().map(|r| r.department_id))
            .chain(self.goals.iter().map(|r| r.department_id))
            .chain(self.notes.iter().map(|r| r.department_id))
            .chain(self.printed_rows.iter().map(|r| r.department_id));
        with_ancestors(referenced, |id| {
            self.departments.get(&id).and_then(|d| d.parent_id)
        })
    }

    /// Every classification node, in id order (which puts parents first: the loader inserts
    /// them in file order). The schemes are code lists shared by all datasets, and a dataset may
    /// list codes none of its rows uses, so all are written.
    fn classification_rows(&self) -> Result<Vec<ClassificationRow>> {
        let ids: BTreeSet<i32> = self.nodes.keys().copied().collect();
        ids.into_iter()
            .map(|id| {
                let n = self.node(id)?;
                Ok(ClassificationRow {
                    scheme: n.scheme,
                    code: n.code.clone(),
                    parent_code: n
                        .parent_id
                        .map(|p| self.node(p))
                        .transpose()?
                        .map(|p| p.code.clone()),
                    name: n.name.clone(),
                    name_en: n.name_en.clone(),
                })
            })
            .collect()
    }

    fn staffing_row(&self, r: &staffing::Model) -> Result<StaffingRow> {
        Ok(StaffingRow {
            department: self.dept_code(r.department_id)?,
            year: r.year,
            scope: r.scope,
            admin_establishment: r.admin_establishment,
            admin_actual: r.admin_actual,
            institutional_establishment: r.institutional_establishment,
            institutional_actual: r.institutional_actual,
            retired_lixiu: r.retired_lixiu,
            retired_tuixiu: r.retired_tuixiu,
            note: r.note.clone(),
            source: self.source_key(r.source_id)?,
        })
    }

    fn line_row(&self, r: &budget_line::Model) -> Result<BudgetLineRow> {
        let scheme = r.scheme;
        let code = match (scheme, r.node_id) {
            (Scheme::Project, _) => r.project_key.clone(),
            (_, Some(node)) => Some(self.node(node)?.code.clone()),
            (_, None) => None,
        };
        let label = r.label.clone();
        Ok(BudgetLineRow {
            department: self.dept_code(r.department_id)?,
            year: r.year,
            source: self.source_key(r.source_id)?,
            scheme,
            position: r.position,
            code,
            label,
            total: amount(r.total),
            basic: amount(r.basic),
            project: amount(r.project),
            procurement: amount(r.procurement),
            sme_reserved: amount(r.sme_reserved),
            small_micro_reserved: amount(r.small_micro_reserved),
        })
    }

    fn allocation_row(&self, r: &allocation::Model) -> Result<AllocationRow> {
        Ok(AllocationRow {
            department: self.dept_code(r.department_id)?,
            year: r.year,
            source: self.source_key(r.source_id)?,
            row: Some(r.row_key.clone()).filter(|k| !k.is_empty()),
            revenue_code: self.node(r.revenue_node_id)?.code.clone(),
            amount: from_units(r.amount),
        })
    }

    fn headline_row(&self, r: &headline::Model) -> Result<HeadlineRow> {
        Ok(HeadlineRow {
            department: self.dept_code(r.department_id)?,
            year: r.year,
            key: r.key.clone(),
            name: r.name.clone(),
            name_en: r.name_en.clone(),
            amount: amount(r.amount),
            unit: r.unit.clone(),
            stated_change: amount(r.stated_change),
            stated_percent: amount(r.stated_percent),
            basis: r.basis,
            source: self.source_key(r.source_id)?,
            also_in: r.also_in.clone(),
            note: r.note.clone(),
        })
    }

    fn project_row(&self, r: &project_budget::Model) -> Result<ProjectRow> {
        let project = self.project(r.project_id)?;
        Ok(ProjectRow {
            department: self.dept_code(r.department_id)?,
            year: r.year,
            key: project.key.clone(),
            name: project.name.clone(),
            label: r.label.clone(),
            name_en: project.name_en.clone(),
            amount: amount(r.amount),
            stated_change: amount(r.stated_change),
            stated_percent: amount(r.stated_percent),
            basis: r.basis,
            source: self.source_key(r.source_id)?,
            note: r.note.clone(),
        })
    }

    fn subproject_row(&self, r: &subproject::Model) -> Result<SubprojectRow> {
        let budget = self.budget(r.project_budget_id)?;
        Ok(SubprojectRow {
            department: self.dept_code(budget.department_id)?,
            year: budget.year,
            project_key: self.project(budget.project_id)?.key.clone(),
            position: r.position,
            name: r.name.clone(),
            name_en: r.name_en.clone(),
            amount: amount(r.amount),
            source: self.source_key(r.source_id)?,
        })
    }

    fn three_row(&self, r: &three_public::Model) -> Result<ThreePublicRow> {
        Ok(ThreePublicRow {
            department: self.dept_code(r.department_id)?,
            year: r.year,
            key: r.key.clone(),
            parent_key: r.parent_key.clone(),
            name: r.name.clone(),
            name_en: r.name_en.clone(),
            amount: amount(r.amount),
            stated_change: amount(r.stated_change),
            stated_percent: amount(r.stated_percent),
            basis: r.basis,
            source: self.source_key(r.source_id)?,
        })
    }

    fn task_row(&self, r: &performance_task::Model) -> Result<TaskRow> {
        Ok(TaskRow {
            department: self.dept_code(r.department_id)?,
            year: r.year,
            position: r.position,
            kind: r.kind,
            name: r.name.clone(),
            project_key: r
                .project_id
                .map(|id| self.project(id).map(|p| p.key.clone()))
                .transpose()?,
            content: r.content.clone(),
            total: amount(r.total),
            fiscal: amount(r.fiscal),
            other: amount(r.other),
            source: self.source_key(r.source_id)?,
        })
    }

    fn indicator_row(&self, r: &indicator::Model) -> Result<IndicatorRow> {
        Ok(IndicatorRow {
            department: self.dept_code(r.department_id)?,
            year: r.year,
            position: r.position,
            category: r.category.clone(),
            subcategory: r.subcategory.clone(),
            name: r.name.clone(),
            target: r.target.clone(),
            source: self.source_key(r.source_id)?,
        })
    }

    fn text(&self) -> Result<String> {
        let text = Text {
            departments: self.try_map(&self.profiles, Self::department_text)?,
            goals: self.try_map(&self.goals, Self::goal_text)?,
            projects: self
                .budgets
                .iter()
                .filter_map(|b| self.project_text(b).transpose())
                .collect::<Result<_>>()?,
            glossary: self.try_map(&self.glossary, Self::glossary_text)?,
            notes: self.try_map(&self.notes, Self::note_text)?,
        };
        let mut json =
            serde_json::to_string_pretty(&text).map_err(|e| ExportError::Data(e.to_string()))?;
        json.push('\n');
        Ok(json)
    }

    fn department_text(&self, p: &department_profile::Model) -> Result<DepartmentText> {
        let mut divisions: Vec<&division::Model> = self
            .divisions
            .iter()
            .filter(|d| d.department_id == p.department_id && d.year == p.year)
            .collect();
        divisions.sort_by_key(|d| d.position);
        Ok(DepartmentText {
            code: self.dept_code(p.department_id)?,
            year: p.year,
            duties: p.duties.clone(),
            source: self.source_key(p.source_id)?,
            divisions: divisions
                .into_iter()
                .map(|d| DivisionText {
                    name: d.name.clone(),
                    name_en: d.name_en.clone(),
                })
                .collect(),
        })
    }

    fn goal_text(&self, g: &goal::Model) -> Result<GoalText> {
        Ok(GoalText {
            department: self.dept_code(g.department_id)?,
            year: g.year,
            kind: g.kind,
            position: g.position,
            title: g.title.clone(),
            text: g.text.clone(),
            source: self.source_key(g.source_id)?,
        })
    }

    /// The text of a project-year, if it has any.
    fn project_text(&self, b: &project_budget::Model) -> Result<Option<ProjectText>> {
        let mut goals: Vec<&project_goal::Model> = self
            .goals_of_projects
            .iter()
            .filter(|g| g.project_budget_id == b.id)
            .collect();
        goals.sort_by_key(|g| g.position);
        if b.purpose.is_none()
            && b.reason.is_none()
            && b.goal_source_id.is_none()
            && goals.is_empty()
        {
            return Ok(None);
        }
        Ok(Some(ProjectText {
            department: self.dept_code(b.department_id)?,
            year: b.year,
            key: self.project(b.project_id)?.key.clone(),
            purpose: b.purpose.clone(),
            reason: b.reason.clone(),
            performance_goals: goals.into_iter().map(|g| g.text.clone()).collect(),
            goal_source: b.goal_source_id.map(|id| self.source_key(id)).transpose()?,
        }))
    }

    fn glossary_text(&self, g: &glossary_term::Model) -> Result<GlossaryText> {
        Ok(GlossaryText {
            position: g.position,
            term: g.term.clone(),
            term_en: g.term_en.clone(),
            definition: g.definition.clone(),
            source: self.source_key(g.source_id)?,
        })
    }

    fn note_text(&self, n: &note::Model) -> Result<NoteText> {
        Ok(NoteText {
            department: self.dept_code(n.department_id)?,
            year: n.year,
            text: n.text.clone(),
            source: self.source_key(n.source_id)?,
        })
    }
}

impl Rows {
    fn printed_column_row(&self, c: &printed_column::Model) -> Result<PrintedColumnRow> {
        Ok(PrintedColumnRow {
            department: self.dept_code(c.department_id)?,
            year: c.year,
            source: self.source_key(c.source_id)?,
            position: c.position,
            key: c.key.clone(),
            path: c.path.clone(),
            unit: c.unit.clone(),
        })
    }

    fn printed_row_row(&self, r: &printed_row::Model) -> Result<PrintedRowRow> {
        Ok(PrintedRowRow {
            department: self.dept_code(r.department_id)?,
            year: r.year,
            source: self.source_key(r.source_id)?,
            position: r.position,
            code: r.code.clone(),
            label: r.label.clone(),
            document: r.document.clone(),
            page: r.page,
            line: r.line,
        })
    }

    fn printed_cell_row(&self, c: &printed_cell::Model) -> Result<PrintedCellRow> {
        Ok(PrintedCellRow {
            department: self.dept_code(c.department_id)?,
            year: c.year,
            source: self.source_key(c.source_id)?,
            row: c.row_position,
            column: c.column_position,
            value: amount(c.value),
            text: c.text.clone(),
            page: c.page,
            line: c.line,
        })
    }
}

fn source_row(s: &source::Model) -> SourceRow {
    SourceRow {
        key: s.key.clone(),
        table_number: s.table_number,
        title: s.title.clone(),
        section: s.section.clone(),
        empty: s.empty,
    }
}

/// Rows by their id.
pub fn by_id<M>(models: Vec<M>, id: impl Fn(&M) -> i32) -> HashMap<i32, M> {
    models.into_iter().map(|m| (id(&m), m)).collect()
}

/// `ids` and every ancestor `parent` reaches, sorted (ids are in load order). Bounded by the
/// number of ids, so a cycle cannot loop.
fn with_ancestors(
    ids: impl Iterator<Item = i32>,
    parent: impl Fn(i32) -> Option<i32>,
) -> BTreeSet<i32> {
    let mut all = BTreeSet::new();
    for id in ids {
        let mut current = Some(id);
        while let Some(id) = current {
            if !all.insert(id) {
                break;
            }
            current = parent(id);
        }
    }
    all
}

fn amount(units: Option<i64>) -> Option<Decimal> {
    units.map(from_units)
}

/// A CSV with the resource's header (even when there are no rows), then `rows`.
fn write_csv<R: Serialize>(
    resource: &Resource,
    rows: impl IntoIterator<Item = R>,
) -> Result<Vec<u8>> {
    let mut writer = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    let csv_error = |e: csv::Error| ExportError::Data(e.to_string());
    writer.write_record(resource.columns()).map_err(csv_error)?;
    for row in rows {
        writer.serialize(row).map_err(csv_error)?;
    }
    writer
        .into_inner()
        .map_err(|e| ExportError::Io(std::io::Error::other(e.to_string())))
}
