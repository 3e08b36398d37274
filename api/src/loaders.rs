//! DataLoader batching: every relationship is fetched through one [`Db`] loader per request,
//! so a query costs a fixed number of statements however many rows it touches.
//!
//! A relationship is a [`Group`]: which entity, which key, and how to select many keys at once.
//! `Many<G>` loads every row for a key; `One<G>` the single row with that key.

use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use entity::*;
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

/// The per-request loader.
pub type Loaders = DataLoader<Db, HashMapCache>;

/// Builds the loader for one request. Its cache lives as long as the request, so a key asked
/// for by several fields is fetched once even when the asks fall into different batches.
/// `window` is how long a batch waits for more keys (`DATALOADER_WINDOW_US`).
pub fn loaders(db: DatabaseConnection, window: Duration) -> Loaders {
    DataLoader::with_cache(Db(db), tokio::spawn, HashMapCache::default()).delay(window)
}

/// Database handle the loaders query.
pub struct Db(pub DatabaseConnection);

/// A (department id, year) pair.
pub type DeptYear = (i32, i32);

/// A relationship: the rows of `Entity` that belong to a `Key`.
pub trait Group: Send + Sync + 'static {
    type Entity: EntityTrait<Model: Send + Sync + Clone>;
    type Key: Hash + Eq + Clone + Send + Sync + 'static;
    /// Selects the rows of all `keys` (may select more; extra rows are dropped).
    fn condition(keys: &[Self::Key]) -> Condition;
    /// The key a row belongs to.
    fn key(model: &<Self::Entity as EntityTrait>::Model) -> Self::Key;
    /// Row order within a key.
    fn order() -> <Self::Entity as EntityTrait>::Column;
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

type Model<G> = <<G as Group>::Entity as EntityTrait>::Model;

async fn fetch<G: Group>(
    db: &DatabaseConnection,
    keys: &[G::Key],
) -> Result<Vec<Model<G>>, Arc<sea_orm::DbErr>> {
    G::Entity::find()
        .filter(G::condition(keys))
        .order_by_asc(G::order())
        .all(db)
        .await
        .map_err(Arc::new)
}

impl<G: Group> Loader<Many<G>> for Db {
    type Value = Arc<Vec<Model<G>>>;
    type Error = Arc<sea_orm::DbErr>;

    async fn load(&self, keys: &[Many<G>]) -> Result<HashMap<Many<G>, Self::Value>, Self::Error> {
        let raw: Vec<G::Key> = keys.iter().map(|k| k.0.clone()).collect();
        let mut grouped: HashMap<G::Key, Vec<Model<G>>> =
            raw.iter().map(|k| (k.clone(), Vec::new())).collect();
        for row in fetch::<G>(&self.0, &raw).await? {
            if let Some(rows) = grouped.get_mut(&G::key(&row)) {
                rows.push(row);
            }
        }
        Ok(grouped
            .into_iter()
            .map(|(k, v)| (Many::new(k), Arc::new(v)))
            .collect())
    }
}

impl<G: Group> Loader<One<G>> for Db {
    type Value = Model<G>;
    type Error = Arc<sea_orm::DbErr>;

    async fn load(&self, keys: &[One<G>]) -> Result<HashMap<One<G>, Self::Value>, Self::Error> {
        let raw: Vec<G::Key> = keys.iter().map(|k| k.0.clone()).collect();
        Ok(fetch::<G>(&self.0, &raw)
            .await?
            .into_iter()
            .map(|row| (One::new(G::key(&row)), row))
            .collect())
    }
}

fn dept_year_condition<C: ColumnTrait>(dept: C, year: C, keys: &[DeptYear]) -> Condition {
    let depts: Vec<i32> = keys.iter().map(|k| k.0).collect();
    let years: Vec<i32> = keys.iter().map(|k| k.1).collect();
    Condition::all()
        .add(dept.is_in(depts))
        .add(year.is_in(years))
}

