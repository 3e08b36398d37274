//! The in-memory ceiling of the benchmark (`bench/run.sh`): how fast the API's own schema
//! could answer if reading the database cost nothing.
//!
//! `cargo run --release -p api --example ceiling -- DATABASE_URL [PORT]` reads the data
//! version's catalogue and every served budget line (`is_primary`) once
//! ([`Catalog::preloaded`]), closes the database, then serves `POST /graphql` through the same
//! stack as the API (axum 0.8, async-graphql-axum) with the API's own schema and resolvers,
//! each request with its own loader over that catalogue, and prints
//! `serving ceiling at http://…/graphql`. The lines are assembled into trees per request as
//! the API does. The schema has no database behind it: a field that would read one fails. No
//! limits, response cache, metrics or tracing: this is the floor of the stack's own cost.

use api::catalog::Catalog;
use api::loaders::Loaders;
use api::schema::{AppSchema, QueryRoot};
use async_graphql::{EmptyMutation, EmptySubscription, Schema};
use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
use axum::extract::State;
use sea_orm::{Database, DatabaseConnection};
use std::sync::Arc;

/// The schema and the data it answers from.
#[derive(Clone)]
struct Ceiling {
    schema: AppSchema,
    catalog: Arc<Catalog>,
}

async fn graphql(State(ceiling): State<Ceiling>, request: GraphQLRequest) -> GraphQLResponse {
    let loaders = Loaders::new(
        DatabaseConnection::default(),
        ceiling.catalog.clone(),
        usize::MAX,
    );
    let request = request.into_inner().data(loaders);
    ceiling.schema.execute(request).await.into()
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let url = args
        .next()
        .ok_or_else(|| anyhow::anyhow!("usage: ceiling DATABASE_URL [PORT]"))?;
    let port: u16 = args.next().map(|p| p.parse()).transpose()?.unwrap_or(0);

    let started = std::time::Instant::now();
    let db = Database::connect(&url).await?;
    let catalog = Catalog::preloaded(&db)
        .await
        .map_err(|e| anyhow::anyhow!("reading {url}: {e:?}"))?;
    db.close().await?;
    let years: usize = catalog
        .departments
        .keys()
        .map(|id| catalog.years_of(*id).len())
        .sum();
    println!(
        "loaded {} departments, {years} department-years in {:.1} s",
        catalog.departments.len(),
        started.elapsed().as_secs_f64()
    );

    let schema = Schema::build(QueryRoot::default(), EmptyMutation, EmptySubscription)
        .data(DatabaseConnection::default())
        .finish();
    let ceiling = Ceiling {
        schema,
        catalog: Arc::new(catalog),
    };
    let app = axum::Router::new()
        .route("/graphql", axum::routing::post(graphql))
        .with_state(ceiling);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    println!(
        "serving ceiling at http://{}/graphql",
        listener.local_addr()?
    );
    axum::serve(listener, app).await?;
    Ok(())
}
