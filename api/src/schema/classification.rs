//! Classification schemes (functional, economic, revenue) and their nodes.

use super::common::object;
use super::department::Department;
use super::relay::{Window, global_id};
use crate::aggregate::CofogRule;
use crate::error::Result;
use crate::loaders::*;
use async_graphql::connection::PageInfo;
use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use entity::{budget_line, classification_node, department};
use sea_orm::sea_query::JoinType;
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, RelationDef,
};
use seed::cofog::Crosswalk;

/// A classification scheme.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum Scheme {
    /// 支出功能分类: what the money is for (类 3 digits → 款 5 → 项 7).
    Functional,
    /// 支出经济分类: what the money is spent on (类 3 digits → 款 5).
    Economic,
    /// Revenue sources (政府预算拨款 → 一般公共预算拨款 → …). The disclosure prints no codes for
    /// these; the dataset assigns them (see seed/data/FORMAT.md).
    Revenue,
}

/// The public schemes are the stored ones but `PROJECT`, which marks 表5 rows, not nodes (so
/// the GraphQL enum is written here rather than derived with `remote`).
impl From<Scheme> for entity::Scheme {
    fn from(scheme: Scheme) -> entity::Scheme {
        match scheme {
            Scheme::Functional => entity::Scheme::Functional,
            Scheme::Economic => entity::Scheme::Economic,
            Scheme::Revenue => entity::Scheme::Revenue,
        }
    }
}

impl Scheme {
    pub fn as_str(self) -> &'static str {
        entity::Scheme::from(self).as_str()
    }

    /// The classification scheme of a stored one; an error for `PROJECT`, which no node has.
    pub fn of(stored: entity::Scheme) -> Result<Scheme> {
        match stored {
            entity::Scheme::Functional => Ok(Scheme::Functional),
            entity::Scheme::Economic => Ok(Scheme::Economic),
            entity::Scheme::Revenue => Ok(Scheme::Revenue),
            entity::Scheme::Project => {
                Err(sea_orm::DbErr::Type("a classification node of scheme PROJECT".into()).into())
            }
        }
    }
}

/// A node of a classification scheme.
#[derive(Clone)]
pub struct ClassificationNode(pub classification_node::Model);

/// A node of a classification scheme.
#[Object]
impl ClassificationNode {
    /// Opaque global id (Relay `Node`).
    pub async fn id(&self) -> ID {
        global_id(
            "ClassificationNode",
            &format!("{}:{}", self.0.scheme.as_str(), self.0.code),
        )
    }
    /// The scheme.
    async fn scheme(&self) -> Result<Scheme> {
        Scheme::of(self.0.scheme)
    }
    /// Code (`20137`).
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
    /// Depth: 1 = 类, 2 = 款, 3 = 项.
    async fn level(&self) -> i32 {
        self.0.level
    }
    /// The parent node; null for a root.
    async fn parent(&self, ctx: &Context<'_>) -> Result<Option<ClassificationNode>> {
        Ok(one::<NodeById>(ctx, self.0.parent_id)
            .await?
            .map(ClassificationNode))
    }
    /// Child nodes, by code.
    async fn children(&self, ctx: &Context<'_>) -> Result<Vec<ClassificationNode>> {
        each::<ChildrenOf, _>(ctx, self.0.id, ClassificationNode).await
    }
    /// Where the COFOG crosswalk places this node's amounts (functional scheme only; null for
    /// other schemes). See `aggregate(groupBy: [COFOG])`.
    async fn cofog(&self) -> Option<CofogMapping> {
        if self.0.scheme != entity::Scheme::Functional {
            return None;
        }
        let crosswalk = seed::cofog::Crosswalk::bundled();
        Some(match crosswalk.resolve(&self.0.code) {
            Some(m) => CofogMapping {
                function: m.cofog.as_deref().and_then(CofogFunction::of),
                rule: CofogRule::of(Some(m.rule)),
                matched_code: Some(m.code.clone()),
                note: Some(m.note.clone()).filter(|n| !n.is_empty()),
            },
            None => CofogMapping {
                function: None,
                rule: CofogRule::Unmapped,
                matched_code: None,
                note: None,
            },
        })
    }
    /// Ancestors from the root down to the parent.
    async fn ancestors(&self, ctx: &Context<'_>) -> Result<Vec<ClassificationNode>> {
        let loader = ctx.data_unchecked::<Loaders>();
        let mut chain = Vec::new();
        let mut next = self.0.parent_id;
        // Depth is bounded by the scheme (three levels), so this is at most a few batched loads.
        while let Some(id) = next {
            let Some(node) = loader.load_one(One::<NodeById>::new(id)).await? else {
                break;
            };
            next = node.parent_id;
            chain.push(ClassificationNode(node));
        }
        chain.reverse();
        Ok(chain)
    }
    /// The node's amounts across departments and years: one point per department-year, ordered
    /// by department code then year, ready to plot; a Relay connection (at most 100 points a
    /// page), as the list grows with the data. For sums across departments, see `aggregate`.
    /// Each call reads every department-year of the node to count and order them, so it costs
    /// 100 complexity points beside its page.
    #[graphql(
        complexity = "(first.or(last).unwrap_or(20).clamp(0, 100) as usize) * child_complexity + 100"
    )]
    async fn amounts(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only this department (code).")] department: Option<String>,
        #[graphql(desc = "Page size from the start (at most 100).")] first: Option<i32>,
        #[graphql(desc = "Cursor to start after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Cursor to end before.")] before: Option<String>,
    ) -> Result<NodeAmountConnection> {
        let db = ctx.data_unchecked::<DatabaseConnection>();
        let catalog = catalog(ctx);
        let mut query = budget_line::Entity::find()
            .filter(budget_line::Column::NodeId.eq(self.0.id))
            .filter(budget_line::Column::IsPrimary.eq(true));
        if let Some(code) = department {
            // An unknown code matches nothing.
            let id = catalog.department_id(&code).unwrap_or(-1);
            query = query.filter(budget_line::Column::DepartmentId.eq(id));
        }
        let total = query.clone().count(db).await? as usize;
        let window = Window::new(total, first, after, last, before)?;
        let rows = if window.end > window.start {
            let by_department: RelationDef = budget_line::Entity::belongs_to(department::Entity)
                .from(budget_line::Column::DepartmentId)
                .to(department::Column::Id)
                .into();
            query
                .join(JoinType::InnerJoin, by_department)
                .order_by_asc(department::Column::Code)
                .order_by_asc(budget_line::Column::Year)
                .offset(window.start as u64)
                .limit((window.end - window.start) as u64)
                .all(db)
                .await?
        } else {
            Vec::new()
        };
        Ok(NodeAmountConnection {
            edges: rows
                .into_iter()
                .enumerate()
                .filter_map(|(i, line)| {
                    Some(NodeAmountEdge {
                        cursor: Window::cursor(window.start + i),
                        node: NodeAmount {
                            department: catalog.departments.get(&line.department_id)?.clone(),
                            line,
                        },
                    })
                })
                .collect(),
            page_info: window.page_info(),
            total_count: window.total as u64,
        })
    }
}

