#!/usr/bin/env bash
# `make demo`: simulate a national data set, load it into an embedded store, and show what the
# platform finds. Work files go to build/demo (DEMO_VEHICLES vehicles, 20,000 by default).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=build/release/battrace
out=build/demo
vehicles=${DEMO_VEHICLES:-20000}
from=2026-04-01 to=2026-09-30
rm -rf "$out" && mkdir -p "$out"
echo "== simulating $vehicles vehicles ($from to $to)"
"$bin" simulate --out "$out/data" --vehicles "$vehicles" --seed 1 --from "$from" --to "$to"
db="$out/battrace.db"
"$bin" init --db "$db" --origin demo.battrace/ledger
"$bin" registry import --db "$db" "$out/data/registry.ndjson"
echo "== loading the reports"
"$bin" import --db "$db" --replay "$out/data/reports.ndjson"
"$bin" verify --db "$db"
echo "== findings as of $to, by kind"
"$bin" findings --db "$db" --as-of "$to" --json | python3 -c '
import collections, json, sys
counts = collections.Counter(f["kind"] for f in json.load(sys.stdin))
for kind, n in sorted(counts.items()):
    print(f"  {kind:<26} {n:>7}")
print("  %-26s %7d" % ("total", sum(counts.values())))'
echo "== the first findings"
"$bin" findings --db "$db" --as-of "$to" | head -n 15
echo
echo "Store: $db. Try: $bin findings --db $db --as-of $to --kind overdue_report"
echo "     $bin obligations --db $db --as-of $to --party <USCC>"
