#!/usr/bin/env bash
# End-to-end benchmark of the EPCIS 2.0 binding (docs/epcis.md) over HTTP, bench/epcis/README.md:
#  - capture: EVENTS commissioning ObjectEvents, the events battrace's mapping gives for EVENTS
#    battery.produced reports of a simulated data set, POSTed to /epcis/capture in documents of
#    DOC events per reporter (each with its reporter's token; each document's job waited for)
#    into a fresh store of a real `battrace serve`, beside `battrace import` of the same reports
#    into another fresh store, in the same run: events/s and reports/s, and their ratio
#    (target: capture >= 0.5 of import);
#  - query: GET /epcis/events?MATCH_anyEPC=<EPC> for random EPCs of a store of STORE_EVENTS
#    captured events (distinct GS1 SGTINs, captured in documents of DOC), by the enterprise that
#    captured them, with wrk for DURATION seconds after WARMUP: p50 and p99 (target: p99 < 20 ms
#    over at least 2,000 queries).
# usage: bench/epcis/run.sh [EVENTS]   (default 100000; from the repo root after `make`; work
#        files go to $BENCH_DIR, default build/bench-epcis; the query store of a size is reused
#        by later runs while the store and EPCIS code is unchanged)
# knobs (environment): DOC events per document (1000), STORE_EVENTS (1000000), THREADS server
#   threads (4), CAPTURE_CONNECTIONS (4), CONNECTIONS wrk connections (4), WRK_THREADS (2),
#   DURATION seconds measured (10), WARMUP seconds (2), QUERIES EPCs drawn (10000), QUERY=0 to
#   skip the query part.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
events=${1:-100000}
doc=${DOC:-1000}
store_events=${STORE_EVENTS:-1000000}
threads=${THREADS:-4}
capture_connections=${CAPTURE_CONNECTIONS:-4}
connections=${CONNECTIONS:-4}
wrk_threads=${WRK_THREADS:-2}
duration=${DURATION:-10}
warmup=${WARMUP:-2}
nqueries=${QUERIES:-10000}
query=${QUERY:-1}
work=$(realpath -m "${BENCH_DIR:-build/bench-epcis}")
bin=$root/build/release/battrace
here=$root/bench/epcis

[ -x "$bin" ] || { echo "build first: make" >&2; exit 2; }
for tool in wrk python3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "needs $tool (scripts/install-deps.sh)" >&2; exit 2; }
done
[ "$wrk_threads" -le "$connections" ] || wrk_threads=$connections
mkdir -p "$work"
. "$root/bench/lib/serve.sh"
trap bench_stop_servers EXIT
trap 'exit 130' INT TERM
load_start=$(cut -d' ' -f1-3 /proc/loadavg)

# A fresh store in DIR with the data set's registry.
fresh_store() {
  rm -rf "$1" && mkdir -p "$1"
  "$bin" init --db "$1/store.db" >/dev/null
  "$bin" registry import --db "$1/store.db" "$sim/registry.ndjson" >/dev/null
}

# ---- a. the reports: the first EVENTS battery.produced of a simulated data set, without
# `reported` (only `import --replay` may set it); about 13 batteries a vehicle.
sim=$work/sim-$events
if [ ! -s "$sim/produced.ndjson" ]; then
  echo "== simulating a data set with at least $events battery.produced reports"
  rm -rf "$sim"
  "$bin" simulate --out "$sim" --vehicles "$((events / 10 + 100))" --seed 1 | sed 's/^/  /'
  awk -v n="$events" 'index($0, "\"type\":\"battery.produced\"") { print; if (++k == n) exit }' \
    "$sim/reports.ndjson" | sed 's/"reported":"[^"]*",//' >"$sim/produced.tmp"
  [ "$(wc -l <"$sim/produced.tmp")" -eq "$events" ] || { echo "too few battery.produced" >&2; exit 1; }
  mv "$sim/produced.tmp" "$sim/produced.ndjson"
fi

# ---- b. import of the reports
echo "== battrace import of $events battery.produced reports into a fresh store"
fresh_store "$work/import"
import_s=$(timed "$work/import.txt" "$bin" import --db "$work/import/store.db" "$sim/produced.ndjson")
echo "  $(tail -1 "$work/import.txt"); ${import_s}s wall"
grep -q "^import: $events accepted" "$work/import.txt" || { echo "not every report was accepted" >&2; exit 1; }

# ---- c. capture of their events
echo "== POST /epcis/capture of their $events commissioning events, documents of $doc per reporter, $capture_connections connections, $threads server threads"
fresh_store "$work/capture"
: >"$work/tokens.tsv"
LC_ALL=C grep -o '"reporter":"[^"]*"' "$sim/produced.ndjson" | cut -d'"' -f4 | sort -u |
  while read -r uscc; do
    printf '%s\t%s\n' "$uscc" "$("$bin" token issue --db "$work/capture/store.db" \
      --principal "enterprise:$uscc" --days 1 2>/dev/null | tail -1)" >>"$work/tokens.tsv"
  done
