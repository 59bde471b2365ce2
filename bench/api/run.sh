#!/usr/bin/env bash
# End-to-end benchmark of the HTTP API (`battrace serve`), bench/api/README.md:
#  - lookups: GET /v1/batteries/{code} (public view) for random codes of a simulated data set of
#    VEHICLES vehicles, loaded with `import --replay`; wrk for a fixed duration after a warm-up;
#    requests/s, p50, p99 and the count of non-2xx answers (target: >= 20,000/s, p99 < 10 ms);
#  - transport: the same lookups against the server of commit HTTPLIB_COMMIT (the last with the
#    cpp-httplib transport, built here from git) over the same data set, as a ratio; then the
#    lookups again while hostile clients (hostile.py) hold 1,000 idle keep-alive connections and
#    200 slowloris connections (1 byte/s) and run 20 concurrent 64 MiB chunked uploads without a
#    token: the victim's lookups/s and p99 (target < 10 ms) and the server's peak RSS (VmHWM,
#    target < 512 MiB);
#  - capture: the reports of a second simulated data set, stripped of `reported`, in batches of
#    BATCH per reporter, POSTed with each reporter's token into a fresh store, beside
#    `battrace import` (no --replay) of the same reports in the same order into another fresh
#    store, in the same run: reports/s of both and their ratio (target: capture >= 0.7 import).
# usage: bench/api/run.sh [VEHICLES]   (default 1000000; from the repo root after `make`;
#        work files go to $BENCH_DIR, default build/bench-api; the loaded store of a size is
#        reused by later runs while the store code is unchanged)
# knobs (environment): THREADS server threads (16), CONNECTIONS wrk connections (= THREADS, at
#   most THREADS: the cpp-httplib server compared held a thread per connection), WRK_THREADS (2), DURATION seconds of
#   the measured lookup run (20), WARMUP seconds (3), CODES codes drawn from the data (100000),
#   CAPTURE_VEHICLES vehicles of the capture data set (VEHICLES, at most 10000), BATCH (1000),
#   CAPTURE_CONNECTIONS (2), PERF=1 to profile the server (perf) during a short extra lookup run,
#   HOSTILE=0 to skip the transport section, HOSTILE=only to run the store, the lookups and the
#   transport section alone.
# PostgreSQL (PG=0 skips it): a durable cluster (fsync on) started in $BENCH_DIR/pg and stopped at
#   the end. The lookup store is moved into it with `battrace migrate`; lookups run against one
#   `serve --pg` and then against two at once (one wrk per server, requests/s summed); capture
#   and `import --pg` of the capture reports run into fresh databases, beside a raw COPY of the
#   same rows into a bare table with the same keys (ingest_tool baseline-pg; target: capture and
#   import >= 0.5 of it).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
vehicles=${1:-1000000}
threads=${THREADS:-16}
connections=${CONNECTIONS:-$threads}
wrk_threads=${WRK_THREADS:-2}
duration=${DURATION:-20}
warmup=${WARMUP:-3}
ncodes=${CODES:-100000}
capture_vehicles=${CAPTURE_VEHICLES:-$((vehicles < 10000 ? vehicles : 10000))}
batch=${BATCH:-1000}
capture_connections=${CAPTURE_CONNECTIONS:-2}
hostile=${HOSTILE:-1}
HTTPLIB_COMMIT=dd45884  # the last commit whose server ran on cpp-httplib
work=$(realpath -m "${BENCH_DIR:-build/bench-api}")
bin=$root/build/release/battrace
here=$root/bench/api

[ -x "$bin" ] || { echo "build first: make" >&2; exit 2; }
for tool in wrk python3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "needs $tool (scripts/install-deps.sh)" >&2; exit 2; }
done
[ "$connections" -le "$threads" ] || { echo "CONNECTIONS must be <= THREADS" >&2; exit 2; }
[ "$wrk_threads" -le "$connections" ] || wrk_threads=$connections
mkdir -p "$work"

