//! `cargo run -p api`: migrate, seed if empty, serve.

use api::config::Config;
use clap::Parser;

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
