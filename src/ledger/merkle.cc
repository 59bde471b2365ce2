// Merkle tree hashes and proofs from stored complete nodes.
//
// Every subtree the RFC 9162 definitions (MTH, PATH, SUBPROOF) need is a leaf range
// [begin, end) that is either a perfect subtree or the right edge of a tree whose left
// neighbours are all perfect. Such a range is covered by popcount(end - begin) stored nodes,
// largest first, and its MTH is those nodes folded from the right. Proof construction first
// lists the ranges, then fetches every node of every range in a single GetNodes batch.
#include "ledger/merkle.h"

#include <algorithm>
#include <bit>

namespace battrace::ledger {
namespace {

struct LeafRange {
  uint64_t begin;
  uint64_t end;
};

// The largest power of two strictly less than n. REQUIRES: n > 1.
uint64_t SplitPoint(uint64_t n) {
  return std::bit_floor(n - 1);
}

// Appends the ids of the perfect subtrees covering `r`, largest (leftmost) first.
// REQUIRES: r.begin is a multiple of bit_ceil(r.end - r.begin).
void AppendCover(LeafRange r, std::vector<NodeId>* ids) {
  uint64_t offset = r.begin;
  for (uint64_t rest = r.end - r.begin; rest != 0;) {
    const int level = std::bit_width(rest) - 1;
    ids->push_back({level, offset >> level});
    offset += uint64_t{1} << level;
    rest -= uint64_t{1} << level;
  }
}

// MTH of each range, reading all the nodes involved in one batch.
Result<std::vector<Hash>> HashRanges(NodeReader& reader, std::span<const LeafRange> ranges) {
  std::vector<NodeId> ids;
  for (const LeafRange& r : ranges)
    AppendCover(r, &ids);
  std::vector<Hash> nodes(ids.size());
  BATTRACE_RETURN_IF_ERROR(reader.GetNodes(ids, nodes));
  std::vector<Hash> out;
  out.reserve(ranges.size());
  size_t next = 0;
  for (const LeafRange& r : ranges) {
    const size_t count = static_cast<size_t>(std::popcount(r.end - r.begin));
    Hash h = nodes[next + count - 1];
    for (size_t i = count - 1; i-- > 0;)
      h = NodeHash(nodes[next + i], h);
    out.push_back(h);
    next += count;
  }
  return out;
}

bool IsPowerOfTwo(uint64_t n) {
  return std::has_single_bit(n);
}

}  // namespace

Result<Hash> NodeReader::GetNode(NodeId id) {
  Hash out;
  BATTRACE_RETURN_IF_ERROR(GetNodes({&id, 1}, {&out, 1}));
  return out;
}

Result<Frontier> Frontier::Load(NodeReader& reader, uint64_t size) {
  std::vector<NodeId> ids;
  AppendCover({0, size}, &ids);
  std::vector<Hash> hashes(ids.size());
  BATTRACE_RETURN_IF_ERROR(reader.GetNodes(ids, hashes));
  Frontier f;
  f.size_ = size;
  for (size_t i = 0; i < ids.size(); ++i)
    f.roots_[ids[i].level] = hashes[i];
  return f;
}

void Frontier::Append(const Hash& leaf_hash, std::vector<Node>* out) {
  const uint64_t leaf = size_;
  Hash h = leaf_hash;
  int level = 0;
  out->push_back({{0, leaf}, h});
  // Each set low bit of the old size is a perfect subtree of the same size just left of the
  // new one: merge them, like a binary carry.
  while ((size_ >> level) & 1) {
    h = NodeHash(roots_[level], h);
    ++level;
    out->push_back({{level, leaf >> level}, h});
  }
  roots_[level] = h;
  ++size_;
}

Hash Frontier::Root() const {
  if (size_ == 0) return EmptyRootHash();
  int level = std::countr_zero(size_);
  Hash h = roots_[level];
  for (++level; level < 64; ++level) {
    if ((size_ >> level) & 1) h = NodeHash(roots_[level], h);
  }
  return h;
}

Result<Hash> RootAt(NodeReader& reader, uint64_t size) {
  if (size == 0) return EmptyRootHash();
  const LeafRange whole{0, size};
  auto hashes = HashRanges(reader, {&whole, 1});
  if (!hashes.ok()) return hashes.status();
  return hashes->front();
}

Result<std::vector<Hash>> InclusionProof(NodeReader& reader, uint64_t leaf, uint64_t size) {
  if (leaf >= size) {
    return Status::Invalid("leaf_index", "proof.range", "leaf index must be below tree size");
  }
  // PATH(m, D[begin:end]) descends towards the leaf; the sibling of each step is appended
  // after the deeper path, so the siblings collected top-down are reversed.
  std::vector<LeafRange> siblings;
  uint64_t begin = 0;
  uint64_t end = size;
  while (end - begin > 1) {
    const uint64_t mid = begin + SplitPoint(end - begin);
    if (leaf < mid) {
      siblings.push_back({mid, end});
      end = mid;
    } else {
      siblings.push_back({begin, mid});
      begin = mid;
    }
  }
  std::reverse(siblings.begin(), siblings.end());
  return HashRanges(reader, siblings);
}

Result<std::vector<Hash>> ConsistencyProof(NodeReader& reader, uint64_t from, uint64_t to) {
  if (from == 0 || from > to) {
    return Status::Invalid("from", "proof.range", "consistency needs 0 < from <= to");
  }
  // SUBPROOF(m, D[begin:end], b), unrolled; like PATH, outer steps come last in the proof.
  std::vector<LeafRange> parts;
  uint64_t begin = 0;
  uint64_t end = to;
  bool whole_old_tree = true;  // b: D[begin:end] still starts at the old tree's root
  while (from != end) {
    const uint64_t mid = begin + SplitPoint(end - begin);
    if (from <= mid) {
      parts.push_back({mid, end});
      end = mid;
    } else {
      parts.push_back({begin, mid});
      begin = mid;
      whole_old_tree = false;
    }
  }
  if (!whole_old_tree) parts.push_back({begin, end});
  std::reverse(parts.begin(), parts.end());
  return HashRanges(reader, parts);
}

bool VerifyInclusion(uint64_t leaf_index, uint64_t size, const Hash& leaf_hash,
                     std::span<const Hash> proof, const Hash& root) {
  if (leaf_index >= size) return false;
  uint64_t fn = leaf_index;
  uint64_t sn = size - 1;
  Hash r = leaf_hash;
  for (const Hash& p : proof) {
    if (sn == 0) return false;
    if ((fn & 1) || fn == sn) {
      r = NodeHash(p, r);
      while (!(fn & 1) && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      r = NodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn == 0 && r == root;
}

bool VerifyConsistency(uint64_t from, uint64_t to, const Hash& old_root, const Hash& new_root,
                       std::span<const Hash> proof) {
  if (from == 0 || from > to) return false;
  if (from == to) return proof.empty() && old_root == new_root;
  if (proof.empty()) return false;
  // When `from` is a power of two the old root is itself a node of the new tree and the
  // RFC prepends it to the path instead of sending it.
  const bool prepend = IsPowerOfTwo(from);
  const size_t count = proof.size() + (prepend ? 1 : 0);
  auto at = [&](size_t i) -> const Hash& {
    return prepend ? (i == 0 ? old_root : proof[i - 1]) : proof[i];
  };
  uint64_t fn = from - 1;
  uint64_t sn = to - 1;
  while (fn & 1) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash fr = at(0);
  Hash sr = at(0);
  for (size_t i = 1; i < count; ++i) {
    const Hash& c = at(i);
    if (sn == 0) return false;
    if ((fn & 1) || fn == sn) {
      fr = NodeHash(c, fr);
      sr = NodeHash(c, sr);
      while (!(fn & 1) && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      sr = NodeHash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return fr == old_root && sr == new_root && sn == 0;
}

}  // namespace battrace::ledger
