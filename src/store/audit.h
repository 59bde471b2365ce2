// The audit trail's hash chain, over any Store (the entries are store.h's AuditEntry).
//
// Each entry's hash is SHA-256(previous hash || the entry's fields), the first entry's previous
// hash being all zeros. The fields are serialized unambiguously: seq and at as 8-byte big-endian
// integers (at as two's complement), then principal, action, record, purpose and request_id,
// each as its 8-byte big-endian length and its bytes. An edited entry, or a deleted one other
// than the last, no longer matches the chain. The chain's head (its last seq and hash) is
// committed to every signed checkpoint as the extension line "audit <seq> <base64 hash>"
// (docs/ledger-format.md, 4.1), so that an entry edited and rechained, or the newest entries
// deleted, no longer match a signed head.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "ledger/checkpoint.h"
#include "ledger/hash.h"
#include "store/store.h"

namespace battrace::store {

// The hash of entry `e` (its seq and fields; e.hash is not read) after an entry hashed `prev`.
ledger::Hash AuditHash(const ledger::Hash& prev, const AuditEntry& e);

// The head of the audit chain: its last entry's seq and hash.
struct AuditHead {
  uint64_t seq = 0;
  ledger::Hash hash{};
  friend bool operator==(const AuditHead&, const AuditHead&) = default;
};

// The checkpoint extension line committing to `head`: "audit <seq> <base64 hash>".
std::string AuditHeadLine(const AuditHead& head);
// The audit head a checkpoint's extension lines commit to; nullopt when none is an audit line
// (the trail was empty when it was signed, or it predates audit lines). Errors (rule
// "checkpoint.audit"): an audit line that is malformed (seq not a positive decimal without
// leading zeros, hash not the base64 of 32 bytes) or not the only one.
Result<std::optional<AuditHead>> AuditHeadOf(const ledger::Checkpoint& checkpoint);

// An audit head as a signed checkpoint carries it, with the tree size of that checkpoint.
struct SignedAuditHead {
  AuditHead head;
  uint64_t checkpoint_size = 0;
};

// Walks the whole trail in order and recomputes the chain. Returns the number of entries, or
// kCorruption naming the first bad seq: a missing one (seqs run 1, 2, ... without gaps), one
// whose stored hash differs from the recomputed one, one whose hash differs from the head a
// checkpoint of `signed_heads` signed (an entry up to it was edited and the chain recomputed),
// or one a signed head covers that the trail no longer holds (entries deleted at its end).
Result<uint64_t> VerifyAudit(Store& store, std::vector<SignedAuditHead> signed_heads = {});

// Whether the trail holds the entry `head` names, with that hash; kCorruption otherwise.
Status CheckAuditHead(Store& store, const AuditHead& head, const std::string& signed_by);

}  // namespace battrace::store
