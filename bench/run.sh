#!/usr/bin/env bash
# The benchmark, in one command: bash bench/run.sh
# Installs wrk and PostGraphile, builds release, loads the real disclosure and a synthetic
# 2,000 departments × 10 years into SQLite and PostgreSQL, serves each, and drives every
# canonical query plus the static /healthz (the HTTP ceiling) at 1, 16 and 64 connections, with
# the response cache on and off; then PostGraphile 4 on the same question. Writes
# bench/results/<timestamp>/{results.jsonl,summary.md}. Tests never assert timings; this does
# not either — it measures.
#
# Knobs (environment): DURATION (s per measurement, default 5), CONNS ("1 16 64"),
# DEPARTMENTS (2000), YEARS (10), QUERIES (all canonical), TARGETS ("sqlite-real sqlite-big
# postgres-real postgres-big"), CACHES ("on off"), VARIABLES (JSON merged into the variables
# of the queries that declare them, e.g. '{"code":"901"}'), SKIP_PEER=1.
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
THREADS=2
RUN=bench/results/$(date -u +%Y%m%dT%H%M%SZ)
WORK=$(mktemp -d /tmp/budget-bench.XXXXXX)
mkdir -p "$RUN"
OUT=$RUN/results.jsonl
: >"$OUT"
cleanup() { serve_stop 2>/dev/null || true; [[ -n ${PEER_PID:-} ]] && kill "$PEER_PID" 2>/dev/null; pg_stop; rm -rf "$WORK"; }
trap cleanup EXIT

echo "== tools"
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
[[ ${SKIP_PEER:-} == 1 ]] || npm ci --prefix bench/peer --no-audit --no-fund --silent
cargo build --release -q -p api -p seed
SEED=target/release/seed
API=target/release/api
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

metric() { curl -s "${SERVE_URL%/graphql}/metrics" | awk -v m="$1" '$1 == m {print $2}'; }

measure() { # db dataset cache query conns url [body-file]
  local db=$1 dataset=$2 cache=$3 query=$4 conns=$5 url=$6 body=${7:-}
  local s0 e0 line stmts=null threads=$(( conns < THREADS ? conns : THREADS ))
  # Warm-up (not recorded): fills caches and connection pools, as a running service has them.
  BODY_FILE=$body wrk -t"$threads" -c"$conns" -d1s --timeout 10s -s bench/wrk.lua "$url" >/dev/null
  s0=$(metric budget_sql_statements_total); e0=$(metric budget_graphql_executed_total)
  line=$(BODY_FILE=$body wrk -t"$threads" -c"$conns" -d"${DURATION}s" --timeout 10s -s bench/wrk.lua "$url" | grep '^RESULT ' | cut -d' ' -f2-)
  if [[ $query != static ]]; then
    local s1 e1
    s1=$(metric budget_sql_statements_total); e1=$(metric budget_graphql_executed_total)
    if (( e1 > e0 )); then stmts=$(awk "BEGIN {printf \"%.2f\", ($s1 - $s0) / ($e1 - $e0)}"); fi
  fi
  printf '{"kind":"run","db":"%s","dataset":"%s","cache":"%s","query":"%s","conns":%s,"statements_per_request":%s,%s\n' \
    "$db" "$dataset" "$cache" "$query" "$conns" "$stmts" "${line#\{}" >>"$OUT"
  echo "$db $dataset cache=$cache $query c=$conns: $line"
}

