# shellcheck shell=bash
# Sourced by the benchmarks' scripts (bench/api, bench/web): servers started and stopped by the
# script, the store of a simulated data set, and the small helpers around them. The caller sets
# $root (the repository), $bin (the battrace binary) and $work (its work directory), and calls
# bench_stop_servers in its exit trap.
#   bench_start_server LOG SERVE_ARGS...  starts `$bin serve` on a free loopback port, without
#                        rate limits (the load generator is one client address asking as fast
#                        as it can); sets $port and $server_pid; gives up after
#                        $bench_start_seconds (60) s
#   bench_stop_server    stops the last server started
#   bench_stop_servers   stops every server started
#   bench_store DIR VEHICLES CODES  the store of `simulate --vehicles VEHICLES --seed 1` in
#                        DIR/store.db (its files in DIR/sim), with CODES battery codes drawn at
#                        random from the data set in DIR/codes.txt; built once and reused while
#                        the stamp DIR/stamp matches (the store code, src/store, unchanged);
#                        sets $reports_loaded
#   timed OUT_FILE CMD...  runs CMD, its stdout to OUT_FILE; prints wall seconds
#   field NAME LINE      the value of NAME=value in a RESULT line
server_pids=()
bench_start_server() {
  local log=$1
  shift
  # The compared older server of bench/api has only the per-principal limit.
  local limits=(--rate-limit 0)
  [ "$bin" != "$root/build/release/battrace" ] || limits+=(--address-rate-limit 0)
  "$bin" serve "$@" --listen 127.0.0.1:0 --quiet "${limits[@]}" >"$log" 2>"$log.err" &
  server_pid=$!
  server_pids+=("$server_pid")
  port=""
  for _ in $(seq "$((${bench_start_seconds:-60} * 10))"); do
    port=$(sed -n 's|^battrace serving on http://127.0.0.1:\([0-9]*\)/$|\1|p' "$log")
    [ -n "$port" ] && return 0
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "the server did not start:" >&2
  cat "$log.err" >&2
  exit 1
}
bench_stop_server() {
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
}
bench_stop_servers() {
  local pid
  for pid in "${server_pids[@]}"; do
    kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  done
  server_pids=()
}
bench_store() {
  local dir=$1 vehicles=$2 ncodes=$3 stamp s_sim s_imp
  stamp="vehicles=$vehicles seed=1 codes=$ncodes store=$(git -C "$root" rev-parse HEAD:src/store 2>/dev/null || echo unknown)"
  if [ "$(cat "$dir/stamp" 2>/dev/null)" != "$stamp" ]; then
    echo "== building a store of $vehicles vehicles in $dir (1,000,000 vehicles: about 25 million reports, tens of minutes)"
    rm -rf "$dir" && mkdir -p "$dir"
    s_sim=$(timed /dev/null "$bin" simulate --out "$dir/sim" --vehicles "$vehicles" --seed 1)
    "$bin" init --db "$dir/store.db" >/dev/null
    "$bin" registry import --db "$dir/store.db" "$dir/sim/registry.ndjson" >/dev/null
    s_imp=$(timed "$dir/import.txt" "$bin" import --db "$dir/store.db" --replay "$dir/sim/reports.ndjson")
    bench_draw_codes "$dir/sim/reports.ndjson" "$ncodes" >"$dir/codes.txt"
    echo "  simulate ${s_sim}s, import --replay ${s_imp}s: $(tail -1 "$dir/import.txt")"
    echo "$stamp" >"$dir/stamp"
  else
    echo "== reusing the store of $vehicles vehicles in $dir ($(tail -1 "$dir/import.txt"))"
  fi
  reports_loaded=$(sed -n 's/^import: .*(\([0-9]*\) reports in.*/\1/p' "$dir/import.txt")
}
# bench_draw_codes REPORTS CODES -> CODES battery codes drawn at random (the same ones for the
# same data set) from the data set's battery.produced reports, whose lines begin with their code
bench_draw_codes() {
  LC_ALL=C grep -o '^{"code":"[^"]*"' "$1" | cut -d'"' -f4 |
    shuf -n "$2" --random-source=<(yes)
}
timed() {
  local out=$1
  shift
  /usr/bin/time -f "%e" -o "$work/time.txt" "$@" >"$out"
  cat "$work/time.txt"
}
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<" $2"; }
