# Sourced by .ci/run and bench/run.sh: a throw-away PostgreSQL 15, run as the `postgres` user
# in a temp directory on a free port. `pg_start` sets PG_BIN, PG_DIR, PG_PORT and PG_URL;
# `pg_stop` stops it and removes the directory (call it from an EXIT trap).

PG_BIN=/usr/lib/postgresql/15/bin

pg_as() { runuser -u postgres -- "$@"; }

pg_start() {
  if [[ ! -x $PG_BIN/postgres ]]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 >/dev/null
  fi
  PG_DIR=$(mktemp -d /tmp/budget-pg.XXXXXX)
  chown postgres:postgres "$PG_DIR"
  PG_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  pg_as "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  # Settings go in the config file so that a restart (the fault test) reuses them.
  cat >>"$PG_DIR/data/postgresql.conf" <<CONF
port = $PG_PORT
unix_socket_directories = '$PG_DIR'
listen_addresses = '127.0.0.1'
max_connections = 200
${PG_EXTRA_CONF:-}
CONF
  pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w start >/dev/null
  PG_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres"
  export PG_BIN PG_DIR PG_PORT PG_URL
}

pg_stop() {
  [[ -n ${PG_DIR:-} ]] || return 0
  pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
}
