#include "store/proof_docs.h"

#include "ledger/merkle.h"
#include "ledger/proof_json.h"

namespace battrace::store {
namespace {

Result<uint64_t> CheckpointedSize(Store& store) {
  BATTRACE_ASSIGN_OR_RETURN(latest, store.LatestCheckpoint());
  return latest ? latest->size : 0;
}

}  // namespace

Result<nlohmann::json> InclusionProofDoc(Store& store, uint64_t leaf,
                                         std::optional<uint64_t> tree_size) {
  BATTRACE_ASSIGN_OR_RETURN(checkpointed, CheckpointedSize(store));
  const uint64_t size = tree_size.value_or(checkpointed);
  BATTRACE_ASSIGN_OR_RETURN(current, store.TreeSize());
  if (leaf >= size || size > current) {
    return Status::Invalid("leaf", "proof.range",
                           "leaf " + std::to_string(leaf) + " is not in a tree of size " +
                               std::to_string(size) +
                               (tree_size ? "" : " (the latest checkpoint)") +
                               "; the ledger holds " + std::to_string(current) + " leaves");
  }
  BATTRACE_ASSIGN_OR_RETURN(proof, ledger::InclusionProof(store, leaf, size));
  BATTRACE_ASSIGN_OR_RETURN(leaf_hash, store.GetNode(ledger::NodeId{0, leaf}));
  return ledger::InclusionProofJson(leaf, size, leaf_hash, proof);
}

Result<nlohmann::json> ConsistencyProofDoc(Store& store, uint64_t from,
                                           std::optional<uint64_t> to) {
  BATTRACE_ASSIGN_OR_RETURN(checkpointed, CheckpointedSize(store));
  const uint64_t new_size = to.value_or(checkpointed);
  BATTRACE_ASSIGN_OR_RETURN(current, store.TreeSize());
  if (from > new_size || new_size > current) {
    return Status::Invalid("from", "proof.range",
                           "from must be at most to (" + std::to_string(new_size) +
                               "), and to at most the ledger's size (" + std::to_string(current) +
                               ")");
  }
  BATTRACE_ASSIGN_OR_RETURN(proof, ledger::ConsistencyProof(store, from, new_size));
  return ledger::ConsistencyProofJson(from, new_size, proof);
}

}  // namespace battrace::store
