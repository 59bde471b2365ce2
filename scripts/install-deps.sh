#!/usr/bin/env bash
# Installs what battrace needs on Debian 12, skipping what is present. Idempotent and
# non-interactive; run as root (or with sudo available). Called by every make target.
set -euo pipefail
cd "$(dirname "$0")/.."

# Build, run and test dependencies: one Debian package per purpose (docs/architecture.md).
PACKAGES=(
  build-essential cmake ninja-build pkg-config git python3   # toolchain and generators
  clang libclang-rt-14-dev clang-format clang-tidy            # libFuzzer, sanitizers, lint
  libgtest-dev libbenchmark-dev libre2-dev                    # tests; RE2 is the bench baseline
  nlohmann-json3-dev libsimdjson-dev libcli11-dev             # JSON, fast ingest JSON, CLI
  libsqlite3-dev sqlite3 libsodium-dev libssl-dev             # embedded store, crypto
  libpq-dev postgresql-15                                     # PostgreSQL engine; its test cluster
  libzstd-dev zstd                                            # stored report bodies (zstd, trained dictionaries); the tests' own decoder
  time                                                        # peak RSS in benchmarks
  libboost1.81-dev                                            # HTTP server of `battrace serve` and the witness client of `serve --witness` (Asio, Beast)
  wrk python3-yaml openssl                                    # API load benchmark; API spec test; TLS test certificates
  python3-jsonschema                                          # the EU passport against the Battery Pass schemas
  chromium fonts-wqy-microhei                                 # the pages' browser tests (CJK glyphs)
  libqrencode-dev libpng-dev zbar-tools                       # QR labels (SVG, PNG); decoding them back in tests
  libxml2-dev                                                  # EPCIS XML binding: parser and XSD validator
  libfmt-dev                                                   # messages built with a formatter (domain)
)
# npm fetches the data packages (division list) and the pages' modules (web/); a machine may
# already carry its own Node.js.
command -v npm >/dev/null 2>&1 || PACKAGES+=(nodejs npm)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "install-deps: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi

# npm packages, pinned by their lock files: the division list; the pages' vendored modules
# (ECharts, i18next) and their browser tests' tools (playwright-core, axe-core); the OpenAPI
# linter (@redocly/cli) of the lint_openapi test.
for dir in tools/division-data web tools/openapi-lint; do
  if [ ! -f "$dir/node_modules/.package-lock.json" ] || \
     [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    echo "install-deps: npm ci in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
done
