//! `search`: one query across departments, projects and their sub-items, classification nodes,
//! indicators, goals, tasks, statements, duties and glossary terms (the engine is
//! [`crate::search`]; the objects come from the catalogue and the request's loader).

use super::classification::ClassificationNode;
use super::department::Department;
use super::projects::Project;
use super::reference::{GlossaryTerm, Node};
use super::relay::{MAX_PAGE, Window};
use super::rows::{RowRef, row};
use crate::error::{ApiError, Result};
use crate::loaders::*;
use crate::search::{self as engine, Entry, HitKind, Piece, SnippetField};
use async_graphql::connection::PageInfo;
use async_graphql::{Context, Enum, Object, SimpleObject};
use sea_orm::DatabaseConnection;
use std::sync::Arc;

/// What kind of object a search hit is.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum SearchKind {
    /// A department or unit (`object`: `Department`), by name or code.
    Department,
    /// A department's stated duties for a year (`object`: the `Department`).
    Duties,
    /// A project (`object`: `Project`), by name or key.
    Project,
    /// A sub-item of a project budget named in the text (`object`: `Subproject`).
    Subproject,
    /// A node of the functional, economic or revenue classification (`object`:
    /// `ClassificationNode`), by name or code (`2013799`).
    ClassificationNode,
    /// A performance indicator of 表12 (`object`: `Indicator`), by name or target.
    Indicator,
    /// An annual goal (`object`: `Goal`), by title or text.
    Goal,
    /// A 表12 annual task (`object`: `Task`), by name or content.
    Task,
    /// A statement of the disclosure (`object`: `Statement`).
    Statement,
    /// A glossary term (`object`: `GlossaryTerm`), by term or definition.
    GlossaryTerm,
}

impl From<HitKind> for SearchKind {
    fn from(kind: HitKind) -> Self {
        match kind {
            HitKind::Department => SearchKind::Department,
            HitKind::Duties => SearchKind::Duties,
            HitKind::Project => SearchKind::Project,
            HitKind::Subproject => SearchKind::Subproject,
            HitKind::ClassificationNode => SearchKind::ClassificationNode,
            HitKind::Indicator => SearchKind::Indicator,
            HitKind::Goal => SearchKind::Goal,
            HitKind::Task => SearchKind::Task,
            HitKind::Statement => SearchKind::Statement,
            HitKind::GlossaryTerm => SearchKind::GlossaryTerm,
        }
    }
}

impl From<SearchKind> for HitKind {
    fn from(kind: SearchKind) -> Self {
        match kind {
            SearchKind::Department => HitKind::Department,
            SearchKind::Duties => HitKind::Duties,
            SearchKind::Project => HitKind::Project,
            SearchKind::Subproject => HitKind::Subproject,
            SearchKind::ClassificationNode => HitKind::ClassificationNode,
            SearchKind::Indicator => HitKind::Indicator,
            SearchKind::Goal => HitKind::Goal,
            SearchKind::Task => HitKind::Task,
            SearchKind::Statement => HitKind::Statement,
            SearchKind::GlossaryTerm => HitKind::GlossaryTerm,
        }
    }
}

/// Which text of an object a snippet is from.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum SnippetSource {
    /// The Chinese name (or title) as printed.
    Name,
    /// The English name.
    NameEn,
    /// The code or key.
    Code,
    /// The object's other text: a target, definition, goal, task content, statement or duties.
    Text,
}

/// The language of a snippet.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum SnippetLanguage {
    /// Chinese (as printed).
    Zh,
    /// English.
    En,
}

/// A range of characters of a snippet's text: `[start, end)`, counted in Unicode code points
/// from 0 (`Array.from(text).slice(start, end)` in JavaScript).
#[derive(SimpleObject)]
pub struct TextRange {
    /// First character.
    pub start: i32,
    /// One past the last character.
    pub end: i32,
}

/// Text of a hit that matched the query, with the matching ranges (no markup: highlight them
/// as you like).
#[derive(SimpleObject)]
pub struct SearchSnippet {
    /// Which text of the object it is.
    pub field: SnippetSource,
    /// Its language.
    pub language: SnippetLanguage,
    /// The text: whole for names and codes, at most 100 characters around the first match
    /// for longer texts.
    pub text: String,
    /// The matching ranges of `text`, in order, not overlapping.
    pub highlights: Vec<TextRange>,
}

