#!/usr/bin/env bash
# The national-scale benchmark (docs/operations.md, "Capacity"): for each size, a simulated
# national data set (`simulate --vehicles N --seed 1`) loaded into both engines, and one table of:
#  - ingest: `import --replay` in reports/s, beside its baseline measured in the same run on the
#    same reports (bench/ingest/ingest_tool.cc: the bare-table insert of the same rows for SQLite, a
#    raw COPY for PostgreSQL), their ratio, and the import's peak RSS;
#  - bytes per report: the store's size (the SQLite files with the WAL checkpointed; PostgreSQL's
#    pg_database_size) over the reports imported;
#  - lookups: GET /v1/batteries/{code}, public view, random codes of the data set, wrk over
#    CONNECTIONS connections: warm (after a warm-up) and cold (the first COLD_SECONDS after the
#    page cache is dropped and the server restarted; needs root, else "not measured");
#  - findings and obligations as of the data set's last day, as the national regulator: the
#    first page of 1,000 (`GET /v1/findings?limit=1000`, the first call and the best of 3 later
#    calls; also filtered by kind, party and province), the whole set as CSV (`Accept:
#    text/csv`), the per-kind x per-division counts (`GET /v1/stats/findings`) and the CLI's
#    whole set as NDJSON (`findings --all`) with its peak RSS;
#  - the server's peak RSS (VmHWM) at the end.
# The last lines are the scaling curve: each per-report cost at the largest size over the same at
# the smallest (target: at most 1.5).
# usage: bench/national/run.sh [VEHICLES...]   (default 100000 300000 1000000; from the repo root
#        after `make`; work files go to $BENCH_DIR, default build/bench-national; a loaded
#        embedded store is reused while the store format, the schema of a fresh store, is
#        unchanged or reached by migrating it, with the ingest figures of its load; PostgreSQL
#        is loaded in every run)
# knobs (environment): PG=0 skips PostgreSQL, PG_MAX the largest size loaded into PostgreSQL
#   (default 300000: a 1,000,000-vehicle PostgreSQL store needs about an hour and 30 GB more),
#   THREADS server threads (16), CONNECTIONS wrk connections (16), DURATION seconds of each warm
#   lookup run (20), COLD_SECONDS (20), CODES codes drawn (100000).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100000 300000 1000000)
threads=${THREADS:-16}
connections=${CONNECTIONS:-16}
duration=${DURATION:-20}
cold_seconds=${COLD_SECONDS:-20}
ncodes=${CODES:-100000}
pg=${PG:-1}
pg_max=${PG_MAX:-300000}
work=$(realpath -m "${BENCH_DIR:-build/bench-national}")
bin=$root/build/release/battrace
tool=$root/build/release/bench/ingest_tool
[ -x "$bin" ] && [ -x "$tool" ] || { echo "build first: make" >&2; exit 2; }
for t in wrk curl python3 sqlite3 psql /usr/bin/time; do
  command -v "$t" >/dev/null || { echo "needs $t (scripts/install-deps.sh)" >&2; exit 2; }
