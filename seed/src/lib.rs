//! The disclosure loader: parse → validate → check → write in one transaction.
//!
//! `cargo run -p seed` and the API's start-up seeding both go through [`load`].

pub mod checks;
pub mod cofog;
pub mod dataset;
pub mod error;
pub mod export;
pub mod files;
pub mod import;
pub use entity::fixed;
pub mod indicator;
pub mod package;
pub mod rows;
pub mod store;

pub use dataset::Dataset;
pub use error::{DataError, LoadError};
pub use files::DataSource;
pub use store::Outcome;

use checks::Status;
use sea_orm::{DatabaseConnection, TransactionTrait};

/// Reads, validates and checks `source`, then writes it in one transaction. On any error the
/// database is left exactly as it was.
pub async fn load(db: &DatabaseConnection, source: &DataSource) -> error::Result<Outcome> {
    let started = std::time::Instant::now();
    let dataset = Dataset::read(source).map_err(LoadError::Invalid)?;
    tracing::info!(elapsed = ?started.elapsed(), "read and validated");
    let checks = checks::compute(&dataset);
    tracing::info!(elapsed = ?started.elapsed(), checks = checks.len(), "checks computed");
    let mismatches: Vec<String> = checks
        .iter()
        .filter(|c| c.status() == Status::Mismatch)
        .take(50)
        .map(|c| {
            format!(
                "  - {}: {} {} {}: printed {} but {} (difference {})",
                c.at,
                c.department,
                c.year,
                c.name,
                c.expected,
                c.actual,
                c.difference()
            )
        })
        .collect();
    if !mismatches.is_empty() {
        return Err(LoadError::Mismatch(mismatches));
    }
    let txn = db.begin().await?;
    let outcome = store::write(&txn, &dataset, &checks).await?;
    txn.commit().await?;
    tracing::info!(elapsed = ?started.elapsed(), ?outcome, "committed");
    Ok(outcome)
}

/// Loads the bundled disclosure if the database holds no dataset yet.
pub async fn seed_if_empty(db: &DatabaseConnection) -> error::Result<Option<Outcome>> {
    if entity::dataset::data_version(db).await? > 0 {
        return Ok(None);
    }
    load(db, &DataSource::Bundled).await.map(Some)
}
pub mod synth;
