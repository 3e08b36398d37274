//! The values the store keeps as text, one Rust enum each. The loader writes them, the API
//! reads them (its GraphQL enums are derived from these), and a stored value that is not one
//! of them is an error when a row is read, never a default.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// An enum stored as its `SCREAMING_SNAKE_CASE` text (the same text in the CSV files), with
/// `as_str` giving that text.
macro_rules! stored_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:tt,)+ }) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            EnumIter, DeriveActiveEnum, Deserialize, Serialize,
        )]
        #[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
        pub enum $name {
            $(
                $(#[$vmeta])*
                #[sea_orm(string_value = $text)]
                #[serde(rename = $text)]
                $variant,
            )+
        }

        impl $name {
            /// The stored text.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $text,)+
                }
            }
        }
    };
}

stored_enum! {
    /// A classification scheme of a node, or `Project` for the 表5 rows of `budget_line`.
    Scheme {
        /// 支出功能分类.
        Functional = "FUNCTIONAL",
        /// 支出经济分类.
        Economic = "ECONOMIC",
        /// Revenue sources.
        Revenue = "REVENUE",
        /// A 表5 row: a project, not a classification node.
        Project = "PROJECT",
    }
}

stored_enum! {
    /// The level of a government.
    GovernmentLevel {
        /// 省 (or a municipality directly under the central government).
        Province = "PROVINCE",
        /// 市.
        City = "CITY",
        /// 区 or 县.
        District = "DISTRICT",
    }
}

stored_enum! {
    /// How a figure is known.
    Basis {
        /// Printed in the disclosure.
        Printed = "PRINTED",
        /// A prior-year figure stated only as a comparison.
        DerivedFromComparison = "DERIVED_FROM_COMPARISON",
    }
}

stored_enum! {
    /// Which staff a staffing row counts.
    Scope {
        /// The department as a whole.
        Consolidated = "CONSOLIDATED",
        /// The unit alone.
        Own = "OWN",
    }
}

stored_enum! {
    /// Which list an annual goal belongs to.
    GoalKind {
        /// 主要工作目标.
        Work = "WORK",
        /// 年度总体目标 (表12).
        Performance = "PERFORMANCE",
    }
}

stored_enum! {
    /// Kind of a 表12 年度主要任务 row.
    TaskKind {
        /// 基本支出.
        Basic = "BASIC",
        /// A project.
        Project = "PROJECT",
        /// 金额合计.
        Total = "TOTAL",
    }
}

stored_enum! {
    /// Outcome of a consistency check.
    CheckStatus {
        /// Exact.
        Ok = "OK",
        /// Off by at most 1 万元.
        Rounding = "ROUNDING",
        /// Off by more.
        Mismatch = "MISMATCH",
    }
}

stored_enum! {
    /// How a parsed indicator target compares.
    Comparator {
        /// Equal.
        Eq = "EQ",
        /// At least.
        Gte = "GTE",
        /// At most.
        Lte = "LTE",
        /// More than.
        Gt = "GT",
        /// Less than.
        Lt = "LT",
    }
}
