// The audit trail's hash chain, over any Store (the entries are store.h's AuditEntry).
//
// Each entry's hash is SHA-256(previous hash || the entry's fields), the first entry's previous
// hash being all zeros. The fields are serialized unambiguously: seq and at as 8-byte big-endian
// integers (at as two's complement), then principal, action, record, purpose and request_id,
// each as its 8-byte big-endian length and its bytes. An edited entry, or a deleted one other
// than the last, no longer matches the chain; the last entries can be removed unnoticed (the
// chain has no signed head).
#pragma once

#include <cstdint>

#include "core/status.h"
#include "ledger/hash.h"
#include "store/store.h"

namespace battrace::store {

// The hash of entry `e` (its seq and fields; e.hash is not read) after an entry hashed `prev`.
ledger::Hash AuditHash(const ledger::Hash& prev, const AuditEntry& e);

// Walks the whole trail in order and recomputes the chain. Returns the number of entries, or
// kCorruption naming the first bad seq: a missing one (seqs run 1, 2, ... without gaps) or one
// whose stored hash differs from the recomputed one.
Result<uint64_t> VerifyAudit(Store& store);

}  // namespace battrace::store
