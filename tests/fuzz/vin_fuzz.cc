// Fuzz target for Vin: any byte string goes through Normalize, Check (both strictness levels)
// and Parse, which must keep the invariants of identifier_invariants.h.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/vin.h"
#include "identifier_invariants.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace battrace;
  const std::string_view raw(reinterpret_cast<const char*>(data), size);
  for (const Strictness s : {Strictness::kStrict, Strictness::kLenient}) {
    const Result<Vin> parsed = Vin::Parse(raw, s);
    CheckIdentifierInvariants(raw, Vin::Normalize, Vin::Check(raw, s), parsed.status(),
                              parsed.ok() ? std::string_view(parsed->str()) : std::string_view(),
                              "vin");
  }
  return 0;
}
