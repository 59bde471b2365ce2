// Fuzz target for Division: any byte string goes through Normalize, Check (both strictness
// levels) and Parse, which must keep the invariants of identifier_invariants.h; a parsed
// division must also contain itself and sit inside its province and city.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/division.h"
#include "identifier_invariants.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace battrace;
  const std::string_view raw(reinterpret_cast<const char*>(data), size);
  const Result<Division> parsed = Division::Parse(raw);
  for (const Strictness s : {Strictness::kStrict, Strictness::kLenient}) {
    CheckIdentifierInvariants(raw, Division::Normalize, Division::Check(raw, s), parsed.status(),
                              parsed.ok() ? std::string_view(parsed->code()) : std::string_view(),
                              "division");
  }
  if (parsed.ok()) {
    const Division& d = *parsed;
    if (!d.Contains(d.code()) || !d.code().starts_with(d.prefix())) std::abort();
    if (!Division::Parse(d.province_code()).ok()) std::abort();
    if (!d.province_code().starts_with(d.prefix().substr(0, 2))) std::abort();
  }
  return 0;
}
