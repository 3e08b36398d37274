//! `cargo run -p seed`: loads (or re-loads) a disclosure into `DATABASE_URL`.

use clap::Parser;
use migration::{Migrator, MigratorTrait};
use seed::{DataSource, Outcome};
use std::path::PathBuf;
use std::process::ExitCode;

/// Load a budget disclosure into the database (validated, one transaction, idempotent).
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// Database to load into.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://budget.sqlite?mode=rwc"
    )]
    database_url: String,
    /// A data directory in the format of seed/data/FORMAT.md (default: the bundled Pingshan 2023 disclosure).
    #[arg(long)]
    data: Option<PathBuf>,
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .init();
    let args = Args::parse();
    match run(args).await {
        Ok(message) => {
            println!("{message}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> anyhow::Result<String> {
    let db = sea_orm::Database::connect(&args.database_url).await?;
    Migrator::up(&db, None).await?;
    let source = args.data.map_or(DataSource::Bundled, DataSource::Dir);
    Ok(match seed::load(&db, &source).await? {
        Outcome::Loaded { version } => format!("loaded; data version {version}"),
        Outcome::Unchanged { version } => {
            format!("unchanged (already loaded); data version {version}")
        }
    })
}
