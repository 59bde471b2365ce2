#!/usr/bin/env bash
# End-to-end benchmark of the web's routes and pages on a simulated national store
# (bench/web/README.md):
#  - the p50/p99 latency of the aggregates (/v1/stats/findings, /v1/stats/trend,
#    /v1/stats/flows) and of the lists the pages read (/v1/findings?limit=50,
#    /v1/obligations due this week, with the pages that follow by cursor), for a national
#    regulator, a provincial regulator and an enterprise; wrk for DURATION seconds each over
#    CONNECTIONS keep-alive connections, after a warm-up; beside a baseline measured in the same
#    run (GET /healthz and GET /v1/batteries/{code}), as ratios (target: p99 under 200 ms);
#  - the time until the regulator overview (/app/overview) has drawn every chart, in headless
#    Chromium (overview.mjs): the median and max of RUNS cold loads (a fresh browser context)
#    and of the warm reloads after them (target: under 1.5 s);
#  - the public page's server time: GET /b/{code} for random codes of the data set, beside
#    GET /v1/batteries/{code} of the same codes, as a ratio.
# A route the server does not have is reported as missing, not measured.
# usage: bench/web/run.sh [VEHICLES]   (default 1000000; from the repo root after `make` and
#        scripts/install-deps.sh; work files go to $BENCH_DIR, default build/bench-web)
# The store: built from `battrace simulate --vehicles VEHICLES --seed 1` in
#   $BENCH_DIR/store-VEHICLES and reused while the store code is unchanged (as bench/api's);
#   or STORE=<file> names a loaded store to use instead (its simulated files in SIM, default the
#   `sim` directory beside it): the server may migrate it, and writes tokens, sessions and
#   audit entries into it.
# knobs (environment): THREADS server threads (16), CONNECTIONS wrk connections (2), WRK_THREADS
#   (2), DURATION seconds measured per route and principal (10), WARMUP seconds (2), CODES codes
#   drawn from the data (100000), PAGES list pages followed by cursor (10), RUNS overview loads
#   (5), FROM and TO the data set's window (2026-04-01, 2026-09-30: simulate's defaults),
#   OVERVIEW=0 skips the browser.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
vehicles=${1:-1000000}
threads=${THREADS:-16}
connections=${CONNECTIONS:-2}
wrk_threads=${WRK_THREADS:-2}
duration=${DURATION:-10}
warmup=${WARMUP:-2}
ncodes=${CODES:-100000}
pages=${PAGES:-10}
runs=${RUNS:-5}
from=${FROM:-2026-04-01}
to=${TO:-2026-09-30}
overview=${OVERVIEW:-1}
work=$(realpath -m "${BENCH_DIR:-build/bench-web}")
bin=$root/build/release/battrace
here=$root/bench/web

[ -x "$bin" ] || { echo "build first: make" >&2; exit 2; }
for tool in wrk python3 curl /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "needs $tool (scripts/install-deps.sh)" >&2; exit 2; }
done
[ "$wrk_threads" -le "$connections" ] || wrk_threads=$connections
mkdir -p "$work"
. "$root/bench/lib/serve.sh"
trap bench_stop_servers EXIT
trap 'exit 130' INT TERM

# ---- a. the store, its codes and principals
if [ -n "${STORE:-}" ]; then
  store=$(realpath "$STORE")
  sim=$(realpath "${SIM:-$(dirname "$store")/sim}")
  for f in registry.ndjson reports.ndjson answer-key.json; do
    [ -s "$sim/$f" ] || { echo "STORE=$store: no $f in $sim (set SIM)" >&2; exit 2; }
  done
  codes=$work/codes-$(stat -c %s-%Y "$sim/reports.ndjson")-$ncodes.txt
  if [ ! -s "$codes" ]; then
    echo "== drawing $ncodes battery codes from $sim/reports.ndjson"
    bench_draw_codes "$sim/reports.ndjson" "$ncodes" >"$codes"
  fi
  echo "== the store $store (STORE)"
else
  bench_store "$work/store-$vehicles" "$vehicles" "$ncodes"
  store=$work/store-$vehicles/store.db
  sim=$work/store-$vehicles/sim
  codes=$work/store-$vehicles/codes.txt
fi
declare -A who
while read -r name value; do who[$name]=$value; done < <(python3 "$here/principals.py" "$sim")
principals=(national provincial enterprise)
# The first command that opens the store for writing migrates it when its schema is older
# (minutes for a national store's new indexes): the first token's time says how long.
declare -A token
for p in "${principals[@]}"; do
  s_token=$(timed "$work/token.txt" "$bin" token issue --db "$store" --principal "${who[$p]}" \
    --days 1 2>"$work/token.err") || { cat "$work/token.err" >&2; exit 1; }
  token[$p]=$(cat "$work/token.txt") && rm "$work/token.txt"
  echo "  $p: ${who[$p]} (token issued in ${s_token}s)"