pg=${PG:-1}
pgdir=$work/pg
. "$root/bench/lib/pg.sh"
. "$root/bench/lib/serve.sh"

# Servers started here are stopped on any exit, and the PostgreSQL cluster with them.
cleanup() {
  bench_stop_servers
  [ "$pg" != 1 ] || bench_pg_stop "$pgdir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- a. the store of VEHICLES vehicles (reused when its stamp matches)
lookup=$work/lookup-$vehicles
bench_store "$lookup" "$vehicles" "$ncodes"
stamp=$(cat "$lookup/stamp")

# ---- b. lookups
echo "== lookups: GET /v1/batteries/{code}, $connections connections, $threads server threads, ${duration}s after ${warmup}s of warm-up"
bench_start_server "$work/serve-lookup.log" --db "$lookup/store.db" --threads "$threads"
url="http://127.0.0.1:$port"
curl -fsS "$url/v1/batteries/$(head -1 "$lookup/codes.txt")" >/dev/null ||
  { echo "a lookup of a known code failed" >&2; exit 1; }
wrk_run() {  # SECONDS [URL [CONNECTIONS]] -> the RESULT line
  local c=${3:-$connections}
  wrk -t "$((wrk_threads < c ? wrk_threads : c))" -c "$c" -d "${1}s" --timeout 5s \
    -s "$root/bench/lib/get.lua" "${2:-$url}" -- "$lookup/codes.txt" /v1/batteries/ | grep '^RESULT'
}
# cpu_ticks PID -> user and system clock ticks the process has used so far
cpu_ticks() { awk '{ print $14, $15 }' "/proc/$1/stat"; }
wrk_run "$warmup" >/dev/null
read -r u0 s0 < <(cpu_ticks "$server_pid")
lookup_result=$(wrk_run "$duration")
read -r u1 s1 < <(cpu_ticks "$server_pid")
lookup_hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$server_pid/status")
echo "  $lookup_result"
hz=$(getconf CLK_TCK)
server_cpu=$(awk -v u=$((u1 - u0)) -v s=$((s1 - s0)) -v hz="$hz" -v n="$(field requests "$lookup_result")" 'BEGIN {
  printf "%.1f %.1f", u / hz * 1e6 / n, s / hz * 1e6 / n }')
echo "  server CPU per request: $(cut -d' ' -f1 <<<"$server_cpu") us user, $(cut -d' ' -f2 <<<"$server_cpu") us system"
if [ "${PERF:-0}" = 1 ] && command -v perf >/dev/null; then
  echo "== perf: the server during a 10 s lookup run (top symbols, children excluded)"
  perf record -F 499 -g -p "$server_pid" -o "$work/perf.data" -- sleep 10 >/dev/null 2>&1 &
  perf_pid=$!
  wrk_run 10 >/dev/null
  wait "$perf_pid" || true
  perf report -i "$work/perf.data" --no-children --percent-limit 1.5 --stdio 2>/dev/null |
    grep -E '^ +[0-9.]+%' | head -25
fi
bench_stop_server

# ---- t. the transport: against the cpp-httplib server, and under hostile clients
if [ "$hostile" != 0 ]; then
  old=$work/httplib
  if [ ! -x "$old/build/release/battrace" ]; then
    echo "== building the cpp-httplib server ($HTTPLIB_COMMIT) in $old"
    if ! dpkg-query -W -f='${Status}' libcpp-httplib-dev 2>/dev/null | grep -q "install ok installed"; then
      SUDO=""
      [ "$(id -u)" -eq 0 ] || SUDO="sudo"
      $SUDO apt-get update -qq
      DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
        libcpp-httplib-dev >/dev/null
    fi
    rm -rf "$old" && git worktree prune
    git worktree add --detach "$old" "$HTTPLIB_COMMIT" >/dev/null
    mkdir -p "$old/tools/division-data"
    cp -r tools/division-data/node_modules "$old/tools/division-data/"
    launcher=()
    command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
    cmake -S "$old" -B "$old/build/release" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBATTRACE_BENCH=OFF \
      "${launcher[@]}" >/dev/null
    cmake --build "$old/build/release" --target battrace >/dev/null
  fi
  # That binary reads stores of its own schema only: it loads the same simulated files into a
  # store of its own (kept beside the other, under the same stamp).
  old_store=$lookup/store-httplib.db
  if [ "$(cat "$lookup/stamp-httplib" 2>/dev/null)" != "$stamp $HTTPLIB_COMMIT" ]; then
    echo "== loading the same data set with the cpp-httplib server's own binary ($HTTPLIB_COMMIT)"
    rm -f "$old_store" "$old_store.key"
    "$old/build/release/battrace" init --db "$old_store" >/dev/null
    "$old/build/release/battrace" registry import --db "$old_store" "$lookup/sim/registry.ndjson" >/dev/null
    "$old/build/release/battrace" import --db "$old_store" --replay "$lookup/sim/reports.ndjson" >/dev/null
    echo "$stamp $HTTPLIB_COMMIT" >"$lookup/stamp-httplib"
  fi
  echo "== lookups against the cpp-httplib server ($HTTPLIB_COMMIT), same data set and settings"
  bin_new=$bin
  bin=$old/build/release/battrace
  bench_start_server "$work/serve-httplib.log" --db "$old_store" --threads "$threads"
  bin=$bin_new
  wrk_run "$warmup" "http://127.0.0.1:$port" >/dev/null
  httplib_result=$(wrk_run "$duration" "http://127.0.0.1:$port")
  echo "  $httplib_result"
  bench_stop_server

  echo "== lookups beside hostile clients: 1,000 idle keep-alive, 200 slowloris, 20 x 64 MiB chunked uploads without a token"
  bench_start_server "$work/serve-hostile.log" --db "$lookup/store.db" --threads "$threads"
  url="http://127.0.0.1:$port"
  python3 "$here/hostile.py" "$port" "/v1/batteries/$(head -1 "$lookup/codes.txt")" \
    "$((warmup + duration + 120))" >"$work/hostile.txt" 2>"$work/hostile.err" &
  hostile_pid=$!
  for _ in $(seq 600); do
    grep -q READY "$work/hostile.txt" && break
    sleep 0.1
  done
  grep -q READY "$work/hostile.txt" || { echo "the hostile clients did not connect:" >&2; cat "$work/hostile.err" >&2; exit 1; }
  wrk_run "$warmup" >/dev/null
  hostile_result=$(wrk_run "$duration")
  hostile_hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$server_pid/status")
  hostile_fds=$(ls "/proc/$server_pid/fd" | wc -l)
  kill -TERM "$hostile_pid"
  wait "$hostile_pid" || true
  bench_stop_server
  echo "  $hostile_result"
  echo "  hostile clients: $(grep '^RESULT' "$work/hostile.txt" | cut -d' ' -f2-); server files open at the end: $hostile_fds"
  echo
  echo "== transport summary ($vehicles vehicles; $(nproc) cores; the server, wrk and the hostile clients on the same machine)"
  awk -v new="$(field rps "$lookup_result")" -v old="$(field rps "$httplib_result")" \
      -v old99="$(field p99_us "$httplib_result")" -v new99="$(field p99_us "$lookup_result")" \
      -v h="$(field rps "$hostile_result")" -v h99="$(field p99_us "$hostile_result")" \
      -v hbad="$(( $(field non2xx "$hostile_result") + $(field timeouts "$hostile_result") ))" \
      -v hwm="$hostile_hwm" -v plain_hwm="$lookup_hwm" 'BEGIN {
    printf "%-44s %14s %14s %8s\n", "measure", "value", "target", "met"
    printf "%-44s %14.0f %14s\n", "lookups/s, Beast server (p99 ms)", new, sprintf("(%.2f)", new99 / 1000)
    printf "%-44s %14.0f %14s\n", "lookups/s, cpp-httplib server (p99 ms)", old, sprintf("(%.2f)", old99 / 1000)
    printf "%-44s %14.2f %14s\n", "  Beast / cpp-httplib", new / old, ""
    printf "%-44s %14.0f %14s\n", "lookups/s beside hostile clients", h, ""
    printf "%-44s %14.2f %14s %8s\n", "  p99 ms", h99 / 1000, "< 10", ((h99 < 10000) ? "yes" : "NO")
    printf "%-44s %14d %14s %8s\n", "  non-2xx + timeouts", hbad, "0", ((hbad == 0) ? "yes" : "NO")
    printf "%-44s %14.1f %14s %8s\n", "server peak RSS (VmHWM) MiB", hwm / 1024, "< 512", ((hwm < 524288) ? "yes" : "NO")
    printf "%-44s %14.1f %14s\n", "  the same, plain lookups alone", plain_hwm / 1024, ""
  }'
  [ "$hostile" != only ] || exit 0
