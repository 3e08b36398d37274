//! Performance (表12 indicators and tasks, annual goals), consistency checks and statements.

use super::common::object;
use super::common::{Decimal, decimal};
use super::projects::Project;
use crate::error::Result;
use crate::loaders::*;
use async_graphql::{Context, Enum, Object, SimpleObject};
use entity::{consistency_check, goal, indicator, note, performance_task};

/// How a parsed target compares.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::Comparator")]
pub enum Comparator {
    /// Exactly (`6幅`, `100%`).
    Eq,
    /// At least (`≥3850 个`, `不少于 50 平方公里`, `99%以上`, the value a rise reaches:
    /// `提升到 25%`).
    Gte,
    /// At most (`≤2%`, `4小时内`, `以下`, the value a fall reaches).
    Lte,
    /// More than.
    Gt,
    /// Less than (`＜0.4%`).
    Lt,
}

/// One condition a target states: `subject comparator value unit` (`下行速率 ≥ 20 M`).
#[derive(SimpleObject)]
pub struct TargetCondition {
    /// What is measured, where the target names it (`单用户下行速率`, `材料关联率`); null
    /// where the indicator itself is the subject.
    pub subject: Option<String>,
    /// How the value compares (`99%以上` is `GTE`, `4小时内` `LTE`, no word `EQ`).
    pub comparator: Comparator,
    /// The number.
    pub value: Decimal,
    /// Its unit as printed (`%`, `个`, `平方公里`, `次/天`), where printed.
    pub unit: Option<String>,
}

/// A number with its unit.
#[derive(SimpleObject)]
pub struct TargetQuantity {
    /// The number.
    pub value: Decimal,
    /// Its unit as printed, where printed.
    pub unit: Option<String>,
}

/// A performance indicator of 表12 (部门整体支出绩效目标表).
pub struct Indicator(pub indicator::Model);

object! {
    /// A performance indicator of 表12 (部门整体支出绩效目标表).
    #[Object]
    impl Indicator {
        /// Row order in the table.
        async fn position(&self) -> i32 {
            self.0.position
        }
        /// 一级指标 (产出, 效益, 满意度).
        async fn category(&self) -> &str {
            &self.0.category
        }
        /// 二级指标 (数量, 质量, 时效, 成本, 社会效益, …).
        async fn subcategory(&self) -> &str {
            &self.0.subcategory
        }
        /// 三级指标: the indicator as printed.
        async fn name(&self) -> &str {
            &self.0.name
        }
        /// 目标值: the target as printed.
        async fn target(&self) -> &str {
            &self.0.target
        }
        /// Parsed comparator of the target's first condition; null where it states no number.
        async fn comparator(&self) -> Option<Comparator> {
            self.0.comparator.map(Into::into)
        }
        /// Parsed numeric value of the target's first condition.
        async fn value(&self) -> Option<Decimal> {
            self.0.value.map(decimal)
        }
        /// Parsed unit of the target's first condition (`个`, `%`, `平方公里`).
        async fn value_unit(&self) -> Option<&str> {
            self.0.value_unit.as_deref()
        }
        /// Every condition the target states, in printed order (`comparator`, `value` and
        /// `valueUnit` are the first); empty where the target states no number (`不扣分`). A
        /// change target (`由 17.5%提升到 25%`) is its `baseline` and the value to reach
        /// (`GTE 25 %`; `LTE` for a fall).
        async fn conditions(&self) -> Vec<TargetCondition> {
            seed::indicator::parse_all(&self.0.target)
                .conditions
                .into_iter()
                .map(|c| TargetCondition {
                    subject: c.subject,
                    comparator: c.comparator.into(),
                    value: Decimal(c.value),
                    unit: c.unit,
                })
                .collect()
        }
        /// The starting value of a change target (`由 17.5%提升到 25%`: 17.5 %); null otherwise.
        async fn baseline(&self) -> Option<TargetQuantity> {
            seed::indicator::parse_all(&self.0.target)
                .baseline
                .map(|b| TargetQuantity {
                    value: Decimal(b.value),
                    unit: b.unit,
                })
        }
        /// Where it is printed.
        source(self.0.source_id);
    }
}

