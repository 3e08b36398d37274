//! The reference data of one data version, held in memory.
//!
//! Between loads nothing changes, so the small tables every query walks through (departments
//! and their units, department-years with their printed totals, classification trees, sources,
//! projects, fiscal years, glossary, datasets) are read once per data version — one statement
//! each, on the first request after a load — and shared by every request of that version
//! through an `Arc`. A newer version replaces the catalogue atomically; requests still running
//! on the old one keep it until they finish. What grows with the data (budget lines, projects'
//! budgets, indicators, …) stays in the database and is fetched per request by
//! [`crate::loaders`].
//!
//! The aggregates' line slices are kept here too, per version (see [`crate::aggregate`]).

use crate::aggregate::Slice;
use crate::error::Result;
use entity::{
    budget_line, classification_node, dataset, department, department_year, fiscal_year,
    glossary_term, government, headline, printed_row, project, source,
};
use futures::TryStreamExt;
use lru::LruCache;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, RwLock};
use tokio::sync::OnceCell;

/// The headline keys of `Budget.revenueTotal`, the first with a row: the total, else the
/// grand total.
pub const REVENUE_TOTAL: [&str; 2] = ["revenue_total", "revenue_grand_total"];
/// The headline keys of `Budget.expenditureTotal`, as [`REVENUE_TOTAL`].
pub const EXPENDITURE_TOTAL: [&str; 2] = ["expenditure_total", "expenditure_grand_total"];
/// The headline keys of the printed totals (`Budget.revenueTotal`, `expenditureTotal`), kept
/// with the department-years.
pub const TOTAL_KEYS: [&str; 4] = [
    REVENUE_TOTAL[0],
    REVENUE_TOTAL[1],
    EXPENDITURE_TOTAL[0],
    EXPENDITURE_TOTAL[1],
];

/// A printed total of a department-year (a headline with a [`TOTAL_KEYS`] key): what
/// `Budget.revenueTotal` and `expenditureTotal` read. Only what they need is kept.
#[derive(Clone, Debug)]
pub struct Total {
    pub key: &'static str,
    pub amount: Option<i64>,
    pub basis: entity::Basis,
}

/// A slice, read on first use (concurrent first uses wait for one read).
pub(crate) type SliceCell = OnceCell<Arc<Slice>>;

