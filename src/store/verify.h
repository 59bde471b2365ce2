// Whole-store verification over any Store: recomputes every leaf hash from the stored report,
// rebuilds the Merkle tree, compares it with the stored nodes and with every signed checkpoint,
// checks each checkpoint's signature, recomputes the audit trail's hash chain (store/audit.h)
// and checks it against the audit heads the checkpoints signed. A store rolled back or forked
// with its checkpoints is consistent with itself: VerifyExtends checks it against a signed
// checkpoint kept elsewhere. Used by `battrace verify` and by the tamper tests.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"
#include "ledger/signing_key.h"
#include "store/store.h"

namespace battrace::store {

struct VerifyReport {
  uint64_t leaves = 0;
  uint64_t replayed = 0;  // leaves whose receipt time an operator supplied ("receipt": "replayed")
  uint64_t checkpoints = 0;
  uint64_t audit_entries = 0;
};

// OK when every check holds; otherwise kCorruption naming the first bad leaf, checkpoint or
// audit entry.
// `verifier_key` is the note verifier key text ("name+keyid+base64key").
Result<VerifyReport> VerifyLedger(Store& store, const std::string& verifier_key);

// Whether the store extends the signed checkpoint `note` (one kept from earlier, e.g. by a
// reporter or an auditor): it must open with `verifier` and carry the store's origin, the
// store's tree must have at least its size, a consistency proof from its size to the store's
// size (RFC 9162 2.1.4, computed from the stored nodes) must verify against its root and the
// store's current root, and the audit entry its audit line names must be stored with that
// hash. Errors: kInvalidArgument (rules "note.*", "checkpoint.*") for a note that does not open
// or parse; kCorruption naming what is wrong otherwise ("rolled back", "forked", "another log",
// an audit entry). REQUIRES: the stored nodes were checked against the leaves (VerifyLedger).
Status VerifyExtends(Store& store, const ledger::Verifier& verifier, std::string_view note);

}  // namespace battrace::store
