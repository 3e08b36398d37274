# Sourced by .ci/smoke, .ci/audit and bench/run.sh: start the API binary in the background on a
# free port and wait for it. `serve_start BINARY LOGFILE` (settings come from the environment)
# sets SERVE_PID and SERVE_URL (…/graphql); `serve_stop` sends SIGTERM and returns the exit code.

serve_start() {
  local binary=$1 log=$2
  PORT=0 "$binary" >"$log" 2>&1 &
  SERVE_PID=$!
  for _ in $(seq 1 300); do
    grep -q "serving GraphQL at" "$log" 2>/dev/null && break
    kill -0 "$SERVE_PID" 2>/dev/null || break
    sleep 0.1
  done
  SERVE_URL=$(grep -o 'http://[0-9.:]*/graphql' "$log" | head -1)
  if [[ -z $SERVE_URL ]]; then
    echo "server did not start:" >&2
    cat "$log" >&2
    return 1
  fi
}

serve_stop() {
  kill -TERM "$SERVE_PID" 2>/dev/null || return 0
  wait "$SERVE_PID"
}
