//! Establishment and actual staff for a department, year and scope.

use sea_orm::entity::prelude::*;

/// Establishment and actual staff for a department, year and scope.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "staffing")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub department_id: i32,
    pub year: i32,
    pub scope: crate::Scope,
    pub admin_establishment: Option<i32>,
    pub admin_actual: Option<i32>,
    pub institutional_establishment: Option<i32>,
    pub institutional_actual: Option<i32>,
    pub retired_lixiu: Option<i32>,
    pub retired_tuixiu: Option<i32>,
    pub note: Option<String>,
    pub source_id: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