echo "== load"
for target in $TARGETS; do
  db=${target%-*}
  dataset=$([[ $target == *-big ]] && echo "real + synthetic ${DEPARTMENTS}x${YEARS}" || echo "real disclosure")
  for cache in $CACHES; do
    entries=$([[ $cache == on ]] && echo 10000 || echo 0)
    # Rate limits off: the load comes from one address on purpose.
    DATABASE_URL=${URLS[$target]} CACHE_ENTRIES=$entries RATE_LIMIT_POINTS_PER_MINUTE=0 RUST_LOG=warn,api::server=info serve_start "$API" "$WORK/server.log"
    for conns in $CONNS; do
      measure "$db" "$dataset" "$cache" static "$conns" "${SERVE_URL%/graphql}/healthz"
      for q in $QUERIES; do
        measure "$db" "$dataset" "$cache" "$q" "$conns" "$SERVE_URL" "$WORK/$q.json"
      done
    done
    printf '{"kind":"memory","db":"%s","dataset":"%s","cache":"%s","kb":%s}\n' "$db" "$dataset" "$cache" \
      "$(awk '/VmHWM/ {print $2}' /proc/"$SERVE_PID"/status)" >>"$OUT"
    serve_stop
  done
done

if [[ ${SKIP_PEER:-} != 1 ]]; then
  echo "== peer: PostGraphile 4 on the same PostgreSQL data (real disclosure)"
  # PostGraphile infers relations from foreign keys; our schema has none, so declare them as
  # smart comments (metadata only). `node_id` would clash with PostGraphile's Relay `nodeId`.
  psql -q "${URLS[postgres-real]}" \
    -c "COMMENT ON TABLE budget_line IS E'@foreignKey (department_id) references department (id)\n@foreignKey (node_id) references classification_node (id)\n@foreignKey (source_id) references source (id)'" \
    -c "COMMENT ON COLUMN budget_line.node_id IS E'@name lineNodeId'"
  peer_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  NODE_ENV=production bench/peer/node_modules/.bin/postgraphile -c "${URLS[postgres-real]}" --host 127.0.0.1 --port "$peer_port" \
    --disable-query-log --disable-graphiql >"$WORK/peer.log" 2>&1 &
  PEER_PID=$!
  for _ in $(seq 1 100); do curl -s "http://127.0.0.1:$peer_port/graphql" -o /dev/null && break; sleep 0.2; done
  # The same logical question: pingshan-gsdmb's 2023 functional lines of 表3 with amounts and
  # their nodes (PostGraphile returns them flat; our API returns the assembled tree).
  python3 - "$WORK/peer.json" <<'PY'
import json, sys
query = """{ departmentByCode(code: "pingshan-gsdmb") { name
  budgetLinesByDepartmentId(condition: {year: 2023, scheme: "FUNCTIONAL", sourceId: 3}, orderBy: POSITION_ASC) {
    nodes { total basic project procurement classificationNodeByLineNodeId { code name nameEn level parentId } } } } }"""
json.dump({"query": query}, open(sys.argv[1], "w"))
PY
  curl -s -H 'content-type: application/json' -d @"$WORK/peer.json" "http://127.0.0.1:$peer_port/graphql" >"$WORK/peer-answer.json" || true
  head -c 300 "$WORK/peer-answer.json"; echo
  for conns in $CONNS; do
    threads=$(( conns < THREADS ? conns : THREADS ))
    BODY_FILE=$WORK/peer.json wrk -t"$threads" -c"$conns" -d1s --timeout 10s -s bench/wrk.lua "http://127.0.0.1:$peer_port/graphql" >/dev/null
    line=$(BODY_FILE=$WORK/peer.json wrk -t"$threads" -c"$conns" -d"${DURATION}s" --timeout 10s -s bench/wrk.lua "http://127.0.0.1:$peer_port/graphql" | grep '^RESULT ' | cut -d' ' -f2-)
    printf '{"kind":"run","db":"postgres","dataset":"PostGraphile 4 (peer)","cache":"n/a","query":"FunctionalTree (flat)","conns":%s,"statements_per_request":null,%s\n' "$conns" "${line#\{}" >>"$OUT"
    echo "PostGraphile c=$conns: $line"
  done
  printf '{"kind":"memory","db":"postgres","dataset":"PostGraphile 4 (peer)","cache":"n/a","kb":%s}\n' "$(awk '/VmHWM/ {print $2}' /proc/"$PEER_PID"/status)" >>"$OUT"
  kill "$PEER_PID"; PEER_PID=
fi

python3 bench/summarize.py "$OUT" | tee "$RUN/summary.md"
echo "results in $RUN"
