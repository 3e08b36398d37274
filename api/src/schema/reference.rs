//! Fiscal years, the glossary, loaded datasets, and Relay `node(id:)`.

use super::accountability::{Goal, Indicator, Statement, Task};
use super::budget::FiscalYear;
use super::classification::ClassificationNode;
use super::common::object;
use super::department::{Budget, Department};
use super::projects::{Project, Subproject};
use super::relay::{global_id, parse_global_id};
use super::rows::{self, Row};
use crate::error::{ApiError, Result};
use crate::loaders::*;
use async_graphql::{Context, ID, Interface, Object};
use entity::{dataset, glossary_term};

/// A glossary term (名词解释).
pub struct GlossaryTerm(pub glossary_term::Model);

object! {
    /// A glossary term (名词解释).
    #[Object]
    impl GlossaryTerm {
        /// Opaque global id (Relay `Node`).
        pub async fn id(&self, ctx: &Context<'_>) -> ID {
            let catalog = catalog(ctx);
            let dataset = catalog.datasets.iter().find(|d| d.id == self.0.dataset_id);
            let name = dataset.map_or("", |d| d.name.as_str());
            global_id("GlossaryTerm", &format!("{name}:{}", self.0.position))
        }
        /// The term as printed.
        async fn term(&self) -> &str {
            &self.0.term
        }
        /// English term.
        async fn term_en(&self) -> &str {
            &self.0.term_en
        }
        /// Definition as printed.
        async fn definition(&self) -> &str {
            &self.0.definition
        }
        /// Where it is printed.
        source(self.0.source_id);
    }
}

/// A loaded disclosure.
pub struct Dataset(dataset::Model);

/// A loaded disclosure.
#[Object]
impl Dataset {
    /// Dataset name (`pingshan-gsdmb-2023`).
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Title.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// The published document it transcribes.
    async fn document(&self) -> &str {
        &self.0.document
    }
    /// SHA-256 of the data files as loaded.
    async fn content_hash(&self) -> &str {
        &self.0.content_hash
    }
    /// Data version at which it was last written.
    async fn version(&self) -> i64 {
        self.0.version
    }
}

/// An object with a global id (Relay).
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "Opaque global id."))]
pub enum Node {
    Department(Department),
    ClassificationNode(ClassificationNode),
    Project(Project),
    Budget(Budget),
    Subproject(Subproject),
    Indicator(Indicator),
    Goal(Goal),
    Task(Task),
    Statement(Statement),
    GlossaryTerm(GlossaryTerm),
}

impl From<Row> for Node {
    fn from(row: Row) -> Node {
        match row {
            Row::Subproject(r) => Node::Subproject(r),
            Row::Indicator(r) => Node::Indicator(r),
            Row::Goal(r) => Node::Goal(r),
            Row::Task(r) => Node::Task(r),
            Row::Statement(r) => Node::Statement(r),
        }
    }
}

/// Reference queries.
#[derive(Default)]
pub struct ReferenceQuery;

/// Reference queries.
#[Object]
impl ReferenceQuery {
    /// Fiscal years with data, ascending.
    async fn fiscal_years(&self, ctx: &Context<'_>) -> Vec<FiscalYear> {
        catalog(ctx)
            .fiscal_years
            .iter()
            .map(|y| FiscalYear { year: y.year })
            .collect()
    }

    /// Glossary terms (名词解释), in printed order.
    async fn glossary(&self, ctx: &Context<'_>) -> Vec<GlossaryTerm> {
        catalog(ctx)
            .glossary
            .iter()
            .cloned()
            .map(GlossaryTerm)
            .collect()
    }

    /// Loaded disclosures.
    async fn datasets(&self, ctx: &Context<'_>) -> Vec<Dataset> {
        catalog(ctx).datasets.iter().cloned().map(Dataset).collect()
    }

    /// A project by its stable key; null if there is none.
    async fn project(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Project key, e.g. `government-investment`.")] key: String,
    ) -> Option<Project> {
        catalog(ctx).project_by_key(&key).cloned().map(Project)
    }

    /// Any object by its global id; null if it does not exist. A malformed id is `BAD_USER_INPUT`.
    async fn node(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A global id returned by this API.")] id: ID,
    ) -> Result<Option<Node>> {
        let (kind, key) = parse_global_id(&id)
            .ok_or_else(|| ApiError::BadUserInput("`id` is not a global id of this API".into()))?;
        let loader = ctx.data_unchecked::<Loaders>();
        let department = |code: String| async move {
            Ok::<_, ApiError>(loader.load_one(One::<DepartmentByCode>::new(code)).await?)
        };
        Ok(match kind.as_str() {
            "Department" => department(key)
                .await?
                .map(|d| Node::Department(Department(d))),
            "ClassificationNode" => {
                let (scheme, code) = key
                    .split_once(':')
                    .ok_or_else(|| ApiError::BadUserInput("malformed node id".into()))?;
                loader
                    .load_one(One::<NodeByCode>::new((scheme.to_owned(), code.to_owned())))
                    .await?
                    .map(|n| Node::ClassificationNode(ClassificationNode(n)))
            }
            "Project" => loader
                .catalog()
                .project_by_key(&key)
                .map(|p| Node::Project(Project(p.clone()))),
            "Budget" => {
                let (code, year) = key
                    .rsplit_once(':')
                    .ok_or_else(|| ApiError::BadUserInput("malformed budget id".into()))?;
                let year: i32 = year
                    .parse()
                    .map_err(|_| ApiError::BadUserInput("malformed budget id".into()))?;
                match department(code.to_owned()).await? {
                    Some(d) => {
                        loader
                            .catalog()
                            .years_of(d.id)
                            .contains(&year)
                            .then_some(Node::Budget(Budget {
                                department: d,
                                year,
                            }))
                    }
                    None => None,
                }
            }
            "GlossaryTerm" => {
                let (dataset, position) = key
                    .rsplit_once(':')
                    .ok_or_else(|| ApiError::BadUserInput("malformed glossary id".into()))?;
                let position: i32 = position
                    .parse()
                    .map_err(|_| ApiError::BadUserInput("malformed glossary id".into()))?;
                let catalog = loader.catalog();
                let dataset = catalog.datasets.iter().find(|d| d.name == dataset);
                dataset.and_then(|d| {
                    let term = catalog
                        .glossary
                        .iter()
                        .find(|t| t.dataset_id == d.id && t.position == position)?;
                    Some(Node::GlossaryTerm(GlossaryTerm(term.clone())))
                })
            }
            other => match rows::kind_of(other) {
                Some(row_kind) => match rows::parse(loader.catalog(), row_kind, &key)? {
                    Some(r) => rows::row(ctx, r).await?.map(Node::from),
                    None => None,
                },
                None => {
                    return Err(ApiError::BadUserInput(format!(
                        "unknown object type `{kind}` in id"
                    )));
                }
            },
        })
    }
}
