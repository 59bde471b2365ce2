#!/usr/bin/env bash
# The browser tests' store (web/test/harness.mjs): 2,000 simulated vehicles loaded into an
# embedded store, and a token for each demo principal (scripts/demo_principals.py: admin, the
# first enterprise of each role, a provincial and the national regulator) in tokens.json:
#   {"admin": T, "regulator_national": T, "regulator_provincial": T,
#    "enterprise": {"<role>": {"uscc": U, "token": T}}}
# Rebuilt from scratch each time (a few seconds); CTest runs it once as the fixture web_store.
#
# usage: web_fixture.sh BATTRACE OUT_DIR
set -euo pipefail
bin=$1 out=$2
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$out" && mkdir -p "$out"
"$bin" simulate --out "$out/data" --vehicles 2000 --seed 1 --from 2026-04-01 --to 2026-09-30 >/dev/null
db="$out/store.db"
"$bin" init --db "$db" --origin web.battrace/ledger >"$out/init.txt"
"$bin" registry import --db "$db" "$out/data/registry.ndjson" >/dev/null
"$bin" import --db "$db" --replay "$out/data/reports.ndjson" >/dev/null
python3 "$here/demo_principals.py" "$out/data/registry.ndjson" >"$out/principals.txt"
admin=$(sed -n 's/^admin token \([^ ]*\) .*/\1/p' "$out/init.txt")
[ -n "$admin" ] || admin=$("$bin" token issue --db "$db" --principal admin 2>>"$out/tokens.log")
{
  echo "admin admin $admin"
  while read -r principal what _; do
    echo "$principal $what $("$bin" token issue --db "$db" --principal "$principal" 2>>"$out/tokens.log")"
  done <"$out/principals.txt"
} >"$out/tokens.txt"
python3 - "$out/tokens.txt" "$out/tokens.json" <<'PY'
import json, sys
tokens = {"enterprise": {}}
for line in open(sys.argv[1]):
    principal, what, token = line.split()
    if principal == "admin":
        tokens["admin"] = token
    elif principal.startswith("regulator:"):
        tokens["regulator_" + what] = token
    else:
        tokens["enterprise"][what] = {"uscc": principal.split(":", 1)[1], "token": token}
json.dump(tokens, open(sys.argv[2], "w"), indent=2)
PY
rm "$out/tokens.txt"
echo "web fixture: ok ($out)"
