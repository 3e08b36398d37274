//! Full-text search over the reference and narrative data of one data version.
//!
//! What can be found (a [`HitKind`] each): departments and units (their names, and their stated
//! duties), projects, projects' sub-items, classification nodes (names and codes), performance
//! indicators (name and target), annual goals, 表12 tasks, statements (notes), and glossary
//! terms. Each object is one document of an in-memory [tantivy] index, built once per data
//! version (on the first search after a load, like the catalogue) and dropped with it.
//!
//! Analysis is ours, and the same for documents and queries, so that user text never reaches
//! a query parser:
//! - Chinese runs are indexed twice: as words (jieba-rs's search segmentation, with its
//!   embedded dictionary), which rank, and as character unigrams and bigrams, which match: every
//!   bigram of a Chinese run of the query must occur in the field, so a query matches wherever
//!   its characters occur in order, whatever the segmentation (`视频资` finds
//!   `视频资源智慧管理平台`).
//! - English words are lowercased and stemmed (Snowball English): `platforms` finds
//!   `Platform`; the query's last word also matches as a prefix (`manag` finds `Management`).
//! - Numbers and codes match exactly, as whole tokens (`20137` finds the node 20137, not 2013701).
//!
//! Every word of the query must match (in any of the object's texts); when no object matches
//! them all, objects matching any of them are returned, ranked by BM25 (names weigh more than
//! other text). The object's texts are kept beside the index (not in it), for the highlights.

use jieba_rs::Jieba;
use std::collections::HashSet;
use std::sync::OnceLock;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, RegexQuery, TermQuery};
use tantivy::schema::{
    Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{Language, RawTokenizer, Stemmer, TextAnalyzer};
use tantivy::{Index, IndexReader, TantivyDocument, Term};

/// Longest query text, in characters.
pub const MAX_TEXT_CHARS: usize = 200;
/// Deepest hit a page may reach (`after` + `first`): past it, narrow the query.
pub const MAX_WINDOW: usize = 10_000;
/// Words of a query that are used (the rest is ignored).
const MAX_PIECES: usize = 16;

/// What kind of object a hit is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HitKind {
    Department,
    Duties,
    Project,
    Subproject,
    ClassificationNode,
    Indicator,
    Goal,
    Task,
    Statement,
    GlossaryTerm,
}

impl HitKind {
    pub const ALL: [HitKind; 10] = [
        HitKind::Department,
        HitKind::Duties,
        HitKind::Project,
        HitKind::Subproject,
        HitKind::ClassificationNode,
        HitKind::Indicator,
        HitKind::Goal,
        HitKind::Task,
        HitKind::Statement,
        HitKind::GlossaryTerm,
    ];

    fn code(self) -> u64 {
        HitKind::ALL.iter().position(|k| *k == self).unwrap_or(0) as u64
    }
}

/// One searchable object: what it is, where it is, and its texts.
#[derive(Clone, Debug)]
pub struct Entry {
    pub kind: HitKind,
    /// The department (id) it belongs to, or its own id for a department; 0 for none.
    pub department: i32,
    /// The fiscal year it belongs to; 0 for objects of no year.
    pub year: i32,
    /// The government (id) of its department; 0 for objects of no department.
    pub government: i32,
    /// Its printed position (indicators, goals, tasks, statements, sub-items) or index
    /// (glossary terms: in the catalogue's list).
    pub position: i32,
    /// Node id, project id (projects and sub-items) or goal kind (0 work, 1 performance).
    pub key: i32,
    /// Chinese name (or title) as printed.
    pub name: Box<str>,
    /// English name, where there is one.
    pub name_en: Option<Box<str>>,
    /// Other text: a target, a definition, a goal, a task's content, a statement, duties.
    pub text: Option<Box<str>>,
    /// A code that matches exactly (classification code, department code, project key).
    pub code: Option<Box<str>>,
}

impl Entry {
    fn heap_bytes(&self) -> usize {
        self.name.len()
            + self.name_en.as_ref().map_or(0, |t| t.len())
            + self.text.as_ref().map_or(0, |t| t.len())
            + self.code.as_ref().map_or(0, |t| t.len())
    }
}

/// Which text of an object a highlight is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SnippetField {
    Name,
    NameEn,
    Text,
    Code,
}

/// A piece of an object's text with the ranges that matched, in characters (Unicode scalar
/// values) from the start of `text`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snippet {
    pub field: SnippetField,
    pub text: String,
    pub ranges: Vec<(usize, usize)>,
}

/// A query: the text, and optional filters.
#[derive(Clone, Debug, Default)]
pub struct SearchQuery {
    pub text: String,
    pub kinds: Option<Vec<HitKind>>,
    pub years: Option<Vec<i32>>,
    /// Only objects of this government (id), and those of none.
    pub government: Option<i32>,
}

/// The hits of `[start, end)` of a query, with the total.
pub struct Found<'a> {
    pub total: usize,
    pub hits: Vec<(f32, &'a Entry)>,
    /// The query's words, to highlight.
    pub pieces: Vec<Piece>,
}

