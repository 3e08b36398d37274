//! Aggregates across departments and years: the reference data an aggregate needs (the
//! classification trees and the departments), kept in memory per data version, and one SQL
//! statement that sums budget lines by the requested dimensions.
//!
//! Sums are exact (amounts are integers in 1/10000 万元), leave a stated-nothing cell `null`
//! rather than `0`, and never count money twice: a department-year whose budget is already
//! included in its parent's consolidated budget (`department_year.consolidated_into`, set at
//! load) is left out whenever that parent is part of the sum.

use crate::error::{ApiError, Result};
use entity::{classification_node, department};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, Statement};
use seed::cofog::{Crosswalk, Rule};
use std::collections::{BTreeSet, HashMap};
use std::fmt::Write;
use std::sync::{Arc, RwLock};

/// The data version a request runs against (set by the HTTP layer, see `http.rs`).
#[derive(Clone, Copy, Debug)]
pub struct DataVersion(pub i64);

/// Reference data of one data version.
pub struct Catalog {
    pub version: i64,
    nodes: HashMap<i32, classification_node::Model>,
    by_code: HashMap<(String, String), i32>,
    children: HashMap<i32, Vec<i32>>,
    pub departments: HashMap<i32, department::Model>,
    department_by_code: HashMap<String, i32>,
}

impl Catalog {
    async fn load(db: &DatabaseConnection, version: i64) -> Result<Catalog> {
        let nodes = classification_node::Entity::find().all(db).await?;
        let departments = department::Entity::find().all(db).await?;
        let mut children: HashMap<i32, Vec<i32>> = HashMap::new();
        for n in &nodes {
            if let Some(p) = n.parent_id {
                children.entry(p).or_default().push(n.id);
            }
        }
        for list in children.values_mut() {
            list.sort_unstable();
        }
        Ok(Catalog {
            version,
            by_code: nodes
                .iter()
                .map(|n| ((n.scheme.clone(), n.code.clone()), n.id))
                .collect(),
            nodes: nodes.into_iter().map(|n| (n.id, n)).collect(),
            children,
            department_by_code: departments.iter().map(|d| (d.code.clone(), d.id)).collect(),
            departments: departments.into_iter().map(|d| (d.id, d)).collect(),
        })
    }

    /// A node by id.
    pub fn node(&self, id: i32) -> Option<&classification_node::Model> {
        self.nodes.get(&id)
    }

    /// A department's id by code.
    pub fn department_id(&self, code: &str) -> Option<i32> {
        self.department_by_code.get(code).copied()
    }

    /// A node's id by scheme and code.
    pub fn node_id(&self, scheme: &str, code: &str) -> Option<i32> {
        self.by_code
            .get(&(scheme.to_owned(), code.to_owned()))
            .copied()
    }

    /// The ancestor of `id` at `level`, or `id` itself when it is at or above that level.
    fn ancestor_at(&self, mut id: i32, level: i32) -> i32 {
        while let Some(n) = self.nodes.get(&id) {
            match n.parent_id {
                Some(p) if n.level > level => id = p,
                _ => break,
            }
        }
        id
    }

    /// `id` and all nodes under it.
    fn subtree(&self, id: i32, out: &mut Vec<i32>) {
        out.push(id);
        for &c in self.children.get(&id).into_iter().flatten() {
            self.subtree(c, out);
        }
    }
}

/// The per-version catalogue, shared by all requests.
#[derive(Default)]
pub struct Catalogs(RwLock<Option<Arc<Catalog>>>);

impl Catalogs {
    /// The catalogue of `version` (read from the database on the first ask after a load).
    pub async fn get(&self, db: &DatabaseConnection, version: i64) -> Result<Arc<Catalog>> {
        if let Some(c) = self.0.read().unwrap_or_else(|e| e.into_inner()).as_ref()
            && c.version == version
        {
            return Ok(c.clone());
        }
        let fresh = Arc::new(Catalog::load(db, version).await?);
        let mut slot = self.0.write().unwrap_or_else(|e| e.into_inner());
        if slot.as_ref().is_none_or(|c| c.version <= version) {
            *slot = Some(fresh.clone());
        }
        Ok(fresh)
    }
}

