// Fuzz target for the aggregate routes' parameter parsers (server/stats.h): a month "YYYY-MM"
// and a level. Neither may crash; a parsed month is the first day of a month, written back as
// the input; a parsed level is one of the three names; a refusal names its field and rule.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "server/stats.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  auto month = battrace::server::ParseMonth(input, "from");
  if (month.ok()) {
    if (month->day() != 1 || month->ToString().substr(0, 7) != input) std::abort();
  } else if (month.status().field() != "from" || month.status().rule() != "query.month") {
    std::abort();
  }
  auto level = battrace::server::ParseLevel(input);
  if (level.ok() != (input == "province" || input == "city" || input == "county")) std::abort();
  if (!level.ok() && level.status().rule() != "query.enum") std::abort();
  return 0;
}
