//! Per-request fetching. Reference data (departments, classification nodes, sources, projects)
//! comes from the data version's [`Catalog`] in memory; everything that grows with the data
//! comes from the database in batches, so a query costs a fixed number of statements however
//! many rows it touches.
//!
//! A relationship is a [`Group`]: which entity, which key, how to select many keys at once,
//! and, for the tables the catalogue holds, how to answer from memory. `Many<G>` loads every
//! row for a key; `One<G>` the single row with that key.
//!
//! Batches form by resolver pass, not by time. async-graphql polls sibling fields and list
//! items together; each ask puts its key into the open batch of its kind and yields once, so
//! when the first ask runs the batch every sibling of that pass has joined it. A key asked for
//! before (answered, or in a batch still in flight) is never fetched again in the request. A
//! query's statement count therefore depends on its shape and the data, never on timing or
//! load, and no ask waits on a timer. (async-graphql's `DataLoader`, used here before, waits a
//! window, 1 ms by default, and fetches again a key whose batch is in flight: under load its
//! batches split, and a query's statement count drifted with the load.)
//!
//! Some kinds are fetched for a whole department at once ([`Group::Unit`]): a budget's
//! headlines, projects and 三公 come with every other year's, so comparisons with another year
//! (`change(baseYear:)`) cost no further statement.

use crate::catalog::Catalog;
use crate::error::ApiError;
use entity::*;
use futures::FutureExt;
use futures::future::{BoxFuture, Shared};
use sea_orm::sea_query::JoinType;
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use sea_orm::{QuerySelect, RelationDef};
use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// Database handle the batch fetches query.
#[derive(Clone)]
pub struct Db(pub DatabaseConnection);

/// Why a fetch gave no answer.
#[derive(Clone, Debug)]
pub enum FetchError {
    /// The database failed.
    Db(Arc<sea_orm::DbErr>),
    /// The request has read more rows than a request may (`MAX_ROWS_PER_REQUEST`).
    TooManyRows(usize),
}

impl From<FetchError> for ApiError {
    fn from(error: FetchError) -> Self {
        match error {
            FetchError::Db(e) => ApiError::from(e),
            FetchError::TooManyRows(limit) => ApiError::TooLarge(format!(
                "The request reads more than {limit} rows; ask for fewer departments, years or \
                 fields."
            )),
        }
    }
}

/// The rows a request has read, against the most it may read: what bounds the memory one
/// request holds, whatever its shape (the complexity limit counts fields, not rows).
#[derive(Debug)]
struct RowBudget {
    read: AtomicUsize,
    limit: usize,
}

/// A (department id, year) pair.
pub type DeptYear = (i32, i32);

/// A kind of key that can be fetched in batches (and perhaps answered from memory).
pub trait Fetch: Hash + Eq + Clone + Send + Sync + 'static {
    type Value: Clone + Send + Sync + 'static;
    /// What one fetch covers: the key itself, or more (every year of a department).
    type Unit: Hash + Eq + Clone + Send + Sync + 'static;
    /// The unit a key is fetched with.
    fn unit(&self) -> Self::Unit;
    /// The answer from the catalogue, for the kinds it holds (`Some(None)`: it holds the kind
    /// and there is no such row); `None` for kinds fetched from the database.
    fn remembered(&self, _catalog: &Catalog) -> Option<Option<Self::Value>> {
        None
    }
    /// Fetches the values of every key in `units` (keys with no value are absent).
    /// Reads at most `rows` rows (the request's remaining row budget, plus one to tell that
    /// it ran out), so a batch never holds more than the budget allows.
    fn fetch(db: Db, units: Vec<Self::Unit>, rows: u64) -> BoxFuture<'static, Answer<Self>>;
    /// Rows a value holds (what the request's row budget is charged).
    fn rows(_value: &Self::Value) -> usize {
        1
    }
}

