#!/usr/bin/env bash
# End-to-end benchmark of the regulation engine on a simulated national data set:
#  - the ingest rate of `battrace import --replay` with the engine, against the previous
#    pipeline (projection only, before the engine: commit $PREVIOUS, built here from git) on the
#    same reports, in the same run;
#  - the time to answer `findings` and `obligations` as of several dates (target: under 1 s,
#    growing with the answer, not with the history stored).
# usage: bench/engine/run.sh [VEHICLES]   (default 1000000; from the repo root after `make`;
#        work files go to $BENCH_DIR, default build/bench-engine)
set -euo pipefail
cd "$(dirname "$0")/../.."
PREVIOUS=d88db3b  # main before the engine: the ingest pipeline of the ledger-and-store work
vehicles=${1:-1000000}
work=$(realpath -m "${BENCH_DIR:-build/bench-engine}")
bin=$PWD/build/release/battrace
mkdir -p "$work"
command -v /usr/bin/time >/dev/null || { echo "needs GNU time (Debian package 'time')" >&2; exit 2; }

prev="$work/previous"
if [ ! -x "$prev/build/battrace" ]; then
  echo "== building the previous pipeline ($PREVIOUS)"
  rm -rf "$prev" && git worktree prune
  git worktree add --detach "$prev" "$PREVIOUS" >/dev/null
  mkdir -p "$prev/tools/division-data"
  cp -r tools/division-data/node_modules "$prev/tools/division-data/"
  cmake -S "$prev" -B "$prev/build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBATTRACE_BENCH=OFF >/dev/null
  cmake --build "$prev/build" --target battrace >/dev/null
fi

data="$work/sim-$vehicles"
if [ ! -s "$data/reports.ndjson" ]; then
  echo "== simulating $vehicles vehicles"
  "$bin" simulate --out "$data" --vehicles "$vehicles" --seed 1
fi
reports=$(wc -l <"$data/reports.ndjson")
to=$(python3 -c 'import json,sys; r=[json.loads(l) for l in open(sys.argv[1])]; print(max(x["occurred"] for x in r))' "$data/reports.ndjson" 2>/dev/null || echo 2026-09-30)

load() {  # BINARY DB -> seconds
  rm -f "$2" "$2"-wal "$2"-shm "$2".key "$2".audit*
  "$1" init --db "$2" >/dev/null
  "$1" registry import --db "$2" "$data/registry.ndjson" >/dev/null
  /usr/bin/time -f "%e %M" -o "$work/time.txt" "$1" import --db "$2" --replay "$data/reports.ndjson" >/dev/null
  cat "$work/time.txt"
}
echo "== loading $reports reports"
read -r prev_s prev_kb < <(load "$prev/build/battrace" "$work/prev.db")
read -r eng_s eng_kb < <(load "$bin" "$work/engine.db")
awk -v n="$reports" -v p="$prev_s" -v e="$eng_s" -v pk="$prev_kb" -v ek="$eng_kb" 'BEGIN {
  printf "%-22s %12s %12s\n", "pipeline", "reports/s", "peakRSS_MiB"
  printf "%-22s %12.0f %12.0f\n", "previous (projection)", n / p, pk / 1024
  printf "%-22s %12.0f %12.0f\n", "engine", n / e, ek / 1024
  printf "ratio engine/previous: %.2f (target >= 0.7)\n", p / e
}'

echo "== queries (best of 3 runs each)"
printf "%-12s %-12s %10s %10s\n" query as_of rows seconds
for as_of in 2026-05-31 2026-07-31 "$to"; do
  for q in findings obligations; do
    best=""
    for _ in 1 2 3; do
      /usr/bin/time -f "%e" -o "$work/time.txt" "$bin" "$q" --db "$work/engine.db" --as-of "$as_of" --json >"$work/out.json"
      s=$(cat "$work/time.txt")
      best=$(awk -v a="$best" -v b="$s" 'BEGIN { print (a == "" || b < a) ? b : a }')
    done
    rows=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$work/out.json")
    printf "%-12s %-12s %10s %10s\n" "$q" "$as_of" "$rows" "$best"
  done
done
