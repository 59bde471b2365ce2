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
#                          successful when DIR or its cluster is gone already (or its server was
#                          killed)
#   test-pg.sh standby DIR PRIMARY_DIR
#                          create in DIR a hot standby of the cluster `start` made in PRIMARY_DIR
#                          (pg_basebackup -R: a copy streaming from it), start it as `start`
#                          does, make it the primary's synchronous standby
#                          (synchronous_standby_names = '*' on the primary: a commit returns once
#                          the standby has flushed it) and print its admin conninfo (also written
#                          to DIR/conninfo) once the primary reports it synchronous. The standby
#                          itself has no synchronous_standby_names: promoted, it commits alone.
#   test-pg.sh promote DIR promote the standby in DIR to a primary (pg_ctl promote), waiting
#                          until it accepts writes
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

start() {
  local dir=$1
  [ -x "$BIN/initdb" ] || die "no $BIN/initdb: install postgresql-15 (scripts/install-deps.sh)"
  dir=$(make_dir "$dir")
  as_owner "$BIN/initdb" -D "$dir/data" -U "$SUPERUSER" --auth=trust --encoding=UTF8 \
    --locale=C --no-instructions $([ "${PG_FSYNC:-off}" = on ] || echo --no-sync) \
    >"$dir/initdb.log" 2>&1 ||
    die "initdb failed: $(cat "$dir/initdb.log")"
  launch "$dir"
}

# recover DIR BASE: a cluster recovered from the base backup BASE.
recover() {
  local dir=$1 base=$2
  [ -f "$base/backup_label" ] || die "$base is no base backup (no backup_label)"
  dir=$(make_dir "$dir")
  # The backup's own conf.d-battrace.conf (the source's port and socket) is written over by launch.
  as_owner cp -a "$base" "$dir/data" || die "cannot copy $base as $OWNER"
  as_owner chmod 700 "$dir/data"
  as_owner touch "$dir/data/recovery.signal"
  launch "$dir"
}

# Makes DIR (created if missing, must be empty) ready for a cluster's files: owned by the
# cluster's user, with the socket directory. Prints DIR's absolute path.
make_dir() {
  local dir=$1
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  [ -z "$(ls -A "$dir")" ] || die "$dir is not empty"
  if [ "$(id -u)" -eq 0 ]; then
    id "$OWNER" >/dev/null 2>&1 || die "no user $OWNER: install postgresql-15 (scripts/install-deps.sh)"
    chown "$OWNER": "$dir"
    chmod 700 "$dir"
  fi
  as_owner mkdir -m 700 "$dir/sock"
  echo "$dir"
}

# Starts the cluster whose files are in DIR/data on 127.0.0.1 and a free port, with its socket
# in DIR/sock; prints its admin conninfo and writes it to DIR/conninfo.
launch() {
  local dir=$1
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

# Runs one SQL statement as the superuser on the cluster whose conninfo is $1; prints its value.
sql() {
  as_owner "$BIN/psql" -X -q -A -t -v ON_ERROR_STOP=1 -d "$1" -c "$2"
}

standby() {
  local dir=$1 primary=$2
  [ -x "$BIN/pg_basebackup" ] || die "no $BIN/pg_basebackup: install postgresql-15 (scripts/install-deps.sh)"
  [ -f "$primary/conninfo" ] || die "$primary holds no cluster made by test-pg.sh start"
  local source
  source=$(cat "$primary/conninfo")
  dir=$(make_dir "$dir")
  # -R: standby.signal and primary_conninfo (this conninfo) in postgresql.auto.conf. The copy
  # carries the primary's conf.d-battrace.conf; launch rewrites it with the standby's own port
  # and socket.
  as_owner "$BIN/pg_basebackup" -d "$source" -D "$dir/data" -R -X stream -c fast \
    $([ "${PG_FSYNC:-off}" = on ] || echo --no-sync) >"$dir/basebackup.log" 2>&1 ||
    die "pg_basebackup failed: $(cat "$dir/basebackup.log")"
  local conninfo
  conninfo=$(launch "$dir")
  # Only now does the primary wait for a standby: set before the copy, the standby would have
  # inherited it and, once promoted, waited at every commit for a standby it does not have.
  sql "$source" "ALTER SYSTEM SET synchronous_standby_names = '*'" >/dev/null
  sql "$source" "SELECT pg_reload_conf()" >/dev/null
  local waited=0
  until [ "$(sql "$source" "SELECT count(*) FROM pg_stat_replication WHERE sync_state = 'sync'")" = 1 ]; do
    [ "$waited" -lt "$((START_TIMEOUT * 10))" ] ||
      die "the standby in $dir is not the synchronous standby of $primary after ${START_TIMEOUT}s"
    sleep 0.1
    waited=$((waited + 1))
  done
  echo "$conninfo"
}

promote() {
  local dir=$1
  [ -f "$dir/data/standby.signal" ] || die "$dir holds no standby"
  as_owner "$BIN/pg_ctl" promote -D "$dir/data" -w -t "$START_TIMEOUT" >/dev/null ||
    die "the standby in $dir was not promoted in ${START_TIMEOUT}s"
}

stop() {
  local dir=$1
  [ -d "$dir" ] || return 0
  local pid
  pid=$(head -n 1 "$dir/data/postmaster.pid" 2>/dev/null || true)
  if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
    rm -rf "$dir"  # its server was killed: nothing to stop
    return 0
  fi
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
  recover) [ $# -eq 3 ] || die "usage: test-pg.sh recover DIR BASE"; recover "$2" "$3" ;;
  stop) [ $# -eq 2 ] || die "usage: test-pg.sh stop DIR"; stop "$2" ;;
  standby) [ $# -eq 3 ] || die "usage: test-pg.sh standby DIR PRIMARY_DIR"; standby "$2" "$3" ;;
  promote) [ $# -eq 2 ] || die "usage: test-pg.sh promote DIR"; promote "$2" ;;
  *) die "usage: test-pg.sh start|stop DIR | recover DIR BASE | standby DIR PRIMARY_DIR | promote DIR" ;;
esac
