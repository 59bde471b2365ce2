#!/usr/bin/env bash
# Crash safety of `battrace import`: kill -9 the importer at random moments, re-run it each
# time, and check that afterwards `verify` passes and every report of the file is stored
# exactly once. Bounded: at most KILLS kills and about a minute in all.
# The store is on the engine BATTRACE_TEST_ENGINE names (engines.sh): the embedded file, whose
# transactions must survive the process dying mid-write, or a PostgreSQL database, whose
# server must roll back the batch of a client that vanished mid-transaction.
# usage: crash_test.sh BATTRACE INGEST_TOOL WORKDIR [REPORTS] [KILLS]
set -euo pipefail
battrace=$1 tool=$2 work=$3 reports=${4:-200000} kills=${5:-20}
. "$(dirname "$0")/engines.sh"
engine_require
rm -rf "$work" && mkdir -p "$work" && cd "$work"
"$tool" generate "$reports" reports.ndjson registry.ndjson
fresh_store() {
  store_new "$PWD" t
  "$battrace" init "${STORE[@]}" --origin crash.test/ledger >/dev/null
  "$battrace" registry import "${STORE[@]}" registry.ndjson >/dev/null
}
fresh_store
# The ledger's leaves filed by enterprises (the registry's records are leaves too).
reports_only="type NOT LIKE 'registry.%'"
RANDOM=42
killed=0
mid_run=0  # kills that left some, but not all, of the file stored
deadline=$((SECONDS + 60))
lines=$(grep -c . reports.ndjson)
while [ $killed -lt "$kills" ] && [ $SECONDS -lt $deadline ]; do
  "$battrace" import "${STORE[@]}" --replay --batch 5000 reports.ndjson >/dev/null 2>&1 &
  pid=$!
  # Anywhere from start-up to well into the run (a full run here takes a few seconds).
  sleep "$((RANDOM % 3)).$(printf '%03d' $((RANDOM % 1000)))"
  if kill -9 "$pid" 2>/dev/null; then killed=$((killed + 1)); fi
  wait "$pid" 2>/dev/null || true
  stored=$(store_query "SELECT COUNT(*) FROM report WHERE $reports_only")
  [ "$stored" -gt 0 ] && [ "$stored" -lt "$lines" ] && mid_run=$((mid_run + 1))
  # Once everything is in, verify and start again from an empty store, so that later kills
  # keep landing on commits rather than on re-reads of reports already stored.
  if [ "$stored" -eq "$lines" ]; then
    store_verify_args "$battrace"
    "$battrace" verify "${VERIFY[@]}" >/dev/null
    store_drop
    fresh_store
  fi
done
"$battrace" import "${STORE[@]}" --replay --batch 5000 reports.ndjson | tee summary.txt
store_verify_args "$battrace"
"$battrace" verify "${VERIFY[@]}"
stored=$(store_query "SELECT COUNT(*) FROM report WHERE $reports_only")
distinct=$(store_query "SELECT COUNT(*) FROM (SELECT DISTINCT reporter, id FROM report \
  WHERE $reports_only) AS d")
echo "crash test: $killed kills ($mid_run mid-import); $lines reports in the file, $stored stored, $distinct distinct"
[ "$mid_run" -ge 5 ] || { echo "crash test: fewer than 5 kills landed mid-import" >&2; exit 1; }
[ "$stored" -eq "$lines" ] && [ "$distinct" -eq "$lines" ] || { echo "crash test: FAILED" >&2; exit 1; }
echo "crash test: ok"
