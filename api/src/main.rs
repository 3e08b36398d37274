//! `cargo run -p api`: migrate, seed if empty, serve.

use api::config::Config;
use clap::Parser;

/// mimalloc instead of the system allocator: a request allocates many small values on several
/// threads (tokio's workers, SQLite's connection threads), where glibc's malloc spent a quarter
/// of the server's time and its per-thread arenas held freed memory (bench/abuse.sh).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let config = Config::parse();
    if config.print_schema {
        print!("{}", api::schema::sdl());
        return Ok(());
    }
    api::telemetry::init(config.log_format);
    api::server::run(config).await
}
