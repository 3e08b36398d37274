//! SeaORM entities of the open budget data store. No GraphQL here: the API wraps these models.
//!
//! Money and other figures are stored as `i64` counts of 1/10000 of the printed unit
//! (for 万元 that is one yuan), so both SQLite and PostgreSQL hold them exactly.

/// One table's entity: the model (an `id` primary key, then `fields`) with no relations and
/// the default behaviour, so each table's file holds only what is particular to it.
macro_rules! table {
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

pub mod allocation;
pub mod budget_line;
pub mod classification_node;
pub mod consistency_check;
pub mod dataset;
pub mod department;
pub mod department_profile;
pub mod department_year;
pub mod division;
pub mod enums;
pub mod fiscal_year;
pub mod fixed;
pub mod glossary_term;
pub mod goal;
pub mod headline;
pub mod indicator;
pub mod note;
pub mod performance_task;
pub mod project;
pub mod project_budget;
pub mod project_goal;
pub mod source;
pub mod staffing;
pub mod subproject;
pub mod three_public;

pub use enums::{Basis, CheckStatus, Comparator, GoalKind, Scheme, Scope, TaskKind};

/// Every entity, in dependency order (parents before children).
pub mod prelude {
    pub use super::allocation::Entity as Allocation;
    pub use super::budget_line::Entity as BudgetLine;
    pub use super::classification_node::Entity as ClassificationNode;
    pub use super::consistency_check::Entity as ConsistencyCheck;
    pub use super::dataset::Entity as Dataset;
    pub use super::department::Entity as Department;
    pub use super::department_profile::Entity as DepartmentProfile;
    pub use super::department_year::Entity as DepartmentYear;
    pub use super::division::Entity as Division;
    pub use super::fiscal_year::Entity as FiscalYear;
    pub use super::glossary_term::Entity as GlossaryTerm;
    pub use super::goal::Entity as Goal;
    pub use super::headline::Entity as Headline;
    pub use super::indicator::Entity as Indicator;
    pub use super::note::Entity as Note;
    pub use super::performance_task::Entity as PerformanceTask;
    pub use super::project::Entity as Project;
    pub use super::project_budget::Entity as ProjectBudget;
    pub use super::project_goal::Entity as ProjectGoal;
    pub use super::source::Entity as Source;
    pub use super::staffing::Entity as Staffing;
    pub use super::subproject::Entity as Subproject;
    pub use super::three_public::Entity as ThreePublic;
}