fi

# ---- c. capture against import
capture=$work/capture-$capture_vehicles
cstamp="vehicles=$capture_vehicles seed=2 batch=$batch"
if [ "$(cat "$capture/stamp" 2>/dev/null)" != "$cstamp" ]; then
  echo "== preparing the capture data: $capture_vehicles vehicles (seed 2), batches of $batch per reporter"
  rm -rf "$capture" && mkdir -p "$capture"
  "$bin" simulate --out "$capture/sim" --vehicles "$capture_vehicles" --seed 2 2>&1 | sed 's/^/  /'
  python3 "$here/capture_prep.py" "$capture/sim/reports.ndjson" "$capture" "$batch" | sed 's/^/  /'
  echo "$cstamp" >"$capture/stamp"
fi
capture_reports=$(wc -l <"$capture/import.ndjson")
# without_key STORE_ARGS... -> the same arguments without "--key FILE" (for the commands that
# take no signing key)
without_key() {
  while [ $# -gt 0 ]; do
    if [ "$1" = --key ]; then shift 2; else printf '%s\n' "$1"; shift; fi
  done
}
# fresh_store STORE_ARGS... : an empty store (its file or database made empty by the caller)
# with the capture data's registry, and tokens.tsv with a token of each reporter
fresh_store() {
  local read
  mapfile -t read < <(without_key "$@")
  "$bin" init "$@" >/dev/null
  "$bin" registry import "$@" "$capture/sim/registry.ndjson" >/dev/null
  : >"$work/tokens.tsv"
  while read -r uscc; do
    printf '%s\t%s\n' "$uscc" \
      "$("$bin" token issue "${read[@]}" --principal "enterprise:$uscc" 2>/dev/null)" >>"$work/tokens.tsv"
  done <"$capture/reporters.txt"
}
# capture_run OUT LOG STORE_ARGS... : posts the capture batches to a server over the store;
# the RESULT line goes to OUT
capture_run() {
  local out=$1 log=$2
  shift 2
  bench_start_server "$log" "$@" --threads "$((capture_connections + 2))"
  python3 "$here/post_batches.py" 127.0.0.1 "$port" "$capture/batches.tsv" \
    "$work/tokens.tsv" "$capture_connections" 900 | grep '^RESULT' >"$out"
  bench_stop_server
}
embedded() { rm -f "$1" "$1"-wal "$1"-shm "$1".key "$1".audit*; }

echo "== capture: $capture_reports reports POSTed to /v1/reports over $capture_connections connections"
embedded "$work/capture.db"
fresh_store --db "$work/capture.db"
capture_run "$work/capture.txt" "$work/serve-capture.log" --db "$work/capture.db"
capture_result=$(cat "$work/capture.txt")
echo "  $capture_result"

echo "== import: the same $capture_reports reports, same order, battrace import (no --replay)"
embedded "$work/import.db"
fresh_store --db "$work/import.db"
import_s=$(timed "$work/import.txt" "$bin" import --db "$work/import.db" "$capture/import.ndjson")
echo "  ${import_s}s: $(tail -1 "$work/import.txt")"

# ---- d. summary
rps=$(field rps "$lookup_result")
p50=$(field p50_us "$lookup_result")
p99=$(field p99_us "$lookup_result")
non2xx=$(field non2xx "$lookup_result")
sockerr=$(($(field connect_errors "$lookup_result") + $(field read_errors "$lookup_result") +
  $(field write_errors "$lookup_result") + $(field timeouts "$lookup_result")))
cap_reports=$(field reports "$capture_result")
cap_s=$(field seconds "$capture_result")
cap_failed=$(field failed_requests "$capture_result")
cap_acc=$(field accepted "$capture_result")
cap_rej=$(field rejected "$capture_result")
imp_acc=$(sed -n 's/^import: \([0-9]*\) accepted.*/\1/p' "$work/import.txt")
imp_rej=$(sed -n 's/^import: .* \([0-9]*\) rejected.*/\1/p' "$work/import.txt")
echo
echo "== summary ($vehicles vehicles, $reports_loaded reports in the lookup store; $(nproc) cores)"
awk -v rps="$rps" -v p50="$p50" -v p99="$p99" -v non2xx="$non2xx" -v sockerr="$sockerr" \
    -v n="$capture_reports" -v cn="$cap_reports" -v cs="$cap_s" -v is="$import_s" \
    -v ca="$cap_acc" -v cr="$cap_rej" -v ia="$imp_acc" -v ir="$imp_rej" -v cf="$cap_failed" 'BEGIN {
  printf "%-34s %14s %14s %8s\n", "measure", "value", "target", "met"
  printf "%-34s %14.0f %14s %8s\n", "lookups/s", rps, ">= 20000", ((rps >= 20000) ? "yes" : "NO")
  printf "%-34s %14.2f %14s\n", "lookup p50 ms", p50 / 1000, ""
  printf "%-34s %14.2f %14s %8s\n", "lookup p99 ms", p99 / 1000, "< 10", ((p99 < 10000) ? "yes" : "NO")
  printf "%-34s %14d %14s %8s\n", "lookup non-2xx + socket errors", non2xx + sockerr, "0", ((non2xx + sockerr == 0) ? "yes" : "NO")
  cap = cn / cs; imp = n / is
  printf "%-34s %14.0f %14s\n", "capture reports/s (POST)", cap, ""
  printf "%-34s %14.0f %14s\n", "import reports/s (same reports)", imp, ""
  printf "%-34s %14.2f %14s %8s\n", "capture / import", cap / imp, ">= 0.7", ((cap / imp >= 0.7) ? "yes" : "NO")
  printf "accepted/rejected: capture %d/%d, import %d/%d; failed POSTs %d\n", ca, cr, ia, ir, cf
  if (cn != n) printf "WARNING: capture answered for %d of %d reports\n", cn, n
}'