done
mkdir -p "$work"
. "$root/bench/lib/serve.sh"
. "$root/bench/lib/pg.sh"
pgdir=$work/pg
cleanup() {
  bench_stop_servers
  [ "$pg" = 0 ] || bench_pg_stop "$pgdir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
[ "$pg" = 0 ] || bench_pg_start "$pgdir"

# The store format: the schema of a fresh embedded store.
rm -f "$work/format.db"*
"$bin" init --db "$work/format.db" >/dev/null
format=$(sqlite3 "$work/format.db" .schema | sha256sum | cut -c1-16)
rm -f "$work/format.db"*

# GNU time's "seconds peak_kib" of a command whose output is discarded.
measure() { /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" >/dev/null; cat "$work/time.txt"; }
# The first answer's time, then the best of three more, in ms: "first best".
http_ms() {
  local url=$1 first best t
  shift
  first=$(curl -sS -o /dev/null -w '%{time_total}' "$@" "$url")
  best=""
  for _ in 1 2 3; do
    t=$(curl -sS -o /dev/null -w '%{time_total}' "$@" "$url")
    best=$(awk -v a="$best" -v b="$t" 'BEGIN { print (a == "" || b < a) ? b : a }')
  done
  awk -v f="$first" -v b="$best" 'BEGIN { printf "%.0f %.0f\n", f * 1000, b * 1000 }'
}
# wrk over the codes for SECONDS; "rps p99_ms".
lookups() {
  local url=$1 seconds=$2 line
  line=$(wrk -t 2 -c "$connections" -d "${seconds}s" --timeout 5s -s "$root/bench/lib/get.lua" \
    "$url" -- "$codes" /v1/batteries/ | grep '^RESULT')
  awk -v r="$(field rps "$line")" -v p="$(field p99_us "$line")" 'BEGIN { printf "%.0f %.2f\n", r, p / 1000 }'
}
drop_caches() { sync && echo 3 >/proc/sys/vm/drop_caches 2>/dev/null; }

declare -A fig
# Everything measured through one server: STORE_ARGS... ; sets fig[$engine.$size.*].
measure_server() {
  local key=$1 restart=$2
  shift 2
  bench_start_server "$work/serve.log" "$@" --threads "$threads"
  local url="http://127.0.0.1:$port"
  wrk -t 2 -c "$connections" -d 3s -s "$root/bench/lib/get.lua" "$url" -- "$codes" /v1/batteries/ >/dev/null
  fig[$key.warm]=$(lookups "$url" "$duration")
  local auth=(-H "Authorization: Bearer $token")
  local q="as_of=$as_of&limit=1000"
  fig[$key.page]=$(http_ms "$url/v1/findings?$q" "${auth[@]}")
  fig[$key.page_kind]=$(http_ms "$url/v1/findings?$q&kind=$kind" "${auth[@]}")
  fig[$key.page_party]=$(http_ms "$url/v1/findings?$q&party=$party" "${auth[@]}")
  fig[$key.page_division]=$(http_ms "$url/v1/findings?$q&division=$province" "${auth[@]}")
  fig[$key.duties_page]=$(http_ms "$url/v1/obligations?$q" "${auth[@]}")
  fig[$key.csv]=$(http_ms "$url/v1/findings?as_of=$as_of" "${auth[@]}" -H 'Accept: text/csv')
  fig[$key.duties_csv]=$(http_ms "$url/v1/obligations?as_of=$as_of" "${auth[@]}" -H 'Accept: text/csv')
  fig[$key.stats]=$(http_ms "$url/v1/stats/findings?as_of=$as_of" "${auth[@]}")
  fig[$key.findings]=$(curl -sS "${auth[@]}" -H 'Accept: text/csv' "$url/v1/findings?as_of=$as_of" |
    python3 -c 'import csv, sys; print(sum(1 for _ in csv.reader(sys.stdin)) - 1)')
  fig[$key.server_rss]=$(($(awk '/VmHWM/ { print $2 }' "/proc/$server_pid/status") / 1024))
  bench_stop_server
  fig[$key.cold]="- -"  # not measured: dropping the page cache needs root
  if "$restart"; then
    bench_start_server "$work/serve.log" "$@" --threads "$threads"
    fig[$key.cold]=$(lookups "http://127.0.0.1:$port" "$cold_seconds")
    bench_stop_server
  fi
}
# Before the cold run: the page cache dropped, and PostgreSQL's shared buffers with it.
restart_sqlite() { drop_caches; }
restart_pg() {
  local ctl=(runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D "$pgdir/data" -w)
  [ "$(id -u)" -eq 0 ] || return 1
  "${ctl[@]}" stop -m fast >/dev/null && drop_caches && "${ctl[@]}" start -l "$pgdir/server.log" >/dev/null
}

echo "== national benchmark, sizes ${sizes[*]}; $(nproc) cores, $(free -g | awk '/Mem:/ { print $2 }') GiB; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for v in "${sizes[@]}"; do
  sim=$work/sim-$v
  if [ ! -s "$sim/answer-key.json" ]; then
    echo "== simulating $v vehicles"
    rm -rf "$sim"
    "$bin" simulate --out "$sim" --vehicles "$v" --seed 1 >/dev/null
  fi
  reports=$(wc -l <"$sim/reports.ndjson")
  codes=$sim/codes.txt
  [ -s "$codes" ] || bench_draw_codes "$sim/reports.ndjson" "$ncodes" >"$codes"
  as_of=2026-09-30  # simulate's last day, the as-of date of its answer key
  declare -A who=()
  while read -r name value; do who[$name]=$value; done < <(python3 "$root/bench/web/principals.py" "$sim")
  kind=${who[kinds]%%,*}
  party=${who[enterprise]#enterprise:}
  province=${who[province]}
  fig[$v.reports]=$reports

  # ---- SQLite
  db=$work/store-$v.db
  stamp="format=$format vehicles=$v seed=1"
  # A store of the same data in an older format is migrated forward by the first command that
  # opens it for writing (docs/operations.md, section 9), and kept if that gives the format.
  if [ -f "$db.stamp" ] && [ "$(cut -d' ' -f2- "$db.stamp")" = "vehicles=$v seed=1" ] &&
    [ "$(cat "$db.stamp")" != "$stamp" ]; then
    echo "== migrating the SQLite store of $v vehicles"
    "$bin" token issue --db "$db" --principal "${who[national]}" --days 1 >/dev/null 2>&1 || true
    [ "$(sqlite3 "$db" .schema | sha256sum | cut -c1-16)" = "$format" ] && echo "$stamp" >"$db.stamp"
  fi
  if [ "$(cat "$db.stamp" 2>/dev/null)" != "$stamp" ]; then
    echo "== loading $reports reports ($v vehicles) into SQLite; load: $(cut -d' ' -f1-3 /proc/loadavg)"
    rm -f "$db" "$db"-wal "$db"-shm "$db".key "$db".audit* "$db.stamp" "$work"/base.db*
    read -r s _ < <(measure "$tool" baseline "$work/base.db" "$sim/reports.ndjson")
    rm -f "$work"/base.db*
    "$bin" init --db "$db" >/dev/null
    "$bin" registry import --db "$db" "$sim/registry.ndjson" >/dev/null
    read -r i kib < <(measure "$bin" import --db "$db" --replay "$sim/reports.ndjson")
    sqlite3 "$db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
    echo "$s $i $kib" >"$db.ingest"
    echo "$stamp" >"$db.stamp"
  else
    echo "== reusing the SQLite store of $v vehicles (ingest figures of its load)"
  fi
  read -r s i kib <"$db.ingest"
  fig[sqlite.$v.ingest]="$(awk -v n="$reports" -v s="$s" -v i="$i" 'BEGIN { printf "%.0f %.0f %.2f", n / i, n / s, s / i }') $((kib / 1024))"
  fig[sqlite.$v.bytes]=$((($(stat -c %s "$db") + $(stat -c %s "$db".audit)) / reports))  # the WAL was checkpointed
  token=$("$bin" token issue --db "$db" --principal "${who[national]}" --days 1 2>/dev/null)
  read -r t kib < <(measure "$bin" findings --db "$db" --as-of "$as_of" --all)
  fig[sqlite.$v.cli]="$t $((kib / 1024))"
  echo "== measuring SQLite, $v vehicles; load: $(cut -d' ' -f1-3 /proc/loadavg)"
  measure_server "sqlite.$v" restart_sqlite --db "$db"

  # ---- PostgreSQL
  [ "$pg" = 1 ] && [ "$v" -le "$pg_max" ] || continue
  echo "== loading $reports reports ($v vehicles) into PostgreSQL; load: $(cut -d' ' -f1-3 /proc/loadavg)"
  base=$(bench_pg_db bench_copy)
  read -r s _ < <(measure "$tool" baseline-pg "$base" "$sim/reports.ndjson")
  psql -X -q -d "$pg_admin" -c "DROP DATABASE bench_copy" >/dev/null
  conn=$(bench_pg_db "national_$v")
  rm -f "$work/pg-$v.key"
  "$bin" init --pg "$conn" --key "$work/pg-$v.key" >/dev/null
  "$bin" registry import --pg "$conn" --key "$work/pg-$v.key" "$sim/registry.ndjson" >/dev/null
  read -r i kib < <(measure "$bin" import --pg "$conn" --key "$work/pg-$v.key" --replay "$sim/reports.ndjson")
  psql -X -q -d "$conn" -c "CHECKPOINT" -c "VACUUM ANALYZE" >/dev/null
  fig[pg.$v.ingest]="$(awk -v n="$reports" -v s="$s" -v i="$i" 'BEGIN { printf "%.0f %.0f %.2f", n / i, n / s, s / i }') $((kib / 1024))"
  fig[pg.$v.bytes]=$(($(psql -X -A -t -d "$conn" -c "SELECT pg_database_size(current_database())") / reports))
  token=$("$bin" token issue --pg "$conn" --principal "${who[national]}" --days 1 2>/dev/null)
  read -r t kib < <(measure "$bin" findings --pg "$conn" --as-of "$as_of" --all)
  fig[pg.$v.cli]="$t $((kib / 1024))"
  echo "== measuring PostgreSQL, $v vehicles; load: $(cut -d' ' -f1-3 /proc/loadavg)"
  measure_server "pg.$v" restart_pg --pg "$conn" --key "$work/pg-$v.key"
  psql -X -q -d "$pg_admin" -c "DROP DATABASE national_$v" >/dev/null
done

# ---- the table
echo "== results; load after: $(cut -d' ' -f1-3 /proc/loadavg)"
row() { printf "%-44s" "$1"; shift; for c in "$@"; do printf " %18s" "$c"; done; printf "\n"; }
cols=()
heads=()
for v in "${sizes[@]}"; do
  for e in sqlite pg; do
    [ -n "${fig[$e.$v.bytes]:-}" ] || continue
    cols+=("$e.$v")
    heads+=("$e $v")
  done
done
pick() { local k=$1 n=$2; shift 2; for c in "${cols[@]}"; do awk -v n="$n" '{ print $n }' <<<"${fig[$c.$k]:-}"; done; }
each() { local label=$1 k=$2 n=$3; mapfile -t vals < <(pick "$k" "$n"); row "$label" "${vals[@]}"; }
row "" "${heads[@]}"
mapfile -t vals < <(for c in "${cols[@]}"; do echo "${fig[${c#*.}.reports]}"; done)
row "reports" "${vals[@]}"
each "ingest reports/s" ingest 1
each "ingest baseline reports/s (bare insert/COPY)" ingest 2
each "ingest ratio to baseline (target >= 0.5)" ingest 3
each "ingest peak RSS MiB" ingest 4
each "bytes per report (SQLite target <= 400)" bytes 1
each "lookups/s warm (target >= 40,000)" warm 1
each "lookup p99 ms warm (target < 5)" warm 2
each "lookups/s cold (first ${cold_seconds} s; - needs root)" cold 1
each "lookup p99 ms cold (target < 20)" cold 2
each "findings listed" findings 1
each "findings page ms, first call" page 1
each "findings page ms (target < 50)" page 2
each "  kind=$kind ms" page_kind 2
each "  party ms" page_party 2
each "  division (province) ms" page_division 2
each "obligations page ms (target < 50)" duties_page 2
each "findings CSV, whole set ms (target < 5000)" csv 2
each "obligations CSV, whole set ms" duties_csv 2
each "stats/findings ms (target < 200)" stats 2
each "CLI findings --all s (target < 5)" cli 1
each "CLI findings --all peak RSS MiB" cli 2
each "server peak RSS MiB" server_rss 1

# ---- the scaling curve: per-report cost at the largest size over the smallest, per engine
first=${sizes[0]}
last=${sizes[${#sizes[@]} - 1]}
[ "$first" != "$last" ] || exit 0
echo "== scaling, $last over $first vehicles (per-report costs; target <= 1.5)"
for e in sqlite pg; do
  [ -n "${fig[$e.$first.bytes]:-}" ] && [ -n "${fig[$e.$last.bytes]:-}" ] || continue
  awk -v e="$e" -v fi="${fig[$e.$first.ingest]}" -v li="${fig[$e.$last.ingest]}" \
      -v fb="${fig[$e.$first.bytes]}" -v lb="${fig[$e.$last.bytes]}" \
      -v fw="${fig[$e.$first.warm]}" -v lw="${fig[$e.$last.warm]}" 'BEGIN {
    split(fi, a, " "); split(li, b, " "); split(fw, c, " "); split(lw, d, " ")
    printf "  %-7s import time per report %.2f, bytes per report %.2f, lookup time %.2f\n", e,
      a[1] / b[1], lb / fb, c[1] / d[1]
  }'
done
