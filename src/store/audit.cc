#include "store/audit.h"

#include <string>
#include <string_view>

namespace battrace::store {
namespace {

// Entries read per ListAudit call: bounds memory on a long trail.
constexpr size_t kAuditPage = 1000;

void AppendU64(uint64_t v, std::string* out) {
  for (int shift = 56; shift >= 0; shift -= 8)
    out->push_back(static_cast<char>((v >> shift) & 0xff));
}

void AppendField(std::string_view s, std::string* out) {
  AppendU64(s.size(), out);
  out->append(s);
}

}  // namespace

ledger::Hash AuditHash(const ledger::Hash& prev, const AuditEntry& e) {
  std::string fields;
  fields.reserve(16 + 5 * 8 + e.principal.size() + e.action.size() + e.record.size() +
                 e.purpose.size() + e.request_id.size());
  AppendU64(e.seq, &fields);
  AppendU64(static_cast<uint64_t>(e.at), &fields);
  for (std::string_view s :
       {std::string_view(e.principal), std::string_view(e.action), std::string_view(e.record),
        std::string_view(e.purpose), std::string_view(e.request_id)}) {
    AppendField(s, &fields);
  }
  return ledger::Sha256(
      {std::string_view(reinterpret_cast<const char*>(prev.data()), prev.size()), fields});
}

Result<uint64_t> VerifyAudit(Store& store) {
  ledger::Hash prev{};
  uint64_t seq = 0;
  for (;;) {
    BATTRACE_ASSIGN_OR_RETURN(page, store.ListAudit(seq, kAuditPage));
    for (const AuditEntry& e : page) {
      if (e.seq != seq + 1) {
        return Status::Corruption("audit entry " + std::to_string(seq + 1) +
                                  " is missing: the next stored entry is " + std::to_string(e.seq));
      }
      if (AuditHash(prev, e) != e.hash) {
        return Status::Corruption("audit entry " + std::to_string(e.seq) +
                                  ": its stored hash does not match its fields and the chain "
                                  "before it (the entry or its hash was changed)");
      }
      prev = e.hash;
      seq = e.seq;
    }
    if (page.size() < kAuditPage) return seq;
  }
}

}  // namespace battrace::store