/// The index of one data version and the objects it finds.
pub struct SearchIndex {
    reader: IndexReader,
    fields: Fields,
    entries: Vec<Entry>,
    /// Bytes the index's segments take.
    index_bytes: usize,
}

#[derive(Clone, Copy)]
struct Fields {
    /// Chinese names as words (jieba), ASCII words lowercased.
    zh: Field,
    /// Chinese names as character unigrams and bigrams, ASCII words lowercased.
    gram: Field,
    /// English names, stemmed.
    en: Field,
    /// English names, lowercased, for prefixes.
    enraw: Field,
    /// Other text as words.
    zht: Field,
    /// Other text as unigrams and bigrams.
    gramt: Field,
    /// Codes, lowercased, whole.
    code: Field,
    /// The name's beginnings (its words run together, lowercased: up to [`HEAD_CHARS`]
    /// characters) and the whole name: what a name starting with the query, or equal to it,
    /// is found by first.
    head: Field,
    kind: Field,
    year: Field,
    government: Field,
    entry: Field,
}

/// The segmenter, built once (its dictionary is compiled in; building takes about 0.4 s).
fn jieba() -> &'static Jieba {
    static JIEBA: OnceLock<Jieba> = OnceLock::new();
    JIEBA.get_or_init(Jieba::new)
}

fn stemmer() -> TextAnalyzer {
    TextAnalyzer::builder(RawTokenizer::default())
        .filter(Stemmer::new(Language::English))
        .build()
}

/// A word of a query or a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece {
    /// A run of Chinese (CJK) characters.
    Cjk(String),
    /// A word of letters (and perhaps digits), lowercased.
    Word(String),
    /// A run of ASCII digits.
    Number(String),
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F | 0x3040..=0x30FF)
}

/// Full-width ASCII (`１２３４５`, `ＡＰ`) as ASCII.
fn narrow(c: char) -> char {
    match c as u32 {
        0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// Splits a text into Chinese runs, words and numbers; everything else separates them.
pub fn pieces(text: &str) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut cjk = false;
    let flush = |current: &mut String, cjk: bool, out: &mut Vec<Piece>| {
        if current.is_empty() {
            return;
        }
        let text = std::mem::take(current);
        out.push(if cjk {
            Piece::Cjk(text)
        } else if text.chars().all(|c| c.is_ascii_digit()) {
            Piece::Number(text)
        } else {
            Piece::Word(text)
        });
    };
    for c in text.chars().map(narrow) {
        if is_cjk(c) {
            if !cjk {
                flush(&mut current, cjk, &mut out);
                cjk = true;
            }
            current.push(c);
        } else if c.is_alphanumeric() {
            if cjk {
                flush(&mut current, cjk, &mut out);
                cjk = false;
            }
            current.extend(c.to_lowercase());
        } else {
            flush(&mut current, cjk, &mut out);
        }
    }
    flush(&mut current, cjk, &mut out);
    out
}

/// The character unigrams and bigrams of a Chinese run (the bigrams only, for a query).
fn grams(run: &str, unigrams: bool, out: &mut Vec<String>) {
    let chars: Vec<char> = run.chars().collect();
    if unigrams || chars.len() == 1 {
        out.extend(chars.iter().map(|c| c.to_string()));
    }
    out.extend(chars.windows(2).map(|w| w.iter().collect::<String>()));
}

fn words(run: &str) -> impl Iterator<Item = &str> {
    jieba()
        .cut_for_search(run, false)
        .into_iter()
        .map(|t| t.word)
}

fn stem(analyzer: &mut TextAnalyzer, word: &str) -> String {
    let mut stream = analyzer.token_stream(word);
    let mut out = word.to_owned();
    if stream.advance() {
        out = stream.token().text.clone();
    }
    out
}

/// The tokens of a Chinese text for the word field and the gram field, space-separated.
fn chinese_tokens(text: &str) -> (String, String) {
    let (mut zh, mut gram) = (Vec::new(), Vec::new());
    for piece in pieces(text) {
        match piece {
            Piece::Cjk(run) => {
                zh.extend(words(&run).map(str::to_owned));
                grams(&run, true, &mut gram);
            }
            Piece::Word(w) | Piece::Number(w) => {
                zh.push(w.clone());
                gram.push(w);
            }
        }
    }
    (zh.join(" "), gram.join(" "))
}

/// Longest beginning of a name indexed for "starts with".
const HEAD_CHARS: usize = 12;

/// A text's words run together, lowercased (`2022 年视频` → `2022年视频`).
fn joined(pieces: &[Piece]) -> String {
    pieces
        .iter()
        .map(|p| match p {
            Piece::Cjk(t) | Piece::Word(t) | Piece::Number(t) => t.as_str(),
        })
        .collect()
}

/// The beginnings of a name and the whole name, space-separated.
fn head_tokens(text: &str) -> String {
    let whole = joined(&pieces(text));
    let chars: Vec<char> = whole.chars().collect();
    let mut out: Vec<String> = (1..=chars.len().min(HEAD_CHARS))
        .map(|n| chars[..n].iter().collect())
        .collect();
    if chars.len() > HEAD_CHARS {
        out.push(whole);
    }
    out.join(" ")
}

/// The tokens of an English text: stemmed and lowercased, space-separated.
fn english_tokens(analyzer: &mut TextAnalyzer, text: &str) -> (String, String) {
    let (mut en, mut raw) = (Vec::new(), Vec::new());
    for piece in pieces(text) {
        if let Piece::Word(w) | Piece::Number(w) = piece {
            en.push(stem(analyzer, &w));
            raw.push(w);
        }
    }
    (en.join(" "), raw.join(" "))
}

fn schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let text = |record| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer("whitespace")
                .set_index_option(record),
        )
    };
    let freqs = text(IndexRecordOption::WithFreqs);
    let fields = Fields {
        zh: builder.add_text_field("zh", freqs.clone()),
        gram: builder.add_text_field("gram", freqs.clone()),
        en: builder.add_text_field("en", freqs.clone()),
        enraw: builder.add_text_field("enraw", text(IndexRecordOption::Basic)),
        zht: builder.add_text_field("zht", freqs.clone()),
        gramt: builder.add_text_field("gramt", freqs),
        code: builder.add_text_field(
            "code",
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer("raw")
                    .set_index_option(IndexRecordOption::Basic),
            ),
        ),
        head: builder.add_text_field(
            "head",
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer("whitespace")
                    .set_index_option(IndexRecordOption::Basic),
            ),
        ),
        kind: builder.add_u64_field("kind", NumericOptions::default().set_indexed()),
        year: builder.add_u64_field("year", NumericOptions::default().set_indexed()),
        government: builder.add_u64_field("government", NumericOptions::default().set_indexed()),
        entry: builder.add_u64_field("entry", NumericOptions::default().set_fast()),
    };
    (builder.build(), fields)
}

