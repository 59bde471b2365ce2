#include "store/audit.h"

#include <algorithm>
#include <string>
#include <string_view>

namespace battrace::store {
namespace {

// Entries read per ListAudit call: bounds memory on a long trail.
constexpr size_t kAuditPage = 1000;

constexpr std::string_view kAuditLinePrefix = "audit ";

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

std::string AuditHeadLine(const AuditHead& head) {
  return std::string(kAuditLinePrefix) + std::to_string(head.seq) + " " +
         ledger::HashToBase64(head.hash);
}

Result<std::optional<AuditHead>> AuditHeadOf(const ledger::Checkpoint& checkpoint) {
  const auto bad = [](const std::string& message) {
    return Status::Invalid("checkpoint", "checkpoint.audit", message);
  };
  std::optional<AuditHead> out;
  for (const std::string& line : checkpoint.extensions) {
    if (!line.starts_with(kAuditLinePrefix)) continue;
    if (out) return bad("more than one audit line");
    const std::string_view rest = std::string_view(line).substr(kAuditLinePrefix.size());
    const size_t space = rest.find(' ');
    const std::string_view seq = rest.substr(0, space);
    if (space == std::string_view::npos || seq.empty() || seq.size() > 19 || seq[0] == '0' ||
        !std::all_of(seq.begin(), seq.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return bad("the audit line is not 'audit <seq> <base64 hash>': " + line);
    }
    auto hash = ledger::HashFromBase64(rest.substr(space + 1), "checkpoint.audit");
    if (!hash.ok()) return bad("the audit line's hash is not the base64 of 32 bytes: " + line);
    out = AuditHead{std::stoull(std::string(seq)), *hash};
  }
  return out;
}

Result<uint64_t> VerifyAudit(Store& store, std::vector<SignedAuditHead> signed_heads) {
  std::sort(
      signed_heads.begin(), signed_heads.end(),
      [](const SignedAuditHead& a, const SignedAuditHead& b) { return a.head.seq < b.head.seq; });
  auto next_head = signed_heads.begin();
  uint64_t verified_seq = 0;  // the last seq a signed head confirmed
  ledger::Hash prev{};
  uint64_t seq = 0;
  for (;;) {
    BATTRACE_ASSIGN_OR_RETURN(page, store.ListAudit({.from = seq, .limit = kAuditPage}));
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
      for (; next_head != signed_heads.end() && next_head->head.seq == e.seq; ++next_head) {
        if (next_head->head.hash != e.hash) {
          return Status::Corruption(
              "audit entry " + std::to_string(e.seq) + ": its hash differs from the one the " +
              "checkpoint at tree size " + std::to_string(next_head->checkpoint_size) +
              " signed: an entry from " + std::to_string(verified_seq + 1) + " to " +
              std::to_string(e.seq) + " was changed and the chain recomputed");
        }
        verified_seq = e.seq;
      }
      prev = e.hash;
      seq = e.seq;
    }
    if (page.size() < kAuditPage) break;
  }
  if (next_head != signed_heads.end()) {
    const SignedAuditHead& last = signed_heads.back();
    return Status::Corruption("audit entry " + std::to_string(seq + 1) + " is missing: the " +
                              "checkpoint at tree size " + std::to_string(last.checkpoint_size) +
                              " signed an audit trail of " + std::to_string(last.head.seq) +
                              " entries, the store holds " + std::to_string(seq) +
                              " (entries were deleted at its end)");
  }
  return seq;
}

Status CheckAuditHead(Store& store, const AuditHead& head, const std::string& signed_by) {
  BATTRACE_ASSIGN_OR_RETURN(entries, store.ListAudit({.from = head.seq - 1, .limit = 1}));
  if (entries.empty() || entries.front().seq != head.seq) {
    return Status::Corruption("audit entry " + std::to_string(head.seq) +
                              " is missing: " + signed_by + " signed an audit trail of " +
                              std::to_string(head.seq) + " entries");
  }
  if (entries.front().hash != head.hash) {
    return Status::Corruption("audit entry " + std::to_string(head.seq) +
                              ": its hash differs from the one " + signed_by +
                              " signed (an entry up to it was changed and the chain recomputed)");
  }
  return Status::Ok();
}

}  // namespace battrace::store