/// The values a batch fetched, by key.
pub type Answer<K> = Result<HashMap<K, <K as Fetch>::Value>, Arc<sea_orm::DbErr>>;

/// A batch in flight or done; everyone who asked for one of its keys awaits it.
type Batch<K> =
    Shared<BoxFuture<'static, Result<Arc<HashMap<K, <K as Fetch>::Value>>, FetchError>>>;

/// The keys of one kind asked for in a request.
struct Kind<K: Fetch> {
    /// Every unit asked for, with the batch that fetches (or fetched) it.
    asked: HashMap<K::Unit, Batch<K>>,
    /// The batch still taking units: its list is `None` once it has started.
    open: Option<(Units<K>, Batch<K>)>,
}

/// The units a batch will fetch; taken (`None`) when it starts.
type Units<K> = Arc<Mutex<Option<Vec<<K as Fetch>::Unit>>>>;

impl<K: Fetch> Kind<K> {
    /// Adds `key` to the open batch, or opens one.
    fn join(&mut self, db: &Db, budget: &Arc<RowBudget>, key: K::Unit) -> Batch<K> {
        if let Some((keys, batch)) = &self.open
            && let Some(list) = keys.lock().unwrap_or_else(|e| e.into_inner()).as_mut()
        {
            list.push(key);
            return batch.clone();
        }
        let keys = Arc::new(Mutex::new(Some(vec![key])));
        let (db, budget, taken) = (db.clone(), budget.clone(), keys.clone());
        let batch = async move {
            let keys = taken
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .take()
                .unwrap_or_default();
            let left = budget
                .limit
                .saturating_sub(budget.read.load(Ordering::Relaxed));
            let answer = K::fetch(db, keys, left as u64 + 1)
                .await
                .map_err(FetchError::Db)?;
            let rows: usize = answer.values().map(K::rows).sum();
            if budget.read.fetch_add(rows, Ordering::Relaxed) + rows > budget.limit {
                return Err(FetchError::TooManyRows(budget.limit));
            }
            Ok(Arc::new(answer))
        }
        .boxed()
        .shared();
        self.open = Some((keys, batch.clone()));
        batch
    }
}

/// The per-request loader: the data version's catalogue and the batches of the request.
pub struct Loaders {
    db: Db,
    catalog: Arc<Catalog>,
    budget: Arc<RowBudget>,
    kinds: Mutex<HashMap<TypeId, Box<dyn Any + Send>>>,
}

impl Loaders {
    /// A loader for one request against `catalog`'s data version, which may read at most
    /// `max_rows` rows.
    pub fn new(db: DatabaseConnection, catalog: Arc<Catalog>, max_rows: usize) -> Loaders {
        Loaders {
            db: Db(db),
            catalog,
            budget: Arc::new(RowBudget {
                read: AtomicUsize::new(0),
                limit: max_rows,
            }),
            kinds: Mutex::new(HashMap::new()),
        }
    }

    /// The reference data of the request's data version.
    pub fn catalog(&self) -> &Arc<Catalog> {
        &self.catalog
    }

    /// The value of one key.
    pub async fn load_one<K: Fetch>(&self, key: K) -> Result<Option<K::Value>, FetchError> {
        Ok(self.load_many([key.clone()]).await?.remove(&key))
    }

