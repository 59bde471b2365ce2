// battrace's proofs and signed checkpoints checked by tests/integration/rfc9162_verify.py, an
// independent Python implementation of RFC 9162, RFC 8032, C2SP signed-note and
// tlog-cosignature: valid ones must verify there, tampered ones must not.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "ledger/checkpoint.h"
#include "ledger/cosignature.h"
#include "ledger/memory_node_store.h"
#include "ledger/merkle.h"
#include "ledger/proof_json.h"

namespace battrace::ledger {
namespace {

namespace fs = std::filesystem;

const std::string kScript = std::string(BATTRACE_TEST_DATA) + "/integration/rfc9162_verify.py";

class IndependentVerifierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::system("python3 -c '' >/dev/null 2>&1") != 0) GTEST_SKIP() << "no python3";
    std::string tmpl = (fs::temp_directory_path() / "battrace-verify-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    Frontier f;
    std::vector<Node> nodes;
    for (int i = 0; i < 300; ++i) {
      leaves_.push_back(LeafHash("{\"id\":\"r-" + std::to_string(i) + "\"}"));
      f.Append(leaves_.back(), &nodes);
    }
    store_.Put(nodes);
  }
  void TearDown() override {
    std::error_code ec;
    if (!dir_.empty()) fs::remove_all(dir_, ec);
  }

  // Runs the script with `args`; true iff it exits 0.
  bool Verify(const std::string& args) {
    const std::string cmd = "python3 '" + kScript + "' " + args + " >/dev/null 2>&1";
    const int rc = std::system(cmd.c_str());
    EXPECT_TRUE(WIFEXITED(rc) && (WEXITSTATUS(rc) == 0 || WEXITSTATUS(rc) == 1)) << cmd;
    return rc == 0;
  }

  std::string Write(const std::string& name, const std::string& content) {
    const fs::path p = dir_ / name;
    std::ofstream(p, std::ios::binary) << content;
    return "'" + p.string() + "'";
  }

  static std::string B64List(const std::vector<Hash>& hashes) {
    std::string out;
    for (const Hash& h : hashes)
      out += (out.empty() ? "" : ",") + HashToBase64(h);
    return "'" + out + "'";
  }

  Hash Root(uint64_t size) { return *RootAt(store_, size); }

  fs::path dir_;
  std::vector<Hash> leaves_;
  MemoryNodeStore store_;
};

TEST_F(IndependentVerifierTest, InclusionProofs) {
  const std::pair<uint64_t, uint64_t> cases[] = {{0, 1}, {4, 7}, {6, 7}, {64, 65}, {299, 300}};
  for (const auto& [leaf, size] : cases) {
    auto proof = InclusionProof(store_, leaf, size);
    ASSERT_TRUE(proof.ok());
    const std::string common = " --index " + std::to_string(leaf) + " --size " +
                               std::to_string(size) + " --root " + HashToBase64(Root(size));
    EXPECT_TRUE(Verify("inclusion --leaf-hash " + HashToBase64(leaves_[leaf]) + common +
                       " --proof " + B64List(*proof)))
        << leaf << "/" << size;
    EXPECT_FALSE(Verify("inclusion --leaf-hash " + HashToBase64(leaves_[(leaf + 1) % 300]) +
                        common + " --proof " + B64List(*proof)));
    if (!proof->empty()) {
      std::vector<Hash> bad = *proof;
      bad.back()[5] ^= 0x04;
      EXPECT_FALSE(Verify("inclusion --leaf-hash " + HashToBase64(leaves_[leaf]) + common +
                          " --proof " + B64List(bad)));
    }
  }
}

TEST_F(IndependentVerifierTest, ConsistencyProofs) {
  const std::pair<uint64_t, uint64_t> cases[] = {{1, 1}, {3, 7}, {4, 7}, {37, 300}, {256, 300}};
  for (const auto& [from, to] : cases) {
    auto proof = ConsistencyProof(store_, from, to);
    ASSERT_TRUE(proof.ok());
    const std::string sizes = " --from " + std::to_string(from) + " --to " + std::to_string(to);
    const std::string roots =
        " --old-root " + HashToBase64(Root(from)) + " --new-root " + HashToBase64(Root(to));
    EXPECT_TRUE(Verify("consistency" + sizes + roots + " --proof " + B64List(*proof)))
        << from << "->" << to;
    EXPECT_FALSE(Verify("consistency" + sizes + " --old-root " + HashToBase64(Root(from - 1)) +
                        " --new-root " + HashToBase64(Root(to)) + " --proof " + B64List(*proof)));
    if (!proof->empty()) {
      std::vector<Hash> bad = *proof;
      bad.front()[0] ^= 0x01;
      EXPECT_FALSE(Verify("consistency" + sizes + roots + " --proof " + B64List(bad)));
    }
  }
}