# ---- e. PostgreSQL
[ "$pg" = 1 ] || exit 0
echo
echo "== PostgreSQL: a durable cluster (fsync on) in $pgdir"
bench_pg_start "$pgdir"
pg_lookup=$(bench_pg_db lookup)
migrate_s=$(timed "$work/migrate.txt" "$bin" migrate --db "$lookup/store.db" --pg "$pg_lookup")
echo "  migrate of the lookup store: ${migrate_s}s, $(head -1 "$work/migrate.txt")"
pg_store=(--pg "$pg_lookup" --key "$lookup/store.db.key")

echo "== PostgreSQL lookups: one serve --pg, $connections connections, $threads server threads"
bench_start_server "$work/serve-pg1.log" "${pg_store[@]}" --threads "$threads"
url1="http://127.0.0.1:$port"
wrk_run "$warmup" "$url1" >/dev/null
pg_one=$(wrk_run "$duration" "$url1")
echo "  $pg_one"
echo "== PostgreSQL lookups: two serve --pg processes, $((connections / 2)) connections each"
bench_start_server "$work/serve-pg2.log" "${pg_store[@]}" --threads "$threads"
url2="http://127.0.0.1:$port"
wrk_run "$warmup" "$url2" >/dev/null
wrk_run "$duration" "$url1" "$((connections / 2))" >"$work/wrk1.txt" &
wrk1=$!
wrk_run "$duration" "$url2" "$((connections / 2))" >"$work/wrk2.txt"
wait "$wrk1"
pg_two1=$(cat "$work/wrk1.txt")
pg_two2=$(cat "$work/wrk2.txt")
echo "  server 1: $pg_two1"
echo "  server 2: $pg_two2"
bench_stop_servers

