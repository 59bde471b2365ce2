#include <gtest/gtest.h>

#include "../fixtures.h"
#include "domain/finding.h"
#include "domain/registry.h"
#include "domain/rules.h"
#include "engines.h"
#include "ingest/pipeline.h"
#include "ingest/source.h"
#include "ledger/checkpoint.h"
#include "ledger/cosignature.h"
#include "ledger/merkle.h"
#include "store/migrate.h"
#include "store/open.h"
#include "store/registry_leaf.h"
#include "store/verify.h"

namespace battrace::store {
namespace {

using battrace::testing::Engine;
using battrace::testing::Produced;
using battrace::testing::TestCode;
using battrace::testing::TestUscc;
using battrace::testing::TestVin;

// The registry SetUp records: its three enterprises are the ledger's first leaves.
constexpr uint64_t kRegistryLeaves = 3;
const Date kEffective = *Date::Parse("2026-01-01");

class StoreTest : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    where_ = std::make_unique<battrace::testing::TestStore>(GetParam(), "store-test");
    if (!where_->available()) GTEST_SKIP() << "BATTRACE_TEST_PG names no PostgreSQL cluster";
    key_ = *ledger::SigningKey::Generate("test.battrace/ledger");
    ASSERT_TRUE(key_->WriteFile(where_->key_path()).ok());
    Reopen(true);
    // The reporters of the tests: a battery maker (manufacturer code 0A1), a vehicle maker
    // (WMI LGX) and a repair shop.
    std::vector<RegistryRow> rows;
    for (const std::string& record :
         {R"({"kind":"enterprise","uscc":")" + TestUscc(1) +
              R"(","name":"cells","roles":["battery_maker"],"division":"440300",)"
              R"("manufacturer_codes":["0A1"]})",
          R"({"kind":"enterprise","uscc":")" + TestUscc(2) +
              R"(","name":"cars","roles":["vehicle_maker"],"division":"440300","wmi":["LGX"]})",
          R"({"kind":"enterprise","uscc":")" + TestUscc(3) +
              R"(","name":"repairs","roles":["repair_shop"],"division":"440300"})"}) {
      auto parsed = ParseRegistryRecord(record);
      ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
      rows.push_back(ToRegistryRow(*parsed));
    }
    ASSERT_TRUE(PutRegistry(*store_, rows, kEffective, 0).ok());
  }
  void TearDown() override {
    store_.reset();
    where_.reset();
  }

  void Reopen(bool create = false) {
    store_.reset();
    auto s = OpenStore(where_->location(), Writer(create), "test.battrace/ledger");
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
  }

  OpenOptions Writer(bool create = false) const {
    OpenOptions o;
    o.create = create;
    o.key_path = where_->key_path();
    o.checkpoints.every_leaves = 5;
    o.dictionaries = dictionaries_;
    return o;
  }

  // Dictionaries trained early: the first when the ledger reaches 20 leaves, then at 40, 80, ...
  void SmallDictionaries() {
    dictionaries_.first_at = 20;
    dictionaries_.growth = 2;
    Reopen();
  }

  // battery.produced reports of `count` cells of the maker, from the `from`-th on.
  static std::vector<nlohmann::json> Cells(unsigned from, unsigned count) {
    std::vector<nlohmann::json> out;
    for (unsigned n = from; n < from + count; ++n) {
      out.push_back(Produced("cell-" + std::to_string(n), TestUscc(1),
                             TestCode(ProductType::kCell, 1000 + n)));
    }
    return out;
  }

  // The first two bytes of the stored body of `leaf`, in hex: "7b22" for a raw body ('{"'),
  // "01" and the dictionary id for a compressed one (store/stored_body.h).
  std::string StoredForm(uint64_t leaf) {
    const std::string n = std::to_string(leaf);
    return where_->Sql(GetParam() == Engine::kSqlite
                           ? "SELECT lower(hex(substr(body, 1, 2))) FROM report WHERE leaf = " + n
                           : "SELECT encode(substring(body from 1 for 2), 'hex') FROM report "
                             "WHERE leaf = " +
                                 n);
  }

  // Every report reads back with a body whose hash is its leaf hash.
  void ExpectEveryBodyHashesToItsLeaf(Store& store) {
    const uint64_t size = *store.TreeSize();
    uint64_t seen = 0;
    const Status st = store.ScanReports(0, [&](const StoredReport& r) {
      EXPECT_EQ(ledger::LeafHash(r.body), r.leaf_hash) << "leaf " << r.leaf_index;
      EXPECT_TRUE(nlohmann::json::parse(r.body, nullptr, false).is_object()) << r.leaf_index;
      ++seen;
      return true;
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    EXPECT_EQ(seen, size);
  }

  std::vector<ingest::ItemResult> Load(const std::vector<nlohmann::json>& reports) {
    std::vector<ingest::Item> items;
    for (size_t i = 0; i < reports.size(); ++i) {
      items.push_back({i + 1, {}, ParseReport(reports[i].dump(), {})});
    }
    const domain::Law law{*RuleSet::Default(), *LegalCalendar::Default()};
    auto results = ingest::Commit(*store_, law, ingest::Prepare(items, SystemClock().Now()));
    EXPECT_TRUE(results.ok()) << results.status().ToString();
    return results.ok() ? *results : std::vector<ingest::ItemResult>{};
  }

  // SQL that undoes migrations 12 to 14: the indexes the lists are read in order by.
  static constexpr const char* kWithoutListIndexes =
      "DROP INDEX finding_by_kind; DROP INDEX finding_by_day; DROP INDEX obligation_by_kind;"
      "DROP INDEX obligation_by_date; DROP INDEX obligation_by_due;"
      "DROP INDEX finding_by_party; DROP INDEX finding_by_department;"
      "DROP INDEX obligation_by_party; DROP INDEX obligation_by_department;"
      "DROP INDEX obligation_by_party_due;"
      "CREATE INDEX finding_known_from ON finding (known_from);";
  // PostgreSQL: SQL that makes the store's report, battery_event and vehicle_event the plain
  // tables of schema 10 again, report unique by reporter and id (undoing migration 11).
  static constexpr const char* kUnpartitioned =
      "CREATE TABLE report_flat (LIKE report); INSERT INTO report_flat SELECT * FROM report;"
      "CREATE TABLE battery_event_flat (LIKE battery_event);"
      "INSERT INTO battery_event_flat SELECT * FROM battery_event;"
      "CREATE TABLE vehicle_event_flat (LIKE vehicle_event);"
      "INSERT INTO vehicle_event_flat SELECT * FROM vehicle_event;"
      "DROP TABLE report, battery_event, vehicle_event, report_key;"
      "DROP FUNCTION battrace_partition;"
      "ALTER TABLE report_flat RENAME TO report;"
      "ALTER TABLE battery_event_flat RENAME TO battery_event;"
      "ALTER TABLE vehicle_event_flat RENAME TO vehicle_event;"
      "ALTER TABLE report ADD PRIMARY KEY (leaf);"
      "CREATE UNIQUE INDEX report_reporter_id ON report (reporter, id);"
      "CREATE INDEX report_disassembly_info ON report (leaf) "
      "WHERE type = 'model.disassembly_info';"
      "CREATE INDEX report_outbound ON report (occurred) WHERE type = 'battery.outbound';"
      "CREATE INDEX report_model_declared ON report (reporter, leaf) "
      "WHERE type = 'battery_model.declared';"
      "ALTER TABLE battery_event ADD PRIMARY KEY (code, leaf);"
      "ALTER TABLE vehicle_event ADD PRIMARY KEY (vin, leaf);";

  // Runs SQL on the store behind its back (tampering), then reopens it.
  void Tamper(const std::string& sql, bool reopen = true) {
    store_.reset();
    where_->Sql(sql);
    if (!reopen) return;
    OpenOptions o;
    auto s = OpenStore(where_->location(), o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
  }

  Status Verify() {
    auto r = VerifyLedger(*store_, key_->VerifierKey());
    return r.status();
  }

  std::vector<nlohmann::json> SmallHistory() {
    const std::string maker = TestUscc(1), oem = TestUscc(2), shop = TestUscc(3);
    const std::string c1 = TestCode(ProductType::kCell, 1), c2 = TestCode(ProductType::kCell, 2);
    const std::string m = TestCode(ProductType::kModule, 3), p = TestCode(ProductType::kPack, 4);
    const std::string vin = TestVin(7);
    return {Produced("a1", maker, c1),
            Produced("a2", maker, c2),
            Produced("a3", maker, m, {c1, c2}),
            Produced("a4", maker, p, {m}),
            {{"id", "v1"},
             {"type", "vehicle.produced"},
             {"reporter", oem},
             {"occurred", "2026-04-05"},
             {"vin", vin},
             {"vehicle_type", "passenger"},
             {"brand", "B"},
             {"model", "M"},
             {"name", "N"},
             {"packs", {p}},
             {"imported", false},
             {"swappable", false}},
            {{"id", "o1"},
             {"type", "battery.outbound"},
             {"reporter", shop},
             {"occurred", "2026-06-01"},
             {"codes", {p}},
             {"to", maker},
             {"source", "repair"}}};
  }

  std::unique_ptr<battrace::testing::TestStore> where_;
  std::optional<ledger::SigningKey> key_;
  std::unique_ptr<Store> store_;
  DictionaryPolicy dictionaries_;
};

TEST_P(StoreTest, AppendsProjectsAndProves) {
  auto results = Load(SmallHistory());
  ASSERT_EQ(results.size(), 6u);
  for (const auto& r : results)
    EXPECT_EQ(r.outcome, ingest::Outcome::kAccepted) << r.error.ToString();
  EXPECT_EQ(*store_->TreeSize(), kRegistryLeaves + 6);

  auto pack = store_->GetBattery(TestCode(ProductType::kPack, 4));
  ASSERT_TRUE(pack.ok() && pack->has_value());
  EXPECT_EQ((*pack)->status, "in_transit");
  EXPECT_EQ((*pack)->custodian, TestUscc(1));
  EXPECT_EQ((*pack)->vin, TestVin(7));
  auto cell = store_->GetBattery(TestCode(ProductType::kCell, 1));
  ASSERT_TRUE(cell.ok() && cell->has_value());
  EXPECT_EQ((*cell)->parent, TestCode(ProductType::kModule, 3));
  EXPECT_EQ(
      *store_->PartsOf(TestCode(ProductType::kModule, 3)),
      (std::vector<std::string>{TestCode(ProductType::kCell, 1), TestCode(ProductType::kCell, 2)}));
  EXPECT_EQ(*store_->BatteryHistory(TestCode(ProductType::kPack, 4)),
            (std::vector<uint64_t>{kRegistryLeaves + 3, kRegistryLeaves + 4, kRegistryLeaves + 5}));
  // The reports of each history, read in one statement, are those of its leaves in ledger order:
  // a cell's includes the battery.produced of the module it went into.
  auto pack_reports = store_->BatteryHistoryReports(TestCode(ProductType::kPack, 4));
  ASSERT_TRUE(pack_reports.ok()) << pack_reports.status().ToString();
  ASSERT_EQ(pack_reports->size(), 3u);
  EXPECT_EQ((*pack_reports)[0].id, "a4");
  EXPECT_EQ((*pack_reports)[1].id, "v1");
  EXPECT_EQ((*pack_reports)[2].id, "o1");
  EXPECT_EQ(*store_->BatteryHistory(TestCode(ProductType::kCell, 1)),
            (std::vector<uint64_t>{kRegistryLeaves + 0, kRegistryLeaves + 2}));
  for (const std::string& code :
       {TestCode(ProductType::kCell, 1), TestCode(ProductType::kModule, 3),
        TestCode(ProductType::kPack, 4)}) {
    auto reports = store_->BatteryHistoryReports(code);
    ASSERT_TRUE(reports.ok()) << reports.status().ToString();
    std::vector<uint64_t> leaves;
    for (const StoredReport& r : *reports) {
      auto at = store_->GetReportAt(r.leaf_index);
      ASSERT_TRUE(at.ok() && at->has_value());
      EXPECT_EQ(r.body, (*at)->body);
      leaves.push_back(r.leaf_index);
    }
    EXPECT_EQ(leaves, *store_->BatteryHistory(code)) << code;
  }
  EXPECT_TRUE(store_->BatteryHistoryReports(TestCode(ProductType::kPack, 9))->empty());
  EXPECT_EQ(store_->BatteriesInVehicle(TestVin(7))->size(), 1u);

  // Every leaf's inclusion proof leads to the root the tree reports.
  const uint64_t size = kRegistryLeaves + 6;
  auto root = ledger::RootAt(*store_, size);
  ASSERT_TRUE(root.ok());
  for (uint64_t i = 0; i < 6; ++i) {
    const uint64_t leaf = kRegistryLeaves + i;
    EXPECT_EQ(results[i].leaf_index, leaf);
    auto proof = ledger::InclusionProof(*store_, leaf, size);
    ASSERT_TRUE(proof.ok());
    EXPECT_TRUE(ledger::VerifyInclusion(leaf, size, results[i].leaf_hash, *proof, *root));
  }
  EXPECT_TRUE(Verify().ok()) << Verify().ToString();
}

TEST_P(StoreTest, IdempotentBySenderAndId) {
  auto first = Load(SmallHistory());
  auto again = Load(SmallHistory());
  for (size_t i = 0; i < again.size(); ++i) {
    EXPECT_EQ(again[i].outcome, ingest::Outcome::kDuplicate);
    EXPECT_EQ(again[i].leaf_index, first[i].leaf_index);
    EXPECT_EQ(again[i].leaf_hash, first[i].leaf_hash);
  }
  auto changed = SmallHistory()[0];
  changed["occurred"] = "2026-04-03";
  auto conflict = Load({changed});
  ASSERT_EQ(conflict.size(), 1u);
  EXPECT_EQ(conflict[0].outcome, ingest::Outcome::kRejected);
  EXPECT_EQ(conflict[0].error.code(), StatusCode::kConflict);
  EXPECT_EQ(*store_->TreeSize(), kRegistryLeaves + 6);
}

TEST_P(StoreTest, SurvivesReopenAndKeepsAppending) {
  Load(SmallHistory());
  Reopen();
  auto more = Load({Produced("b1", TestUscc(1), TestCode(ProductType::kCell, 99))});
  EXPECT_EQ(more[0].leaf_index, kRegistryLeaves + 6);
  ASSERT_TRUE(store_->SignCheckpoint().ok());
  EXPECT_TRUE(Verify().ok()) << Verify().ToString();
}

// Two writers on one store (two processes, as `serve` and `import`): each reads, under the write
// lock, what the other appended, numbers its leaves after them and signs checkpoints of the
// whole tree.
TEST_P(StoreTest, TwoWritersTakeTurnsOnOneStore) {
  OpenOptions o;
  o.key_path = where_->key_path();
  o.checkpoints.every_leaves = 5;
  auto other = OpenStore(where_->location(), o);
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  const std::vector<nlohmann::json> history = SmallHistory();
  const size_t half = history.size() / 2;
  auto first = Load({history.begin(), history.begin() + half});
  ASSERT_EQ(first.size(), half);

  std::vector<ingest::Item> items;
  for (size_t i = half; i < history.size(); ++i) {
    items.push_back({i + 1, {}, ParseReport(history[i].dump(), {})});
  }
  const domain::Law law{*RuleSet::Default(), *LegalCalendar::Default()};
  auto second = ingest::Commit(**other, law, ingest::Prepare(items, SystemClock().Now()));
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ((*second)[0].leaf_index, kRegistryLeaves + half);
  ASSERT_TRUE((*other)->SignCheckpoint().ok());

  // The first writer goes on after the other's leaves, and signs the whole tree.
  nlohmann::json more = Produced("z1", TestUscc(1), TestCode(ProductType::kCell, 99));
  auto third = Load({more});
  ASSERT_EQ(third.size(), 1u);
  EXPECT_EQ(third[0].outcome, ingest::Outcome::kAccepted) << third[0].error.ToString();
  EXPECT_EQ(third[0].leaf_index, kRegistryLeaves + history.size());
  auto cp = store_->SignCheckpoint();
  ASSERT_TRUE(cp.ok()) << cp.status().ToString();
  EXPECT_EQ(cp->size, kRegistryLeaves + history.size() + 1);
  EXPECT_TRUE(Verify().ok()) << Verify().ToString();
}

TEST_P(StoreTest, RegistryChangesAreLeavesAndTheCurrentRecordIsTheLatest) {
  const auto row = [](const std::string& division) {
    auto parsed = ParseRegistryRecord(R"({"kind":"enterprise","uscc":")" + TestUscc(1) +
                                      R"(","name":"cells","roles":["battery_maker"],)"
                                      R"("division":")" +
                                      division + R"(","manufacturer_codes":["0A1"]})");
    return ToRegistryRow(*parsed);
  };
  // SetUp recorded three enterprises as leaves 0-2; the same record again appends nothing.
  ASSERT_EQ(*store_->TreeSize(), kRegistryLeaves);
  auto again = PutRegistry(*store_, {row("440300")}, kEffective, 0);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(*again, 0u);
  auto changed = PutRegistry(*store_, {row("440305")}, *Date::Parse("2026-05-01"), 7);
  ASSERT_TRUE(changed.ok()) << changed.status().ToString();
  EXPECT_EQ(*changed, 1u);
  auto stored = store_->GetRegistry("enterprise", TestUscc(1));
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->division, "440305");
  auto leaf = store_->GetReportAt(3);
  ASSERT_TRUE(leaf.ok() && leaf->has_value());
  EXPECT_EQ((*leaf)->type, "registry.enterprise");
  EXPECT_EQ((*leaf)->reporter, "platform");
  EXPECT_EQ((*leaf)->id, "enterprise/" + TestUscc(1) + "/2");
  EXPECT_EQ((*leaf)->occurred, "2026-05-01");
  auto change = ParseRegistryLeaf((*leaf)->body);
  ASSERT_TRUE(change.ok()) << change.status().ToString();
  EXPECT_EQ(change->row.record, row("440305").record);
  EXPECT_EQ(change->reported, 7);
  EXPECT_FALSE(store_->GetRegistry("regulator", TestUscc(1))->has_value());
  EXPECT_TRUE(Verify().ok()) << Verify().ToString();
}

