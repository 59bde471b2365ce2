// The store's part of the rules engine: outlets, models, duties, findings and sales written by
// WriteTxn::Apply, and the as-of queries Store::Findings and Store::Obligations
// (docs/findings.md). Effects are built by hand here, as the engine would produce them.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>

#include "../fixtures.h"
#include "domain/registry.h"
#include "engines.h"
#include "ledger/checkpoint.h"
#include "ledger/hash.h"
#include "store/findings_query.h"
#include "store/open.h"
#include "store/registry_leaf.h"
#include "store/schema.h"

namespace battrace::store {
namespace {

using battrace::testing::Engine;
using battrace::testing::TestCode;
using battrace::testing::TestUscc;

Instant At(const std::string& rfc3339) {
  auto t = ParseTimestamp(rfc3339);
  EXPECT_TRUE(t.ok()) << rfc3339;
  return t.ok() ? *t : 0;
}

Date Day(const std::string& ymd) {
  return *Date::Parse(ymd);
}

const domain::Authority kMiitShenzhen{"MIIT", "440300"};

domain::Duty MakeDuty(const std::string& party, const std::string& subject,
                      const std::string& evidence, const std::string& due,
                      const std::string& duty = "24.6b",
                      const std::string& fulfils = "battery.inbound") {
  domain::Duty d;
  d.kind = duty == "12" ? "missing_digital_id" : "overdue_report";
  d.duty = duty;
  d.article = duty;
  d.party = party;
  d.subject = subject;
  d.fulfils = fulfils;
  d.anchor = Day(due).AddDays(-15);
  d.due = Day(due);
  d.evidence = evidence;
  d.authority = kMiitShenzhen;
  d.detail = "no " + fulfils + " of " + subject;
  return d;
}

domain::Finding MakeFinding(const std::string& kind, const std::string& party,
                            const std::string& subject, std::vector<std::string> evidence,
                            domain::Authority authority = kMiitShenzhen) {
  domain::Finding f;
  f.kind = kind;
  f.article = "10";
  f.party = party;
  f.subject = subject;
  f.evidence = std::move(evidence);
  f.authority = std::move(authority);
  f.detail = kind + " of " + subject;
  return f;
}

// One report of a batch: appended as a leaf by `reporter` with `id`, then its effects applied.
struct Item {
  std::string reporter, id;
  domain::Effects effects;
};

class JudgmentStoreTest : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    where_ = std::make_unique<battrace::testing::TestStore>(GetParam(), "judgment-test");
    if (!where_->available()) GTEST_SKIP() << "BATTRACE_TEST_PG names no PostgreSQL cluster";
    auto key = ledger::SigningKey::Generate("test.battrace/ledger");
    ASSERT_TRUE(key.ok());
    ASSERT_TRUE(key->WriteFile(where_->key_path()).ok());
  }
  void TearDown() override {
    store_.reset();
    where_.reset();
  }

  void Open(bool create = true) {
    store_.reset();
    OpenOptions o;
    o.create = create;
    o.key_path = where_->key_path();
    auto s = OpenStore(where_->location(), o, "test.battrace/ledger");
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
  }

  // A store written by an older binary was left to the umask (0644 here); the newer one opens
  // it to write only once the operator has made it private (docs/operations.md, 5.1).
  void MakeStoreFilePrivate() {
    if (where_->location().db.empty()) return;
    std::filesystem::permissions(where_->location().db, std::filesystem::perms::owner_read |
                                                            std::filesystem::perms::owner_write);
  }

  // Appends and applies `items` in one transaction.
  void Write(std::vector<Item> items) {
    auto txn = store_->BeginWrite();
    ASSERT_TRUE(txn.ok()) << txn.status().ToString();
    for (Item& item : items) {
      LeafInput in;
      in.reporter = item.reporter;
      in.id = item.id;
      in.type = "battery.inbound";
      in.occurred = "2026-06-01";
      in.reported = item.effects.at;
      in.body = nlohmann::json{{"reporter", item.reporter}, {"id", item.id}}.dump();
      in.leaf_hash = ledger::LeafHash(in.body);
      in.content_hash = in.leaf_hash;
      auto appended = (*txn)->Append(in);
      ASSERT_TRUE(appended.ok()) << appended.status().ToString();
      ASSERT_EQ(appended->outcome, AppendOutcome::kAccepted) << item.id;
      Status st = (*txn)->Apply(std::move(item.effects), appended->leaf_index);
      ASSERT_TRUE(st.ok()) << st.ToString();
    }
    Status st = (*txn)->Commit();
    ASSERT_TRUE(st.ok()) << st.ToString();
  }

  void Register(const std::vector<nlohmann::json>& records) {
    std::vector<RegistryRow> rows;
    for (const auto& j : records) {
      auto r = ParseRegistryRecord(j.dump());
      ASSERT_TRUE(r.ok()) << r.status().ToString() << " " << j.dump();
      const nlohmann::json stored = RegistryRecordToJson(*r);
      if (const auto* e = std::get_if<Enterprise>(&*r)) {
        rows.push_back({"enterprise", e->uscc.str(), e->division.code(), stored.dump()});
      } else {
        const auto& g = std::get<Regulator>(*r);
        rows.push_back({"regulator", g.id, g.division.code(), stored.dump()});
      }
    }
    auto stored = PutRegistry(*store_, rows, *Date::Parse("2026-01-01"), 0);
    ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  }

  static nlohmann::json EnterpriseRecord(const std::string& uscc, const std::string& division,
                                         const std::string& role = "battery_maker",
                                         std::vector<std::string> successor_of = {}) {
    return {{"kind", "enterprise"}, {"uscc", uscc},
            {"name", "E " + uscc},  {"roles", std::vector<std::string>{role}},
            {"division", division}, {"successor_of", successor_of}};
  }
  static nlohmann::json RegulatorRecord(const std::string& department,
                                        const std::string& division) {
    return {{"kind", "regulator"},
            {"id", department + "-" + division},
            {"department", department},
            {"division", division}};
  }

  std::vector<domain::Finding> FindingsAsOf(const std::string& day, FindingFilter filter = {}) {
    auto r = store_->Findings(Day(day), filter, FindingSort::kKind, std::nullopt, SIZE_MAX);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->items : std::vector<domain::Finding>{};
  }
  std::vector<domain::Duty> ObligationsAsOf(const std::string& day,
                                            std::optional<std::string> party = std::nullopt,
                                            std::optional<std::string> division = std::nullopt) {
    store::ObligationFilter filter;
    filter.party = std::move(party);
    filter.division = std::move(division);
    auto r = store_->Obligations(Day(day), filter, DutySort::kDue, std::nullopt, SIZE_MAX);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->items : std::vector<domain::Duty>{};
  }
  // The subjects of `findings`, in order, as "kind:subject".
  static std::vector<std::string> Keys(const std::vector<domain::Finding>& findings) {
    std::vector<std::string> out;
    for (const auto& f : findings)
      out.push_back(f.kind + ":" + f.subject);
    return out;
  }
  static std::vector<std::string> Subjects(const std::vector<domain::Duty>& duties) {
    std::vector<std::string> out;
    for (const auto& d : duties)
      out.push_back(d.subject);
    return out;
  }

  // Reads one text value with its own connection (the store keeps its own open).
  std::string Query(const std::string& sql) { return where_->Sql(sql); }

  std::unique_ptr<battrace::testing::TestStore> where_;
  std::unique_ptr<Store> store_;
  const std::string a_ = TestUscc(1), b_ = TestUscc(2), c_ = TestUscc(3);
  const std::string code1_ = TestCode(ProductType::kPack, 1),
                    code2_ = TestCode(ProductType::kPack, 2),
                    code3_ = TestCode(ProductType::kPack, 3);
};