/// Reference data of one data version.
pub struct Catalog {
    pub version: i64,
    pub(crate) nodes: HashMap<i32, classification_node::Model>,
    by_code: HashMap<(String, String), i32>,
    /// Children of each node, by code.
    pub(crate) children: HashMap<i32, Vec<i32>>,
    pub departments: HashMap<i32, department::Model>,
    department_by_code: HashMap<String, i32>,
    /// Departments by code (the order of `departments`).
    department_order: Vec<i32>,
    /// Units of each department, by code.
    units: HashMap<i32, Vec<i32>>,
    /// Years each department has a budget for, ascending.
    department_years: HashMap<i32, Vec<i32>>,
    /// The printed totals of each department-year, in printed order.
    totals: HashMap<(i32, i32), Box<[Total]>>,
    sources: HashMap<i32, source::Model>,
    pub(crate) projects: HashMap<i32, project::Model>,
    project_by_key: HashMap<String, i32>,
    pub fiscal_years: Vec<fiscal_year::Model>,
    pub glossary: Vec<glossary_term::Model>,
    pub datasets: Vec<dataset::Model>,
    /// Every government, by code.
    pub governments: Vec<government::Model>,
    /// The dataset of each department-year.
    budget_datasets: HashMap<(i32, i32), i32>,
    /// The department-years with stored printed tables (`printed_row`).
    printed: HashSet<(i32, i32)>,
    /// Every year a department has a budget for, ascending.
    pub(crate) years: Vec<i32>,
    /// (department, year) → the department whose budget consolidates it that year.
    consolidation: HashMap<(i32, i32), i32>,
    /// Dense index of each node id (slices store the index).
    pub(crate) node_index: HashMap<i32, u32>,
    /// Node id of each dense index.
    pub(crate) node_ids: Vec<i32>,
    pub(crate) slices: Mutex<LruCache<(&'static str, i32), Arc<SliceCell>>>,
    /// Most bytes the slices of this version may hold (the one in use is kept regardless).
    pub(crate) slice_budget: usize,
    /// The served lines (`is_primary`) of every (department, year, scheme), when read with
    /// [`Catalog::preloaded`]; `None` (the API's own catalogue): lines come from the database.
    pub(crate) primary_lines: Option<HashMap<(i32, i32, String), Vec<budget_line::Model>>>,
    /// The search index of this version, built on the first search ([`crate::search`]).
    pub(crate) search: crate::search::Slot,
}

impl Catalog {
    async fn load(db: &DatabaseConnection, version: i64, slice_budget: usize) -> Result<Catalog> {
        // The two tables that grow with the data are streamed, and only the columns kept are
        // read: a whole-model read of 2,000 × 10 took over 100 MB on the way.
        let (nodes, departments, department_years, totals) = futures::try_join!(
            classification_node::Entity::find().all(db),
            department::Entity::find().all(db),
            async {
                department_year::Entity::find()
                    .select_only()
                    .columns([
                        department_year::Column::DepartmentId,
                        department_year::Column::Year,
                        department_year::Column::ConsolidatedInto,
                        department_year::Column::DatasetId,
                    ])
                    .order_by_asc(department_year::Column::Year)
                    .into_tuple::<(i32, i32, Option<i32>, i32)>()
                    .stream(db)
                    .await?
                    .try_collect::<Vec<_>>()
                    .await
            },
            async {
                let mut totals: HashMap<(i32, i32), Vec<Total>> = HashMap::new();
                let mut rows = headline::Entity::find()
                    .select_only()
                    .columns([
                        headline::Column::DepartmentId,
                        headline::Column::Year,
                        headline::Column::Key,
                        headline::Column::Amount,
                        headline::Column::Basis,
                    ])
                    .filter(headline::Column::Key.is_in(TOTAL_KEYS))
                    .order_by_asc(headline::Column::Position)
                    .into_tuple::<(i32, i32, String, Option<i64>, entity::Basis)>()
                    .stream(db)
                    .await?;
                while let Some((department, year, key, amount, basis)) = rows.try_next().await? {
                    if let Some(key) = TOTAL_KEYS.iter().find(|k| **k == key) {
                        totals.entry((department, year)).or_default().push(Total {
                            key,
                            amount,
                            basis,
                        });
                    }
                }
                Ok(totals)
            },
        )?;
        let (sources, projects, fiscal_years, glossary, datasets, governments, printed) = futures::try_join!(
            source::Entity::find().all(db),
            project::Entity::find().all(db),
            fiscal_year::Entity::find()
                .order_by_asc(fiscal_year::Column::Year)
                .all(db),
            glossary_term::Entity::find()
                .order_by_asc(glossary_term::Column::DatasetId)
                .order_by_asc(glossary_term::Column::Position)
                .all(db),
            dataset::Entity::find()
                .order_by_asc(dataset::Column::Name)
                .all(db),
            government::Entity::find()
                .order_by_asc(government::Column::Code)
                .all(db),
            printed_row::Entity::find()
                .select_only()
                .columns([printed_row::Column::DepartmentId, printed_row::Column::Year])
                .distinct()
                .into_tuple::<(i32, i32)>()
                .all(db),
        )?;

        let mut node_ids: Vec<i32> = nodes.iter().map(|n| n.id).collect();
        node_ids.sort_unstable();
        let by_code: HashMap<(String, String), i32> = nodes
            .iter()
            .map(|n| ((n.scheme.as_str().to_owned(), n.code.clone()), n.id))
            .collect();
        let nodes: HashMap<i32, classification_node::Model> =
            nodes.into_iter().map(|n| (n.id, n)).collect();
        let mut children: HashMap<i32, Vec<i32>> = HashMap::new();
        for n in nodes.values() {
            if let Some(p) = n.parent_id {
                children.entry(p).or_default().push(n.id);
            }
        }
        for list in children.values_mut() {
            list.sort_by(|a, b| nodes[a].code.cmp(&nodes[b].code));
        }

        // By code, byte-wise: the same order on every database.
        let mut departments = departments;
        departments.sort_by(|a, b| a.code.cmp(&b.code));
        let mut units: HashMap<i32, Vec<i32>> = HashMap::new();
        for d in &departments {
            if let Some(p) = d.parent_id {
                units.entry(p).or_default().push(d.id);
            }
        }
        let mut years_of: HashMap<i32, Vec<i32>> = HashMap::new();
        let mut consolidation = HashMap::new();
        let mut budget_datasets = HashMap::new();
        let mut years = Vec::new();
        for &(department, year, consolidated_into, dataset) in &department_years {
            budget_datasets.insert((department, year), dataset);
            let list = years_of.entry(department).or_default();
            if list.last() != Some(&year) {
                list.push(year);
            }
            if years.last() != Some(&year) {
                years.push(year);
            }
            if let Some(parent) = consolidated_into {
                consolidation.insert((department, year), parent);
            }
        }

        Ok(Catalog {
            version,
            by_code,
            nodes,
            children,
            department_by_code: departments.iter().map(|d| (d.code.clone(), d.id)).collect(),
            department_order: departments.iter().map(|d| d.id).collect(),
            departments: departments.into_iter().map(|d| (d.id, d)).collect(),
            units,
            department_years: years_of,
            totals: totals
                .into_iter()
                .map(|(k, v)| (k, v.into_boxed_slice()))
                .collect(),
            sources: sources.into_iter().map(|s| (s.id, s)).collect(),
            project_by_key: projects.iter().map(|p| (p.key.clone(), p.id)).collect(),
            projects: projects.into_iter().map(|p| (p.id, p)).collect(),
            fiscal_years,
            glossary,
            datasets,
            governments,
            budget_datasets,
            printed: printed.into_iter().collect(),
            years,
            consolidation,
            node_index: node_ids
                .iter()
                .enumerate()
                .map(|(i, id)| (*id, i as u32))
                .collect(),
            node_ids,
            slices: Mutex::new(LruCache::unbounded()),
            slice_budget,
            primary_lines: None,
            search: Default::default(),
        })
    }