/// What cells are grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dimension {
    Year,
    Department,
    Node,
    Cofog,
    CofogRule,
}

/// An aggregate to compute.
#[derive(Debug, Clone)]
pub struct Spec {
    /// `FUNCTIONAL`, `ECONOMIC` or `REVENUE`.
    pub scheme: &'static str,
    /// Level of the `NODE` dimension (1 = 类).
    pub level: i32,
    /// Level of the `COFOG` dimension (1 = division, 2 = group).
    pub cofog_level: i32,
    pub group_by: BTreeSet<Dimension>,
    pub years: Option<Vec<i32>>,
    /// Department codes; `None` for every department.
    pub departments: Option<Vec<String>>,
    /// Classification codes, each with its descendants; `None` for the whole scheme.
    pub codes: Option<Vec<String>>,
}

/// The key of a cell: the value of each dimension grouped by (`None` where not grouped, and
/// for `cofog` also where no COFOG function applies).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    pub year: Option<i32>,
    pub department: Option<i32>,
    pub node: Option<i32>,
    pub cofog: Option<String>,
    pub rule: Option<CofogRule>,
}

/// Which crosswalk rule placed a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CofogRule {
    Class,
    Subclass,
    UnitFunction,
    /// No crosswalk row covers the code.
    Unmapped,
}

impl CofogRule {
    pub fn of(rule: Option<Rule>) -> CofogRule {
        match rule {
            Some(Rule::Class) => CofogRule::Class,
            Some(Rule::Subclass) => CofogRule::Subclass,
            Some(Rule::UnitFunction) => CofogRule::UnitFunction,
            None => CofogRule::Unmapped,
        }
    }
    const ALL: [CofogRule; 4] = [
        CofogRule::Class,
        CofogRule::Subclass,
        CofogRule::UnitFunction,
        CofogRule::Unmapped,
    ];
    fn index(self) -> i32 {
        Self::ALL.iter().position(|r| *r == self).unwrap_or(3) as i32
    }
}

/// One measure's sum and how many department-years state it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Measure {
    /// Sum of the stated amounts (1/10000 万元); `None` when no line states one.
    pub sum: Option<i64>,
    /// Department-years with at least one stated amount.
    pub stated: i64,
}

/// The sums of a cell (or of the whole filtered set).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sums {
    /// Department-years with a line in the cell.
    pub count: i64,
    pub amount: Measure,
    pub basic: Measure,
    pub project: Measure,
    pub procurement: Measure,
}

/// An aggregate's result.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    pub total: Sums,
    pub cells: Vec<(Key, Sums)>,
}

/// Which lines an aggregate sums, and the group each falls in.
struct Plan {
    /// `(node id, NODE group, COFOG code, rule)` per measured node.
    nodes: Vec<(i32, i32, Option<String>, CofogRule)>,
    departments: Option<Vec<i32>>,
}

