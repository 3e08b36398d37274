//! The generic reader of printed tables: pages of words → lines → tables (title, department,
//! unit, columns from the template's header anchors) → body rows of code, label and cells, each
//! cell with its page and line. Nothing here knows a family: the template says which titles
//! and header words to look for.

use super::pdf::{Document, Page, Word};
use super::template::{ColumnSpec, Kind, TableSpec, Template};
use rust_decimal::Decimal;
use std::str::FromStr;

/// A printed line: words sharing a baseline band, left to right.
#[derive(Debug, Clone)]
pub struct Line {
    pub page: usize,
    /// 1-based line in `pdftotext -layout` output of the page.
    pub line: usize,
    pub words: Vec<Word>,
}

impl Line {
    pub fn text(&self) -> String {
        self.words
            .iter()
            .map(|w| w.text.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }
    pub fn compact(&self) -> String {
        compact(&self.text())
    }
    fn cy(&self) -> f64 {
        self.words.iter().map(Word::cy).sum::<f64>() / self.words.len() as f64
    }
    fn height(&self) -> f64 {
        self.words.iter().map(Word::height).fold(0.0, f64::max)
    }
}

/// Text without any whitespace (full-width spaces included).
pub fn compact(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// A printed figure: digits with optional thousands separators, sign and decimals.
pub fn amount(text: &str) -> Option<Decimal> {
    let t = text.trim();
    let body = t.strip_prefix('-').unwrap_or(t);
    if body.is_empty() || !body.chars().next()?.is_ascii_digit() {
        return None;
    }
    if !body
        .chars()
        .all(|c| c.is_ascii_digit() || c == ',' || c == '.')
    {
        return None;
    }
    if body.matches('.').count() > 1 || body.ends_with('.') || body.ends_with(',') {
        return None;
    }
    let plain: String = t.chars().filter(|&c| c != ',').collect();
    Decimal::from_str(&plain).ok()
}

/// A cell of a body row.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// As printed (`21,940.96`), wrapped text rejoined.
    pub text: String,
    /// The figure, for amount columns.
    pub value: Option<Decimal>,
    pub page: usize,
    pub line: usize,
}

/// A column of a read table.
#[derive(Debug, Clone)]
pub struct Column {
    pub key: String,
    pub path: String,
    pub kind: Kind,
}

/// A body row as printed.
#[derive(Debug, Clone)]
pub struct Row {
    /// The classification code, split 类/款/项 columns joined; `None` if none is printed.
    pub code: Option<String>,
    pub label: String,
    pub page: usize,
    pub line: usize,
    /// One entry per amount or item column of [`Table::columns`]; `None` where blank.
    pub cells: Vec<Option<Cell>>,
}

impl Row {
    /// Whether every amount cell is blank.
    pub fn blank(&self, columns: &[Column]) -> bool {
        columns
            .iter()
            .zip(&self.cells)
            .all(|(c, cell)| c.kind != Kind::Amount || cell.is_none())
    }
}

/// A printed table.
#[derive(Debug, Clone)]
pub struct Table {
    pub number: i32,
    /// The canonical title (the template's).
    pub title: String,
    /// The title as printed.
    pub printed_title: String,
    pub department: String,
    pub unit: String,
    pub document: String,
    pub page: usize,
    /// The amount and item columns, left to right.
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    /// Printed with no data (此表为空, or no row with a figure).
    pub empty: bool,
}

/// Something printed inside a recognised table that the reader could not place.
#[derive(Debug, Clone)]
pub struct Unplaced {
    pub document: String,
    pub page: usize,
    pub line: usize,
    pub table: i32,
    pub text: String,
    pub why: String,
}

impl std::fmt::Display for Unplaced {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}, page {}, line {}: table {}: `{}`: {}",
            self.document, self.page, self.line, self.table, self.text, self.why
        )
    }
}

/// What a document's tables read to.
#[derive(Debug, Default)]
pub struct Reading {
    pub tables: Vec<Table>,
    pub unplaced: Vec<Unplaced>,
    /// Problems that stop the import (a header no layout matches).
    pub errors: Vec<String>,
}

/// Groups a page's words into lines (by vertical centre), top to bottom, and numbers them by
/// the `-layout` text of the page.
pub fn lines(page_no: usize, page: &Page) -> Vec<Line> {
    let mut words = page.words.clone();
    words.sort_by(|a, b| a.cy().total_cmp(&b.cy()));
    let mut lines: Vec<Line> = Vec::new();
    for w in words {
        match lines.last_mut() {
            Some(l) if (w.cy() - l.cy()).abs() < 0.35 * w.height().max(l.height()) => {
                l.words.push(w)
            }
            _ => lines.push(Line {
                page: page_no,
                line: 0,
                words: vec![w],
            }),
        }
    }
    let layout: Vec<String> = page.layout.iter().map(|l| compact(l)).collect();
    let mut cursor = 0;
    let mut started = false;
    for l in &mut lines {
        l.words.sort_by(|a, b| a.x0.total_cmp(&b.x0));
        let whole = l.compact();
        let first = compact(&l.words[0].text);
        let from = if started { cursor + 1 } else { cursor };
        let found = (from..layout.len())
            .find(|&i| layout[i].contains(&whole))
            .or_else(|| (from..layout.len()).find(|&i| layout[i].contains(&first)))
            .or_else(|| (cursor..layout.len()).find(|&i| layout[i].contains(&first)));
        if let Some(i) = found {
            cursor = i;
            started = true;
        }
        l.line = cursor + 1;
    }
    lines
}

