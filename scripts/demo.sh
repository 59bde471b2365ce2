#!/usr/bin/env bash
# `make demo`: simulate a national data set, load it into an embedded store, show what the
# platform finds, issue demo API tokens, print a sign-in link for each (the token in the URL
# fragment) and serve the pages and the HTTP API in the foreground (Ctrl-C stops
# it). Work files go to build/demo (DEMO_VEHICLES vehicles, 20,000 by default); the API listens
# on DEMO_LISTEN (127.0.0.1:8080); DEMO_SERVE=0 stops after the tokens.
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
"$bin" init --db "$db" --origin demo.battrace/ledger | tee "$out/init.txt" | grep -v '^admin token'
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
# Through a file: under pipefail, `findings | head` would end the script when head closes the pipe.
"$bin" findings --db "$db" --as-of "$to" >"$out/findings.txt"
head -n 15 "$out/findings.txt"
echo
echo "Store: $db. Try: $bin findings --db $db --as-of $to --kind overdue_report"
echo "     $bin obligations --db $db --as-of $to --party <USCC>"

echo
echo "== API tokens (demo only: each is shown once and expires in 90 days)"
# Principals: admin, the first enterprise of each role, a provincial and the national regulator
# (MIIT when it has one, else any department), from the registry the store was loaded with.
python3 scripts/demo_principals.py "$out/data/registry.ndjson" >"$out/principals.txt"
listen=${DEMO_LISTEN:-127.0.0.1:8080}
url="http://$listen"
admin=$(sed -n 's/^admin token \([^ ]*\) .*/\1/p' "$out/init.txt")
[ -n "$admin" ] || admin=$("$bin" token issue --db "$db" --principal admin 2>/dev/null)
printf "  %-40s %-34s %s\n" principal what token
printf "  %-40s %-34s %s\n" admin "all records, audited" "$admin"
# The pages' sign-in links: the token rides in the URL fragment, which the browser never sends,
# so it reaches no server log; the sign-in page posts it and removes it from the address bar.
links="$out/signin-links.txt"
printf "  %-34s %s\n" admin "$url/signin#token=$admin" >"$links"
regulator_token="" enterprise_token="" enterprise=""
while read -r principal what; do
  token=$("$bin" token issue --db "$db" --principal "$principal" 2>"$out/token.err") ||
    { cat "$out/token.err" >&2; exit 1; }
  printf "  %-40s %-34s %s\n" "$principal" "$what" "$token"
  printf "  %-34s %s\n" "$what" "$url/signin#token=$token" >>"$links"
  case $principal in
    regulator:*) [ -n "$regulator_token" ] || regulator_token=$token ;;
    enterprise:*) [ -n "$enterprise_token" ] || { enterprise_token=$token; enterprise=${principal#enterprise:}; } ;;
  esac
done <"$out/principals.txt"

code=$(grep -m1 -o '^{"code":"[^"]*"' "$out/data/reports.ndjson" | cut -d'"' -f4)
# A pack of a declared battery model with a GTIN, its health reported when one is
# (docs/simulator.md, "EU battery passport data"): its code and its GS1 Digital Link path.
read -r eu_code digital_link < <(python3 -c '
import json, sys
gtin, links, measured = {}, {}, set()
for line in open(sys.argv[1]):
    r = json.loads(line)
    key = (r["reporter"], r.get("model"))
    if r["type"] == "battery_model.declared" and "gtin" in r:
        gtin[key] = r["gtin"]
    elif r["type"] == "battery.produced" and "serial" in r and key in gtin:
        links[r["code"]] = "/01/%s/21/%s" % (gtin[key], r["serial"])
    elif r["type"] == "battery.health" and r["code"] in links:
        measured.add(r["code"])
for code in sorted(links, key=lambda c: c not in measured):
    print(code, links[code])
    break' "$out/data/reports.ndjson") || true
echo
echo "== the pages at $url/ (look up a battery code, recycling outlets). Open a link to sign in"
echo "   as that principal: a regulator lands on its overview, an enterprise on its duties, the"
echo "   admin on the audit trail"
cat "$links"
echo "  a battery's passport, the page its QR label opens: $url/b/$code"
echo "  its label: $bin label --code $code --base-url $url --format png --out $code.png"
if [ -n "${eu_code:-}" ]; then
  echo "  a pack with EU battery passport data (its model declared): $url/b/$eu_code"
  echo "  the same pack by its GS1 Digital Link: $url$digital_link"
fi
echo
echo "== the API at $url/ (routes: $bin serve --routes)"
echo "  # a battery's public digital ID (no token)"
echo "  curl -s $url/v1/batteries/$code"
if [ -n "${eu_code:-}" ]; then
  echo "  # its EU battery passport (Regulation (EU) 2023/1542), at the public access level"
  echo "  curl -s '$url/v1/batteries/$eu_code/passport?profile=eu'"
fi
echo "  # findings of a regulator's jurisdiction (a stated purpose is audited)"
echo "  curl -s -H 'Authorization: Bearer ${regulator_token:-<regulator token>}' -H 'X-Purpose: supervision' \\"
echo "       '$url/v1/findings?as_of=$to&limit=5'"
echo "  # an enterprise's own open duties"
echo "  curl -s -H 'Authorization: Bearer ${enterprise_token:-<enterprise token>}' '$url/v1/obligations?as_of=$to&party=$enterprise&limit=5'"
echo "  # the latest signed checkpoint of the ledger"
echo "  curl -s $url/v1/ledger/checkpoint"
[ "${DEMO_SERVE:-1}" != 0 ] || exit 0
echo
echo "== serving $db on $url/ (Ctrl-C stops)"
exec "$bin" serve --db "$db" --listen "$listen"
