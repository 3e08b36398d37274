//! Budget lines as trees: the rows a department-year serves for a scheme (one per
//! classification node and assembled by the node hierarchy.

use super::classification::{ClassificationNode, Scheme};
use super::common::object;
use super::common::{Basis, Change, compare_rows};
use super::funding::{Funding, funding};
use crate::catalog::Catalog;
use crate::error::Result;
use crate::loaders::*;
use async_graphql::{Context, Object};
use entity::{budget_line, classification_node};
use std::collections::HashMap;

/// A budget line: one classification node's amounts for a department-year, with its
/// sub-lines.
#[derive(Clone)]
pub struct BudgetLine {
    pub line: budget_line::Model,
    pub node: classification_node::Model,
    pub children: Vec<BudgetLine>,
}

/// Loads the lines a department-year serves for a scheme (one per node, chosen at load: see
/// `seed::Dataset::primary_lines`) and assembles them as trees.
pub async fn trees(ctx: &Context<'_>, key: DeptYear, scheme: Scheme) -> Result<Vec<BudgetLine>> {
    let key = (key.0, key.1, scheme.as_str().to_owned());
    let merged = many::<PrimaryLinesOf>(ctx, key).await?.to_vec();
    // Nodes come straight from the data version's catalogue.
    Ok(assemble(merged, catalog(ctx)))
}

fn assemble(lines: Vec<budget_line::Model>, catalog: &Catalog) -> Vec<BudgetLine> {
    let present: std::collections::HashSet<i32> = lines.iter().filter_map(|l| l.node_id).collect();
    let mut by_parent: HashMap<Option<i32>, Vec<BudgetLine>> = HashMap::new();
    for line in lines {
        let Some(node) = line.node_id.and_then(|id| catalog.node(id)).cloned() else {
            continue;
        };
        // A node whose parent has no row in this table is shown as a root.
        let parent = node.parent_id.filter(|p| present.contains(p));
        by_parent.entry(parent).or_default().push(BudgetLine {
            line,
            node,
            children: Vec::new(),
        });
    }
    fn attach(
        mut line: BudgetLine,
        by_parent: &mut HashMap<Option<i32>, Vec<BudgetLine>>,
    ) -> BudgetLine {
        let kids = by_parent.remove(&Some(line.node.id)).unwrap_or_default();
        line.children = kids.into_iter().map(|k| attach(k, by_parent)).collect();
        line.children.sort_by(|a, b| a.node.code.cmp(&b.node.code));
        line
    }
    let mut roots: Vec<BudgetLine> = by_parent
        .remove(&None)
        .unwrap_or_default()
        .into_iter()
        .map(|r| attach(r, &mut by_parent))
        .collect();
    roots.sort_by(|a, b| a.node.code.cmp(&b.node.code));
    roots
}

/// Narrows trees to the subtree of `code`, or to the lines at `level` (with their subtrees).
pub fn select(roots: Vec<BudgetLine>, level: Option<i32>, code: Option<&str>) -> Vec<BudgetLine> {
    fn walk(lines: Vec<BudgetLine>, keep: &dyn Fn(&BudgetLine) -> bool, out: &mut Vec<BudgetLine>) {
        for line in lines {
            if keep(&line) {
                out.push(line);
            } else {
                walk(line.children, keep, out);
            }
        }
    }
    let mut out = Vec::new();
    match (code, level) {
        (Some(code), _) => walk(roots, &|l| l.node.code == code, &mut out),
        (None, Some(level)) => walk(roots, &|l| l.node.level >= level, &mut out),
        (None, None) => out = roots,
    }
    out
}

object! {
    /// A budget line: one classification node's amounts for a department-year, with its
    /// sub-lines.
    #[Object]
    impl BudgetLine {
        /// Classification code (`2013799`).
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
        /// The row label as printed in the source table (with its ordinal, e.g. `一、一般公共服务支出`).
        async fn label(&self) -> &str {
            &self.line.label
        }
        /// Total (支出总计 / 收入) in `unit`; null if the table does not print it.
        money amount(self.line.total);
        /// Basic expenditure (基本支出); null if the table does not print it.
        money basic(self.line.basic);
        /// Project expenditure (项目支出); null if the table does not print it.
        money project(self.line.project);
        /// Government procurement (政府采购项目, 表3); null if not printed.
        money procurement(self.line.procurement);
        /// Procurement reserved for small and medium-sized enterprises; null if not printed.
        money sme_reserved(self.line.sme_reserved);
        /// Procurement reserved for small and micro enterprises; null if not printed.
        money small_micro_reserved(self.line.small_micro_reserved);
        /// Sub-lines (the next level of the classification), by code.
        async fn children(&self) -> &[BudgetLine] {
            &self.children
        }
        /// The classification node.
        async fn node(&self) -> ClassificationNode {
            ClassificationNode(self.node.clone())
        }
        /// How the amounts are known: budget lines are printed table rows (`PRINTED`).
        async fn basis(&self) -> Basis {
            Basis::Printed
        }
        /// For an economic line: its basic expenditure by revenue source, as 表4 prints it
        /// (工资福利支出: 一般公共预算拨款 1,704, …); empty for lines 表4 does not print.
        async fn basic_funding(&self, ctx: &Context<'_>) -> Result<Vec<Funding>> {
            if self.line.scheme != entity::Scheme::Economic {
                return Ok(Vec::new());
            }
            let key = (self.line.department_id, self.line.year);
            funding(ctx, key, 4, &self.node.code).await
        }
        /// The table this row is printed in.
        source(self.line.source_id);
        /// The total compared with the same node in another year (万元).
        async fn change(
            &self,
            ctx: &Context<'_>,
            #[graphql(desc = "Year to compare with.")] base_year: i32,
        ) -> Result<Change> {
            let line = &self.line;
            let base_key = (
                line.department_id,
                base_year,
                line.scheme.as_str().to_owned(),
            );
            let rows = many::<PrimaryLinesOf>(ctx, base_key).await?;
            let same = |l: &budget_line::Model| l.node_id == line.node_id;
            let renamed = |l: &&budget_line::Model| {
                line.node_id.is_some() && l.label.trim() != line.label.trim()
            };
            if let Some(base) = rows.iter().find(|l| same(l)).filter(renamed) {
                // The same code printed under another name: not the same line.
                let mut change = compare_rows(ctx, line, base_year, &[], same);
                change.unpaired_base_label = Some(base.label.clone());
                return Ok(change);
            }
            Ok(compare_rows(ctx, line, base_year, &rows, same))
        }
    }
}
