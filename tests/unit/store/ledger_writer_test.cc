// LedgerWriter: the ledger state above both engines, and what a rollback restores.
#include "store/ledger_writer.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "core/clock.h"
#include "engines.h"
#include "ledger/hash.h"
#include "ledger/signing_key.h"

namespace battrace::store {
namespace {

class LedgerWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto key = ledger::SigningKey::Generate("test.battrace/ledger");
    ASSERT_TRUE(key.ok());
    ASSERT_TRUE(key->WriteFile(where_.key_path()).ok());
    options_.key_path = where_.key_path();
    options_.clock = &clock_;
    options_.checkpoints.every_leaves = 2;
  }

  battrace::testing::TestStore where_{battrace::testing::Engine::kSqlite, "ledger-writer"};
  FakeClock clock_{1'000'000};
  OpenOptions options_;
};

TEST_F(LedgerWriterTest, WritesOnlyWithItsKeyAndOneTransactionAtATime) {
  LedgerWriter writer(options_);
  EXPECT_EQ(writer.Writable().code(), StatusCode::kFailedPrecondition);
  ASSERT_TRUE(writer.LoadKey(options_).ok());
  EXPECT_TRUE(writer.Writable().ok());
  ASSERT_TRUE(writer.Begin().ok());
  EXPECT_EQ(writer.Begin().code(), StatusCode::kFailedPrecondition);
}

TEST_F(LedgerWriterTest, RollbackRestoresTheFrontierAndTheLastCheckpoint) {
  LedgerWriter writer(options_);
  ASSERT_TRUE(writer.LoadKey(options_).ok());
  ASSERT_TRUE(writer.Begin().ok());
  writer.Append(ledger::LeafHash("a"));
  writer.Append(ledger::LeafHash("b"));
  EXPECT_EQ(writer.next_leaf(), 2u);
  EXPECT_TRUE(writer.CheckpointDue(std::nullopt));

  // A checkpoint the engine failed to store is not the last one.
  auto failed = writer.Sign("test.battrace/ledger", std::nullopt,
                            [](const StoredCheckpoint&) { return Status::IOError("disk full"); });
  EXPECT_FALSE(failed.ok());
  EXPECT_EQ(writer.last_checkpoint().size, 0u);

  auto signed_cp = writer.Sign("test.battrace/ledger", std::nullopt,
                               [](const StoredCheckpoint&) { return Status::Ok(); });
  ASSERT_TRUE(signed_cp.ok()) << signed_cp.status().ToString();
  EXPECT_EQ(signed_cp->size, 2u);
  EXPECT_EQ(signed_cp->created, 1'000'000);  // the options' clock
  EXPECT_EQ(writer.last_checkpoint().size, 2u);
  EXPECT_FALSE(writer.CheckpointDue(std::nullopt));

  writer.RolledBack();
  EXPECT_FALSE(writer.in_transaction());
  EXPECT_EQ(writer.next_leaf(), 0u);
  EXPECT_EQ(writer.last_checkpoint().size, 0u);

  // What a committed transaction appended stands.
  ASSERT_TRUE(writer.Begin().ok());
  writer.Append(ledger::LeafHash("a"));
  writer.Committed();
  writer.RolledBack();
  EXPECT_EQ(writer.next_leaf(), 1u);
}

TEST_F(LedgerWriterTest, HandsOverOnlyTheKeptLevels) {
  LedgerWriter writer(options_);
  ASSERT_TRUE(writer.LoadKey(options_).ok());
  ASSERT_TRUE(writer.Begin().ok());
  for (int i = 0; i < 15; ++i) {
    EXPECT_TRUE(writer.Append(ledger::LeafHash(std::to_string(i))).empty()) << i;
  }
  // The 16th leaf completes a subtree of level 4, the first kept level above the leaves.
  const auto& kept = writer.Append(ledger::LeafHash("15"));
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0].id.level, 4);
  EXPECT_EQ(kept[0].id.index, 0u);
}

}  // namespace
}  // namespace battrace::store
