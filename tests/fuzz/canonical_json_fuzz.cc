// Fuzz target: RFC 8785 canonicalization is idempotent. Any bytes nlohmann parses as JSON
// either fail canonicalization with a Status, or canonicalize to text that parses again and
// canonicalizes to exactly the same bytes, through both object representations.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "ledger/canonical_json.h"

namespace {

template <typename Json>
void CheckIdempotent(std::string_view input) {
  const Json v = Json::parse(input, nullptr, /*allow_exceptions=*/false);
  if (v.is_discarded()) return;
  auto once = battrace::ledger::CanonicalJson(v);
  if (!once.ok()) return;
  const Json again = Json::parse(*once, nullptr, /*allow_exceptions=*/false);
  if (again.is_discarded()) std::abort();
  auto twice = battrace::ledger::CanonicalJson(again);
  if (!twice.ok() || *twice != *once) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  CheckIdempotent<nlohmann::json>(input);
  CheckIdempotent<nlohmann::ordered_json>(input);
  return 0;
}
