# Short commands over CMake. Every target installs missing dependencies first.
#   make          release build (build/release)
#   make debug    AddressSanitizer + UBSan build (build/debug)
#   make test     build everything and run every test (release, sanitized unit tests, fuzz), with
#                 a throwaway PostgreSQL cluster for the PostgreSQL runs (scripts/with-test-pg.sh)
#   make demo     simulate a national data set, load it, print its findings, serve the API
#   make bench    run the benchmarks
#   make fuzz     longer fuzzing runs (FUZZ_SECONDS=300 each unless given)
#   make lint     clang-format and clang-tidy checks
JOBS ?= $(shell nproc)
FUZZ_SECONDS ?= 15
CMAKE_GEN := -G Ninja

.PHONY: all release debug fuzz-build test test-phases demo bench fuzz lint format deps clean

all: release

deps:
	@scripts/install-deps.sh

release: deps
	@cmake -S . -B build/release $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build build/release -j $(JOBS)

debug: deps
	@cmake -S . -B build/debug $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Debug -DBATTRACE_SANITIZE=ON \
	  -DCMAKE_CXX_FLAGS_DEBUG="-g -O1" >/dev/null
	@cmake --build build/debug -j $(JOBS)

fuzz-build: deps
	@CXX=clang++ cmake -S . -B build/fuzz $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DBATTRACE_FUZZ=ON -DBATTRACE_FUZZ_SECONDS=$(FUZZ_SECONDS) >/dev/null
	@cmake --build build/fuzz -j $(JOBS)

# The test phases run under one PostgreSQL test cluster (BATTRACE_TEST_PG in their environment),
# stopped and removed when they end, pass or fail. `make test-phases` alone runs them without
# one: the PostgreSQL variants (*_pg) are then skipped.
test: release debug fuzz-build
	@scripts/with-test-pg.sh $(MAKE) --no-print-directory test-phases

test-phases:
	@echo "== sanitized unit tests (ASan + UBSan)"
	@cd build/debug && ctest -L unit --output-on-failure -j $(JOBS)
	@echo "== fuzz targets (bounded runs)"
	@cd build/fuzz && ctest -L fuzz --output-on-failure -j $(JOBS)
	@echo "== all tests (release)"
	@cd build/release && ctest --output-on-failure -j $(JOBS)

demo: release
	@scripts/demo.sh

bench: release
	@for b in build/release/bench/*_bench; do echo "== $$b"; $$b; done

fuzz:
	@$(MAKE) --no-print-directory fuzz-build FUZZ_SECONDS=$(if $(filter command line,$(origin FUZZ_SECONDS)),$(FUZZ_SECONDS),300)
	@cd build/fuzz && ctest -L fuzz --output-on-failure -j $(JOBS)

lint: release
	@scripts/lint.sh

format:
	@git ls-files '*.cc' '*.h' | xargs clang-format -i

clean:
	rm -rf build