// A store written by a binary that knew only migration 1 is migrated on open: its rows stay,
// batteries read as without a complete digital ID, and the new tables are there.
TEST_P(JudgmentStoreTest, MigratesAVersion1Store) {
  {
    const Migration& v1 = Migrations().front();
    ASSERT_EQ(v1.version, 1);
    const std::string sql = RenderSql(v1.sql, where_->dialect()) +
                            "INSERT INTO meta VALUES ('origin', 'test.battrace/ledger');"
                            "INSERT INTO meta VALUES ('schema_version', '1');"
                            "INSERT INTO battery VALUES ('" +
                            code1_ +
                            "', 'pack', NULL, 'B', NULL, NULL, NULL, NULL, 'referenced', -1, 3);";
    where_->Sql(sql);
    MakeStoreFilePrivate();
  }
  Open(false);
  EXPECT_EQ(Query("SELECT value FROM meta WHERE key = 'schema_version'"),
            std::to_string(LatestSchemaVersion()));
  EXPECT_EQ(LatestSchemaVersion(), 15);
  EXPECT_EQ(Query("SELECT value FROM meta WHERE key = 'registry_version'"), "0");
  auto old = store_->GetBattery(code1_);
  ASSERT_TRUE(old.ok() && old->has_value());
  EXPECT_EQ((*old)->updated_leaf, 3);
  EXPECT_FALSE((*old)->id_complete);
  EXPECT_FALSE((*old)->contested);  // migration 5: no battery was contested before it

  domain::Effects e;
  e.at = At("2026-06-01T10:00:00+08:00");
  domain::BatteryState complete = **old;
  complete.id_complete = true;
  e.batteries.push_back(complete);
  e.outlets.push_back({"OUT-1", a_, "440305", false, e.at, std::nullopt});
  e.duties.push_back(MakeDuty(b_, code2_, a_ + "/r1", "2026-06-10"));
  Write({{a_, "r1", std::move(e)}});
  Open(false);  // a second open finds the store current
  EXPECT_TRUE((*store_->GetBattery(code1_))->id_complete);
  EXPECT_EQ(Subjects(ObligationsAsOf("2026-06-01")), std::vector<std::string>{code2_});
  EXPECT_EQ(Query("SELECT division FROM outlet WHERE id = 'OUT-1'"), "440305");
}

// Migration 4: a version-3 store's registry records stay in force (with no version, on every
// day) until `registry import` of the same records appends them as leaves, once.
TEST_P(JudgmentStoreTest, MigratesAVersion3RegistryIntoTheLedgerOnReimport) {
  const nlohmann::json record =
      RegistryRecordToJson(*ParseRegistryRecord(EnterpriseRecord(a_, "440305").dump()));
  {
    std::string sql;
    for (const Migration& m : Migrations()) {
      if (m.version <= 3) sql += RenderSql(m.sql, where_->dialect());
    }
    sql +=
        "INSERT INTO meta VALUES ('origin', 'test.battrace/ledger');"
        "INSERT INTO meta VALUES ('schema_version', '3');"
        "INSERT INTO registry VALUES ('enterprise', '" +
        a_ + "', '440305', '" + record.dump() + "');";
    where_->Sql(sql);
    MakeStoreFilePrivate();
  }
  Open(false);
  EXPECT_EQ(Query("SELECT value FROM meta WHERE key = 'schema_version'"),
            std::to_string(LatestSchemaVersion()));
  EXPECT_EQ(Query("SELECT COUNT(*) FROM registry_version"), "0");
  {
    auto txn = store_->BeginWrite();
    ASSERT_TRUE(txn.ok()) << txn.status().ToString();
    EXPECT_NE((*txn)->RegistryVersions().AsOf(Day("2020-01-01")).Find(a_), nullptr);
  }
  const RegistryRow row{"enterprise", a_, "440305", record.dump()};
  auto first = PutRegistry(*store_, {row}, Day("2026-07-01"), 0);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(*first, 1u);
  auto again = PutRegistry(*store_, {row}, Day("2026-08-01"), 0);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(*again, 0u);
  EXPECT_EQ(Query("SELECT COUNT(*) FROM report"), "1");
  EXPECT_EQ(Query("SELECT effective FROM registry_version WHERE leaf = 0"), "2026-07-01");
}

TEST_P(JudgmentStoreTest, OutletsAndModelsAreReadBackInsideTheTransaction) {
  Open();
  const Instant t = At("2026-06-01T10:00:00+08:00");
  {
    auto txn = store_->BeginWrite();
    ASSERT_TRUE(txn.ok());
    EXPECT_FALSE((*txn)->GetOutlet("OUT-1")->has_value());
    domain::Effects e;
    e.at = t;
    e.outlets.push_back({"OUT-1", a_, "440305", false, t, std::nullopt});
    e.models.push_back({b_, "M1", "2026-05-01", false});
    ASSERT_TRUE((*txn)->Apply(std::move(e), 0).ok());
    auto outlet = (*txn)->GetOutlet("OUT-1");
    ASSERT_TRUE(outlet.ok() && outlet->has_value());
    EXPECT_EQ((*outlet)->division, "440305");
    auto model = (*txn)->GetModel(b_, "M1");
    ASSERT_TRUE(model.ok() && model->has_value());
    EXPECT_EQ((*model)->first_produced, "2026-05-01");
    EXPECT_FALSE((*txn)->GetModel(a_, "M1")->has_value());
    // Destroyed without Commit: nothing stays.
  }
  {
    auto txn = store_->BeginWrite();
    ASSERT_TRUE(txn.ok());
    EXPECT_FALSE((*txn)->GetOutlet("OUT-1")->has_value());
    EXPECT_FALSE((*txn)->GetModel(b_, "M1")->has_value());
  }
  domain::Effects first;
  first.at = t;
  first.outlets.push_back({"OUT-1", a_, "440305", false, t, std::nullopt});
  first.models.push_back({b_, "M1", "2026-05-01", false});
  domain::Effects closed;
  closed.at = t + 1000;
  closed.outlets.push_back({"OUT-1", a_, "440305", true, t, t + 1000});
  closed.models.push_back({b_, "M1", "2026-05-01", true});
  Write({{a_, "o1", std::move(first)}, {a_, "o2", std::move(closed)}});
  auto txn = store_->BeginWrite();
  ASSERT_TRUE(txn.ok());
  auto outlet = (*txn)->GetOutlet("OUT-1");
  ASSERT_TRUE(outlet.ok() && outlet->has_value());
  EXPECT_TRUE((*outlet)->closed);
  EXPECT_EQ((*outlet)->registered_at, t);
  EXPECT_EQ((*outlet)->closed_at, t + 1000);
  EXPECT_EQ((*outlet)->owner, a_);
  auto model = (*txn)->GetModel(b_, "M1");
  ASSERT_TRUE(model.ok() && model->has_value());
  EXPECT_TRUE((*model)->has_disassembly_info);
}

TEST_P(JudgmentStoreTest, ADutyOpenedTwiceIsOneAndTheFirstEvidenceStands) {
  Open();
  domain::Effects first, again, other_party, later;
  first.at = At("2026-06-01T10:00:00+08:00");
  first.duties.push_back(MakeDuty(b_, code1_, a_ + "/r1", "2026-06-16"));
  again.at = At("2026-06-02T10:00:00+08:00");
  again.duties.push_back(MakeDuty(b_, code1_, a_ + "/r2", "2026-06-17"));
  again.duties.push_back(MakeDuty(b_, code1_, a_ + "/r2", "2026-06-17"));
  other_party.at = again.at;
  other_party.duties.push_back(MakeDuty(c_, code1_, a_ + "/r3", "2026-06-17"));
  Write({{a_, "r1", std::move(first)}, {a_, "r2", std::move(again)}});
  Write({{a_, "r3", std::move(other_party)}});
  later.at = At("2026-06-03T10:00:00+08:00");
  later.duties.push_back(MakeDuty(b_, code1_, a_ + "/r4", "2026-06-18"));
  Write({{a_, "r4", std::move(later)}});

  auto duties = ObligationsAsOf("2026-06-05");
  ASSERT_EQ(duties.size(), 2u);
  EXPECT_EQ(duties[0].party, b_);
  EXPECT_EQ(duties[0].evidence, a_ + "/r1");
  EXPECT_EQ(duties[0].due, Day("2026-06-16"));
  EXPECT_EQ(duties[1].party, c_);

  // Once discharged, the same duty proved again is a new one.
  domain::Effects inbound, reproved;
  inbound.at = At("2026-06-06T10:00:00+08:00");
  inbound.discharges.push_back({"battery.inbound", code1_, {b_}});
  reproved.at = At("2026-06-07T10:00:00+08:00");
  reproved.duties.push_back(MakeDuty(b_, code1_, a_ + "/r6", "2026-06-22"));
  Write({{b_, "i1", std::move(inbound)}, {a_, "r6", std::move(reproved)}});
  duties = ObligationsAsOf("2026-06-07", b_);
  ASSERT_EQ(duties.size(), 1u);
  EXPECT_EQ(duties[0].evidence, a_ + "/r6");
  duties = ObligationsAsOf("2026-06-05", b_);
  ASSERT_EQ(duties.size(), 1u);
  EXPECT_EQ(duties[0].evidence, a_ + "/r1");
  EXPECT_EQ(ObligationsAsOf("2026-06-06", b_).size(), 0u);
}