done
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
echo "== serving it: $threads server threads"
# shellcheck disable=SC2034 # read by bench_start_server
bench_start_seconds=600  # a national store takes longer to open than bench/api's default allows
bench_start_server "$work/serve.log" --db "$store" --threads "$threads"
url="http://127.0.0.1:$port"
ledger=$(curl -fsS --max-time 60 "$url/healthz" | python3 -c 'import json, sys; print(json.load(sys.stdin)["ledger_size"])')
routes=$("$bin" serve --routes --db "$store")
has_route() { grep -qxF "GET $1" <<<"$routes"; }

# ---- b. the routes
# The query values: as of the window's last day, its middle day and today (Beijing); the
# months of the window; the answer key's most frequent finding kinds.
today=$(TZ=Asia/Shanghai date +%F)
mid=$(date -d "$from + $((($(date -d "$to" +%s) - $(date -d "$from" +%s)) / 172800)) days" +%F)
as_ofs=("$to" "$mid" "$today")
IFS=, read -r -a kinds <<<"${who[kinds]}"
paths=$work/paths
rm -rf "$paths" && mkdir -p "$paths"
for p in "${principals[@]}"; do
  for d in "${as_ofs[@]}"; do
    for level in province city county; do
      echo "/v1/stats/findings?as_of=$d&level=$level"
    done
  done >"$paths/stats_findings.$p"
  {
    for d in "${as_ofs[@]}"; do echo "/v1/stats/trend?as_of=$d"; done
    echo "/v1/stats/trend?as_of=$to&from=${from%-*}&to=${to%-*}"
    for k in "${kinds[@]:0:3}"; do echo "/v1/stats/trend?as_of=$to&kind=$k"; done
  } >"$paths/stats_trend.$p"
  {
    echo "/v1/stats/flows?from=$from&to=$to"
    m=$from
    while [[ $m < $to ]]; do
      echo "/v1/stats/flows?from=$m&to=$(date -d "$m + 1 month - 1 day" +%F)"
      m=$(date -d "$m + 1 month" +%F)
    done
  } >"$paths/stats_flows.$p"
done

# measure NAME PRINCIPAL|public ROUTE PATH_FILE [PREFIX]: wrk over the paths of the file (each
# after PREFIX) with the principal's token, after a probe of the first; one line of
# $work/results.txt: NAME PRINCIPAL and the RESULT fields, or `missing` or `refused`.
: >"$work/results.txt"
measure() {
  local name=$1 p=$2 route=$3 file=$4 prefix=${5:-} headers=("Accept-Language: zh-CN") status
  [ "$p" = public ] || headers+=("Authorization: Bearer ${token[$p]}")
  # (000 when no answer came within the time)
  status=$(curl -sS --max-time 120 -o "$work/probe.txt" -w '%{http_code}' "${headers[@]/#/-H}" \
    "$url$prefix$(head -1 "$file")" 2>/dev/null) || true
  # The pages may be served beside the API's route table: a route is missing when the table
  # lacks it and the probe is not answered.
  if ! has_route "$route" && [ "${status:0:1}" != 2 ]; then
    echo "  $name ($p): the server has no route GET $route"
    echo "$name $p missing" >>"$work/results.txt"
    return
  fi
  if [ "${status:0:1}" != 2 ]; then
    echo "  $name ($p): $prefix$(head -1 "$file") answered $status: $(head -c 300 "$work/probe.txt")"
    echo "$name $p refused status=$status" >>"$work/results.txt"
    return
  fi
  local args=(-t "$wrk_threads" -c "$connections" --timeout 10s -s "$root/bench/lib/get.lua" "$url"
    -- "$file" "$prefix" "${headers[@]}")
  wrk -d "${warmup}s" "${args[@]}" >/dev/null
  local result
  result=$(wrk -d "${duration}s" "${args[@]}" | grep '^RESULT')
  echo "  $name ($p): $(wc -l <"$file") paths: ${result#RESULT }"
  echo "$name $p $result" >>"$work/results.txt"
}

echo "== baseline and the public page: $connections connections, ${duration}s each after ${warmup}s"
echo /healthz >"$paths/healthz"
measure healthz public /healthz "$paths/healthz"
measure lookup public "/v1/batteries/{code}" "$codes" /v1/batteries/
measure passport public "/b/{code}" "$codes" /b/

echo "== the aggregates and the lists, per principal"
for p in "${principals[@]}"; do
  for r in stats_findings stats_trend stats_flows; do
    measure "$r" "$p" "/v1/${r/_//}" "$paths/$r.$p"
  done
  for list in findings obligations; do
    : >"$paths/$list.$p"
    for d in "${as_ofs[@]}"; do
      case $list in
        # the list's first page, and the overview's coverage gaps
        findings) qs=("/v1/findings?as_of=$d&limit=50" "/v1/findings?as_of=$d&kind=outlet_coverage_gap&limit=50") ;;
        # due within the week, as the overview asks
        obligations) qs=("/v1/obligations?as_of=$d&due_from=$d&due_to=$(date -d "$d + 6 days" +%F)&limit=50") ;;
      esac
      for q in "${qs[@]}"; do
        python3 "$here/pages.py" "$url" "$q" "$pages" "$duration" "Accept-Language: zh-CN" \
          "Authorization: Bearer ${token[$p]}" >>"$paths/$list.$p" 2>"$work/pages.err" ||
          echo "  $list ($p): following the cursor: $(head -c 200 "$work/pages.err")"
      done
    done
    measure "$list" "$p" "/v1/$list" "$paths/$list.$p"
  done
