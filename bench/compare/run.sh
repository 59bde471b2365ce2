#!/usr/bin/env bash
# Same-run comparison of this tree against an earlier commit, for changes that must not move
# the figures (refactors) and for those that should (the store's size): both binaries, built from
# git, measured in turn on the same machine in the same run, ROUNDS times each in alternation,
# best of the rounds kept:
#  - ingest: `import --replay` of a simulated data set of VEHICLES vehicles into a fresh
#    embedded store (reports/s and peak RSS), and the store's bytes per report (the file as the
#    import left it, its WAL checkpointed, divided by the reports imported);
#  - lookups: GET /v1/batteries/{code} (public view) for random codes of the data set, wrk for
#    DURATION seconds over CONNECTIONS connections after a warm-up (requests/s, p99);
#  - findings and obligations: `battrace findings|obligations --json` as of the data set's last
#    day (seconds).
# It prints each figure of both commits and this tree's ratio to the earlier one (higher is
# better for rates, lower for times); within noise means a ratio near 1 in both directions
# over repeated runs. The machine's load is printed beside them. Last, the bytes per report of
# each table and index of both stores of the last round (SQLite's dbstat).
# usage: bench/compare/run.sh [BASE [VEHICLES]]   (BASE: a commit, default HEAD~1; VEHICLES:
#        default 30000; from the repo root after `make`; work files go to $BENCH_DIR, default
#        build/bench-compare)
# knobs (environment): ROUNDS (3), THREADS server threads (16), CONNECTIONS wrk connections (16),
#   DURATION seconds per lookup run (10), WARMUP seconds (2), CODES codes drawn (20000), OLD_BIN
#   a binary of BASE already built (e.g. another worktree's build/release/battrace) instead of
#   building BASE.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
base=$(git rev-parse --short "${1:-HEAD~1}")
vehicles=${2:-30000}
rounds=${ROUNDS:-3}
threads=${THREADS:-16}
connections=${CONNECTIONS:-16}
duration=${DURATION:-10}
warmup=${WARMUP:-2}
ncodes=${CODES:-20000}
work=$(realpath -m "${BENCH_DIR:-build/bench-compare}")
new_bin=$root/build/release/battrace
[ -x "$new_bin" ] || { echo "build first: make" >&2; exit 2; }
for tool in wrk python3 sqlite3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "needs $tool (scripts/install-deps.sh)" >&2; exit 2; }
done
mkdir -p "$work"
. "$root/bench/lib/serve.sh"
trap bench_stop_servers EXIT
trap 'exit 130' INT TERM

# ---- the earlier commit's binary, built once per commit
old="$work/base-$base"
if [ -n "${OLD_BIN:-}" ]; then
  [ -x "$OLD_BIN" ] || { echo "OLD_BIN=$OLD_BIN is not an executable" >&2; exit 2; }
elif [ ! -x "$old/build/battrace" ]; then
  echo "== building $base"
  rm -rf "$old" && git worktree prune
  git worktree add --detach "$old" "$base" >/dev/null
  cp -r web/node_modules "$old/web/"
  mkdir -p "$old/tools/division-data"
  cp -r tools/division-data/node_modules "$old/tools/division-data/"
  cmake -S "$old" -B "$old/build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBATTRACE_BENCH=OFF >/dev/null
  cmake --build "$old/build" --target battrace >/dev/null
fi
old_bin=${OLD_BIN:-$old/build/battrace}

# ---- the data set, simulated once per size
data="$work/sim-$vehicles"
if [ ! -s "$data/reports.ndjson" ]; then
  echo "== simulating $vehicles vehicles"
  rm -rf "$data"
  "$new_bin" simulate --out "$data" --vehicles "$vehicles" --seed 1 >/dev/null
fi
reports=$(wc -l <"$data/reports.ndjson")
bench_draw_codes "$data/reports.ndjson" "$ncodes" >"$work/codes.txt"
as_of=$(python3 -c 'import json,sys; print(max(json.loads(l)["occurred"] for l in open(sys.argv[1])))' \
  "$data/reports.ndjson")

