#!/usr/bin/env bash
# Style checks, one implementation for `make lint` and the test suite's lint tests:
#   lint.sh                      clang-format on every C++ file git knows, then clang-tidy
#                                (.clang-tidy) over src/ with build/sanitize's compile database
#   lint.sh --format-only        clang-format alone (the ctest "format")
#   lint.sh --tidy-only [BUILD]  clang-tidy alone, with BUILD's compile database (the ctest
#                                "lint_tidy" passes the sanitized build's)
# clang-tidy reads the database of the sanitized build because that build is clang's: the
# release build's gcc flags would need -Wno-unknown-warning-option. Any finding fails.
set -euo pipefail
cd "$(dirname "$0")/.."

format() {
  local files
  files=$(git ls-files --cached --others --exclude-standard '*.cc' '*.h')
  clang-format --dry-run -Werror $files
  echo "lint: clang-format clean ($(echo "$files" | wc -w) files)"
}

tidy() {
  local build=$1 out err rc=0
  if [ ! -f "$build/compile_commands.json" ]; then
    echo "lint: no compile database in $build: configure the sanitized build first (make lint)" >&2
    return 2
  fi
  out=$(mktemp)
  err=$(mktemp)
  trap 'rm -f "$out" "$err"' RETURN
  # Each clang-tidy prints its findings on stdout; on stderr, the counts of warnings it
  # suppressed (dropped below) and why it could not process a file.
  git ls-files --cached --others --exclude-standard 'src/*.cc' |
    xargs -P "$(nproc)" -n 4 clang-tidy -p "$build" --quiet >"$out" 2>"$err" || rc=$?
  local n
  n=$(grep -cE '^[^ ]+:[0-9]+:[0-9]+: (warning|error):' "$out" || true)
  if [ "$rc" -ne 0 ] || [ "$n" -ne 0 ]; then
    cat "$out"
    grep -v ' warnings\? generated\.$' "$err" >&2 || true
    echo "lint: clang-tidy: $n finding(s) (exit $rc)" >&2
    return 1
  fi
  echo "lint: clang-tidy clean ($(git ls-files 'src/*.cc' | wc -l) files)"
}

case "${1:-}" in
  --format-only) format ;;
  --tidy-only) tidy "${2:-build/sanitize}" ;;
  "") format && tidy build/sanitize ;;
  *) echo "usage: lint.sh [--format-only | --tidy-only [BUILD_DIR]]" >&2; exit 2 ;;
esac
