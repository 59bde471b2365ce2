#include "store/verify.h"

#include <nlohmann/json.hpp>
#include <vector>

#include "ledger/checkpoint.h"
#include "ledger/merkle.h"
#include "store/audit.h"
#include "store/registry_leaf.h"

namespace battrace::store {
namespace {

// The envelope columns must say what the leaf data says. Returns whether the leaf's receipt
// time was supplied by an operator (the member "receipt": "replayed", docs/ledger-format.md).
Result<bool> CheckColumns(const StoredReport& r) {
  const auto body = nlohmann::json::parse(r.body, nullptr, false);
  const auto field = [&](const char* name) -> std::string {
    if (!body.is_object() || !body.contains(name) || !body[name].is_string()) return {};
    return body[name].get<std::string>();
  };
  if (field("reporter") != r.reporter || field("id") != r.id || field("type") != r.type ||
      field("occurred") != r.occurred) {
    return Status::Corruption("leaf " + std::to_string(r.leaf_index) +
                              ": the report's indexed columns (reporter, id, type, occurred) "
                              "differ from its stored content");
  }
  if (!body.contains("receipt")) return false;
  if (field("receipt") != kReplayedReceipt) {
    return Status::Corruption("leaf " + std::to_string(r.leaf_index) +
                              ": its member receipt is not \"" + std::string(kReplayedReceipt) +
                              "\"");
  }
  return true;
}

}  // namespace

Result<VerifyReport> VerifyLedger(Store& store, const std::string& verifier_key) {
  BATTRACE_ASSIGN_OR_RETURN(verifier, ledger::Verifier::Parse(verifier_key));
  BATTRACE_ASSIGN_OR_RETURN(checkpoints, store.ListCheckpoints());
  BATTRACE_ASSIGN_OR_RETURN(size, store.TreeSize());

  VerifyReport report;
  ledger::Frontier frontier;
  std::vector<ledger::Node> nodes;
  size_t next_cp = 0;
  uint64_t good_size = 0;  // the size of the last checkpoint that verified
  std::vector<SignedAuditHead> audit_heads;
  Status failure;

  // Checks every checkpoint whose size the rebuilt tree has reached.
  auto check_checkpoints = [&]() -> Status {
    while (next_cp < checkpoints.size() && checkpoints[next_cp].size <= frontier.size()) {
      const StoredCheckpoint& cp = checkpoints[next_cp];
      if (cp.size != frontier.size()) break;  // handled at the right size
      auto opened = ledger::OpenSignedCheckpoint(cp.note, verifier);
      if (!opened.ok()) {
        return Status::Corruption("checkpoint at size " + std::to_string(cp.size) +
                                  ": signature does not verify: " + opened.status().message());
      }
      if (opened->size != cp.size || opened->origin != store.Origin()) {
        return Status::Corruption("checkpoint at size " + std::to_string(cp.size) +
                                  ": its signed size or origin differs from the stored one");
      }
      if (opened->root != frontier.Root()) {
        return Status::Corruption(
            "checkpoint at size " + std::to_string(cp.size) +
            ": signed root differs from the tree rebuilt from the stored reports: leaves " +
            std::to_string(good_size) + " to " + std::to_string(cp.size - 1) +
            " were reordered, replaced or removed");
      }
      auto audit = AuditHeadOf(*opened);
      if (!audit.ok()) {
        return Status::Corruption("checkpoint at size " + std::to_string(cp.size) + ": " +
                                  audit.status().message());
      }
      if (*audit) audit_heads.push_back({**audit, cp.size});
      good_size = cp.size;
      ++report.checkpoints;
      ++next_cp;
    }
    return Status::Ok();
  };

  BATTRACE_RETURN_IF_ERROR(check_checkpoints());
  BATTRACE_RETURN_IF_ERROR(store.ScanReports(0, [&](const StoredReport& r) {
    const uint64_t expected = frontier.size();
    if (r.leaf_index != expected) {
      failure = Status::Corruption("leaf " + std::to_string(expected) +
                                   " is missing: the next stored report is leaf " +
                                   std::to_string(r.leaf_index));
      return false;
    }
    const ledger::Hash h = ledger::LeafHash(r.body);
    if (h != r.leaf_hash) {
      failure = Status::Corruption("leaf " + std::to_string(r.leaf_index) + " (" + r.reporter +
                                   " / " + r.id + "): stored report does not match its leaf hash");
      return false;
    }
    auto replayed = CheckColumns(r);
    if (!replayed.ok()) {
      failure = replayed.status();
      return false;
    }
    if (*replayed) ++report.replayed;
    nodes.clear();
    frontier.Append(h, &nodes);
    for (const ledger::Node& n : nodes) {
      if (n.id.level == 0 || !store.KeepsLevel(n.id.level)) continue;
      auto stored = store.GetNode(n.id);
      if (!stored.ok() || *stored != n.hash) {
        failure = Status::Corruption("leaf " + std::to_string(r.leaf_index) +
                                     ": stored Merkle node (level " + std::to_string(n.id.level) +
                                     ", index " + std::to_string(n.id.index) +
                                     ") differs from the tree rebuilt from the stored reports");
        return false;
      }
    }
    failure = check_checkpoints();
    if (!failure.ok()) return false;
    ++report.leaves;
    return true;
  }));
  BATTRACE_RETURN_IF_ERROR(failure);
  if (frontier.size() != size) {
    return Status::Corruption("the ledger holds " + std::to_string(frontier.size()) +
                              " consecutive leaves but its size is " + std::to_string(size));
  }
  BATTRACE_RETURN_IF_ERROR(store.CheckReportKeys());
  if (next_cp < checkpoints.size()) {
    const StoredCheckpoint& cp = checkpoints[next_cp];
    return Status::Corruption("checkpoint at size " + std::to_string(cp.size) +
                              " does not match the ledger of " + std::to_string(size) +
                              " leaves (leaves missing at the end, or a checkpoint forged)");
  }
  BATTRACE_ASSIGN_OR_RETURN(audit_entries, VerifyAudit(store, std::move(audit_heads)));
  report.audit_entries = audit_entries;
  return report;
}

Status VerifyExtends(Store& store, const ledger::Verifier& verifier, std::string_view note) {
  BATTRACE_ASSIGN_OR_RETURN(kept, ledger::OpenSignedCheckpoint(note, verifier));
  BATTRACE_ASSIGN_OR_RETURN(audit, AuditHeadOf(kept));
  const std::string what = "the checkpoint at size " + std::to_string(kept.size);
  if (kept.origin != store.Origin()) {
    return Status::Corruption("another log: " + what + " is of origin '" + kept.origin +
                              "', this store's origin is '" + store.Origin() + "'");
  }
  BATTRACE_ASSIGN_OR_RETURN(size, store.TreeSize());
  if (size < kept.size) {
    return Status::Corruption("rolled back: the store has " + std::to_string(size) +
                              " leaves, fewer than the " + std::to_string(kept.size) + " of " +
                              what + " (leaves " + std::to_string(size) + " to " +
                              std::to_string(kept.size - 1) + " are gone)");
  }
  BATTRACE_ASSIGN_OR_RETURN(root, ledger::RootAt(store, size));
  bool consistent = false;
  if (kept.size == 0) {
    consistent = kept.root == ledger::EmptyRootHash();  // every tree extends the empty one
  } else {
    BATTRACE_ASSIGN_OR_RETURN(proof, ledger::ConsistencyProof(store, kept.size, size));
    consistent = ledger::VerifyConsistency(kept.size, size, kept.root, root, proof);
  }
  if (!consistent) {
    return Status::Corruption(
        "forked: the store's tree at size " + std::to_string(kept.size) + " is not the one " +
        what + " signed: its root differs (a " + "consistency proof from size " +
        std::to_string(kept.size) + " to the store's " + std::to_string(size) +
        " does not verify); leaves before " + std::to_string(kept.size) + " were replaced");
  }
  if (audit) return CheckAuditHead(store, *audit, what);
  return Status::Ok();
}

}  // namespace battrace::store