TEST_P(JudgmentStoreTest, DischargesSeeDutiesOfTheSameBatchAndOfEarlierOnes) {
  Open();
  domain::Effects outbound, inbound_same_batch, wrong_party, wrong_type;
  outbound.at = At("2026-06-01T10:00:00+08:00");
  outbound.duties.push_back(MakeDuty(b_, code1_, a_ + "/out1", "2026-06-16"));
  outbound.duties.push_back(MakeDuty(b_, code2_, a_ + "/out1", "2026-06-16"));
  outbound.duties.push_back(MakeDuty(b_, code3_, a_ + "/out1", "2026-06-16"));
  inbound_same_batch.at = At("2026-06-02T10:00:00+08:00");
  inbound_same_batch.discharges.push_back({"battery.inbound", code1_, {b_}});
  wrong_party.at = inbound_same_batch.at;
  wrong_party.discharges.push_back({"battery.inbound", code2_, {c_}});
  wrong_type.at = inbound_same_batch.at;
  wrong_type.discharges.push_back({"battery.outbound", code2_, {b_}});
  Write({{a_, "out1", std::move(outbound)},
         {b_, "in1", std::move(inbound_same_batch)},
         {c_, "in2", std::move(wrong_party)},
         {b_, "out2", std::move(wrong_type)}});
  EXPECT_EQ(Subjects(ObligationsAsOf("2026-06-02")), (std::vector<std::string>{code2_, code3_}));
  EXPECT_EQ(*store_->CountOpenDuties(), 2u);
  EXPECT_EQ(Query("SELECT discharged_by FROM obligation WHERE subject = '" + code1_ + "'"),
            b_ + "/in1");
  EXPECT_EQ(Query("SELECT discharged_at FROM obligation WHERE subject = '" + code1_ + "'"),
            std::to_string(At("2026-06-02T10:00:00+08:00")));

  // A later batch: one report discharges two codes.
  domain::Effects inbound_later;
  inbound_later.at = At("2026-06-20T09:00:00+08:00");
  inbound_later.discharges.push_back({"battery.inbound", code2_, {b_}});
  inbound_later.discharges.push_back({"battery.inbound", code3_, {b_}});
  Write({{b_, "in3", std::move(inbound_later)}});
  EXPECT_TRUE(ObligationsAsOf("2026-06-20").empty());
  // Still overdue as of the days before the discharge became known.
  EXPECT_EQ(Keys(FindingsAsOf("2026-06-19")),
            (std::vector<std::string>{"overdue_report:" + code2_, "overdue_report:" + code3_}));
  EXPECT_TRUE(FindingsAsOf("2026-06-20").empty());
  // And counted so (Store::TallyFindings, the part of the duties discharged since).
  const auto overdue = [&](const char* as_of) {
    auto tallies = store_->TallyFindings(Day(as_of), FindingFilter(), false);
    EXPECT_TRUE(tallies.ok()) << tallies.status().ToString();
    uint64_t n = 0;
    for (const FindingTally& t : tallies.ok() ? *tallies : std::vector<FindingTally>())
      n += t.kind == "overdue_report" ? t.count : 0;
    return n;
  };
  EXPECT_EQ(overdue("2026-06-19"), 2u);
  EXPECT_EQ(overdue("2026-06-20"), 0u);
  EXPECT_EQ(Query("SELECT discharged_by FROM obligation WHERE subject = '" + code3_ + "'"),
            b_ + "/in3");

  // One discharge closes every open duty of its parties to file that report about the subject.
  domain::Effects proofs, produced;
  proofs.at = At("2026-06-21T09:00:00+08:00");
  proofs.duties.push_back(MakeDuty(b_, code1_, a_ + "/v1", "2026-06-25", "12", "battery.produced"));
  proofs.duties.push_back(
      MakeDuty(b_, code1_, a_ + "/v1", "2026-06-25", "24.2a", "battery.produced"));
  proofs.duties.push_back(MakeDuty(c_, code1_, a_ + "/v1", "2026-06-25", "12", "battery.produced"));
  proofs.duties.push_back(MakeDuty(a_, code1_, a_ + "/v1", "2026-06-25", "12", "battery.produced"));
  Write({{a_, "v1", std::move(proofs)}});
  EXPECT_EQ(ObligationsAsOf("2026-06-21").size(), 4u);
  produced.at = At("2026-06-22T09:00:00+08:00");
  produced.discharges.push_back({"battery.produced", code1_, {b_, c_}});
  Write({{b_, "p1", std::move(produced)}});
  auto left = ObligationsAsOf("2026-06-22");
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].party, a_);
  EXPECT_EQ(*store_->CountOpenDuties(), 1u);
}

TEST_P(JudgmentStoreTest, ACorrectionRetractsWhatItsOriginalProved) {
  Open();
  const std::string original = a_ + "/r1";
  domain::Effects r1, r2, correction;
  r1.at = At("2026-06-01T10:00:00+08:00");
  r1.duties.push_back(MakeDuty(b_, code1_, original, "2026-06-05"));
  r1.findings.push_back(MakeFinding("conflicting_custody", a_, code1_, {original}));
  r2.at = At("2026-06-01T11:00:00+08:00");
  r2.duties.push_back(MakeDuty(b_, code2_, a_ + "/r2", "2026-06-05"));
  r2.findings.push_back(MakeFinding("conflicting_custody", a_, code2_, {a_ + "/r2", original}));
  r2.findings.push_back(MakeFinding("duplicate_code", a_, code3_, {a_ + "/r2"}));
  Write({{a_, "r1", std::move(r1)}, {a_, "r2", std::move(r2)}});

  // The correction retracts r1's duty and both findings naming r1, then proves the duty again
  // with its own evidence (judged as the corrected r1).
  correction.at = At("2026-06-10T10:00:00+08:00");
  correction.retracts = original;
  correction.duties.push_back(MakeDuty(b_, code1_, original, "2026-06-20"));
  Write({{a_, "c1", std::move(correction)}});

  EXPECT_EQ(Keys(FindingsAsOf("2026-06-09")),
            (std::vector<std::string>{"conflicting_custody:" + code1_,
                                      "conflicting_custody:" + code2_, "duplicate_code:" + code3_,
                                      "overdue_report:" + code1_, "overdue_report:" + code2_}));
  EXPECT_EQ(Keys(FindingsAsOf("2026-06-10")),
            (std::vector<std::string>{"duplicate_code:" + code3_, "overdue_report:" + code2_}));
  auto duties = ObligationsAsOf("2026-06-10");
  ASSERT_EQ(duties.size(), 2u);
  EXPECT_EQ(duties[0].subject, code2_);
  EXPECT_EQ(duties[1].subject, code1_);
  EXPECT_EQ(duties[1].due, Day("2026-06-20"));

  // A retraction in the same batch as what it retracts; a discharged duty is not retracted.
  domain::Effects r3, r4, inbound, correction2;
  r3.at = At("2026-06-11T10:00:00+08:00");
  r3.duties.push_back(MakeDuty(c_, code3_, a_ + "/r3", "2026-06-12"));
  r3.duties.push_back(MakeDuty(b_, code3_, a_ + "/r3", "2026-06-12"));
  inbound.at = r3.at + 1;
  inbound.discharges.push_back({"battery.inbound", code3_, {b_}});
  r4.at = r3.at + 2;
  r4.findings.push_back(MakeFinding("late_report", a_, a_ + "/r3", {a_ + "/r3"}));
  correction2.at = r3.at + 3;
  correction2.retracts = a_ + "/r3";
  Write({{a_, "r3", std::move(r3)},
         {b_, "i3", std::move(inbound)},
         {a_, "r4", std::move(r4)},
         {a_, "c2", std::move(correction2)}});
  EXPECT_EQ(Query("SELECT count(*) FROM obligation WHERE subject = '" + code3_ +
                  "' AND retracted_at IS NOT NULL"),
            "1");
  EXPECT_EQ(Query("SELECT count(*) FROM obligation WHERE subject = '" + code3_ +
                  "' AND discharged_at IS NOT NULL AND retracted_at IS NULL"),
            "1");
  EXPECT_EQ(Keys(FindingsAsOf("2026-06-30")),
            (std::vector<std::string>{"duplicate_code:" + code3_, "overdue_report:" + code1_,
                                      "overdue_report:" + code2_}));
  // Open now: code2's and code1's re-proved duty; not the retracted nor the discharged one.
  EXPECT_EQ(*store_->CountOpenDuties(), 2u);
}