// A report is judged against the registry as it stood on its date: the battery maker became a
// recycler from 2026-07-01 (recorded before either report arrived), so it may file a
// battery.produced that occurred in April, not one that occurred in August.
TEST_P(StoreTest, AuthorizesAgainstTheRegistryOfTheReportsDate) {
  auto recycler = ParseRegistryRecord(R"({"kind":"enterprise","uscc":")" + TestUscc(1) +
                                      R"(","name":"cells","roles":["recycler"],)"
                                      R"("division":"440300"})");
  ASSERT_TRUE(recycler.ok()) << recycler.status().ToString();
  ASSERT_TRUE(PutRegistry(*store_, {ToRegistryRow(*recycler)}, *Date::Parse("2026-07-01"), 0).ok());
  auto april = Produced("p1", TestUscc(1), TestCode(ProductType::kCell, 1));
  auto august = Produced("p2", TestUscc(1), TestCode(ProductType::kCell, 2));
  august["occurred"] = "2026-08-01";
  auto results = Load({april, august});
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].outcome, ingest::Outcome::kAccepted) << results[0].error.ToString();
  EXPECT_EQ(results[1].outcome, ingest::Outcome::kRejected);
}

// Findings too: a recycler whose qualifications expired on 2026-05-31 had them extended from
// 2026-07-01 (recorded before the reports arrived). Its receipt of 2026-06-15 is judged on the
// registry of that day (unqualified), its receipt of 2026-07-15 on the extended one.
TEST_P(StoreTest, JudgesFindingsAgainstTheRegistryOfTheReportsDate) {
  const auto recycler = [](const std::string& valid_to) {
    std::string qualifications;
    for (const char* type : {"investment_filing", "eia", "discharge_permit"}) {
      if (!qualifications.empty()) qualifications += ",";
      qualifications += std::string(R"({"type":")") + type +
                        R"(","valid_from":"2025-01-01","valid_to":")" + valid_to + R"("})";
    }
    auto parsed = ParseRegistryRecord(R"({"kind":"enterprise","uscc":")" + TestUscc(4) +
                                      R"(","name":"recycling","roles":["recycler"],)"
                                      R"("division":"440300","qualifications":[)" +
                                      qualifications + "]}");
    EXPECT_TRUE(parsed.ok()) << parsed.status().ToString();
    return ToRegistryRow(*parsed);
  };
  ASSERT_TRUE(PutRegistry(*store_, {recycler("2026-05-31")}, kEffective, 0).ok());
  ASSERT_TRUE(PutRegistry(*store_, {recycler("2028-12-31")}, *Date::Parse("2026-07-01"), 0).ok());
  const auto inbound = [](const std::string& id, const std::string& occurred, int code) {
    return nlohmann::json{{"id", id},
                          {"type", "battery.inbound"},
                          {"reporter", TestUscc(4)},
                          {"occurred", occurred},
                          {"codes", {TestCode(ProductType::kPack, code)}},
                          {"from", TestUscc(3)}};
  };
  auto results = Load({inbound("in-june", "2026-06-15", 1), inbound("in-july", "2026-07-15", 2)});
  ASSERT_EQ(results.size(), 2u);
  for (const auto& r : results)
    ASSERT_EQ(r.outcome, ingest::Outcome::kAccepted) << r.error.ToString();
  FindingFilter unqualified;
  unqualified.kind = "unqualified_recycler";
  auto findings = store_->Findings(*Date::Parse("2026-12-31"), unqualified, FindingSort::kKind,
                                   std::nullopt, SIZE_MAX);
  ASSERT_TRUE(findings.ok()) << findings.status().ToString();
  ASSERT_EQ(findings->items.size(), 3u);  // one per qualification type
  for (const domain::Finding& f : findings->items) {
    EXPECT_EQ(f.evidence, std::vector<std::string>{TestUscc(4) + "/in-june"});
  }
}

