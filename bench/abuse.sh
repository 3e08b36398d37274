#!/usr/bin/env bash
# Memory under abuse, in one command: bash bench/abuse.sh
# Builds release, loads the real disclosure plus a synthetic 2,000 departments × 10 years into
# SQLite and PostgreSQL, serves each with the default limits (rate limits and the response
# cache off, so every request executes), and sends each abuse payload from 64 connections for
# DURATION seconds. Records, per payload: requests, latency, the error code the payload gets,
# and the server's peak resident memory (VmHWM) after it. Writes
# bench/results/<timestamp>-abuse/{results.jsonl,summary.md}.
#
# Knobs: DURATION (s per payload, default 5), CONNS (64), DEPARTMENTS (2000), YEARS (10),
# TARGETS ("sqlite postgres").
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/pg.sh
source scripts/serve.sh

DURATION=${DURATION:-5}
CONNS=${CONNS:-64}
DEPARTMENTS=${DEPARTMENTS:-2000}
YEARS=${YEARS:-10}
TARGETS=${TARGETS:-"sqlite postgres"}
RUN=bench/results/$(date -u +%Y%m%dT%H%M%SZ)-abuse
WORK=$(mktemp -d /tmp/budget-abuse.XXXXXX)
mkdir -p "$RUN"
OUT=$RUN/results.jsonl
: >"$OUT"
cleanup() { serve_stop 2>/dev/null || true; pg_stop; rm -rf "$WORK"; }
trap cleanup EXIT

command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
cargo build --release -q -p api -p seed
SEED=target/release/seed
API=target/release/api
machine="$(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
printf '{"kind":"meta","date":"%s","machine":"%s","duration":%s,"conns":%s,"commit":"%s"}\n' \
  "$(date -u +%FT%TZ)" "$machine" "$DURATION" "$CONNS" "$(git rev-parse --short HEAD)" >>"$OUT"

# The payloads: each is a JSON body in $WORK/payloads/<name>.json.
python3 - "$WORK/payloads" "$DEPARTMENTS" <<'PY'
import json, os, sys
out, departments = sys.argv[1], int(sys.argv[2])
os.makedirs(out)
code = lambda i: f"synth-{i:05d}"
tree = "code name nameEn amount basic project procurement"
payloads = {
    # The issue's memory hole: a list that grew with the data, aliased 60 times (now a page
    # of at most 100; 5 a page keeps 60 aliases within the complexity limit).
    "amounts x60": "{" + " ".join(
        f'a{i}: classificationNode(scheme: FUNCTIONAL, code: "901") {{ amounts(first: 5) {{ edges {{ node {{ year amount department {{ code }} }} }} }} }}'
        for i in range(60)) + "}",
    # Three full pages of points, as much as the complexity limit allows.
    "amounts x3 (first: 100)": "{" + " ".join(
        f'a{i}: classificationNode(scheme: FUNCTIONAL, code: "90{i + 1}") {{ amounts(first: 100) {{ edges {{ node {{ year amount department {{ code }} }} }} }} }}'
        for i in range(3)) + "}",
    # Every year's full tree of 70 departments (plain lists inside a page): 56,000 lines,
    # past the row budget.
    "departments x budgets x trees": "{ departments(first: 70) { edges { node { code budgets { lines(scheme: FUNCTIONAL) { "
        + tree + " children { " + tree + " children { " + tree + " } } } } } } } }",
    # 40 aliases (the field limit allows about that many), each a department's economic tree.
    "40 departments' trees": "{" + " ".join(
        f'd{i}: department(code: "{code(i * (departments // 40))}") {{ budget(year: 2023) {{ lines(scheme: ECONOMIC) {{ code name amount basic project children {{ code name amount }} }} }} }}'
        for i in range(40)) + "}",
    # Every department × node × year: more cells than an aggregate may have.
    "aggregate everything": "{ aggregate(scheme: FUNCTIONAL, level: 3, groupBy: [DEPARTMENT, NODE, YEAR]) { total { amount } cells(first: 100) { totalCount edges { node { amount } } } } }",
    # The largest aggregate that is allowed: departments × years on one 类.
    "aggregate departments x years": '{ aggregate(scheme: FUNCTIONAL, level: 1, groupBy: [DEPARTMENT, YEAR], filter: { codes: ["901"] }) { total { amount count } cells(first: 100) { totalCount edges { node { department { code } year amount share } } } } }',
}
for name, query in payloads.items():
    json.dump({"query": query}, open(os.path.join(out, name.replace(" ", "_") + ".json"), "w"))