/// Kind of annual goal.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::GoalKind")]
pub enum GoalKind {
    /// 主要工作目标 (第一部分).
    Work,
    /// 年度总体目标 (表12).
    Performance,
}

/// An annual goal.
pub struct Goal(pub goal::Model);

object! {
    /// An annual goal.
    #[Object]
    impl Goal {
        /// Which list it belongs to.
        async fn kind(&self) -> GoalKind {
            self.0.kind.into()
        }
        /// Order within its list.
        async fn position(&self) -> i32 {
            self.0.position
        }
        /// The goal's heading, where printed.
        async fn title(&self) -> Option<&str> {
            self.0.title.as_deref()
        }
        /// The goal as printed.
        async fn text(&self) -> &str {
            &self.0.text
        }
        /// Where it is printed.
        source(self.0.source_id);
    }
}

/// Kind of annual task.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::TaskKind")]
pub enum TaskKind {
    /// 基本支出.
    Basic,
    /// A project.
    Project,
    /// 金额合计.
    Total,
}

/// A 年度主要任务 row of 表12.
pub struct Task(pub performance_task::Model);

object! {
    /// A 年度主要任务 row of 表12.
    #[Object]
    impl Task {
        /// Kind of row.
        async fn kind(&self) -> TaskKind {
            self.0.kind.into()
        }
        /// 任务名称 as printed.
        async fn name(&self) -> &str {
            &self.0.name
        }
        /// 主要内容 as printed.
        async fn content(&self) -> Option<&str> {
            self.0.content.as_deref()
        }
        /// 总额 in `unit`.
        money total(self.0.total);
        /// 其中：财政拨款.
        money fiscal(self.0.fiscal);
        /// 其中：其他资金.
        money other(self.0.other);
        /// 总额 compared with the task of the same name in another year.
        change TasksOf(name);
        /// The project the task funds.
        async fn project(&self, ctx: &Context<'_>) -> Result<Option<Project>> {
            Ok(one::<ProjectById>(ctx, self.0.project_id)
                .await?
                .map(Project))
        }
        /// Where it is printed.
        source(self.0.source_id);
    }
}

/// Outcome of a consistency check.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::CheckStatus")]
pub enum CheckStatus {
    /// The identity holds exactly.
    Ok,
    /// Off by at most 1 万元: the tail error the disclosure warns of (尾数误差).
    Rounding,
    /// Off by more: a transcription error (never loaded; listed for completeness).
    Mismatch,
}

/// An identity the disclosure should satisfy, computed when it was loaded. Printed figures
/// are never corrected; the difference is reported.
pub struct Check(pub consistency_check::Model);

impl Check {
    pub fn has_status(&self, status: Option<CheckStatus>) -> bool {
        status.is_none_or(|s| entity::CheckStatus::from(s) == self.0.status)
    }
}

/// An identity the disclosure should satisfy, computed when it was loaded. Printed figures
/// are never corrected; the difference is reported.
#[Object]
impl Check {
    /// Stable key (`tree.table-8.ECONOMIC.302.total`).
    async fn key(&self) -> &str {
        &self.0.key
    }
    /// What is checked, in words.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// The printed figure, in the budget's `unit` (万元, or 元 for a disclosure printed in 元).
    async fn expected(&self) -> Decimal {
        decimal(self.0.expected)
    }
    /// What the parts add up to, or the other table's figure (in the budget's `unit`).
    async fn actual(&self) -> Decimal {
        decimal(self.0.actual)
    }
    /// `actual − expected` (in the budget's `unit`).
    async fn difference(&self) -> Decimal {
        decimal(self.0.difference)
    }
    /// The outcome.
    async fn status(&self) -> CheckStatus {
        self.0.status.into()
    }
}

/// A statement of the disclosure that is not a figure (notes under tables, explanations).
pub struct Statement(pub note::Model);

object! {
    /// A statement of the disclosure that is not a figure (notes under tables, explanations).
    #[Object]
    impl Statement {
        /// The statement as printed.
        async fn text(&self) -> &str {
            &self.0.text
        }
        /// Where it is printed.
        source(self.0.source_id);
    }
}