/// Rows of a department-year, in `order` (default: the printed position).
macro_rules! by_dept_year {
    ($($(#[$doc:meta])* $group:ident => $table:ident $(order $order:ident)?;)*) => {$(
        $(#[$doc])*
        pub struct $group;
        impl Group for $group {
            type Entity = $table::Entity;
            type Key = DeptYear;
            fn condition(keys: &[DeptYear]) -> Condition {
                dept_year_condition($table::Column::DepartmentId, $table::Column::Year, keys)
            }
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
}

by_dept_year! {
    /// Printed table rows of a department-year.
    LinesOf => budget_line;
    /// Named figures of a department-year.
    HeadlinesOf => headline;
    /// Project budgets of a department-year.
    ProjectsOf => project_budget;
    /// 三公 items of a department-year.
    ThreePublicOf => three_public;
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
}

/// Rows that point at a parent row through an `i32` column.
macro_rules! by_column {
    ($($(#[$doc:meta])* $group:ident => $table:ident . $column:ident ($field:ident) order $order:ident;)*) => {$(
        $(#[$doc])*
        pub struct $group;
        impl Group for $group {
            type Entity = $table::Entity;
            type Key = i32;
            fn condition(keys: &[i32]) -> Condition {
                Condition::all().add($table::Column::$column.is_in(keys.to_vec()))
            }
            fn key(m: &$table::Model) -> i32 {
                m.$field
            }
            fn order() -> $table::Column {
                $table::Column::$order
            }
        }
    )*};
}

by_column! {
    /// A department by id.
    DepartmentById => department.Id(id) order Code;
    /// A classification node by id.
    NodeById => classification_node.Id(id) order Code;
    /// A source by id.
    SourceById => source.Id(id) order Id;
    /// A project by id.
    ProjectById => project.Id(id) order Key;
    /// Sub-items of a project budget.
    SubprojectsOf => subproject.ProjectBudgetId(project_budget_id) order Position;
    /// Performance goals of a project budget.
    ProjectGoalsOf => project_goal.ProjectBudgetId(project_budget_id) order Position;
    /// A project's budgets across departments and years.
    BudgetsOfProject => project_budget.ProjectId(project_id) order Year;
}

/// Rows whose optional parent column points at a key.
macro_rules! by_parent {
    ($($(#[$doc:meta])* $group:ident => $table:ident . $column:ident ($field:ident) order $order:ident;)*) => {$(
        $(#[$doc])*
        pub struct $group;
        impl Group for $group {
            type Entity = $table::Entity;
            type Key = i32;
            fn condition(keys: &[i32]) -> Condition {
                Condition::all().add($table::Column::$column.is_in(keys.to_vec()))
            }
            fn key(m: &$table::Model) -> i32 {
                m.$field.unwrap_or_default()
            }
            fn order() -> $table::Column {
                $table::Column::$order
            }
        }
    )*};
}

by_parent! {
    /// Units of a department.
    UnitsOf => department.ParentId(parent_id) order Code;
    /// Children of a classification node.
    ChildrenOf => classification_node.ParentId(parent_id) order Code;
}

/// A department by code.
pub struct DepartmentByCode;
impl Group for DepartmentByCode {
    type Entity = department::Entity;
    type Key = String;
    fn condition(keys: &[String]) -> Condition {
        Condition::all().add(department::Column::Code.is_in(keys.to_vec()))
    }
    fn key(m: &department::Model) -> String {
        m.code.clone()
    }
    fn order() -> department::Column {
        department::Column::Code
    }
}

/// A classification node by (scheme, code).
pub struct NodeByCode;
impl Group for NodeByCode {
    type Entity = classification_node::Entity;
    type Key = (String, String);
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
}

/// The years a department has any figure for, ascending.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct YearsOf(pub i32);

impl Loader<YearsOf> for Db {
    type Value = Arc<Vec<i32>>;
    type Error = Arc<sea_orm::DbErr>;

    async fn load(&self, keys: &[YearsOf]) -> Result<HashMap<YearsOf, Self::Value>, Self::Error> {
        let ids: Vec<i32> = keys.iter().map(|k| k.0).collect();
        let rows = department_year::Entity::find()
            .filter(department_year::Column::DepartmentId.is_in(ids))
            .all(&self.0)
            .await
            .map_err(Arc::new)?;
        let mut years: HashMap<YearsOf, Vec<i32>> =
            keys.iter().map(|k| (k.clone(), Vec::new())).collect();
        for row in rows {
            if let Some(list) = years.get_mut(&YearsOf(row.department_id)) {
                list.push(row.year);
            }
        }
        Ok(years
            .into_iter()
            .map(|(k, mut v)| {
                v.sort_unstable();
                v.dedup();
                (k, Arc::new(v))
            })
            .collect())
    }
}

/// The rows the API serves for a department-year and scheme (`is_primary`: one per node).
pub struct PrimaryLinesOf;
impl Group for PrimaryLinesOf {
    type Entity = budget_line::Entity;
    type Key = (i32, i32, String);
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
}

/// The rows the API serves for a classification node, across departments and years.
pub struct PrimaryLinesOfNode;
impl Group for PrimaryLinesOfNode {
    type Entity = budget_line::Entity;
    type Key = i32;
    fn condition(keys: &[i32]) -> Condition {
        Condition::all()
            .add(budget_line::Column::NodeId.is_in(keys.to_vec()))
            .add(budget_line::Column::IsPrimary.eq(true))
    }
    fn key(m: &budget_line::Model) -> i32 {
        m.node_id.unwrap_or_default()
    }
    fn order() -> budget_line::Column {
        budget_line::Column::Year
    }
}