    /// The values of `keys` (keys with no value are absent).
    pub async fn load_many<K: Fetch>(
        &self,
        keys: impl IntoIterator<Item = K>,
    ) -> Result<HashMap<K, K::Value>, FetchError> {
        let mut found = HashMap::new();
        let mut waits: Vec<(K, Batch<K>)> = Vec::new();
        let mut joined = false;
        {
            let mut kinds = self.kinds.lock().unwrap_or_else(|e| e.into_inner());
            let kind = kinds
                .entry(TypeId::of::<K>())
                .or_insert_with(|| {
                    Box::new(Kind::<K> {
                        asked: HashMap::new(),
                        open: None,
                    })
                })
                .downcast_mut::<Kind<K>>()
                .expect("one kind per key type");
            for key in keys {
                if let Some(value) = key.remembered(&self.catalog) {
                    found.extend(value.map(|v| (key, v)));
                    continue;
                }
                let unit = key.unit();
                if let Some(batch) = kind.asked.get(&unit) {
                    waits.push((key, batch.clone()));
                } else {
                    let batch = kind.join(&self.db, &self.budget, unit.clone());
                    kind.asked.insert(unit, batch.clone());
                    waits.push((key, batch));
                    joined = true;
                }
            }
        }
        if joined {
            // Let the siblings polled in this pass join the batch before it runs.
            tokio::task::yield_now().await;
        }
        for (key, batch) in waits {
            if let Some(value) = batch.await?.get(&key) {
                found.insert(key, value.clone());
            }
        }
        Ok(found)
    }
}

/// The reference data of the request's data version.
pub fn catalog<'a>(ctx: &'a async_graphql::Context<'_>) -> &'a Arc<Catalog> {
    ctx.data_unchecked::<Loaders>().catalog()
}

/// The one row of a group with `key`; none where there is no such row, or no key (a null
/// reference: `parent_id`, `project_id`).
pub async fn one<G: Group>(
    ctx: &async_graphql::Context<'_>,
    key: impl Into<Option<G::Key>>,
) -> Result<Option<Model<G>>, ApiError> {
    let Some(key) = key.into() else {
        return Ok(None);
    };
    let loader = ctx.data_unchecked::<Loaders>();
    Ok(loader.load_one(One::<G>::new(key)).await?)
}

/// Every row of a group's `key`, in order (empty where there is none).
pub async fn many<G: Group>(
    ctx: &async_graphql::Context<'_>,
    key: G::Key,
) -> Result<Arc<Vec<Model<G>>>, ApiError> {
    let loader = ctx.data_unchecked::<Loaders>();
    Ok(loader
        .load_one(Many::<G>::new(key))
        .await?
        .unwrap_or_default())
}

/// Every row of a group's `key`, in order, each as its GraphQL object (`wrap`).
pub async fn each<G: Group, T>(
    ctx: &async_graphql::Context<'_>,
    key: G::Key,
    wrap: impl FnMut(Model<G>) -> T,
) -> Result<Vec<T>, ApiError> {
    Ok(many::<G>(ctx, key)
        .await?
        .iter()
        .cloned()
        .map(wrap)
        .collect())
}

/// A relationship: the rows of `Entity` that belong to a `Key`.
pub trait Group: Send + Sync + 'static {
    type Entity: EntityTrait<Model: Send + Sync + Clone>;
    type Key: Hash + Eq + Clone + Send + Sync + 'static;
    /// What one fetch covers (the key, or every year of a department).
    type Unit: Hash + Eq + Clone + Send + Sync + 'static;
    /// The unit a key is fetched with.
    fn unit(key: &Self::Key) -> Self::Unit;
    /// Selects the rows of all `units` (may select more; rows of keys nobody asked for are
    /// kept, in case they are asked for later in the request).
    fn condition(units: &[Self::Unit]) -> Condition;
    /// The key a row belongs to.
    fn key(model: &<Self::Entity as EntityTrait>::Model) -> Self::Key;
    /// Row order within a key.
    fn order() -> <Self::Entity as EntityTrait>::Column;
    /// Whether rows are read in `order` (a group whose users put the rows in their own order
    /// says no: the database then need not sort every matching row before `LIMIT`).
    const ORDERED: bool = true;
    /// The rows of `key` from the catalogue, for the groups it holds.
    fn remembered(_catalog: &Catalog, _key: &Self::Key) -> Option<Vec<Model<Self>>> {
        None
    }
}