/// A page of a node's amounts.
#[derive(SimpleObject)]
pub struct NodeAmountConnection {
    /// The points of this page, each with its cursor.
    pub edges: Vec<NodeAmountEdge>,
    /// Where this page sits in the whole list.
    pub page_info: PageInfo,
    /// Number of points in the whole list (all pages).
    pub total_count: u64,
}

/// A point and its cursor.
#[derive(SimpleObject)]
pub struct NodeAmountEdge {
    /// Opaque cursor for `after` / `before`.
    pub cursor: String,
    /// The point.
    pub node: NodeAmount,
}

/// One department-year's amounts for a classification node.
pub struct NodeAmount {
    department: entity::department::Model,
    line: entity::budget_line::Model,
}

object! {
    /// One department-year's amounts for a classification node.
    #[Object]
    impl NodeAmount {
        /// The department.
        async fn department(&self) -> Department {
            Department(self.department.clone())
        }
        /// The fiscal year.
        async fn year(&self) -> i32 {
            self.line.year
        }
        /// Total in `unit`; null if not printed.
        money amount(self.line.total);
        /// Basic expenditure; null if not printed.
        money basic(self.line.basic);
        /// Project expenditure; null if not printed.
        money project(self.line.project);
        /// The table the figure is printed in.
        source(self.line.source_id);
    }
}

/// Where the COFOG crosswalk (`seed/data/cofog/`) places a functional node's amounts.
#[derive(SimpleObject)]
pub struct CofogMapping {
    /// The COFOG function; null for `UNIT_FUNCTION` (it depends on the paying unit: see
    /// `aggregate(groupBy: [COFOG, COFOG_RULE])`) and `UNMAPPED`.
    pub function: Option<CofogFunction>,
    /// The rule that applies.
    pub rule: CofogRule,
    /// The crosswalk row that matched: this code, its 款 or its 类 (the most specific listed).
    pub matched_code: Option<String>,
    /// The crosswalk's note on that row (why, and any ambiguity).
    pub note: Option<String>,
}

/// Classification queries.
#[derive(Default)]
pub struct ClassificationQuery;

/// Classification queries.
#[Object]
impl ClassificationQuery {
    /// Nodes of a scheme: the roots, or every node at `level`.
    async fn classification(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The scheme.")] scheme: Scheme,
        #[graphql(desc = "Only nodes at this depth (1 = 类); default: the roots.")] level: Option<
            i32,
        >,
    ) -> Result<Vec<ClassificationNode>> {
        let db = ctx.data_unchecked::<DatabaseConnection>();
        let rows = classification_node::Entity::find()
            .filter(classification_node::Column::Scheme.eq(scheme.as_str()))
            .filter(classification_node::Column::Level.eq(level.unwrap_or(1)))
            .order_by_asc(classification_node::Column::Code)
            .all(db)
            .await?;
        Ok(rows.into_iter().map(ClassificationNode).collect())
    }

    /// A node by scheme and code; null if there is none.
    async fn classification_node(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The scheme.")] scheme: Scheme,
        #[graphql(desc = "The code, e.g. `2013799`.")] code: String,
    ) -> Result<Option<ClassificationNode>> {
        let key = (scheme.as_str().to_owned(), code);
        Ok(one::<NodeByCode>(ctx, key).await?.map(ClassificationNode))
    }
}

/// A COFOG function: a division (`01`) or a group (`01.3`) of the UN Classification of the
/// Functions of Government (COFOG 1999, as in the IMF GFS Manual 2014).
#[derive(SimpleObject, Clone)]
pub struct CofogFunction {
    /// Code (`01`, `01.3`).
    pub code: String,
    /// 1 = division, 2 = group.
    pub level: i32,
    /// Chinese name.
    pub name: String,
    /// English name as in COFOG.
    pub name_en: String,
    /// The division of a group; null for a division.
    pub parent_code: Option<String>,
}

impl CofogFunction {
    pub fn of(code: &str) -> Option<CofogFunction> {
        let f = Crosswalk::bundled().function(code)?;
        Some(CofogFunction {
            code: f.code.clone(),
            level: f.level,
            name: f.name.clone(),
            name_en: f.name_en.clone(),
            parent_code: f.parent_code.clone(),
        })
    }
}