done

# ---- c. the overview in headless Chromium
if [ "$overview" = 1 ]; then
  echo "== the regulator overview in headless Chromium: $runs cold loads and warm reloads each"
  # status PATH -> the HTTP status of GET PATH
  status() { curl -sS --max-time 60 -o /dev/null -w '%{http_code}' "$url$1" 2>/dev/null || true; }
  if [ "$(status /signin)" != 200 ] || [ "$(status /assets/js/pages/overview.mjs)" != 200 ]; then
    echo "  missing: GET /signin answered $(status /signin)," \
      "GET /assets/js/pages/overview.mjs $(status /assets/js/pages/overview.mjs) (both must be 200)"
    echo "overview national missing" >>"$work/results.txt"
  elif [ ! -d "$root/web/node_modules/playwright-core" ]; then
    echo "  web/node_modules/playwright-core is missing (scripts/install-deps.sh)"
    echo "overview national missing" >>"$work/results.txt"
  else
    for p in national provincial; do
      if result=$(timeout $((60 + runs * 60)) node "$here/overview.mjs" "$url" "${token[$p]}" "$runs" 2>"$work/overview.err"); then
        echo "  overview ($p): ${result#RESULT }"
        echo "overview $p $result" >>"$work/results.txt"
      else
        echo "  overview ($p) failed: $(grep -m1 '^overview: ' "$work/overview.err" || tail -3 "$work/overview.err")"
        echo "overview $p failed" >>"$work/results.txt"
      fi
    done
  fi
fi
bench_stop_servers

# ---- d. summary
echo
echo "== summary (${STORE:+$store, }$vehicles vehicles: ledger size $ledger; $(nproc) cores; server, wrk and Chromium on one machine;"
echo "   load average $load_start at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end;"
echo "   $connections connections, ${duration}s per row; ratios to the p99 of GET /healthz and GET /v1/batteries/{code})"
awk -v target_ms=200 -v overview="$overview" '
# The text of a field ("" when absent); n() is its number: awk compares a substr() result with a
# number as text ("1070419" < 200000), so every comparison goes through n().
function f(name,   v) { v = $0; if (!match(v, " " name "=[^ ]*")) return ""; return substr(v, RSTART + length(name) + 2, RLENGTH - length(name) - 2) }
function n(name) { return f(name) + 0 }
$1 == "healthz" && $3 ~ /^RESULT/ { base_h = n("p99_us") }
$1 == "lookup" && $3 ~ /^RESULT/ { base_l = n("p99_us") }
{ rows[NR] = $0 }
END {
  printf "%-16s %-11s %8s %9s %9s %9s %10s %9s %8s %5s\n", "measure", "principal", "requests", "req/s", "p50 ms", "p99 ms", "/healthz", "/lookup", "target", "met"
  for (i = 1; i <= NR; i++) {
    $0 = rows[i]
    if ($1 == "overview") continue
    if ($3 != "RESULT") { printf "%-16s %-11s %s\n", $1, $2, $3 " " $4; continue }
    p99 = n("p99_us"); bad = f("non2xx") + f("timeouts") + f("connect_errors") + f("read_errors") + f("write_errors")
    target = ""; met = ""
    if ($1 ~ /^stats_|^findings|^obligations/) { target = "< 200"; met = (p99 < target_ms * 1000 && bad == 0) ? "yes" : "NO" }
    printf "%-16s %-11s %8d %9.0f %9.2f %9.2f %10.1f %9.1f %8s %5s%s\n", $1, $2, f("requests"), f("rps"), f("p50_us") / 1000, p99 / 1000,
      p99 / base_h, p99 / base_l, target, met, (bad ? sprintf("  (%d failed)", bad) : "")
    if ($1 == "passport") passport = p99
  }
  if (passport && base_l) printf "public page /b/{code} p99 / /v1/batteries/{code} p99: %.2f\n", passport / base_l
  if (!overview) { print "overview: not measured (OVERVIEW=0)"; exit }
  printf "\n%-16s %-11s %9s %9s %9s %9s %9s %6s %8s %5s\n", "overview", "principal", "first ms", "cold med", "cold max", "warm med", "warm max", "charts", "target", "met"
  for (i = 1; i <= NR; i++) {
    $0 = rows[i]
    if ($1 != "overview") continue
    if ($3 != "RESULT") { printf "%-16s %-11s %s\n", "overview", $2, $3; continue }
    printf "%-16s %-11s %9.0f %9.0f %9.0f %9.0f %9.0f %6d %8s %5s\n", "drawn", $2, f("first_ms"), f("cold_median_ms"), f("cold_max_ms"),
      f("warm_median_ms"), f("warm_max_ms"), f("charts"), "< 1500", (n("cold_max_ms") < 1500 && n("errors") == 0) ? "yes" : "NO"
  }
}' "$work/results.txt"
