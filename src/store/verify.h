// Whole-store verification over any Store: recomputes every leaf hash from the stored report,
// rebuilds the Merkle tree, compares it with the stored nodes and with every signed checkpoint,
// checks each checkpoint's signature, and recomputes the audit trail's hash chain
// (store/audit.h). Used by `battrace verify` and by the tamper tests.
#pragma once

#include <cstdint>
#include <string>

#include "core/status.h"
#include "store/store.h"

namespace battrace::store {

struct VerifyReport {
  uint64_t leaves = 0;
  uint64_t checkpoints = 0;
  uint64_t audit_entries = 0;
};

// OK when every check holds; otherwise kCorruption naming the first bad leaf, checkpoint or
// audit entry.
// `verifier_key` is the note verifier key text ("name+keyid+base64key").
Result<VerifyReport> VerifyLedger(Store& store, const std::string& verifier_key);

}  // namespace battrace::store