/// All rows of a group's key, in order.
pub struct Many<G: Group>(pub G::Key, PhantomData<fn() -> G>);
/// The one row with a group's key.
pub struct One<G: Group>(pub G::Key, PhantomData<fn() -> G>);

macro_rules! key_type {
    ($name:ident) => {
        impl<G: Group> $name<G> {
            pub fn new(key: G::Key) -> Self {
                Self(key, PhantomData)
            }
        }
        impl<G: Group> Clone for $name<G> {
            fn clone(&self) -> Self {
                Self(self.0.clone(), PhantomData)
            }
        }
        impl<G: Group> PartialEq for $name<G> {
            fn eq(&self, other: &Self) -> bool {
                self.0 == other.0
            }
        }
        impl<G: Group> Eq for $name<G> {}
        impl<G: Group> Hash for $name<G> {
            fn hash<H: Hasher>(&self, state: &mut H) {
                self.0.hash(state)
            }
        }
    };
}
key_type!(Many);
key_type!(One);

pub type Model<G> = <<G as Group>::Entity as EntityTrait>::Model;

async fn fetch<G: Group>(
    db: &DatabaseConnection,
    units: &[G::Unit],
    rows: u64,
) -> Result<Vec<Model<G>>, Arc<sea_orm::DbErr>> {
    let mut query = G::Entity::find().filter(G::condition(units));
    if G::ORDERED {
        query = query.order_by_asc(G::order());
    }
    query.limit(rows).all(db).await.map_err(Arc::new)
}

impl<G: Group> Fetch for Many<G> {
    type Value = Arc<Vec<Model<G>>>;
    type Unit = G::Unit;
    fn rows(value: &Self::Value) -> usize {
        value.len()
    }
    fn unit(&self) -> G::Unit {
        G::unit(&self.0)
    }
    fn remembered(&self, catalog: &Catalog) -> Option<Option<Self::Value>> {
        G::remembered(catalog, &self.0).map(|rows| Some(Arc::new(rows)))
    }
    fn fetch(db: Db, units: Vec<G::Unit>, rows: u64) -> BoxFuture<'static, Answer<Self>> {
        async move {
            let mut grouped: HashMap<Many<G>, Vec<Model<G>>> = HashMap::new();
            for row in fetch::<G>(&db.0, &units, rows).await? {
                grouped
                    .entry(Many::new(G::key(&row)))
                    .or_default()
                    .push(row);
            }
            Ok(grouped.into_iter().map(|(k, v)| (k, Arc::new(v))).collect())
        }
        .boxed()
    }
}

impl<G: Group> Fetch for One<G> {
    type Value = Model<G>;
    type Unit = G::Unit;
    fn unit(&self) -> G::Unit {
        G::unit(&self.0)
    }
    fn remembered(&self, catalog: &Catalog) -> Option<Option<Self::Value>> {
        G::remembered(catalog, &self.0).map(|rows| rows.into_iter().next())
    }
    fn fetch(db: Db, units: Vec<G::Unit>, rows: u64) -> BoxFuture<'static, Answer<Self>> {
        async move {
            Ok(fetch::<G>(&db.0, &units, rows)
                .await?
                .into_iter()
                .map(|row| (One::new(G::key(&row)), row))
                .collect())
        }
        .boxed()
    }
}

fn dept_year_condition<C: ColumnTrait>(dept: C, year: C, keys: &[DeptYear]) -> Condition {
    let depts: Vec<i32> = keys.iter().map(|k| k.0).collect();
    let years: Vec<i32> = keys.iter().map(|k| k.1).collect();
    Condition::all()
        .add(dept.is_in(depts))
        .add(year.is_in(years))
}