impl SearchIndex {
    /// Indexes `entries` (in memory; a few seconds for a million objects).
    pub fn build(entries: Vec<Entry>) -> tantivy::Result<SearchIndex> {
        let (schema, f) = schema();
        let index = Index::create_in_ram(schema);
        // One thread: documents stay in order, in as few segments as the budget allows.
        let mut writer = index.writer_with_num_threads::<TantivyDocument>(1, 64 << 20)?;
        let mut analyzer = stemmer();
        for (i, e) in entries.iter().enumerate() {
            let mut doc = TantivyDocument::default();
            // Duties are found by their text; the name shown is the department's.
            if e.kind != HitKind::Duties {
                let (zh, gram) = chinese_tokens(&e.name);
                doc.add_text(f.zh, &zh);
                doc.add_text(f.gram, &gram);
                doc.add_text(f.head, head_tokens(&e.name));
                if let Some(name_en) = &e.name_en {
                    doc.add_text(f.head, head_tokens(name_en));
                }
            }
            if let Some(name_en) = &e.name_en {
                let (en, raw) = english_tokens(&mut analyzer, name_en);
                doc.add_text(f.en, &en);
                doc.add_text(f.enraw, &raw);
            }
            if let Some(text) = &e.text {
                let (zh, gram) = chinese_tokens(text);
                doc.add_text(f.zht, &zh);
                doc.add_text(f.gramt, &gram);
            }
            if let Some(code) = &e.code {
                doc.add_text(f.code, code.to_lowercase());
            }
            doc.add_u64(f.kind, e.kind.code());
            doc.add_u64(f.year, e.year.max(0) as u64);
            doc.add_u64(f.government, e.government.max(0) as u64);
            doc.add_u64(f.entry, i as u64);
            writer.add_document(doc)?;
        }
        writer.commit()?;
        let segments = index.searchable_segment_ids()?;
        if segments.len() > 1 {
            writer.merge(&segments).wait()?;
        }
        writer.wait_merging_threads()?;
        let reader = index.reader()?;
        let index_bytes = reader
            .searcher()
            .space_usage()
            .map(|u| u.total().get_bytes() as usize)
            .unwrap_or(0);
        Ok(SearchIndex {
            reader,
            fields: f,
            entries,
            index_bytes,
        })
    }

    /// Objects indexed.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing is indexed.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Approximate bytes held: the index's segments and the objects' texts.
    pub fn bytes(&self) -> usize {
        self.index_bytes
            + self.entries.len() * std::mem::size_of::<Entry>()
            + self.entries.iter().map(Entry::heap_bytes).sum::<usize>()
    }

