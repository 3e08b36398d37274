//! Aggregates across departments and years. The data is read-only between loads, so what an
//! aggregate needs is kept in memory per data version: the classification trees and the
//! departments (read once), and the served budget lines of each (scheme, year) as a compact
//! slice, read with one statement the first time a slice is asked for and kept in a cache of
//! bounded size (`AGGREGATE_CACHE_MB`). Summing a slice is a pass over memory.
//!
//! Sums are exact (amounts are integers in 1/10000 万元), leave a stated-nothing cell `null`
//! rather than `0`, and never count money twice: a department-year whose budget is already
//! included in its parent's consolidated budget (`department_year.consolidated_into`, set at
//! load) is left out whenever that parent, or a department that consolidates the parent, is
//! part of the sum.

use crate::catalog::Catalog;
use crate::error::{ApiError, Result};
use futures::StreamExt;
use sea_orm::{DatabaseConnection, Statement, StreamTrait};
use seed::cofog::{Crosswalk, Rule};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;
use tokio::sync::OnceCell;

impl Catalog {
    /// The served lines of `scheme` in `year`: from the cache, or one statement.
    pub(crate) async fn slice(
        &self,
        db: &DatabaseConnection,
        scheme: &'static str,
        year: i32,
    ) -> Result<Arc<Slice>> {
        let cell = self
            .slices
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get_or_insert((scheme, year), || Arc::new(OnceCell::new()))
            .clone();
        let mut read = false;
        let slice = cell
            .get_or_try_init(|| {
                read = true;
                Slice::load(db, self, scheme, year)
            })
            .await?
            .clone();
        if !read {
            return Ok(slice);
        }
        // A slice was read: keep the cache within its budget, least recently used first.
        let mut slices = self.slices.lock().unwrap_or_else(|e| e.into_inner());
        let mut used: usize = slices
            .iter()
            .filter_map(|(_, s)| s.get().map(|s| s.bytes()))
            .sum();
        while used > self.slice_budget && slices.len() > 1 {
            match slices.pop_lru() {
                Some((_, s)) => used -= s.get().map_or(0, |s| s.bytes()),
                None => break,
            }
        }
        Ok(slice)
    }
}

/// A dimension cells can be grouped by.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[graphql(name = "AggregateDimension")]
pub enum Dimension {
    /// The fiscal year.
    Year,
    /// The department (as budgeted: a unit consolidated into its parent's budget is part of
    /// the parent's cells, not a cell of its own, whenever the parent is summed).
    Department,
    /// The classification node at `level` of `scheme` that the line falls under.
    Node,
    /// The COFOG function (division or group, see `cofogLevel`) the line is placed in, by the
    /// crosswalk in `seed/data/cofog/` (only for the `FUNCTIONAL` scheme).
    Cofog,
    /// The crosswalk rule that placed the line in its COFOG function.
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
    pub cofog: Option<Arc<str>>,
    pub rule: Option<CofogRule>,
}

/// How the crosswalk placed an amount in a COFOG function.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CofogRule {
    /// By its 类 (the 类 maps to one function as a whole).
    Class,
    /// By its 款 or 项, which the crosswalk maps apart from its 类 (e.g. 网信事务, 基础研究).
    Subclass,
    /// By the function of the unit that pays it: the line pays for the unit's own staff
    /// (pension contributions 20805, staff medical insurance 21011, housing provident fund and
    /// subsidies 22102, staff training 20508), which COFOG classifies with the unit's function.
    /// The unit's function is the COFOG of its largest functional 款 that is not such a line,
    /// in that year.
    UnitFunction,
    /// No crosswalk row covers the code: the amount has no COFOG function (`cofog` is null).
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

/// One department-year of a slice: who it is and where its lines are.
struct Unit {
    department: i32,
    consolidated_into: Option<i32>,
    unit_cofog: Option<Arc<str>>,
    lines: std::ops::Range<u32>,
}

/// One served line: its node (dense index), which measures it states, and their amounts.
struct Line {
    node: u32,
    stated: u8,
    amounts: [i64; 4],
}

/// The served lines of one (scheme, year), grouped by department-year.
pub struct Slice {
    units: Vec<Unit>,
    lines: Vec<Line>,
}

impl Slice {
    fn bytes(&self) -> usize {
        self.units.len() * std::mem::size_of::<Unit>()
            + self.lines.len() * std::mem::size_of::<Line>()
    }

