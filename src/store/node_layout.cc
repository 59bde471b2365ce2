#include "store/node_layout.h"

namespace battrace::store::common {

namespace {

constexpr int kLevelShift = 56;

}  // namespace

int64_t NodeKey(int level, uint64_t index) {
  return static_cast<int64_t>((static_cast<uint64_t>(level) << kLevelShift) | index);
}

NodeSpan SpanOf(const ledger::NodeId& id) {
  const int base = id.level - id.level % kNodeStride;
  const int up = id.level - base;
  return {base, id.index << up, uint64_t{1} << up};
}

Result<ledger::Hash> FoldNode(const ledger::NodeId& id, std::vector<ledger::Hash> hashes) {
  if (hashes.size() != SpanOf(id).count) {
    return Status::NotFound("ledger node (level " + std::to_string(id.level) + ", index " +
                            std::to_string(id.index) + ") is not stored");
  }
  while (hashes.size() > 1) {
    std::vector<ledger::Hash> parents(hashes.size() / 2);
    for (size_t k = 0; k < parents.size(); ++k) {
      parents[k] = ledger::NodeHash(hashes[2 * k], hashes[2 * k + 1]);
    }
    hashes.swap(parents);
  }
  return hashes.front();
}

}  // namespace battrace::store::common
