//! Start-up that any number of instances can run at once, and read-only instances.
//!
//! - A writable instance migrates and, on an empty database, loads the bundled disclosure
//!   while holding the start-up lock: a PostgreSQL session-level advisory lock on a connection
//!   of its own (as sqlx's and Rails' migrators do), or on SQLite a lock on the database file.
//!   Instances starting together take turns: the first migrates and seeds, the others find the
//!   schema current and the data loaded, and all of them come up.
//! - A read-only instance (`READ_ONLY=true`, or a PostgreSQL hot standby or read-only
//!   transaction, detected) never writes: it waits, `/readyz` 503, until the schema it needs
//!   and a dataset are there (a primary's instance or `seed` writes them; replication brings
//!   them).
//! - Either refuses to start on a schema newer than this binary knows (a migration it does not
//!   have is applied).

use crate::config::Config;
use migration::{Migrator, MigratorTrait, SchemaManager};
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, Statement};
use std::collections::HashSet;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Duration;

/// What `/readyz` says besides the database ping.
#[derive(Debug, Default)]
pub struct Readiness(AtomicU8);

/// The states of [`Readiness`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ready {
    /// Serving (when the database answers).
    Ready,
    /// A read-only instance waiting for the schema or the first dataset.
    Waiting,
    /// Shutting down: a load balancer should stop sending.
    Draining,
}

impl Readiness {
    pub fn get(&self) -> Ready {
        match self.0.load(Ordering::SeqCst) {
            0 => Ready::Ready,
            1 => Ready::Waiting,
            _ => Ready::Draining,
        }
    }

    pub fn set(&self, state: Ready) {
        let value = match state {
            Ready::Ready => 0,
            Ready::Waiting => 1,
            Ready::Draining => 2,
        };
        // Draining is final.
        let _ = self
            .0
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |old| {
                (old != 2).then_some(value)
            });
    }
}

/// Why the instance must not write, or `None` when it may.
pub async fn read_only(db: &DatabaseConnection, config: &Config) -> anyhow::Result<Option<String>> {
    if config.read_only {
        return Ok(Some("READ_ONLY is set".into()));
    }
    match db.get_database_backend() {
        DatabaseBackend::Postgres => {
            let row = db
                .query_one_raw(Statement::from_string(
                    DatabaseBackend::Postgres,
                    "SELECT pg_is_in_recovery() AS recovery, \
                     current_setting('transaction_read_only') AS read_only",
                ))
                .await?
                .ok_or_else(|| anyhow::anyhow!("no answer to pg_is_in_recovery()"))?;
            let recovery: bool = row.try_get("", "recovery")?;
            let read_only: String = row.try_get("", "read_only")?;
            Ok(if recovery {
                Some("the database is a hot standby (pg_is_in_recovery())".into())
            } else if read_only == "on" {
                Some("the database's transactions are read-only (transaction_read_only)".into())
            } else {
                None
            })
        }
        _ => Ok(config
            .database_url
            .contains("mode=ro")
            .then(|| "the SQLite database is opened read-only (mode=ro)".into())),
    }
}

/// The database's schema against this binary's migrations.
#[derive(Debug, PartialEq, Eq)]
pub enum Schema {
    /// Every migration this binary knows is applied, and no other.
    Current,
    /// These migrations (of this binary) are not applied yet.
    Behind(Vec<String>),
    /// These applied migrations are unknown to this binary: the schema is newer.
    Ahead(Vec<String>),
}

/// Reads `seaql_migrations` (without creating it) and compares it with [`Migrator`]'s list.
pub async fn schema(db: &DatabaseConnection) -> anyhow::Result<Schema> {
    let known: Vec<String> = Migrator::migrations()
        .iter()
        .map(|m| m.name().to_owned())
        .collect();
    let table = Migrator::migration_table_name().to_string();
    let applied: Vec<String> = if SchemaManager::new(db).has_table(&table).await? {
        db.query_all_raw(Statement::from_string(
            db.get_database_backend(),
            format!("SELECT version FROM {table} ORDER BY version"),
        ))
        .await?
        .iter()
        .map(|row| row.try_get::<String>("", "version"))
        .collect::<Result<_, _>>()?
    } else {
        Vec::new()
    };
    let known_set: HashSet<&String> = known.iter().collect();
    let unknown: Vec<String> = applied
        .iter()
        .filter(|v| !known_set.contains(v))
        .cloned()
        .collect();
    if !unknown.is_empty() {
        return Ok(Schema::Ahead(unknown));
    }
    let applied: HashSet<&String> = applied.iter().collect();
    let missing: Vec<String> = known
        .iter()
        .filter(|v| !applied.contains(v))
        .cloned()
        .collect();
    Ok(if missing.is_empty() {
        Schema::Current
    } else {
        Schema::Behind(missing)
    })
}

/// The refusal for a schema newer than the binary.
fn newer(unknown: &[String]) -> anyhow::Error {
    anyhow::anyhow!(
        "the database's schema is newer than this binary: migrations {} are applied but unknown \
         to it (its newest is {}); run a release that has them",
        unknown.join(", "),
        Migrator::migrations()
            .last()
            .map_or("none", |m| m.name())
            .to_owned()
    )
}

/// A writable instance: under the start-up lock, refuses a newer schema, migrates and loads
/// the bundled disclosure into an empty database.
pub async fn prepare(db: &DatabaseConnection) -> anyhow::Result<()> {
    migration::lock::exclusively(db, async {
        if let Schema::Ahead(unknown) = schema(db).await? {
            return Err(newer(&unknown));
        }
        Migrator::up(db, None).await?;
        if let Some(outcome) = seed::seed_if_empty(db).await? {
            tracing::info!(?outcome, "seeded the bundled disclosure");
        }
        Ok(())
    })
    .await
}

/// A read-only instance: refuses a newer schema; otherwise whether it can serve now (the
/// schema current and a dataset loaded), with what it waits for.
pub async fn check_read_only(db: &DatabaseConnection) -> anyhow::Result<Option<String>> {
    match schema(db).await? {
        Schema::Ahead(unknown) => Err(newer(&unknown)),
        Schema::Behind(missing) => Ok(Some(format!(
            "the schema: migrations {} are not applied yet",
            missing.join(", ")
        ))),
        Schema::Current => Ok((entity::dataset::data_version(db).await? == 0)
            .then(|| "the first dataset: none is loaded yet".to_owned())),
    }
}

/// Waits (re-checking every `period`) until a read-only instance can serve; an error when the
/// schema turns out newer than the binary.
pub async fn wait_until_servable(db: &DatabaseConnection, period: Duration) -> anyhow::Result<()> {
    let mut logged = None;
    loop {
        match check_read_only(db).await {
            Ok(None) => return Ok(()),
            Ok(Some(waiting)) => {
                if logged.as_ref() != Some(&waiting) {
                    tracing::warn!(
                        "read-only instance: waiting for {waiting} (the primary writes it; /readyz is 503 until then)"
                    );
                    logged = Some(waiting);
                }
            }
            Err(error) if error.downcast_ref::<sea_orm::DbErr>().is_some() => {
                tracing::warn!(%error, "read-only instance: cannot check the schema yet");
            }
            Err(error) => return Err(error),
        }
        tokio::time::sleep(period).await;
    }
}
