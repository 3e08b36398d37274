//! Writing a validated dataset: one transaction, replacing what an earlier load of the same
//! dataset wrote, or nothing at all when the files are unchanged.

use crate::checks::Check;
use crate::dataset::Dataset;
use crate::error::Result;
use crate::fixed::to_units;
use crate::rows::*;
use entity::*;
use rust_decimal::Decimal;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ActiveValue::NotSet, ColumnTrait, ConnectionTrait, DatabaseTransaction,
    DbErr, EntityTrait, QueryFilter, Set,
};
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::str::FromStr;

/// Rows per multi-row INSERT: well under SQLite's and PostgreSQL's bind-parameter limits.
const CHUNK: usize = 400;

/// What a load did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The dataset was written; `version` is the new data version.
    Loaded { version: i64 },
    /// The same files were loaded before: nothing was written.
    Unchanged { version: i64 },
}

fn units(value: Option<Decimal>) -> Option<i64> {
    // Validation has already refused figures that do not fit.
    value.and_then(to_units)
}

fn unit(value: Decimal) -> i64 {
    to_units(value).unwrap_or_default()
}

async fn insert_all<A>(txn: &DatabaseTransaction, models: Vec<A>) -> Result<()>
where
    A: ActiveModelTrait + Send,
{
    let mut models = models.into_iter().peekable();
    while models.peek().is_some() {
        let chunk: Vec<A> = models.by_ref().take(CHUNK).collect();
        <A::Entity as EntityTrait>::insert_many(chunk)
            .exec_without_returning(txn)
            .await?;
    }
    Ok(())
}

/// A row that states a fact of a department-year, from a source: a CSV fact row, or a
/// department-year entry of `text.json`.
trait Fact {
    /// The row itself (a CSV row without its line number).
    type Row;
    /// The row itself.
    fn row(&self) -> &Self::Row;
    /// Its department, year and source.
    fn refs(&self) -> Option<(&str, i32, &str)>;
}

impl<R: Row> Fact for Line<R> {
    type Row = R;
    fn row(&self) -> &R {
        &self.row
    }
    fn refs(&self) -> Option<(&str, i32, &str)> {
        self.row.refs()
    }
}

impl Fact for DepartmentText {
    type Row = Self;
    fn row(&self) -> &Self {
        self
    }
    fn refs(&self) -> Option<(&str, i32, &str)> {
        Some((&self.code, self.year, &self.source))
    }
}

/// `text.json` entries that name their department as `department`.
macro_rules! text_facts {
    ($($text:ty),*) => {$(
        impl Fact for $text {
            type Row = Self;
            fn row(&self) -> &Self {
                self
            }
            fn refs(&self) -> Option<(&str, i32, &str)> {
                Some((&self.department, self.year, &self.source))
            }
        }
    )*};
}

text_facts!(GoalText, NoteText);

/// The columns of a stored table that take a fact's department, year and source
/// (`department_id`, `year`, `source_id`; a table may lack some, e.g. `subproject`), found by
/// name once per table rather than once per row.
struct RefColumns<C>([Option<C>; 3]);

impl<C: FromStr + Copy> RefColumns<C> {
    fn of() -> Self {
        RefColumns(["department_id", "year", "source_id"].map(|name| C::from_str(name).ok()))
    }
}

/// A fact's stored model: `model`, holding the row's own columns, with the row's department,
/// year and source set in whichever of `columns` the table has.
fn fact<A>(
    mut model: A,
    columns: &RefColumns<<A::Entity as EntityTrait>::Column>,
    ids: &Ids,
    row: &impl Fact,
) -> A
where
    A: ActiveModelTrait,
{
    if let Some((department, year, source)) = row.refs() {
        let values = [ids.dept(department), year, ids.source(source)];
        for (column, value) in columns.0.iter().zip(values) {
            if let Some(column) = column {
                model.set(*column, value.into());
            }
        }
    }
    model
}