TEST_P(StoreTest, RefusesAStoreFromANewerVersion) {
  Tamper("UPDATE meta SET value = '999' WHERE key = 'schema_version'", false);
  auto s = OpenStore(where_->location(), {});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(s.status().message().find("newer"), std::string::npos);
}

TEST_P(StoreTest, VerifyNamesAChangedByte) {
  Load(SmallHistory());
  ASSERT_TRUE(store_->SignCheckpoint().ok());
  Tamper(GetParam() == Engine::kSqlite
             ? "UPDATE report SET body = replace(body, '2026-04-05', '2026-04-06') WHERE leaf = 7"
             : "UPDATE report SET body = convert_to(replace(convert_from(body, 'UTF8'), "
               "'2026-04-05', '2026-04-06'), 'UTF8') WHERE leaf = 7");
  const Status st = Verify();
  EXPECT_EQ(st.code(), StatusCode::kCorruption);
  EXPECT_NE(st.message().find("leaf 7"), std::string::npos) << st.message();
}

TEST_P(StoreTest, VerifyNamesADroppedRow) {
  Load(SmallHistory());
  ASSERT_TRUE(store_->SignCheckpoint().ok());
  Tamper("DELETE FROM report WHERE leaf = 5");
  const Status st = Verify();
  EXPECT_EQ(st.code(), StatusCode::kCorruption);
  EXPECT_NE(st.message().find("leaf 5 is missing"), std::string::npos) << st.message();
}

