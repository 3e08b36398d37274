//! The in-memory ceiling of the benchmark (`bench/run.sh`): how fast the FunctionalTree
//! selection could be answered with no database at all, through the same stack as the API
//! (axum 0.8, async-graphql 7.2, async-graphql-axum, the same type and field names, `Decimal`
//! as a string).
//!
//! `cargo run --release -p api --example ceiling -- DATABASE_URL [PORT]` reads every
//! department, department-year, headline total, classification node and served budget line
//! (`is_primary`) once, assembles each department-year's trees the way the API does
//! (`api/src/schema/lines.rs`), then serves `POST /graphql` from those structures and prints
//! `serving ceiling at http://…/graphql`. Only the fields the benchmark's FunctionalTree query
//! selects exist: `department(code) { id code name nameEn budget(year) { id year unit
//! revenueTotal expenditureTotal lines(scheme) { code name nameEn level amount basic project
//! procurement children } } }`. Ids and decimals are rendered per request, as the API does; no
//! limits, cache, metrics or tracing: this is the floor of the stack's own cost.

use async_graphql::{
    Context, EmptyMutation, EmptySubscription, Enum, ID, InputValueError, InputValueResult, Object,
    Scalar, ScalarType, Schema, Value,
};
use async_graphql_axum::GraphQL;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use entity::{budget_line, classification_node, department, department_year, headline};
use futures::TryStreamExt;
use sea_orm::{
    ColumnTrait, Database, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::{HashMap, HashSet};
use std::str::FromStr;
use std::sync::Arc;

/// Amounts absent from the table (null) are stored as this, to keep a line small.
const ABSENT: i64 = i64::MIN;
const SCHEMES: [&str; 3] = ["FUNCTIONAL", "ECONOMIC", "REVENUE"];
const REVENUE_TOTAL: [&str; 2] = ["revenue_total", "revenue_grand_total"];
const EXPENDITURE_TOTAL: [&str; 2] = ["expenditure_total", "expenditure_grand_total"];

/// Everything the schema answers from.
struct Data {
    departments: HashMap<String, Arc<Dept>>,
}

struct Dept {
    code: String,
    name: String,
    name_en: String,
    years: HashMap<i32, Arc<Year>>,
}

struct Year {
    revenue_total: Option<i64>,
    expenditure_total: Option<i64>,
    /// Assembled trees, indexed like `SCHEMES`.
    lines: [Vec<Line>; 3],
}

struct Node {
    id: i32,
    code: String,
    name: String,
    name_en: String,
    level: i32,
    parent_id: Option<i32>,
}

struct Line {
    node: Arc<Node>,
    /// total, basic, project, procurement (`ABSENT` for null).
    amounts: [i64; 4],
    children: Vec<Line>,
}

/// An exact decimal number, sent as a string.
#[derive(Clone, Copy)]
struct Decimal(rust_decimal::Decimal);

/// An exact decimal number, sent as a string.
#[Scalar(name = "Decimal")]
impl ScalarType for Decimal {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(text) => rust_decimal::Decimal::from_str(text)
                .map(Decimal)
                .map_err(InputValueError::custom),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.normalize().to_string())
    }
}

/// The unit in which a money amount is returned.
#[derive(Enum, Copy, Clone, Default, PartialEq, Eq)]
enum MoneyUnit {
    /// 万元 (default).
    #[default]
    WanYuan,
    /// 元.
    Yuan,
}

/// A classification scheme.
#[derive(Enum, Copy, Clone, PartialEq, Eq)]
enum Scheme {
    /// 支出功能分类.
    Functional,
    /// 支出经济分类.
    Economic,
    /// Revenue sources.
    Revenue,
}

fn money(units: Option<i64>, unit: MoneyUnit) -> Option<Decimal> {
    let value = seed::fixed::from_units(units?);
    Some(Decimal(match unit {
        MoneyUnit::WanYuan => value,
        MoneyUnit::Yuan => (value * rust_decimal::Decimal::from(10_000)).normalize(),
    }))
}

fn amount(units: i64) -> Option<i64> {
    (units != ABSENT).then_some(units)
}

fn global_id(type_name: &str, key: &str) -> ID {
    ID(URL_SAFE_NO_PAD.encode(format!("{type_name}:{key}")))
}

struct Query;

#[Object]
impl Query {
    /// A department by code; null if unknown.
    async fn department(&self, ctx: &Context<'_>, code: String) -> Option<Department> {
        let data = ctx.data_unchecked::<Data>();
        data.departments.get(&code).cloned().map(Department)
    }
}

/// A budget department, or a unit that belongs to one.
struct Department(Arc<Dept>);

