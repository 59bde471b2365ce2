// The ledger state of a writing store, the same above both engines: the tree's right edge (the
// frontier) and its copy at the start of a write transaction, the signing key, the clock that
// dates checkpoints, the last checkpoint signed and the policy that says when the next is due.
// An engine keeps the SQL: it stores the leaves and the nodes LedgerWriter hands it, and the
// checkpoints it signs.
//
// A write transaction on an engine goes:
//   writer.Writable()                      refuse early: no key, or a damaged right edge
//   BEGIN (the engine's write lock); writer.CatchUp(nodes, stored size) when another process may
//     have appended (reload the latest checkpoint when it says so); writer.Begin()
//   per leaf: writer.next_leaf(); insert the report; for each node of writer.Append(leaf_hash):
//     insert (node_layout.h NodeKey, hash)
//   Commit: if writer.CheckpointDue(audit head): writer.Sign(origin, audit head, insert);
//     COMMIT; on success writer.Committed()
//   otherwise (rollback, a failed COMMIT, the transaction destroyed): ROLLBACK;
//     writer.RolledBack() restores the frontier and the last checkpoint.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/date.h"
#include "core/status.h"
#include "ledger/merkle.h"
#include "ledger/signing_key.h"
#include "store/audit.h"
#include "store/store.h"

namespace battrace::store {
namespace common {

// What the latest signed checkpoint says, as a writer keeps it to decide when the next is due.
struct LastCheckpoint {
  uint64_t size = 0;
  std::optional<AuditHead> audit;  // the audit head it commits to, if any
  Instant time = 0;

  // Of the latest stored checkpoint (none: an empty store), read without verifying its
  // signature: only the writer that signed it asks.
  static LastCheckpoint Of(const std::optional<StoredCheckpoint>& checkpoint);
  // Whether a checkpoint of the tree of `size` and the audit trail ending at `audit` would say
  // something this one does not: the tree or the audit trail grew.
  bool Behind(uint64_t size, const std::optional<AuditHead>& audit) const;
};

// Whether a commit that leaves the tree at `size` and the audit trail at `audit` signs a
// checkpoint: the tree or the audit trail grew since `last`, and the policy's count of leaves
// or its time has come (CheckpointPolicy).
bool CheckpointDue(const CheckpointPolicy& policy, const LastCheckpoint& last, uint64_t size,
                   const std::optional<AuditHead>& audit, Instant now);
// A signed checkpoint of the tree `frontier` ends, with the extension line of the audit head
// (store/audit.h) when the trail is not empty, created at `now`.
Result<StoredCheckpoint> SignedCheckpoint(const std::string& origin,
                                          const ledger::Frontier& frontier,
                                          const std::optional<AuditHead>& audit,
                                          const ledger::SigningKey& key, Instant now);

// The meta row that pins the store's verifier key (docs/data-model.md, meta).
inline constexpr const char* kVerifierKeyMeta = "verifier_key";
// The note `note` with the signature lines `lines` appended, less those by a key (name and
// key id) that signed it already (Store::AddCheckpointSignatures).
Result<std::string> NoteWithSignatures(std::string_view note, std::string_view lines);

}  // namespace common

class LedgerWriter {
 public:
  // Keeps the options' checkpoint policy and clock (which must outlive the writer).
  explicit LedgerWriter(const OpenOptions& options);

  // Reads the signing key that options.key_path names, if any: without one the store reads only.
  Status LoadKey(const OpenOptions& options);
  bool has_key() const { return key_.has_value(); }
  // REQUIRES: has_key().
  const ledger::SigningKey& key() const { return *key_; }

  // At open: the right edge of the stored tree of `size` leaves, read from `nodes` (the store).
  // A damaged edge does not fail the open, so that the store can still be read and verified;
  // Writable() refuses writes with it.
  void LoadFrontier(ledger::NodeReader& nodes, uint64_t size);
  // The latest stored checkpoint (none: an empty store), at open or after CatchUp.
  void SetLastCheckpoint(const std::optional<StoredCheckpoint>& latest) {
    last_ = common::LastCheckpoint::Of(latest);
  }
  // FailedPrecondition without a key; Corruption when the right edge could not be read.
  Status Writable() const;
  // Under the engine's write lock: when the stored tree has `size` leaves and this writer's edge
  // does not, reloads it from `nodes`. True when it did: another process appended, and the
  // latest checkpoint should be read again (SetLastCheckpoint).
  Result<bool> CatchUp(ledger::NodeReader& nodes, uint64_t size);

  // A write transaction: keeps the frontier and the last checkpoint to restore on rollback.
  // FailedPrecondition when one is open already.
  Status Begin();
  bool in_transaction() const { return in_txn_; }
  // The leaf the next appended report becomes: the tree's size.
  uint64_t next_leaf() const { return frontier_.size(); }
  const ledger::Frontier& frontier() const { return frontier_; }
  // Appends a leaf; returns the new nodes the store keeps (node_layout.h: kept levels above the
  // leaves), valid until the next Append.
  const std::vector<ledger::Node>& Append(const ledger::Hash& leaf_hash);
  // Whether a commit leaving the audit trail at `audit` signs a checkpoint (CheckpointDue, now).
  bool CheckpointDue(const std::optional<AuditHead>& audit) const;
  // A checkpoint of the tree as it stands, with `audit`, signed and dated now, and handed to
  // `store` (the engine's insert, inside its open transaction); once stored, it is the last one
  // (a write transaction's rollback forgets it again).
  Result<StoredCheckpoint> Sign(const std::string& origin, const std::optional<AuditHead>& audit,
                                const std::function<Status(const StoredCheckpoint&)>& store);
  // The transaction committed: its leaves and checkpoint stand.
  void Committed() { in_txn_ = false; }
  // The transaction rolled back: the frontier and the last checkpoint are as at Begin.
  void RolledBack();

  // What the latest signed checkpoint says (SignCheckpoint asks whether it is behind).
  const common::LastCheckpoint& last_checkpoint() const { return last_; }
  const Clock& clock() const { return *clock_; }

 private:
  CheckpointPolicy policy_;
  const Clock* clock_;
  std::optional<ledger::SigningKey> key_;
  ledger::Frontier frontier_;
  ledger::Frontier frontier_at_begin_;
  common::LastCheckpoint last_;
  common::LastCheckpoint last_at_begin_;
  bool in_txn_ = false;
  Status frontier_error_;  // set when the stored tree's edge could not be read
  std::vector<ledger::Node> new_nodes_, kept_nodes_;  // scratch for Append
};

}  // namespace battrace::store
