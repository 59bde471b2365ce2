#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for the tests (the PostgreSQL side of the store, scenario and
# integration suites). Not for data anyone keeps.
#
#   test-pg.sh start DIR   create a cluster in DIR (created if missing, must be empty), start it
#                          on 127.0.0.1 and a free port, print its admin conninfo (also written
#                          to DIR/conninfo)
#   test-pg.sh recover DIR BASE
#                          create a cluster in DIR from the base backup BASE (a directory that
#                          pg_basebackup wrote in plain format, readable by the cluster's user)
#                          and start it in archive recovery (recovery.signal), listening as
#                          start's does; prints its conninfo as start does. The recovery
#                          settings (restore_command, a recovery target and its action) come in
#                          PG_EXTRA_CONF. pg_ctl returns once the copy is consistent: it has left
#                          recovery when `SELECT pg_is_in_recovery()` says false
#   test-pg.sh stop DIR    stop the cluster in DIR (fast shutdown) and remove DIR; quiet and
#                          successful when DIR or its cluster is gone already
#
# The cluster:
# - runs as an unprivileged user. Run as root, that is `postgres`, the system account Debian's
#   postgresql-common creates for PostgreSQL servers: it exists whenever postgresql-15 is
#   installed, owns nothing of ours, and no account has to be added to the machine. Not `nobody`:
#   that account is shared by unrelated daemons (and NFS squashing), any of which could then
#   write into the cluster's files. Run as anyone else, it runs as that user.
# - listens on 127.0.0.1 only, on a port free at start, and on a unix socket inside DIR (never in
#   /var/run/postgresql, so it cannot collide with Debian's own cluster "15/main", which we
#   neither use nor touch);
# - trusts every connection (no passwords): it is reachable only from this machine's loopback
#   and its socket directory, lives for one test run, and holds nothing but test data (on a
#   machine shared with other users, they could connect to it while it runs);
# - runs with fsync=off (and initdb --no-sync), for speed: a crash of the machine may corrupt
#   this cluster, which is thrown away anyway. synchronous_commit and everything else keep
#   their defaults, so commits behave for the tests as in production;
# - allows 200 connections: test suites run in parallel (ctest -j), each with servers and pools.
# The benchmarks start theirs with PG_FSYNC=on (a durable cluster, as in production) and their
# memory settings in PG_EXTRA_CONF (postgresql.conf lines).
# Superuser: battrace_test. Bounded: pg_ctl waits at most PG_START_TIMEOUT (60) seconds to start
# and PG_STOP_TIMEOUT (30) to stop; a cluster that does not stop is killed.
set -euo pipefail

BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
SUPERUSER=battrace_test
START_TIMEOUT=${PG_START_TIMEOUT:-60}
STOP_TIMEOUT=${PG_STOP_TIMEOUT:-30}

die() { echo "test-pg: $*" >&2; exit 1; }

# Runs a command as the cluster's user, with no PG* variables of the caller leaking in.
as_owner() {
  local clean=(env -u PGDATA -u PGPORT -u PGHOST -u PGUSER -u PGDATABASE -u PGSERVICE
               -u PGOPTIONS -u PGPASSWORD -u PGPASSFILE)
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u "$OWNER" -- "${clean[@]}" "$@"
  else
    "${clean[@]}" "$@"
  fi
}

free_port() {
  python3 -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# start DIR [BASE]: a new cluster (initdb), or one recovered from the base backup BASE.
start() {
  local dir=$1 base=${2:-}
  [ -x "$BIN/initdb" ] || die "no $BIN/initdb: install postgresql-15 (scripts/install-deps.sh)"
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  [ -z "$(ls -A "$dir")" ] || die "$dir is not empty"
  if [ "$(id -u)" -eq 0 ]; then
    id "$OWNER" >/dev/null 2>&1 || die "no user $OWNER: install postgresql-15 (scripts/install-deps.sh)"
    chown "$OWNER": "$dir"
    chmod 700 "$dir"
  fi
  as_owner mkdir -m 700 "$dir/sock"
  if [ -n "$base" ]; then
    [ -f "$base/backup_label" ] || die "$base is no base backup (no backup_label)"
    # The backup's own conf.d-battrace.conf (the source's port and socket) is written over below.
    as_owner cp -a "$base" "$dir/data" || die "cannot copy $base as $OWNER"
    as_owner chmod 700 "$dir/data"
    as_owner touch "$dir/data/recovery.signal"
  else
    as_owner "$BIN/initdb" -D "$dir/data" -U "$SUPERUSER" --auth=trust --encoding=UTF8 \
      --locale=C --no-instructions $([ "${PG_FSYNC:-off}" = on ] || echo --no-sync) \
      >"$dir/initdb.log" 2>&1 ||
      die "initdb failed: $(cat "$dir/initdb.log")"
  fi
  # A port that is free now may be taken before the server binds it: try a few.
  local port attempt
  for attempt in 1 2 3; do
    port=$(free_port)
    as_owner tee "$dir/data/conf.d-battrace.conf" >/dev/null <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir/sock'
max_connections = 200
fsync = ${PG_FSYNC:-off}
${PG_EXTRA_CONF:-}
EOF
    grep -q "^include_if_exists = 'conf.d-battrace.conf'" "$dir/data/postgresql.conf" ||
      echo "include_if_exists = 'conf.d-battrace.conf'" | as_owner tee -a "$dir/data/postgresql.conf" >/dev/null
    if as_owner "$BIN/pg_ctl" start -D "$dir/data" -w -t "$START_TIMEOUT" -l "$dir/server.log" \
         >/dev/null 2>&1; then
      local conninfo="host=127.0.0.1 port=$port user=$SUPERUSER dbname=postgres"
      echo "$conninfo" | as_owner tee "$dir/conninfo" >/dev/null
      echo "$conninfo"
      return 0
    fi
    # Not started: stop whatever half-started, and try another port.
    as_owner "$BIN/pg_ctl" stop -D "$dir/data" -m immediate -w -t 10 >/dev/null 2>&1 || true
  done
  die "the cluster in $dir did not start: $(tail -n 20 "$dir/server.log" 2>/dev/null)"
}

stop() {
  local dir=$1
  [ -d "$dir" ] || return 0
  if [ -f "$dir/data/postmaster.pid" ]; then
    if ! as_owner "$BIN/pg_ctl" stop -D "$dir/data" -m fast -w -t "$STOP_TIMEOUT" >/dev/null 2>&1; then
      local pid
      pid=$(head -n 1 "$dir/data/postmaster.pid" 2>/dev/null || true)
      if [ -n "$pid" ] && [ -f "$dir/data/postmaster.pid" ]; then
        echo "test-pg: the cluster in $dir did not stop in ${STOP_TIMEOUT}s; killing it" >&2
        # SIGQUIT: immediate shutdown, the postmaster takes its children with it.
        kill -QUIT "$pid" 2>/dev/null || true
        sleep 2
        kill -KILL "$pid" 2>/dev/null || true
      fi
    fi
  fi
  rm -rf "$dir"
}

if [ "$(id -u)" -eq 0 ]; then OWNER=postgres; else OWNER=$(id -un); fi
case "${1:-}" in
  start) [ $# -eq 2 ] || die "usage: test-pg.sh start DIR"; start "$2" ;;
  recover) [ $# -eq 3 ] || die "usage: test-pg.sh recover DIR BASE"; start "$2" "$3" ;;
  stop) [ $# -eq 2 ] || die "usage: test-pg.sh stop DIR"; stop "$2" ;;
  *) die "usage: test-pg.sh start DIR | recover DIR BASE | stop DIR" ;;
esac