/// Inserts the rows of a fact table: `model` makes each row's own columns (from its index and
/// the row), [`fact`] adds its references.
async fn insert_facts<R: Fact, A>(
    txn: &DatabaseTransaction,
    ids: &Ids,
    rows: &[R],
    model: impl Fn(usize, &R::Row) -> A,
) -> Result<()>
where
    A: ActiveModelTrait + Send,
    <A::Entity as EntityTrait>::Column: FromStr,
{
    let columns = RefColumns::of();
    let models = rows.iter().enumerate();
    insert_all(
        txn,
        models
            .map(|(i, r)| fact(model(i, r.row()), &columns, ids, r))
            .collect(),
    )
    .await
}

/// Ids of the rows a dataset refers to by code.
struct Ids {
    departments: HashMap<String, i32>,
    nodes: HashMap<(Scheme, String), i32>,
    projects: HashMap<String, i32>,
    sources: HashMap<String, i32>,
}

impl Ids {
    fn dept(&self, code: &str) -> i32 {
        self.departments[code]
    }
    fn source(&self, key: &str) -> i32 {
        self.sources[key]
    }
}

/// Writes `ds` and its checks inside `txn`.
pub async fn write(txn: &DatabaseTransaction, ds: &Dataset, checks: &[Check]) -> Result<Outcome> {
    let datasets = dataset::Entity::find().all(txn).await?;
    let latest = datasets.iter().map(|d| d.version).max().unwrap_or(0);
    let existing = datasets.iter().find(|d| d.name == ds.package.name);
    if let Some(found) = existing
        && found.content_hash == ds.content_hash
    {
        return Ok(Outcome::Unchanged { version: latest });
    }
    let version = latest + 1;
    let document = ds
        .package
        .sources
        .first()
        .map(|s| s.title.clone())
        .unwrap_or_else(|| ds.package.title.clone());
    let package = serde_json::Value::Object(ds.metadata.clone()).to_string();
    let dataset_id = match existing {
        Some(found) => {
            clear(txn, found.id).await?;
            let mut model: dataset::ActiveModel = found.clone().into();
            model.title = Set(ds.package.title.clone());
            model.document = Set(document);
            model.content_hash = Set(ds.content_hash.clone());
            model.package = Set(package.clone());
            model.version = Set(version);
            model.unit = Set(ds.package.unit.clone());
            model.update(txn).await?.id
        }
        None => {
            dataset::ActiveModel {
                id: NotSet,
                name: Set(ds.package.name.clone()),
                title: Set(ds.package.title.clone()),
                document: Set(document),
                content_hash: Set(ds.content_hash.clone()),
                package: Set(package),
                version: Set(version),
                unit: Set(ds.package.unit.clone()),
            }
            .insert(txn)
            .await?
            .id
        }
    };

    for year in &ds.package.years {
        fiscal_year::Entity::insert(fiscal_year::ActiveModel { year: Set(*year) })
            .on_conflict(
                OnConflict::column(fiscal_year::Column::Year)
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(txn)
            .await?;
    }
    let ids = Ids {
        sources: write_sources(txn, ds, dataset_id).await?,
        departments: write_departments(txn, ds, &write_governments(txn, ds).await?).await?,
        nodes: write_nodes(txn, ds).await?,
        projects: write_projects(txn, ds).await?,
    };
    let started = std::time::Instant::now();
    let functions = unit_functions(ds);
    insert_all(
        txn,
        ds.department_years()
            .into_iter()
            .map(|(department, year)| department_year::ActiveModel {
                id: NotSet,
                dataset_id: Set(dataset_id),
                department_id: Set(ids.dept(&department)),
                year: Set(year),
                consolidated_into: Set(None),
                unit_cofog: Set(functions.get(&(department.as_str(), year)).cloned()),
            })
            .collect(),
    )
    .await?;
    mark_consolidated(txn).await?;
    write_facts(txn, ds, &ids).await?;
    tracing::info!(elapsed = ?started.elapsed(), "facts written");
    write_projects_budgets(txn, ds, &ids).await?;
    write_text(txn, ds, &ids, dataset_id).await?;
    tracing::info!(elapsed = ?started.elapsed(), "projects and text written");
    insert_all(
        txn,
        checks
            .iter()
            .enumerate()
            .map(|(i, c)| consistency_check::ActiveModel {
                id: NotSet,
                dataset_id: Set(dataset_id),
                department_id: Set(ids.dept(&c.department)),
                year: Set(c.year),
                position: Set(i as i32 + 1),
                key: Set(c.key.clone()),
                name: Set(c.name.clone()),
                expected: Set(unit(c.expected)),
                actual: Set(unit(c.actual)),
                difference: Set(unit(c.difference())),
                status: Set(c.status()),
            })
            .collect(),
    )
    .await?;
    Ok(Outcome::Loaded { version })
}

/// The COFOG function of each department-year, from its primary functional lines (see
/// [`crate::cofog::Crosswalk::unit_function`]).
fn unit_functions(ds: &Dataset) -> HashMap<(&str, i32), String> {
    let primary = ds.primary_lines();
    // (department, year) → its functional lines as (code, level, total).
    type Lines<'a> = HashMap<(&'a str, i32), Vec<(&'a str, i32, i64)>>;
    let mut lines = Lines::new();
    for (i, Line { row: r, .. }) in ds.budget_lines.iter().enumerate() {
        if r.scheme != Scheme::Functional || !primary.contains(&i) {
            continue;
        }
        if let (Some(code), Some(total)) = (r.code.as_deref(), units(r.total)) {
            // 类 3 digits, 款 5, 项 7.
            let level = (code.len() as i32 - 1) / 2;
            lines
                .entry((r.department.as_str(), r.year))
                .or_default()
                .push((code, level, total));
        }
    }
    let crosswalk = crate::cofog::Crosswalk::bundled();
    lines
        .into_iter()
        .filter_map(|(key, lines)| Some((key, crosswalk.unit_function(&lines)?)))
        .collect()
}

/// Sets `department_year.consolidated_into` for every dataset: a unit that is not
/// independently accounted is included in its parent's budget of the same year, when the
/// parent has one. One statement, so a later load of a parent updates its units too.
async fn mark_consolidated(txn: &DatabaseTransaction) -> Result<()> {
    txn.execute_unprepared(
        "UPDATE department_year SET consolidated_into = (\
           SELECT d.parent_id FROM department d \
           WHERE d.id = department_year.department_id \
             AND d.independent_accounting = false \
             AND EXISTS (SELECT 1 FROM department_year p \
                         WHERE p.department_id = d.parent_id AND p.year = department_year.year))",
    )
    .await?;
    Ok(())
}

/// Removes everything an earlier load of the dataset wrote: the rows of every table of the
/// entity list that point at the dataset or one of its sources, children before parents.
/// (Departments, classification nodes and projects are shared between datasets and stay; they
/// are updated in place.)
async fn clear(txn: &DatabaseTransaction, dataset_id: i32) -> Result<()> {
    let sources: Vec<i32> = source::Entity::find()
        .filter(source::Column::DatasetId.eq(dataset_id))
        .all(txn)
        .await?
        .into_iter()
        .map(|s| s.id)
        .collect();
    type Delete<'a> = Pin<Box<dyn Future<Output = Result<(), DbErr>> + Send + 'a>>;
    let mut deletes: Vec<Delete<'_>> = Vec::new();
    macro_rules! deletes {
        ($($table:ident: $entity:ident),*) => {$(
            for (column, ids) in [("source_id", &sources), ("dataset_id", &vec![dataset_id])] {
                if let Ok(column) = $table::Column::from_str(column) {
                    let ids = ids.clone();
                    deletes.push(Box::pin(async move {
                        for chunk in ids.chunks(CHUNK) {
                            $table::Entity::delete_many()
                                .filter(column.is_in(chunk.to_vec()))
                                .exec(txn)
                                .await?;
                        }
                        Ok(())
                    }));
                }
            }
        )*};
    }
    entity::tables!(deletes);
    // The list puts parents first: delete in reverse.
    for delete in deletes.into_iter().rev() {
        delete.await?;
    }
    Ok(())
}

async fn write_sources(
    txn: &DatabaseTransaction,
    ds: &Dataset,
    dataset_id: i32,
) -> Result<HashMap<String, i32>> {
    insert_all(
        txn,
        ds.sources
            .iter()
            .map(|Line { row, .. }| source::ActiveModel {
                id: NotSet,
                dataset_id: Set(dataset_id),
                key: Set(row.key.clone()),
                table_number: Set(row.table_number),
                title: Set(row.title.clone()),
                section: Set(row.section.clone()),
                empty: Set(row.empty),
            })
            .collect(),
    )
    .await?;
    Ok(source::Entity::find()
        .filter(source::Column::DatasetId.eq(dataset_id))
        .all(txn)
        .await?
        .into_iter()
        .map(|s| (s.key, s.id))
        .collect())
}

/// Inserts the dataset's governments, or updates them in place (they are shared between
/// datasets, like departments); their ids by code.
async fn write_governments(
    txn: &DatabaseTransaction,
    ds: &Dataset,
) -> Result<HashMap<String, i32>> {
    let existing: HashMap<String, government::Model> = government::Entity::find()
        .all(txn)
        .await?
        .into_iter()
        .map(|g| (g.code.clone(), g))
        .collect();
    let mut ids = HashMap::new();
    for Line { row, .. } in &ds.governments {
        let model = government::ActiveModel {
            id: existing.get(&row.code).map_or(NotSet, |g| Set(g.id)),
            code: Set(row.code.clone()),
            name: Set(row.name.clone()),
            name_en: Set(row.name_en.clone()),
            level: Set(row.level),
        };
        let id = match existing.get(&row.code) {
            Some(found)
                if found.name == row.name
                    && found.name_en == row.name_en
                    && found.level == row.level =>
            {
                found.id
            }
            Some(_) => model.update(txn).await?.id,
            None => model.insert(txn).await?.id,
        };
        ids.insert(row.code.clone(), id);
    }
    Ok(ids)
}

async fn write_departments(
    txn: &DatabaseTransaction,
    ds: &Dataset,
    governments: &HashMap<String, i32>,
) -> Result<HashMap<String, i32>> {
    // Two passes: every department exists before parents are pointed at.
    let mut ids: HashMap<String, i32> = department::Entity::find()
        .all(txn)
        .await?
        .into_iter()
        .map(|d| (d.code, d.id))
        .collect();
    let new: Vec<_> = ds
        .departments
        .iter()
        .filter(|l| !ids.contains_key(&l.row.code))
        .map(|Line { row, .. }| department::ActiveModel {
            id: NotSet,
            code: Set(row.code.clone()),
            name: Set(row.name.clone()),
            name_en: Set(row.name_en.clone()),
            parent_id: Set(None),
            independent_accounting: Set(row.independent_accounting),
            government_id: Set(governments.get(&row.government).copied()),
        })
        .collect();
    if !new.is_empty() {
        insert_all(txn, new).await?;
        ids = department::Entity::find()
            .all(txn)
            .await?
            .into_iter()
            .map(|d| (d.code, d.id))
            .collect();
    }
    for Line { row, .. } in &ds.departments {
        department::ActiveModel {
            id: Set(ids[&row.code]),
            code: Set(row.code.clone()),
            name: Set(row.name.clone()),
            name_en: Set(row.name_en.clone()),
            parent_id: Set(row.parent_code.as_ref().map(|p| ids[p])),
            independent_accounting: Set(row.independent_accounting),
            government_id: Set(governments.get(&row.government).copied()),
        }
        .update(txn)
        .await?;
    }
    Ok(ids)
}

async fn write_nodes(
    txn: &DatabaseTransaction,
    ds: &Dataset,
) -> Result<HashMap<(Scheme, String), i32>> {
    let existing: HashMap<(Scheme, String), classification_node::Model> =
        classification_node::Entity::find()
            .all(txn)
            .await?
            .into_iter()
            .map(|n| ((n.scheme, n.code.clone()), n))
            .collect();
    let mut ids: HashMap<(Scheme, String), (i32, i32)> = existing
        .iter()
        .map(|(k, n)| (k.clone(), (n.id, n.level)))
        .collect();
    // Parents precede children in the file, so one pass resolves each parent.
    for Line { row, .. } in &ds.classifications {
        let parent = row
            .parent_code
            .as_ref()
            .map(|p| ids[&(row.scheme, p.clone())]);
        let level = parent.map_or(1, |(_, level)| level + 1);
        let key = (row.scheme, row.code.clone());
        let model = classification_node::ActiveModel {
            id: existing.get(&key).map_or(NotSet, |n| Set(n.id)),
            scheme: Set(row.scheme),
            code: Set(row.code.clone()),
            parent_id: Set(parent.map(|(id, _)| id)),
            level: Set(level),
            name: Set(row.name.clone()),
            name_en: Set(row.name_en.clone()),
        };
        let id = match existing.get(&key) {
            Some(found)
                if found.name == row.name
                    && found.name_en == row.name_en
                    && found.level == level
                    && found.parent_id == parent.map(|(id, _)| id) =>
            {
                found.id
            }
            Some(_) => model.update(txn).await?.id,
            None => model.insert(txn).await?.id,
        };
        ids.insert(key, (id, level));
    }
    Ok(ids.into_iter().map(|(k, (id, _))| (k, id)).collect())
}

async fn write_projects(txn: &DatabaseTransaction, ds: &Dataset) -> Result<HashMap<String, i32>> {
    let existing: HashMap<String, project::Model> = project::Entity::find()
        .all(txn)
        .await?
        .into_iter()
        .map(|p| (p.key.clone(), p))
        .collect();
    let mut ids: HashMap<String, i32> = existing.iter().map(|(k, p)| (k.clone(), p.id)).collect();
    let mut new = Vec::new();
    for Line { row, .. } in &ds.projects {
        match existing.get(&row.key) {
            Some(found) if found.name != row.name || found.name_en != row.name_en => {
                let mut model: project::ActiveModel = found.clone().into();
                model.name = Set(row.name.clone());
                model.name_en = Set(row.name_en.clone());
                model.update(txn).await?;
            }
            Some(_) => {}
            None if !new.iter().any(|(k, _)| k == &row.key) => new.push((row.key.clone(), row)),
            None => {}
        }
    }
    if !new.is_empty() {
        insert_all(
            txn,
            new.iter()
                .map(|(key, row)| project::ActiveModel {
                    id: NotSet,
                    key: Set(key.clone()),
                    name: Set(row.name.clone()),
                    name_en: Set(row.name_en.clone()),
                })
                .collect(),
        )
        .await?;
        ids = project::Entity::find()
            .all(txn)
            .await?
            .into_iter()
            .map(|p| (p.key, p.id))
            .collect();
    }
    Ok(ids)
}

async fn write_facts(txn: &DatabaseTransaction, ds: &Dataset, ids: &Ids) -> Result<()> {
    insert_facts(txn, ids, &ds.staffing, |_, r| staffing::ActiveModel {
        scope: Set(r.scope),
        admin_establishment: Set(r.admin_establishment),
        admin_actual: Set(r.admin_actual),
        institutional_establishment: Set(r.institutional_establishment),
        institutional_actual: Set(r.institutional_actual),
        retired_lixiu: Set(r.retired_lixiu),
        retired_tuixiu: Set(r.retired_tuixiu),
        note: Set(r.note.clone()),
        ..Default::default()
    })
    .await?;
    let primary = ds.primary_lines();
    insert_facts(txn, ids, &ds.budget_lines, |i, r| {
        budget_line::ActiveModel {
            scheme: Set(r.scheme),
            position: Set(r.position),
            node_id: Set(match (&r.code, r.scheme) {
                (Some(code), scheme) if scheme != Scheme::Project => {
                    Some(ids.nodes[&(scheme, code.clone())])
                }
                _ => None,
            }),
            project_key: Set(r.code.clone().filter(|_| r.scheme == Scheme::Project)),
            label: Set(r.label.clone()),
            total: Set(units(r.total)),
            basic: Set(units(r.basic)),
            project: Set(units(r.project)),
            procurement: Set(units(r.procurement)),
            sme_reserved: Set(units(r.sme_reserved)),
            small_micro_reserved: Set(units(r.small_micro_reserved)),
            is_primary: Set(primary.contains(&i)),
            ..Default::default()
        }
    })
    .await?;
    insert_facts(txn, ids, &ds.allocations, |_, r| allocation::ActiveModel {
        row_key: Set(r.row.clone().unwrap_or_default()),
        revenue_node_id: Set(ids.nodes[&(Scheme::Revenue, r.revenue_code.clone())]),
        amount: Set(unit(r.amount)),
        ..Default::default()
    })
    .await?;
    insert_facts(txn, ids, &ds.headlines, |i, r| headline::ActiveModel {
        position: Set(i as i32 + 1),
        key: Set(r.key.clone()),
        name: Set(r.name.clone()),
        name_en: Set(r.name_en.clone()),
        amount: Set(units(r.amount)),
        unit: Set(r.unit.clone()),
        stated_change: Set(units(r.stated_change)),
        stated_percent: Set(units(r.stated_percent)),
        basis: Set(r.basis),
        also_in: Set(r.also_in.clone()),
        note: Set(r.note.clone()),
        ..Default::default()
    })
    .await?;
    insert_facts(txn, ids, &ds.three_public, |i, r| {
        three_public::ActiveModel {
            position: Set(i as i32 + 1),
            key: Set(r.key.clone()),
            parent_key: Set(r.parent_key.clone()),
            name: Set(r.name.clone()),
            name_en: Set(r.name_en.clone()),
            amount: Set(units(r.amount)),
            stated_change: Set(units(r.stated_change)),
            stated_percent: Set(units(r.stated_percent)),
            basis: Set(r.basis),
            ..Default::default()
        }
    })
    .await?;
    insert_facts(txn, ids, &ds.tasks, |_, r| performance_task::ActiveModel {
        position: Set(r.position),
        kind: Set(r.kind),
        name: Set(r.name.clone()),
        project_id: Set(r.project_key.as_ref().map(|k| ids.projects[k])),
        content: Set(r.content.clone()),
        total: Set(units(r.total)),
        fiscal: Set(units(r.fiscal)),
        other: Set(units(r.other)),
        ..Default::default()
    })
    .await?;
    insert_facts(txn, ids, &ds.indicators, |_, r| {
        let parsed = crate::indicator::parse(&r.target);
        indicator::ActiveModel {
            position: Set(r.position),
            category: Set(r.category.clone()),
            subcategory: Set(r.subcategory.clone()),
            name: Set(r.name.clone()),
            target: Set(r.target.clone()),
            comparator: Set(parsed.as_ref().map(|p| p.comparator)),
            value: Set(parsed.as_ref().and_then(|p| to_units(p.value))),
            value_unit: Set(parsed.and_then(|p| p.unit)),
            ..Default::default()
        }
    })
    .await?;
    insert_facts(txn, ids, &ds.printed_columns, |_, r| {
        printed_column::ActiveModel {
            position: Set(r.position),
            key: Set(r.key.clone()),
            path: Set(r.path.clone()),
            unit: Set(r.unit.clone()),
            ..Default::default()
        }
    })
    .await?;
    insert_facts(txn, ids, &ds.printed_rows, |_, r| {
        printed_row::ActiveModel {
            position: Set(r.position),
            code: Set(r.code.clone()),
            label: Set(r.label.clone()),
            document: Set(r.document.clone()),
            page: Set(r.page),
            line: Set(r.line),
            ..Default::default()
        }
    })
    .await?;
    insert_facts(txn, ids, &ds.printed_cells, |_, r| {
        printed_cell::ActiveModel {
            row_position: Set(r.row),
            column_position: Set(r.column),
            value: Set(units(r.value)),
            text: Set(r.text.clone()),
            page: Set(r.page),
            line: Set(r.line),
            ..Default::default()
        }
    })
    .await?;
    Ok(())
}

async fn write_projects_budgets(txn: &DatabaseTransaction, ds: &Dataset, ids: &Ids) -> Result<()> {
    let texts: HashMap<(&str, i32, &str), &ProjectText> = ds
        .text
        .projects
        .iter()
        .map(|p| ((p.department.as_str(), p.year, p.key.as_str()), p))
        .collect();
    insert_facts(txn, ids, &ds.projects, |i, r| {
        let text = texts.get(&(r.department.as_str(), r.year, r.key.as_str()));
        project_budget::ActiveModel {
            project_id: Set(ids.projects[&r.key]),
            position: Set(i as i32 + 1),
            label: Set(r.label.clone()),
            amount: Set(units(r.amount)),
            stated_change: Set(units(r.stated_change)),
            stated_percent: Set(units(r.stated_percent)),
            basis: Set(r.basis),
            purpose: Set(text.and_then(|t| t.purpose.clone())),
            reason: Set(text.and_then(|t| t.reason.clone())),
            goal_source_id: Set(text
                .and_then(|t| t.goal_source.as_ref())
                .map(|s| ids.source(s))),
            note: Set(r.note.clone()),
            ..Default::default()
        }
    })
    .await?;
    // Map the new rows back to (department, year, project) through the dataset's sources.
    let source_ids: Vec<i32> = ids.sources.values().copied().collect();
    let budget_ids: HashMap<(i32, i32, i32), i32> = project_budget::Entity::find()
        .filter(project_budget::Column::SourceId.is_in(source_ids))
        .all(txn)
        .await?
        .into_iter()
        .map(|b| ((b.department_id, b.year, b.project_id), b.id))
        .collect();
    let budget_of =
        |dept: &str, year: i32, key: &str| budget_ids[&(ids.dept(dept), year, ids.projects[key])];
    insert_facts(txn, ids, &ds.subprojects, |_, r| subproject::ActiveModel {
        project_budget_id: Set(budget_of(&r.department, r.year, &r.project_key)),
        position: Set(r.position),
        name: Set(r.name.clone()),
        name_en: Set(r.name_en.clone()),
        amount: Set(units(r.amount)),
        ..Default::default()
    })
    .await?;
    insert_all(
        txn,
        ds.text
            .projects
            .iter()
            .flat_map(|p| {
                let budget = budget_of(&p.department, p.year, &p.key);
                let source = p.goal_source.as_ref().map(|s| ids.source(s));
                p.performance_goals
                    .iter()
                    .enumerate()
                    .filter_map(move |(i, text)| {
                        Some(project_goal::ActiveModel {
                            id: NotSet,
                            project_budget_id: Set(budget),
                            position: Set(i as i32 + 1),
                            text: Set(text.clone()),
                            source_id: Set(source?),
                        })
                    })
            })
            .collect(),
    )
    .await?;
    Ok(())
}

async fn write_text(
    txn: &DatabaseTransaction,
    ds: &Dataset,
    ids: &Ids,
    dataset_id: i32,
) -> Result<()> {
    let t = &ds.text;
    insert_facts(txn, ids, &t.departments, |_, d| {
        department_profile::ActiveModel {
            duties: Set(d.duties.clone()),
            ..Default::default()
        }
    })
    .await?;
    let columns = &RefColumns::of();
    insert_all(
        txn,
        t.departments
            .iter()
            .flat_map(|d| {
                d.divisions.iter().enumerate().map(move |(i, v)| {
                    let model = division::ActiveModel {
                        position: Set(i as i32 + 1),
                        name: Set(v.name.clone()),
                        name_en: Set(v.name_en.clone()),
                        ..Default::default()
                    };
                    fact(model, columns, ids, d)
                })
            })
            .collect(),
    )
    .await?;
    insert_facts(txn, ids, &t.goals, |_, g| goal::ActiveModel {
        kind: Set(g.kind),
        position: Set(g.position),
        title: Set(g.title.clone()),
        text: Set(g.text.clone()),
        ..Default::default()
    })
    .await?;
    insert_all(
        txn,
        t.glossary
            .iter()
            .map(|g| glossary_term::ActiveModel {
                id: NotSet,
                dataset_id: Set(dataset_id),
                position: Set(g.position),
                term: Set(g.term.clone()),
                term_en: Set(g.term_en.clone()),
                definition: Set(g.definition.clone()),
                source_id: Set(ids.source(&g.source)),
            })
            .collect(),
    )
    .await?;
    insert_facts(txn, ids, &t.notes, |i, n| note::ActiveModel {
        position: Set(i as i32 + 1),
        text: Set(n.text.clone()),
        ..Default::default()
    })
    .await?;
    Ok(())
}
