#!/usr/bin/env bash
# End-to-end ingest benchmark: `battrace import --replay` of generated reports into a fresh
# SQLite store, beside a baseline measured in the same run that inserts the same report rows into
# a bare table with the same unique index (bench/ingest/ingest_tool.cc). Prints reports/s,
# bytes on disk per report, peak RSS, the ratio to the baseline, and the per-report cost at the
# largest size relative to the smallest.
# The PostgreSQL column: the same import with --pg into a fresh database of a durable cluster
# (fsync on) that the script starts in $BENCH_DIR/pg and stops at the end, beside a raw COPY of
# the same rows into a bare table with the same primary key and unique index, in transactions of
# the same size (target: import >= 0.5 of the COPY). PG=0 skips it.
# usage: bench/ingest/run.sh [SIZES...]   (default: 1000000 10000000; run from the repo root
#        after `make release`; work files go to $BENCH_DIR, default build/bench-ingest)
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=build/release
work=${BENCH_DIR:-build/bench-ingest}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000000 10000000)
mkdir -p "$work"
command -v /usr/bin/time >/dev/null || { echo "needs GNU time (Debian package 'time')" >&2; exit 2; }

seconds() { /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" >/dev/null; cat "$work/time.txt"; }

pg=${PG:-1}
if [ "$pg" = 1 ]; then
  . bench/lib/pg.sh
  pgdir=$(realpath -m "$work/pg")
  trap 'bench_pg_stop "$pgdir"' EXIT
  bench_pg_start "$pgdir"
fi

printf "%-10s %12s %12s %10s %12s %10s %9s\n" reports import/s baseline/s ratio bytes/report peakRSS_MiB us/report
first_cost=""
for n in "${sizes[@]}"; do
  data="$work/reports-$n.ndjson"
  registry="$work/registry-$n.ndjson"
  [ -s "$data" ] && [ -s "$registry" ] || "$bin/bench/ingest_tool" generate "$n" "$data" "$registry"
  rm -f "$work"/base.db* "$work"/t.db*
  read -r base_s _ < <(seconds "$bin/bench/ingest_tool" baseline "$work/base.db" "$data")
  "$bin/battrace" init --db "$work/t.db" >/dev/null
  "$bin/battrace" registry import --db "$work/t.db" "$registry" >/dev/null
  read -r imp_s rss_kb < <(seconds "$bin/battrace" import --db "$work/t.db" --replay "$data")
  bytes=$(du -cb "$work"/t.db* | tail -1 | cut -f1)
  awk -v n="$n" -v i="$imp_s" -v b="$base_s" -v bytes="$bytes" -v rss="$rss_kb" -v first="$first_cost" '
    BEGIN {
      cost = i * 1e6 / n
      printf "%-10d %12.0f %12.0f %10.2f %12.0f %10.0f %9.2f", n, n / i, n / b, b / i, bytes / n, rss / 1024, cost
      if (first != "") printf "   (%.2fx the per-report cost at the first size)", cost / first
      printf "\n"
    }'
  [ -n "$first_cost" ] || first_cost=$(awk -v n="$n" -v i="$imp_s" 'BEGIN { print i * 1e6 / n }')
  "$bin/battrace" verify --db "$work/t.db" | sed 's/^/  /'
  [ "$pg" = 1 ] || continue
  base_pg=$(bench_pg_db bench_copy)
  read -r copy_s _ < <(seconds "$bin/bench/ingest_tool" baseline-pg "$base_pg" "$data")
  store_pg=$(bench_pg_db bench_store)
  rm -f "$work/pg.key"
  "$bin/battrace" init --pg "$store_pg" --key "$work/pg.key" >/dev/null
  "$bin/battrace" registry import --pg "$store_pg" --key "$work/pg.key" "$registry" >/dev/null
  read -r pg_s pg_rss < <(seconds "$bin/battrace" import --pg "$store_pg" --key "$work/pg.key" --replay "$data")
  pg_bytes=$(psql -X -At -d "$store_pg" -c "SELECT pg_database_size(current_database())")
  awk -v n="$n" -v i="$pg_s" -v b="$copy_s" -v bytes="$pg_bytes" -v rss="$pg_rss" 'BEGIN {
    printf "%-10s %12.0f %12.0f %10.2f %12.0f %10.0f %9.2f   (PostgreSQL: import --pg, baseline raw COPY)\n",
      "  pg", n / i, n / b, b / i, bytes / n, rss / 1024, i * 1e6 / n }'
  "$bin/battrace" verify --pg "$store_pg" --key "$work/pg.key" | sed 's/^/  /'
done