echo "== PostgreSQL capture: the same $capture_reports reports POSTed to serve --pg"
pg_capture=(--pg "$(bench_pg_db capture)" --key "$work/pg-capture.key")
rm -f "$work/pg-capture.key"
fresh_store "${pg_capture[@]}"
capture_run "$work/pg-capture.txt" "$work/serve-pg-capture.log" "${pg_capture[@]}"
pg_capture_result=$(cat "$work/pg-capture.txt")
echo "  $pg_capture_result"
echo "== PostgreSQL import: the same reports, import --pg"
pg_import=(--pg "$(bench_pg_db import)" --key "$work/pg-import.key")
rm -f "$work/pg-import.key"
fresh_store "${pg_import[@]}"
pg_import_s=$(timed "$work/pg-import.txt" "$bin" import "${pg_import[@]}" "$capture/import.ndjson")
echo "  ${pg_import_s}s: $(tail -1 "$work/pg-import.txt")"
echo "== PostgreSQL raw COPY: the same rows into a bare table with the same keys"
pg_copy_s=$(timed "$work/pg-copy.txt" "$root/build/release/bench/ingest_tool" baseline-pg \
  "$(bench_pg_db copy)" "$capture/import.ndjson")
echo "  ${pg_copy_s}s: $(tail -1 "$work/pg-copy.txt")"

