#!/usr/bin/env bash
# Style checks: clang-format on every C++ file git knows; with no argument also clang-tidy over
# src/ using build/release's compile database. `lint.sh --format-only` is what the test suite runs.
set -euo pipefail
cd "$(dirname "$0")/.."
files=$(git ls-files --cached --others --exclude-standard '*.cc' '*.h')
clang-format --dry-run -Werror $files
echo "lint: clang-format clean ($(echo "$files" | wc -w) files)"
[ "${1:-}" = "--format-only" ] && exit 0
git ls-files --cached --others --exclude-standard 'src/*.cc' |
  xargs -P "$(nproc)" -n 8 clang-tidy -p build/release --quiet \
    --extra-arg=-Wno-unknown-warning-option 2>/dev/null
echo "lint: clang-tidy clean"
