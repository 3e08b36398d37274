//! An annual goal (work goal or overall performance goal).

use sea_orm::entity::prelude::*;

/// An annual goal (work goal or overall performance goal).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "goal")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub department_id: i32,
    pub year: i32,
    pub kind: crate::GoalKind,
    pub position: i32,
    pub title: Option<String>,
    pub text: String,
    pub source_id: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
