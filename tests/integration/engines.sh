# The store engine of a shell test (source it): the shell side of engines.py, which says the
# environment (BATTRACE_TEST_ENGINE, BATTRACE_TEST_PG) and does the work.
#
#   engine_require            exits 77 (skipped) when the engine cannot run here
#   store_new WORKDIR NAME    STORE=(args naming a fresh, empty store), READ=(the same without
#                             --key, for commands that take no signing key)
#   store_verify_args BATTRACE   VERIFY=(the args of `battrace verify` for $STORE)
#   store_query SQL           the rows of SQL run on $STORE directly, tab-separated
#   store_drop                deletes $STORE now
# Databases made by store_new are dropped when the script exits (an EXIT trap; a script that
# sets its own EXIT trap must call engines_cleanup from it).
ENGINES_PY=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/engines.py
ENGINES_MADE=()

engine_require() {
  python3 "$ENGINES_PY" require || exit $?
}

store_new() {
  local out
  out=$(python3 "$ENGINES_PY" args "$1" "$2") || exit 1
  mapfile -t STORE <<<"$out"
  READ=()
  local skip=0 a
  for a in "${STORE[@]}"; do
    if [ $skip -eq 1 ]; then skip=0; elif [ "$a" = --key ]; then skip=1; else READ+=("$a"); fi
  done
  [ "${STORE[0]}" != --pg ] || ENGINES_MADE+=("${STORE[1]}")
}

store_verify_args() {
  if [ "${STORE[0]}" = --db ]; then
    VERIFY=(--db "${STORE[1]}")
  else
    VERIFY=("${READ[@]}" --key "$("$1" pubkey "${STORE[@]}")")
  fi
}

store_query() {
  python3 "$ENGINES_PY" query "$1" "${STORE[@]}"
}

store_drop() {
  python3 "$ENGINES_PY" drop "${STORE[@]}"
}

engines_cleanup() {
  local c
  for c in "${ENGINES_MADE[@]}"; do
    python3 "$ENGINES_PY" drop --pg "$c" 2>/dev/null || true
  done
  ENGINES_MADE=()
}
trap engines_cleanup EXIT
