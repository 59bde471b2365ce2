// The registry as a store loads it: the current records and every version.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "store/tables.h"

namespace battrace::store::common {

// The registry of stored records, given as (kind, key, record JSON), and of their versions,
// given as (kind, key, effective date, leaf, record JSON) in leaf order; a record that cannot be
// read is damage, named by kind and key.
struct StoredRecord {
  std::string kind, key, record;
};
using StoredVersion = tables::StoredVersion;
// The current records (for access, succession and routing at query time) and every version (for
// judging a report against the registry of its date).
struct LoadedRegistry {
  domain::RegistryIndex current;
  domain::RegistryHistory history;
};
Result<LoadedRegistry> BuildRegistry(const std::vector<StoredRecord>& rows,
                                     const std::vector<StoredVersion>& versions);
// The version a transaction adds to `history` for a registry change it writes.
Status AddVersion(domain::RegistryHistory& history, const RegistryRow& row, Date effective,
                  uint64_t leaf);

// The columns of registry_version, as both engines read them.
inline constexpr const char* kRegistryVersionColumns = rows::kColumnsOf<tables::kRegistryVersion>;

}  // namespace battrace::store::common