// PostgreSQL keeps (reporter, id) unique in report_key: verify compares it with the reports,
// both ways.
TEST_P(StoreTest, VerifyNamesAReportKeyDroppedOrRepointed) {
  if (GetParam() != Engine::kPostgres) GTEST_SKIP() << "an embedded store has no report_key";
  Load(SmallHistory());
  ASSERT_TRUE(store_->SignCheckpoint().ok());
  Tamper("DELETE FROM report_key WHERE leaf = 5");
  Status st = Verify();
  EXPECT_EQ(st.code(), StatusCode::kCorruption);
  EXPECT_NE(st.message().find("leaf 5 ("), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("could be stored again"), std::string::npos) << st.message();
  Tamper(
      "INSERT INTO report_key (reporter, id, leaf) SELECT reporter, id, 5 FROM report WHERE "
      "leaf = 5; UPDATE report_key SET leaf = 99 WHERE leaf = 5");
  st = Verify();
  EXPECT_EQ(st.code(), StatusCode::kCorruption);
  EXPECT_NE(st.message().find("leaf 5 ("), std::string::npos) << st.message();
  Tamper(
      "UPDATE report_key SET leaf = 5 WHERE leaf = 99; INSERT INTO report_key (reporter, id, "
      "leaf) VALUES ('91110000MA0000000X', 'stray', 7)");
  st = Verify();
  EXPECT_EQ(st.code(), StatusCode::kCorruption);
  EXPECT_NE(st.message().find("report_key names leaf 7 for 91110000MA0000000X / stray"),
            std::string::npos)
      << st.message();
  Tamper("DELETE FROM report_key WHERE id = 'stray'");
  EXPECT_TRUE(Verify().ok());
}

