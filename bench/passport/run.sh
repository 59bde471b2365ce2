#!/usr/bin/env bash
# End-to-end benchmark of the EU battery passport (docs/passport.md) over HTTP: GET
# /v1/batteries/{code}/passport?profile=eu for random battery codes of a simulated store, at the
# public class (no token) and at the legitimate class (the admin: each read also appends an
# audit entry), beside a baseline measured in the same run (GET /healthz and the public digital
# ID, GET /v1/batteries/{code}, of the same codes), as ratios. Target: at least 10,000
# passports/s, p99 under 10 ms.
# usage: bench/passport/run.sh [VEHICLES]   (default 1000000; from the repo root after `make`;
#        work files go to $BENCH_DIR, default build/bench-passport)
# The store: built from `battrace simulate --vehicles VEHICLES --seed 1` in
#   $BENCH_DIR/store-VEHICLES and reused while the store code is unchanged (bench/lib/serve.sh,
#   as bench/api's and bench/web's); or STORE=<file> names a loaded store to use instead, with
#   its simulated files in SIM (default the `sim` directory beside it). The server writes a
#   token and audit entries into it.
# knobs (environment): THREADS server threads (16), CONNECTIONS wrk connections (16), WRK_THREADS
#   (2), DURATION seconds measured per row (10), WARMUP seconds (2), CODES codes drawn (100000).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
vehicles=${1:-1000000}
threads=${THREADS:-16}
connections=${CONNECTIONS:-16}
wrk_threads=${WRK_THREADS:-2}
duration=${DURATION:-10}
warmup=${WARMUP:-2}
ncodes=${CODES:-100000}
work=$(realpath -m "${BENCH_DIR:-build/bench-passport}")
bin=$root/build/release/battrace

[ -x "$bin" ] || { echo "build first: make" >&2; exit 2; }
for tool in wrk curl /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "needs $tool (scripts/install-deps.sh)" >&2; exit 2; }
done
[ "$wrk_threads" -le "$connections" ] || wrk_threads=$connections
mkdir -p "$work"
. "$root/bench/lib/serve.sh"
trap bench_stop_servers EXIT
trap 'exit 130' INT TERM

# ---- a. the store and its codes
if [ -n "${STORE:-}" ]; then
  store=$(realpath "$STORE")
  sim=$(realpath "${SIM:-$(dirname "$store")/sim}")
  [ -s "$sim/reports.ndjson" ] || { echo "STORE=$store: no reports.ndjson in $sim (set SIM)" >&2; exit 2; }
  codes=$work/codes-$(stat -c %s-%Y "$sim/reports.ndjson")-$ncodes.txt
  [ -s "$codes" ] || bench_draw_codes "$sim/reports.ndjson" "$ncodes" >"$codes"
  echo "== the store $store (STORE)"
else
  bench_store "$work/store-$vehicles" "$vehicles" "$ncodes"
  store=$work/store-$vehicles/store.db
  codes=$work/store-$vehicles/codes.txt
fi
admin=$("$bin" token issue --db "$store" --principal admin --days 1 | tail -1)
paths=$work/passport-paths.txt
sed 's|^\(.*\)$|/v1/batteries/\1/passport?profile=eu|' "$codes" >"$paths"
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
echo "== serving it: $threads server threads"
# shellcheck disable=SC2034 # read by bench_start_server
bench_start_seconds=600
bench_start_server "$work/serve.log" --db "$store" --threads "$threads"
url="http://127.0.0.1:$port"
ledger=$(curl -fsS --max-time 60 "$url/healthz" | sed 's/.*"ledger_size":\([0-9]*\).*/\1/')

# measure NAME FILE PREFIX [HEADER...]: wrk over the lines of FILE (each after PREFIX), after a
# probe of the first; one line of $work/results.txt: NAME and the RESULT fields, or `refused`.
: >"$work/results.txt"
measure() {
  local name=$1 file=$2 prefix=$3 status
  shift 3
  status=$(curl -sS --max-time 60 -o "$work/probe.txt" -w '%{http_code}' "${@/#/-H}" \
    "$url$prefix$(head -1 "$file")" 2>/dev/null) || true
  if [ "${status:0:1}" != 2 ]; then
    echo "  $name: $prefix$(head -1 "$file") answered $status: $(head -c 300 "$work/probe.txt")"
    echo "$name refused status=$status" >>"$work/results.txt"
    return
  fi
  local args=(-t "$wrk_threads" -c "$connections" --timeout 10s -s "$root/bench/lib/get.lua" "$url"
    -- "$file" "$prefix" "$@")
  wrk -d "${warmup}s" "${args[@]}" >/dev/null
  local result
  result=$(wrk -d "${duration}s" "${args[@]}" | grep '^RESULT')
  echo "  $name: ${result#RESULT }"
  echo "$name $result" >>"$work/results.txt"
}

echo "== $connections connections, ${duration}s each after ${warmup}s; $(wc -l <"$codes") codes"
echo /healthz >"$work/healthz.txt"
measure healthz "$work/healthz.txt" ""
measure lookup "$codes" /v1/batteries/
measure passport_public "$paths" ""
measure passport_legitimate "$paths" "" "Authorization: Bearer $admin"
bench_stop_servers

# ---- b. summary
echo
echo "== summary (${STORE:+$store, }$vehicles vehicles: ledger size $ledger; $(nproc) cores; server and wrk on one machine;"
echo "   load average $load_start at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end;"
echo "   $connections connections, ${duration}s per row; ratios to the p99 of GET /healthz and GET /v1/batteries/{code})"
awk '
function f(name,   v) { v = $0; if (!match(v, " " name "=[^ ]*")) return ""; return substr(v, RSTART + length(name) + 2, RLENGTH - length(name) - 2) }
function n(name) { return f(name) + 0 }
$1 == "healthz" && $2 == "RESULT" { base_h = n("p99_us") }
$1 == "lookup" && $2 == "RESULT" { base_l = n("p99_us") }
{ rows[NR] = $0 }
END {
  printf "%-20s %9s %9s %9s %9s %10s %9s %22s %5s\n", "measure", "requests", "req/s", "p50 ms", "p99 ms", "/healthz", "/lookup", "target", "met"
  for (i = 1; i <= NR; i++) {
    $0 = rows[i]
    if ($2 != "RESULT") { printf "%-20s %s\n", $1, $2 " " $3; continue }
    p99 = n("p99_us"); bad = f("non2xx") + f("timeouts") + f("connect_errors") + f("read_errors") + f("write_errors")
    target = ""; met = ""
    if ($1 ~ /^passport/) { target = ">= 10000/s, p99 < 10"; met = (n("rps") >= 10000 && p99 < 10000 && bad == 0) ? "yes" : "NO" }
    printf "%-20s %9d %9.0f %9.2f %9.2f %10.1f %9.1f %22s %5s%s\n", $1, f("requests"), f("rps"), f("p50_us") / 1000, p99 / 1000,
      base_h ? p99 / base_h : 0, base_l ? p99 / base_l : 0, target, met, (bad ? sprintf("  (%d failed)", bad) : "")
  }
}' "$work/results.txt"
