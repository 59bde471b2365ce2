// What opening a store checks before it reads or migrates: the schema version and the options.
#pragma once

#include <string_view>

#include "store/store.h"

namespace battrace::store::common {

// meta('schema_version') as stored: a decimal number from 1 to 999999999; anything else is
// damage (Corruption naming the value), never a crash.
Result<int> ParseSchemaVersion(std::string_view text);
// Refuses a store whose schema is newer than this binary knows.
Status CheckSchemaVersion(int version);
// The refusal of a store opened read-only whose schema `version` is older than this binary's:
// migrating it would write.
Status OlderSchemaReadOnly(int version);
// Refuses options that contradict each other (read_only with create or a signing key).
Status CheckOpenOptions(const OpenOptions& options);

}  // namespace battrace::store::common