bench_start_server "$work/serve-capture.log" --db "$work/capture/store.db" --threads "$threads"
capture=$(python3 "$here/epcis_client.py" reports 127.0.0.1 "$port" "$work/tokens.tsv" \
  "$sim/produced.ndjson" "$doc" "$capture_connections" | grep '^RESULT')
bench_stop_servers
echo "  ${capture#RESULT }"
stored=$(sqlite3 "$work/capture/store.db" "SELECT COUNT(*) FROM epcis_event")
echo "  events stored: $stored"

# ---- d. queries by EPC on a store of STORE_EVENTS captured events
if [ "$query" = 1 ]; then
  qstore=$work/query-$store_events
  qstamp="events=$store_events doc=$doc code=$(git -C "$root" rev-parse HEAD:src/store HEAD:src/epcis HEAD:src/server 2>/dev/null | tr '\n' ' ')"
  maker=$(head -1 "$work/tokens.tsv" | cut -f1)
  if [ "$(cat "$qstore/stamp" 2>/dev/null)" != "$qstamp" ]; then
    echo "== capturing $store_events events of distinct SGTINs into a fresh store (documents of $doc)"
    fresh_store "$qstore"
    "$bin" token issue --db "$qstore/store.db" --principal "enterprise:$maker" --days 30 2>/dev/null | tail -1 >"$qstore/token"
    bench_start_server "$work/serve-fill.log" --db "$qstore/store.db" --threads "$threads"
    fill=$(python3 "$here/epcis_client.py" synthetic 127.0.0.1 "$port" "$(cat "$qstore/token")" \
      "$store_events" "$doc" "$capture_connections" "$qstore/queries.txt" "$nqueries" | grep '^RESULT')
    bench_stop_servers
    echo "  ${fill#RESULT }"
    echo "$fill" >"$qstore/fill.txt"
    echo "$qstamp" >"$qstore/stamp"
  else
    echo "== reusing the store of $store_events captured events in $qstore (${fill:-$(cut -d' ' -f2- "$qstore/fill.txt")})"
  fi
  echo "  events stored: $(sqlite3 "$qstore/store.db" "SELECT COUNT(*) FROM epcis_event")"
  echo "== GET /epcis/events?MATCH_anyEPC=... of $(wc -l <"$qstore/queries.txt") random EPCs, $connections connections, ${duration}s after ${warmup}s"
  bench_start_server "$work/serve-query.log" --db "$qstore/store.db" --threads "$threads"
  url="http://127.0.0.1:$port"
  auth="Authorization: Bearer $(cat "$qstore/token")"
  probe=$(curl -sS --max-time 30 -H "$auth" -o "$work/probe.json" -w '%{http_code}' "$url$(head -1 "$qstore/queries.txt")")
  echo "  probe $(head -1 "$qstore/queries.txt"): $probe, $(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(len(d["epcisBody"]["queryResults"]["resultsBody"]["eventList"]), "event(s)")' "$work/probe.json" 2>/dev/null || head -c 300 "$work/probe.json")"
  args=(-t "$wrk_threads" -c "$connections" --timeout 10s -s "$root/bench/lib/get.lua" "$url" -- "$qstore/queries.txt" "" "$auth")
  wrk -d "${warmup}s" "${args[@]}" >/dev/null
  queried=$(wrk -d "${duration}s" "${args[@]}" | grep '^RESULT')
  bench_stop_servers
  echo "  ${queried#RESULT }"
fi

# ---- e. summary
echo
echo "== summary ($(nproc) cores, server and clients on one machine; load average $load_start at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end)"
import_rate=$(awk -v n="$events" -v s="$import_s" 'BEGIN { printf "%.0f", n / s }')
capture_s=$(field seconds "$capture")
capture_rate=$(awk -v n="$stored" -v s="$capture_s" 'BEGIN { printf "%.0f", n / s }')
ratio=$(awk -v c="$capture_rate" -v i="$import_rate" 'BEGIN { printf "%.2f", c / i }')
printf '%-44s %10s %9s\n' "measure" "per second" "seconds"
printf '%-44s %10s %9s\n' "battrace import (battery.produced reports)" "$import_rate" "$import_s"
printf '%-44s %10s %9s\n' "POST /epcis/capture (commissioning events)" "$capture_rate" "$capture_s"
echo "capture / import: $ratio (target >= 0.5: $(awk -v r="$ratio" 'BEGIN { print (r >= 0.5) ? "met" : "NOT met" }'))"
if [ "$query" = 1 ]; then
  p50=$(awk -v u="$(field p50_us "$queried")" 'BEGIN { printf "%.2f", u / 1000 }')
  p99=$(awk -v u="$(field p99_us "$queried")" 'BEGIN { printf "%.2f", u / 1000 }')
  bad=$(($(field non2xx "$queried") + $(field timeouts "$queried") + $(field read_errors "$queried")))
  echo "GET /epcis/events by EPC on $store_events events: $(field requests "$queried") queries, $(field rps "$queried")/s, p50 ${p50} ms, p99 ${p99} ms, $bad failed (target p99 < 20 ms: $(awk -v p="$p99" -v b="$bad" 'BEGIN { print (p < 20 && b == 0) ? "met" : "NOT met" }'))"
fi