TEST_F(IndependentVerifierTest, SignedCheckpointsAndProofJson) {
  auto key = SigningKey::Generate("battrace.example.cn/ledger");
  ASSERT_TRUE(key.ok());
  const std::string vkey = "'" + key->VerifierKey() + "'";
  Checkpoint cp{"battrace.example.cn/ledger", 300, Root(300), {}};
  const std::string note = *SignNote(cp.Body(), *key);
  const std::string note_file = Write("checkpoint.note", note);
  EXPECT_TRUE(Verify("note --key " + vkey + " --note " + note_file));
  std::string tampered = note;
  tampered[30] ^= 0x01;  // a digit of the tree size
  EXPECT_FALSE(Verify("note --key " + vkey + " --note " + Write("bad.note", tampered)));
  auto other = SigningKey::Generate("battrace.example.cn/ledger");
  EXPECT_FALSE(Verify("note --key '" + other->VerifierKey() + "' --note " + note_file));

  auto incl = InclusionProof(store_, 123, 300);
  const std::string incl_file =
      Write("incl.json", InclusionProofJson(123, 300, leaves_[123], *incl).dump());
  EXPECT_TRUE(Verify("proof-json --file " + incl_file + " --key " + vkey + " --note " + note_file));
  EXPECT_TRUE(Verify("proof-json --file " + incl_file + " --root " + HashToBase64(cp.root)));
  const std::string wrong_leaf =
      Write("incl-bad.json", InclusionProofJson(123, 300, leaves_[124], *incl).dump());
  EXPECT_FALSE(
      Verify("proof-json --file " + wrong_leaf + " --key " + vkey + " --note " + note_file));

  auto cons = ConsistencyProof(store_, 200, 300);
  const std::string cons_file = Write("cons.json", ConsistencyProofJson(200, 300, *cons).dump());
  EXPECT_TRUE(Verify("proof-json --file " + cons_file + " --old-root " + HashToBase64(Root(200)) +
                     " --key " + vkey + " --note " + note_file));
  EXPECT_FALSE(Verify("proof-json --file " + cons_file + " --old-root " + HashToBase64(Root(201)) +
                      " --key " + vkey + " --note " + note_file));
}

TEST_F(IndependentVerifierTest, Cosignatures) {
  auto key = SigningKey::Generate("battrace.example.cn/ledger");
  auto w1 = SigningKey::Generate("witness.example/w1");
  auto w2 = SigningKey::Generate("witness.example/w2");
  ASSERT_TRUE(key.ok() && w1.ok() && w2.ok());
  const std::string vkey = "'" + key->VerifierKey() + "'";
  const std::string k1 = " --witness-key '" + w1->CosignerVerifier().Text() + "'";
  const std::string k2 = " --witness-key '" + w2->CosignerVerifier().Text() + "'";
  Checkpoint cp{"battrace.example.cn/ledger", 300, Root(300), {}};
  const std::string note = *SignNote(cp.Body(), *key);
  const std::string cosigned = note + Cosign(*w1, cp.Body(), 1700000000);
  const std::string file = Write("cosigned.note", cosigned);
  EXPECT_TRUE(Verify("note --key " + vkey + " --note " + file + k1));
  EXPECT_TRUE(Verify("note --key " + vkey + " --note " + file + k1 + k2 + " --min-cosignatures 1"));
  EXPECT_FALSE(Verify("note --key " + vkey + " --note " + file + k1 + k2));  // both required
  EXPECT_FALSE(Verify("note --key " + vkey + " --note " + Write("plain.note", note) + k1));
  // The cosignature of another checkpoint's body, moved onto this note.
  Checkpoint other = cp;
  other.size = 299;
  other.root = Root(299);
  const std::string moved = note + Cosign(*w1, other.Body(), 1700000000);
  EXPECT_FALSE(Verify("note --key " + vkey + " --note " + Write("moved.note", moved) + k1 +
                      " --min-cosignatures 0"));
}

}  // namespace
}  // namespace battrace::ledger
