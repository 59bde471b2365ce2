// Rollback paths, reached by failing store calls on purpose (fault_store.h): a write transaction
// that fails leaves the ledger and its in-memory frontier as they were, and an ingest batch
// whose n-th write fails keeps nothing.
#include "fault_store.h"

#include <gtest/gtest.h>

#include "../fixtures.h"
#include "core/clock.h"
#include "domain/registry.h"
#include "domain/rules.h"
#include "engines.h"
#include "ingest/pipeline.h"
#include "ledger/merkle.h"
#include "ledger/signing_key.h"
#include "store/open.h"
#include "store/registry_leaf.h"
#include "store/verify.h"

namespace battrace::store {
namespace {

using battrace::testing::Engine;
using battrace::testing::FaultStore;
using battrace::testing::Produced;
using battrace::testing::TestCode;
using battrace::testing::TestUscc;
using When = FaultStore::When;

constexpr uint64_t kRegistryLeaves = 1;
const Date kEffective = *Date::Parse("2026-01-01");
const Date kLate = *Date::Parse("2027-12-31");  // after every deadline the reports open

// What a failed batch must leave as it was.
struct Snapshot {
  uint64_t size = 0;
  ledger::Hash root{};
  uint64_t open_duties = 0;
  size_t findings = 0;
  size_t checkpoints = 0;
  friend bool operator==(const Snapshot&, const Snapshot&) = default;
};

class FaultTest : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    where_ = std::make_unique<battrace::testing::TestStore>(GetParam(), "fault-test");
    if (!where_->available()) GTEST_SKIP() << "BATTRACE_TEST_PG names no PostgreSQL cluster";
    key_ = *ledger::SigningKey::Generate("test.battrace/ledger");
    ASSERT_TRUE(key_->WriteFile(where_->key_path()).ok());
    OpenOptions o;
    o.create = true;
    o.key_path = where_->key_path();
    o.checkpoints.every_leaves = 2;  // a checkpoint is due at most commits
    o.clock = &clock_;
    auto s = OpenStore(where_->location(), o, "test.battrace/ledger");
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    inner_ = std::move(s).value();
    store_ = std::make_unique<FaultStore>(*inner_);
    auto record =
        ParseRegistryRecord(R"({"kind":"enterprise","uscc":")" + TestUscc(1) +
                            R"(","name":"cells","roles":["battery_maker"],"division":"440300",)"
                            R"("manufacturer_codes":["0A1"]})");
    ASSERT_TRUE(record.ok()) << record.status().ToString();
    ASSERT_TRUE(PutRegistry(*store_, {ToRegistryRow(*record)}, kEffective, clock_.Now()).ok());
  }
  void TearDown() override {
    store_.reset();
    inner_.reset();
    where_.reset();
  }

  // Batch `n` (from 0): `count` cells with their module, as reports "b<n>-<i>".
  std::vector<nlohmann::json> Batch(int n, int count) {
    std::vector<nlohmann::json> out;
    std::vector<std::string> cells;
    for (int i = 0; i < count - 1; ++i) {
      cells.push_back(TestCode(ProductType::kCell, 100 * n + i));
      out.push_back(
          Produced("b" + std::to_string(n) + "-" + std::to_string(i), TestUscc(1), cells.back()));
    }
    out.push_back(Produced("b" + std::to_string(n) + "-m", TestUscc(1),
                           TestCode(ProductType::kModule, 100 * n + 99), cells));
    return out;
  }

  Result<std::vector<ingest::ItemResult>> Load(const std::vector<nlohmann::json>& reports) {
    std::vector<ingest::Item> items;
    for (size_t i = 0; i < reports.size(); ++i) {
      items.push_back({i + 1, {}, ParseReport(reports[i].dump(), {})});
    }
    const domain::Law law{*RuleSet::Default(), *LegalCalendar::Default()};
    clock_.Advance(1'000'000);
    return ingest::Commit(*store_, law, ingest::Prepare(items, clock_.Now()));
  }

  Snapshot Take() {
    Snapshot s;
    s.size = *inner_->TreeSize();
    s.root = *ledger::RootAt(*inner_, s.size);
    s.open_duties = *inner_->CountOpenDuties();
    s.findings =
        inner_->Findings(kLate, {}, FindingSort::kKind, std::nullopt, SIZE_MAX)->items.size();
    s.checkpoints = inner_->ListCheckpoints()->size();
    return s;
  }

  // None of `reports` is stored, nor the battery it produces.
  void ExpectAbsent(const std::vector<nlohmann::json>& reports) {
    for (const auto& r : reports) {
      auto stored = inner_->GetReport(r["reporter"].get<std::string>(), r["id"].get<std::string>());
      ASSERT_TRUE(stored.ok()) << stored.status().ToString();
      EXPECT_FALSE(stored->has_value()) << r["id"].get<std::string>();
      auto battery = inner_->GetBattery(r["code"].get<std::string>());
      ASSERT_TRUE(battery.ok()) << battery.status().ToString();
      EXPECT_FALSE(battery->has_value()) << r["code"].get<std::string>();
    }
  }

  // The batch is accepted, appended from leaf `first` on, and the whole ledger verifies.
  void ExpectAppendedFrom(const std::vector<nlohmann::json>& reports, uint64_t first) {
    auto results = Load(reports);
    ASSERT_TRUE(results.ok()) << results.status().ToString();
    ASSERT_EQ(results->size(), reports.size());
    for (size_t i = 0; i < results->size(); ++i) {
      EXPECT_EQ((*results)[i].outcome, ingest::Outcome::kAccepted)
          << (*results)[i].error.ToString();
      EXPECT_EQ((*results)[i].leaf_index, first + i);
    }
    EXPECT_EQ(*inner_->TreeSize(), first + reports.size());
    auto verified = VerifyLedger(*inner_, key_->VerifierKey());
    ASSERT_TRUE(verified.ok()) << verified.status().ToString();
    EXPECT_EQ(verified->leaves, first + reports.size());
    // A store opened afresh reads the same ledger from disk.
    OpenOptions o;
    auto again = OpenStore(where_->location(), o);
    ASSERT_TRUE(again.ok()) << again.status().ToString();
    EXPECT_EQ(*(*again)->TreeSize(), first + reports.size());
  }

  FakeClock clock_{*ParseTimestamp("2026-05-01T00:00:00Z")};
  std::unique_ptr<battrace::testing::TestStore> where_;
  std::optional<ledger::SigningKey> key_;
  std::unique_ptr<Store> inner_;
  std::unique_ptr<FaultStore> store_;
};

