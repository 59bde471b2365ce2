// Stage 1 of `battrace import` (the preparing thread): read an NDJSON file in batches through
// ingest::OpenSource (lines + ParseReport) and ingest::Prepare each batch (stored form,
// canonical JSON, hashes). Items/s is reports per second on one core.
//
// Input: the realistic report mix of bench/ingest/ingest_tool.cc, with `reported` times, so it
// is read as `import --replay` reads it. Generate it first, then run:
//   build/h/bench/ingest_tool generate 20000 /tmp/prep.ndjson /tmp/prep-registry.ndjson
//   BATTRACE_PREPARE_INPUT=/tmp/prep.ndjson build/h/bench/prepare_bench
// (the path defaults to /tmp/prep.ndjson). BM_ReadParse is the same without Prepare, so the
// difference of the two is the cost of Prepare.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>

#include "ingest/pipeline.h"
#include "ingest/source.h"

namespace battrace {
namespace {

constexpr size_t kBatch = 20000;  // the importer's default batch

std::string InputPath() {
  const char* env = std::getenv("BATTRACE_PREPARE_INPUT");
  return env != nullptr ? env : "/tmp/prep.ndjson";
}

// Reads the whole input in batches; `prepare` also runs Prepare on each. Returns the reports.
size_t RunStage1(benchmark::State& state, bool prepare) {
  auto source = ingest::OpenSource(InputPath(), ParseOptions{.replay = true});
  if (!source.ok()) {
    state.SkipWithError(source.status().ToString().c_str());
    return 0;
  }
  size_t reports = 0;
  while (true) {
    std::vector<ingest::Item> items = (*source)->Next(kBatch);
    if (items.empty()) break;
    for (const ingest::Item& item : items) {
      if (!item.report.ok()) state.SkipWithError(item.report.status().ToString().c_str());
    }
    if (prepare) {
      std::vector<ingest::Prepared> prepared = ingest::Prepare(items, 0);
      benchmark::DoNotOptimize(prepared.data());
    }
    reports += items.size();
  }
  return reports;
}

void Stage1(benchmark::State& state, bool prepare) {
  size_t reports = 0;
  for (auto _ : state)
    reports += RunStage1(state, prepare);
  state.SetItemsProcessed(static_cast<int64_t>(reports));
}

void BM_ReadParsePrepare(benchmark::State& state) {
  Stage1(state, true);
}
BENCHMARK(BM_ReadParsePrepare)->Unit(benchmark::kMillisecond);

void BM_ReadParse(benchmark::State& state) {
  Stage1(state, false);
}
BENCHMARK(BM_ReadParse)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace battrace

int main(int argc, char** argv) {
  if (!std::filesystem::exists(battrace::InputPath())) {
    std::cerr << "prepare_bench: no input at " << battrace::InputPath()
              << "; generate it with `ingest_tool generate 20000 " << battrace::InputPath()
              << " REGISTRY"
              << "` (or set BATTRACE_PREPARE_INPUT)\n";
    return 2;
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
