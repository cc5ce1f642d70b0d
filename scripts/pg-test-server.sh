#!/usr/bin/env bash
# pg-test-server.sh — throwaway PostgreSQL 15 cluster for tests (Debian 12).
#
#   pg-test-server.sh start    # init if needed, start if not running; prints the connection string on stdout
#   pg-test-server.sh stop     # fast shutdown (no-op if not running)
#   pg-test-server.sh status   # exit 0 if running
#   pg-test-server.sh url      # print the connection string only
#   pg-test-server.sh destroy  # stop and delete the data dir
#
# Every command is idempotent. Only the connection string goes to stdout, so:
#   export PG_CONN="$(bash pg-test-server.sh start)"
#
# Settings (env):
#   PGTEST_PORT    TCP port on 127.0.0.1            (default 54329; "random" picks a free one, printed in the URL)
#   PGTEST_DIR     base dir: data/, sock/, log      (default /tmp/pg-test-$PGTEST_PORT)
#   PGTEST_DB      database created for the tests   (default app_test)
#   PGTEST_OSUSER  OS user that runs the server when invoked as root (default postgres)
#   PGTEST_FORMAT  npgsql (default) | uri
#
# Runs the server as a non-root user: postgres refuses to run as root. When called as
# root it uses `runuser -u $PGTEST_OSUSER`; otherwise it runs as the calling user.
# Durability is switched off (fsync/full_page_writes/synchronous_commit) — test use only.
# Auth is `trust` on 127.0.0.1 and the unix socket only; the DB superuser is "postgres".
set -euo pipefail

PORT="${PGTEST_PORT:-54329}"
if [ "$PORT" = random ]; then
  PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
fi
BASE="${PGTEST_DIR:-/tmp/pg-test-$PORT}"
DB="${PGTEST_DB:-app_test}"
OSUSER="${PGTEST_OSUSER:-postgres}"
FORMAT="${PGTEST_FORMAT:-npgsql}"
DATA="$BASE/data"
SOCK="$BASE/sock"
LOG="$BASE/server.log"

log() { echo "pg-test-server: $*" >&2; }

find_bindir() {
  for d in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
    [ -x "$d/pg_ctl" ] && { echo "$d"; return 0; }
  done
  return 1
}

BIN="$(find_bindir || true)"
if [ -z "$BIN" ]; then
  if [ "$(id -u)" = 0 ]; then
    log "PostgreSQL not found; installing postgresql-15 from apt"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y --no-install-recommends postgresql-15 >&2 \
      || { apt-get update >&2 && apt-get install -y --no-install-recommends postgresql-15 >&2; }
    BIN="$(find_bindir)"
  else
    log "PostgreSQL not found: run as root: apt-get update && apt-get install -y postgresql-15"
    exit 1
  fi
fi

# Run a command as the server's OS user.
as_pg() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u "$OSUSER" -- "$@"
  else
    "$@"
  fi
}

conn_string() {
  case "$FORMAT" in
    uri) echo "postgresql://postgres@127.0.0.1:$PORT/$DB" ;;
    *)   echo "Host=127.0.0.1;Port=$PORT;Username=postgres;Database=$DB;Pooling=true" ;;
  esac
}

# PID of the postmaster from postmaster.pid, if that file exists.
pm_pid() { [ -f "$DATA/postmaster.pid" ] && head -n 1 "$DATA/postmaster.pid" || true; }

# Alive = the pid exists, is not a zombie, and is a postgres process.
# (pg_ctl status alone is fooled by a killed postmaster that is still an unreaped zombie.)
pid_alive() {
  local pid="$1"
  [ -n "$pid" ] && [ -r "/proc/$pid/stat" ] || return 1
  [ "$(cut -d' ' -f3 "/proc/$pid/stat" 2>/dev/null)" != "Z" ] || return 1
  [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "postgres" ]
}

is_running() { pid_alive "$(pm_pid)"; }

# A postmaster.pid left by a killed server: wait for the old processes to go, then drop it.
clear_stale_pid() {
  local pid; pid="$(pm_pid)"
  [ -n "$pid" ] || return 0
  log "stale postmaster.pid (pid $pid) from a server that is gone; removing it"
  for _ in $(seq 1 50); do   # a killed postmaster can linger as a zombie until PID 1 reaps it
    [ "$(cut -d' ' -f3 "/proc/$pid/stat" 2>/dev/null)" = "Z" ] || break
    sleep 0.2
  done
  sleep 0.2                  # let its children notice the postmaster's death and exit
  rm -f "$DATA/postmaster.pid"
}

do_init() {
  if [ "$(id -u)" = 0 ]; then
    id "$OSUSER" >/dev/null 2>&1 || useradd --system --home-dir "$BASE" --shell /usr/sbin/nologin "$OSUSER"
  fi
  mkdir -p "$BASE" "$SOCK"
  [ "$(id -u)" = 0 ] && chown -R "$OSUSER:" "$BASE"
  chmod 700 "$BASE"
  as_pg test -w "$BASE" || { log "$OSUSER cannot write $BASE (a parent dir not traversable?); set PGTEST_DIR under /tmp"; exit 1; }
  if [ ! -f "$DATA/PG_VERSION" ]; then
    rm -rf "$DATA"
    log "initdb $DATA"
    as_pg "$BIN/initdb" -D "$DATA" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >"$BASE/initdb.log" 2>&1 \
      || { cat "$BASE/initdb.log" >&2; exit 1; }
  fi
}

do_start() {
  if is_running; then
    log "already running on 127.0.0.1:$PORT (data $DATA)"
  else
    do_init
    clear_stale_pid
    log "starting on 127.0.0.1:$PORT, socket dir $SOCK"
    as_pg "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 \
      -o "-p $PORT -k $SOCK -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      start >&2 || { tail -n 30 "$LOG" >&2; exit 1; }
  fi
  # Create the test database if missing (idempotent).
  local have
  have="$(as_pg "$BIN/psql" -h "$SOCK" -p "$PORT" -U postgres -d postgres -tAc \
          "SELECT 1 FROM pg_database WHERE datname='$DB'")"
  if [ "$have" != "1" ]; then
    as_pg "$BIN/createdb" -h "$SOCK" -p "$PORT" -U postgres "$DB"
  fi
  conn_string
}

do_stop() {
  if is_running; then
    as_pg "$BIN/pg_ctl" -D "$DATA" -m fast -w -t 60 stop >&2
  else
    log "not running"
  fi
}

case "${1:-start}" in
  start)   do_start ;;
  stop)    do_stop ;;
  status)  if is_running; then log "running on 127.0.0.1:$PORT"; exit 0; else log "not running"; exit 1; fi ;;
  url)     conn_string ;;
  destroy) do_stop; rm -rf "$BASE"; log "removed $BASE" ;;
  *) echo "usage: $0 {start|stop|status|url|destroy}" >&2; exit 2 ;;
esac
