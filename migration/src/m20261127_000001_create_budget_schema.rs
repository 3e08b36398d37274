//! The initial schema. Tables are derived from the entities (one definition of each column);
//! the composite indexes below are the look-ups the API and loader make.

use entity::prelude::*;
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{EntityTrait, Schema};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// `(table, index columns, unique)` for each composite index.
const INDEXES: &[(&str, &[&str], bool)] = &[
    ("source", &["dataset_id", "key"], true),
    ("classification_node", &["scheme", "code"], true),
    ("department_profile", &["department_id", "year"], true),
    ("staffing", &["department_id", "year", "scope"], true),
    ("division", &["department_id", "year"], false),
    (
        "budget_line",
        &["department_id", "year", "scheme", "is_primary"],
        false,
    ),
    ("department_year", &["department_id", "year"], false),
    ("allocation", &["department_id", "year"], false),
    ("headline", &["department_id", "year", "key"], false),
    ("project_budget", &["department_id", "year"], false),
    (
        "project_budget",
        &["project_id", "department_id", "year"],
        false,
    ),
    ("three_public", &["department_id", "year", "key"], false),
    ("performance_task", &["department_id", "year"], false),
    ("indicator", &["department_id", "year"], false),
    ("goal", &["department_id", "year"], false),
    ("note", &["department_id", "year"], false),
    ("consistency_check", &["department_id", "year"], false),
];

async fn create<E: EntityTrait>(manager: &SchemaManager<'_>, entity: E) -> Result<(), DbErr> {
    let schema = Schema::new(manager.get_database_backend());
    manager
        .create_table(
            schema
                .create_table_from_entity(entity)
                .if_not_exists()
                .to_owned(),
        )
        .await?;
    for mut index in schema.create_index_from_entity(entity) {
        manager
            .create_index(index.if_not_exists().to_owned())
            .await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create(manager, Dataset).await?;
        create(manager, FiscalYear).await?;
        create(manager, Source).await?;
        create(manager, Department).await?;
        create(manager, DepartmentProfile).await?;
        create(manager, DepartmentYear).await?;
        create(manager, Staffing).await?;
        create(manager, Division).await?;
        create(manager, ClassificationNode).await?;
        create(manager, BudgetLine).await?;
        create(manager, Allocation).await?;
        create(manager, Headline).await?;
        create(manager, Project).await?;
        create(manager, ProjectBudget).await?;
        create(manager, Subproject).await?;
        create(manager, ProjectGoal).await?;
        create(manager, ThreePublic).await?;
        create(manager, PerformanceTask).await?;
        create(manager, Indicator).await?;
        create(manager, Goal).await?;
        create(manager, GlossaryTerm).await?;
        create(manager, Note).await?;
        create(manager, ConsistencyCheck).await?;
        for (table, columns, unique) in INDEXES {
            let mut index = Index::create();
            index
                .name(format!("idx_{table}_{}", columns.join("_")))
                .table(Alias::new(*table))
                .if_not_exists();
            for column in *columns {
                index.col(Alias::new(*column));
            }
            if *unique {
                index.unique();
            }
            manager.create_index(index).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "consistency_check",
            "note",
            "glossary_term",
            "goal",
            "indicator",
            "performance_task",
            "three_public",
            "project_goal",
            "subproject",
            "project_budget",
            "project",
            "headline",
            "allocation",
            "budget_line",
            "classification_node",
            "division",
            "staffing",
            "department_profile",
            "department_year",
            "department",
            "source",
            "fiscal_year",
            "dataset",
        ] {
            manager
                .drop_table(
                    Table::drop()
                        .table(Alias::new(table))
                        .if_exists()
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