/// Chinese numbering at the start of a label: 一、 （一） 1. 1、
fn numbered(text: &str) -> bool {
    let t = compact(text);
    let mut chars = t.chars().peekable();
    let first = match chars.next() {
        Some(c) => c,
        None => return false,
    };
    if first == '（' || first == '(' {
        let second = chars.next().unwrap_or(' ');
        return "一二三四五六七八九十".contains(second) || second.is_ascii_digit();
    }
    const CN: &str = "一二三四五六七八九十";
    if CN.contains(first) {
        let rest: String = t.chars().skip_while(|c| CN.contains(*c)).take(1).collect();
        return rest == "、";
    }
    if first.is_ascii_digit() {
        let rest: String = t
            .chars()
            .skip_while(|c| c.is_ascii_digit())
            .take(1)
            .collect();
        return rest == "." || rest == "、" || rest == "．";
    }
    false
}

/// The title after its numbering: `公开05表：`, `表五`, `五、`, `2025年部门`/`单位`.
pub fn strip_numbering(title: &str) -> String {
    let mut t = compact(title);
    if let Some(rest) = t.strip_prefix("公开") {
        let rest = rest.trim_start_matches(|c: char| c.is_ascii_digit());
        if let Some(rest) = rest.strip_prefix('表') {
            t = rest.trim_start_matches(['：', ':']).to_owned();
        }
    }
    const CN: &str = "一二三四五六七八九十";
    if let Some(rest) = t.strip_prefix('表')
        && rest.starts_with(|c: char| CN.contains(c))
    {
        t = rest
            .trim_start_matches(|c: char| CN.contains(c))
            .trim_start_matches(['：', ':', '、'])
            .to_owned();
    } else if t.starts_with(|c: char| CN.contains(c)) {
        let rest = t.trim_start_matches(|c: char| CN.contains(c));
        if let Some(rest) = rest.strip_prefix('、') {
            t = rest.to_owned();
        }
    }
    // 2025年部门财务收支预算总表
    let digits: String = t.chars().take_while(|c| c.is_ascii_digit()).collect();
    if digits.len() == 4
        && let Some(rest) = t[4..].strip_prefix('年')
    {
        t = rest.to_owned();
    }
    for p in ["预算单位", "部门", "单位"] {
        if let Some(rest) = t.strip_prefix(p) {
            t = rest.to_owned();
        }
    }
    t
}

fn is_unit_line(text: &str) -> bool {
    let t = compact(text);
    t.contains("单位：") || t.contains("单位:")
}

fn unit_of(text: &str) -> Option<String> {
    let t = compact(text);
    let i = t.find("单位：").or_else(|| t.find("单位:"))?;
    let rest = &t[i..];
    let rest = rest
        .trim_start_matches("单位：")
        .trim_start_matches("单位:");
    if rest.starts_with("万元") {
        Some("万元".into())
    } else if rest.starts_with('元') {
        Some("元".into())
    } else {
        None
    }
}

/// A line that is not part of a table: a page number (`13`, `- 1 -`), a table label footer
/// (`公开04表`).
fn footer(line: &Line, page: &Page) -> bool {
    let t = compact(&line.text());
    let bare = t.trim_matches(|c| c == '-' || c == '—' || c == '第' || c == '页');
    let low = line.cy() > page.height * 0.82;
    (low && !bare.is_empty() && bare.len() <= 4 && bare.chars().all(|c| c.is_ascii_digit()))
        || (t.starts_with("公开") && t.ends_with('表') && t.chars().count() <= 6)
        || (t.starts_with('表')
            && t.chars().count() <= 4
            && t.chars()
                .skip(1)
                .all(|c| "一二三四五六七八九十".contains(c)))
}

/// Where a table stops: a note, an empty-table mark, the next part of the document.
fn stops(text: &str) -> bool {
    let t = compact(text);
    t.starts_with('：')
        || t.starts_with("注：")
        || t.starts_with("注:")
        || t.starts_with("说明：")
        || t.starts_with("说明:")
        || (t.starts_with('第') && t.contains("部分") && t.chars().count() < 30)
        || (t.ends_with("说明") && t.chars().count() >= 6)
}

fn empty_mark(text: &str) -> bool {
    compact(text).contains("此表为空")
}

/// A long run of prose: no table has a cell this wide.
fn prose(line: &Line, page: &Page) -> bool {
    line.words
        .iter()
        .any(|w| w.x1 - w.x0 > page.width * 0.55 && amount(&w.text).is_none())
}