    /// The catalogue with every served budget line in memory too, so that the lines of
    /// `Budget.lines` cost no statement: the benchmark's in-memory ceiling
    /// (`api/examples/ceiling.rs`), the API's own resolvers with no database behind them.
    pub async fn preloaded(db: &DatabaseConnection) -> Result<Catalog> {
        let mut catalog = Catalog::load(db, 0, 0).await?;
        let mut lines: HashMap<(i32, i32, String), Vec<budget_line::Model>> = HashMap::new();
        let mut rows = budget_line::Entity::find()
            .filter(budget_line::Column::IsPrimary.eq(true))
            .order_by_asc(budget_line::Column::Id)
            .stream(db)
            .await?;
        while let Some(line) = rows.try_next().await? {
            let key = (
                line.department_id,
                line.year,
                line.scheme.as_str().to_owned(),
            );
            lines.entry(key).or_default().push(line);
        }
        catalog.primary_lines = Some(lines);
        Ok(catalog)
    }

    /// Whether `department`'s budget of `year` is already inside the budget of a department
    /// in `summed`: its parent's, or (through a parent that is itself consolidated) any
    /// ancestor's.
    pub(crate) fn consolidated_in(
        &self,
        department: i32,
        year: i32,
        summed: &HashSet<i32>,
    ) -> bool {
        consolidated_in(&self.consolidation, department, year, summed)
    }

