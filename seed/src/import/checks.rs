//! The disclosure's own identities, on the printed cells: children sum to their parent within
//! a coded table (and the top rows to its 合计), and the template's agreements between tables
//! (revenue = spending, the function table against 收支总表, 财政拨款 = 一般公共预算 + 政府性基金,
//! the basic-expenditure table against the 基本支出 figure, 三公 sums). The rule is the loader's
//! ([`crate::checks::status_of`]): a difference of at most 1 of the table's unit is ROUNDING.
//! Printed figures are never corrected.

use super::reader::{Table, compact, strip_numbering};
use super::template::{Kind, Template};
pub use crate::checks::Status;
use rust_decimal::Decimal;

/// One identity's outcome.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub name: String,
    pub status: Status,
    pub printed: Decimal,
    pub computed: Decimal,
    /// Where the printed figure is: table, row, page.
    pub at: String,
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}: printed {} but parts give {} (difference {}); {}",
            self.status.as_str(),
            self.name,
            self.printed,
            self.computed,
            self.computed - self.printed,
            self.at
        )
    }
}

fn outcome(name: String, printed: Decimal, computed: Decimal, at: String) -> Outcome {
    Outcome {
        status: crate::checks::status_of(computed - printed),
        name,
        printed,
        computed,
        at,
    }
}

/// A total row's label.
pub fn is_total(label: &str) -> bool {
    let l = compact(label);
    l == "合计" || l == "总计"
}

/// Runs every identity over the tables read.
pub fn run(tables: &[Table], template: &Template) -> Vec<Outcome> {
    let mut out = Vec::new();
    for t in tables {
        tree_sums(t, &mut out);
    }
    for agree in &template.agree {
        let (Some(left), Some(right)) = (sum(tables, &agree.left), sum(tables, &agree.right))
        else {
            continue;
        };
        out.push(outcome(
            agree.name.clone(),
            left.0,
            right.0,
            format!("{} ({} = {})", left.1, agree.left, agree.right),
        ));
    }
    out
}

/// Children add up to their nearest printed ancestor; top-level rows to the total row.
fn tree_sums(t: &Table, out: &mut Vec<Outcome>) {
    let coded: Vec<(usize, &str)> = t
        .rows
        .iter()
        .enumerate()
        .filter_map(|(i, r)| r.code.as_deref().map(|c| (i, c)))
        .collect();
    if coded.is_empty() {
        return;
    }
    let parent_of = |code: &str| -> Option<usize> {
        let mut len = code.len();
        while len > 3 {
            len -= 2;
            if let Some((i, _)) = coded
                .iter()
                .find(|(_, c)| c.len() == len && code.starts_with(c))
            {
                return Some(*i);
            }
        }
        None
    };
    let total = t
        .rows
        .iter()
        .position(|r| r.code.is_none() && is_total(&r.label));
    let mut groups: Vec<(Option<usize>, Vec<usize>)> = Vec::new();
    for &(i, code) in &coded {
        let parent = parent_of(code).or(total);
        let Some(parent) = parent else { continue };
        match groups.iter_mut().find(|(p, _)| *p == Some(parent)) {
            Some((_, kids)) => kids.push(i),
            None => groups.push((Some(parent), vec![i])),
        }
    }
    for (parent, kids) in groups {
        let parent = parent.expect("grouped by a parent");
        let p = &t.rows[parent];
        for (k, column) in t.columns.iter().enumerate() {
            if column.kind != Kind::Amount {
                continue;
            }
            let Some(printed) = p.cells[k].as_ref().and_then(|c| c.value) else {
                continue;
            };
            let parts: Decimal = kids
                .iter()
                .filter_map(|&i| t.rows[i].cells[k].as_ref().and_then(|c| c.value))
                .sum();
            let what = p.code.clone().unwrap_or_else(|| compact(&p.label));
            out.push(outcome(
                format!(
                    "表{} {what} {}: children sum ({})",
                    t.number,
                    compact(&p.label),
                    column.key
                ),
                printed,
                parts,
                format!("{}, page {}, line {}", t.document, p.page, p.line),
            ));
        }
    }
}

/// `T:column:row(+T:column:row…)`: the sum of the cells named; `None` if a table, column or
/// row is not printed (the identity does not apply). A blank cell counts 0.
fn sum(tables: &[Table], spec: &str) -> Option<(Decimal, String)> {
    let mut total = Decimal::ZERO;
    let mut first_at = None;
    for part in spec.split('+') {
        let mut it = part.splitn(3, ':');
        let number: i32 = it.next()?.trim().parse().ok()?;
        let column = it.next()?.trim();
        let row = it.next()?.trim();
        let t = tables.iter().find(|t| t.number == number)?;
        let k = t.columns.iter().position(|c| c.key == column)?;
        let wanted = compact(row);
        let r = if row == "*" {
            t.rows.iter().find(|r| r.cells[k].is_some())?
        } else {
            t.rows.iter().find(|r| {
                r.code.as_deref() == Some(wanted.as_str())
                    || compact(&r.label) == wanted
                    || strip_numbering(&r.label) == strip_numbering(&wanted)
                    || r.cells.iter().zip(&t.columns).any(|(c, col)| {
                        col.kind == Kind::Item
                            && c.as_ref().is_some_and(|c| {
                                compact(&c.text) == wanted
                                    || strip_numbering(&c.text) == strip_numbering(&wanted)
                            })
                    })
            })?
        };
        total += r.cells[k]
            .as_ref()
            .and_then(|c| c.value)
            .unwrap_or_default();
        first_at.get_or_insert_with(|| {
            format!(
                "表{} row `{}`, {} page {} line {}",
                t.number,
                compact(&r.label),
                t.document,
                r.page,
                r.line
            )
        });
    }
    Some((total, first_at?))
}
