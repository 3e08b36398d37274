#!/usr/bin/env bash
# Bulk download benchmark: bash bench/bulk.sh
# Builds release, loads the real disclosure plus a synthetic DEPARTMENTS × YEARS (default
# 2,000 × 10) into a fresh SQLite database, serves it, and downloads the whole flat table
# /data/budget-lines.csv (plain, then gzip) with curl: time, bytes, rows, and the server's RSS
# before and its peak (VmHWM) after each download. Then a client that hangs up after 1 MB.
# Appends to bench/results/<timestamp>/bulk.jsonl. Tests never assert timings; this measures.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/serve.sh

DEPARTMENTS=${DEPARTMENTS:-2000}
YEARS=${YEARS:-10}
RUN=bench/results/$(date -u +%Y%m%dT%H%M%SZ)
WORK=$(mktemp -d /tmp/budget-bulk-bench.XXXXXX)
mkdir -p "$RUN"
OUT=$RUN/bulk.jsonl
cleanup() { serve_stop 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

cargo build --release -q -p api -p seed
SEED=target/release/seed
API=target/release/api
machine="$(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
printf '{"kind":"meta","date":"%s","machine":"%s","commit":"%s","dataset":"real + synthetic %sx%s","db":"sqlite"}\n' \
  "$(date -u +%FT%TZ)" "$machine" "$(git rev-parse --short HEAD)" "$DEPARTMENTS" "$YEARS" | tee -a "$OUT"

URL="sqlite://$WORK/big.sqlite?mode=rwc"
$SEED --database-url "$URL" >/dev/null
$SEED synth --departments "$DEPARTMENTS" --years "$YEARS" --out "$WORK/synth" >/dev/null
start=$(date +%s.%N)
$SEED --database-url "$URL" --data "$WORK/synth" >/dev/null
echo "loaded synthetic ${DEPARTMENTS}x${YEARS} into SQLite in $(awk "BEGIN {print $(date +%s.%N) - $start}") s"

DATABASE_URL=$URL RATE_LIMIT_POINTS_PER_MINUTE=0 RUST_LOG=warn,api::server=info serve_start "$API" "$WORK/server.log"
BASE=${SERVE_URL%/graphql}
kb() { awk -v k="$1:" '$1 == k {print $2}' /proc/"$SERVE_PID"/status; }

download() { # label, curl options...
  local label=$1; shift
  local before; before=$(kb VmRSS)
  local stats
  stats=$(curl -sS -o "$WORK/out" -w '%{time_total} %{size_download} %{http_code}' "$@" "$BASE/data/budget-lines.csv")
  read -r seconds bytes code <<<"$stats"
  local rows=-
  [[ $label == plain ]] && rows=$(($(wc -l <"$WORK/out") - 1))
  printf '{"kind":"bulk","download":"%s","status":%s,"seconds":%s,"bytes":%s,"rows":"%s","rss_before_kb":%s,"peak_rss_kb":%s,"rss_after_kb":%s}\n' \
    "$label" "$code" "$seconds" "$bytes" "$rows" "$before" "$(kb VmHWM)" "$(kb VmRSS)" | tee -a "$OUT"
}
download plain
download gzip --compressed -H 'accept-encoding: gzip'
# A client that hangs up after 1 MB: the server stays up and serves the next request.
head -c 1000000 < <(curl -sS -N "$BASE/data/budget-lines.csv" 2>/dev/null) >/dev/null || true
sleep 1
printf '{"kind":"bulk","download":"after a hang-up","readyz":"%s","rss_kb":%s,"peak_rss_kb":%s}\n' \
  "$(curl -s "$BASE/readyz")" "$(kb VmRSS)" "$(kb VmHWM)" | tee -a "$OUT"
