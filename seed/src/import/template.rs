//! A family's template: which printed titles are which table, which header column is which
//! measure, how the income side maps to revenue sources, which tables must agree. Templates are
//! data (`seed/templates/<family>.json`), compiled in; a new region is a new file.

use serde::Deserialize;

/// What a printed column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A classification code (or one part of it: 类, 款, 项 printed in columns of their own).
    Code,
    /// The row's label.
    Label,
    /// A second or third label column beside amounts (the other side of a 收支总表).
    Item,
    /// A figure.
    Amount,
}

/// One printed column of a table, left to right.
#[derive(Debug, Clone, Deserialize)]
pub struct ColumnSpec {
    /// The header word that sits over this column (its first printed line, when it wraps);
    /// `=` first means the whole word, not a prefix, `*` anywhere in it; `|` separates
    /// alternatives.
    pub anchor: String,
    pub kind: Kind,
    /// A stable machine key for an amount or item column (`total`, `basic`, …).
    #[serde(default)]
    pub key: Option<String>,
    /// The header texts from the top down to the column, ` / `-joined, as printed.
    #[serde(default)]
    pub path: String,
}

impl ColumnSpec {
    /// Whether a header word is this column's anchor.
    pub fn matches(&self, word: &str) -> bool {
        self.anchor.split('|').any(|anchor| {
            if let Some(whole) = anchor.strip_prefix('=') {
                word == whole
            } else if let Some(part) = anchor.strip_prefix('*') {
                word.contains(part)
            } else {
                word.starts_with(anchor)
            }
        })
    }
}

/// One of the family's tables.
#[derive(Debug, Clone, Deserialize)]
pub struct TableSpec {
    /// The table's number (source `table-N`).
    pub number: i32,
    /// The canonical title, as the source names it.
    pub title: String,
    /// The titles as printed, after the numbering (公开05表： / 表五 / 五、 / 2025年部门): the
    /// first that the printed title starts with wins, so list longer titles first across the
    /// family's tables where one is a prefix of another.
    pub titles: Vec<String>,
    /// The classification its code column prints (`FUNCTIONAL` or `ECONOMIC`), if any.
    #[serde(default)]
    pub scheme: Option<String>,
    /// The printed layouts, tried in order: the first whose anchors are all found in the
    /// header is used (a family changes a table's columns between years).
    pub layouts: Vec<Vec<ColumnSpec>>,
}

/// A revenue source: the printed label of a row of the income side, and its code.
#[derive(Debug, Clone, Deserialize)]
pub struct RevenueSpec {
    /// Printed labels (whitespace and numbering removed) that mean this source.
    pub labels: Vec<String>,
    pub code: String,
    #[serde(default)]
    pub parent: Option<String>,
    pub name: String,
    #[serde(default)]
    pub name_en: String,
}

/// Where a semantic figure is read from.
#[derive(Debug, Clone, Deserialize)]
pub struct Lines {
    pub table: i32,
    /// Amount column keys filling a budget line's total / basic / project.
    #[serde(default)]
    pub total: Option<String>,
    #[serde(default)]
    pub basic: Option<String>,
    #[serde(default)]
    pub project: Option<String>,
}

/// A 三公 item: the column of the 三公 table that prints it.
#[derive(Debug, Clone, Deserialize)]
pub struct ThreePublicSpec {
    pub column: String,
    pub key: String,
    #[serde(default)]
    pub parent: Option<String>,
    pub name: String,
    pub name_en: String,
}

/// Two printed figures that must be equal (a row of a table against a row of another, or a
/// whole column against another): `table:column[:row label or code]`.
#[derive(Debug, Clone, Deserialize)]
pub struct Agree {
    pub name: String,
    pub left: String,
    pub right: String,
}

/// The family's semantic reading.
#[derive(Debug, Clone, Deserialize)]
pub struct Semantic {
    pub functional: Vec<Lines>,
    pub economic: Vec<Lines>,
    /// The income side: table, its label column's key (`label` for the row label, or an item
    /// column), the amount column.
    pub revenue: RevenueSide,
    /// 收入合计 / 支出合计: `table:column:label`.
    pub revenue_total: String,
    pub expenditure_total: String,
    #[serde(default)]
    pub three_public_table: Option<i32>,
    #[serde(default)]
    pub three_public: Vec<ThreePublicSpec>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RevenueSide {
    pub table: i32,
    pub column: String,
    pub sources: Vec<RevenueSpec>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Government {
    pub code: String,
    pub name: String,
    pub name_en: String,
    pub level: String,
}

/// A family's template.
#[derive(Debug, Clone, Deserialize)]
pub struct Template {
    pub family: String,
    /// Texts one of which the document's first pages print (the government's name).
    pub detect: Vec<String>,
    pub government: Government,
    /// The labels before a table's department name (`部门：`, `编制部门：`).
    pub department_labels: Vec<String>,
    pub tables: Vec<TableSpec>,
    pub semantic: Semantic,
    #[serde(default)]
    pub agree: Vec<Agree>,
}

/// Every family's template, compiled in.
pub fn all() -> Vec<Template> {
    [
        include_str!("../../templates/jiangsu.json"),
        include_str!("../../templates/shanghai.json"),
    ]
    .iter()
    .map(|text| serde_json::from_str(text).expect("a bundled template is valid JSON"))
    .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn bundled_templates_parse() {
        let all = super::all();
        assert!(all.iter().any(|t| t.family == "jiangsu"));
        assert!(all.iter().any(|t| t.family == "shanghai"));
    }
}