echo
echo "== PostgreSQL summary ($vehicles vehicles; $(nproc) cores; servers, wrk and PostgreSQL on one machine)"
awk -v one="$(field rps "$pg_one")" -v one99="$(field p99_us "$pg_one")" \
    -v a="$(field rps "$pg_two1")" -v b="$(field rps "$pg_two2")" \
    -v a99="$(field p99_us "$pg_two1")" -v b99="$(field p99_us "$pg_two2")" \
    -v sq="$rps" -v n="$capture_reports" -v cn="$(field reports "$pg_capture_result")" \
    -v cs="$(field seconds "$pg_capture_result")" -v is="$pg_import_s" -v ks="$pg_copy_s" 'BEGIN {
  printf "%-40s %14s %14s %8s\n", "measure", "value", "target", "met"
  printf "%-40s %14.0f %14s\n", "lookups/s, one serve --pg", one, ""
  printf "%-40s %14.2f %14s\n", "  p99 ms", one99 / 1000, ""
  printf "%-40s %14.0f %14s\n", "lookups/s, two serve --pg (sum)", a + b, ""
  printf "%-40s %14.2f %14s\n", "  p99 ms (worse of the two)", (a99 > b99 ? a99 : b99) / 1000, ""
  printf "%-40s %14.2f %14s\n", "  two processes / embedded store", (a + b) / sq, ""
  cap = cn / cs; imp = n / is; copy = n / ks
  printf "%-40s %14.0f %14s\n", "raw COPY rows/s (baseline)", copy, ""
  printf "%-40s %14.0f %14s\n", "capture reports/s (POST, serve --pg)", cap, ""
  printf "%-40s %14.2f %14s %8s\n", "  capture / COPY", cap / copy, ">= 0.5", ((cap / copy >= 0.5) ? "yes" : "NO")
  printf "%-40s %14.0f %14s\n", "import reports/s (import --pg)", imp, ""
  printf "%-40s %14.2f %14s %8s\n", "  import / COPY", imp / copy, ">= 0.5", ((imp / copy >= 0.5) ? "yes" : "NO")
}'