    /// A node by id.
    pub fn node(&self, id: i32) -> Option<&classification_node::Model> {
        self.nodes.get(&id)
    }

    /// A node by scheme and code.
    pub fn node_by_code(&self, scheme: &str, code: &str) -> Option<&classification_node::Model> {
        self.node_id(scheme, code).and_then(|id| self.node(id))
    }

    /// The children of a node, by code.
    pub fn children(&self, id: i32) -> impl Iterator<Item = &classification_node::Model> {
        listed(self.children.get(&id), &self.nodes)
    }

    /// A department's id by code.
    pub fn department_id(&self, code: &str) -> Option<i32> {
        self.department_by_code.get(code).copied()
    }

    /// A department by code.
    pub fn department_by_code(&self, code: &str) -> Option<&department::Model> {
        self.department_id(code)
            .and_then(|id| self.departments.get(&id))
    }

    /// Every department and unit, by code.
    pub fn departments_by_code(&self) -> impl Iterator<Item = &department::Model> {
        listed(Some(&self.department_order), &self.departments)
    }

    /// The units of a department, by code.
    pub fn units(&self, id: i32) -> impl Iterator<Item = &department::Model> {
        listed(self.units.get(&id), &self.departments)
    }

    /// The years a department has a budget for, ascending.
    pub fn years_of(&self, department: i32) -> &[i32] {
        self.department_years
            .get(&department)
            .map_or(&[], Vec::as_slice)
    }

    /// The printed totals of a department-year, in printed order.
    pub fn totals(&self, department: i32, year: i32) -> &[Total] {
        self.totals.get(&(department, year)).map_or(&[], |t| t)
    }

    /// A source by id.
    pub fn source(&self, id: i32) -> Option<&source::Model> {
        self.sources.get(&id)
    }

    /// A government by id.
    pub fn government(&self, id: i32) -> Option<&government::Model> {
        self.governments.iter().find(|g| g.id == id)
    }

    /// A government by code.
    pub fn government_by_code(&self, code: &str) -> Option<&government::Model> {
        self.governments.iter().find(|g| g.code == code)
    }

    /// The money unit (`万元` or `元`) of a dataset; `万元` for an unknown one.
    fn dataset_unit(&self, dataset: Option<i32>) -> &str {
        dataset
            .and_then(|id| self.datasets.iter().find(|d| d.id == id))
            .map_or(crate::schema::figures::WAN_YUAN, |d| d.unit.as_str())
    }

    /// The money unit of a department-year's amounts (its dataset's `unit`).
    pub fn unit_of(&self, department: i32, year: i32) -> &str {
        self.dataset_unit(self.budget_datasets.get(&(department, year)).copied())
    }

    /// Whether a department-year has stored printed tables.
    pub fn has_printed(&self, department: i32, year: i32) -> bool {
        self.printed.contains(&(department, year))
    }

    /// Yuan per unit of the amounts stored from `source` (10000 for 万元, 1 for 元).
    pub fn yuan_per_unit(&self, source: i32) -> i64 {
        let dataset = self.sources.get(&source).map(|s| s.dataset_id);
        yuan_per(self.dataset_unit(dataset))
    }

    /// A project by id.
    pub fn project(&self, id: i32) -> Option<&project::Model> {
        self.projects.get(&id)
    }

    /// A project by key.
    pub fn project_by_key(&self, key: &str) -> Option<&project::Model> {
        self.project_by_key
            .get(key)
            .and_then(|id| self.projects.get(id))
    }

    /// A node's id by scheme and code.
    pub fn node_id(&self, scheme: &str, code: &str) -> Option<i32> {
        self.by_code
            .get(&(scheme.to_owned(), code.to_owned()))
            .copied()
    }