/// The table a line's title names, if any, and where in the stripped text its title begins.
fn title_of<'t>(text: &str, template: &'t Template) -> Option<(&'t TableSpec, usize)> {
    let stripped = strip_numbering(text);
    if stripped.is_empty() || stripped.chars().count() > 48 {
        return None;
    }
    template
        .tables
        .iter()
        .flat_map(|t| t.titles.iter().map(move |title| (t, title)))
        .filter_map(|(t, title)| stripped.find(title.as_str()).map(|at| (t, title, at)))
        .max_by_key(|(_, title, _)| title.len())
        .map(|(t, _, at)| (t, at + (compact(text).len() - stripped.len())))
}

/// Reads every table of a document that the template knows.
pub fn read(doc: &Document, template: &Template) -> Reading {
    let mut all: Vec<Line> = Vec::new();
    for (i, page) in doc.pages.iter().enumerate() {
        all.extend(lines(i + 1, page).into_iter().filter(|l| !footer(l, page)));
    }
    // Title lines: a known title followed by a unit line within three lines on its page.
    let mut starts: Vec<(usize, &TableSpec, String)> = Vec::new();
    for i in 0..all.len() {
        let text = all[i].text();
        let joined = match all.get(i + 1) {
            Some(n) if n.page == all[i].page && !is_unit_line(&n.text()) => {
                format!("{}{}", compact(&text), n.compact())
            }
            _ => compact(&text),
        };
        // A row of figures is no title (a title's own numbers are bare: `01`, `2018`).
        if all[i]
            .words
            .iter()
            .any(|w| amount(&w.text).is_some() && (w.text.contains(',') || w.text.contains('.')))
        {
            continue;
        }
        // A title wrapped over two lines must begin on the first.
        let own = compact(&text).len();
        let spec = title_of(&text, template)
            .or_else(|| title_of(&joined, template).filter(|(_, at)| *at < own));
        let Some((spec, _)) = spec else { continue };
        if is_unit_line(&text) && !text.contains("表") {
            continue;
        }
        let unit_near = all[i..]
            .iter()
            .take(4)
            .any(|l| l.page <= all[i].page + 1 && is_unit_line(&l.text()));
        if unit_near {
            starts.push((i, spec, text));
        }
    }
    // A title printed again on the next page (the table continued, its title repeated):
    // the lines from that title to its unit line are left out and the table goes on.
    let mut skip = vec![false; all.len()];
    let mut kept: Vec<(usize, &TableSpec, String)> = Vec::new();
    for (start, spec, printed) in starts {
        if let Some(last) = kept.last()
            && last.1.number == spec.number
        {
            let unit = (start..all.len().min(start + 4))
                .find(|&i| is_unit_line(&all[i].text()))
                .unwrap_or(start);
            for flag in &mut skip[start..=unit] {
                *flag = true;
            }
            continue;
        }
        kept.push((start, spec, printed));
    }
    let mut reading = Reading::default();
    for (k, (start, spec, printed)) in kept.iter().enumerate() {
        let end = kept.get(k + 1).map_or(all.len(), |s| s.0);
        let lines: Vec<Line> = (*start..end)
            .filter(|&i| i == *start || !skip[i])
            .map(|i| all[i].clone())
            .collect();
        read_table(doc, &lines, spec, printed, &mut reading);
    }
    reading
}

struct Fragment {
    col: usize,
    page: usize,
    line: usize,
    y0: f64,
    y1: f64,
    text: String,
    /// Whether its line prints a code.
    anchored: bool,
    /// Whether its line prints a figure.
    figures: bool,
}

