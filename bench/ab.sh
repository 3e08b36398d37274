#!/usr/bin/env bash
# A/B of two server builds on the same question: bash bench/ab.sh BASE_BINARY NEW_BINARY
# (release builds of two commits, e.g. `git worktree add /tmp/base <commit>` and
# `CARGO_TARGET_DIR=/tmp/base-target cargo build --release -p api` there). SQLite, the real
# disclosure, response cache and rate limits off, wrk at CONNS connections (16) for DURATION
# seconds (8) per query, the two builds alternated ROUNDS times (2). Prints one line per run.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/serve.sh
BASE=$1 NEW=$2
CONNS=${CONNS:-16} DURATION=${DURATION:-8} ROUNDS=${ROUNDS:-2}
QUERIES=${QUERIES:-"FunctionalTree YearOverYear"}
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
W=$(mktemp -d /tmp/budget-ab.XXXXXX)
trap 'serve_stop 2>/dev/null || true; rm -rf "$W"' EXIT
for q in $QUERIES; do
  python3 -c 'import json,sys; print(json.dumps({"query": open(sys.argv[1]).read()}))' "examples/$q.graphql" >"$W/$q.json"
done
run() { # label binary
  rm -f "$W"/db.sqlite*
  DATABASE_URL="sqlite://$W/db.sqlite?mode=rwc" CACHE_ENTRIES=0 RATE_LIMIT_POINTS_PER_MINUTE=0 \
    RUST_LOG=warn,api::server=info serve_start "$2" "$W/log"
  for q in $QUERIES; do
    BODY_FILE=$W/$q.json wrk -t2 -c"$CONNS" -d1s --timeout 10s -s bench/wrk.lua "$SERVE_URL" >/dev/null
    echo "$1 $q $(BODY_FILE=$W/$q.json wrk -t2 -c"$CONNS" -d"${DURATION}s" --timeout 10s -s bench/wrk.lua "$SERVE_URL" | grep '^RESULT ' | cut -d' ' -f2-)"
  done
  serve_stop
}
for _ in $(seq 1 "$ROUNDS"); do
  run base "$BASE"
  run new "$NEW"
done