/// A budget department, or a unit that belongs to one.
#[Object]
impl Department {
    /// Opaque global id.
    async fn id(&self) -> ID {
        global_id("Department", &self.0.code)
    }
    /// Stable code.
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// Chinese name as printed.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// English name.
    async fn name_en(&self) -> &str {
        &self.0.name_en
    }
    /// The budget for one fiscal year; null if the department has no figures for it.
    async fn budget(&self, year: i32) -> Option<Budget> {
        self.0.years.get(&year).map(|y| Budget {
            code: self.0.code.clone(),
            year,
            data: y.clone(),
        })
    }
}

/// A department's budget for one fiscal year.
struct Budget {
    code: String,
    year: i32,
    data: Arc<Year>,
}

/// A department's budget for one fiscal year.
#[Object]
impl Budget {
    /// Opaque global id.
    async fn id(&self) -> ID {
        global_id("Budget", &format!("{}:{}", self.code, self.year))
    }
    /// The fiscal year.
    async fn year(&self) -> i32 {
        self.year
    }
    /// `万元`.
    async fn unit(&self) -> &'static str {
        "万元"
    }
    /// Total budget revenue; null if not stated.
    async fn revenue_total(&self, #[graphql(default)] unit: MoneyUnit) -> Option<Decimal> {
        money(self.data.revenue_total, unit)
    }
    /// Total budget expenditure; null if not stated.
    async fn expenditure_total(&self, #[graphql(default)] unit: MoneyUnit) -> Option<Decimal> {
        money(self.data.expenditure_total, unit)
    }
    /// The lines of a scheme as trees, roots by code.
    async fn lines(&self, scheme: Scheme) -> &[Line] {
        &self.data.lines[scheme as usize]
    }
}

/// A budget line with its sub-lines.
#[Object(name = "BudgetLine")]
impl Line {
    /// Classification code.
    async fn code(&self) -> &str {
        &self.node.code
    }
    /// Chinese name of the classification node.
    async fn name(&self) -> &str {
        &self.node.name
    }
    /// English name of the classification node.
    async fn name_en(&self) -> &str {
        &self.node.name_en
    }
    /// Depth in the classification (1 = 类).
    async fn level(&self) -> i32 {
        self.node.level
    }
    /// Total; null if not printed.
    async fn amount(&self, #[graphql(default)] unit: MoneyUnit) -> Option<Decimal> {
        money(amount(self.amounts[0]), unit)
    }
    /// Basic expenditure; null if not printed.
    async fn basic(&self, #[graphql(default)] unit: MoneyUnit) -> Option<Decimal> {
        money(amount(self.amounts[1]), unit)
    }
    /// Project expenditure; null if not printed.
    async fn project(&self, #[graphql(default)] unit: MoneyUnit) -> Option<Decimal> {
        money(amount(self.amounts[2]), unit)
    }
    /// Government procurement; null if not printed.
    async fn procurement(&self, #[graphql(default)] unit: MoneyUnit) -> Option<Decimal> {
        money(amount(self.amounts[3]), unit)
    }
    /// Sub-lines, by code.
    async fn children(&self) -> &[Line] {
        &self.children
    }
}

/// Assembles one department-year's lines of a scheme as the API does: a node whose parent has
/// no line is a root; siblings by code.
fn assemble(lines: Vec<(Arc<Node>, [i64; 4])>) -> Vec<Line> {
    let present: HashSet<i32> = lines.iter().map(|(n, _)| n.id).collect();
    let mut by_parent: HashMap<Option<i32>, Vec<Line>> = HashMap::new();
    for (node, amounts) in lines {
        let parent = node.parent_id.filter(|p| present.contains(p));
        by_parent.entry(parent).or_default().push(Line {
            node,
            amounts,
            children: Vec::new(),
        });
    }
    fn attach(mut line: Line, by_parent: &mut HashMap<Option<i32>, Vec<Line>>) -> Line {
        let kids = by_parent.remove(&Some(line.node.id)).unwrap_or_default();
        line.children = kids.into_iter().map(|k| attach(k, by_parent)).collect();
        line.children.sort_by(|a, b| a.node.code.cmp(&b.node.code));
        line
    }
    let mut roots: Vec<Line> = by_parent
        .remove(&None)
        .unwrap_or_default()
        .into_iter()
        .map(|r| attach(r, &mut by_parent))
        .collect();
    roots.sort_by(|a, b| a.node.code.cmp(&b.node.code));
    roots
}

/// A headline's key, amount and basis.
type Headline = (String, Option<i64>, String);

/// Picks a total as the API's `figure` does: the first key with a row, a printed row first.
fn total(rows: &[Headline], keys: &[&str]) -> Option<i64> {
    keys.iter()
        .find_map(|key| {
            let mut found: Vec<_> = rows.iter().filter(|r| r.0 == *key).collect();
            found.sort_by_key(|r| r.2 != "PRINTED");
            found.into_iter().next()
        })
        .and_then(|r| r.1)
}