fn read_table(
    doc: &Document,
    lines: &[Line],
    spec: &TableSpec,
    printed: &str,
    reading: &mut Reading,
) {
    let first_page = lines[0].page;
    let page_of = |l: &Line| &doc.pages[l.page - 1];
    // Department and unit: the lines up to the unit line.
    let unit_at = lines
        .iter()
        .take(4)
        .position(|l| is_unit_line(&l.text()))
        .unwrap_or(0);
    let unit = unit_of(&lines[unit_at].text()).unwrap_or_else(|| "万元".into());
    let mut department = String::new();
    for l in &lines[..=unit_at] {
        let t = l.compact();
        for label in [
            "编制部门：",
            "编制部门:",
            "编制单位：",
            "编制单位:",
            "预算单位：",
            "单位名称：",
            "部门名称：",
            "部门：",
            "部门:",
        ] {
            if let Some(i) = t.find(label) {
                let rest = &t[i + label.len()..];
                let rest = rest.split("单位：").next().unwrap_or(rest);
                let rest = rest.split("单位:").next().unwrap_or(rest);
                if !rest.is_empty() && department.is_empty() {
                    department = rest.to_owned();
                }
            }
        }
    }
    // A title that names the department (2018 年度江苏省高级人民法院收支预算总表).
    if department.is_empty() {
        let t = compact(printed);
        if let Some(i) = t.find("年度") {
            let rest = &t[i + "年度".len()..];
            let end = spec
                .titles
                .iter()
                .filter_map(|title| rest.find(title.as_str()))
                .min()
                .unwrap_or(rest.len());
            department = rest[..end].trim_end_matches("部门").to_owned();
        }
    }
    // Body: up to a stop line or prose.
    let mut body_end = lines.len();
    let mut empty = false;
    for (i, l) in lines.iter().enumerate().skip(unit_at + 1) {
        let t = l.text();
        if empty_mark(&t) {
            empty = true;
        }
        if stops(&t) || prose(l, page_of(l)) {
            body_end = i;
            break;
        }
    }
    let region = &lines[unit_at + 1..body_end];
    let is_body = |l: &Line| {
        let c = l.compact();
        l.words.iter().any(|w| amount(&w.text).is_some())
            || numbered(&l.words[0].text)
            || c == "合计"
            || c == "总计"
            || empty_mark(&c)
    };
    let header_len = region.iter().position(is_body).unwrap_or(region.len());
    if std::env::var_os("IMPORT_DEBUG").is_some() {
        eprintln!(
            "table {} title `{printed}` unit line {unit_at} header_len {header_len}",
            spec.number
        );
        for l in region.iter().take(header_len + 2) {
            eprintln!("  p{} l{}: {}", l.page, l.line, l.text());
        }
    }
    let (header, whole_cells) = header_cells(region[..header_len].iter());
    let header_texts: Vec<String> = header.iter().map(|w| compact(&w.text)).collect();
    if std::env::var_os("IMPORT_DEBUG").is_some() {
        for w in &header {
            eprintln!("    header {:.1} {:.1} {}", w.cx(), w.y0, w.text);
        }
    }
    // The first layout whose anchors are all found, left to right.
    // The layout, its columns' anchor positions and their headers as printed.
    type Chosen<'s> = (&'s Vec<ColumnSpec>, Vec<f64>, Vec<Option<String>>);
    let mut chosen: Option<Chosen<'_>> = None;
    for layout in &spec.layouts {
        let mut xs = Vec::new();
        let mut printed = Vec::new();
        let mut used = vec![false; header.len()];
        let mut prev = f64::MIN;
        let mut ok = true;
        for col in layout {
            let found = header
                .iter()
                .enumerate()
                .filter(|(i, w)| !used[*i] && w.cx() > prev && col.matches(&compact(&w.text)))
                .min_by(|a, b| a.1.cx().total_cmp(&b.1.cx()));
            match found {
                Some((i, w)) => {
                    used[i] = true;
                    prev = w.cx();
                    xs.push(w.cx());
                    // The header as printed names the column, when the anchor found a whole
                    // cell (not a piece of a wrapped one).
                    let text = compact(&w.text);
                    printed.push((i < whole_cells && text.chars().count() <= 14).then_some(text));
                }
                None => {
                    if std::env::var_os("IMPORT_DEBUG").is_some() {
                        eprintln!("    no anchor `{}` right of {prev:.1}", col.anchor);
                    }
                    ok = false;
                    break;
                }
            }
        }
        if ok {
            chosen = Some((layout, xs, printed));
            break;
        }
    }
    let body = &region[header_len..];
    let Some((layout, xs, printed_leaf)) = chosen else {
        if empty
            && body
                .iter()
                .all(|l| !l.words.iter().any(|w| amount(&w.text).is_some()))
        {
            // An empty table may print a shorter header; keep it as printed, without columns.
            reading.tables.push(Table {
                number: spec.number,
                title: spec.title.clone(),
                printed_title: printed.to_owned(),
                department,
                unit,
                document: doc.name.clone(),
                page: first_page,
                columns: Vec::new(),
                rows: Vec::new(),
                empty: true,
            });
            return;
        }
        reading.errors.push(format!(
            "{}, page {}: table {} ({}): the header matches none of the template's layouts; \
             printed header: {}",
            doc.name,
            first_page,
            spec.number,
            spec.title,
            header_texts.join(" ")
        ));
        return;
    };
    // Column bounds: halfway between neighbouring anchors, except that an amount column
    // (figures right-aligned) ends just right of its widest figure, so a left-aligned label
    // of the next column starting close to it is not taken for a part of it.
    let mid = |x: f64| -> usize {
        let mut best = 0;
        for i in 1..xs.len() {
            if x > (xs[i - 1] + xs[i]) / 2.0 {
                best = i;
            }
        }
        best
    };
    let mut right = vec![f64::MIN; xs.len()];
    for l in body {
        for w in &l.words {
            let c = mid(w.cx());
            if layout[c].kind == Kind::Amount && amount(&w.text).is_some() {
                right[c] = right[c].max(w.x1);
            }
        }
    }
    let bounds: Vec<f64> = (1..xs.len())
        .map(|i| {
            let m = (xs[i - 1] + xs[i]) / 2.0;
            if layout[i - 1].kind == Kind::Amount && right[i - 1] > f64::MIN {
                m.min(right[i - 1] + 2.0)
            } else {
                m
            }
        })
        .collect();
    let col_of = |x: f64| -> usize { bounds.iter().filter(|&&b| x > b).count() };
    let value_cols: Vec<usize> = layout
        .iter()
        .enumerate()
        .filter(|(_, c)| matches!(c.kind, Kind::Amount | Kind::Item))
        .map(|(i, _)| i)
        .collect();
    let columns: Vec<Column> = value_cols
        .iter()
        .map(|&i| Column {
            key: layout[i]
                .key
                .clone()
                .unwrap_or_else(|| format!("c{}", i + 1)),
            path: with_leaf(&layout[i].path, printed_leaf[i].as_deref()),
            kind: layout[i].kind,
        })
        .collect();
    // Fragments per column.
    let mut fragments: Vec<Fragment> = Vec::new();
    let mut cells: Vec<(usize, f64, Cell)> = Vec::new(); // (column, cy, cell) for amounts/codes
    let mut seen_pages = vec![first_page];
    let mut skipping_header = false;
    for l in body {
        let t = l.compact();
        if empty_mark(&t) {
            continue;
        }
        if !seen_pages.contains(&l.page) {
            seen_pages.push(l.page);
            skipping_header = true;
        }
        // A header repeated at the top of a continuation page.
        if skipping_header {
            let repeats = !l.words.iter().any(|w| amount(&w.text).is_some())
                && l.words
                    .iter()
                    .all(|w| header_texts.contains(&compact(&w.text)));
            if repeats {
                continue;
            }
            skipping_header = false;
        }
        let mut line_cells: Vec<(usize, &Word)> = Vec::new();
        let amount_cols: Vec<usize> = (0..layout.len())
            .filter(|&k| layout[k].kind == Kind::Amount)
            .collect();
        for w in &l.words {
            let mut c = col_of(w.cx());
            // A figure never sits in a text column: one printed left of its column's header
            // (indented detail rows) belongs to the next amount column.
            if amount(&w.text).is_some()
                && (w.text.contains('.') || w.text.contains(','))
                && matches!(layout[c].kind, Kind::Label | Kind::Item)
                && let Some(&k) = amount_cols.iter().find(|&&k| k > c)
            {
                c = k;
            }
            line_cells.push((c, w));
        }
        // Two figures of a line in one column: the columns are wider than their headers
        // suggest; place the line's figures left to right on the amount columns, each nearest
        // its header (an order-keeping assignment of least total distance).
        let figures: Vec<usize> = (0..line_cells.len())
            .filter(|&i| {
                let (c, w) = line_cells[i];
                layout[c].kind == Kind::Amount && amount(&w.text).is_some()
            })
            .collect();
        let collide = figures
            .windows(2)
            .any(|p| line_cells[p[0]].0 == line_cells[p[1]].0);
        if collide && figures.len() <= amount_cols.len() {
            let places = assign(
                &figures
                    .iter()
                    .map(|&i| line_cells[i].1.cx())
                    .collect::<Vec<_>>(),
                &amount_cols.iter().map(|&k| xs[k]).collect::<Vec<_>>(),
            );
            for (f, p) in figures.iter().zip(places) {
                line_cells[*f].0 = amount_cols[p];
            }
        }
        // A line printing a code starts a row of its own in every column.
        let anchored = line_cells
            .iter()
            .any(|(c, w)| layout[*c].kind == Kind::Code && is_code(&w.text));
        let mut text_parts: Vec<(usize, Vec<&Word>)> = Vec::new();
        for (c, w) in line_cells {
            match layout[c].kind {
                Kind::Amount => match amount(&w.text) {
                    Some(v) => cells.push((
                        c,
                        w.cy(),
                        Cell {
                            text: w.text.clone(),
                            value: Some(v),
                            page: l.page,
                            line: l.line,
                        },
                    )),
                    None => {
                        // Text that overflows into an amount column from the label to its
                        // left (a long label) belongs to that label.
                        let left = (0..c)
                            .rev()
                            .find(|&k| matches!(layout[k].kind, Kind::Label | Kind::Item));
                        match left {
                            Some(k) if w.x0 < xs[c] => push_part(&mut text_parts, k, w),
                            _ => reading.unplaced.push(Unplaced {
                                document: doc.name.clone(),
                                page: l.page,
                                line: l.line,
                                table: spec.number,
                                text: w.text.clone(),
                                why: format!("text in the amount column `{}`", layout[c].path),
                            }),
                        }
                    }
                },
                Kind::Code if w.text.chars().all(|c| c.is_ascii_digit()) => cells.push((
                    c,
                    w.cy(),
                    Cell {
                        text: w.text.clone(),
                        value: None,
                        page: l.page,
                        line: l.line,
                    },
                )),
                Kind::Code => {
                    // A label printed across the code column (a total row's 合计).
                    let right =
                        (c + 1..layout.len()).find(|&k| matches!(layout[k].kind, Kind::Label));
                    match right {
                        Some(k) => push_part(&mut text_parts, k, w),
                        None => reading.unplaced.push(Unplaced {
                            document: doc.name.clone(),
                            page: l.page,
                            line: l.line,
                            table: spec.number,
                            text: w.text.clone(),
                            why: "not a code in the code column".into(),
                        }),
                    }
                }
                Kind::Label | Kind::Item => {
                    if amount(&w.text).is_some() && !is_code(&w.text) {
                        reading.unplaced.push(Unplaced {
                            document: doc.name.clone(),
                            page: l.page,
                            line: l.line,
                            table: spec.number,
                            text: w.text.clone(),
                            why: format!("a figure under the text column `{}`", layout[c].path),
                        });
                    } else {
                        push_part(&mut text_parts, c, w)
                    }
                }
            }
        }
        for (c, words) in text_parts {
            fragments.push(Fragment {
                col: c,
                page: l.page,
                line: l.line,
                y0: words.iter().map(|w| w.y0).fold(f64::MAX, f64::min),
                y1: words.iter().map(|w| w.y1).fold(f64::MIN, f64::max),
                text: words
                    .iter()
                    .map(|w| w.text.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
                anchored,
                figures: l.words.iter().any(|w| amount(&w.text).is_some()),
            });
        }
    }
    // Text cells: a fragment continues the cell above in its column when it follows closely
    // (wrapped text), starts with no numbering and its line prints no code or figure.
    struct TextCell {
        col: usize,
        page: usize,
        line: usize,
        y0: f64,
        y1: f64,
        last_y0: f64,
        h: f64,
        text: String,
        open: bool,
        /// Whether the cell's first line prints a figure (then the cell is that row's).
        first_figures: bool,
        /// The page of its last line (a cell may continue on the next page).
        last_page: usize,
    }
    // In a table with a code column every row prints its code: text on a line without one is
    // a wrapped label centred on the nearest code line, and belongs to that row.
    let coded_lines: Vec<(usize, f64)> = body
        .iter()
        .filter(|l| {
            l.words
                .iter()
                .any(|w| layout[col_of(w.cx())].kind == Kind::Code && is_code(&w.text))
        })
        .map(|l| (l.page, l.cy()))
        .collect();
    let mut heights: Vec<f64> = body
        .iter()
        .flat_map(|l| l.words.iter().map(Word::height))
        .collect();
    heights.sort_by(f64::total_cmp);
    let typical = heights.get(heights.len() / 2).copied().unwrap_or(9.0);
    // The closest two rows with figures are: wrapped text is closer than that (a figure
    // printed a little low is not a row of its own).
    let figure_lines: Vec<(usize, f64)> = body
        .iter()
        .filter(|l| l.words.iter().any(|w| amount(&w.text).is_some()))
        .map(|l| (l.page, l.cy()))
        .collect();
    let row_pitch = figure_lines
        .windows(2)
        .filter(|w| w[0].0 == w[1].0 && w[1].1 - w[0].1 > 1.2 * typical)
        .map(|w| w[1].1 - w[0].1)
        .fold(f64::INFINITY, f64::min);
    let mut texts: Vec<TextCell> = Vec::new();
    for f in fragments {
        let h = f.y1 - f.y0;
        let own_row = f.figures || numbered(&f.text) || {
            let c = compact(&f.text);
            c == "合计" || c == "总计"
        };
        if !f.anchored && !own_row {
            let cy = (f.y0 + f.y1) / 2.0;
            let nearest = coded_lines
                .iter()
                .filter(|(page, y)| *page == f.page && (y - cy).abs() < 1.2 * h)
                .min_by(|a, b| (a.1 - cy).abs().total_cmp(&(b.1 - cy).abs()));
            if let Some(&(_, y)) = nearest {
                texts.push(TextCell {
                    col: f.col,
                    page: f.page,
                    line: f.line,
                    y0: y - h / 2.0,
                    y1: y + h / 2.0,
                    last_y0: f.y0,
                    h,
                    text: f.text,
                    open: false,
                    first_figures: true,
                    last_page: f.page,
                });
                continue;
            }
        }
        let prev = texts.iter_mut().rev().find(|t| t.col == f.col);
        // In a coded table a wrapped label sits beside its code line (placed above); text
        // further away is a row of its own.
        // Text wrapped in a cell is centred on its row: a line of figures printed between
        // the cell's first line and this one is the row both belong to.
        let centred = |p: &TextCell| {
            let first = (p.y0 + p.y0 + p.h) / 2.0;
            let cy = (f.y0 + f.y1) / 2.0;
            !p.first_figures
                && p.page == f.page
                && cy - first <= 3.5 * h.max(p.h)
                && figure_lines
                    .iter()
                    .any(|&(page, y)| page == f.page && y > first + 2.0 && y < cy - 2.0)
        };
        let continues = match &prev {
            Some(p) => {
                coded_lines.is_empty()
                    && !f.anchored
                    && !numbered(&f.text)
                    && p.open
                    && ((p.last_page == f.page
                        && f.y0 - p.last_y0 <= (2.1 * h.max(p.h)).min(0.8 * row_pitch))
                        || centred(p)
                        || (p.last_page + 1 == f.page && !f.figures))
            }
            None => false,
        };
        if continues {
            let p = prev.expect("checked");
            p.text.push_str(&f.text);
            if p.page == f.page {
                p.y1 = f.y1;
            }
            p.last_y0 = f.y0;
            p.last_page = f.page;
        } else {
            texts.push(TextCell {
                col: f.col,
                page: f.page,
                line: f.line,
                y0: f.y0,
                y1: f.y1,
                last_y0: f.y0,
                h,
                text: f.text,
                open: true,
                first_figures: f.figures,
                last_page: f.page,
            });
        }
    }
    for t in texts {
        cells.push((
            t.col,
            (t.y0 + t.y1) / 2.0,
            Cell {
                text: t.text,
                value: None,
                page: t.page,
                line: t.line,
            },
        ));
    }
    // Rows: cells whose centres share a band, top to bottom.
    cells.sort_by(|a, b| {
        (a.2.page, a.1)
            .partial_cmp(&(b.2.page, b.1))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    // Cells of one row share a band about a word's height (a figure may sit a little low).
    let band = (0.9 * typical).min(0.4 * row_pitch).max(4.0);
    // (page, centre, the cells with their columns)
    type Band = (usize, f64, Vec<(usize, Cell)>);
    let mut bands: Vec<Band> = Vec::new();
    for (c, y, cell) in cells {
        match bands.last_mut() {
            Some((page, by, members)) if *page == cell.page && (y - *by).abs() < band => {
                members.push((c, cell))
            }
            _ => bands.push((cell.page, y, vec![(c, cell)])),
        }
    }
    let mut rows = Vec::new();
    for (_, _, members) in bands {
        let mut code = String::new();
        let mut label: Option<Cell> = None;
        let mut row_cells: Vec<Option<Cell>> = vec![None; value_cols.len()];
        let mut at = (usize::MAX, usize::MAX);
        for (c, cell) in members {
            at = at.min((cell.page, cell.line));
            match layout[c].kind {
                // 款 and 项 printed in columns of their own are two digits each: a part printed
                // without its leading zero (`301 2` for 30102) is read as the code it names.
                Kind::Code if !code.is_empty() && cell.text.len() == 1 => {
                    code.push('0');
                    code.push_str(&cell.text)
                }
                Kind::Code => code.push_str(&cell.text),
                Kind::Label => match &mut label {
                    Some(l) => l.text.push_str(&cell.text),
                    None => label = Some(cell),
                },
                Kind::Amount | Kind::Item => {
                    let k = value_cols
                        .iter()
                        .position(|&v| v == c)
                        .expect("a value column");
                    match &row_cells[k] {
                        None => row_cells[k] = Some(cell),
                        Some(_) => reading.unplaced.push(Unplaced {
                            document: doc.name.clone(),
                            page: cell.page,
                            line: cell.line,
                            table: spec.number,
                            text: cell.text.clone(),
                            why: format!("two figures in one cell of `{}`", layout[c].path),
                        }),
                    }
                }
            }
        }
        rows.push(Row {
            code: (!code.is_empty()).then_some(code),
            label: label.map(|l| l.text).unwrap_or_default(),
            page: at.0,
            line: at.1,
            cells: row_cells,
        });
    }
    let empty = empty || rows.iter().all(|r| r.blank(&columns));
    reading.tables.push(Table {
        number: spec.number,
        title: spec.title.clone(),
        printed_title: printed.to_owned(),
        department,
        unit,
        document: doc.name.clone(),
        page: first_page,
        columns,
        rows,
        empty,
    });
}

/// Places points `xs` (sorted) on slots `at` (sorted, at least as many), keeping their order,
/// with the least total distance; returns each point's slot.
fn assign(xs: &[f64], at: &[f64]) -> Vec<usize> {
    let (n, m) = (xs.len(), at.len());
    // cost[i][j]: best for the first i points on the first j slots.
    let mut cost = vec![vec![f64::INFINITY; m + 1]; n + 1];
    let mut take = vec![vec![false; m + 1]; n + 1];
    for row in cost.iter_mut().take(1) {
        row.fill(0.0);
    }
    for i in 1..=n {
        for j in 1..=m {
            let skip = cost[i][j - 1];
            let here = cost[i - 1][j - 1] + (xs[i - 1] - at[j - 1]).abs();
            if here <= skip {
                cost[i][j] = here;
                take[i][j] = true;
            } else {
                cost[i][j] = skip;
            }
        }
    }
    let mut out = vec![0; n];
    let (mut i, mut j) = (n, m);
    while i > 0 && j > 0 {
        if take[i][j] {
            out[i - 1] = j - 1;
            i -= 1;
        }
        j -= 1;
    }
    out
}

/// The header's cells: words close on a line joined (`金 额`), then text wrapped over lines
/// joined (`因公出国` / `（境）费`) where a line follows within two line heights and is
/// centred under it. Anchors are matched against these.
fn header_cells<'l>(lines: impl Iterator<Item = &'l Line>) -> (Vec<Word>, usize) {
    let mut cells: Vec<(Word, f64, f64, f64)> = Vec::new(); // cell, last y0, last cx, last width
    // Each line's own pieces are candidates too: a parent printed just above its child may
    // be taken for wrapped text, and the child must still be found.
    let mut pieces: Vec<Word> = Vec::new();
    for l in lines {
        let mut merged: Vec<Word> = Vec::new();
        for w in &l.words {
            match merged.last_mut() {
                Some(m)
                    if w.x0 - m.x1 < 0.9 * w.height()
                        || (w.x0 - m.x1 < 1.7 * w.height()
                            && w.text.chars().count() == 1
                            && m.text.chars().count() == 1) =>
                {
                    m.x1 = w.x1;
                    m.text.push_str(&w.text);
                }
                _ => merged.push(w.clone()),
            }
        }
        pieces.extend(l.words.iter().cloned());
        for w in merged {
            pieces.push(w.clone());
            let h = w.height();
            // Wrapped text stays centred (or left-aligned) under its first line; a child
            // header under its parent is centred on its own column.
            let above = cells.iter_mut().rev().find(|(cell, y0, cx, _)| {
                let dy = w.y0 - *y0;
                dy > 0.3 * h
                    && dy <= 1.95 * h
                    && ((w.cx() - *cx).abs() < 3.0 || (w.x0 - cell.x0).abs() < 3.0)
            });
            match above {
                Some((cell, y0, cx, _)) => {
                    cell.text.push_str(&w.text);
                    cell.x0 = cell.x0.min(w.x0);
                    cell.x1 = cell.x1.max(w.x1);
                    cell.y1 = w.y1;
                    *y0 = w.y0;
                    *cx = w.cx();
                }
                None => {
                    let (y0, cx, width) = (w.y0, w.cx(), w.x1 - w.x0);
                    cells.push((w, y0, cx, width));
                }
            }
        }
    }
    let mut out: Vec<Word> = cells.into_iter().map(|(w, ..)| w).collect();
    let whole = out.len();
    for p in pieces {
        if !out
            .iter()
            .any(|w| w.text == p.text && (w.x0 - p.x0).abs() < 0.1 && (w.y0 - p.y0).abs() < 0.1)
        {
            out.push(p);
        }
    }
    (out, whole)
}

/// The template's header path with its last part as printed (`金额` where a year prints
/// `基本支出`), when the printed header was read whole.
fn with_leaf(path: &str, printed: Option<&str>) -> String {
    match (path.rsplit_once(" / "), printed) {
        (_, None) => path.to_owned(),
        // A piece of a header the reader could not rejoin (`基` of 基 / 本支出) is not a name.
        (Some((parents, leaf)), Some(p)) if !compact(leaf).starts_with(p) => {
            format!("{parents} / {p}")
        }
        (None, Some(p)) if !compact(path).starts_with(p) => p.to_owned(),
        _ => path.to_owned(),
    }
}

fn push_part<'w>(parts: &mut Vec<(usize, Vec<&'w Word>)>, col: usize, w: &'w Word) {
    match parts.iter_mut().find(|(c, _)| *c == col) {
        Some((_, words)) => words.push(w),
        None => parts.push((col, vec![w])),
    }
}

