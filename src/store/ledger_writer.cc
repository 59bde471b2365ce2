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

namespace common {

LastCheckpoint LastCheckpoint::Of(const std::optional<StoredCheckpoint>& checkpoint) {
  LastCheckpoint last;
  if (!checkpoint) return last;
  last.size = checkpoint->size;
  last.time = checkpoint->created;
  // The body ends at the note's last blank line (ledger-format.md, 4.2).
  const size_t blank = checkpoint->note.rfind("\n\n");
  if (blank == std::string::npos) return last;
  auto body =
      ledger::Checkpoint::ParseBody(std::string_view(checkpoint->note).substr(0, blank + 1));
  if (!body.ok()) return last;
  auto audit = AuditHeadOf(*body);
  if (audit.ok()) last.audit = *audit;
  return last;
}

bool LastCheckpoint::Behind(uint64_t tree_size, const std::optional<AuditHead>& head) const {
  return tree_size != size || head != audit;
}

bool CheckpointDue(const CheckpointPolicy& policy, const LastCheckpoint& last, uint64_t size,
                   const std::optional<AuditHead>& audit, Instant now) {
  return last.Behind(size, audit) && (size - last.size >= policy.every_leaves ||
                                      now - last.time >= policy.every_seconds * 1000000);
}

Result<StoredCheckpoint> SignedCheckpoint(const std::string& origin,
                                          const ledger::Frontier& frontier,
                                          const std::optional<AuditHead>& audit,
                                          const ledger::SigningKey& key, Instant now) {
  ledger::Checkpoint cp;
  cp.origin = origin;
  cp.size = frontier.size();
  cp.root = frontier.Root();
  if (audit) cp.extensions.push_back(AuditHeadLine(*audit));
  BATTRACE_ASSIGN_OR_RETURN(note, ledger::SignNote(cp.Body(), key));
  return StoredCheckpoint{cp.size, now, std::move(note)};
}

Result<std::string> NoteWithSignatures(std::string_view note, std::string_view lines) {
  const std::string joined = std::string(note) + std::string(lines);
  BATTRACE_ASSIGN_OR_RETURN(parts, ledger::SplitNote(joined));
  std::string out(parts.text);
  out.push_back('\n');
  std::vector<std::pair<std::string_view, uint32_t>> signers;
  for (const ledger::NoteSignature& sig : parts.signatures) {
    const std::pair<std::string_view, uint32_t> signer(sig.name, sig.key_id);
    if (std::find(signers.begin(), signers.end(), signer) != signers.end()) continue;
    signers.push_back(signer);
    out.append(sig.line).push_back('\n');
  }
  return out;
}

}  // namespace common
}  // namespace battrace::store