TEST_P(JudgmentStoreTest, AsOfCountsWholeBeijingDays) {
  Open();
  domain::Effects late_evening, midnight, discharge;
  late_evening.at = At("2026-06-10T23:59:59+08:00");
  late_evening.findings.push_back(MakeFinding("duplicate_code", a_, code1_, {a_ + "/r1"}));
  late_evening.duties.push_back(MakeDuty(b_, code1_, a_ + "/r1", "2026-06-12"));
  midnight.at = At("2026-06-11T00:00:00+08:00");
  midnight.findings.push_back(MakeFinding("duplicate_code", a_, code2_, {a_ + "/r2"}));
  midnight.duties.push_back(MakeDuty(b_, code2_, a_ + "/r2", "2026-06-12"));
  Write({{a_, "r1", std::move(late_evening)}, {a_, "r2", std::move(midnight)}});

  EXPECT_TRUE(FindingsAsOf("2026-06-09").empty());
  EXPECT_TRUE(ObligationsAsOf("2026-06-09").empty());
  EXPECT_EQ(Keys(FindingsAsOf("2026-06-10")), std::vector<std::string>{"duplicate_code:" + code1_});
  EXPECT_EQ(Subjects(ObligationsAsOf("2026-06-10")), std::vector<std::string>{code1_});
  EXPECT_EQ(Keys(FindingsAsOf("2026-06-11")),
            (std::vector<std::string>{"duplicate_code:" + code1_, "duplicate_code:" + code2_}));
  // Due 12 June: open but not overdue as of the 12th, overdue as of the 13th.
  auto duties = ObligationsAsOf("2026-06-12");
  EXPECT_EQ(Subjects(duties), (std::vector<std::string>{code1_, code2_}));
  EXPECT_EQ(FindingsAsOf("2026-06-12").size(), 2u);
  auto findings = FindingsAsOf("2026-06-13");
  ASSERT_EQ(findings.size(), 4u);
  EXPECT_EQ(findings[2].kind, "overdue_report");
  EXPECT_EQ(findings[2].subject, code1_);
  EXPECT_EQ(findings[2].due, Day("2026-06-12"));
  EXPECT_EQ(findings[2].evidence, std::vector<std::string>{a_ + "/r1"});
  EXPECT_EQ(findings[2].party, b_);
  EXPECT_EQ(findings[2].article, "24.6b");
  EXPECT_EQ(findings[2].authority, kMiitShenzhen);
  EXPECT_EQ(findings[2].detail, "no battery.inbound of " + code1_);
  EXPECT_FALSE(findings[0].due.has_value());

  // Discharged at the last second of the 14th: still overdue as of the 13th, no longer as of the
  // 14th (a report received by the end of a day is known as of that day).
  discharge.at = At("2026-06-14T23:59:59+08:00");
  discharge.discharges.push_back({"battery.inbound", code1_, {b_}});
  Write({{b_, "i1", std::move(discharge)}});
  EXPECT_EQ(Keys(FindingsAsOf("2026-06-13")),
            (std::vector<std::string>{"duplicate_code:" + code1_, "duplicate_code:" + code2_,
                                      "overdue_report:" + code1_, "overdue_report:" + code2_}));
  EXPECT_EQ(Keys(FindingsAsOf("2026-06-14")),
            (std::vector<std::string>{"duplicate_code:" + code1_, "duplicate_code:" + code2_,
                                      "overdue_report:" + code2_}));
  EXPECT_EQ(Subjects(ObligationsAsOf("2026-06-13")), (std::vector<std::string>{code1_, code2_}));
  EXPECT_EQ(Subjects(ObligationsAsOf("2026-06-14")), std::vector<std::string>{code2_});
}

TEST_P(JudgmentStoreTest, DutiesPassToTheSuccessor) {
  Open();
  // c_ merged into b_ (Shanghai); a_ stays in Shenzhen.
  Register({EnterpriseRecord(a_, "440305"), EnterpriseRecord(c_, "440305"),
            RegulatorRecord("MIIT", "440300"), RegulatorRecord("MIIT", "310000")});
  domain::Effects proof;
  proof.at = At("2026-06-01T10:00:00+08:00");
  proof.duties.push_back(MakeDuty(c_, code1_, a_ + "/r1", "2026-06-05"));
  proof.duties.push_back(MakeDuty(a_, code2_, c_ + "/r2", "2026-06-05"));
  Write({{a_, "r1", std::move(proof)}});
  auto before = ObligationsAsOf("2026-06-06");
  ASSERT_EQ(before.size(), 2u);
  EXPECT_EQ(before[1].party, c_);
  EXPECT_EQ(before[1].authority, kMiitShenzhen);

  // The registry is read again after an import.
  Register({EnterpriseRecord(b_, "310101", "battery_maker", {c_})});
  auto duties = ObligationsAsOf("2026-06-06");
  ASSERT_EQ(duties.size(), 2u);
  EXPECT_EQ(duties[0].party, a_);
  EXPECT_EQ(duties[0].authority, kMiitShenzhen);
  EXPECT_EQ(duties[1].party, b_);
  EXPECT_EQ(duties[1].subject, code1_);
  EXPECT_EQ(duties[1].authority, (domain::Authority{"MIIT", "310000"}));
  EXPECT_EQ(Subjects(ObligationsAsOf("2026-06-06", b_)), std::vector<std::string>{code1_});
  EXPECT_TRUE(ObligationsAsOf("2026-06-06", c_).empty());
  FindingFilter of_b;
  of_b.party = b_;
  auto findings = FindingsAsOf("2026-06-06", of_b);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].authority, (domain::Authority{"MIIT", "310000"}));
  FindingFilter in_shanghai;
  in_shanghai.division = "310000";
  EXPECT_EQ(Keys(FindingsAsOf("2026-06-06", in_shanghai)),
            std::vector<std::string>{"overdue_report:" + code1_});

  // The successor's report discharges, naming itself and its predecessor; the transaction sees
  // the registry.
  auto txn = store_->BeginWrite();
  ASSERT_TRUE(txn.ok());
  const Enterprise* successor = (*txn)->Registry().SuccessorOf(c_);
  ASSERT_NE(successor, nullptr);
  EXPECT_EQ(successor->uscc.str(), b_);
  txn->reset();
  domain::Effects inbound;
  inbound.at = At("2026-06-07T10:00:00+08:00");
  inbound.discharges.push_back({"battery.inbound", code1_, {b_, c_}});
  Write({{b_, "i1", std::move(inbound)}});
  EXPECT_EQ(Subjects(ObligationsAsOf("2026-06-07")), std::vector<std::string>{code2_});
}

