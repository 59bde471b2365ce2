// The ledger's Merkle tree (RFC 9162 section 2.1) over stored nodes, never loaded whole.
//
// Nodes are addressed by (level, index). Level 0 holds the leaf hashes; node (l, i) is the root
// of the perfect subtree over leaves [i * 2^l, (i + 1) * 2^l). A node exists once all its
// leaves do and never changes. The store layer implements NodeReader over its tables and does
// not keep every node: it keeps the leaves and one level in four (4, 8, 12, ...), and computes
// a node of another level from at most 8 hashes of the kept level below (Store::KeepsLevel).
// Frontier yields every node an append completes without reading anything, and the store keeps
// those of its levels; RootAt, InclusionProof and ConsistencyProof read O(log n) nodes in one
// batch. The verification functions need no storage at all.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "core/status.h"
#include "ledger/hash.h"

namespace battrace::ledger {

// The address of a stored node: level 0 is a leaf, level l covers 2^l leaves.
struct NodeId {
  int level = 0;
  uint64_t index = 0;
  friend bool operator==(const NodeId&, const NodeId&) = default;
};

struct Node {
  NodeId id;
  Hash hash;
};

// Read access to the stored nodes of one tree.
class NodeReader {
 public:
  virtual ~NodeReader() = default;

  // Fills out[i] with the hash of node ids[i], for every i, typically in one query.
  // Returns NotFound if a node is not stored (a size beyond the stored tree), or another
  // error of the underlying store.
  // REQUIRES: out.size() == ids.size().
  virtual Status GetNodes(std::span<const NodeId> ids, std::span<Hash> out) = 0;

  // The hash of one node (a batch of one).
  Result<Hash> GetNode(NodeId id);
};

// The roots of the perfect subtrees that make up a tree of size n (one per set bit of n):
// all that is needed to append leaves and to compute the current root without reading.
class Frontier {
 public:
  // The frontier of the empty tree.
  Frontier() = default;

  // Reads the frontier of the tree of size `size` (popcount(size) nodes, one batch).
  static Result<Frontier> Load(NodeReader& reader, uint64_t size);

  // Appends leaf number size() and adds to *out the nodes it completes: the leaf itself and
  // every parent it completes, lowest level first. Does not clear *out.
  // REQUIRES: size() < 2^63.
  void Append(const Hash& leaf_hash, std::vector<Node>* out);

  // MTH of the current tree (EmptyRootHash() when empty).
  Hash Root() const;

  uint64_t size() const { return size_; }

 private:
  uint64_t size_ = 0;
  // roots_[l] is the root of the perfect subtree of 2^l leaves iff bit l of size_ is set.
  std::array<Hash, 64> roots_{};
};

// MTH(D[0:size]): the root of the tree of the first `size` leaves, from popcount(size) stored
// nodes. Size 0 gives EmptyRootHash() without reading.
Result<Hash> RootAt(NodeReader& reader, uint64_t size);

// The RFC 9162 inclusion proof (PATH) of leaf `leaf` in the tree of size `size`, leaf
// sibling first.
// REQUIRES: leaf < size (else InvalidArgument).
Result<std::vector<Hash>> InclusionProof(NodeReader& reader, uint64_t leaf, uint64_t size);

// The RFC 9162 consistency proof (PROOF) from the tree of size `from` to the tree of size
// `to`. Empty when from == to.
// REQUIRES: 0 < from <= to (else InvalidArgument).
Result<std::vector<Hash>> ConsistencyProof(NodeReader& reader, uint64_t from, uint64_t to);

// RFC 9162 section 2.1.3.2: true iff `proof` proves that `leaf_hash` is leaf `leaf_index` of
// the tree of size `size` whose root is `root`.
bool VerifyInclusion(uint64_t leaf_index, uint64_t size, const Hash& leaf_hash,
                     std::span<const Hash> proof, const Hash& root);

// RFC 9162 section 2.1.4.2: true iff `proof` proves that the tree of size `from` with root
// `old_root` is a prefix of the tree of size `to` with root `new_root`. For from == to the
// proof must be empty and the roots equal; from == 0 or from > to is never proven.
bool VerifyConsistency(uint64_t from, uint64_t to, const Hash& old_root, const Hash& new_root,
                       std::span<const Hash> proof);

}  // namespace battrace::ledger
