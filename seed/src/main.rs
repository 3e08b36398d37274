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
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(clap::Subcommand, Debug)]
enum Command {
    /// Write a deterministic synthetic disclosure (same format, loadable with --data).
    Synth {
        /// Number of departments.
        #[arg(long)]
        departments: usize,
        /// Number of fiscal years (ending 2023).
        #[arg(long)]
        years: usize,
        /// Output directory (created if missing).
        #[arg(long)]
        out: PathBuf,
        /// RNG seed.
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
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
    if let Some(Command::Synth {
        departments,
        years,
        out,
        seed,
    }) = args.command
    {
        let shape = seed::synth::Shape {
            seed,
            ..seed::synth::Shape::new(departments, years)
        };
        seed::synth::write(&out, &shape)?;
        return Ok(format!(
            "wrote {departments} departments × {years} years to {}",
            out.display()
        ));
    }
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
