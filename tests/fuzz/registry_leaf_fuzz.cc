// Fuzz target: ParseRegistryLeaf on arbitrary bytes; every accepted leaf must serialize
// (RegistryLeaf) to a leaf that parses back to the same change and the same bytes.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "store/registry_leaf.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  auto change = battrace::store::ParseRegistryLeaf(input);
  if (!change.ok()) return 0;
  auto leaf = battrace::store::RegistryLeaf(*change);
  if (!leaf.ok()) std::abort();
  auto again = battrace::store::ParseRegistryLeaf(leaf->body);
  if (!again.ok() || again->row.record != change->row.record || again->id != change->id ||
      again->effective != change->effective || again->reported != change->reported) {
    std::abort();
  }
  auto twice = battrace::store::RegistryLeaf(*again);
  if (!twice.ok() || twice->body != leaf->body) std::abort();
  return 0;
}