/// One object the query found.
pub struct SearchHit {
    score: f32,
    entry: Entry,
    pieces: Arc<Vec<Piece>>,
}

/// One object the query found.
#[Object]
impl SearchHit {
    /// What kind of object it is.
    async fn kind(&self) -> SearchKind {
        self.entry.kind.into()
    }
    /// Relevance (BM25, higher is better; names weigh more than other text), rounded to 4
    /// places. Comparable between the hits of one query only.
    async fn score(&self) -> f64 {
        (f64::from(self.score) * 10_000.0).round() / 10_000.0
    }
    /// The object's own Chinese name (or title, term, statement) as printed.
    async fn name(&self) -> &str {
        &self.entry.name
    }
    /// The object's own English name; null where the disclosure gives none (indicators,
    /// goals, tasks, statements).
    async fn name_en(&self) -> Option<&str> {
        self.entry.name_en.as_deref()
    }
    /// The fiscal year the object belongs to; null for objects of every year (departments,
    /// projects, classification nodes, glossary terms).
    async fn year(&self) -> Option<i32> {
        (self.entry.year > 0).then_some(self.entry.year)
    }
    /// The department the object belongs to (the department itself for a department); null
    /// for objects of no department.
    async fn department(&self, ctx: &Context<'_>) -> Option<Department> {
        catalog(ctx)
            .departments
            .get(&self.entry.department)
            .cloned()
            .map(Department)
    }
    /// The object itself; every kind is a `Node` (`node(id:)` finds it again).
    async fn object(&self, ctx: &Context<'_>) -> Result<Option<Node>> {
        let e = &self.entry;
        let catalog = catalog(ctx);
        Ok(match e.kind {
            HitKind::Department | HitKind::Duties => catalog
                .departments
                .get(&e.department)
                .cloned()
                .map(|d| Node::Department(Department(d))),
            HitKind::Project => catalog
                .project(e.key)
                .cloned()
                .map(|p| Node::Project(Project(p))),
            HitKind::ClassificationNode => catalog
                .node(e.key)
                .cloned()
                .map(|n| Node::ClassificationNode(ClassificationNode(n))),
            HitKind::GlossaryTerm => catalog
                .glossary
                .get(e.position as usize)
                .cloned()
                .map(|t| Node::GlossaryTerm(GlossaryTerm(t))),
            kind => {
                let target = RowRef {
                    kind,
                    department: e.department,
                    year: e.year,
                    position: e.position,
                    key: e.key,
                };
                row(ctx, target).await?.map(Node::from)
            }
        })
    }
    /// The texts of the object that matched, in the language that matched, with the ranges
    /// to highlight.
    async fn snippets(&self) -> Vec<SearchSnippet> {
        engine::snippets(&self.entry, &self.pieces)
            .into_iter()
            .map(|s| SearchSnippet {
                field: match s.field {
                    SnippetField::Name => SnippetSource::Name,
                    SnippetField::NameEn => SnippetSource::NameEn,
                    SnippetField::Code => SnippetSource::Code,
                    SnippetField::Text => SnippetSource::Text,
                },
                language: match s.field {
                    SnippetField::NameEn => SnippetLanguage::En,
                    SnippetField::Code if s.text.is_ascii() => SnippetLanguage::En,
                    _ => SnippetLanguage::Zh,
                },
                text: s.text,
                highlights: s
                    .ranges
                    .into_iter()
                    .map(|(start, end)| TextRange {
                        start: start as i32,
                        end: end as i32,
                    })
                    .collect(),
            })
            .collect()
    }
}

/// A page of search hits (Relay connection), best first.
#[derive(SimpleObject)]
pub struct SearchConnection {
    /// The hits of this page, each with its cursor.
    pub edges: Vec<SearchEdge>,
    /// Where this page sits in the whole list.
    pub page_info: PageInfo,
    /// Number of objects found (all pages; only the first 10,000 can be paged to).
    pub total_count: u64,
}

