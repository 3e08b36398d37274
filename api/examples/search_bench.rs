//! The search index at scale (`bench/search.sh`): `cargo run --release -p api --example
//! search_bench -- DATABASE_URL [WORD…]` reads the data version's catalogue, builds the search
//! index as the API does on the first search after a load, and prints the objects indexed,
//! the build time, the index's own estimate of its size and the process's resident memory
//! before and after; then it runs each word 200 times (after one warm-up run) through the
//! engine, as `search(text:, first: 10)` does (top 10, total count, highlights), and prints
//! the median and 95th percentile per query.

use api::catalog::Catalogs;
use api::search::{SearchQuery, index_of, snippets};
use sea_orm::Database;
use std::time::Instant;

fn rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let url = args
        .next()
        .ok_or_else(|| anyhow::anyhow!("usage: search_bench DATABASE_URL [WORD…]"))?;
    let mut words: Vec<String> = args.collect();
    if words.is_empty() {
        words = ["视频", "video", "合成", "机房", "12345", "20137", "office"]
            .map(String::from)
            .to_vec();
    }
    let db = Database::connect(&url).await?;
    let version = entity::dataset::data_version(&db).await?;
    let catalogs = Catalogs::new(64 << 20);
    let catalog = catalogs
        .get(&db, version)
        .await
        .map_err(|e| anyhow::anyhow!("{}", e.message()))?;
    let before = rss_mb();
    let started = Instant::now();
    let index = index_of(&db, &catalog)
        .await
        .map_err(|e| anyhow::anyhow!("{}", e.message()))?;
    let built = started.elapsed();
    let after = rss_mb();
    println!(
        "indexed {} objects in {:.2} s; index estimate {:.1} MB; resident {:.0} MB → {:.0} MB (+{:.0} MB)",
        index.len(),
        built.as_secs_f64(),
        index.bytes() as f64 / 1e6,
        before,
        after,
        after - before
    );
    for word in words {
        let query = SearchQuery {
            text: word.clone(),
            ..Default::default()
        };
        let run = || {
            let found = index.search(&query, 0, 10).expect("search");
            let highlighted: usize = found
                .hits
                .iter()
                .map(|(_, e)| snippets(e, &found.pieces).len())
                .sum();
            (found.total, highlighted)
        };
        let (total, _) = run();
        let mut times: Vec<f64> = (0..200)
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box(run());
                t.elapsed().as_secs_f64() * 1000.0
            })
            .collect();
        times.sort_by(f64::total_cmp);
        println!(
            "{word:>8}: {total:>7} hits; p50 {:.3} ms, p95 {:.3} ms",
            times[times.len() / 2],
            times[times.len() * 95 / 100]
        );
    }
    Ok(())
}
