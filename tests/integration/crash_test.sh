#!/usr/bin/env bash
# Crash safety of `battrace import`: kill -9 the importer at random moments, re-run it each
# time, and check that afterwards `verify` passes and every report of the file is stored
# exactly once. Bounded: at most KILLS kills and about a minute in all.
# usage: crash_test.sh BATTRACE INGEST_TOOL WORKDIR [REPORTS] [KILLS]
set -euo pipefail
battrace=$1 tool=$2 work=$3 reports=${4:-200000} kills=${5:-20}
rm -rf "$work" && mkdir -p "$work" && cd "$work"
"$tool" generate "$reports" reports.ndjson registry.ndjson
"$battrace" init --db t.db --origin crash.test/ledger >/dev/null
"$battrace" registry import --db t.db registry.ndjson >/dev/null
RANDOM=42
killed=0
mid_run=0  # kills that left some, but not all, of the file stored
deadline=$((SECONDS + 60))
lines=$(grep -c . reports.ndjson)
while [ $killed -lt "$kills" ] && [ $SECONDS -lt $deadline ]; do
  "$battrace" import --db t.db --replay --batch 5000 reports.ndjson >/dev/null 2>&1 &
  pid=$!
  # Anywhere from start-up to well into the run (a full run here takes a few seconds).
  sleep "$((RANDOM % 3)).$(printf '%03d' $((RANDOM % 1000)))"
  if kill -9 "$pid" 2>/dev/null; then killed=$((killed + 1)); fi
  wait "$pid" 2>/dev/null || true
  stored=$(sqlite3 t.db "SELECT COUNT(*) FROM report")
  [ "$stored" -gt 0 ] && [ "$stored" -lt "$lines" ] && mid_run=$((mid_run + 1))
  # Once everything is in, verify and start again from an empty store, so that later kills
  # keep landing on commits rather than on re-reads of reports already stored.
  if [ "$stored" -eq "$lines" ]; then
    "$battrace" verify --db t.db >/dev/null
    rm -f t.db t.db-wal t.db-shm t.db.key
    "$battrace" init --db t.db --origin crash.test/ledger >/dev/null
    "$battrace" registry import --db t.db registry.ndjson >/dev/null
  fi
done
"$battrace" import --db t.db --replay --batch 5000 reports.ndjson | tee summary.txt
"$battrace" verify --db t.db
stored=$(sqlite3 t.db "SELECT COUNT(*) FROM report")
distinct=$(sqlite3 t.db "SELECT COUNT(*) FROM (SELECT DISTINCT reporter, id FROM report)")
echo "crash test: $killed kills ($mid_run mid-import); $lines reports in the file, $stored stored, $distinct distinct"
[ "$mid_run" -ge 5 ] || { echo "crash test: fewer than 5 kills landed mid-import" >&2; exit 1; }
[ "$stored" -eq "$lines" ] && [ "$distinct" -eq "$lines" ] || { echo "crash test: FAILED" >&2; exit 1; }
echo "crash test: ok"