TEST_P(StoreTest, VerifyCatchesReorderedLeaves) {
  Load(SmallHistory());
  ASSERT_TRUE(store_->SignCheckpoint().ok());
  Tamper(
      // By way of a leaf far past the tree's end, inside the first partition on PostgreSQL.
      "UPDATE report SET leaf = 1000000 WHERE leaf = 4; UPDATE report SET leaf = 4 WHERE leaf = 5;"
      "UPDATE report SET leaf = 5 WHERE leaf = 1000000;");
  const Status st = Verify();
  EXPECT_EQ(st.code(), StatusCode::kCorruption);
  // The first checkpoint over the swapped leaves is named, with the range it covers (the one
  // at size 3, after the registry leaves, still verifies).
  EXPECT_NE(st.message().find("checkpoint at size 9"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("leaves 3 to 8"), std::string::npos) << st.message();
}

TEST_P(StoreTest, VerifyCatchesAForgedCheckpoint) {
  Load(SmallHistory());
  ASSERT_TRUE(store_->SignCheckpoint().ok());
  Tamper("UPDATE checkpoint SET note = replace(note, 'test.battrace', 'evil.battrace')");
  const Status st = Verify();
  EXPECT_EQ(st.code(), StatusCode::kCorruption);
  EXPECT_NE(st.message().find("checkpoint"), std::string::npos) << st.message();
}

// Witness cosignatures are appended to a stored note (serve --witness): once per witness key,
// from a reader connection too, and the ledger still verifies.
TEST_P(StoreTest, AddsCheckpointSignaturesOncePerKey) {
  Load(SmallHistory());
  auto cp = store_->SignCheckpoint();
  ASSERT_TRUE(cp.ok()) << cp.status().ToString();
  const std::string body(*ledger::OpenNote(cp->note, key_->verifier()));
  const auto witness = *ledger::SigningKey::Generate("witness.test/w1");
  const std::string line = ledger::Cosign(witness, body, 1700000000);

  auto reader = OpenStore(where_->location(), OpenOptions{});
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  ASSERT_TRUE((*reader)->AddCheckpointSignatures(cp->size, line).ok());
  // Again, and with a later cosignature by the same key: nothing changes.
  ASSERT_TRUE((*reader)->AddCheckpointSignatures(cp->size, line).ok());
  ASSERT_TRUE(
      (*reader)->AddCheckpointSignatures(cp->size, ledger::Cosign(witness, body, 1700000001)).ok());
  auto latest = store_->LatestCheckpoint();
  ASSERT_TRUE(latest.ok() && *latest);
  EXPECT_EQ((*latest)->note, cp->note + line);
  const std::vector<ledger::Verifier> cosigners = {witness.CosignerVerifier()};
  EXPECT_EQ(*ledger::CountCosignatures((*latest)->note, cosigners), 1u);
  EXPECT_TRUE(Verify().ok()) << Verify().ToString();

  const Status missing = store_->AddCheckpointSignatures(cp->size + 1, line);
  EXPECT_EQ(missing.code(), StatusCode::kNotFound);
  const Status junk = store_->AddCheckpointSignatures(cp->size, "not a signature line\n");
  EXPECT_EQ(junk.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ((*store_->LatestCheckpoint())->note, cp->note + line);
}

// A server's connection is lost when PostgreSQL restarts or fails over: the store connects
// again and goes on, reading and writing.
TEST_P(StoreTest, GoesOnAfterLosingItsConnection) {
  if (GetParam() != Engine::kPostgres) GTEST_SKIP() << "an embedded store has no connection";
  Load(SmallHistory());
  where_->Sql(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
      "WHERE datname = current_database() AND pid <> pg_backend_pid()");
  auto size = store_->TreeSize();
  ASSERT_TRUE(size.ok()) << size.status().ToString();
  EXPECT_EQ(*size, kRegistryLeaves + 6);
  auto more = Load({Produced("b1", TestUscc(1), TestCode(ProductType::kCell, 99))});
  ASSERT_EQ(more.size(), 1u);
  EXPECT_EQ(more[0].outcome, ingest::Outcome::kAccepted) << more[0].error.ToString();
  EXPECT_EQ(more[0].leaf_index, kRegistryLeaves + 6);
  ASSERT_TRUE(store_->SignCheckpoint().ok());
  EXPECT_TRUE(Verify().ok()) << Verify().ToString();
}

// `battrace migrate`: an embedded store moved into PostgreSQL keeps its ledger (size, root,
// checkpoints), projections, findings, tokens and audit trail, and goes on taking reports.
TEST_P(StoreTest, MigratesAnEmbeddedStoreIntoPostgres) {
  if (GetParam() != Engine::kSqlite) GTEST_SKIP() << "the source is an embedded store";
  battrace::testing::TestStore target(Engine::kPostgres, "migrate-test");
  if (!target.available()) GTEST_SKIP() << "BATTRACE_TEST_PG names no PostgreSQL cluster";
  Load(SmallHistory());
  ASSERT_TRUE(store_->SignCheckpoint().ok());
  TokenRow token;
  token.hash = ledger::LeafHash("a token");
  token.principal = "admin";
  token.expires = 1;
  ASSERT_TRUE(store_->PutToken(token).ok());
  std::vector<AuditEntry> audit(1);
  audit[0].principal = "admin";
  audit[0].record = "battery:" + TestCode(ProductType::kPack, 4);
  ASSERT_TRUE(store_->AppendAudit(audit).ok());
  const Date day = *Date::Parse("2026-12-31");
  // Findings and the pack's row, as JSON and as the fields the lookups show.
  auto shown = [&] {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    const auto findings = store_->Findings(day, {}, FindingSort::kKind, std::nullopt, SIZE_MAX);
    EXPECT_TRUE(findings.ok()) << findings.status().ToString();
    for (const domain::Finding& f : findings->items)
      out.push_back(domain::FindingToJson(f));
    const auto pack = *store_->GetBattery(TestCode(ProductType::kPack, 4));
    out.push_back({pack->status, *pack->custodian, *pack->vin, pack->produced_leaf,
                   pack->updated_leaf, pack->id_complete});
    return out;
  };
  const nlohmann::ordered_json before = shown();
  const auto root = *ledger::RootAt(*store_, kRegistryLeaves + 6);
  store_.reset();

  // Partitions of 4 leaves: the rows land across several (schema migration 11).
  auto moved = MigrateSqliteToPostgres(where_->location().db, target.location().pg, 4);
  ASSERT_TRUE(moved.ok()) << moved.status().ToString();
  EXPECT_EQ(moved->reports, kRegistryLeaves + 6);
  EXPECT_EQ(moved->root, root);
  EXPECT_EQ(target.Sql("SELECT value FROM meta WHERE key = 'partition_leaves'"), "4");
  EXPECT_EQ(target.Sql("SELECT count(DISTINCT tableoid) FROM report"),
            std::to_string((kRegistryLeaves + 6 + 3) / 4));
  // Into a database that holds a store already: refused, nothing changed.
  auto again = MigrateSqliteToPostgres(where_->location().db, target.location().pg, std::nullopt);
  EXPECT_EQ(again.status().code(), StatusCode::kFailedPrecondition);

  OpenOptions o;
  o.key_path = where_->key_path();
  auto opened = OpenStore(target.location(), o);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  store_ = std::move(opened).value();
  EXPECT_EQ(*store_->TreeSize(), kRegistryLeaves + 6);
  EXPECT_EQ(*ledger::RootAt(*store_, kRegistryLeaves + 6), root);
  EXPECT_EQ(shown(), before);
  EXPECT_TRUE(store_->FindToken(token.hash)->has_value());
  ASSERT_EQ(store_->ListAudit({.from = 0, .limit = 10})->size(), 1u);
  EXPECT_EQ((*store_->ListAudit({.from = 0, .limit = 10}))[0].hash, audit[0].hash);
  auto more = Load({Produced("b1", TestUscc(1), TestCode(ProductType::kCell, 99))});
  ASSERT_EQ(more.size(), 1u);
  EXPECT_EQ(more[0].leaf_index, kRegistryLeaves + 6);
  ASSERT_TRUE(store_->SignCheckpoint().ok());
  EXPECT_TRUE(Verify().ok()) << Verify().ToString();
}

// The commit that brings the ledger to a stage trains a dictionary on it (store/stored_body.h);
// the bodies appended after it are compressed with it, those before stay raw, and every body
// reads back as its leaf hash says, through this connection, a reader's and verify.
TEST_P(StoreTest, TrainsDictionariesAndCompressesTheBodiesAppendedAfter) {
  SmallDictionaries();
  Load(Cells(0, 15));  // 18 leaves with the registry's three
  EXPECT_EQ(where_->Sql("SELECT COUNT(*) FROM body_dictionary"), "0");
  Load(Cells(15, 10));  // 28: past 20, this commit trains
  EXPECT_EQ(where_->Sql("SELECT COUNT(*) FROM body_dictionary"), "1");
  EXPECT_EQ(where_->Sql("SELECT trained_at_leaf FROM body_dictionary WHERE id = 1"), "28");
  EXPECT_EQ(StoredForm(0), "7b22");
  EXPECT_EQ(StoredForm(27), "7b22");
  Load(Cells(25, 10));  // 38
  EXPECT_EQ(StoredForm(28), "0101");
  EXPECT_EQ(StoredForm(37), "0101");
  EXPECT_EQ(where_->Sql("SELECT COUNT(*) FROM body_dictionary"), "1");
  Load(Cells(35, 10));  // 48: past 40, the next stage
  EXPECT_EQ(where_->Sql("SELECT MAX(id) FROM body_dictionary"), "2");
  EXPECT_EQ(where_->Sql("SELECT trained_at_leaf FROM body_dictionary WHERE id = 2"), "48");
  const uint64_t history = *store_->TreeSize();
  Load(SmallHistory());
  EXPECT_EQ(StoredForm(history), "0102");
  // Each compressed cell report is smaller than any raw one.
  EXPECT_LT(std::stoul(where_->Sql("SELECT MAX(length(body)) FROM report WHERE leaf >= 28 AND "
                                   "leaf < " +
                                   std::to_string(history))),
            std::stoul(where_->Sql("SELECT MIN(length(body)) FROM report WHERE leaf >= 3 AND "
                                   "leaf < 28")));

  ExpectEveryBodyHashesToItsLeaf(*store_);
  // The outbound report's body is read decoded for the flows, a declaration's for the models.
  auto flows = store_->TallyHandovers(std::nullopt, std::nullopt);
  ASSERT_TRUE(flows.ok()) << flows.status().ToString();
  ASSERT_EQ(flows->size(), 1u);
  EXPECT_EQ((*flows)[0].sender, TestUscc(3));
  EXPECT_EQ((*flows)[0].receiver, TestUscc(1));
  EXPECT_EQ((*flows)[0].batteries, 1u);
  ASSERT_TRUE(store_->SignCheckpoint().ok());
  EXPECT_TRUE(Verify().ok()) << Verify().ToString();
  auto reader = OpenStore(where_->location(), OpenOptions{});
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  ExpectEveryBodyHashesToItsLeaf(**reader);
  EXPECT_TRUE(VerifyLedger(**reader, key_->VerifierKey()).ok());
}

// Two writers on one store: the one that did not train compresses with the dictionary the other
// trained, and trains none of its own for the same stage.
TEST_P(StoreTest, AWriterCompressesWithTheDictionaryAnotherTrained) {
  SmallDictionaries();
  auto other = OpenStore(where_->location(), Writer());
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  Load(Cells(0, 25));  // 28 leaves: this writer trains
  std::vector<ingest::Item> items;
  for (const nlohmann::json& r : Cells(25, 5))
    items.push_back({items.size() + 1, {}, ParseReport(r.dump(), {})});
  const domain::Law law{*RuleSet::Default(), *LegalCalendar::Default()};
  auto second = ingest::Commit(**other, law, ingest::Prepare(items, SystemClock().Now()));
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ((*second)[0].leaf_index, 28u);
  EXPECT_EQ(StoredForm(28), "0101");
  EXPECT_EQ(StoredForm(32), "0101");
  EXPECT_EQ(where_->Sql("SELECT COUNT(*) FROM body_dictionary"), "1");
  ExpectEveryBodyHashesToItsLeaf(**other);
}

// A damaged compressed body: its read is a Corruption naming the leaf, and so is verify.
TEST_P(StoreTest, VerifyNamesTheLeafOfADamagedCompressedBody) {
  SmallDictionaries();
  Load(Cells(0, 25));
  Load(Cells(25, 10));
  ASSERT_TRUE(store_->SignCheckpoint().ok());
  ASSERT_EQ(StoredForm(30), "0101");
  const bool sqlite = GetParam() == Engine::kSqlite;
  // Its dictionary id turned into one the store does not hold.
  Tamper(sqlite ? "UPDATE report SET body = CAST(X'0109' || substr(body, 3) AS BLOB) "
                  "WHERE leaf = 30"
                : "UPDATE report SET body = '\\x0109'::bytea || substring(body from 3) "
                  "WHERE leaf = 30");
  ASSERT_EQ(StoredForm(30), "0109");
  auto read = store_->GetReportAt(30);
  EXPECT_EQ(read.status().code(), StatusCode::kCorruption);
  EXPECT_NE(read.status().message().find("leaf 30: "), std::string::npos)
      << read.status().ToString();
  Status st = Verify();
  EXPECT_EQ(st.code(), StatusCode::kCorruption);
  EXPECT_NE(st.message().find("leaf 30"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("dictionary 9"), std::string::npos) << st.message();
  // Back to dictionary 1, and one byte of the frame changed: it decodes to other bytes, or not
  // at all; either way verify names the leaf.
  Tamper(sqlite ? "UPDATE report SET body = CAST(X'0101' || substr(body, 3, 8) || "
                  "CASE WHEN substr(body, 11, 1) = X'FF' THEN X'00' ELSE X'FF' END || "
                  "substr(body, 12) AS BLOB) WHERE leaf = 30"
                : "UPDATE report SET body = set_byte(set_byte(body, 1, 1), 10, "
                  "get_byte(body, 10) # 255) WHERE leaf = 30");
  st = Verify();
  EXPECT_EQ(st.code(), StatusCode::kCorruption);
  EXPECT_NE(st.message().find("leaf 30"), std::string::npos) << st.message();
}

// Migration 10: a store of schema 9 (without what migrations 10 to 12 add) keeps its bodies as they
// are (no rewrite on SQLite; on PostgreSQL the column becomes BYTEA with the same bytes), reads and
// verifies them, and compresses what it appends once it has trained a dictionary.
TEST_P(StoreTest, MigratesAVersion9StoreKeepingItsBodiesAsTheyAre) {
  Load(SmallHistory());
  ASSERT_TRUE(store_->SignCheckpoint().ok());
  const std::string body = (*store_->GetReportAt(5))->body;
  store_.reset();
  where_->Sql(std::string(kWithoutListIndexes) + "DROP TABLE body_dictionary;" +
              (GetParam() == Engine::kSqlite
                   ? "UPDATE report SET body = CAST(body AS TEXT);"
                   : std::string(kUnpartitioned) +
                         "DELETE FROM meta WHERE key = 'partition_leaves';"
                         "ALTER TABLE report ALTER COLUMN body TYPE TEXT COLLATE \"C\" "
                         "USING convert_from(body, 'UTF8');") +
              "UPDATE meta SET value = '9' WHERE key = 'schema_version'");
  SmallDictionaries();
  EXPECT_EQ(where_->Sql("SELECT value FROM meta WHERE key = 'schema_version'"),
            std::to_string(LatestSchemaVersion()));
  if (GetParam() == Engine::kSqlite) {
    EXPECT_EQ(where_->Sql("SELECT typeof(body) FROM report WHERE leaf = 5"), "text");
  }
  EXPECT_EQ((*store_->GetReportAt(5))->body, body);
  EXPECT_TRUE(Verify().ok()) << Verify().ToString();
  Load(Cells(0, 20));  // 29 leaves: trains
  Load(Cells(20, 5));
  EXPECT_EQ(StoredForm(5), "7b22");
  EXPECT_EQ(StoredForm(30), "0101");
  ExpectEveryBodyHashesToItsLeaf(*store_);
  ASSERT_TRUE(store_->SignCheckpoint().ok());
  EXPECT_TRUE(Verify().ok()) << Verify().ToString();
}

// Migration 11 on PostgreSQL: a store of schema 10 (without migration 12's indexes; report,
// battery_event and vehicle_event plain tables, report unique by reporter and id) is rewritten into
// partitions of meta('partition_leaves') leaves. It keeps every row and verifies, finds a report
// sent again a duplicate whichever partition holds it, and the writer makes the next partition when
// a batch's leaves reach past the last one.
TEST_P(StoreTest, MigratesAVersion10PostgresStoreIntoPartitions) {
  if (GetParam() != Engine::kPostgres) GTEST_SKIP() << "SQLite's tables are not partitioned";
  const std::vector<nlohmann::json> cells = Cells(0, 30);
  Load(cells);  // leaves 3 to 32
  ASSERT_TRUE(store_->SignCheckpoint().ok());
  const std::string note = (*store_->LatestCheckpoint())->note;
  store_.reset();
  // The tables as schema 10 has them; the partitions to come 10 leaves wide.
  where_->Sql(std::string(kWithoutListIndexes) + kUnpartitioned +
              "UPDATE meta SET value = '10' WHERE key = 'partition_leaves';"
              "UPDATE meta SET value = '10' WHERE key = 'schema_version'");
  ASSERT_EQ(where_->Sql("SELECT relkind FROM pg_class WHERE relname = 'report'"), "r");
  Reopen();
  EXPECT_EQ(where_->Sql("SELECT value FROM meta WHERE key = 'schema_version'"),
            std::to_string(LatestSchemaVersion()));
  const std::string partitions =
      "SELECT string_agg(c.relname || ':' || "
      "(SELECT count(*) FROM report r WHERE r.tableoid = c.oid), ' ' ORDER BY c.relname) "
      "FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
      "WHERE i.inhparent = 'report'::regclass";
  EXPECT_EQ(where_->Sql(partitions), "report_p0:10 report_p1:10 report_p2:10 report_p3:3");
  EXPECT_EQ(where_->Sql("SELECT count(*) FROM report_key"), "33");
  // The history tables in the same ranges (a cell's production indexes no battery_event row).
  const std::string history_partitions =
      "SELECT string_agg(inhrelid::regclass::text, ' ' ORDER BY inhrelid::regclass::text) "
      "FROM pg_inherits WHERE inhparent IN ('battery_event'::regclass, "
      "'vehicle_event'::regclass)";
  EXPECT_EQ(where_->Sql(history_partitions),
            "battery_event_p0 battery_event_p1 battery_event_p2 battery_event_p3 "
            "vehicle_event_p0 vehicle_event_p1 vehicle_event_p2 vehicle_event_p3");
  EXPECT_EQ((*store_->LatestCheckpoint())->note, note);
  EXPECT_TRUE(Verify().ok()) << Verify().ToString();

  // Sent again: each a duplicate with its leaf, in whichever partition.
  const std::vector<ingest::ItemResult> again = Load(cells);
  ASSERT_EQ(again.size(), cells.size());
  for (size_t i = 0; i < again.size(); ++i) {
    EXPECT_EQ(again[i].outcome, ingest::Outcome::kDuplicate) << i;
    EXPECT_EQ(again[i].leaf_index, kRegistryLeaves + i);
  }
  // Ten more: leaves 33 to 42, the last three in a partition the writer makes.
  Load(Cells(30, 10));
  EXPECT_EQ(where_->Sql(partitions),
            "report_p0:10 report_p1:10 report_p2:10 report_p3:10 report_p4:3");
  EXPECT_NE(where_->Sql(history_partitions).find("battery_event_p4"), std::string::npos);
  EXPECT_NE(where_->Sql(history_partitions).find("vehicle_event_p4"), std::string::npos);
  auto late = store_->GetReport(TestUscc(1), "cell-39");
  ASSERT_TRUE(late.ok() && *late) << late.status().ToString();
  EXPECT_EQ((*late)->leaf_index, 42u);
  ExpectEveryBodyHashesToItsLeaf(*store_);
  ASSERT_TRUE(store_->SignCheckpoint().ok());
  EXPECT_TRUE(Verify().ok()) << Verify().ToString();
}

// `battrace migrate` of a store holding raw text bodies (from before schema 10), raw blobs and
// compressed ones: PostgreSQL gets the same bytes, decodes them with the dictionary it got with
// them, and compresses what it appends with it.
TEST_P(StoreTest, MigratesCompressedBodiesIntoPostgres) {
  if (GetParam() != Engine::kSqlite) GTEST_SKIP() << "the source is an embedded store";
  battrace::testing::TestStore target(Engine::kPostgres, "migrate-bodies-test");
  if (!target.available()) GTEST_SKIP() << "BATTRACE_TEST_PG names no PostgreSQL cluster";
  SmallDictionaries();
  Load(Cells(0, 25));
  Load(Cells(25, 10));
  ASSERT_TRUE(store_->SignCheckpoint().ok());
  store_.reset();
  where_->Sql("UPDATE report SET body = CAST(body AS TEXT) WHERE leaf < 10");
  auto moved = MigrateSqliteToPostgres(where_->location().db, target.location().pg, std::nullopt);
  ASSERT_TRUE(moved.ok()) << moved.status().ToString();
  EXPECT_EQ(moved->reports, 38u);

  auto opened = OpenStore(target.location(), Writer());
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  store_ = std::move(opened).value();
  ExpectEveryBodyHashesToItsLeaf(*store_);
  EXPECT_TRUE(Verify().ok()) << Verify().ToString();
  Load(Cells(35, 1));  // 39 leaves: still the first stage
  EXPECT_EQ(target.Sql("SELECT encode(substring(body from 1 for 2), 'hex') FROM report "
                       "WHERE leaf = 38"),
            "0101");
  EXPECT_EQ(target.Sql("SELECT COUNT(*) FROM body_dictionary"), "1");
  ExpectEveryBodyHashesToItsLeaf(*store_);
}

BATTRACE_BOTH_ENGINES(StoreTest);

}  // namespace
}  // namespace battrace::store