    fn term(&self, field: Field, text: &str) -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_field_text(field, text),
            IndexRecordOption::WithFreqs,
        ))
    }

    fn boosted(query: Box<dyn Query>, boost: f32) -> Box<dyn Query> {
        Box::new(BoostQuery::new(query, boost))
    }

    fn all(clauses: Vec<Box<dyn Query>>) -> Box<dyn Query> {
        Box::new(BooleanQuery::new(
            clauses.into_iter().map(|q| (Occur::Must, q)).collect(),
        ))
    }

    fn any(clauses: Vec<Box<dyn Query>>) -> Box<dyn Query> {
        Box::new(BooleanQuery::new(
            clauses.into_iter().map(|q| (Occur::Should, q)).collect(),
        ))
    }

    /// What one word of the query matches.
    fn piece_query(
        &self,
        piece: &Piece,
        last: bool,
        analyzer: &mut TextAnalyzer,
    ) -> Box<dyn Query> {
        let f = self.fields;
        match piece {
            Piece::Cjk(run) => {
                let mut bigrams = Vec::new();
                grams(run, false, &mut bigrams);
                let in_field =
                    |field| Self::all(bigrams.iter().map(|g| self.term(field, g)).collect());
                let matched = Self::any(vec![
                    Self::boosted(in_field(f.gram), 3.0),
                    in_field(f.gramt),
                ]);
                let mut clauses = vec![(Occur::Must, matched)];
                for word in words(run).filter(|w| w.chars().count() > 1) {
                    clauses.push((Occur::Should, Self::boosted(self.term(f.zh, word), 2.0)));
                    clauses.push((Occur::Should, self.term(f.zht, word)));
                }
                Box::new(BooleanQuery::new(clauses))
            }
            Piece::Word(word) => {
                let stemmed = stem(analyzer, word);
                let mut alternatives = vec![
                    Self::boosted(self.term(f.en, &stemmed), 3.0),
                    Self::boosted(self.term(f.gram, word), 3.0),
                    self.term(f.gramt, word),
                    Self::boosted(self.term(f.code, word), 5.0),
                ];
                // Words are letters and digits only: nothing in them is a regex operator.
                if last
                    && word.chars().count() >= 2
                    && word.chars().all(|c| c.is_ascii_alphanumeric())
                    && let Ok(prefix) = RegexQuery::from_pattern(&format!("{word}.*"), f.enraw)
                {
                    alternatives.push(Box::new(prefix));
                }
                Self::any(alternatives)
            }
            Piece::Number(number) => Self::any(vec![
                Self::boosted(self.term(f.code, number), 10.0),
                Self::boosted(self.term(f.gram, number), 3.0),
                self.term(f.gramt, number),
                Self::boosted(self.term(f.en, number), 2.0),
            ]),
        }
    }

    fn filters(&self, query: &SearchQuery) -> Vec<(Occur, Box<dyn Query>)> {
        let mut out = Vec::new();
        let u64_term = |field, value: u64| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_u64(field, value),
                IndexRecordOption::Basic,
            ))
        };
        if let Some(kinds) = &query.kinds {
            let kinds: HashSet<HitKind> = kinds.iter().copied().collect();
            out.push((
                Occur::Must,
                Self::any(
                    kinds
                        .iter()
                        .map(|k| u64_term(self.fields.kind, k.code()))
                        .collect(),
                ),
            ));
        }
        if let Some(years) = &query.years {
            // Objects of no year (departments, projects, nodes, glossary terms) stay.
            let years: HashSet<u64> = years
                .iter()
                .filter(|y| **y > 0)
                .map(|y| *y as u64)
                .chain([0])
                .collect();
            out.push((
                Occur::Must,
                Self::any(
                    years
                        .iter()
                        .map(|y| u64_term(self.fields.year, *y))
                        .collect(),
                ),
            ));
        }
        if let Some(government) = query.government {
            // Objects of no department (classification nodes, glossary terms) stay.
            out.push((
                Occur::Must,
                Self::any(
                    [government.max(0) as u64, 0]
                        .into_iter()
                        .map(|g| u64_term(self.fields.government, g))
                        .collect(),
                ),
            ));
        }
        out
    }

    /// The hits `[start, end)` of `query`, best first (ties in index order), and how many
    /// there are. A text with no word finds nothing.
    pub fn search(
        &self,
        query: &SearchQuery,
        start: usize,
        end: usize,
    ) -> tantivy::Result<Found<'_>> {
        let mut words = pieces(&query.text);
        words.truncate(MAX_PIECES);
        if words.is_empty() || query.kinds.as_ref().is_some_and(Vec::is_empty) {
            return Ok(Found {
                total: 0,
                hits: Vec::new(),
                pieces: words,
            });
        }
        let mut analyzer = stemmer();
        let clauses: Vec<Box<dyn Query>> = words
            .iter()
            .enumerate()
            .map(|(i, p)| self.piece_query(p, i + 1 == words.len(), &mut analyzer))
            .collect();
        let whole = query.text.trim().to_lowercase();
        let code = (!whole.is_empty() && whole.len() <= 64)
            .then(|| Self::boosted(self.term(self.fields.code, &whole), 10.0));
        // A name that starts with the query (or is it) ranks first.
        let head = Self::boosted(self.term(self.fields.head, &joined(&words)), 4.0);
        let searcher = self.reader.searcher();
        let run =
            |words: Box<dyn Query>| -> tantivy::Result<(usize, Vec<(f32, tantivy::DocAddress)>)> {
                let mut matched = vec![(Occur::Should, words)];
                if let Some(code) = &code {
                    matched.push((Occur::Should, code.box_clone()));
                }
                let mut all = vec![
                    (
                        Occur::Must,
                        Box::new(BooleanQuery::new(matched)) as Box<dyn Query>,
                    ),
                    (Occur::Should, head.box_clone()),
                ];
                all.extend(self.filters(query));
                let query = BooleanQuery::new(all);
                let top = TopDocs::with_limit(end.max(1)).order_by_score();
                searcher.search(&query, &(Count, top))
            };
        let many = clauses.len() > 1;
        let any = many.then(|| Self::any(clauses.iter().map(|c| c.box_clone()).collect()));
        let (mut total, mut top) = run(Self::all(clauses))?;
        if total == 0
            && let Some(any) = any
        {
            (total, top) = run(any)?;
        }
        let columns = searcher
            .segment_readers()
            .iter()
            .map(|r| r.fast_fields().u64("entry"))
            .collect::<tantivy::Result<Vec<_>>>()?;
        let mut hits = Vec::with_capacity(top.len());
        for (score, address) in top {
            let entry = columns
                .get(address.segment_ord as usize)
                .and_then(|c| c.first(address.doc_id))
                .and_then(|i| self.entries.get(i as usize));
            if let Some(entry) = entry {
                hits.push((score, address, entry));
            }
        }
        // Best first; equal scores in index order, whatever the segments.
        hits.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        Ok(Found {
            total,
            hits: hits
                .into_iter()
                .skip(start)
                .take(end.saturating_sub(start))
                .map(|(score, _, entry)| (score, entry))
                .collect(),
            pieces: words,
        })
    }
}