TEST_P(FaultTest, WrapperForwardsEveryCallAndCountsIt) {
  const uint64_t appends = store_->calls("WriteTxn::Append");
  const uint64_t commits = store_->calls("WriteTxn::Commit");
  const uint64_t all = store_->calls(FaultStore::kAnyCall);
  ASSERT_TRUE(Load(Batch(0, 3)).ok());
  EXPECT_EQ(store_->calls("WriteTxn::Append"), appends + 3);
  EXPECT_EQ(store_->calls("WriteTxn::Commit"), commits + 1);
  EXPECT_GE(store_->calls(FaultStore::kAnyCall), all + 5);  // BeginWrite, 3 Appends, Commit...
  EXPECT_EQ(store_->injected(), 0u);
  EXPECT_EQ(*store_->TreeSize(), kRegistryLeaves + 3);
}

// The frontier restored after a failed commit: the transaction was dropped before the engine
// committed; the ledger, its root and the next leaf index are those before the batch.
TEST_P(FaultTest, CommitFailingBeforeTheEngineCommitsRestoresTheFrontier) {
  ASSERT_TRUE(Load(Batch(0, 3)).ok());
  const Snapshot before = Take();
  store_->FailNth("WriteTxn::Commit", 1);
  const auto batch = Batch(1, 4);
  auto failed = Load(batch);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), StatusCode::kIOError);
  EXPECT_EQ(store_->injected(), 1u);
  EXPECT_EQ(Take(), before);
  ExpectAbsent(batch);
  store_->Clear();
  ExpectAppendedFrom(batch, before.size);
}

// An Append that fails mid-batch after the engine appended (its frontier moved inside the
// transaction): dropping the transaction moves it back.
TEST_P(FaultTest, AppendFailingMidBatchAfterTheEngineAppendedRestoresTheFrontier) {
  ASSERT_TRUE(Load(Batch(0, 3)).ok());
  const Snapshot before = Take();
  store_->FailNth("WriteTxn::Append", 3, When::kAfter);
  const auto batch = Batch(1, 5);
  auto failed = Load(batch);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), StatusCode::kIOError);
  EXPECT_EQ(Take(), before);
  ExpectAbsent(batch);
  store_->Clear();
  ExpectAppendedFrom(batch, before.size);
}

// The same, the third Append never reaching the engine.
TEST_P(FaultTest, AppendFailingMidBatchBeforeTheEngineAppendsRestoresTheFrontier) {
  ASSERT_TRUE(Load(Batch(0, 2)).ok());
  const Snapshot before = Take();
  store_->FailNth("WriteTxn::Append", 3, When::kBefore);
  const auto batch = Batch(1, 4);
  ASSERT_FALSE(Load(batch).ok());
  EXPECT_EQ(Take(), before);
  ExpectAbsent(batch);
  store_->Clear();
  ExpectAppendedFrom(batch, before.size);
}