// A correction retracts the sales its original recorded, stored or of its own batch, from its
// own time; the corrected sale and a later sale at the retracted place are recorded; the
// correction is the original's corrected_by.
TEST_P(JudgmentStoreTest, ACorrectionRetractsItsOriginalsSales) {
  Open();
  Register({EnterpriseRecord(a_, "440305"), EnterpriseRecord(b_, "440305", "vehicle_maker"),
            RegulatorRecord("MIIT", "440300")});
  const auto gaps = [&](const char* day) {
    std::vector<std::string> out;
    for (const domain::Finding& f : FindingsAsOf(day))
      out.push_back(f.subject + " " + f.evidence.front());
    return out;
  };
  domain::Effects sold, corrected, sold_again, sold_in_batch, corrected_in_batch;
  sold.at = At("2026-06-01T10:00:00+08:00");
  sold.sales.push_back({a_, "440000", "14", b_ + "/s1"});
  Write({{b_, "s1", std::move(sold)}});
  corrected.at = At("2026-06-10T10:00:00+08:00");
  corrected.retracts = b_ + "/s1";
  corrected.sales.push_back({a_, "310000", "14", b_ + "/s1"});
  Write({{b_, "c1", std::move(corrected)}});
  EXPECT_EQ(gaps("2026-06-09"), std::vector<std::string>{"440000 " + b_ + "/s1"});
  EXPECT_EQ(gaps("2026-06-10"), std::vector<std::string>{"310000 " + b_ + "/s1"});
  sold_again.at = At("2026-06-20T10:00:00+08:00");
  sold_again.sales.push_back({a_, "440000", "14", b_ + "/s2"});
  Write({{b_, "s2", std::move(sold_again)}});
  EXPECT_EQ(gaps("2026-06-20"),
            (std::vector<std::string>{"310000 " + b_ + "/s1", "440000 " + b_ + "/s2"}));

  // The original and its correction in one batch: the same rows as in two.
  sold_in_batch.at = At("2026-07-01T10:00:00+08:00");
  sold_in_batch.sales.push_back({a_, "110000", "14", b_ + "/s3"});
  corrected_in_batch.at = At("2026-07-02T10:00:00+08:00");
  corrected_in_batch.retracts = b_ + "/s3";
  Write({{b_, "s3", std::move(sold_in_batch)}, {b_, "c3", std::move(corrected_in_batch)}});
  EXPECT_EQ(gaps("2026-07-01").front(), "110000 " + b_ + "/s3");
  EXPECT_EQ(gaps("2026-07-02").front(), "310000 " + b_ + "/s1");

  EXPECT_EQ(*store_->CorrectedBy(b_, "s1"), std::optional<std::string>(b_ + "/c1"));
  EXPECT_EQ(*store_->CorrectedBy(b_, "s3"), std::optional<std::string>(b_ + "/c3"));
  EXPECT_EQ(*store_->CorrectedBy(b_, "s2"), std::nullopt);
}

TEST_P(JudgmentStoreTest, CoverageGapsFollowOutletsAsOfTheDay) {
  Open();
  Register({EnterpriseRecord(a_, "440305"), EnterpriseRecord(b_, "440305", "vehicle_maker"),
            RegulatorRecord("MIIT", "440300")});
  // a_'s batteries sold in Guangdong (Art. 14), b_'s vehicles in Shenzhen (Art. 15).
  domain::Effects sold, sold_again;
  sold.at = At("2026-06-01T10:00:00+08:00");
  sold.sales.push_back({a_, "440000", "14", b_ + "/s1"});
  sold.sales.push_back({b_, "440300", "15", b_ + "/s1"});
  sold_again.at = At("2026-06-01T11:00:00+08:00");
  sold_again.sales.push_back({a_, "440000", "14", b_ + "/s2"});
  Write({{b_, "s1", std::move(sold)}, {b_, "s2", std::move(sold_again)}});
  domain::Effects sold_later;
  sold_later.at = At("2026-06-02T10:00:00+08:00");
  sold_later.sales.push_back({a_, "440000", "14", b_ + "/s3"});
  Write({{b_, "s3", std::move(sold_later)}});

  auto gaps = FindingsAsOf("2026-06-01");
  ASSERT_EQ(gaps.size(), 2u);
  EXPECT_EQ(gaps[0].kind, "outlet_coverage_gap");
  EXPECT_EQ(gaps[0].party, a_);
  EXPECT_EQ(gaps[0].subject, "440000");
  EXPECT_EQ(gaps[0].article, "14");
  EXPECT_FALSE(gaps[0].due.has_value());
  EXPECT_EQ(gaps[0].evidence, std::vector<std::string>{b_ + "/s1"});
  EXPECT_EQ(gaps[0].authority, kMiitShenzhen);
  EXPECT_EQ(gaps[1].party, b_);
  EXPECT_EQ(gaps[1].subject, "440300");
  EXPECT_EQ(gaps[1].article, "15");
  EXPECT_TRUE(FindingsAsOf("2026-05-31").empty());

  // Outlets: a_'s in Shenzhen from 3 June, closed 5 June; b_'s in Guangzhou (not Shenzhen) from
  // 3 June; c_'s in Shenzhen does not serve a_.
  domain::Effects outlets;
  outlets.at = At("2026-06-03T10:00:00+08:00");
  outlets.outlets.push_back({"A-SZ", a_, "440305", false, outlets.at, std::nullopt});
  outlets.outlets.push_back({"B-GZ", b_, "440106", false, outlets.at, std::nullopt});
  outlets.outlets.push_back({"C-SZ", c_, "440304", false, outlets.at, std::nullopt});
  Write({{a_, "o1", std::move(outlets)}});
  EXPECT_EQ(Keys(FindingsAsOf("2026-06-03")),
            std::vector<std::string>{"outlet_coverage_gap:440300"});
  domain::Effects close, open_b;
  close.at = At("2026-06-05T10:00:00+08:00");
  close.outlets.push_back({"A-SZ", a_, "440305", true, At("2026-06-03T10:00:00+08:00"), close.at});
  open_b.at = close.at;
  open_b.outlets.push_back({"B-SZ", b_, "440304", false, close.at, std::nullopt});
  Write({{a_, "o2", std::move(close)}, {b_, "o3", std::move(open_b)}});
  // As of the 4th the closed outlet was still open; b_'s Shenzhen outlet was not yet there.
  EXPECT_EQ(Keys(FindingsAsOf("2026-06-04")),
            std::vector<std::string>{"outlet_coverage_gap:440300"});
  EXPECT_EQ(Keys(FindingsAsOf("2026-06-05")),
            std::vector<std::string>{"outlet_coverage_gap:440000"});
  EXPECT_EQ(FindingsAsOf("2026-06-05")[0].evidence, std::vector<std::string>{b_ + "/s1"});
}