/// Every searchable object of the catalogue's data version: the catalogue's own (departments,
/// projects, classification nodes, glossary terms) and, streamed from the database, sub-items,
/// indicators, goals, tasks, statements and duties (one statement each).
pub async fn read_entries(
    db: &sea_orm::DatabaseConnection,
    catalog: &crate::catalog::Catalog,
) -> Result<Vec<Entry>, sea_orm::DbErr> {
    use entity::{
        department_profile, goal, indicator, note, performance_task, project_budget, subproject,
    };
    use futures::TryStreamExt;
    use sea_orm::sea_query::JoinType;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, RelationDef};

    let mut out = Vec::new();
    let text = |t: &str| (!t.trim().is_empty()).then(|| Box::<str>::from(t));
    let plain = |kind, department, year, position, key, name: &str| Entry {
        kind,
        department,
        year,
        government: 0,
        position,
        key,
        name: name.into(),
        name_en: None,
        text: None,
        code: None,
    };
    for d in catalog.departments_by_code() {
        out.push(Entry {
            name_en: text(&d.name_en),
            code: Some(d.code.as_str().into()),
            ..plain(HitKind::Department, d.id, 0, 0, d.id, &d.name)
        });
    }
    let mut projects: Vec<_> = catalog.projects.values().collect();
    projects.sort_by(|a, b| a.key.cmp(&b.key));
    for p in projects {
        out.push(Entry {
            name_en: text(&p.name_en),
            code: Some(p.key.as_str().into()),
            ..plain(HitKind::Project, 0, 0, 0, p.id, &p.name)
        });
    }
    let mut nodes: Vec<_> = catalog.nodes.values().collect();
    nodes.sort_by(|a, b| (a.scheme.as_str(), &a.code).cmp(&(b.scheme.as_str(), &b.code)));
    for n in nodes {
        out.push(Entry {
            name_en: text(&n.name_en),
            code: Some(n.code.as_str().into()),
            ..plain(HitKind::ClassificationNode, 0, 0, 0, n.id, &n.name)
        });
    }
    for (i, g) in catalog.glossary.iter().enumerate() {
        out.push(Entry {
            name_en: text(&g.term_en),
            text: text(&g.definition),
            ..plain(HitKind::GlossaryTerm, 0, 0, i as i32, g.dataset_id, &g.term)
        });
    }

    let items: RelationDef = subproject::Entity::belongs_to(project_budget::Entity)
        .from(subproject::Column::ProjectBudgetId)
        .to(project_budget::Column::Id)
        .into();
    let mut rows = subproject::Entity::find()
        .select_only()
        .column(project_budget::Column::DepartmentId)
        .column(project_budget::Column::Year)
        .column(project_budget::Column::ProjectId)
        .column(subproject::Column::Position)
        .column(subproject::Column::Name)
        .column(subproject::Column::NameEn)
        .join(JoinType::InnerJoin, items)
        .order_by_asc(project_budget::Column::DepartmentId)
        .order_by_asc(project_budget::Column::Year)
        .order_by_asc(project_budget::Column::Position)
        .order_by_asc(subproject::Column::Position)
        .into_tuple::<(i32, i32, i32, i32, String, String)>()
        .stream(db)
        .await?;
    while let Some((department, year, project, position, name, name_en)) = rows.try_next().await? {
        out.push(Entry {
            name_en: text(&name_en),
            ..plain(
                HitKind::Subproject,
                department,
                year,
                position,
                project,
                &name,
            )
        });
    }
    drop(rows);

    let mut rows = indicator::Entity::find()
        .select_only()
        .columns([
            indicator::Column::DepartmentId,
            indicator::Column::Year,
            indicator::Column::Position,
            indicator::Column::Name,
            indicator::Column::Target,
        ])
        .order_by_asc(indicator::Column::DepartmentId)
        .order_by_asc(indicator::Column::Year)
        .order_by_asc(indicator::Column::Position)
        .into_tuple::<(i32, i32, i32, String, String)>()
        .stream(db)
        .await?;
    while let Some((department, year, position, name, target)) = rows.try_next().await? {
        out.push(Entry {
            text: text(&target),
            ..plain(HitKind::Indicator, department, year, position, 0, &name)
        });
    }
    drop(rows);

    let mut rows = goal::Entity::find()
        .select_only()
        .columns([
            goal::Column::DepartmentId,
            goal::Column::Year,
            goal::Column::Kind,
            goal::Column::Position,
            goal::Column::Title,
            goal::Column::Text,
        ])
        .order_by_asc(goal::Column::DepartmentId)
        .order_by_asc(goal::Column::Year)
        .order_by_asc(goal::Column::Kind)
        .order_by_asc(goal::Column::Position)
        .into_tuple::<(i32, i32, entity::GoalKind, i32, Option<String>, String)>()
        .stream(db)
        .await?;
    while let Some((department, year, kind, position, title, body)) = rows.try_next().await? {
        let key = i32::from(kind == entity::GoalKind::Performance);
        out.push(match title {
            Some(title) => Entry {
                text: text(&body),
                ..plain(HitKind::Goal, department, year, position, key, &title)
            },
            None => plain(HitKind::Goal, department, year, position, key, &body),
        });
    }
    drop(rows);

    let mut rows = performance_task::Entity::find()
        .select_only()
        .columns([
            performance_task::Column::DepartmentId,
            performance_task::Column::Year,
            performance_task::Column::Position,
            performance_task::Column::Name,
            performance_task::Column::Content,
        ])
        .filter(performance_task::Column::Kind.ne(entity::TaskKind::Total))
        .order_by_asc(performance_task::Column::DepartmentId)
        .order_by_asc(performance_task::Column::Year)
        .order_by_asc(performance_task::Column::Position)
        .into_tuple::<(i32, i32, i32, String, Option<String>)>()
        .stream(db)
        .await?;
    while let Some((department, year, position, name, content)) = rows.try_next().await? {
        out.push(Entry {
            text: content.as_deref().and_then(text),
            ..plain(HitKind::Task, department, year, position, 0, &name)
        });
    }
    drop(rows);

    let mut rows = note::Entity::find()
        .select_only()
        .columns([
            note::Column::DepartmentId,
            note::Column::Year,
            note::Column::Position,
            note::Column::Text,
        ])
        .order_by_asc(note::Column::DepartmentId)
        .order_by_asc(note::Column::Year)
        .order_by_asc(note::Column::Position)
        .into_tuple::<(i32, i32, i32, String)>()
        .stream(db)
        .await?;
    while let Some((department, year, position, body)) = rows.try_next().await? {
        out.push(plain(
            HitKind::Statement,
            department,
            year,
            position,
            0,
            &body,
        ));
    }
    drop(rows);

    let mut rows = department_profile::Entity::find()
        .select_only()
        .columns([
            department_profile::Column::DepartmentId,
            department_profile::Column::Year,
            department_profile::Column::Duties,
        ])
        .filter(department_profile::Column::Duties.is_not_null())
        .order_by_asc(department_profile::Column::DepartmentId)
        .order_by_asc(department_profile::Column::Year)
        .into_tuple::<(i32, i32, Option<String>)>()
        .stream(db)
        .await?;
    while let Some((department, year, duties)) = rows.try_next().await? {
        let name = catalog
            .departments
            .get(&department)
            .map_or("", |d| d.name.as_str());
        out.push(Entry {
            text: duties.as_deref().and_then(text),
            ..plain(HitKind::Duties, department, year, 0, department, name)
        });
    }
    for e in &mut out {
        e.government = catalog
            .departments
            .get(&e.department)
            .and_then(|d| d.government_id)
            .unwrap_or(0);
    }
    Ok(out)
}

