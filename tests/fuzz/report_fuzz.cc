// Fuzz target: ParseReport on arbitrary bytes, in normal mode (strict codes) and in replay mode
// (lenient codes). Every accepted report's stored form must parse again in replay mode and
// serialize to the same bytes.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "domain/report.h"

namespace {

void CheckRoundTrip(const battrace::Report& report, battrace::Strictness codes) {
  const std::string stored = battrace::ReportToJson(report).dump();
  auto again = battrace::ParseReport(stored, {.replay = true, .codes = codes});
  if (!again.ok() || battrace::ReportToJson(*again).dump() != stored) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  for (const battrace::ParseOptions options :
       {battrace::ParseOptions{},
        battrace::ParseOptions{.replay = true, .codes = battrace::Strictness::kLenient}}) {
    auto report = battrace::ParseReport(input, options);
    if (report.ok()) CheckRoundTrip(*report, options.codes);
  }
  return 0;
}
