#!/usr/bin/env bash
# The benchmark, in one command: bash bench/run.sh
# Installs wrk and PostGraphile 5 (with Node 22 from npm), builds release (the API, the seed and
# the in-memory ceiling, api/examples/ceiling.rs), loads the real disclosure and a synthetic
# 2,000 departments × 10 years into SQLite and PostgreSQL, serves each, and drives every
# canonical query plus the static /healthz (the HTTP ceiling) at 1, 16 and 64 connections, with
# the response cache on and off; on the big datasets, with the cache on, the exploration
# workload too: FunctionalTree with (code, year) drawn at random per request (bench/random.lua).
# Then the in-memory ceiling (the API's own schema and resolvers with every line in memory and no
# database behind them)
# and PostGraphile 5 on the same questions, each answer checked against ours first. Writes
# bench/results/<timestamp>/{results.jsonl,summary.md}. Tests never assert timings; this does
# not either — it measures.
#
# Knobs (environment): DURATION (s per measurement, default 5), CONNS ("1 16 64"),
# DEPARTMENTS (2000), YEARS (10), QUERIES (all canonical), TARGETS ("sqlite-real sqlite-big
# postgres-real postgres-big"), CACHES ("on off"), VARIABLES (JSON merged into the variables
# of the queries that declare them, e.g. '{"code":"901"}'), SKIP_PEER=1, SKIP_CEILING=1,
# SKIP_RANDOM=1 (no exploration workload), RANDOM_SEED (1). A short run:
#   QUERIES=FunctionalTree CONNS="1 64" DURATION=3 bash bench/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/pg.sh
source scripts/serve.sh