// The engines heal a frontier whose size differs from the stored tree's when the next
// transaction begins, so a stale one shows only when another connection has meanwhile stored
// as many leaves as the failed batch had appended: then only the rollback itself keeps the
// failed batch's hashes out of the next root.
TEST_P(FaultTest, FailedBatchDoesNotLeakIntoTheNextAfterAnotherConnectionWrote) {
  const Snapshot before = Take();
  store_->FailNth("WriteTxn::Commit", 1);
  ASSERT_FALSE(Load(Batch(1, 3)).ok());
  {
    OpenOptions o;
    o.key_path = where_->key_path();
    o.clock = &clock_;
    auto other = OpenStore(where_->location(), o);
    ASSERT_TRUE(other.ok()) << other.status().ToString();
    std::vector<ingest::Item> items;
    const auto reports = Batch(2, 3);
    for (size_t i = 0; i < reports.size(); ++i) {
      items.push_back({i + 1, {}, ParseReport(reports[i].dump(), {})});
    }
    const domain::Law law{*RuleSet::Default(), *LegalCalendar::Default()};
    auto results = ingest::Commit(**other, law, ingest::Prepare(items, clock_.Now()));
    ASSERT_TRUE(results.ok()) << results.status().ToString();
  }
  store_->Clear();
  ExpectAppendedFrom(Batch(3, 2), before.size + 3);
}

// A batch undone: the n-th Append of ingest's Commit fails; nothing of the batch is kept
// (receipts, batteries, duties, findings, checkpoints), and the error names the item.
TEST_P(FaultTest, IngestBatchWhoseNthAppendFailsKeepsNothingAndNamesTheItem) {
  const Snapshot before = Take();
  const auto batch = Batch(1, 5);
  store_->FailNth("WriteTxn::Append", 3);
  auto failed = Load(batch);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), StatusCode::kIOError);
  EXPECT_NE(failed.status().message().find("line 3 (report 'b1-2' from " + TestUscc(1) + ")"),
            std::string::npos)
      << failed.status().message();
  EXPECT_NE(failed.status().message().find("nothing of this batch was stored"), std::string::npos)
      << failed.status().message();
  EXPECT_EQ(Take(), before);
  ExpectAbsent(batch);
  // The same batch once the fault clears is kept whole, and it does change what was compared.
  store_->Clear();
  ExpectAppendedFrom(batch, before.size);
  EXPECT_NE(Take(), before);
}

// A failing Apply (the projection write after the leaf was appended) undoes the leaf too.
TEST_P(FaultTest, IngestBatchWhoseApplyFailsKeepsNothing) {
  const Snapshot before = Take();
  const auto batch = Batch(1, 3);
  store_->FailNth("WriteTxn::Apply", 2, When::kAfter);
  auto failed = Load(batch);
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.status().message().find("line 2 "), std::string::npos)
      << failed.status().message();
  EXPECT_EQ(Take(), before);
  ExpectAbsent(batch);
  store_->Clear();
  ExpectAppendedFrom(batch, before.size);
}

// A Commit the engine ran but whose success the caller never heard of (a connection lost after
// COMMIT): the batch is durable and the frontier is the committed one; re-sending the batch,
// as a client would, finds every report a duplicate, and the next batch appends after it.
TEST_P(FaultTest, CommitReportedFailedAfterTheEngineCommittedKeepsTheBatch) {
  const Snapshot before = Take();
  const auto batch = Batch(1, 3);
  store_->FailNth("WriteTxn::Commit", 1, When::kAfter);
  ASSERT_FALSE(Load(batch).ok());
  store_->Clear();
  EXPECT_EQ(*inner_->TreeSize(), before.size + batch.size());
  auto again = Load(batch);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  for (size_t i = 0; i < again->size(); ++i) {
    EXPECT_EQ((*again)[i].outcome, ingest::Outcome::kDuplicate);
    EXPECT_EQ((*again)[i].leaf_index, before.size + i);
  }
  ExpectAppendedFrom(Batch(2, 2), before.size + batch.size());
}

// A transaction the engine began but the caller never saw is rolled back when dropped; the
// store takes the next one.
TEST_P(FaultTest, BeginWriteFailingAfterTheEngineBeganLeavesTheStoreWritable) {
  const Snapshot before = Take();
  store_->FailNth("Store::BeginWrite", 1, When::kAfter);
  ASSERT_FALSE(Load(Batch(1, 2)).ok());
  EXPECT_EQ(Take(), before);
  store_->Clear();
  ExpectAppendedFrom(Batch(1, 2), before.size);
}

TEST_P(FaultTest, FailAllFailsUntilCleared) {
  store_->FailAll("Store::TreeSize");
  EXPECT_EQ(store_->TreeSize().status().code(), StatusCode::kIOError);
  EXPECT_EQ(store_->TreeSize().status().code(), StatusCode::kIOError);
  EXPECT_TRUE(store_->LatestCheckpoint().ok());  // other methods pass
  store_->Clear();
  EXPECT_EQ(*store_->TreeSize(), kRegistryLeaves);
  EXPECT_EQ(store_->injected(), 2u);
  // The n-th call of any method.
  store_->FailNth(FaultStore::kAnyCall, 2);
  EXPECT_TRUE(store_->TreeSize().ok());
  EXPECT_FALSE(store_->LatestCheckpoint().ok());
  EXPECT_TRUE(store_->TreeSize().ok());
}

BATTRACE_BOTH_ENGINES(FaultTest);

}  // namespace
}  // namespace battrace::store
