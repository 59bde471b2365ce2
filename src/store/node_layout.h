// How the Merkle tree's nodes are kept in the merkle_node table, the same on both engines
// (docs/ledger-format.md): which levels are stored, their keys, and the folding of a kept level
// into the nodes between.
#pragma once

#include <cstdint>
#include <vector>

#include "ledger/merkle.h"

namespace battrace::store::common {

// merkle_node rows hold the complete subtrees of every kNodeStride-th level (4, 8, 12, ...),
// keyed by level and index; level 0 is the report's leaf_hash; the levels between are
// computed on demand from at most 2^(kNodeStride-1) hashes of the kept level below. Keeping one
// level in four costs about 1/15 of a row per leaf instead of one.
constexpr int kNodeStride = 4;
inline bool KeepsLevel(int level) {
  return level % kNodeStride == 0;
}
int64_t NodeKey(int level, uint64_t index);

// The kept level under `id` and the range of its indexes that make up the node.
struct NodeSpan {
  int base = 0;  // the kept level
  uint64_t first = 0, count = 0;
};
NodeSpan SpanOf(const ledger::NodeId& id);
// Folds the kept level's hashes under `id` (as read for SpanOf(id)) into the node's hash.
Result<ledger::Hash> FoldNode(const ledger::NodeId& id, std::vector<ledger::Hash> hashes);

}  // namespace battrace::store::common