load() {  # BINARY DB -> "seconds peak_kib store_bytes"
  rm -f "$2" "$2"-wal "$2"-shm "$2".key
  "$1" init --db "$2" >/dev/null
  "$1" registry import --db "$2" "$data/registry.ndjson" >/dev/null
  /usr/bin/time -f "%e %M" -o "$work/time.txt" "$1" import --db "$2" --replay \
    "$data/reports.ndjson" >/dev/null
  sqlite3 "$2" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
  echo "$(cat "$work/time.txt") $(du -cb "$2" "$2"-wal 2>/dev/null | tail -1 | cut -f1)"
}
lookups() {  # BINARY DB -> the RESULT line of the measured run
  bin=$1
  local extra=()  # bench_start_server lifts the address limit of this tree's binary only
  [ "$bin" = "$root/build/release/battrace" ] || extra=(--address-rate-limit 0)
  bench_start_server "$work/serve.log" --db "$2" --threads "$threads" "${extra[@]}"
  local url="http://127.0.0.1:$port"
  wrk -t 2 -c "$connections" -d "${warmup}s" -s "$root/bench/lib/get.lua" "$url" -- \
    "$work/codes.txt" /v1/batteries/ >/dev/null
  wrk -t 2 -c "$connections" -d "${duration}s" --timeout 5s -s "$root/bench/lib/get.lua" "$url" \
    -- "$work/codes.txt" /v1/batteries/ | grep '^RESULT'
  bench_stop_server
}
query() {  # BINARY DB COMMAND -> seconds
  /usr/bin/time -f "%e" -o "$work/time.txt" "$1" "$3" --db "$2" --as-of "$as_of" --json >/dev/null
  cat "$work/time.txt"
}
# The best of the rounds: the highest rate, the lowest time.
best() { awk -v a="${1:-}" -v b="$2" -v hi="$3" 'BEGIN {
  if (a == "") print b; else if (hi) print (b > a ? b : a); else print (b < a ? b : a) }'; }

declare -A fig
echo "== $rounds rounds, $reports reports ($vehicles vehicles), as of $as_of; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq "$rounds"); do
  for side in old new; do
    b=${side}_bin
    db="$work/$side.db"
    read -r s kib bytes < <(load "${!b}" "$db")
    fig[$side.ingest]=$(best "${fig[$side.ingest]:-}" "$(awk -v n="$reports" -v s="$s" 'BEGIN { printf "%.0f", n / s }')" 1)
    fig[$side.rss]=$(best "${fig[$side.rss]:-}" "$((kib / 1024))" 0)
    fig[$side.bytes]=$(best "${fig[$side.bytes]:-}" "$((bytes / reports))" 0)
    line=$(lookups "${!b}" "$db")
    fig[$side.rps]=$(best "${fig[$side.rps]:-}" "$(field rps "$line")" 1)
    fig[$side.p99]=$(best "${fig[$side.p99]:-}" "$(awk -v u="$(field p99_us "$line")" 'BEGIN { printf "%.2f", u / 1000 }')" 0)
    for q in findings obligations; do
      fig[$side.$q]=$(best "${fig[$side.$q]:-}" "$(query "${!b}" "$db" "$q")" 0)
    done
  done
  echo "  round $r done; load: $(cut -d' ' -f1-3 /proc/loadavg)"
done

here=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src CMakeLists.txt || echo "+changes")
printf "%-26s %14s %14s %8s\n" measure "$base" "$here" ratio
row() { printf "%-26s %14s %14s %8s\n" "$1" "${fig[old.$2]}" "${fig[new.$2]}" \
  "$(awk -v o="${fig[old.$2]}" -v n="${fig[new.$2]}" 'BEGIN { printf "%.2f", (o > 0 ? n / o : 0) }')"; }
row "ingest reports/s" ingest
row "ingest peak RSS MiB" rss
row "store bytes/report" bytes
row "lookups/s" rps
row "lookup p99 ms" p99
row "findings s" findings
row "obligations s" obligations

# Where the bytes are: each table and index of the last round's stores, per report.
echo "bytes per report by table and index (dbstat), $base and $here:"
sqlite3 -separator ' ' "$work/new.db" "ATTACH '$work/old.db' AS o;
  SELECT printf('  %-28s %10.1f %10.1f', n.name, COALESCE(o.bytes, 0) * 1.0 / $reports,
                n.bytes * 1.0 / $reports)
  FROM (SELECT name, SUM(pgsize) AS bytes FROM dbstat('main') GROUP BY name) AS n
  LEFT JOIN (SELECT name, SUM(pgsize) AS bytes FROM dbstat('o') GROUP BY name) AS o USING (name)
  WHERE n.bytes * 1.0 / $reports >= 0.5 OR COALESCE(o.bytes, 0) * 1.0 / $reports >= 0.5
  ORDER BY n.bytes DESC"
