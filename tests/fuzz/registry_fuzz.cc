// Fuzz target: ParseRegistryRecord on arbitrary bytes; every accepted record's stored form must
// parse again and serialize to the same bytes.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "domain/registry.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  auto record = battrace::ParseRegistryRecord(input);
  if (!record.ok()) return 0;
  const std::string stored = battrace::RegistryRecordToJson(*record).dump();
  auto again = battrace::ParseRegistryRecord(stored);
  if (!again.ok() || battrace::RegistryRecordToJson(*again).dump() != stored) std::abort();
  return 0;
}
