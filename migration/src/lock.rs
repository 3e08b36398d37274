//! The lock that migrations and loads take, so that instances and `seed` runs starting together
//! take turns (see the README's "Scale-out").

use sea_orm_migration::sea_orm::{DatabaseBackend, DatabaseConnection, DbErr};

/// The advisory lock key of migrations and loads (any constant: "budget" and 1, chosen not
/// to collide with sqlx's migrator, whose keys are derived from the database name).
pub const LOCK_KEY: i64 = 0x6275_6467_6574_0001;

/// Runs `work` while holding the lock: on PostgreSQL a session-level advisory lock
/// on a dedicated connection (released explicitly, or by PostgreSQL when the process dies);
/// on SQLite an exclusive lock on the database file (SQLite's own locks are POSIX record
/// locks, which do not interact with it), released when the file is closed.
pub async fn exclusively<T, E: From<DbErr>>(
    db: &DatabaseConnection,
    work: impl Future<Output = Result<T, E>>,
) -> Result<T, E> {
    use sea_orm_migration::sea_orm::sqlx::{self, Connection};
    let failed =
        |e: &dyn std::fmt::Display| E::from(DbErr::Custom(format!("the start-up lock: {e}")));
    match db.get_database_backend() {
        DatabaseBackend::Postgres => {
            let options = db.get_postgres_connection_pool().connect_options();
            let mut conn = sqlx::PgConnection::connect_with(&options)
                .await
                .map_err(|e| failed(&e))?;
            let got: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
                .bind(LOCK_KEY)
                .fetch_one(&mut conn)
                .await
                .map_err(|e| failed(&e))?;
            if !got {
                tracing::info!(
                    "waiting for the start-up lock: another instance or `seed` is migrating or loading"
                );
                sqlx::query("SELECT pg_advisory_lock($1)")
                    .bind(LOCK_KEY)
                    .execute(&mut conn)
                    .await
                    .map_err(|e| failed(&e))?;
            }
            let result = work.await;
            let _ = sqlx::query("SELECT pg_advisory_unlock($1)")
                .bind(LOCK_KEY)
                .execute(&mut conn)
                .await;
            let _ = conn.close().await;
            result
        }
        DatabaseBackend::Sqlite => {
            let options = db.get_sqlite_connection_pool().connect_options();
            let path = options.get_filename().to_owned();
            // An in-memory database is this process's alone.
            let Ok(file) = std::fs::File::open(&path) else {
                return work.await;
            };
            let file = tokio::task::spawn_blocking(move || -> std::io::Result<std::fs::File> {
                if file.try_lock().is_err() {
                    tracing::info!(
                        "waiting for the start-up lock: another instance or `seed` is migrating or loading"
                    );
                    file.lock()?;
                }
                Ok(file)
            })
            .await
            .map_err(|e| failed(&e))?
            .map_err(|e| failed(&e))?;
            let result = work.await;
            let _ = file.unlock();
            result
        }
        _ => work.await,
    }
}
