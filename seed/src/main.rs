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
    /// Import one published disclosure (one PDF, or its -text and -tables PDFs in any order)
    /// into a data package; `--load` also loads it into the database (one transaction).
    Import {
        /// The disclosure's PDF file(s).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Output directory (created if missing).
        #[arg(long)]
        out: PathBuf,
        /// Load the package into DATABASE_URL after writing it.
        #[arg(long)]
        load: bool,
        /// Refuse a disclosure with a MISMATCH identity or an unplaced cell.
        #[arg(long)]
        strict: bool,
        /// The government's code (default: the family template's).
        #[arg(long)]
        government: Option<String>,
    },
    /// Write a loaded dataset's data package, regenerated from the database (same format as
    /// --data reads; loading it into an empty database gives the same database).
    Export {
        /// Output directory (created if missing); the package files go directly into it.
        #[arg(long)]
        out: PathBuf,
        /// The dataset to export (its `datapackage.json` name); may be left out when the
        /// database holds only one.
        #[arg(long)]
        dataset: Option<String>,
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
    if let Some(Command::Import {
        files,
        out,
        load,
        strict,
        government,
    }) = &args.command
    {
        let options = seed::import::Options {
            files: files.clone(),
            out: out.clone(),
            strict: *strict,
            government: government.clone(),
        };
        let report = seed::import::run(&options)?;
        let mut message = report.summary();
        message.push_str(&format!("wrote {} to {}", report.dataset, out.display()));
        if *load {
            let db = sea_orm::Database::connect(&args.database_url).await?;
            Migrator::up(&db, None).await?;
            let outcome = seed::load(&db, &DataSource::Dir(out.clone())).await?;
            message.push_str(&format!("\n{outcome:?}"));
        }
        return Ok(message);
    }
    let db = sea_orm::Database::connect(&args.database_url).await?;
    if let Some(Command::Export { out, dataset }) = args.command {
        Migrator::up(&db, None).await?;
        return export(&db, &out, dataset).await;
    }
    let source = args.data.map_or(DataSource::Bundled, DataSource::Dir);
    // Under the lock the API's instances take to migrate and seed: loads and start-ups take
    // turns, so two never compute the same next data version.
    let outcome = migration::lock::exclusively(&db, async {
        Migrator::up(&db, None).await?;
        anyhow::Ok(seed::load(&db, &source).await?)
    })
    .await?;
    Ok(match outcome {
        Outcome::Loaded { version } => format!("loaded; data version {version}"),
        Outcome::Unchanged { version } => {
            format!("unchanged (already loaded); data version {version}")
        }
    })
}

/// `seed export`: the named dataset, or the only one.
async fn export(
    db: &sea_orm::DatabaseConnection,
    out: &std::path::Path,
    dataset: Option<String>,
) -> anyhow::Result<String> {
    let names: Vec<String> = seed::export::datasets(db)
        .await?
        .into_iter()
        .map(|d| d.name)
        .collect();
    let name = match (dataset, names.as_slice()) {
        (Some(name), _) => name,
        (None, [only]) => only.clone(),
        (None, []) => anyhow::bail!("the database holds no dataset"),
        (None, many) => anyhow::bail!(
            "the database holds several datasets; name one with --dataset: {}",
            many.join(", ")
        ),
    };
    let Some(package) = seed::export::export(db, &name).await? else {
        anyhow::bail!("no dataset `{name}` (loaded: {})", names.join(", "));
    };
    package.write_dir(out)?;
    Ok(format!(
        "exported {name} (data version {}) to {}",
        package.version,
        out.display()
    ))
}
