// An in-memory node store: the reference NodeReader for tests of the ledger and of the layers
// above it, and a model of what a real store keeps (one hash per (level, index)).
#pragma once

#include <span>
#include <vector>

#include "ledger/merkle.h"

namespace battrace::ledger {

class MemoryNodeStore : public NodeReader {
 public:
  // Stores the nodes (as produced by Frontier::Append); a node stored twice is overwritten.
  void Put(std::span<const Node> nodes);

  Status GetNodes(std::span<const NodeId> ids, std::span<Hash> out) override;

  // Number of GetNodes calls so far (tests check that proofs read in one batch).
  int reads() const { return reads_; }

 private:
  std::vector<std::vector<Hash>> levels_;  // levels_[l][i] = node (l, i)
  std::vector<std::vector<bool>> present_;
  int reads_ = 0;
};

}  // namespace battrace::ledger
