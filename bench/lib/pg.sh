# Sourced by the benchmarks' scripts: a durable PostgreSQL cluster for one benchmark run.
#   bench_pg_start DIR   starts a throwaway cluster in DIR (scripts/test-pg.sh) with fsync on, as
#                        in production, and memory settings for the benchmark; sets $pg_admin;
#                        the caller stops it (bench_pg_stop DIR) in its exit trap
#   bench_pg_db NAME     prints the conninfo of a new, empty database NAME (dropped first)
bench_pg_start() {
  scripts/test-pg.sh stop "$1"
  pg_admin=$(PG_FSYNC=on PG_EXTRA_CONF="shared_buffers = 2GB
max_wal_size = 8GB
checkpoint_timeout = 15min" scripts/test-pg.sh start "$1")
}
bench_pg_stop() { scripts/test-pg.sh stop "$1"; }
bench_pg_db() {
  psql -X -q -d "$pg_admin" -c "SET client_min_messages = warning" \
    -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1" >/dev/null
  echo "${pg_admin% dbname=*} dbname=$1"
}