/// A hit and its cursor.
#[derive(SimpleObject)]
pub struct SearchEdge {
    /// Opaque cursor for `after`.
    pub cursor: String,
    /// The hit.
    pub node: SearchHit,
}

/// Search.
#[derive(Default)]
pub struct SearchQuery;

/// Search.
#[Object]
impl SearchQuery {
    /// Finds departments, projects and their sub-items, classification nodes (by name or
    /// code), performance indicators, goals, 表12 tasks, statements, duties and glossary terms,
    /// in Chinese or English, best first.
    ///
    /// Chinese is segmented (jieba) and matched by its characters in order, so a prefix or
    /// any part of a name finds it (`视频资` finds `视频资源智慧管理平台`); English words are
    /// stemmed (`platforms` finds `Platform`) and the last one also matches as a prefix;
    /// numbers and codes match whole (`20137`, `12345`). Every word must match; when no object
    /// matches them all, objects matching any are returned. Punctuation is ignored and nothing
    /// in the text is query syntax. A text with no word finds nothing.
    ///
    /// Limits: `text` is at most 200 characters (`BAD_USER_INPUT` beyond), the first 16 words
    /// count; pages hold at most 100 hits; only the first 10,000 hits can be paged to. The
    /// index is built in memory per data version, on the first search after a load.
    #[graphql(complexity = "(first.unwrap_or(20).clamp(0, 100) as usize) * child_complexity + 1")]
    #[allow(clippy::too_many_arguments)] // one per GraphQL argument
    async fn search(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to look for (at most 200 characters).")] text: String,
        #[graphql(desc = "Only hits of these kinds (default: every kind).")] kinds: Option<
            Vec<SearchKind>,
        >,
        #[graphql(
            desc = "Only objects of these fiscal years; objects of every year (departments, projects, classification nodes, glossary terms) are kept."
        )]
        years: Option<Vec<i32>>,
        #[graphql(
            desc = "Only objects of this government (a code from `governments`); objects of no department (classification nodes, glossary terms) are kept. An unknown code finds nothing."
        )]
        government: Option<String>,
        #[graphql(desc = "Page size (at most 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor to start after.")] after: Option<String>,
    ) -> Result<SearchConnection> {
        let chars = text.chars().count();
        if chars > engine::MAX_TEXT_CHARS {
            return Err(ApiError::BadUserInput(format!(
                "`text` is {chars} characters; a search text is at most {} characters",
                engine::MAX_TEXT_CHARS
            )));
        }
        // Validates `first` and `after` as any connection does; the window is set below.
        let asked = Window::new(engine::MAX_WINDOW, first, after, None, None)?;
        let loader = ctx.data_unchecked::<Loaders>();
        let db = ctx.data_unchecked::<DatabaseConnection>();
        let index = engine::index_of(db, loader.catalog()).await?;
        let government =
            government.map(|code| loader.catalog().government_by_code(&code).map(|g| g.id));
        // Nothing is of an unknown government: no kind is asked for, so nothing is found.
        let kinds = match government {
            Some(None) => Some(Vec::new()),
            _ => kinds.map(|k| k.into_iter().map(HitKind::from).collect()),
        };
        let query = engine::SearchQuery {
            text,
            kinds,
            years,
            government: government.flatten(),
        };
        // A few milliseconds of CPU at most: run in place.
        let found = index
            .search(&query, asked.start, asked.end)
            .map_err(|e| engine::internal(format!("search: {e}")))?;
        let pieces = Arc::new(found.pieces);
        let reachable = found.total.min(engine::MAX_WINDOW);
        let window = Window {
            start: asked.start.min(reachable),
            end: asked.end.min(reachable),
            total: reachable,
        };
        debug_assert!(window.end - window.start <= MAX_PAGE);
        Ok(SearchConnection {
            edges: found
                .hits
                .into_iter()
                .enumerate()
                .map(|(i, (score, entry))| SearchEdge {
                    cursor: Window::cursor(window.start + i),
                    node: SearchHit {
                        score,
                        entry: entry.clone(),
                        pieces: pieces.clone(),
                    },
                })
                .collect(),
            page_info: window.page_info(),
            total_count: found.total as u64,
        })
    }
}
