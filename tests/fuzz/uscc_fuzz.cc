// Fuzz target for Uscc: any byte string goes through Normalize, Check (both strictness levels)
// and Parse, which must keep the invariants of identifier_invariants.h.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/uscc.h"
#include "identifier_invariants.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace battrace;
  const std::string_view raw(reinterpret_cast<const char*>(data), size);
  for (const Strictness s : {Strictness::kStrict, Strictness::kLenient}) {
    const Result<Uscc> parsed = Uscc::Parse(raw, s);
    CheckIdentifierInvariants(raw, Uscc::Normalize, Uscc::Check(raw, s), parsed.status(),
                              parsed.ok() ? std::string_view(parsed->str()) : std::string_view(),
                              "uscc");
  }
  return 0;
}