type Lines = HashMap<(i32, i32), [Vec<(Arc<Node>, [i64; 4])>; 3]>;

async fn load(db: &DatabaseConnection) -> Result<Data, sea_orm::DbErr> {
    let nodes: HashMap<i32, Arc<Node>> = classification_node::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|n| {
            let node = Node {
                id: n.id,
                code: n.code,
                name: n.name,
                name_en: n.name_en,
                level: n.level,
                parent_id: n.parent_id,
            };
            (n.id, Arc::new(node))
        })
        .collect();

    // Lines are the bulk (≈ 2.3 M at 2,000 × 10): streamed as tuples, never as whole models.
    let mut lines: Lines = HashMap::new();
    let mut stream = budget_line::Entity::find()
        .select_only()
        .columns([
            budget_line::Column::DepartmentId,
            budget_line::Column::Year,
            budget_line::Column::Scheme,
            budget_line::Column::NodeId,
            budget_line::Column::Total,
            budget_line::Column::Basic,
            budget_line::Column::Project,
            budget_line::Column::Procurement,
        ])
        .filter(budget_line::Column::IsPrimary.eq(true))
        .order_by_asc(budget_line::Column::Id)
        .into_tuple::<(
            i32,
            i32,
            String,
            Option<i32>,
            Option<i64>,
            Option<i64>,
            Option<i64>,
            Option<i64>,
        )>()
        .stream(db)
        .await?;
    while let Some((dept, year, scheme, node, total, basic, project, procurement)) =
        stream.try_next().await?
    {
        let (Some(node), Some(s)) = (
            node.and_then(|id| nodes.get(&id)),
            SCHEMES.iter().position(|s| *s == scheme),
        ) else {
            continue;
        };
        let amounts = [total, basic, project, procurement].map(|a| a.unwrap_or(ABSENT));
        lines.entry((dept, year)).or_default()[s].push((node.clone(), amounts));
    }
    drop(stream);

    let mut headlines: HashMap<(i32, i32), Vec<Headline>> = HashMap::new();
    let keys: Vec<&str> = REVENUE_TOTAL
        .iter()
        .chain(&EXPENDITURE_TOTAL)
        .copied()
        .collect();
    for h in headline::Entity::find()
        .filter(headline::Column::Key.is_in(keys))
        .order_by_asc(headline::Column::Position)
        .order_by_asc(headline::Column::Id)
        .all(db)
        .await?
    {
        headlines
            .entry((h.department_id, h.year))
            .or_default()
            .push((h.key, h.amount, h.basis.as_str().to_owned()));
    }

    let mut years: HashMap<i32, HashMap<i32, Arc<Year>>> = HashMap::new();
    for dy in department_year::Entity::find().all(db).await? {
        let key = (dy.department_id, dy.year);
        let rows = headlines.get(&key).map(Vec::as_slice).unwrap_or_default();
        let [functional, economic, revenue] = lines.remove(&key).unwrap_or_default();
        let year = Year {
            revenue_total: total(rows, &REVENUE_TOTAL),
            expenditure_total: total(rows, &EXPENDITURE_TOTAL),
            lines: [assemble(functional), assemble(economic), assemble(revenue)],
        };
        years
            .entry(dy.department_id)
            .or_default()
            .insert(dy.year, Arc::new(year));
    }

    let departments = department::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|d| {
            let dept = Dept {
                years: years.remove(&d.id).unwrap_or_default(),
                code: d.code.clone(),
                name: d.name,
                name_en: d.name_en,
            };
            (d.code, Arc::new(dept))
        })
        .collect();
    Ok(Data { departments })
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let url = args
        .next()
        .ok_or_else(|| anyhow::anyhow!("usage: ceiling DATABASE_URL [PORT]"))?;
    let port: u16 = args.next().map(|p| p.parse()).transpose()?.unwrap_or(0);

    let started = std::time::Instant::now();
    let db = Database::connect(&url).await?;
    let data = load(&db).await?;
    db.close().await?;
    let years: usize = data.departments.values().map(|d| d.years.len()).sum();
    println!(
        "loaded {} departments, {years} department-years in {:.1} s",
        data.departments.len(),
        started.elapsed().as_secs_f64()
    );

    let schema = Schema::build(Query, EmptyMutation, EmptySubscription)
        .data(data)
        .finish();
    let app = axum::Router::new().route(
        "/graphql",
        axum::routing::post_service(GraphQL::new(schema)),
    );
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    println!(
        "serving ceiling at http://{}/graphql",
        listener.local_addr()?
    );
    axum::serve(listener, app).await?;
    Ok(())
}
