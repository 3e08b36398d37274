//! Where the money of a printed row comes from: the revenue-source columns of 表4 (basic
//! expenditure by economic class) and 表5 (projects), from the stored allocations.

use super::classification::ClassificationNode;
use super::common::object;
use super::common::{Decimal, MoneyUnit, money_of};
use crate::error::Result;
use crate::loaders::*;
use async_graphql::{Context, Object};
use entity::allocation;

/// One revenue-source column of a printed row: how much of the row a source funds.
pub struct Funding(pub allocation::Model);

object! {
    /// One revenue-source column of a printed row (表4, 表5): how much of the row a source funds.
    #[Object]
    impl Funding {
        /// The revenue source (a node of the `REVENUE` classification: 一般公共预算拨款 →
        /// 履职类项目拨款, …). Subtotal columns (`101` 一般公共预算拨款 小计) are listed too: add up
        /// the sources without children among them to get the row's total.
        async fn revenue_source(&self, ctx: &Context<'_>) -> Result<Option<ClassificationNode>> {
            Ok(one::<NodeById>(ctx, self.0.revenue_node_id)
                .await?
                .map(ClassificationNode))
        }
        /// The amount in `unit` (a printed 0 is 0).
        async fn amount(
            &self,
            ctx: &Context<'_>,
            #[graphql(default, desc = "Unit of the result.")] unit: MoneyUnit,
        ) -> Option<Decimal> {
            money_of(ctx, self.0.source_id, Some(self.0.amount), unit)
        }
        /// The table the column is printed in (表4 or 表5).
        source(self.0.source_id);
    }
}

/// The revenue-source columns of one printed row of a department-year, in printed order:
/// `row` is the row's economic code (表4), project key (表5), or empty for the department's
/// row; `table` the table number.
pub async fn funding(
    ctx: &Context<'_>,
    key: DeptYear,
    table: i32,
    row: &str,
) -> Result<Vec<Funding>> {
    let rows = many::<AllocationsOf>(ctx, key).await?;
    let sources = ctx
        .data_unchecked::<Loaders>()
        .load_many(rows.iter().map(|a| One::<SourceById>::new(a.source_id)))
        .await?;
    let in_table = |a: &allocation::Model| {
        sources
            .get(&One::new(a.source_id))
            .is_some_and(|s| s.table_number == Some(table))
    };
    Ok(rows
        .iter()
        .filter(|a| a.row_key == row && in_table(a))
        .cloned()
        .map(Funding)
        .collect())
}