    async fn load(
        db: &DatabaseConnection,
        catalog: &Catalog,
        scheme: &'static str,
        year: i32,
    ) -> Result<Arc<Slice>> {
        // `scheme` is one of our own constants and `year` an integer: nothing a client typed.
        let sql = format!(
            "SELECT dy.id, bl.department_id, dy.consolidated_into, dy.unit_cofog, bl.node_id, \
                    bl.total, bl.basic, bl.project, bl.procurement \
             FROM budget_line bl \
             JOIN department_year dy ON dy.department_id = bl.department_id AND dy.year = bl.year \
             WHERE bl.is_primary AND bl.scheme = '{scheme}' AND bl.year = {year} AND bl.node_id IS NOT NULL \
             ORDER BY dy.id, bl.node_id"
        );
        // Streamed: rows are packed as they arrive, never all held as rows at once.
        let mut rows = db
            .stream_raw(Statement::from_string(db.get_database_backend(), sql))
            .await?;
        let mut slice = Slice {
            units: Vec::new(),
            lines: Vec::new(),
        };
        let mut names: HashMap<String, Arc<str>> = HashMap::new();
        let mut current = None;
        while let Some(row) = rows.next().await {
            let row = row?;
            let dy: i32 = row.try_get_by_index(0)?;
            let Some(&node) = catalog.node_index.get(&row.try_get_by_index::<i32>(4)?) else {
                continue;
            };
            if current != Some(dy) {
                current = Some(dy);
                let unit_cofog = row
                    .try_get_by_index::<Option<String>>(3)?
                    .map(|c| names.entry(c.clone()).or_insert_with(|| c.into()).clone());
                let at = slice.lines.len() as u32;
                slice.units.push(Unit {
                    department: row.try_get_by_index(1)?,
                    consolidated_into: row.try_get_by_index(2)?,
                    unit_cofog,
                    lines: at..at,
                });
            }
            let mut line = Line {
                node,
                stated: 0,
                amounts: [0; 4],
            };
            for m in 0..4 {
                if let Some(v) = row.try_get_by_index::<Option<i64>>(5 + m)? {
                    line.stated |= 1 << m;
                    line.amounts[m] = v;
                }
            }
            slice.lines.push(line);
            if let Some(unit) = slice.units.last_mut() {
                unit.lines.end = slice.lines.len() as u32;
            }
        }
        // The stream holds its connection until dropped (a pool of one would wait forever).
        drop(rows);
        slice.lines.shrink_to_fit();
        slice.units.shrink_to_fit();
        // The lines are of the catalogue's version only if no load committed since it was
        // read (a load raises the version in the transaction that writes its lines). If one
        // did, this version's lines are gone: the request is refused as unavailable (retry),
        // and the data-version watcher moves the server to the new version within its poll.
        let now = entity::dataset::data_version(db).await?;
        if now > catalog.version {
            tracing::warn!(
                version = catalog.version,
                now,
                "a load committed while an aggregate read its lines: refused, retry"
            );
            return Err(crate::error::ApiError::Unavailable(Arc::new(
                sea_orm::DbErr::Custom(format!(
                    "data version {now} committed while reading version {}",
                    catalog.version
                )),
            )));
        }
        Ok(Arc::new(slice))
    }
}

/// Where the lines of one node go: the `NODE` group, and the COFOG function (fixed, or the
/// paying unit's) with the rule that placed it.
#[derive(Clone)]
struct Mapping {
    group: i32,
    cofog: Cofog,
    rule: CofogRule,
}

#[derive(Clone)]
enum Cofog {
    Fixed(Option<Arc<str>>),
    /// The unit's function (`department_year.unit_cofog`), at the requested level.
    OfUnit,
}

