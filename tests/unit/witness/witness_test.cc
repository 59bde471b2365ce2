// The witness without HTTP: the add-checkpoint wire format, and every answer of
// Witness::AddCheckpoint over a real state file, including after a restart.
#include "witness/witness.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <string>
#include <vector>

#include "ledger/checkpoint.h"
#include "ledger/cosignature.h"
#include "ledger/memory_node_store.h"
#include "ledger/merkle.h"
#include "witness/client.h"
#include "witness/protocol.h"
#include "witness/pusher.h"

namespace battrace::witness {
namespace {

namespace fs = std::filesystem;
using ledger::Hash;

constexpr char kOrigin[] = "battrace.test/ledger";

// A log of `n` leaves named by their number (and a salt, to make forks).
struct Log {
  explicit Log(const ledger::SigningKey& key) : key(key) {}
  void Grow(uint64_t n, const std::string& salt = "") {
    std::vector<ledger::Node> nodes;
    while (frontier.size() < n) {
      nodes.clear();
      frontier.Append(ledger::LeafHash(salt + std::to_string(frontier.size())), &nodes);
      store.Put(nodes);
    }
  }
  std::string Note() const {
    ledger::Checkpoint cp{kOrigin, frontier.size(), frontier.Root(), {}};
    return *ledger::SignNote(cp.Body(), key);
  }
  std::vector<Hash> Proof(uint64_t from) {
    return *ledger::ConsistencyProof(store, from, frontier.size());
  }
  ledger::SigningKey key;
  ledger::Frontier frontier;
  ledger::MemoryNodeStore store;
};

class WitnessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("battrace-witness-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<Witness> Open() {
    auto state = WitnessState::Open((dir_ / "state.db").string());
    EXPECT_TRUE(state.ok()) << state.status().ToString();
    return std::make_unique<Witness>(witness_key_, std::vector{log_key_.verifier()},
                                     std::move(state).value());
  }

  fs::path dir_;
  ledger::SigningKey log_key_ = *ledger::SigningKey::Generate(kOrigin);
  ledger::SigningKey witness_key_ = *ledger::SigningKey::Generate("witness.test/w1");
};

TEST(Protocol, RoundTripAndStrictParsing) {
  const std::vector<Hash> proof = {ledger::LeafHash("a"), ledger::LeafHash("b")};
  const std::string body = FormatAddCheckpoint(12, proof, "note\n\n— x AAAA\n");
  auto parsed = ParseAddCheckpoint(body);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->old_size, 12u);
  EXPECT_EQ(parsed->proof, proof);
  EXPECT_EQ(parsed->note, "note\n\n— x AAAA\n");

  const std::string h = ledger::HashToBase64(ledger::LeafHash("a"));
  std::string too_many = "old 1\n";
  for (int i = 0; i < 64; ++i)
    too_many += h + "\n";
  for (const std::string& bad : std::vector<std::string>{
           "", "old 1\n", "old 01\n\nnote\n", "old -1\n\nnote\n", "old  1\n\nnote\n",
           "Old 1\n\nnote\n", "old 1\n" + h + "\n", "old 1\n" + h.substr(1) + "\n\nnote\n",
           "old 1\n\n", too_many + "\nnote\n", "old 18446744073709551616\n\nnote\n"}) {
    auto r = ParseAddCheckpoint(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.status().rule(), "witness.request");
    }
  }
  EXPECT_TRUE(ParseAddCheckpoint("old 0\n\nx").ok());  // the note's form is checked later

  EXPECT_EQ(*ParseTlogSize("42\n"), 42u);
  for (const char* bad : {"", "42", "042\n", "42\n\n", "x\n"})
    EXPECT_FALSE(ParseTlogSize(bad).ok()) << bad;
}

TEST(Protocol, WitnessUrlsAndArguments) {
  auto url = WitnessUrl::Parse("http://127.0.0.1:7380/witness/");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->host, "127.0.0.1");
  EXPECT_EQ(url->port, "7380");
  EXPECT_EQ(url->prefix, "/witness");
  EXPECT_EQ(WitnessUrl::Parse("http://[::1]:9")->host, "::1");
  EXPECT_EQ(WitnessUrl::Parse("http://w.example")->port, "80");
  for (const char* bad : {"https://w.example", "w.example:80", "http://:80", "http://h:0",
                          "http://h:99999", "http://h:8x", "http://u@h:80", "http://h/a b"}) {
    auto r = WitnessUrl::Parse(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.status().rule(), "witness.url");
    }
  }
  const auto key = *ledger::SigningKey::Generate("witness.test/w1");
  auto target = ParseWitnessArg("http://127.0.0.1:7380=" + key.CosignerVerifier().Text());
  ASSERT_TRUE(target.ok()) << target.status().ToString();
  EXPECT_EQ(target->cosigner.key_id(), key.CosignerVerifier().key_id());
  EXPECT_FALSE(ParseWitnessArg("http://127.0.0.1:7380").ok());
  // The log's note key (type 0x01) is not a cosigner key.
  EXPECT_FALSE(ParseWitnessArg("http://127.0.0.1:7380=" + key.VerifierKey()).ok());
}