TEST_P(JudgmentStoreTest, FindingsAreFilteredAndSorted) {
  Open();
  Register({EnterpriseRecord(a_, "440305"), EnterpriseRecord(b_, "310101"),
            RegulatorRecord("MIIT", "440300"), RegulatorRecord("MIIT", "310000")});
  domain::Effects e;
  e.at = At("2026-06-01T10:00:00+08:00");
  const domain::Authority shanghai{"MIIT", "310000"};
  e.findings.push_back(MakeFinding("late_report", b_, b_ + "/x", {b_ + "/x"}, shanghai));
  e.findings.push_back(MakeFinding("duplicate_code", b_, code2_, {b_ + "/y"}, shanghai));
  e.findings.push_back(MakeFinding("duplicate_code", a_, code3_, {a_ + "/z"}));
  e.findings.push_back(MakeFinding("duplicate_code", a_, code1_, {a_ + "/w"}));
  e.duties.push_back(MakeDuty(a_, code2_, b_ + "/d", "2026-05-20"));
  e.duties.push_back(MakeDuty(a_, code1_, b_ + "/d", "2026-05-25"));
  e.duties.push_back(MakeDuty(a_, code1_, b_ + "/d", "2026-05-20", "12", "battery.produced"));
  e.sales.push_back({b_, "310000", "14", a_ + "/s"});
  Write({{a_, "r1", std::move(e)}});

  const std::vector<std::string> all = {
      "duplicate_code:" + code1_, "duplicate_code:" + code3_,     "duplicate_code:" + code2_,
      "late_report:" + b_ + "/x", "missing_digital_id:" + code1_, "outlet_coverage_gap:310000",
      "overdue_report:" + code1_, "overdue_report:" + code2_};
  auto findings = FindingsAsOf("2026-06-01");
  EXPECT_EQ(Keys(findings), all);
  // Same kind and party: by subject (code1 before code3), parties in USCC order (a_ < b_).
  ASSERT_LT(a_, b_);
  ASSERT_LT(code1_, code3_);

  FindingFilter kind;
  kind.kind = "duplicate_code";
  EXPECT_EQ(Keys(FindingsAsOf("2026-06-01", kind)),
            (std::vector<std::string>{all[0], all[1], all[2]}));
  FindingFilter party;
  party.party = a_;
  EXPECT_EQ(Keys(FindingsAsOf("2026-06-01", party)),
            (std::vector<std::string>{all[0], all[1], all[4], all[6], all[7]}));
  FindingFilter overdue_of_a;
  overdue_of_a.kind = "overdue_report";
  overdue_of_a.party = a_;
  EXPECT_EQ(Keys(FindingsAsOf("2026-06-01", overdue_of_a)),
            (std::vector<std::string>{all[6], all[7]}));
  FindingFilter shanghai_only;
  shanghai_only.division = "310000";
  EXPECT_EQ(Keys(FindingsAsOf("2026-06-01", shanghai_only)),
            (std::vector<std::string>{all[2], all[3], all[5]}));
  FindingFilter shenzhen_county;
  shenzhen_county.division = "440305";  // narrower than the regulator's city: none inside
  EXPECT_TRUE(FindingsAsOf("2026-06-01", shenzhen_county).empty());
  FindingFilter bad;
  bad.division = "449999";
  auto refused =
      store_->Findings(Day("2026-06-01"), bad, FindingSort::kKind, std::nullopt, SIZE_MAX);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);

  // Obligations: by due, then party, then subject.
  auto duties = ObligationsAsOf("2026-06-01");
  ASSERT_EQ(duties.size(), 3u);
  EXPECT_EQ(duties[0].due, Day("2026-05-20"));
  EXPECT_EQ(duties[0].subject, code1_);
  EXPECT_EQ(duties[0].kind, "missing_digital_id");
  EXPECT_EQ(duties[0].fulfils, "battery.produced");
  EXPECT_EQ(duties[1].subject, code2_);
  EXPECT_EQ(duties[2].due, Day("2026-05-25"));
}

// department, from and to (docs/findings.md, "Queries"): a recorded finding is dated by the
// Beijing day it became visible, an overdue duty by its due date, a coverage gap by the day its
// first sale was recorded; every finding, the overdue ones included, carries the report type
// that discharges its duty.
TEST_P(JudgmentStoreTest, FindingsNarrowByDepartmentAndDate) {
  Open();
  Register({EnterpriseRecord(a_, "440305"), EnterpriseRecord(b_, "310101"),
            RegulatorRecord("MIIT", "440300"), RegulatorRecord("MEE", "310000")});
  domain::Effects first;
  first.at = At("2026-06-01T10:00:00+08:00");
  first.findings.push_back(MakeFinding("late_report", a_, a_ + "/x", {a_ + "/x"}));
  first.findings.push_back(
      MakeFinding("unqualified_recycler", b_, "eia", {b_ + "/y"}, {"MEE", "310000"}));
  first.duties.push_back(MakeDuty(a_, code1_, a_ + "/d", "2026-05-20"));
  first.duties.push_back(MakeDuty(a_, code2_, a_ + "/d", "2026-06-10"));
  first.sales.push_back({b_, "310000", "14", a_ + "/s"});
  domain::Effects second;
  second.at = At("2026-06-05T23:30:00+08:00");  // still 5 June in Beijing (15:30 UTC)
  second.findings.push_back(MakeFinding("duplicate_code", a_, code3_, {a_ + "/z"}));
  Write({{a_, "r1", std::move(first)}});
  Write({{a_, "r2", std::move(second)}});

  const std::string late = "late_report:" + a_ + "/x", mee = "unqualified_recycler:eia",
                    dup = "duplicate_code:" + code3_, gap = "outlet_coverage_gap:310000",
                    due0520 = "overdue_report:" + code1_, due0610 = "overdue_report:" + code2_;
  auto filtered = [&](std::optional<std::string> department, std::optional<std::string> from,
                      std::optional<std::string> to) {
    FindingFilter f;
    f.department = std::move(department);
    if (from) f.from = Day(*from);
    if (to) f.to = Day(*to);
    auto keys = Keys(FindingsAsOf("2026-06-30", f));
    std::sort(keys.begin(), keys.end());
    return keys;
  };
  using List = std::vector<std::string>;
  auto sorted = [](List k) {
    std::sort(k.begin(), k.end());
    return k;
  };
  EXPECT_EQ(filtered(std::nullopt, std::nullopt, std::nullopt),
            sorted({late, mee, dup, gap, due0520, due0610}));
  EXPECT_EQ(filtered("MEE", std::nullopt, std::nullopt), List{mee});
  EXPECT_EQ(filtered("MIIT", std::nullopt, std::nullopt),
            sorted({late, dup, gap, due0520, due0610}));
  EXPECT_TRUE(filtered("NDRC", std::nullopt, std::nullopt).empty());
  EXPECT_EQ(filtered(std::nullopt, "2026-06-01", "2026-06-01"), sorted({late, mee, gap}));
  EXPECT_EQ(filtered(std::nullopt, "2026-06-02", "2026-06-30"), sorted({dup, due0610}));
  EXPECT_EQ(filtered(std::nullopt, "2026-06-05", "2026-06-05"), List{dup});
  EXPECT_TRUE(filtered(std::nullopt, "2026-06-06", "2026-06-09").empty());
  EXPECT_EQ(filtered(std::nullopt, std::nullopt, "2026-05-31"), List{due0520});
  EXPECT_EQ(filtered(std::nullopt, "2026-06-10", std::nullopt), List{due0610});
  EXPECT_EQ(filtered("MIIT", "2026-06-01", "2026-06-05"), sorted({late, gap, dup}));

  for (const domain::Finding& f : FindingsAsOf("2026-06-30")) {
    EXPECT_EQ(f.fulfils, f.kind == "overdue_report" ? "battery.inbound" : "") << f.kind;
  }
}

TEST_P(JudgmentStoreTest, ObligationsAreFilteredByTheShownAuthoritysDivision) {
  Open();
  // c_ (Shenzhen) merged into b_ (Shanghai).
  Register({EnterpriseRecord(a_, "440305"), EnterpriseRecord(c_, "440305"),
            EnterpriseRecord(b_, "310101", "battery_maker", {c_}),
            RegulatorRecord("MIIT", "440300"), RegulatorRecord("MIIT", "310000")});
  const domain::Authority shanghai{"MIIT", "310000"};
  domain::Effects e;
  e.at = At("2026-06-01T10:00:00+08:00");
  e.duties.push_back(MakeDuty(a_, code1_, a_ + "/r1", "2026-06-05"));
  e.duties.push_back(MakeDuty(c_, code2_, a_ + "/r1", "2026-06-06"));  // shown as b_'s
  e.duties.push_back(MakeDuty(b_, code3_, a_ + "/r1", "2026-06-07"));
  e.duties.back().authority = shanghai;
  Write({{a_, "r1", std::move(e)}});

  auto in = [&](const std::string& division, std::optional<std::string> party = std::nullopt) {
    return Subjects(ObligationsAsOf("2026-06-01", std::move(party), division));
  };
  EXPECT_EQ(in("000000"), (std::vector<std::string>{code1_, code2_, code3_}));
  EXPECT_EQ(in("440000"), std::vector<std::string>{code1_});
  EXPECT_EQ(in("440300"), std::vector<std::string>{code1_});
  EXPECT_TRUE(in("440305").empty());  // narrower than the regulator's city
  EXPECT_EQ(in("310000"), (std::vector<std::string>{code2_, code3_}));
  EXPECT_EQ(in("310000", b_), (std::vector<std::string>{code2_, code3_}));
  EXPECT_TRUE(in("310000", a_).empty());
  EXPECT_EQ(in("000000", a_), std::vector<std::string>{code1_});
  ObligationFilter bad;
  bad.division = "449999";
  auto refused =
      store_->Obligations(Day("2026-06-01"), bad, DutySort::kDue, std::nullopt, SIZE_MAX);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
}