/// The build of a data version's index, shared by everyone who waits for it.
type Build = futures::future::Shared<
    futures::future::BoxFuture<'static, Result<std::sync::Arc<SearchIndex>, String>>,
>;

/// Where a catalogue keeps its search index: the build, once started.
#[derive(Default)]
pub struct Slot(std::sync::Mutex<Option<Build>>);

/// The search index of `catalog`'s data version: built on the first ask, in a task of its
/// own (a request that gives up, e.g. at the request timeout, does not stop it; later asks
/// wait for the same build), kept with the catalogue, so dropped with it after a load. A
/// failed build is forgotten, so that the next ask tries again.
pub async fn index_of(
    db: &sea_orm::DatabaseConnection,
    catalog: &std::sync::Arc<crate::catalog::Catalog>,
) -> Result<std::sync::Arc<SearchIndex>, crate::error::ApiError> {
    use futures::FutureExt;
    let build = {
        let mut slot = catalog.search.0.lock().unwrap_or_else(|e| e.into_inner());
        slot.get_or_insert_with(|| {
            let (db, catalog) = (db.clone(), catalog.clone());
            let task = tokio::spawn(async move {
                let started = std::time::Instant::now();
                let entries = read_entries(&db, &catalog)
                    .await
                    .map_err(|e| format!("search index: reading: {e}"))?;
                let count = entries.len();
                let index = tokio::task::spawn_blocking(move || SearchIndex::build(entries))
                    .await
                    .map_err(|e| format!("search index: {e}"))?
                    .map_err(|e| format!("search index: {e}"))?;
                tracing::info!(
                    version = catalog.version,
                    objects = count,
                    bytes = index.bytes(),
                    ms = started.elapsed().as_millis() as u64,
                    "search index built"
                );
                Ok(std::sync::Arc::new(index))
            });
            async move { task.await.map_err(|e| format!("search index: {e}"))? }
                .boxed()
                .shared()
        })
        .clone()
    };
    match build.await {
        Ok(index) => Ok(index),
        Err(message) => {
            catalog
                .search
                .0
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .take();
            Err(internal(message))
        }
    }
}

