# Short commands over CMake. Every target installs missing dependencies first.
#   make          release build (build/release)
#   make sanitize the sanitized build (build/sanitize, clang): ASan + UBSan, the unit tests and
#                 the libFuzzer targets
#   make unit     the fast loop: build and run the sanitized unit tests alone
#   make test     build both and run every test: the sanitized unit tests, clang-tidy, the fuzz
#                 targets, then every test of the release build, with a throwaway PostgreSQL
#                 cluster for the PostgreSQL runs (scripts/with-test-pg.sh)
#   make demo     simulate a national data set, load it, print its findings, serve the API
#   make bench    run the benchmarks
#   make fuzz     longer fuzzing runs (FUZZ_SECONDS=300 each unless given)
#   make lint     clang-format and clang-tidy checks
JOBS ?= $(shell nproc)
FUZZ_SECONDS ?= 15
CMAKE_GEN := -G Ninja

.PHONY: all release sanitize-config sanitize unit test test-phases demo bench fuzz lint format deps clean

all: release

deps:
	@scripts/install-deps.sh

release: deps
	@cmake -S . -B build/release $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build build/release -j $(JOBS)

# The sanitized build builds only what it runs (the aggregate target sanitized_tests): no
# binary, no benchmarks.
sanitize-config: deps
	@CXX=clang++ cmake -S . -B build/sanitize $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DBATTRACE_SANITIZE=ON -DBATTRACE_FUZZ_SECONDS=$(FUZZ_SECONDS) >/dev/null

sanitize: sanitize-config
	@cmake --build build/sanitize -j $(JOBS) --target sanitized_tests

unit: sanitize-config
	@cmake --build build/sanitize -j $(JOBS) --target sanitized_tests
	@scripts/with-test-pg.sh bash -c 'cd build/sanitize && ctest -L unit --output-on-failure -j $(JOBS)'

# The test phases run under one PostgreSQL test cluster (BATTRACE_TEST_PG in their environment),
# stopped and removed when they end, pass or fail. `make test-phases` alone runs them without
# one: the PostgreSQL variants (*_pg) are then skipped.
test: release sanitize
	@scripts/with-test-pg.sh $(MAKE) --no-print-directory test-phases

test-phases:
	@echo "== sanitized unit tests (ASan + UBSan)"
	@cd build/sanitize && ctest -L unit --output-on-failure -j $(JOBS)
	@echo "== clang-tidy"
	@cd build/sanitize && ctest -L lint --output-on-failure
	@echo "== fuzz targets (bounded runs)"
	@cd build/sanitize && ctest -L fuzz --output-on-failure -j $(JOBS)
	@echo "== all tests (release)"
	@cd build/release && ctest --output-on-failure -j $(JOBS)

demo: release
	@scripts/demo.sh

bench: release
	@for b in build/release/bench/*_bench; do echo "== $$b"; $$b; done

fuzz:
	@$(MAKE) --no-print-directory sanitize FUZZ_SECONDS=$(if $(filter command line,$(origin FUZZ_SECONDS)),$(FUZZ_SECONDS),300)
	@cd build/sanitize && ctest -L fuzz --output-on-failure -j $(JOBS)

lint: sanitize-config
	@scripts/lint.sh

format:
	@git ls-files '*.cc' '*.h' | xargs clang-format -i

clean:
	rm -rf build