// A page reads each source only from the group of its cursor and only as far as the page
// needs (store/findings_query.h): in every order, with every filter, pages of any size add up
// to the whole list, each item once and in order. The groups are larger than the smaller pages
// (twelve findings a day, several of one kind, party and subject), and the duties of c_ are
// shown under its successor b_.
TEST_P(JudgmentStoreTest, PagesOfEveryOrderAddUpToTheWholeList) {
  Open();
  Register({EnterpriseRecord(a_, "440305"), EnterpriseRecord(c_, "440305"),
            EnterpriseRecord(b_, "310101", "battery_maker", {c_}),
            RegulatorRecord("MIIT", "440300"), RegulatorRecord("MIIT", "310000")});
  const domain::Authority shanghai{"MIIT", "310000"};
  const std::vector<std::string> kinds = {"duplicate_code", "late_report", "unknown_battery"};
  for (int day = 0; day < 6; ++day) {
    domain::Effects e;
    e.at = At("2026-06-0" + std::to_string(day + 1) + "T10:00:00+08:00");
    for (int j = 0; j < 12; ++j) {
      const std::string& party = j % 2 == 0 ? a_ : b_;
      e.findings.push_back(MakeFinding(kinds[j % 3], party, "S" + std::to_string(j % 4),
                                       {party + "/e" + std::to_string(day * 12 + j)},
                                       j % 4 < 2 ? kMiitShenzhen : shanghai));
    }
    for (int j = 0; j < 4; ++j) {
      const std::string& party = j % 3 == 0 ? a_ : j % 3 == 1 ? c_ : b_;
      e.duties.push_back(
          MakeDuty(party, "D" + std::to_string(day * 4 + j), a_ + "/d" + std::to_string(day),
                   "2026-06-0" + std::to_string(1 + (day + j) % 9), j % 2 == 0 ? "24.6b" : "12"));
    }
    if (day % 2 == 0) e.sales.push_back({b_, day == 0 ? "310000" : "440300", "14", a_ + "/s"});
    Write({{a_, "r" + std::to_string(day), std::move(e)}});
  }

  const auto walk = [](const auto& read, size_t limit) {
    std::vector<SortKey> keys;
    std::optional<SortKey> after;
    for (int pages = 0; pages < 200; ++pages) {
      auto page = read(after, limit);
      EXPECT_TRUE(page.ok()) << page.status().ToString();
      if (!page.ok()) break;
      EXPECT_LE(page->items.size(), limit);
      for (const auto& item : page->items)
        keys.push_back(item.sort_key);
      if (!page->next) break;
      EXPECT_EQ(*page->next, keys.back());
      after = page->next;
    }
    return keys;
  };
  struct Keyed {
    SortKey sort_key;
  };
  const auto keyed = [](const auto& page, auto sort) {
    using Page = store::Page<Keyed>;
    Page out;
    for (const auto& item : page.items)
      out.items.push_back({KeyOf(item, sort)});
    out.next = page.next;
    return out;
  };
  std::vector<FindingFilter> filters(7);
  filters[1].kind = "late_report";
  filters[2].party = b_;
  filters[3].division = "310000";
  filters[4].department = "MIIT";
  filters[5].from = Day("2026-06-03");
  filters[5].to = Day("2026-06-04");
  filters[6].kind = "overdue_report";
  filters[6].party = b_;
  filters.resize(9);
  filters[7].kind = "overdue_report";
  filters[8].kind = "outlet_coverage_gap";
  for (const char* as_of : {"2026-06-03", "2026-06-30"}) {
    for (const FindingSort sort :
         {FindingSort::kKind, FindingSort::kDate, FindingSort::kDateDesc}) {
      std::vector<SortKey> unfiltered;
      for (size_t f = 0; f < filters.size(); ++f) {
        const auto read = [&](const std::optional<SortKey>& after,
                              size_t limit) -> Result<store::Page<Keyed>> {
          BATTRACE_ASSIGN_OR_RETURN(page,
                                    store_->Findings(Day(as_of), filters[f], sort, after, limit));
          return keyed(page, sort);
        };
        const std::vector<SortKey> whole = walk(read, SIZE_MAX);
        ASSERT_TRUE(
            std::is_sorted(whole.begin(), whole.end(), [&](const SortKey& x, const SortKey& y) {
              return sort == FindingSort::kDateDesc ? y < x : x < y;
            }));
        if (f == 0) {
          EXPECT_GT(whole.size(), as_of == std::string("2026-06-30") ? 80u : 30u);
          unfiltered = whole;
        } else if (f == 1 || f == 2 || f >= 7) {
          // One party's list (read on the indexes led by party) and one kind's (read from the
          // one source that holds the kind) are the whole list's rows of it.
          const size_t kind = sort == FindingSort::kKind ? 0 : 1;
          const size_t column = filters[f].party ? kind + 1 : kind;
          const std::string value = filters[f].party ? *filters[f].party : *filters[f].kind;
          std::vector<SortKey> theirs;
          std::copy_if(unfiltered.begin(), unfiltered.end(), std::back_inserter(theirs),
                       [&](const SortKey& k) { return k[column] == value; });
          EXPECT_FALSE(theirs.empty()) << as_of << " filter " << f;
          EXPECT_EQ(whole, theirs)
              << as_of << " sort " << static_cast<int>(sort) << " filter " << f;
        }
        for (const size_t limit : {1, 2, 3, 5, 13}) {
          EXPECT_EQ(walk(read, limit), whole) << as_of << " sort " << static_cast<int>(sort)
                                              << " filter " << f << " limit " << limit;
        }
      }
    }
  }
  std::vector<ObligationFilter> duty_filters(5);
  duty_filters[1].party = b_;
  duty_filters[2].division = "310000";
  duty_filters[3].type = "battery.produced";
  duty_filters[4].due_from = Day("2026-06-03");
  duty_filters[4].due_to = Day("2026-06-05");
  for (const DutySort sort : {DutySort::kDue, DutySort::kDueDesc}) {
    std::vector<SortKey> unfiltered;
    for (size_t f = 0; f < duty_filters.size(); ++f) {
      const auto read = [&](const std::optional<SortKey>& after,
                            size_t limit) -> Result<store::Page<Keyed>> {
        BATTRACE_ASSIGN_OR_RETURN(
            page, store_->Obligations(Day("2026-06-04"), duty_filters[f], sort, after, limit));
        return keyed(page, sort);
      };
      const std::vector<SortKey> whole = walk(read, SIZE_MAX);
      if (f == 0) {
        EXPECT_EQ(whole.size(), 16u);  // the duties of the first four days
        unfiltered = whole;
      } else if (f == 1) {
        std::vector<SortKey> theirs;
        std::copy_if(unfiltered.begin(), unfiltered.end(), std::back_inserter(theirs),
                     [&](const SortKey& k) { return k[1] == b_; });
        EXPECT_GT(whole.size(), 0u);
        EXPECT_EQ(whole, theirs) << "sort " << static_cast<int>(sort);
      }
      for (const size_t limit : {1, 2, 3, 5}) {
        EXPECT_EQ(walk(read, limit), whole)
            << "sort " << static_cast<int>(sort) << " filter " << f << " limit " << limit;
      }
    }
  }
}

