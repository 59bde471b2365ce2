#!/usr/bin/env bash
# Style checks, one implementation for `make lint` and the test suite's lint tests:
#   lint.sh                      clang-format on every C++ file git knows, then clang-tidy
#                                (.clang-tidy) over src/ with build/sanitize's compile database
#   lint.sh --format-only        clang-format alone (the ctest "format")
#   lint.sh --tidy-only [BUILD]  clang-tidy alone, with BUILD's compile database (the ctest
#                                "lint_tidy" passes the sanitized build's)
# clang-tidy reads the database of the sanitized build because that build is clang's: the
# release build's gcc flags would need -Wno-unknown-warning-option. Any finding fails.
# scripts/tidy.py runs it, in parallel, and skips the files unchanged since a clean run.
set -euo pipefail
cd "$(dirname "$0")/.."

format() {
  local files
  files=$(git ls-files --cached --others --exclude-standard '*.cc' '*.h')
  clang-format --dry-run -Werror $files
  echo "lint: clang-format clean ($(echo "$files" | wc -w) files)"
}

tidy() {
  python3 scripts/tidy.py "$1"
}

case "${1:-}" in
  --format-only) format ;;
  --tidy-only) tidy "${2:-build/sanitize}" ;;
  "") format && tidy build/sanitize ;;
  *) echo "usage: lint.sh [--format-only | --tidy-only [BUILD_DIR]]" >&2; exit 2 ;;
esac
