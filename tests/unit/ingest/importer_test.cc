// ingest::Importer, the import loop, on a real embedded store: batches commit in the source's
// order with their receipt times from the importer's clock; a batch whose commit fails stops
// the import with the batches before it kept, nothing of it kept, and the failing item named;
// a source stored whole or not at all reports its withheld batch with each result beside its
// own item.
#include "ingest/importer.h"

#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "../fixtures.h"
#include "core/clock.h"
#include "domain/registry.h"
#include "domain/rules.h"
#include "ingest/source.h"
#include "ledger/signing_key.h"
#include "store/open.h"
#include "store/registry_leaf.h"

namespace battrace::ingest {
namespace {

using battrace::testing::Produced;
using battrace::testing::TestCode;
using battrace::testing::TestUscc;

// The registry's one enterprise is the ledger's first leaf.
constexpr uint64_t kRegistryLeaves = 1;

Instant At(const std::string& timestamp) {
  return *ParseTimestamp(timestamp);
}

class ImporterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = battrace::testing::FreshTestDir("importer");
    const std::string key_path = (dir_ / "t.key").string();
    auto key = ledger::SigningKey::Generate("test.battrace/ledger");
    ASSERT_TRUE(key.ok());
    ASSERT_TRUE(key->WriteFile(key_path).ok());
    store::OpenOptions o;
    o.create = true;
    o.key_path = key_path;
    o.clock = &clock_;
    auto s = store::OpenStore({(dir_ / "t.db").string(), ""}, o, "test.battrace/ledger");
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    // A battery maker with manufacturer code 0A1 (fixtures.h's battery codes).
    auto record = ParseRegistryRecord(R"({"kind":"enterprise","uscc":")" + TestUscc(1) +
                                      R"(","name":"cells","roles":["battery_maker"],)"
                                      R"("division":"440300","manufacturer_codes":["0A1"]})");
    ASSERT_TRUE(record.ok()) << record.status().ToString();
    ASSERT_TRUE(
        store::PutRegistry(*store_, {store::ToRegistryRow(*record)}, *Date::Parse("2026-01-01"), 0)
            .ok());
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  // The n-th battery.produced report of the test's maker, as one NDJSON line; with a
  // `reported` time when `reported` is not empty (a replayed report).
  static std::string Line(unsigned n, const std::string& reported = "") {
    nlohmann::json j =
        Produced("r" + std::to_string(n), TestUscc(1), TestCode(ProductType::kCell, n));
    if (!reported.empty()) j["reported"] = reported;
    return j.dump();
  }

  std::unique_ptr<Source> Open(const std::string& name, const std::string& text,
                               bool replay = false) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << text;
    ParseOptions options;
    options.replay = replay;
    auto source = OpenSource(path, options);
    EXPECT_TRUE(source.ok()) << source.status().ToString();
    return source.ok() ? std::move(source).value() : nullptr;
  }

  // Imports `source`, noting each committed batch's lines and results.
  Status Run(Importer& importer, Source& source) {
    return importer.Import(source, {.committed =
                                        [this](const ImportedBatch& batch) {
                                          ASSERT_EQ(batch.items.size(), batch.results.size());
                                          std::vector<uint64_t> lines;
                                          for (size_t i = 0; i < batch.items.size(); ++i) {
                                            EXPECT_EQ(batch.results[i].line, batch.items[i].line);
                                            lines.push_back(batch.items[i].line);
                                          }
                                          batches_.push_back(lines);
                                          withheld_.push_back(batch.withheld);
                                          for (const ItemResult& r : batch.results)
                                            results_.push_back(r);
                                        },
                                    .progress = [this](uint64_t) { ++progress_calls_; }});
  }

  const domain::Law law_{*RuleSet::Default(), *LegalCalendar::Default()};
  FakeClock clock_{At("2026-04-03T00:00:00Z")};
  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
  std::vector<std::vector<uint64_t>> batches_;
  std::vector<bool> withheld_;
  std::vector<ItemResult> results_;
  int progress_calls_ = 0;
};

