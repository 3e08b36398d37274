//! SeaORM entities of the open budget data store. No GraphQL here: the API wraps these models.
//!
//! Money and other figures are stored as `i64` counts of 1/10000 of the printed unit
//! (for 万元 that is one yuan), so both SQLite and PostgreSQL hold them exactly.

/// One table's entity: the model (an `id` primary key, then `fields`) with no relations and
/// the default behaviour, so each table's file holds only what is particular to it.
macro_rules! table {
    // `..stated { after }`: a stated figure's columns, the same in every table that stores one
    // (headline, project_budget, three_public), then `after`.
    ($(#[$meta:meta])* $name:literal { $($fields:tt)* } ..stated { $($after:tt)* }) => {
        table! {
            $(#[$meta])*
            $name {
                $($fields)*
                /// The change against the year before, as printed (1/10000 of the unit).
                pub stated_change: Option<i64>,
                /// The percent change against the year before, as printed (1/10000 of a percent).
                pub stated_percent: Option<i64>,
                /// How the figure is known.
                pub basis: crate::Basis,
                /// Where it is printed.
                pub source_id: i32,
                $($after)*
            }
        }
    };
    ($(#[$meta:meta])* $name:literal { $($fields:tt)* }) => {
        use sea_orm::entity::prelude::*;

        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
        #[sea_orm(table_name = $name)]
        pub struct Model {
            #[sea_orm(primary_key)]
            pub id: i32,
            $($fields)*
        }

        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {}

        impl ActiveModelBehavior for ActiveModel {}
    };
}

/// Calls `$callback!(module: Entity, …)` with every table, once, in dependency order (parents
/// before children): the modules and the prelude below, and the test suite's dump of the whole
/// store, are made from this list.
#[macro_export]
macro_rules! tables {
    ($callback:ident) => {
        $callback!(
            dataset: Dataset,
            fiscal_year: FiscalYear,
            source: Source,
            government: Government,
            department: Department,
            department_profile: DepartmentProfile,
            department_year: DepartmentYear,
            staffing: Staffing,
            division: Division,
            classification_node: ClassificationNode,
            budget_line: BudgetLine,
            allocation: Allocation,
            headline: Headline,
            project: Project,
            project_budget: ProjectBudget,
            subproject: Subproject,
            project_goal: ProjectGoal,
            three_public: ThreePublic,
            performance_task: PerformanceTask,
            indicator: Indicator,
            goal: Goal,
            glossary_term: GlossaryTerm,
            note: Note,
            printed_column: PrintedColumn,
            printed_row: PrintedRow,
            printed_cell: PrintedCell,
            consistency_check: ConsistencyCheck
        );
    };
}

/// A module for each table, and the prelude naming every entity.
macro_rules! modules {
    ($($module:ident: $entity:ident),*) => {
        $(pub mod $module;)*

        /// Every entity, in dependency order (parents before children).
        pub mod prelude {
            $(pub use super::$module::Entity as $entity;)*
        }
    };
}

tables!(modules);

pub mod enums;
pub mod fixed;

pub use enums::{
    Basis, CheckStatus, Comparator, GoalKind, GovernmentLevel, Scheme, Scope, TaskKind,
};
