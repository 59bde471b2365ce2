// The stored-node Merkle tree against a naive recursive implementation of the RFC 9162
// definitions (MTH, PATH, PROOF/SUBPROOF) written here from the RFC text.
#include "ledger/merkle.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "ledger/memory_node_store.h"

namespace battrace::ledger {
namespace {

using Leaves = std::vector<Hash>;  // leaf hashes D[0:n]

uint64_t LargestPowerOfTwoBelow(uint64_t n) {
  uint64_t k = 1;
  while (k * 2 < n)
    k *= 2;
  return k;
}

Hash Mth(const Leaves& d, uint64_t begin, uint64_t end) {
  const uint64_t n = end - begin;
  if (n == 0) return EmptyRootHash();
  if (n == 1) return d[begin];
  const uint64_t k = LargestPowerOfTwoBelow(n);
  return NodeHash(Mth(d, begin, begin + k), Mth(d, begin + k, end));
}

std::vector<Hash> Path(uint64_t m, const Leaves& d, uint64_t begin, uint64_t end) {
  const uint64_t n = end - begin;
  if (n == 1) return {};
  const uint64_t k = LargestPowerOfTwoBelow(n);
  std::vector<Hash> out;
  if (m < k) {
    out = Path(m, d, begin, begin + k);
    out.push_back(Mth(d, begin + k, end));
  } else {
    out = Path(m - k, d, begin + k, end);
    out.push_back(Mth(d, begin, begin + k));
  }
  return out;
}

std::vector<Hash> Subproof(uint64_t m, const Leaves& d, uint64_t begin, uint64_t end, bool b) {
  const uint64_t n = end - begin;
  if (m == n) return b ? std::vector<Hash>{} : std::vector<Hash>{Mth(d, begin, end)};
  const uint64_t k = LargestPowerOfTwoBelow(n);
  std::vector<Hash> out;
  if (m <= k) {
    out = Subproof(m, d, begin, begin + k, b);
    out.push_back(Mth(d, begin + k, end));
  } else {
    out = Subproof(m - k, d, begin + k, end, false);
    out.push_back(Mth(d, begin, begin + k));
  }
  return out;
}

Leaves MakeLeaves(uint64_t n) {
  Leaves d;
  for (uint64_t i = 0; i < n; ++i)
    d.push_back(LeafHash("report " + std::to_string(i)));
  return d;
}

// A store holding the tree of the given leaves, filled through Frontier::Append.
MemoryNodeStore StoreOf(const Leaves& d) {
  MemoryNodeStore store;
  Frontier f;
  std::vector<Node> nodes;
  for (const Hash& h : d)
    f.Append(h, &nodes);
  store.Put(nodes);
  return store;
}

TEST(MerkleTest, HashesFollowRfc9162Prefixes) {
  // SHA-256 of the empty string and of a lone 0x00 byte (the leaf hash of empty data).
  EXPECT_EQ(HashToHex(EmptyRootHash()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(HashToHex(LeafHash("")),
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
  const Hash a = LeafHash("a");
  const Hash b = LeafHash("b");
  EXPECT_NE(NodeHash(a, b), NodeHash(b, a));
}

TEST(MerkleTest, AppendEmitsLeafAndCompletedParents) {
  Frontier f;
  std::vector<Node> nodes;
  const Leaves d = MakeLeaves(8);
  for (int i = 0; i < 7; ++i)
    f.Append(d[i], &nodes);
  nodes.clear();
  f.Append(d[7], &nodes);
  ASSERT_EQ(nodes.size(), 4u);  // leaf 7, then (1,3), (2,1), (3,0)
  EXPECT_EQ(nodes[0].id, (NodeId{0, 7}));
  EXPECT_EQ(nodes[1].id, (NodeId{1, 3}));
  EXPECT_EQ(nodes[2].id, (NodeId{2, 1}));
  EXPECT_EQ(nodes[3].id, (NodeId{3, 0}));
  EXPECT_EQ(nodes[3].hash, Mth(d, 0, 8));
  EXPECT_EQ(f.Root(), Mth(d, 0, 8));
}

TEST(MerkleTest, FrontierRootAndRootAtMatchMthForEverySize) {
  const Leaves d = MakeLeaves(130);
  MemoryNodeStore store = StoreOf(d);
  Frontier f;
  std::vector<Node> scratch;
  EXPECT_EQ(f.Root(), EmptyRootHash());
  for (uint64_t n = 0; n <= d.size(); ++n) {
    const Hash want = Mth(d, 0, n);
    ASSERT_EQ(f.Root(), want) << n;
    auto root = RootAt(store, n);
    ASSERT_TRUE(root.ok()) << n;
    ASSERT_EQ(*root, want) << n;
    auto loaded = Frontier::Load(store, n);
    ASSERT_TRUE(loaded.ok()) << n;
    ASSERT_EQ(loaded->size(), n);
    ASSERT_EQ(loaded->Root(), want) << n;
    if (n < d.size()) f.Append(d[n], &scratch);
  }
}

TEST(MerkleTest, LoadedFrontierContinuesTheSameTree) {
  const Leaves d = MakeLeaves(100);
  MemoryNodeStore store = StoreOf(Leaves(d.begin(), d.begin() + 37));
  auto f = Frontier::Load(store, 37);
  ASSERT_TRUE(f.ok());
  std::vector<Node> nodes;
  for (uint64_t i = 37; i < d.size(); ++i)
    f->Append(d[i], &nodes);
  store.Put(nodes);
  EXPECT_EQ(f->Root(), Mth(d, 0, 100));
  auto root = RootAt(store, 100);
  ASSERT_TRUE(root.ok());
  EXPECT_EQ(*root, Mth(d, 0, 100));
}

TEST(MerkleTest, InclusionProofsMatchPathForEveryLeafAndSize) {
  const Leaves d = MakeLeaves(70);
  MemoryNodeStore store = StoreOf(d);
  for (uint64_t n = 1; n <= d.size(); ++n) {
    const Hash root = Mth(d, 0, n);
    for (uint64_t m = 0; m < n; ++m) {
      const int reads_before = store.reads();
      auto proof = InclusionProof(store, m, n);
      ASSERT_TRUE(proof.ok()) << m << "/" << n;
      ASSERT_EQ(store.reads(), reads_before + 1);
      ASSERT_EQ(*proof, Path(m, d, 0, n)) << m << "/" << n;
      ASSERT_TRUE(VerifyInclusion(m, n, d[m], *proof, root)) << m << "/" << n;
      // Wrong leaf, index or root. (A wrong size may verify when its path has the same shape:
      // the size is bound to the root by the signed checkpoint, not by the proof.)
      ASSERT_FALSE(VerifyInclusion(m, n, d[(m + 1) % d.size()], *proof, root));
      if (n > 1) {
        ASSERT_FALSE(VerifyInclusion((m + 1) % n, n, d[m], *proof, root));
      }
      ASSERT_FALSE(VerifyInclusion(m, n, d[m], *proof, Mth(d, 0, n - 1)));
      // Any flipped bit, a dropped or an extra hash.
      for (size_t i = 0; i < proof->size(); ++i) {
        std::vector<Hash> bad = *proof;
        bad[i][i % 32] ^= 0x01;
        ASSERT_FALSE(VerifyInclusion(m, n, d[m], bad, root));
      }
      if (!proof->empty()) {
        std::vector<Hash> shorter(proof->begin(), proof->end() - 1);
        ASSERT_FALSE(VerifyInclusion(m, n, d[m], shorter, root));
      }
      std::vector<Hash> longer = *proof;
      longer.push_back(root);
      ASSERT_FALSE(VerifyInclusion(m, n, d[m], longer, root));
    }
  }
}

TEST(MerkleTest, ConsistencyProofsMatchProofForEveryPairOfSizes) {
  const Leaves d = MakeLeaves(70);
  MemoryNodeStore store = StoreOf(d);
  for (uint64_t to = 1; to <= d.size(); ++to) {
    const Hash new_root = Mth(d, 0, to);
    for (uint64_t from = 1; from <= to; ++from) {
      const Hash old_root = Mth(d, 0, from);
      auto proof = ConsistencyProof(store, from, to);
      ASSERT_TRUE(proof.ok()) << from << "->" << to;
      ASSERT_EQ(*proof, Subproof(from, d, 0, to, true)) << from << "->" << to;
      ASSERT_TRUE(VerifyConsistency(from, to, old_root, new_root, *proof)) << from << "->" << to;
      Hash wrong_old = old_root;
      wrong_old[0] ^= 0x01;
      ASSERT_FALSE(VerifyConsistency(from, to, wrong_old, new_root, *proof));
      if (from < to) {
        ASSERT_FALSE(VerifyConsistency(from, to, old_root, Mth(d, 0, to - 1), *proof));
        ASSERT_FALSE(VerifyConsistency(from, to, old_root, new_root, {}));
      }
      for (size_t i = 0; i < proof->size(); ++i) {
        std::vector<Hash> bad = *proof;
        bad[i][31 - i % 32] ^= 0x80;
        ASSERT_FALSE(VerifyConsistency(from, to, old_root, new_root, bad));
      }
      std::vector<Hash> longer = *proof;
      longer.push_back(new_root);
      ASSERT_FALSE(VerifyConsistency(from, to, old_root, new_root, longer));
    }
  }
}

TEST(MerkleTest, RandomLargeSizes) {
  const Leaves d = MakeLeaves(5000);
  MemoryNodeStore store = StoreOf(d);
  std::mt19937_64 rng(9162);
  for (int trial = 0; trial < 200; ++trial) {
    const uint64_t to = 1 + rng() % d.size();
    const uint64_t from = 1 + rng() % to;
    const uint64_t leaf = rng() % to;
    const Hash new_root = Mth(d, 0, to);
    auto incl = InclusionProof(store, leaf, to);
    ASSERT_TRUE(incl.ok());
    ASSERT_EQ(*incl, Path(leaf, d, 0, to));
    ASSERT_TRUE(VerifyInclusion(leaf, to, d[leaf], *incl, new_root));
    auto cons = ConsistencyProof(store, from, to);
    ASSERT_TRUE(cons.ok());
    ASSERT_EQ(*cons, Subproof(from, d, 0, to, true));
    ASSERT_TRUE(VerifyConsistency(from, to, Mth(d, 0, from), new_root, *cons));
  }
}

TEST(MerkleTest, RejectsOutOfRangeRequests) {
  const Leaves d = MakeLeaves(10);
  MemoryNodeStore store = StoreOf(d);
  EXPECT_EQ(InclusionProof(store, 10, 10).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ConsistencyProof(store, 0, 5).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ConsistencyProof(store, 6, 5).status().code(), StatusCode::kInvalidArgument);
  // Sizes beyond the stored tree surface the store's NotFound.
  EXPECT_EQ(RootAt(store, 11).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(InclusionProof(store, 3, 12).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(ConsistencyProof(store, 3, 11).status().code(), StatusCode::kNotFound);
  EXPECT_FALSE(VerifyInclusion(0, 0, d[0], {}, EmptyRootHash()));
  EXPECT_FALSE(VerifyConsistency(0, 3, EmptyRootHash(), Mth(d, 0, 3), {}));
  EXPECT_TRUE(VerifyInclusion(0, 1, d[0], {}, d[0]));
}

}  // namespace
}  // namespace battrace::ledger