fn plan(catalog: &Catalog, spec: &Spec) -> Plan {
    let scheme_nodes = || {
        let mut roots: Vec<i32> = catalog
            .nodes
            .values()
            .filter(|n| n.scheme == spec.scheme && n.parent_id.is_none())
            .map(|n| n.id)
            .collect();
        roots.sort_unstable();
        roots
    };
    let mut roots: Vec<i32> = match &spec.codes {
        None => scheme_nodes(),
        Some(codes) => codes
            .iter()
            .filter_map(|c| catalog.node_id(spec.scheme, c))
            .collect(),
    };
    // A code under another listed code adds nothing.
    let listed: BTreeSet<i32> = roots.iter().copied().collect();
    roots.retain(|&r| {
        let mut up = catalog.node(r).and_then(|n| n.parent_id);
        while let Some(p) = up {
            if listed.contains(&p) {
                return false;
            }
            up = catalog.node(p).and_then(|n| n.parent_id);
        }
        true
    });
    roots.sort_unstable();
    roots.dedup();
    let by_cofog =
        spec.group_by.contains(&Dimension::Cofog) || spec.group_by.contains(&Dimension::CofogRule);
    let crosswalk = Crosswalk::bundled();
    let mut nodes = Vec::new();
    for root in roots {
        let mut under = Vec::new();
        catalog.subtree(root, &mut under);
        let root_level = catalog.node(root).map_or(1, |n| n.level);
        let measured: Vec<i32> = if by_cofog {
            // COFOG places lines by their most specific code: sum the leaves.
            under
                .into_iter()
                .filter(|id| !catalog.children.contains_key(id))
                .collect()
        } else if root_level >= spec.level {
            vec![root]
        } else {
            under
                .into_iter()
                .filter(|id| catalog.node(*id).is_some_and(|n| n.level == spec.level))
                .collect()
        };
        for id in measured {
            let Some(node) = catalog.node(id) else {
                continue;
            };
            let mapping = (spec.scheme == "FUNCTIONAL")
                .then(|| crosswalk.resolve(&node.code))
                .flatten();
            let cofog = mapping
                .and_then(|m| m.cofog.as_deref())
                .map(|c| crosswalk.at_level(c, spec.cofog_level).to_owned());
            nodes.push((
                id,
                catalog.ancestor_at(id, spec.level),
                cofog,
                CofogRule::of(mapping.map(|m| m.rule)),
            ));
        }
    }
    Plan {
        nodes,
        departments: spec.departments.as_ref().map(|codes| {
            codes
                .iter()
                .filter_map(|c| catalog.department_id(c))
                .collect()
        }),
    }
}