TEST_F(ImporterTest, BatchesCommitInOrderStampedByTheClock) {
  std::string text;
  for (unsigned n = 1; n <= 5; ++n)
    text += Line(n) + "\n";
  auto source = Open("five.ndjson", text);
  ASSERT_NE(source, nullptr);
  Importer importer(*store_, law_, {.batch = 2, .clock = &clock_});
  const Status st = Run(importer, *source);
  ASSERT_TRUE(st.ok()) << st.ToString();

  EXPECT_EQ(batches_, (std::vector<std::vector<uint64_t>>{{1, 2}, {3, 4}, {5}}));
  EXPECT_EQ(withheld_, (std::vector<bool>{false, false, false}));
  EXPECT_EQ(progress_calls_, 3);
  ASSERT_EQ(results_.size(), 5u);
  for (size_t i = 0; i < results_.size(); ++i) {
    EXPECT_EQ(results_[i].outcome, Outcome::kAccepted) << results_[i].error.ToString();
    EXPECT_EQ(results_[i].leaf_index, kRegistryLeaves + i);
  }
  EXPECT_EQ(*store_->TreeSize(), kRegistryLeaves + 5);
  auto stored = store_->GetReportAt(kRegistryLeaves + 4);
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->id, "r5");
  EXPECT_EQ((*stored)->reported, clock_.Now());

  // Imported again: every report a duplicate, nothing appended.
  results_.clear();
  auto again = Open("five-again.ndjson", text);
  ASSERT_NE(again, nullptr);
  ASSERT_TRUE(Run(importer, *again).ok());
  ASSERT_EQ(results_.size(), 5u);
  for (const ItemResult& r : results_)
    EXPECT_EQ(r.outcome, Outcome::kDuplicate);
  EXPECT_EQ(*store_->TreeSize(), kRegistryLeaves + 5);
}

TEST_F(ImporterTest, AFailedBatchStopsTheImportWithTheBatchesBeforeItKept) {
  // A store that holds a report: a replay must keep to the window from the last leaf's
  // receipt time to now.
  Importer first(*store_, law_, {.clock = &clock_});
  auto one = Open("one.ndjson", Line(1) + "\n");
  ASSERT_NE(one, nullptr);
  ASSERT_TRUE(Run(first, *one).ok());
  clock_.Set(At("2026-04-10T00:00:00Z"));
  batches_.clear();
  results_.clear();

  // Line 3 goes back before line 2's time: its batch (the third, one item each) fails.
  auto replayed =
      Open("replayed.ndjson",
           Line(2, "2026-04-05T00:00:00Z") + "\n" + Line(3, "2026-04-06T00:00:00Z") + "\n" +
               Line(4, "2026-04-04T00:00:00Z") + "\n" + Line(5, "2026-04-07T00:00:00Z") + "\n",
           /*replay=*/true);
  ASSERT_NE(replayed, nullptr);
  Importer importer(*store_, law_, {.batch = 1, .replay = true, .clock = &clock_});
  const Status st = Run(importer, *replayed);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.rule(), "replay.window");
  EXPECT_NE(st.message().find("line 3"), std::string::npos) << st.message();

  EXPECT_EQ(batches_, (std::vector<std::vector<uint64_t>>{{1}, {2}}));
  EXPECT_EQ(*store_->TreeSize(), kRegistryLeaves + 3);
  for (const char* id : {"r4", "r5"}) {
    auto report = store_->GetReport(TestUscc(1), id);
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    EXPECT_FALSE(report->has_value()) << id;
  }
  auto kept = store_->GetReportAt(kRegistryLeaves + 2);
  ASSERT_TRUE(kept.ok() && kept->has_value());
  EXPECT_EQ((*kept)->id, "r3");
  EXPECT_EQ((*kept)->reported, At("2026-04-06T00:00:00Z"));
}

TEST_F(ImporterTest, AWholeSourceWithARejectIsWithheldEachResultBesideItsItem) {
  nlohmann::json bad = nlohmann::json::parse(Line(2));
  bad["code"] = "not a battery code";
  const std::string text = "[" + Line(1) + ",\n" + bad.dump() + ",\n" + Line(3) + "]\n";
  auto source = Open("array.json", text);
  ASSERT_NE(source, nullptr);
  ASSERT_TRUE(source->AllOrNothing());
  Importer importer(*store_, law_, {.clock = &clock_});
  ASSERT_TRUE(Run(importer, *source).ok());

  EXPECT_EQ(withheld_, (std::vector<bool>{true}));
  ASSERT_EQ(results_.size(), 3u);
  EXPECT_EQ(results_[0].outcome, Outcome::kAccepted);
  EXPECT_EQ(results_[1].outcome, Outcome::kRejected);
  EXPECT_EQ(results_[1].line, 2u);
  EXPECT_EQ(results_[2].outcome, Outcome::kAccepted);
  EXPECT_EQ(*store_->TreeSize(), kRegistryLeaves);
}

}  // namespace
}  // namespace battrace::ingest
