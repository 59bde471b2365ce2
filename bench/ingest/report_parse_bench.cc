// Report parse throughput on the ingest hot path: ParseReport on typical reports (a pack's
// digital ID of about 500 bytes, an outbound of 4 packs), a 1,000-code outbound, and the
// NDJSON reader over a 10,000-line file. Items/s is reports per second on one core.
#include <benchmark/benchmark.h>

#include <string>

#include "../../tests/unit/domain/report_fixtures.h"
#include "domain/report.h"
#include "ingest/ndjson_reader.h"

namespace battrace {
namespace {

void ParseOne(benchmark::State& state, const std::string& text) {
  for (auto _ : state) {
    auto r = ParseReport(text, {});
    if (!r.ok()) state.SkipWithError(r.status().ToString().c_str());
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(text.size()));
  state.counters["bytes_per_report"] = static_cast<double>(text.size());
}

void BM_ParseBatteryProduced(benchmark::State& state) {
  nlohmann::json j = testing::ValidReport(ReportType::kBatteryProduced);
  j["origin_codes"] = {testing::kPack3, testing::kPack4};
  ParseOne(state, j.dump());
}
BENCHMARK(BM_ParseBatteryProduced);

void BM_ParseBatteryOutbound(benchmark::State& state) {
  ParseOne(state, testing::ValidReport(ReportType::kBatteryOutbound).dump());
}
BENCHMARK(BM_ParseBatteryOutbound);

void BM_ParseVehicleProduced(benchmark::State& state) {
  ParseOne(state, testing::ValidReport(ReportType::kVehicleProduced).dump());
}
BENCHMARK(BM_ParseVehicleProduced);

void BM_ParseOutbound1000Codes(benchmark::State& state) {
  nlohmann::json j = testing::ValidReport(ReportType::kBatteryOutbound);
  j["codes"] = nlohmann::json::array();
  for (int i = 0; i < 1000; ++i)
    j["codes"].push_back(testing::PackWithSerial(i));
  ParseOne(state, j.dump());
}
BENCHMARK(BM_ParseOutbound1000Codes);

void BM_NdjsonReader10k(benchmark::State& state) {
  std::string file;
  for (int i = 0; i < 10000; ++i) {
    nlohmann::json j = testing::ValidReport(ReportType::kBatteryOutbound);
    j["id"] = "r-" + std::to_string(i);
    file += j.dump() + "\n";
  }
  for (auto _ : state) {
    ingest::NdjsonReader reader(std::string_view(file), ParseOptions{});
    size_t ok = 0;
    while (auto rec = reader.Next())
      ok += rec->report.ok();
    if (ok != 10000) state.SkipWithError("a line failed");
  }
  state.SetItemsProcessed(state.iterations() * 10000);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(file.size()));
}
BENCHMARK(BM_NdjsonReader10k);

}  // namespace
}  // namespace battrace

BENCHMARK_MAIN();
