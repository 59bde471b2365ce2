// MemoryNodeStore: nodes in one vector per level.
#include "ledger/memory_node_store.h"

#include <cassert>
#include <string>

namespace battrace::ledger {

void MemoryNodeStore::Put(std::span<const Node> nodes) {
  for (const Node& n : nodes) {
    const auto level = static_cast<size_t>(n.id.level);
    if (levels_.size() <= level) {
      levels_.resize(level + 1);
      present_.resize(level + 1);
    }
    if (levels_[level].size() <= n.id.index) {
      levels_[level].resize(n.id.index + 1);
      present_[level].resize(n.id.index + 1);
    }
    levels_[level][n.id.index] = n.hash;
    present_[level][n.id.index] = true;
  }
}

Status MemoryNodeStore::GetNodes(std::span<const NodeId> ids, std::span<Hash> out) {
  assert(ids.size() == out.size());
  ++reads_;
  for (size_t i = 0; i < ids.size(); ++i) {
    const auto level = static_cast<size_t>(ids[i].level);
    if (level >= levels_.size() || ids[i].index >= levels_[level].size() ||
        !present_[level][ids[i].index]) {
      return Status::NotFound("no node (" + std::to_string(ids[i].level) + ", " +
                              std::to_string(ids[i].index) + ")");
    }
    out[i] = levels_[level][ids[i].index];
  }
  return Status::Ok();
}

}  // namespace battrace::ledger