fn ints(values: impl IntoIterator<Item = i32>) -> String {
    values
        .into_iter()
        .map(|v| v.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

/// A SQL string literal of text from our own data (COFOG codes), quoted defensively.
fn text(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

/// The statement: cells (`t = 0`) and the filtered total (`t = 1`) in one round trip. Every
/// value in it is an integer or a COFOG code from the bundled crosswalk; nothing a client
/// typed reaches the SQL text.
fn statement(spec: &Spec, plan: &Plan, cofog_level: i32) -> Option<String> {
    if plan.nodes.is_empty() || plan.departments.as_ref().is_some_and(|d| d.is_empty()) {
        return None;
    }
    let g = |d: Dimension, expr: &str, null: &str| {
        if spec.group_by.contains(&d) {
            expr.to_owned()
        } else {
            format!("CAST(NULL AS {null})")
        }
    };
    let unit = if cofog_level == 1 {
        "SUBSTR(dy.unit_cofog, 1, 2)"
    } else {
        "dy.unit_cofog"
    };
    let rule_unit = CofogRule::UnitFunction.index();
    let cofog = format!("CASE WHEN m.column4 = {rule_unit} THEN {unit} ELSE m.column3 END");
    let keys = [
        g(Dimension::Year, "bl.year", "INTEGER"),
        g(Dimension::Department, "bl.department_id", "INTEGER"),
        g(Dimension::Node, "m.column2", "INTEGER"),
        g(Dimension::Cofog, &cofog, "TEXT"),
        g(Dimension::CofogRule, "m.column4", "INTEGER"),
    ];
    let mut values = String::new();
    for (i, (node, group, cofog, rule)) in plan.nodes.iter().enumerate() {
        let _ = write!(
            values,
            "{}({node},{group},{},{})",
            if i > 0 { "," } else { "" },
            cofog
                .as_deref()
                .map_or("CAST(NULL AS TEXT)".to_owned(), text),
            rule.index()
        );
    }
    let mut filter = format!(
        "bl.is_primary AND bl.node_id IN ({})",
        ints(plan.nodes.iter().map(|n| n.0))
    );
    if let Some(years) = &spec.years {
        let _ = write!(filter, " AND bl.year IN ({})", ints(years.iter().copied()));
    }
    match &plan.departments {
        None => filter.push_str(" AND dy.consolidated_into IS NULL"),
        Some(ids) => {
            let ids = ints(ids.iter().copied());
            let _ = write!(
                filter,
                " AND bl.department_id IN ({ids}) AND (dy.consolidated_into IS NULL OR dy.consolidated_into NOT IN ({ids}))"
            );
        }
    }
    let measures = ["total", "basic", "project", "procurement"]
        .iter()
        .map(|c| {
            format!(
                "CAST(SUM(bl.{c}) AS BIGINT), COUNT(DISTINCT CASE WHEN bl.{c} IS NOT NULL THEN dy.id END)"
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    let from = format!(
        "FROM budget_line bl \
         JOIN department_year dy ON dy.department_id = bl.department_id AND dy.year = bl.year \
         JOIN (VALUES {values}) m ON m.column1 = bl.node_id \
         WHERE {filter}"
    );
    let nulls = "CAST(NULL AS INTEGER), CAST(NULL AS INTEGER), CAST(NULL AS INTEGER), CAST(NULL AS TEXT), CAST(NULL AS INTEGER)";
    // At most MAX_CELLS + 1 cells come back: one more than allowed says "too many".
    Some(format!(
        "SELECT * FROM (SELECT 0, {keys}, COUNT(DISTINCT dy.id), {measures} {from} GROUP BY {groups} LIMIT {limit}) cells \
         UNION ALL SELECT 1, {nulls}, COUNT(DISTINCT dy.id), {measures} {from}",
        limit = MAX_CELLS + 1,
        keys = keys.join(", "),
        groups = (1..=5)
            .map(|i| format!("{}", i + 1))
            .collect::<Vec<_>>()
            .join(", "),
    ))
}

/// Most cells an aggregate may have (memory per request stays bounded: a cell is ~200 bytes).
pub const MAX_CELLS: usize = 50_000;

/// Computes an aggregate: one statement. More than [`MAX_CELLS`] cells is `BAD_USER_INPUT`.
pub async fn compute(db: &DatabaseConnection, catalog: &Catalog, spec: &Spec) -> Result<Outcome> {
    let plan = plan(catalog, spec);
    let Some(sql) = statement(spec, &plan, spec.cofog_level) else {
        return Ok(Outcome::default());
    };
    let backend = db.get_database_backend();
    let rows = db
        .query_all_raw(Statement::from_string(backend, sql))
        .await?;
    let mut outcome = Outcome::default();
    for row in rows {
        let int = |i: usize| -> Result<Option<i64>> {
            Ok(match backend {
                // PostgreSQL: literals and int4 columns are INTEGER, sums and counts BIGINT.
                DbBackend::Postgres if matches!(i, 0..=3 | 5) => {
                    row.try_get_by_index::<Option<i32>>(i)?.map(i64::from)
                }
                _ => row.try_get_by_index::<Option<i64>>(i)?,
            })
        };
        let measure = |i: usize| -> Result<Measure> {
            Ok(Measure {
                sum: int(i)?,
                stated: int(i + 1)?.unwrap_or(0),
            })
        };
        let sums = Sums {
            count: int(6)?.unwrap_or(0),
            amount: measure(7)?,
            basic: measure(9)?,
            project: measure(11)?,
            procurement: measure(13)?,
        };
        if int(0)? == Some(1) {
            outcome.total = sums;
            continue;
        }
        let key = Key {
            year: int(1)?.map(|v| v as i32),
            department: int(2)?.map(|v| v as i32),
            node: int(3)?.map(|v| v as i32),
            cofog: row.try_get_by_index::<Option<String>>(4)?,
            rule: int(5)?.and_then(|i| CofogRule::ALL.get(i as usize).copied()),
        };
        outcome.cells.push((key, sums));
    }
    if outcome.cells.len() > MAX_CELLS {
        return Err(ApiError::BadUserInput(format!(
            "the aggregate has more than {MAX_CELLS} cells; narrow the filter or group by fewer dimensions"
        )));
    }
    // `GROUP BY` order is the database's: sort by key so the result is the same on both.
    outcome.cells.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(outcome)
}