TEST_P(JudgmentStoreTest, OutletsLieInsideADivisionSortedByDivisionAndId) {
  Open();
  domain::Effects e;
  e.at = At("2026-06-01T10:00:00+08:00");
  e.outlets.push_back({"SZ-2", a_, "440305", false, e.at, std::nullopt});
  e.outlets.push_back({"SZ-1", b_, "440305", true, e.at, e.at + 1});
  e.outlets.push_back({"GZ-1", a_, "440106", false, e.at, std::nullopt});
  e.outlets.push_back({"SH-1", b_, "310101", false, e.at, std::nullopt});
  e.outlets.push_back({"SZ-3", c_, "440304", false, e.at, std::nullopt});
  Write({{a_, "o1", std::move(e)}});

  auto ids = [&](const std::string& division) {
    auto r = store_->Outlets(division);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    std::vector<std::string> out;
    for (const auto& o : r.ok() ? *r : std::vector<domain::OutletState>{})
      out.push_back(o.id);
    return out;
  };
  EXPECT_EQ(ids("000000"), (std::vector<std::string>{"SH-1", "GZ-1", "SZ-3", "SZ-1", "SZ-2"}));
  EXPECT_EQ(ids("440000"), (std::vector<std::string>{"GZ-1", "SZ-3", "SZ-1", "SZ-2"}));
  EXPECT_EQ(ids("440300"), (std::vector<std::string>{"SZ-3", "SZ-1", "SZ-2"}));
  EXPECT_EQ(ids("440305"), (std::vector<std::string>{"SZ-1", "SZ-2"}));
  EXPECT_TRUE(ids("320000").empty());
  auto outlets = store_->Outlets("440305");
  ASSERT_TRUE(outlets.ok());
  EXPECT_TRUE((*outlets)[0].closed);
  EXPECT_EQ((*outlets)[0].owner, b_);
  EXPECT_EQ((*outlets)[0].closed_at, std::optional<Instant>(At("2026-06-01T10:00:00+08:00") + 1));
  EXPECT_EQ(store_->Outlets("449999").status().code(), StatusCode::kInvalidArgument);
}

// A store opened without the key (the server's readers) sees the duties and registry records
// another connection commits, without reopening.
TEST_P(JudgmentStoreTest, AReaderSeesTheRegistryAndDutiesAnotherConnectionCommits) {
  Open();
  Register({EnterpriseRecord(a_, "440305"), EnterpriseRecord(c_, "440305"),
            RegulatorRecord("MIIT", "440300"), RegulatorRecord("MIIT", "310000")});
  auto opened = OpenStore(where_->location(), {});
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  Store& reader = **opened;
  auto shown = [&] {
    auto r = reader.Obligations(Day("2026-06-06"), {}, DutySort::kDue, std::nullopt, SIZE_MAX);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->items : std::vector<domain::Duty>{};
  };
  EXPECT_TRUE(shown().empty());
  EXPECT_EQ(*reader.CountOpenDuties(), 0u);

  domain::Effects e;
  e.at = At("2026-06-01T10:00:00+08:00");
  e.duties.push_back(MakeDuty(c_, code1_, a_ + "/r1", "2026-06-05"));
  Write({{a_, "r1", std::move(e)}});
  auto duties = shown();
  ASSERT_EQ(duties.size(), 1u);
  EXPECT_EQ(duties[0].party, c_);
  EXPECT_EQ(*reader.CountOpenDuties(), 1u);

  // The reader built its registry index above; the successor registered now shows at once.
  Register({EnterpriseRecord(b_, "310101", "battery_maker", {c_})});
  duties = shown();
  ASSERT_EQ(duties.size(), 1u);
  EXPECT_EQ(duties[0].party, b_);
  EXPECT_EQ(duties[0].authority, (domain::Authority{"MIIT", "310000"}));
  EXPECT_EQ(Query("SELECT value FROM meta WHERE key = 'registry_version'"), "2");

  // A registry change is a ledger leaf: the reader cannot make one; the writer's shows at once.
  auto record = ParseRegistryRecord(EnterpriseRecord(b_, "310101").dump());
  ASSERT_TRUE(record.ok());
  const RegistryRow row{"enterprise", b_, "310101", RegistryRecordToJson(*record).dump()};
  EXPECT_EQ(PutRegistry(reader, {row}, Day("2026-01-01"), 0).status().code(),
            StatusCode::kFailedPrecondition);
  Register({EnterpriseRecord(b_, "310101")});
  EXPECT_EQ(Subjects(ObligationsAsOf("2026-06-06", c_)), std::vector<std::string>{code1_});
}

TEST_P(JudgmentStoreTest, AnUnreadableRegistryRecordStopsWritesAndQueries) {
  Open();
  Register({EnterpriseRecord(a_, "440305")});
  store_.reset();
  where_->Sql("UPDATE registry SET record = '{\"kind\":\"enterprise\"}'");
  Open(false);
  auto txn = store_->BeginWrite();
  ASSERT_FALSE(txn.ok());
  EXPECT_EQ(txn.status().code(), StatusCode::kCorruption);
  EXPECT_NE(txn.status().message().find(a_), std::string::npos) << txn.status().message();
  EXPECT_EQ(store_->Findings(Day("2026-06-01"), {}, FindingSort::kKind, std::nullopt, SIZE_MAX)
                .status()
                .code(),
            StatusCode::kCorruption);
  // Reading the ledger and projections still works.
  EXPECT_TRUE(store_->TreeSize().ok());
}

// Each list statement reads the index of its order from where its page starts, without a sort
// (migrations 12-14). The day of finding_by_day is spelled in findings_query.cc as in migration
// 14: were they to drift, SQLite would read another index and sort, and this test would say so.
TEST_P(JudgmentStoreTest, EveryListStatementReadsTheIndexOfItsOrder) {
  if (GetParam() != Engine::kSqlite) GTEST_SKIP() << "the embedded store's plans";
  Open();
  const std::map<common::ListQuery, std::string> index = {
      {common::ListQuery::kFindingsByKind, "finding_by_kind"},
      {common::ListQuery::kFindingsByDate, "finding_by_day"},
      {common::ListQuery::kFindingsByDateDesc, "finding_by_day"},
      {common::ListQuery::kDutiesByKind, "obligation_by_kind"},
      {common::ListQuery::kDutiesByDate, "obligation_by_date"},
      {common::ListQuery::kDutiesByDateDesc, "obligation_by_date"},
      {common::ListQuery::kDutiesByDue, "obligation_by_due"},
      {common::ListQuery::kDutiesByDueDesc, "obligation_by_due"},
      {common::ListQuery::kFindingsByKindOfParty, "finding_by_party"},
      {common::ListQuery::kFindingsByKindOfDepartment, "finding_by_department"},
      {common::ListQuery::kDutiesByKindOfParty, "obligation_by_party"},
      {common::ListQuery::kDutiesByKindOfDepartment, "obligation_by_department"},
      {common::ListQuery::kDutiesByDueOfParty, "obligation_by_party_due"},
      {common::ListQuery::kDutiesByDueDescOfParty, "obligation_by_party_due"}};
  for (const common::ListQuery query : common::kListQueries) {
    const std::string sql =
        common::ListSql(query, [](int n, std::string_view) { return "?" + std::to_string(n); });
    const std::string plan = where_->SqlitePlan(sql);
    const std::string& name = index.at(query);
    EXPECT_TRUE(plan.find("INDEX " + name + " ") != std::string::npos ||
                plan.find("INDEX " + name + "\n") != std::string::npos)
        << common::ListQueryName(query) << " does not read " << name << ":\n"
        << plan;
    EXPECT_EQ(plan.find("TEMP B-TREE"), std::string::npos) << common::ListQueryName(query) << ":\n"
                                                           << plan << sql;
  }
}

BATTRACE_BOTH_ENGINES(JudgmentStoreTest);

}  // namespace
}  // namespace battrace::store
