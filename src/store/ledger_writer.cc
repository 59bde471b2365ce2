#include "store/ledger_writer.h"

#include <utility>

#include "store/node_layout.h"

namespace battrace::store {

LedgerWriter::LedgerWriter(const OpenOptions& options)
    : policy_(options.checkpoints), clock_(options.clock) {}

Status LedgerWriter::LoadKey(const OpenOptions& options) {
  if (!options.key_path) return Status::Ok();
  BATTRACE_ASSIGN_OR_RETURN(key, ledger::SigningKey::FromFile(*options.key_path));
  key_ = std::move(key);
  return Status::Ok();
}

void LedgerWriter::LoadFrontier(ledger::NodeReader& nodes, uint64_t size) {
  auto frontier = ledger::Frontier::Load(nodes, size);
  if (frontier.ok()) {
    frontier_ = std::move(frontier).value();
    frontier_error_ = Status::Ok();
  } else {
    frontier_error_ = Status::Corruption("the ledger's right edge cannot be read (" +
                                         frontier.status().message() + "): run `battrace verify`");
  }
}

Status LedgerWriter::Writable() const {
  if (!key_) {
    return Status::FailedPrecondition("the store was opened without its signing key: cannot write");
  }
  return frontier_error_;
}

Result<bool> LedgerWriter::CatchUp(ledger::NodeReader& nodes, uint64_t size) {
  BATTRACE_RETURN_IF_ERROR(frontier_error_);
  if (size == frontier_.size()) return false;
  auto frontier = ledger::Frontier::Load(nodes, size);
  if (!frontier.ok()) {
    return Status::Corruption("the ledger's right edge cannot be read (" +
                              frontier.status().message() + "): run `battrace verify`");
  }
  frontier_ = std::move(frontier).value();
  return true;
}

Status LedgerWriter::Begin() {
  if (in_txn_) return Status::FailedPrecondition("a write transaction is already open");
  frontier_at_begin_ = frontier_;
  last_at_begin_ = last_;
  in_txn_ = true;
  return Status::Ok();
}

const std::vector<ledger::Node>& LedgerWriter::Append(const ledger::Hash& leaf_hash) {
  new_nodes_.clear();
  kept_nodes_.clear();
  frontier_.Append(leaf_hash, &new_nodes_);
  for (const ledger::Node& n : new_nodes_) {
    if (common::KeepsLevel(n.id.level) && n.id.level != 0) kept_nodes_.push_back(n);
  }
  return kept_nodes_;
}

bool LedgerWriter::CheckpointDue(const std::optional<AuditHead>& audit) const {
  return common::CheckpointDue(policy_, last_, frontier_.size(), audit, clock_->Now());
}

Result<StoredCheckpoint> LedgerWriter::Sign(
    const std::string& origin, const std::optional<AuditHead>& audit,
    const std::function<Status(const StoredCheckpoint&)>& store) {
  BATTRACE_ASSIGN_OR_RETURN(
      out, common::SignedCheckpoint(origin, frontier_, audit, *key_, clock_->Now()));
  BATTRACE_RETURN_IF_ERROR(store(out));
  last_ = {out.size, audit, out.created};
  return out;
}

void LedgerWriter::RolledBack() {
  if (!in_txn_) return;
  frontier_ = frontier_at_begin_;
  last_ = last_at_begin_;
  in_txn_ = false;
}

}  // namespace battrace::store