/// Rows of a department-year, in `order` (default: the printed position). With `all years`,
/// one fetch covers every year of the department: the comparisons (`change(baseYear:)`) then
/// find the other year already fetched.
macro_rules! by_dept_year {
    ($($(#[$doc:meta])* $group:ident => $table:ident $(order $order:ident)? $(all $years:ident)?;)*) => {$(
        $(#[$doc])*
        pub struct $group;
        impl Group for $group {
            type Entity = $table::Entity;
            type Key = DeptYear;
            by_dept_year!(@unit $table $($years)?);
            fn key(m: &$table::Model) -> DeptYear {
                (m.department_id, m.year)
            }
            fn order() -> $table::Column {
                by_dept_year!(@order $table $($order)?)
            }
        }
    )*};
    (@order $table:ident) => { $table::Column::Position };
    (@order $table:ident $order:ident) => { $table::Column::$order };
    (@unit $table:ident) => {
        type Unit = DeptYear;
        fn unit(key: &DeptYear) -> DeptYear {
            *key
        }
        fn condition(keys: &[DeptYear]) -> Condition {
            dept_year_condition($table::Column::DepartmentId, $table::Column::Year, keys)
        }
    };
    (@unit $table:ident years) => {
        type Unit = i32;
        fn unit(key: &DeptYear) -> i32 {
            key.0
        }
        fn condition(departments: &[i32]) -> Condition {
            Condition::all().add($table::Column::DepartmentId.is_in(departments.to_vec()))
        }
    };
}

by_dept_year! {
    /// Printed table rows of a department-year.
    LinesOf => budget_line;
    /// Named figures of a department-year (fetched for all years of the department).
    HeadlinesOf => headline all years;
    /// Project budgets of a department-year (fetched for all years of the department).
    ProjectsOf => project_budget all years;
    /// 三公 items of a department-year (fetched for all years of the department).
    ThreePublicOf => three_public all years;
    /// Revenue-source columns of 表4 and 表5 rows of a department-year (file order).
    AllocationsOf => allocation order Id;
    /// Performance indicators of a department-year.
    IndicatorsOf => indicator;
    /// Annual goals of a department-year.
    GoalsOf => goal;
    /// 表12 annual tasks of a department-year.
    TasksOf => performance_task;
    /// Consistency checks of a department-year.
    ChecksOf => consistency_check;
    /// Internal divisions of a unit-year.
    DivisionsOf => division;
    /// Statements of a department-year.
    NotesOf => note;
    /// Staffing rows of a department-year (file order).
    StaffingOf => staffing order Id;
    /// The profile (duties) of a department-year.
    ProfileOf => department_profile order Id;
    /// Numeric columns of the printed tables of a department-year (file order).
    PrintedColumnsOf => printed_column order Id;
    /// Body rows of the printed tables of a department-year (file order).
    PrintedRowsOf => printed_row order Id;
    /// Cells of the printed tables of a department-year (file order).
    PrintedCellsOf => printed_cell order Id;
}

/// Rows that point at a row through an `i32` column; `memory(catalog, key)` answers from the
/// catalogue for the tables it holds.
macro_rules! by_column {
    ($($(#[$doc:meta])* $group:ident => $table:ident . $column:ident ($field:ident $($opt:ident)?) order $order:ident
       $(memory($catalog:ident, $key:ident) $memory:expr)?;)*) => {$(
        $(#[$doc])*
        pub struct $group;
        impl Group for $group {
            type Entity = $table::Entity;
            type Key = i32;
            type Unit = i32;
            fn unit(key: &i32) -> i32 {
                *key
            }
            fn condition(keys: &[i32]) -> Condition {
                Condition::all().add($table::Column::$column.is_in(keys.to_vec()))
            }
            fn key(m: &$table::Model) -> i32 {
                by_column!(@field m $field $($opt)?)
            }
            fn order() -> $table::Column {
                $table::Column::$order
            }
            $(fn remembered($catalog: &Catalog, $key: &i32) -> Option<Vec<$table::Model>> {
                Some($memory)
            })?
        }
    )*};
    (@field $m:ident $field:ident) => { $m.$field };
    (@field $m:ident $field:ident optional) => { $m.$field.unwrap_or_default() };
}

by_column! {
    /// A department by id.
    DepartmentById => department.Id(id) order Code
        memory(c, id) c.departments.get(id).cloned().into_iter().collect();
    /// A classification node by id.
    NodeById => classification_node.Id(id) order Code
        memory(c, id) c.node(*id).cloned().into_iter().collect();
    /// A source by id.
    SourceById => source.Id(id) order Id
        memory(c, id) c.source(*id).cloned().into_iter().collect();
    /// A project by id.
    ProjectById => project.Id(id) order Key
        memory(c, id) c.project(*id).cloned().into_iter().collect();
    /// Performance goals of a project budget.
    ProjectGoalsOf => project_goal.ProjectBudgetId(project_budget_id) order Position;
    /// A project's budgets across departments and years.
    BudgetsOfProject => project_budget.ProjectId(project_id) order Year;
    /// Units of a department.
    UnitsOf => department.ParentId(parent_id optional) order Code
        memory(c, id) c.units(*id).cloned().collect();
    /// Children of a classification node.
    ChildrenOf => classification_node.ParentId(parent_id optional) order Code
        memory(c, id) c.children(*id).cloned().collect();
}

/// A department by code.
pub struct DepartmentByCode;
impl Group for DepartmentByCode {
    type Entity = department::Entity;
    type Key = String;
    type Unit = String;
    fn unit(key: &String) -> String {
        key.clone()
    }
    fn condition(keys: &[String]) -> Condition {
        Condition::all().add(department::Column::Code.is_in(keys.to_vec()))
    }
    fn key(m: &department::Model) -> String {
        m.code.clone()
    }
    fn order() -> department::Column {
        department::Column::Code
    }
    fn remembered(catalog: &Catalog, code: &String) -> Option<Vec<department::Model>> {
        Some(
            catalog
                .department_by_code(code)
                .cloned()
                .into_iter()
                .collect(),
        )
    }
}

/// A classification node by (scheme, code).
pub struct NodeByCode;
impl Group for NodeByCode {
    type Entity = classification_node::Entity;
    type Key = (String, String);
    type Unit = (String, String);
    fn unit(key: &(String, String)) -> (String, String) {
        key.clone()
    }
    fn condition(keys: &[(String, String)]) -> Condition {
        keys.iter().fold(Condition::any(), |c, (scheme, code)| {
            c.add(
                Condition::all()
                    .add(classification_node::Column::Scheme.eq(scheme.clone()))
                    .add(classification_node::Column::Code.eq(code.clone())),
            )
        })
    }
    fn key(m: &classification_node::Model) -> (String, String) {
        (m.scheme.as_str().to_owned(), m.code.clone())
    }
    fn order() -> classification_node::Column {
        classification_node::Column::Code
    }
    fn remembered(
        catalog: &Catalog,
        (scheme, code): &(String, String),
    ) -> Option<Vec<classification_node::Model>> {
        Some(
            catalog
                .node_by_code(scheme, code)
                .cloned()
                .into_iter()
                .collect(),
        )
    }
}

/// The rows the API serves for a department-year and scheme (`is_primary`: one per node).
pub struct PrimaryLinesOf;
impl Group for PrimaryLinesOf {
    type Entity = budget_line::Entity;
    type Key = (i32, i32, String);
    type Unit = (i32, i32, String);
    fn unit(key: &(i32, i32, String)) -> (i32, i32, String) {
        key.clone()
    }
    fn condition(keys: &[(i32, i32, String)]) -> Condition {
        let pairs: Vec<DeptYear> = keys.iter().map(|k| (k.0, k.1)).collect();
        let schemes: Vec<String> = keys.iter().map(|k| k.2.clone()).collect();
        dept_year_condition(
            budget_line::Column::DepartmentId,
            budget_line::Column::Year,
            &pairs,
        )
        .add(budget_line::Column::Scheme.is_in(schemes))
        .add(budget_line::Column::IsPrimary.eq(true))
    }
    fn key(m: &budget_line::Model) -> (i32, i32, String) {
        (m.department_id, m.year, m.scheme.as_str().to_owned())
    }
    fn order() -> budget_line::Column {
        budget_line::Column::Id
    }
    /// Lines are assembled into trees ordered by code.
    const ORDERED: bool = false;
    /// Only a preloaded catalogue ([`Catalog::preloaded`]) holds lines.
    fn remembered(catalog: &Catalog, key: &(i32, i32, String)) -> Option<Vec<budget_line::Model>> {
        let lines = catalog.primary_lines.as_ref()?;
        Some(lines.get(key).cloned().unwrap_or_default())
    }
}

/// Every project budget of a department (all years), each with its sub-items, in one
/// statement (a left join): a budget's projects, their sub-items and their comparisons with
/// other years cost one statement together.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ProjectsOfDepartment(pub i32);

/// A department's project budgets with their sub-items.
#[derive(Default)]
pub struct DepartmentProjects {
    /// By year, then printed position.
    budgets: Vec<project_budget::Model>,
    /// Sub-items of each project budget, in printed order.
    subprojects: HashMap<i32, Arc<Vec<subproject::Model>>>,
}

impl DepartmentProjects {
    /// The project budgets of `year`, in printed order.
    pub fn of_year(&self, year: i32) -> Vec<project_budget::Model> {
        self.budgets
            .iter()
            .filter(|b| b.year == year)
            .cloned()
            .collect()
    }

    /// The sub-items of a project budget, in printed order.
    pub fn subprojects(&self, budget: i32) -> Arc<Vec<subproject::Model>> {
        self.subprojects.get(&budget).cloned().unwrap_or_default()
    }
}

impl Fetch for ProjectsOfDepartment {
    type Value = Arc<DepartmentProjects>;
    type Unit = i32;
    fn rows(value: &Self::Value) -> usize {
        value.budgets.len() + value.subprojects.values().map(|s| s.len()).sum::<usize>()
    }
    fn unit(&self) -> i32 {
        self.0
    }
    fn fetch(db: Db, departments: Vec<i32>, rows: u64) -> BoxFuture<'static, Answer<Self>> {
        async move {
            let items: RelationDef = subproject::Entity::belongs_to(project_budget::Entity)
                .from(subproject::Column::ProjectBudgetId)
                .to(project_budget::Column::Id)
                .into();
            let rows = project_budget::Entity::find()
                .join_rev(JoinType::LeftJoin, items)
                .filter(project_budget::Column::DepartmentId.is_in(departments))
                .order_by_asc(project_budget::Column::Year)
                .order_by_asc(project_budget::Column::Position)
                .order_by_asc(project_budget::Column::Id)
                .order_by_asc(subproject::Column::Position)
                .limit(rows)
                .select_also(subproject::Entity)
                .all(&db.0)
                .await
                .map_err(Arc::new)?;
            let mut out: HashMap<ProjectsOfDepartment, DepartmentProjects> = HashMap::new();
            let mut items: HashMap<i32, Vec<subproject::Model>> = HashMap::new();
            for (budget, item) in rows {
                let projects = out
                    .entry(ProjectsOfDepartment(budget.department_id))
                    .or_default();
                if projects.budgets.last().is_none_or(|b| b.id != budget.id) {
                    projects.budgets.push(budget.clone());
                }
                items.entry(budget.id).or_default().extend(item);
            }
            for projects in out.values_mut() {
                for budget in &projects.budgets {
                    let list = items.remove(&budget.id).unwrap_or_default();
                    projects.subprojects.insert(budget.id, Arc::new(list));
                }
            }
            Ok(out.into_iter().map(|(k, v)| (k, Arc::new(v))).collect())
        }
        .boxed()
    }
}
