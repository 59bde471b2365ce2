#!/usr/bin/env bash
# Runs CMD with a throwaway PostgreSQL cluster (scripts/test-pg.sh) and exits with CMD's status.
#
#   with-test-pg.sh CMD [ARG...]
#
# The cluster lives in a fresh temporary directory; CMD sees its admin conninfo in
# BATTRACE_TEST_PG ("host=127.0.0.1 port=N user=battrace_test dbname=postgres"). Whatever way
# this ends (CMD succeeds or fails, or this script gets SIGINT, SIGTERM or SIGHUP), the cluster
# is stopped and its directory removed. On a signal, CMD's whole process group gets SIGTERM, and
# SIGKILL if it is still there 20 seconds later; the exit status is then 128 + the signal.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
[ $# -gt 0 ] || { echo "usage: with-test-pg.sh CMD [ARG...]" >&2; exit 2; }

dir=$(mktemp -d -t battrace-test-pg.XXXXXX)
child=""
signalled=""

cleanup() {
  trap '' INT TERM HUP  # a second Ctrl-C must not leave the cluster running
  if [ -n "$child" ]; then kill -KILL -- "-$child" 2>/dev/null || true; fi
  "$here/test-pg.sh" stop "$dir" || echo "with-test-pg: could not stop the cluster in $dir" >&2
  if [ -n "$signalled" ]; then exit "$signalled"; fi
}
trap cleanup EXIT
on_signal() {
  signalled=$1
  if [ -n "$child" ]; then kill -TERM -- "-$child" 2>/dev/null || true; fi
}
trap 'on_signal 130' INT
trap 'on_signal 143' TERM
trap 'on_signal 129' HUP

BATTRACE_TEST_PG=$("$here/test-pg.sh" start "$dir")
export BATTRACE_TEST_PG
echo "with-test-pg: PostgreSQL test cluster at $BATTRACE_TEST_PG" >&2
[ -z "$signalled" ] || exit "$signalled"

# CMD runs in the background, in its own process group (job control on), so that this script
# can react to a signal at once (bash defers traps while a foreground command runs) and stop all
# of CMD, not just its first process. Its stdin stays this script's stdin.
set -m
"$@" <&0 &
child=$!
set +m
status=0
wait "$child" || status=$?
if [ -n "$signalled" ]; then
  # CMD got SIGTERM; give it a bounded time to end, then kill what is left of its group.
  (sleep 20; kill -KILL -- "-$child" 2>/dev/null) &
  killer=$!
  wait "$child" 2>/dev/null || true
  kill "$killer" 2>/dev/null || true
  wait "$killer" 2>/dev/null || true
  status=$signalled
fi
child=""
exit "$status"