/// The mapping of every node the aggregate sums (by dense index; `None` = not summed).
fn plan(catalog: &Catalog, spec: &Spec) -> Vec<Option<Mapping>> {
    let mut roots: Vec<i32> = match &spec.codes {
        None => catalog
            .nodes
            .values()
            .filter(|n| n.scheme.as_str() == spec.scheme && n.parent_id.is_none())
            .map(|n| n.id)
            .collect(),
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
    let mut names: HashMap<String, Arc<str>> = HashMap::new();
    let mut plan = vec![None; catalog.node_ids.len()];
    for root in roots {
        let mut under = Vec::new();
        catalog.subtree(root, &mut under);
        let root_level = catalog.node(root).map_or(1, |n| n.level);
        let measured: Vec<i32> = if by_cofog {
            let mut cover = Vec::new();
            cofog_cover(catalog, crosswalk, spec, root, &mut cover);
            cover
        } else if root_level >= spec.level {
            vec![root]
        } else {
            // The nodes at the level, and the leaves above it (a 款 printed without 项 keeps
            // its money in a `level: 3` aggregate).
            under
                .into_iter()
                .filter(|id| {
                    catalog.node(*id).is_some_and(|n| {
                        n.level == spec.level
                            || (n.level < spec.level && !catalog.children.contains_key(id))
                    })
                })
                .collect()
        };
        for id in measured {
            let (Some(node), Some(&index)) = (catalog.node(id), catalog.node_index.get(&id)) else {
                continue;
            };
            let mapping = (spec.scheme == entity::Scheme::Functional.as_str())
                .then(|| crosswalk.resolve(&node.code))
                .flatten();
            let cofog = match mapping {
                Some(m) if m.rule == Rule::UnitFunction => Cofog::OfUnit,
                Some(m) => Cofog::Fixed(m.cofog.as_deref().map(|c| {
                    let c = crosswalk.at_level(c, spec.cofog_level);
                    names
                        .entry(c.to_owned())
                        .or_insert_with(|| c.into())
                        .clone()
                })),
                None => Cofog::Fixed(None),
            };
            plan[index as usize] = Some(Mapping {
                group: catalog.ancestor_at(id, spec.level),
                cofog,
                rule: CofogRule::of(mapping.map(|m| m.rule)),
            });
        }
    }
    plan
}

/// Where the crosswalk places one node, as far as a cell can tell: the paying unit's function,
/// or a fixed COFOG function at the requested level (none where unmapped), and the rule when
/// cells are grouped by it.
#[derive(PartialEq)]
struct Place {
    of_unit: bool,
    function: Option<String>,
    rule: Option<Rule>,
}

fn cofog_place(crosswalk: &Crosswalk, spec: &Spec, code: &str) -> Place {
    let mapping = crosswalk.resolve(code);
    let of_unit = mapping.is_some_and(|m| m.rule == Rule::UnitFunction);
    Place {
        of_unit,
        function: mapping
            .filter(|_| !of_unit)
            .and_then(|m| m.cofog.as_deref())
            .map(|c| crosswalk.at_level(c, spec.cofog_level).to_owned()),
        rule: mapping
            .map(|m| m.rule)
            .filter(|_| spec.group_by.contains(&Dimension::CofogRule)),
    }
}

/// The nodes whose lines a COFOG aggregate sums under `id`: a subtree the crosswalk places
/// whole in one function is summed at its top, so its printed figure is kept (住房改革支出
/// prints 335 over 144 + 190); a subtree that splits is summed through its children. Returns
/// the place of the whole subtree when it is one.
fn cofog_cover(
    catalog: &Catalog,
    crosswalk: &Crosswalk,
    spec: &Spec,
    id: i32,
    out: &mut Vec<i32>,
) -> Option<Place> {
    let node = catalog.node(id)?;
    let own = cofog_place(crosswalk, spec, &node.code);
    let start = out.len();
    let mut whole = true;
    for &child in catalog.children.get(&id).into_iter().flatten() {
        if cofog_cover(catalog, crosswalk, spec, child, out).as_ref() != Some(&own) {
            whole = false;
        }
    }
    if whole {
        out.truncate(start);
        out.push(id);
        Some(own)
    } else {
        None
    }
}

/// Sums of one cell while it is built.
#[derive(Default)]
struct Acc {
    count: i64,
    sums: [i128; 4],
    any: [bool; 4],
    stated: [i64; 4],
}

impl Acc {
    fn add(&mut self, line: &Line) {
        for m in 0..4 {
            if line.stated & (1 << m) != 0 {
                self.sums[m] += i128::from(line.amounts[m]);
                self.any[m] = true;
            }
        }
    }

    /// One more department-year, stating the measures in `stated`.
    fn count(&mut self, stated: u8) {
        self.count += 1;
        for m in 0..4 {
            if stated & (1 << m) != 0 {
                self.stated[m] += 1;
            }
        }
    }

    fn finish(&self) -> Result<Sums> {
        let measure = |m: usize| -> Result<Measure> {
            let sum = if self.any[m] {
                Some(i64::try_from(self.sums[m]).map_err(|_| {
                    ApiError::BadUserInput("the sum is too large to represent".into())
                })?)
            } else {
                None
            };
            Ok(Measure {
                sum,
                stated: self.stated[m],
            })
        };
        Ok(Sums {
            count: self.count,
            amount: measure(0)?,
            basic: measure(1)?,
            project: measure(2)?,
            procurement: measure(3)?,
        })
    }
}

/// Most cells an aggregate may have (memory per request stays bounded: a cell is ~200 bytes).
pub const MAX_CELLS: usize = 25_000;

/// Aggregates computed at once. Summing is CPU-bound, so more would not finish sooner; and each
/// holds up to [`MAX_CELLS`] cells while it runs, so this bounds their memory.
static COMPUTING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// Computes an aggregate from the slices of its years (a statement for each slice not yet in
/// memory). More than [`MAX_CELLS`] cells is `BAD_USER_INPUT`.
pub async fn compute(db: &DatabaseConnection, catalog: &Catalog, spec: &Spec) -> Result<Outcome> {
    let _permit = COMPUTING.acquire().await;
    let plan = plan(catalog, spec);
    let departments: Option<HashSet<i32>> = spec.departments.as_ref().map(|codes| {
        codes
            .iter()
            .filter_map(|c| catalog.department_id(c))
            .collect()
    });
    let years: Vec<i32> = match &spec.years {
        None => catalog.years.clone(),
        Some(years) => {
            let mut years: Vec<i32> = years
                .iter()
                .copied()
                .filter(|y| catalog.years.binary_search(y).is_ok())
                .collect();
            years.sort_unstable();
            years.dedup();
            years
        }
    };
    // Which dimensions key the cells: looked up once, not once a line.
    let [by_year, by_department, by_node, by_cofog, by_rule] = [
        Dimension::Year,
        Dimension::Department,
        Dimension::Node,
        Dimension::Cofog,
        Dimension::CofogRule,
    ]
    .map(|d| spec.group_by.contains(&d));
    let unit_level = |c: &Arc<str>| -> Arc<str> {
        if spec.cofog_level == 1 && c.len() > 2 {
            c[..2].into()
        } else {
            c.clone()
        }
    };
    let mut index: HashMap<Key, usize> = HashMap::new();
    let mut cells: Vec<(Key, Acc)> = Vec::new();
    let mut total = Acc::default();
    let mut touched: Vec<(usize, u8)> = Vec::new();
    for year in years {
        let slice = catalog.slice(db, spec.scheme, year).await?;
        for unit in &slice.units {
            let included = match &departments {
                None => unit.consolidated_into.is_none(),
                Some(set) => {
                    set.contains(&unit.department)
                        && !catalog.consolidated_in(unit.department, year, set)
                }
            };
            if !included {
                continue;
            }
            touched.clear();
            let mut any = false;
            let mut unit_stated = 0u8;
            for line in &slice.lines[unit.lines.start as usize..unit.lines.end as usize] {
                let Some(m) = &plan[line.node as usize] else {
                    continue;
                };
                let cofog = match &m.cofog {
                    _ if !by_cofog => None,
                    Cofog::Fixed(c) => c.clone(),
                    Cofog::OfUnit => unit.unit_cofog.as_ref().map(unit_level),
                };
                let key = Key {
                    year: by_year.then_some(year),
                    department: by_department.then_some(unit.department),
                    node: by_node.then_some(m.group),
                    cofog,
                    rule: by_rule.then_some(m.rule),
                };
                let at = match index.get(&key) {
                    Some(&at) => at,
                    None => {
                        if cells.len() == MAX_CELLS {
                            return Err(ApiError::BadUserInput(format!(
                                "the aggregate has more than {MAX_CELLS} cells; narrow the filter or group by fewer dimensions"
                            )));
                        }
                        index.insert(key.clone(), cells.len());
                        cells.push((key, Acc::default()));
                        cells.len() - 1
                    }
                };
                cells[at].1.add(line);
                total.add(line);
                any = true;
                unit_stated |= line.stated;
                match touched.iter_mut().find(|(i, _)| *i == at) {
                    Some(t) => t.1 |= line.stated,
                    None => touched.push((at, line.stated)),
                }
            }
            for &(at, stated) in &touched {
                cells[at].1.count(stated);
            }
            if any {
                total.count(unit_stated);
            }
        }
    }
    let mut outcome = Outcome {
        total: total.finish()?,
        cells: cells
            .into_iter()
            .map(|(key, acc)| Ok((key, acc.finish()?)))
            .collect::<Result<Vec<_>>>()?,
    };
    outcome.cells.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::consolidated_in;

    #[test]
    fn consolidation_is_followed_through_every_level() {
        // 3 is inside 2's budget, 2 inside 1's, in 2023; in 2022 only 3 inside 2.
        let chain = HashMap::from([((3, 2023), 2), ((2, 2023), 1), ((3, 2022), 2)]);
        let set = |ids: &[i32]| ids.iter().copied().collect::<HashSet<i32>>();
        assert!(consolidated_in(&chain, 3, 2023, &set(&[1, 3])));
        assert!(consolidated_in(&chain, 3, 2023, &set(&[2, 3])));
        assert!(!consolidated_in(&chain, 3, 2023, &set(&[3])));
        assert!(!consolidated_in(&chain, 3, 2022, &set(&[1, 3])));
        assert!(!consolidated_in(&chain, 1, 2023, &set(&[1, 2, 3])));
        // A cycle in bad data ends.
        let cycle = HashMap::from([((1, 2023), 2), ((2, 2023), 1)]);
        assert!(!consolidated_in(&cycle, 1, 2023, &set(&[5])));
    }
}