/// An internal failure of the index (logged; the client sees `INTERNAL`).
pub(crate) fn internal(message: String) -> crate::error::ApiError {
    tracing::error!(error = %message, "search failed");
    crate::error::ApiError::Internal(std::sync::Arc::new(sea_orm::DbErr::Custom(message)))
}

/// Where `pieces` occur in `text`: character ranges, sorted, merged.
pub fn highlights(text: &str, pieces: &[Piece]) -> Vec<(usize, usize)> {
    let chars: Vec<char> = text.chars().map(narrow).collect();
    let lower: Vec<char> = chars
        .iter()
        .map(|c| c.to_lowercase().next().unwrap_or(*c))
        .collect();
    let mut analyzer = stemmer();
    let mut ranges = Vec::new();
    let find = |needle: &[char], ranges: &mut Vec<(usize, usize)>, whole_word: bool| {
        if needle.is_empty() || needle.len() > lower.len() {
            return;
        }
        for i in 0..=lower.len() - needle.len() {
            if lower[i..i + needle.len()] != *needle {
                continue;
            }
            if whole_word && i > 0 && lower[i - 1].is_alphanumeric() && !is_cjk(lower[i - 1]) {
                continue;
            }
            let mut end = i + needle.len();
            if whole_word {
                while end < lower.len() && lower[end].is_alphanumeric() && !is_cjk(lower[end]) {
                    end += 1;
                }
            }
            ranges.push((i, end));
        }
    };
    for piece in pieces {
        match piece {
            Piece::Cjk(run) => {
                let needle: Vec<char> = run.chars().collect();
                let before = ranges.len();
                find(&needle, &mut ranges, false);
                if ranges.len() == before {
                    for word in words(run).filter(|w| w.chars().count() > 1) {
                        find(&word.chars().collect::<Vec<_>>(), &mut ranges, false);
                    }
                }
            }
            Piece::Word(word) => {
                let stemmed = stem(&mut analyzer, word);
                let needle = if stemmed.len() < word.len() && word.starts_with(&stemmed) {
                    stemmed
                } else {
                    word.clone()
                };
                let before = ranges.len();
                find(&needle.chars().collect::<Vec<_>>(), &mut ranges, true);
                if ranges.len() == before && needle != *word {
                    find(&word.chars().collect::<Vec<_>>(), &mut ranges, true);
                }
            }
            Piece::Number(number) => {
                find(&number.chars().collect::<Vec<_>>(), &mut ranges, true);
            }
        }
    }
    ranges.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (s, e) in ranges {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    merged
}

/// Characters of context kept around the first highlight of a long text.
const CONTEXT_BEFORE: usize = 20;
/// Longest snippet of a long text, in characters.
const SNIPPET_CHARS: usize = 100;

/// The snippets of an entry for the query's words: each text of it that has a match (names
/// whole, longer texts cut around their first match).
pub fn snippets(entry: &Entry, pieces: &[Piece]) -> Vec<Snippet> {
    let mut out = Vec::new();
    let texts = [
        (SnippetField::Name, Some(&entry.name)),
        (SnippetField::NameEn, entry.name_en.as_ref()),
        (SnippetField::Code, entry.code.as_ref()),
        (SnippetField::Text, entry.text.as_ref()),
    ];
    for (field, text) in texts {
        let Some(text) = text else { continue };
        let ranges = highlights(text, pieces);
        let Some(first) = ranges.first() else {
            continue;
        };
        if field == SnippetField::Code && ranges != [(0, text.chars().count())] {
            continue;
        }
        let count = text.chars().count();
        if field != SnippetField::Text || count <= SNIPPET_CHARS {
            out.push(Snippet {
                field,
                text: text.to_string(),
                ranges,
            });
            continue;
        }
        let from = first.0.saturating_sub(CONTEXT_BEFORE);
        let to = (from + SNIPPET_CHARS).min(count);
        out.push(Snippet {
            field,
            text: text.chars().skip(from).take(to - from).collect(),
            ranges: ranges
                .iter()
                .filter(|(s, _)| *s >= from && *s < to)
                .map(|(s, e)| (s - from, (*e).min(to) - from))
                .collect(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(kind: HitKind, name: &str, name_en: Option<&str>, code: Option<&str>) -> Entry {
        Entry {
            kind,
            department: 1,
            year: 2023,
            government: 0,
            position: 1,
            key: 0,
            name: name.into(),
            name_en: name_en.map(Into::into),
            text: None,
            code: code.map(Into::into),
        }
    }

    fn index() -> SearchIndex {
        SearchIndex::build(vec![
            entry(
                HitKind::Subproject,
                "视频资源智慧管理平台（二期）项目",
                Some("Smart Video Resource Management Platform (Phase II) Project"),
                None,
            ),
            entry(
                HitKind::Subproject,
                "2022 年视频前端点位建设及配套工程建设项目",
                Some("2022 Front-end Video Camera Sites and Supporting Works Construction Project"),
                None,
            ),
            entry(
                HitKind::Indicator,
                "市 12345 热线知识库（坪山区）知识条数",
                None,
                None,
            ),
            entry(
                HitKind::ClassificationNode,
                "网信事务",
                Some("Cyberspace Affairs"),
                Some("20137"),
            ),
            entry(
                HitKind::ClassificationNode,
                "其他网信事务支出",
                Some("Other Expenditure on Cyberspace Affairs"),
                Some("2013799"),
            ),
            entry(HitKind::Subproject, "坪山区机房扩容（三期）", None, None),
        ])
        .unwrap()
    }

    fn names(index: &SearchIndex, text: &str) -> Vec<String> {
        let query = SearchQuery {
            text: text.into(),
            ..Default::default()
        };
        index
            .search(&query, 0, 10)
            .unwrap()
            .hits
            .iter()
            .map(|(_, e)| e.name.to_string())
            .collect()
    }

    #[test]
    fn pieces_split_scripts() {
        assert_eq!(
            pieces("市 12345 热线ＡＰ wifi!视频"),
            vec![
                Piece::Cjk("市".into()),
                Piece::Number("12345".into()),
                Piece::Cjk("热线".into()),
                Piece::Word("ap".into()),
                Piece::Word("wifi".into()),
                Piece::Cjk("视频".into()),
            ]
        );
    }

    #[test]
    fn finds_chinese_english_prefixes_and_codes() {
        let index = index();
        assert_eq!(names(&index, "视频").len(), 2);
        assert_eq!(names(&index, "video").len(), 2);
        assert_eq!(
            names(&index, "视频资"),
            vec!["视频资源智慧管理平台（二期）项目"]
        );
        assert_eq!(
            names(&index, "manag"),
            vec!["视频资源智慧管理平台（二期）项目"]
        );
        assert_eq!(
            names(&index, "platforms"),
            vec!["视频资源智慧管理平台（二期）项目"]
        );
        assert_eq!(names(&index, "20137"), vec!["网信事务"]);
        assert_eq!(names(&index, "2013799"), vec!["其他网信事务支出"]);
        assert_eq!(
            names(&index, "12345"),
            vec!["市 12345 热线知识库（坪山区）知识条数"]
        );
        assert_eq!(names(&index, "机房"), vec!["坪山区机房扩容（三期）"]);
        assert!(names(&index, "不存在").is_empty());
        assert!(names(&index, "!!! ??? ...").is_empty());
        for hostile in [
            "AND (",
            "title:\"x\"~2^3",
            ".*[a-z]+(",
            "\\",
            "*",
            "视频 OR",
            "a".repeat(500).as_str(),
        ] {
            let _ = names(&index, hostile);
        }
    }

    #[test]
    fn highlights_are_character_ranges() {
        let pieces = pieces("视频 video");
        assert_eq!(
            highlights("2022 年视频前端点位建设及配套工程建设项目", &pieces),
            vec![(6, 8)]
        );
        assert_eq!(highlights("Smart Video Resource", &pieces), vec![(6, 11)]);
        assert_eq!(
            highlights("Management", &super::pieces("manag")),
            vec![(0, 10)]
        );
    }
}
