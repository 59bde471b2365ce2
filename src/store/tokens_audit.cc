#include "store/tokens_audit.h"

#include <algorithm>
#include <cstring>

namespace battrace::store::common {

HashRange HashPrefixRange(std::string_view prefix) {
  HashRange r;
  r.last.fill(0xff);
  const size_t n = std::min(prefix.size(), r.first.size());
  std::memcpy(r.first.data(), prefix.data(), n);
  std::memcpy(r.last.data(), prefix.data(), n);
  return r;
}

TokenCursor TokensStart() {
  TokenCursor c;
  c.created = INT64_MAX;  // later than any token's creation
  return c;
}

void ChainAudit(std::vector<AuditEntry>& entries, AuditHead last) {
  for (AuditEntry& e : entries) {
    e.seq = ++last.seq;
    e.hash = AuditHash(last.hash, e);
    last.hash = e.hash;
  }
}

}  // namespace battrace::store::common