DURATION=${DURATION:-5}
CONNS=${CONNS:-"1 16 64"}
DEPARTMENTS=${DEPARTMENTS:-2000}
YEARS=${YEARS:-10}
QUERIES=${QUERIES:-"Catalogue FunctionalTree EconomicTree Revenue YearOverYear History Node Accountability SpendingByFunction TopDepartments Cofog"}
CACHES=${CACHES:-"on off"}
RANDOM_SEED=${RANDOM_SEED:-1}
THREADS=2
RANDOM_LABEL="FunctionalTree (random variables)"
RUN=bench/results/$(date -u +%Y%m%dT%H%M%SZ)
WORK=$(mktemp -d /tmp/budget-bench.XXXXXX)
mkdir -p "$RUN"
OUT=$RUN/results.jsonl
: >"$OUT"
# Every server this script starts is stopped on exit, however it exits.
cleanup() {
  serve_stop 2>/dev/null || true
  bg_stop
  pg_stop
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM  # an interrupted run cleans up too

# One other server at a time (the ceiling or the peer): `bg_start LOG COMMAND…` starts it and
# waits for it to print its http://…/graphql address (BG_URL); `bg_stop` stops it.
BG_PID=
bg_start() {
  local log=$1; shift
  : >"$log"  # never read a previous server's address
  "$@" >>"$log" 2>&1 &
  BG_PID=$!
  BG_URL=
  for _ in $(seq 1 3000); do
    BG_URL=$(grep -o 'http://[0-9.:]*/graphql' "$log" 2>/dev/null | head -1 || true)
    [[ -n $BG_URL ]] && return 0
    kill -0 "$BG_PID" 2>/dev/null || break
    sleep 0.2
  done
  echo "$* did not start:" >&2
  cat "$log" >&2
  return 1
}
bg_stop() {
  [[ -n ${BG_PID:-} ]] || return 0
  kill -TERM "$BG_PID" 2>/dev/null || true
  wait "$BG_PID" 2>/dev/null || true
  BG_PID=
}

echo "== tools"
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
[[ ${SKIP_PEER:-} == 1 ]] || npm ci --prefix bench/peer --no-audit --no-fund --silent
cargo build --release -q -p api -p seed
[[ ${SKIP_CEILING:-} == 1 ]] || cargo build --release -q -p api --example ceiling
SEED=target/release/seed
API=target/release/api
CEILING=target/release/examples/ceiling
PEER_NODE=bench/peer/node_modules/.bin/node
[[ ${SKIP_PEER:-} == 1 ]] || "$PEER_NODE" --version
machine="$(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
printf '{"kind":"meta","date":"%s","machine":"%s","duration":%s,"threads":%s,"commit":"%s"}\n' \
  "$(date -u +%FT%TZ)" "$machine" "$DURATION" "$THREADS" "$(git rev-parse --short HEAD)" >>"$OUT"

echo "== datasets"
SYNTH=$WORK/synth-${DEPARTMENTS}x${YEARS}
PG_EXTRA_CONF="shared_buffers = 512MB
synchronous_commit = off" pg_start
echo "PostgreSQL on port $PG_PORT"

timed_load() { # db-label dataset-label url [--data dir]
  local label=$1 dataset=$2 url=$3; shift 3
  local start end
  start=$(date +%s.%N)
  $SEED --database-url "$url" "$@" >/dev/null
  end=$(date +%s.%N)
  local seconds
  seconds=$(awk "BEGIN {print $end - $start}")
  printf '{"kind":"load","db":"%s","dataset":"%s","seconds":%s}\n' "$label" "$dataset" "$seconds" >>"$OUT"
  echo "loaded $dataset into $label in $seconds s"
}
declare -A URLS
URLS[sqlite-real]="sqlite://$WORK/real.sqlite?mode=rwc"
URLS[sqlite-big]="sqlite://$WORK/big.sqlite?mode=rwc"
psql -q "$PG_URL" -c "CREATE DATABASE real" -c "CREATE DATABASE big"
URLS[postgres-real]="${PG_URL%/*}/real"
URLS[postgres-big]="${PG_URL%/*}/big"
TARGETS=${TARGETS:-"sqlite-real sqlite-big postgres-real postgres-big"}
for target in $TARGETS; do
  timed_load "${target%-*}" "real disclosure" "${URLS[$target]}"
  if [[ $target == *-big ]]; then
    [[ -d $SYNTH ]] || $SEED synth --departments "$DEPARTMENTS" --years "$YEARS" --out "$SYNTH"
    timed_load "${target%-*}" "synthetic ${DEPARTMENTS}x${YEARS}" "${URLS[$target]}" --data "$SYNTH"
  fi
done

ID=$(printf 'Department:pingshan-gsdmb' | base64 | tr '+/' '-_' | tr -d '=')
for q in $QUERIES; do
  # Variables: Node gets the bureau's id; others examples/<q>.variables.json, with any key of
  # $VARIABLES (JSON) that the query declares taking precedence.
  python3 - "examples/$q.graphql" "$ID" "$q" "${VARIABLES:-{\}}" >"$WORK/$q.json" <<'PY'
import json, os, re, sys
path, node_id, name, override = sys.argv[1:]
query = open(path).read()
variables = {"id": node_id} if name == "Node" else {}
file = path.replace(".graphql", ".variables.json")
if os.path.exists(file):
    variables.update(json.load(open(file)))
variables.update({k: v for k, v in json.loads(override).items() if re.search(r"\$" + k + r"\b", query)})
print(json.dumps({"query": query, "variables": variables}))
PY
done

# The FunctionalTree question in the forms each server is asked it: the contract's text (ours
# and the ceiling), the same text with $code/$year (the exploration workload), and PostGraphile's
# flat equivalent; plus a few random (code, year) for the answer checks, drawn like random.lua.
RANDOM_QUERY=$WORK/FunctionalTreeRandom.graphql
python3 bench/compare.py variables examples/FunctionalTree.graphql >"$RANDOM_QUERY"
PEER_QUERY=bench/queries/FunctionalTreeFlat.graphql
FIXED_VARS='{"code":"pingshan-gsdmb","year":2023}'
python3 bench/compare.py body examples/FunctionalTree.graphql >"$WORK/fixed.json"
python3 bench/compare.py body "$PEER_QUERY" "$FIXED_VARS" >"$WORK/peer-fixed.json"
mapfile -t SAMPLES < <(python3 bench/compare.py samples 3 "$RANDOM_SEED" "$DEPARTMENTS" "$YEARS")
for i in "${!SAMPLES[@]}"; do
  python3 bench/compare.py body "$RANDOM_QUERY" "${SAMPLES[$i]}" >"$WORK/sample-$i.json"
  python3 bench/compare.py body "$PEER_QUERY" "${SAMPLES[$i]}" >"$WORK/peer-sample-$i.json"
done
dataset_of() { [[ $1 == *-big ]] && echo "real + synthetic ${DEPARTMENTS}x${YEARS}" || echo "real disclosure"; }
post() { curl -sS -H 'content-type: application/json' -d @"$1" "$2" >"$3"; }

# The questions whose answers are checked on a target: the fixed FunctionalTree, and on a big
# dataset the random samples too (request bodies $WORK/[peer-]<question>.json).
questions() {
  echo fixed
  if [[ $1 == *-big ]]; then for i in "${!SAMPLES[@]}"; do echo "sample-$i"; done; fi
}

# Our answers, kept to check the ceiling's and PostGraphile's against: answers/<target>/….
save_answers() { # target url
  local dir=$WORK/answers/$1
  [[ -d $dir ]] && return 0
  mkdir -p "$dir"
  for q in $(questions "$1"); do post "$WORK/$q.json" "$2" "$dir/$q.json"; done
}

# Asks another server (URL) the questions of TARGET and checks each answer against ours with
# `compare.py HOW` (same or peer); bodies are $WORK/<BODY_PREFIX><question>.json, answers go
# to <OUT_PREFIX><question>.json. Exits on the first mismatch.
check_answers() { # how target url body_prefix out_prefix
  local how=$1 target=$2 url=$3 body=$4 out=$5
  for q in $(questions "$target"); do
    post "$WORK/$body$q.json" "$url" "$out$q.json"
    python3 bench/compare.py "$how" "$WORK/answers/$target/$q.json" "$out$q.json" || exit 1
  done
}

metric() { curl -s "${SERVE_URL%/graphql}/metrics" | awk -v m="$1" '$1 == m {print $2}'; }

# measure SERVER DB DATASET CACHE QUERY CONNS URL [BODY_FILE | random:QUERY_FILE]
# SERVER is api, ceiling or postgraphile-5; only the API has /metrics (SQL statements per
# executed request, and the share of requests executed rather than answered from the cache).
measure() {
  local server=$1 db=$2 dataset=$3 cache=$4 query=$5 conns=$6 url=$7 body=${8:-}
  local s0 e0 line stmts=null executed=null threads=$(( conns < THREADS ? conns : THREADS ))
  local script=bench/wrk.lua query_file=
  if [[ $body == random:* ]]; then script=bench/random.lua; query_file=${body#random:}; body=; fi
  run_wrk() { # seconds seed
    BODY_FILE=$body QUERY_FILE=$query_file RANDOM_SEED=$2 DEPARTMENTS=$DEPARTMENTS YEARS=$YEARS \
      wrk -t"$threads" -c"$conns" -d"$1s" --timeout 10s -s "$script" "$url"
  }
  # Warm-up (not recorded): fills caches and connection pools, as a running service has them.
  # Random variables: the warm-up draws from another seed; the measurement's seed depends only
  # on RANDOM_SEED and the connection count, so every server is asked the same sequence.
  run_wrk 1 $(( RANDOM_SEED + 1000 + conns )) >/dev/null
  if [[ $server == api && $query != static ]]; then
    s0=$(metric budget_sql_statements_total); e0=$(metric budget_graphql_executed_total)
  fi
  line=$(run_wrk "$DURATION" $(( RANDOM_SEED + conns )) | grep '^RESULT ' | cut -d' ' -f2-)
  if [[ $server == api && $query != static ]]; then
    local s1 e1 requests
    s1=$(metric budget_sql_statements_total); e1=$(metric budget_graphql_executed_total)
    requests=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["requests"])' "$line")
    if (( e1 > e0 )); then stmts=$(awk "BEGIN {printf \"%.2f\", ($s1 - $s0) / ($e1 - $e0)}"); fi
    if (( requests > 0 )); then executed=$(awk "BEGIN {printf \"%.3f\", ($e1 - $e0) / $requests}"); fi
  fi
  printf '{"kind":"run","server":"%s","db":"%s","dataset":"%s","cache":"%s","query":"%s","conns":%s,"statements_per_request":%s,"executed_share":%s,%s\n' \
    "$server" "$db" "$dataset" "$cache" "$query" "$conns" "$stmts" "$executed" "${line#\{}" >>"$OUT"
  echo "$server $db $dataset cache=$cache $query c=$conns: $line"
}

memory() { # server db dataset cache pid
  printf '{"kind":"memory","server":"%s","db":"%s","dataset":"%s","cache":"%s","kb":%s}\n' "$1" "$2" "$3" "$4" \
    "$(awk '/VmHWM/ {print $2}' /proc/"$5"/status)" >>"$OUT"
}

echo "== load"
for target in $TARGETS; do
  db=${target%-*}
  dataset=$(dataset_of "$target")
  for cache in $CACHES; do
    entries=$([[ $cache == on ]] && echo 10000 || echo 0)
    # Rate limits off: the load comes from one address on purpose.
    # A log per server: serve_start polls the log for the address, and a reused one may still
    # hold the previous server's before the new process truncates it.
    DATABASE_URL=${URLS[$target]} CACHE_ENTRIES=$entries RATE_LIMIT_POINTS_PER_MINUTE=0 RUST_LOG=warn,api::server=info \
      serve_start "$API" "$WORK/server-$target-cache-$cache.log"
    save_answers "$target" "$SERVE_URL"
    for conns in $CONNS; do
      measure api "$db" "$dataset" "$cache" static "$conns" "${SERVE_URL%/graphql}/healthz"
      for q in $QUERIES; do
        measure api "$db" "$dataset" "$cache" "$q" "$conns" "$SERVE_URL" "$WORK/$q.json"
      done
      # The exploration workload: with the cache on, as served; most draws are new questions.
      if [[ $target == *-big && $cache == on && ${SKIP_RANDOM:-} != 1 ]]; then
        measure api "$db" "$dataset" "$cache" "$RANDOM_LABEL" "$conns" "$SERVE_URL" "random:$RANDOM_QUERY"
      fi
    done
    memory api "$db" "$dataset" "$cache" "$SERVE_PID"
    serve_stop
  done
done

# The loaded targets holding a dataset, SQLite first (the ceiling loads faster from it).
targets_of() { for t in "sqlite-$1" "postgres-$1"; do [[ " $TARGETS " == *" $t "* ]] && echo "$t"; done; return 0; }

if [[ ${SKIP_CEILING:-} != 1 ]]; then
  echo "== ceiling: the same selection from memory, same stack, no database"
  for kind in real big; do
    targets=$(targets_of "$kind")
    [[ -n $targets ]] || continue
    source_target=$(head -1 <<<"$targets")
    dataset=$(dataset_of "$source_target")
    bg_start "$WORK/ceiling-$kind.log" "$CEILING" "${URLS[$source_target]}"
    grep loaded "$WORK/ceiling-$kind.log"
    # Its answers must be ours (every target of the dataset), or its speed means nothing.
    mkdir -p "$WORK/ceiling-$kind"
    for t in $targets; do
      check_answers same "$t" "$BG_URL" "" "$WORK/ceiling-$kind/"
    done
    for conns in $CONNS; do
      measure ceiling memory "$dataset" n/a FunctionalTree "$conns" "$BG_URL" "$WORK/fixed.json"
      if [[ $kind == big && ${SKIP_RANDOM:-} != 1 ]]; then
        measure ceiling memory "$dataset" n/a "$RANDOM_LABEL" "$conns" "$BG_URL" "random:$RANDOM_QUERY"
      fi
    done
    memory ceiling memory "$dataset" n/a "$BG_PID"
    bg_stop
  done
fi

if [[ ${SKIP_PEER:-} != 1 ]]; then
  echo "== peer: PostGraphile 5 on the same PostgreSQL data"
  for kind in real big; do
    target=postgres-$kind
    [[ " $TARGETS " == *" $target "* ]] || continue
    dataset=$(dataset_of "$target")
    # PostGraphile infers relations from foreign keys; our schema has none, so declare them as
    # smart comments (metadata only). `lineNodeId` keeps the v4 run's name for node_id.
    psql -q "${URLS[$target]}" \
      -c "COMMENT ON TABLE budget_line IS E'@foreignKey (department_id) references department (id)\n@foreignKey (node_id) references classification_node (id)\n@foreignKey (source_id) references source (id)'" \
      -c "COMMENT ON COLUMN budget_line.node_id IS E'@name lineNodeId'" \
      -c "COMMENT ON TABLE headline IS E'@foreignKey (department_id) references department (id)'"
    peer_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    DATABASE_URL=${URLS[$target]} PORT=$peer_port NODE_ENV=production bg_start "$WORK/peer-$kind.log" "$PEER_NODE" bench/peer/server.mjs
    # The same amounts as ours, line by line, or the comparison is void.
    check_answers peer "$target" "$BG_URL" peer- "$WORK/peer-$kind-"
    for conns in $CONNS; do
      measure postgraphile-5 postgres "$dataset" n/a "FunctionalTree (flat)" "$conns" "$BG_URL" "$WORK/peer-fixed.json"
      if [[ $kind == big && ${SKIP_RANDOM:-} != 1 ]]; then
        measure postgraphile-5 postgres "$dataset" n/a "$RANDOM_LABEL" "$conns" "$BG_URL" "random:$PEER_QUERY"
      fi
    done
    memory postgraphile-5 postgres "$dataset" n/a "$BG_PID"
    bg_stop
  done
fi

python3 bench/summarize.py "$OUT" | tee "$RUN/summary.md"
echo "results in $RUN"
