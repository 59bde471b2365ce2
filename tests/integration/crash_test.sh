#!/usr/bin/env bash
# Crash safety of `battrace import`: kill -9 the importer at random moments, re-run it each
# time, and check that afterwards `verify` passes and every report of the file is stored
# exactly once. Bounded: at most KILLS kills and about a minute in all.
# usage: crash_test.sh BATTRACE INGEST_TOOL WORKDIR [REPORTS] [KILLS]
set -euo pipefail
battrace=$1 tool=$2 work=$3 reports=${4:-200000} kills=${5:-20}
rm -rf "$work" && mkdir -p "$work" && cd "$work"
"$tool" generate "$reports" reports.ndjson
"$battrace" init --db t.db --origin crash.test/ledger >/dev/null
RANDOM=42
killed=0
deadline=$((SECONDS + 60))
while [ $killed -lt "$kills" ] && [ $SECONDS -lt $deadline ]; do
  "$battrace" import --db t.db --replay --batch 5000 reports.ndjson >/dev/null 2>&1 &
  pid=$!
  sleep "0.$(printf '%03d' $((RANDOM % 400 + 20)))"
  if kill -9 "$pid" 2>/dev/null; then killed=$((killed + 1)); fi
  wait "$pid" 2>/dev/null || true
done
"$battrace" import --db t.db --replay --batch 5000 reports.ndjson | tee summary.txt
"$battrace" verify --db t.db
stored=$(sqlite3 t.db "SELECT COUNT(*) FROM report")
distinct=$(sqlite3 t.db "SELECT COUNT(*) FROM (SELECT DISTINCT reporter, id FROM report)")
lines=$(grep -c . reports.ndjson)
echo "crash test: $killed kills; $lines reports in the file, $stored stored, $distinct distinct"
[ "$killed" -ge 1 ] || { echo "crash test: the importer was never killed mid-run" >&2; exit 1; }
[ "$stored" -eq "$lines" ] && [ "$distinct" -eq "$lines" ] || { echo "crash test: FAILED" >&2; exit 1; }
echo "crash test: ok"
