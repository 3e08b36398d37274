#!/usr/bin/env bash
# Search at scale: the real disclosure plus a synthetic DEPARTMENTS × YEARS (2,000 × 10) in a
# SQLite file; then
#  1. api/examples/search_bench.rs builds the search index as the API does on the first search
#     after a load and prints its build time, its size and the resident memory it added, and
#     each word's median and 95th-percentile time through the engine (top 10, count, highlights);
#  2. the API itself (response cache off, rate limit off) answers a one-word
#     `search(text:, first: 10)` REQUESTS times per word over HTTP (curl, one connection per
#     request): the median and 95th percentile of curl's time_total, uncached.
# Knobs: DEPARTMENTS (2000), YEARS (10), PROFILE (release; `dev` for a quicker, slower build),
# WORK (target/bench-search), REQUESTS (200), WORDS ("视频 video 合成 机房 12345 20137").
set -euo pipefail
cd "$(dirname "$0")/.."
DEPARTMENTS=${DEPARTMENTS:-2000}
YEARS=${YEARS:-10}
PROFILE=${PROFILE:-release}
WORK=${WORK:-target/bench-search}
REQUESTS=${REQUESTS:-200}
WORDS=${WORDS:-"视频 video 合成 机房 12345 20137"}
command -v curl >/dev/null || { apt-get update -qq && apt-get install -y -qq curl; }
mkdir -p "$WORK"
flag=$([[ $PROFILE == release ]] && echo --release || true)
dir=$([[ $PROFILE == release ]] && echo release || echo debug)
cargo build $flag -q -p api -p seed
cargo build $flag -q -p api --example search_bench
SEED=target/$dir/seed API=target/$dir/api BENCH=target/$dir/examples/search_bench

SYNTH=$WORK/synth-${DEPARTMENTS}x${YEARS}
DB="$WORK/search-${DEPARTMENTS}x${YEARS}.sqlite"
URL="sqlite://$DB?mode=rwc"
if [[ ! -f $DB ]]; then
  [[ -d $SYNTH ]] || $SEED synth --departments "$DEPARTMENTS" --years "$YEARS" --out "$SYNTH"
  $SEED --database-url "$URL" >/dev/null
  $SEED --database-url "$URL" --data "$SYNTH" >/dev/null
fi
echo "== engine ($PROFILE, $DEPARTMENTS × $YEARS + the real disclosure)"
# shellcheck disable=SC2086
$BENCH "$URL" $WORDS

echo "== HTTP, response cache off"
source scripts/serve.sh
LOG=$WORK/api.log
DATABASE_URL=$URL CACHE_ENTRIES=0 RATE_LIMIT_POINTS_PER_MINUTE=0 RUST_LOG=info serve_start "$API" "$LOG"
trap 'serve_stop || true' EXIT
for word in $WORDS; do
  body=$(printf '{"query":"{ search(text: \\"%s\\", first: 10) { totalCount edges { node { kind score name nameEn object { id } snippets { text highlights { start end } } } } } }"}' "$word")
  # The first request builds the index (once per data version; a request that times out
  # leaves the build running): ask until it answers.
  started=$(date +%s.%N)
  for _ in $(seq 1 60); do
    status=$(curl -s -o /dev/null -w '%{http_code}' -H 'content-type: application/json' -d "$body" "$SERVE_URL")
    [[ $status == 200 ]] && break
  done
  first=$(awk "BEGIN {print $(date +%s.%N) - $started}")
  for _ in $(seq 1 "$REQUESTS"); do
    curl -s -o /dev/null -w '%{time_total}\n' -H 'content-type: application/json' -d "$body" "$SERVE_URL"
  done | sort -n | awk -v w="$word" -v f="$first" '{ t[NR] = $1 * 1000 } END {
    printf "%8s: first %.0f ms; p50 %.2f ms, p95 %.2f ms (%d requests)\n", w, f * 1000, t[int(NR / 2) + 1], t[int(NR * 0.95)], NR }'
done
grep -m1 'search index built' "$LOG" || true