    /// The ancestor of `id` at `level`, or `id` itself when it is at or above that level.
    pub(crate) fn ancestor_at(&self, mut id: i32, level: i32) -> i32 {
        while let Some(n) = self.nodes.get(&id) {
            match n.parent_id {
                Some(p) if n.level > level => id = p,
                _ => break,
            }
        }
        id
    }

    /// `id` and all nodes under it.
    pub(crate) fn subtree(&self, id: i32, out: &mut Vec<i32>) {
        out.push(id);
        for &c in self.children.get(&id).into_iter().flatten() {
            self.subtree(c, out);
        }
    }
}

/// Yuan per unit of a money unit: 1 for `元`, 10000 for `万元` (and anything else).
pub fn yuan_per(unit: &str) -> i64 {
    if unit == "元" { 1 } else { 10_000 }
}

/// The rows `ids` lists (an order the catalogue keeps: children, units, departments by code).
fn listed<'a, T>(
    ids: Option<&'a Vec<i32>>,
    rows: &'a HashMap<i32, T>,
) -> impl Iterator<Item = &'a T> + 'a {
    ids.into_iter().flatten().filter_map(|id| rows.get(id))
}

/// Walks the chain of consolidating departments of `department` in `year`.
pub(crate) fn consolidated_in(
    consolidation: &HashMap<(i32, i32), i32>,
    mut department: i32,
    year: i32,
    summed: &HashSet<i32>,
) -> bool {
    // A chain is as deep as the department tree; the bound only guards against a cycle.
    for _ in 0..64 {
        match consolidation.get(&(department, year)) {
            Some(parent) if summed.contains(parent) => return true,
            Some(&parent) => department = parent,
            None => return false,
        }
    }
    false
}

/// The catalogue of the current data version, shared by all requests.
pub struct Catalogs {
    current: RwLock<Option<Arc<Catalog>>>,
    /// Serialises reads of a new version, so that a burst of requests after a load reads it
    /// once.
    reading: tokio::sync::Mutex<()>,
    slice_budget: usize,
}

impl Catalogs {
    /// Catalogues whose line slices may hold `slice_budget` bytes.
    pub fn new(slice_budget: usize) -> Catalogs {
        Catalogs {
            current: RwLock::new(None),
            reading: tokio::sync::Mutex::new(()),
            slice_budget,
        }
    }

    fn current(&self, version: i64) -> Option<Arc<Catalog>> {
        self.current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
            .filter(|c| c.version == version)
            .cloned()
    }

    /// The catalogue of `version` (read from the database on the first ask after a load).
    ///
    /// `version` is what the data-version watcher last read, and a load may have committed
    /// since (on another instance's primary, seconds ago). So after reading, the data version
    /// is read again: equal, nothing changed in between (a load raises it in the same
    /// transaction as its rows), and the catalogue is exactly that version; higher, the
    /// catalogue is read again for the newer version, whose number it then carries (the
    /// caller answers with it). A catalogue never mixes two loads.
    pub async fn get(&self, db: &DatabaseConnection, version: i64) -> Result<Arc<Catalog>> {
        if let Some(c) = self.current(version) {
            return Ok(c);
        }
        let _reading = self.reading.lock().await;
        if let Some(c) = self.current(version) {
            return Ok(c);
        }
        let mut version = version;
        let fresh = loop {
            let fresh = Catalog::load(db, version, self.slice_budget).await?;
            let now = dataset::data_version(db).await?;
            if now <= version {
                break Arc::new(fresh);
            }
            tracing::info!(
                read = version,
                now,
                "a load committed while the reference data was read: reading it again"
            );
            if let Some(c) = self.current(now) {
                return Ok(c);
            }
            version = now;
        };
        let mut slot = self.current.write().unwrap_or_else(|e| e.into_inner());
        if slot.as_ref().is_none_or(|c| c.version <= version) {
            *slot = Some(fresh.clone());
        }
        Ok(fresh)
    }
}