TEST_F(WitnessTest, CosignsConsistentGrowthAndRefusesTheRest) {
  auto witness = Open();
  Log log(log_key_);
  log.Grow(5);
  const uint64_t now = 1700000000;

  // First contact: old 0, no proof.
  Answer first = witness->AddCheckpoint(FormatAddCheckpoint(0, {}, log.Note()), now);
  ASSERT_EQ(first.status, 200) << first.body;
  const std::string body5 = std::string(*ledger::OpenNote(log.Note(), log_key_.verifier()));
  const std::vector<ledger::Verifier> cosigners = {witness_key_.CosignerVerifier()};
  EXPECT_EQ(*ledger::CountCosignatures(log.Note() + first.body, cosigners), 1u);

  // Growth with a valid proof.
  log.Grow(13);
  Answer grown = witness->AddCheckpoint(FormatAddCheckpoint(5, log.Proof(5), log.Note()), now);
  ASSERT_EQ(grown.status, 200) << grown.body;

  // A stale old size: 409 with the witness's size.
  Answer stale = witness->AddCheckpoint(FormatAddCheckpoint(5, log.Proof(5), log.Note()), now);
  EXPECT_EQ(stale.status, 409);
  EXPECT_EQ(stale.content_type, "text/x.tlog.size");
  EXPECT_EQ(stale.body, "13\n");

  // A bad proof: 422, and the state stays at 13.
  log.Grow(20);
  std::vector<Hash> bad = log.Proof(13);
  bad[0][0] ^= 1;
  EXPECT_EQ(witness->AddCheckpoint(FormatAddCheckpoint(13, bad, log.Note()), now).status, 422);

  // A fork at the same size: another log with the same key and 13 other leaves.
  Log fork(log_key_);
  fork.Grow(13, "forged-");
  EXPECT_EQ(witness->AddCheckpoint(FormatAddCheckpoint(13, {}, fork.Note()), now).status, 409);
  // A fork that grew from the start: its proof from 13 cannot match the witnessed root.
  fork.Grow(20, "");
  EXPECT_EQ(
      witness->AddCheckpoint(FormatAddCheckpoint(13, fork.Proof(13), fork.Note()), now).status,
      422);

  // A rollback: a smaller tree than the one cosigned.
  Log small(log_key_);
  small.Grow(5);
  EXPECT_EQ(witness->AddCheckpoint(FormatAddCheckpoint(13, {}, small.Note()), now).status, 400);
  EXPECT_EQ(witness->AddCheckpoint(FormatAddCheckpoint(5, {}, small.Note()), now).status, 409);

  // The same checkpoint again (old == size, same root) is cosigned again.
  Log again(log_key_);
  again.Grow(13);
  EXPECT_EQ(witness->AddCheckpoint(FormatAddCheckpoint(13, {}, again.Note()), now).status, 200);

  // A restart keeps the state: the honest log goes on from 13.
  witness.reset();
  witness = Open();
  Answer after = witness->AddCheckpoint(FormatAddCheckpoint(0, {}, log.Note()), now);
  EXPECT_EQ(after.status, 409);
  EXPECT_EQ(after.body, "13\n");
  EXPECT_EQ(witness->AddCheckpoint(FormatAddCheckpoint(13, log.Proof(13), log.Note()), now).status,
            200);
  (void)body5;
}

TEST_F(WitnessTest, UnknownLogsForeignKeysAndJunk) {
  auto witness = Open();
  Log log(log_key_);
  log.Grow(3);
  // A log it does not follow.
  auto other_key = *ledger::SigningKey::Generate("other.test/ledger");
  ledger::Checkpoint cp{"other.test/ledger", 3, log.frontier.Root(), {}};
  EXPECT_EQ(
      witness->AddCheckpoint(FormatAddCheckpoint(0, {}, *ledger::SignNote(cp.Body(), other_key)), 1)
          .status,
      404);
  // The followed origin, signed by another key of the same name.
  Log impostor(*ledger::SigningKey::Generate(kOrigin));
  impostor.Grow(3);
  EXPECT_EQ(witness->AddCheckpoint(FormatAddCheckpoint(0, {}, impostor.Note()), 1).status, 403);
  // Junk and old > size.
  EXPECT_EQ(witness->AddCheckpoint("hello", 1).status, 400);
  EXPECT_EQ(witness->AddCheckpoint(FormatAddCheckpoint(0, {}, "no note\n"), 1).status, 400);
  EXPECT_EQ(witness->AddCheckpoint(FormatAddCheckpoint(4, {}, log.Note()), 1).status, 400);
  // A proof from size 0 must be empty.
  EXPECT_EQ(
      witness->AddCheckpoint(FormatAddCheckpoint(0, {ledger::LeafHash("x")}, log.Note()), 1).status,
      422);
  // Nothing of that reached the state: first contact still works.
  EXPECT_EQ(witness->AddCheckpoint(FormatAddCheckpoint(0, {}, log.Note()), 1).status, 200);
  struct stat st;
  ASSERT_EQ(::stat((dir_ / "state.db").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

}  // namespace
}  // namespace battrace::witness