PY
# The standard introspection query, as GraphiQL and code generators send it.
python3 -c 'import json,sys; print(json.dumps({"query": open("tests/e2e/fixtures/introspection.graphql").read()}))' \
  >"$WORK/payloads/introspection.json"

SYNTH=$WORK/synth-${DEPARTMENTS}x${YEARS}
$SEED synth --departments "$DEPARTMENTS" --years "$YEARS" --out "$SYNTH" >/dev/null
PG_EXTRA_CONF="shared_buffers = 512MB
synchronous_commit = off" pg_start
psql -q "$PG_URL" -c "CREATE DATABASE big"
declare -A URLS
URLS[sqlite]="sqlite://$WORK/big.sqlite?mode=rwc"
URLS[postgres]="${PG_URL%/*}/big"

for target in $TARGETS; do
  url=${URLS[$target]}
  $SEED --database-url "$url" >/dev/null
  $SEED --database-url "$url" --data "$SYNTH" >/dev/null
  DATABASE_URL=$url CACHE_ENTRIES=0 RATE_LIMIT_POINTS_PER_MINUTE=0 RUST_LOG=warn,api::server=info \
    serve_start "$API" "$WORK/server-$target.log"
  curl -s -o /dev/null "${SERVE_URL%/graphql}/healthz"
  printf '{"kind":"memory","db":"%s","payload":"(idle)","kb":%s}\n' "$target" \
    "$(awk '/VmHWM/ {print $2}' /proc/"$SERVE_PID"/status)" >>"$OUT"
  for body in "$WORK"/payloads/*.json; do
    name=$(basename "$body" .json | tr _ ' ')
    answer=$(curl -s -H 'content-type: application/json' --data-binary @"$body" "$SERVE_URL")
    outcome=$(python3 -c '
import json, sys
a = json.loads(sys.stdin.read())
codes = sorted({e.get("extensions", {}).get("code", "?") for e in a.get("errors", [])})
print(",".join(codes) or "ok")' <<<"$answer")
    bytes=${#answer}
    line=$(BODY_FILE=$body wrk -t2 -c"$CONNS" -d"${DURATION}s" --timeout 30s -s bench/wrk.lua "$SERVE_URL" | grep '^RESULT ' | cut -d' ' -f2-)
    kb=$(awk '/VmHWM/ {print $2}' /proc/"$SERVE_PID"/status)
    printf '{"kind":"abuse","db":"%s","payload":"%s","outcome":"%s","response_bytes":%s,"peak_kb":%s,%s\n' \
      "$target" "$name" "$outcome" "$bytes" "$kb" "${line#\{}" >>"$OUT"
    echo "$target $name: $outcome, $bytes bytes, peak RSS $((kb / 1024)) MB, $line"
  done
  serve_stop
done

python3 - "$OUT" <<'PY' | tee "$RUN/summary.md"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
meta = rows[0]
print(f"# Abuse at 2,000 × 10: peak RSS\n\n{meta['machine']}; commit {meta['commit']}; "
      f"{meta['conns']} connections, {meta['duration']} s per payload, one server per database "
      "(peak RSS is cumulative: each row is the peak so far).\n")
print("| db | payload | outcome | response bytes | req/s | p50 ms | p99 ms | peak RSS MB |")
print("|---|---|---|---|---|---|---|---|")
for r in rows:
    if r["kind"] == "memory":
        print(f"| {r['db']} | {r['payload']} | | | | | | {r['kb'] / 1024:.0f} |")
    if r["kind"] == "abuse":
        rps = r["requests"] / (r["duration_us"] / 1e6)
        print(f"| {r['db']} | {r['payload']} | {r['outcome']} | {r['response_bytes']:,} | {rps:,.0f} | "
              f"{r['p50_us'] / 1000:.1f} | {r['p99_us'] / 1000:.1f} | {r['peak_kb'] / 1024:.0f} |")
PY
echo "results in $RUN"
