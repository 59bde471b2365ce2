// Registry changes as leaves of the ledger (docs/ledger-format.md, "Registry leaves").
//
// A change of an enterprise or regulator record is appended like a report, in a write
// transaction, as a leaf of type "registry.enterprise" or "registry.regulator" filed by the
// platform's pseudo-reporter "platform" (not a USCC, so no enterprise can file under it), with
// the date the record takes effect as `occurred`. The transaction keeps each key's versions, so
// reports are judged against the registry as it stood on their date (domain/registry_history.h)
// and the registry of any past day is provable leaf by leaf.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "core/status.h"
#include "domain/registry.h"
#include "store/store.h"

namespace battrace::store {

// The reporter of registry leaves.
inline constexpr std::string_view kPlatformReporter = "platform";

// The value of the member `receipt` of a leaf whose `reported` an operator supplied
// (`import --replay`) instead of the platform's clock (docs/ledger-format.md, "Replayed receipt
// times"); a leaf without the member has the platform's time.
inline constexpr std::string_view kReplayedReceipt = "replayed";

// The store's row for a registry record: its kind, key, division and stored form.
RegistryRow ToRegistryRow(const RegistryRecord& record);

// Whether a leaf of `type` is a registry change ("registry.enterprise", "registry.regulator").
bool IsRegistryLeafType(std::string_view type);

// One registry change to record.
struct RegistryChange {
  RegistryRow row;
  Date effective;         // the first day the record holds
  Instant reported = 0;   // when the platform recorded it
  bool replayed = false;  // `reported` was supplied by an operator: the leaf carries the marker
  // The leaf's id when replaying a stored leaf; empty for a new change, which is numbered
  // "<kind>/<key>/<n>", n the key's n-th version in the ledger.
  std::string id;
};

// The leaf of a change whose id is set: RFC 8785 canonical JSON of {"id", "occurred" (the
// effective date), "record", "reported", "reporter": "platform", "type"} and, when replayed,
// "receipt": "replayed", with its hashes (the content hash without `reported` and `receipt`).
Result<LeafInput> RegistryLeaf(const RegistryChange& change);

// A stored registry leaf read back (import --replay, verify --replay). Strict: exactly the
// members above (`receipt` optional), a valid record whose kind matches the type, a valid date and
// timestamp.
Result<RegistryChange> ParseRegistryLeaf(std::string_view body);

// What recording a change did.
struct RegistryOutcome {
  AppendOutcome outcome = AppendOutcome::kAccepted;  // kDuplicate: unchanged, nothing appended
  uint64_t leaf_index = 0;   // the new leaf, or the leaf of the version it repeats
  ledger::Hash leaf_hash{};  // zero for an unchanged record
  std::string id;
};

// Records `change` in `txn`. A new change (no id) whose record equals the key's latest version
// in the ledger appends nothing; otherwise it is appended as the next leaf and written
// (WriteTxn::PutRegistry). A replayed leaf (id set) is appended as stored, with Append's
// idempotency: an equal leaf already stored is a duplicate, another one with its id a conflict.
Result<RegistryOutcome> RecordRegistryChange(WriteTxn& txn, const RegistryChange& change);

// Records `rows` as changes effective from `effective`, recorded at `reported`, in one write
// transaction, and commits it (`battrace registry import`). Returns how many were appended (the
// others were unchanged). REQUIRES: the store was opened with its signing key.
Result<size_t> PutRegistry(Store& store, const std::vector<RegistryRow>& rows, Date effective,
                           Instant reported);

}  // namespace battrace::store