/// A classification code (or a 类/款/项 part of one).
fn is_code(text: &str) -> bool {
    let t = text.trim();
    (2..=7).contains(&t.len()) && t.chars().all(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_as_printed() {
        assert_eq!(amount("21,940.96"), Some(Decimal::new(2194096, 2)));
        assert_eq!(amount("1895.00"), Some(Decimal::new(189500, 2)));
        assert_eq!(amount("0"), Some(Decimal::ZERO));
        assert_eq!(amount("-1.5"), Some(Decimal::new(-15, 1)));
        assert_eq!(amount("一、"), None);
        assert_eq!(amount("2018年"), None);
        assert_eq!(amount("1.一般"), None);
    }

    #[test]
    fn figures_keep_their_order_on_the_nearest_columns() {
        // 支出预算总表 printed with figures right of their headers' centres.
        let at = [159.0, 271.0, 329.0, 406.0, 487.0];
        assert_eq!(assign(&[220.0, 277.0, 337.0, 432.0], &at), vec![0, 1, 2, 3]);
        assert_eq!(assign(&[480.0], &at), vec![4]);
    }

    #[test]
    fn numbering_is_stripped() {
        assert_eq!(
            strip_numbering("公开 05 表：财政拨款支出预算表"),
            "财政拨款支出预算表"
        );
        assert_eq!(
            strip_numbering("表五 财政拨款支出预算表"),
            "财政拨款支出预算表"
        );
        assert_eq!(
            strip_numbering("五、财政拨款支出预算表"),
            "财政拨款支出预算表"
        );
        assert_eq!(
            strip_numbering("2025年部门财务收支预算总表"),
            "财务收支预算总表"
        );
        assert!(numbered("1.一般公共预"));
        assert!(numbered("二、外交支出"));
        assert!(numbered("（一）基本"));
        assert!(!numbered("算"));
        assert!(!numbered("2040401"));
    }
}
