#!/usr/bin/env bash
# The simulator's output loads: `battrace simulate` twice with the same options gives the same
# bytes, its registry imports whole, `import --replay` accepts every report, and its answer key
# agrees with a second reading of docs/findings.md (answer_key_check.py), also across the 2018
# and 2026 regimes and without violations. The store is on the engine BATTRACE_TEST_ENGINE
# names (engines.sh).
#   simulate_import.sh BATTRACE RULES_DIR WORKDIR
set -euo pipefail
battrace=$1
rules=$2
work=$3
here=$(dirname "$0")
. "$here/engines.sh"
engine_require
rm -rf "$work"
mkdir -p "$work"
args=(--vehicles 300 --seed 17 --violations 0.05)
"$battrace" simulate --out "$work/a" "${args[@]}" 2>/dev/null
"$battrace" simulate --out "$work/b" "${args[@]}" 2>/dev/null
for f in registry.ndjson reports.ndjson answer-key.json; do
  cmp "$work/a/$f" "$work/b/$f" || { echo "simulate import: $f differs between runs"; exit 1; }
done
store_new "$work" store
"$battrace" init "${STORE[@]}" >/dev/null
records=$(wc -l <"$work/a/registry.ndjson")
out=$("$battrace" registry import "${STORE[@]}" "$work/a/registry.ndjson" 2>&1)
echo "$out" | grep -q "registry import: $records records stored" ||
  { echo "simulate import: registry: $out"; exit 1; }
reports=$(wc -l <"$work/a/reports.ndjson")
out=$("$battrace" import "${STORE[@]}" --replay --rejects "$work/rejects.ndjson" \
  "$work/a/reports.ndjson" 2>&1)
echo "$out" | grep -q "import: $reports accepted, 0 duplicates, 0 rejected" ||
  { echo "simulate import: reports: $out"; head -c 2000 "$work/rejects.ndjson" 2>/dev/null; exit 1; }
check() {  # DIR AS_OF
  python3 "$here/answer_key_check.py" "$battrace" "$rules" "$1" "$2" ||
    { echo "simulate import: answer key of $1 disagrees"; exit 1; }
}
check "$work/a" 2026-09-30
"$battrace" simulate --out "$work/c" --vehicles 300 --seed 5 --violations 0.1 \
  --from 2026-03-01 --to 2026-12-31 2>/dev/null
check "$work/c" 2026-12-31
"$battrace" simulate --out "$work/d" --vehicles 300 --seed 5 --violations 0 2>/dev/null
check "$work/d" 2026-09-30
[ "$(cat "$work/d/answer-key.json")" = "[]" ] || { echo "simulate import: findings at rate 0"; exit 1; }
echo "simulate import: ok ($records registry records, $reports reports)"
