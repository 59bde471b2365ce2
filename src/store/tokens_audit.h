// API tokens and the audit chain, as both engines store them.
#pragma once

#include <string_view>
#include <vector>

#include "store/audit.h"

namespace battrace::store::common {

// The hashes that begin with `prefix` (at most 32 bytes) lie in [first, last].
struct HashRange {
  ledger::Hash first{}, last{};
};
HashRange HashPrefixRange(std::string_view prefix);
// The cursor that every token comes after (ListTokens' first page).
TokenCursor TokensStart();

// Continues the audit chain after `last` (all zeros for an empty trail): assigns seq and hash
// to each entry.
void ChainAudit(std::vector<AuditEntry>& entries, AuditHead last);

}  // namespace battrace::store::common
