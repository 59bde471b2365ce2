// The store's part of EPCIS 2.0 (Store::CaptureEpcis, GetEpcisJob, QueryEpcis, GetEpcisEvents)
// on both engines: captures stored whole or not at all, duplicates found by (owner, dedup) and
// counted, error declarations kept beside the event they declare, every filter of EpcisFilter,
// paging by seq, the owner and division scopes, two captures of one event at once, migration 9
// on a store of schema 8, and the tables staying outside the ledger's checks.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "../fixtures.h"
#include "engines.h"
#include "ledger/signing_key.h"
#include "store/derived.h"
#include "store/migrate.h"
#include "store/open.h"
#include "store/schema.h"
#include "store/verify.h"

namespace battrace::store {
namespace {

using battrace::testing::Engine;
using battrace::testing::TestUscc;

constexpr int64_t kJune1 = 1780272000000;  // 2026-06-01T00:00:00Z, ms
constexpr int64_t kHour = 3600000;

// An event as capture preparation gives it; `n` makes its hash, id and EPC its own.
EpcisEvent Event(int n, const std::string& owner, const std::string& division = "440305") {
  EpcisEvent e;
  e.hash = "ni:///sha-256;" + std::string(62, '0') + (n < 10 ? "0" : "") + std::to_string(n) +
           "?ver=CBV2.0";
  e.event_id = e.hash;
  e.dedup = e.hash;
  e.owner = owner;
  e.owner_division = division;
  e.type = "ObjectEvent";
  e.event_time = kJune1 + n * kHour;
  e.record_time = kJune1 + 100 * kHour;
  e.action = "ADD";
  e.biz_step = "commissioning";
  e.disposition = "active";
  e.read_point = "https://id.gs1.org/414/4012345000009";
  e.body = R"({"type":"ObjectEvent","n":)" + std::to_string(n) + "}";
  e.epcs = {{"epc", "https://id.gs1.org/01/04012345000001/21/" + std::to_string(n)}};
  return e;
}

EpcisCapture Capture(const std::string& id, const std::string& owner,
                     std::vector<EpcisEvent> events) {
  EpcisCapture c;
  c.capture_id = id;
  c.owner = owner;
  c.created = 1780300000000000;
  for (EpcisEvent& e : events)
    e.capture_id = id;
  c.events = std::move(events);
  return c;
}

std::string Epc(int n) {
  return "https://id.gs1.org/01/04012345000001/21/" + std::to_string(n);
}

std::vector<uint64_t> Seqs(const Result<std::vector<EpcisEvent>>& events) {
  EXPECT_TRUE(events.ok()) << events.status().ToString();
  std::vector<uint64_t> out;
  if (events.ok()) {
    for (const EpcisEvent& e : *events)
      out.push_back(e.seq);
  }
  return out;
}

class EpcisStoreTest : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    where_ = std::make_unique<battrace::testing::TestStore>(GetParam(), "epcis-test");
    if (!where_->available()) GTEST_SKIP() << "BATTRACE_TEST_PG names no PostgreSQL cluster";
    key_ = *ledger::SigningKey::Generate("test.battrace/ledger");
    ASSERT_TRUE(key_->WriteFile(where_->key_path()).ok());
  }
  void TearDown() override {
    store_.reset();
    where_.reset();
  }

  // The writer holds the signing key; a reader (with_key false) does not.
  std::unique_ptr<Store> Open(bool with_key, bool create = false) {
    OpenOptions o;
    o.create = create;
    if (with_key) o.key_path = where_->key_path();
    auto s = OpenStore(where_->location(), o, "test.battrace/ledger");
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(s).value() : nullptr;
  }

  EpcisCaptureResult Put(EpcisCapture capture) {
    auto r = store_->CaptureEpcis(capture);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : EpcisCaptureResult{};
  }

  std::vector<uint64_t> Query(EpcisFilter f) { return Seqs(store_->QueryEpcis(f)); }

  std::unique_ptr<battrace::testing::TestStore> where_;
  std::optional<ledger::SigningKey> key_;
  std::unique_ptr<Store> store_;
  const std::string a_ = TestUscc(1), b_ = TestUscc(2);
};

TEST_P(EpcisStoreTest, CapturesAndReadsEventsBack) {
  store_ = Open(true, true);
  EpcisCapture c = Capture("c1", a_, {Event(1, a_), Event(2, a_), Event(3, a_)});
  c.events[2].epcs.push_back({"child", Epc(30)});
  auto r = store_->CaptureEpcis(c);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->stored, 3u);
  EXPECT_EQ(r->duplicates, 0u);
  EXPECT_EQ(c.events[0].seq, 1u);
  EXPECT_EQ(c.events[2].seq, 3u);

  auto job = store_->GetEpcisJob("c1");
  ASSERT_TRUE(job.ok() && job->has_value());
  EXPECT_EQ((*job)->owner, a_);
  EXPECT_EQ((*job)->created, 1780300000000000);
  EXPECT_EQ((*job)->stored, 3u);
  EXPECT_EQ((*job)->duplicates, 0u);
  EXPECT_FALSE(store_->GetEpcisJob("nope")->has_value());

  auto got = store_->GetEpcisEvents(c.events[1].event_id);
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->size(), 1u);
  const EpcisEvent& e = (*got)[0];
  const EpcisEvent& sent = c.events[1];
  EXPECT_EQ(e.seq, 2u);
  EXPECT_EQ(e.event_id, sent.event_id);
  EXPECT_EQ(e.hash, sent.hash);
  EXPECT_EQ(e.dedup, sent.dedup);
  EXPECT_EQ(e.owner, a_);
  EXPECT_EQ(e.owner_division, "440305");
  EXPECT_EQ(e.capture_id, "c1");
  EXPECT_EQ(e.type, "ObjectEvent");
  EXPECT_EQ(e.event_time, sent.event_time);
  EXPECT_EQ(e.record_time, sent.record_time);
  EXPECT_EQ(e.action, "ADD");
  EXPECT_EQ(e.biz_step, "commissioning");
  EXPECT_EQ(e.disposition, "active");
  EXPECT_EQ(e.read_point, sent.read_point);
  EXPECT_EQ(e.biz_location, "");
  EXPECT_EQ(e.body, sent.body);
  EXPECT_TRUE(e.epcs.empty());  // read back without the index rows
  EXPECT_TRUE(store_->GetEpcisEvents("urn:uuid:none")->empty());

  // The second capture continues the seqs; its child EPC is found by role.
  EXPECT_EQ(Put(Capture("c2", a_, {Event(4, a_)})).stored, 1u);
  EXPECT_EQ(Query({}), (std::vector<uint64_t>{1, 2, 3, 4}));
  EpcisFilter child;
  child.epc_matches = {{{"child"}, {Epc(30)}}};
  EXPECT_EQ(Query(child), std::vector<uint64_t>{3});
  child.epc_matches = {{{"epc"}, {Epc(30)}}};
  EXPECT_TRUE(Query(child).empty());
}

// A supplied eventID is kept as supplied; two events may share it (an event and its error
// declaration), and both come back by it, in capture order.
TEST_P(EpcisStoreTest, AnErrorDeclarationIsANewFactBesideItsEvent) {
  store_ = Open(true, true);
  EpcisEvent original = Event(1, a_);
  original.event_id = "urn:uuid:6a2c0a6e-2b4a-4f0e-9c5e-7f1d7c6a0b11";
  EpcisEvent declared = original;
  declared.dedup = original.hash + "#" + std::string(64, 'a');
  declared.body = R"({"errorDeclaration":{}})";
  EXPECT_EQ(Put(Capture("c1", a_, {original})).stored, 1u);
  const EpcisCaptureResult r = Put(Capture("c2", a_, {declared, declared}));
  EXPECT_EQ(r.stored, 1u);
  EXPECT_EQ(r.duplicates, 1u);
  auto both = store_->GetEpcisEvents(original.event_id);
  ASSERT_TRUE(both.ok());
  ASSERT_EQ(both->size(), 2u);
  EXPECT_EQ((*both)[0].body, original.body);
  EXPECT_EQ((*both)[1].body, declared.body);
  EXPECT_EQ((*both)[1].dedup, declared.dedup);
}

// A re-capture stores nothing new but its job; a duplicate inside one capture is counted too.
// Another enterprise capturing the same event owns its own copy.
TEST_P(EpcisStoreTest, DuplicatesAreCountedNotStored) {
  store_ = Open(true, true);
  EXPECT_EQ(Put(Capture("c1", a_, {Event(1, a_), Event(2, a_)})).stored, 2u);
  EpcisCapture again = Capture("c2", a_, {Event(2, a_), Event(3, a_), Event(3, a_), Event(1, a_)});
  auto r = store_->CaptureEpcis(again);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->stored, 1u);
  EXPECT_EQ(r->duplicates, 3u);
  EXPECT_EQ(again.events[0].seq, 0u);
  EXPECT_EQ(again.events[1].seq, Query({}).back());
  EXPECT_EQ(again.events[2].seq, 0u);
  auto job = store_->GetEpcisJob("c2");
  ASSERT_TRUE(job.ok() && job->has_value());
  EXPECT_EQ((*job)->stored, 1u);
  EXPECT_EQ((*job)->duplicates, 3u);

  const EpcisCaptureResult all_dup = Put(Capture("c3", a_, {Event(1, a_)}));
  EXPECT_EQ(all_dup.stored, 0u);
  EXPECT_EQ(all_dup.duplicates, 1u);
  EXPECT_TRUE(store_->GetEpcisJob("c3")->has_value());  // the job row is always written
  EXPECT_EQ(Query({}).size(), 3u);

  EXPECT_EQ(Put(Capture("c4", b_, {Event(1, b_)})).stored, 1u);
  EXPECT_EQ(Query({}).size(), 4u);
  EXPECT_EQ(store_->GetEpcisEvents(Event(1, a_).event_id)->size(), 2u);
}

// A capture that fails stores nothing: here its job id is taken, after its events were
// offered.
TEST_P(EpcisStoreTest, ACaptureIsAllOrNothing) {
  store_ = Open(true, true);
  EXPECT_EQ(Put(Capture("c1", a_, {Event(1, a_)})).stored, 1u);
  EpcisCapture clash = Capture("c1", a_, {Event(2, a_), Event(3, a_)});
  EXPECT_FALSE(store_->CaptureEpcis(clash).ok());
  EXPECT_EQ(Query({}), std::vector<uint64_t>{1});
  EpcisFilter epc;
  epc.epc_matches = {{{"epc"}, {Epc(2)}}};
  EXPECT_TRUE(Query(epc).empty());
  // The store goes on capturing.
  EXPECT_EQ(Put(Capture("c2", a_, {Event(2, a_)})).stored, 1u);
  EXPECT_EQ(Query(epc).size(), 1u);
}

TEST_P(EpcisStoreTest, FiltersEveryField) {
  store_ = Open(true, true);
  std::vector<EpcisEvent> events;
  for (int n = 1; n <= 6; ++n)
    events.push_back(Event(n, a_));
  events[1].type = "AggregationEvent";
  events[1].action = "DELETE";
  events[2].biz_step = "shipping";
  events[2].disposition = "in_transit";
  events[3].biz_step = "receiving";
  events[3].biz_location = "https://id.gs1.org/414/4012345000016";
  events[4].read_point = "urn:epc:id:sgln:4012345.00002.0";
  events[4].record_time = kJune1 + 200 * kHour;
  events[5].epcs = {{"parent", Epc(60)},
                    {"child", Epc(61)},
                    {"child", Epc(62)},
                    {"class", "https://id.gs1.org/01/04012345000018/10/L1"}};
  EXPECT_EQ(Put(Capture("c1", a_, events)).stored, 6u);

  EpcisFilter f;
  f.types = {"AggregationEvent"};
  EXPECT_EQ(Query(f), std::vector<uint64_t>{2});
  f = {};
  f.types = {"AggregationEvent", "ObjectEvent"};
  EXPECT_EQ(Query(f).size(), 6u);
  f = {};
  f.actions = {"DELETE"};
  EXPECT_EQ(Query(f), std::vector<uint64_t>{2});
  f = {};
  f.biz_steps = {"shipping", "receiving"};
  EXPECT_EQ(Query(f), (std::vector<uint64_t>{3, 4}));
  f = {};
  f.dispositions = {"in_transit"};
  EXPECT_EQ(Query(f), std::vector<uint64_t>{3});
  f = {};
  f.read_points = {"urn:epc:id:sgln:4012345.00002.0"};
  EXPECT_EQ(Query(f), std::vector<uint64_t>{5});
  f = {};
  f.biz_locations = {"https://id.gs1.org/414/4012345000016"};
  EXPECT_EQ(Query(f), std::vector<uint64_t>{4});
  f = {};
  f.event_ids = {events[0].event_id, events[5].event_id, "urn:uuid:none"};
  EXPECT_EQ(Query(f), (std::vector<uint64_t>{1, 6}));

  // Event time: GE inclusive, LT exclusive.
  f = {};
  f.ge_event_time = kJune1 + 2 * kHour;
  f.lt_event_time = kJune1 + 4 * kHour;
  EXPECT_EQ(Query(f), (std::vector<uint64_t>{2, 3}));
  f = {};
  f.ge_record_time = kJune1 + 200 * kHour;
  EXPECT_EQ(Query(f), std::vector<uint64_t>{5});
  f = {};
  f.lt_record_time = kJune1 + 200 * kHour;
  EXPECT_EQ(Query(f).size(), 5u);

  // MATCH_: roles and values are alternatives, several matches must all hold.
  f = {};
  f.epc_matches = {{{"epc", "child"}, {Epc(61), Epc(2)}}};
  EXPECT_EQ(Query(f), (std::vector<uint64_t>{2, 6}));
  f.epc_matches = {{{"parent"}, {Epc(60)}}};
  EXPECT_EQ(Query(f), std::vector<uint64_t>{6});
  f.epc_matches = {{{"epc", "child", "parent", "input", "output"}, {Epc(62)}},
                   {{"parent"}, {Epc(60)}}};
  EXPECT_EQ(Query(f), std::vector<uint64_t>{6});
  f.epc_matches = {{{"child"}, {Epc(62)}}, {{"parent"}, {Epc(61)}}};
  EXPECT_TRUE(Query(f).empty());
  f.epc_matches = {{{"class"}, {"https://id.gs1.org/01/04012345000018/10/L1"}}};
  EXPECT_EQ(Query(f), std::vector<uint64_t>{6});

  // Filters hold together.
  f = {};
  f.biz_steps = {"commissioning"};
  f.ge_event_time = kJune1 + 5 * kHour;
  f.epc_matches = {{{"epc"}, {Epc(5), Epc(1)}}};
  EXPECT_EQ(Query(f), std::vector<uint64_t>{5});
}

// Values are bound, never spliced into the SQL: quotes and JSON in them match as text.
TEST_P(EpcisStoreTest, ValuesAreMatchedAsText) {
  store_ = Open(true, true);
  EpcisEvent odd = Event(1, a_);
  odd.biz_step = R"(urn:x:it's "quoted" \ {a,b})";
  odd.epcs = {{"epc", R"(urn:x:{"a":1},'b')"}};
  EXPECT_EQ(Put(Capture("c1", a_, {odd, Event(2, a_)})).stored, 2u);
  EpcisFilter f;
  f.biz_steps = {odd.biz_step};
  EXPECT_EQ(Query(f), std::vector<uint64_t>{1});
  f.biz_steps = {odd.biz_step, "x"};
  EXPECT_EQ(Query(f), std::vector<uint64_t>{1});
  f = {};
  f.epc_matches = {{{"epc"}, {odd.epcs[0].second, "y"}}};
  EXPECT_EQ(Query(f), std::vector<uint64_t>{1});
}

TEST_P(EpcisStoreTest, PagesBySeq) {
  store_ = Open(true, true);
  std::vector<EpcisEvent> events;
  for (int n = 1; n <= 7; ++n) {
    events.push_back(Event(n, a_));
    events.back().epcs.push_back({"epc", Epc(99)});
  }
  EXPECT_EQ(Put(Capture("c1", a_, events)).stored, 7u);
  for (const bool by_epc : {false, true}) {
    EpcisFilter f;
    if (by_epc) f.epc_matches = {{{"epc"}, {Epc(99)}}};
    f.limit = 3;
    std::vector<uint64_t> all;
    for (;;) {
      const std::vector<uint64_t> page = Query(f);
      all.insert(all.end(), page.begin(), page.end());
      if (page.size() < f.limit) break;
      f.after_seq = page.back();
    }
    EXPECT_EQ(all, (std::vector<uint64_t>{1, 2, 3, 4, 5, 6, 7})) << by_epc;
  }
}

// An enterprise sees its own; a regulator those of the enterprises registered in its division
// at capture; the nation ("000000") all.
TEST_P(EpcisStoreTest, ScopesByOwnerAndDivision) {
  store_ = Open(true, true);
  EXPECT_EQ(Put(Capture("c1", a_, {Event(1, a_, "440305"), Event(2, a_, "440305")})).stored, 2u);
  EXPECT_EQ(Put(Capture("c2", b_, {Event(3, b_, "110101")})).stored, 1u);
  const std::string c = TestUscc(3);
  EXPECT_EQ(Put(Capture("c3", c, {Event(4, c, "440106")})).stored, 1u);
  EpcisFilter f;
  f.owner = a_;
  EXPECT_EQ(Query(f), (std::vector<uint64_t>{1, 2}));
  f.owner = b_;
  EXPECT_EQ(Query(f), std::vector<uint64_t>{3});
  f.epc_matches = {{{"epc"}, {Epc(1)}}};
  EXPECT_TRUE(Query(f).empty());
  f = {};
  f.division = "440000";
  EXPECT_EQ(Query(f), (std::vector<uint64_t>{1, 2, 4}));
  f.division = "440300";
  EXPECT_EQ(Query(f), (std::vector<uint64_t>{1, 2}));
  f.division = "440305";
  EXPECT_EQ(Query(f), (std::vector<uint64_t>{1, 2}));
  f.division = "110000";
  EXPECT_EQ(Query(f), std::vector<uint64_t>{3});
  f.division = "000000";
  EXPECT_EQ(Query(f).size(), 4u);
  f.division = "12x";
  EXPECT_EQ(store_->QueryEpcis(f).status().code(), StatusCode::kInvalidArgument);
}

// Captures and queries go through a store opened without the signing key too (the server's
// readers), and other connections see them.
TEST_P(EpcisStoreTest, ReadersCaptureAndSeeCaptures) {
  store_ = Open(true, true);
  auto reader = Open(false);
  ASSERT_NE(reader, nullptr);
  EpcisCapture c = Capture("c1", a_, {Event(1, a_)});
  ASSERT_TRUE(reader->CaptureEpcis(c).ok());
  EXPECT_EQ(Query({}), std::vector<uint64_t>{1});
  EXPECT_EQ(Put(Capture("c2", a_, {Event(2, a_)})).stored, 1u);
  EXPECT_EQ(Seqs(reader->QueryEpcis({})), (std::vector<uint64_t>{1, 2}));
  EXPECT_TRUE(reader->GetEpcisJob("c2")->has_value());
}

// Two connections capturing the same events at once store each once, with seqs in order.
TEST_P(EpcisStoreTest, ConcurrentCapturesOfOneEventStoreItOnce) {
  store_ = Open(true, true);
  constexpr int kRounds = 20;
  std::vector<std::unique_ptr<Store>> stores;
  for (int i = 0; i < 2; ++i) {
    stores.push_back(Open(false));
    ASSERT_NE(stores.back(), nullptr);
  }
  std::vector<size_t> stored(2, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < kRounds; ++round) {
        EpcisCapture c = Capture("t" + std::to_string(t) + "-" + std::to_string(round), a_,
                                 {Event(2 * round, a_), Event(2 * round + 1, a_)});
        auto r = stores[t]->CaptureEpcis(c);
        ASSERT_TRUE(r.ok()) << r.status().ToString();
        stored[t] += r->stored;
        EXPECT_EQ(r->stored + r->duplicates, 2u);
      }
    });
  }
  for (std::thread& t : threads)
    t.join();
  EXPECT_EQ(stored[0] + stored[1], 2u * kRounds);
  EpcisFilter all;
  all.limit = 1000;
  const std::vector<uint64_t> seqs = Query(all);
  EXPECT_EQ(seqs.size(), 2u * kRounds);
  EXPECT_TRUE(std::is_sorted(seqs.begin(), seqs.end()));
}

// The EPCIS tables are no ledger data: `verify` and `verify --replay` do not look at them, so
// captures neither break the ledger's checks nor show as derived rows.
TEST_P(EpcisStoreTest, EpcisTablesAreOutsideTheLedgerChecks) {
  store_ = Open(true, true);
  EXPECT_EQ(Put(Capture("c1", a_, {Event(1, a_)})).stored, 1u);
  ASSERT_TRUE(store_->SignCheckpoint().ok());
  auto verified = VerifyLedger(*store_, key_->VerifierKey());
  EXPECT_TRUE(verified.ok()) << verified.status().ToString();
  for (const char* table : {"epcis_event", "epcis_epc", "epcis_job"})
    EXPECT_EQ(common::FindDerivedTable(table), nullptr) << table;
}

// Migration 9: a store of schema 8 opens at the latest version, its rows kept, and captures.
TEST_P(EpcisStoreTest, MigratesAVersion8Store) {
  {
    std::string sql;
    for (const Migration& m : Migrations()) {
      if (m.version <= 8) sql += RenderSql(m.sql, where_->dialect());
    }
    sql +=
        "INSERT INTO meta VALUES ('origin', 'test.battrace/ledger');"
        "INSERT INTO meta VALUES ('schema_version', '8');"
        "INSERT INTO outlet VALUES ('OUT-1', '" +
        a_ + "', '440305', 0, 1, NULL);";
    where_->Sql(sql);
    if (!where_->location().db.empty()) {
      std::filesystem::permissions(where_->location().db, std::filesystem::perms::owner_read |
                                                              std::filesystem::perms::owner_write);
    }
  }
  store_ = Open(true);
  ASSERT_NE(store_, nullptr);
  EXPECT_EQ(where_->Sql("SELECT value FROM meta WHERE key = 'schema_version'"),
            std::to_string(LatestSchemaVersion()));
  EXPECT_EQ(where_->Sql("SELECT owner FROM outlet WHERE id = 'OUT-1'"), a_);
  EXPECT_EQ(Put(Capture("c1", a_, {Event(1, a_)})).stored, 1u);
  EpcisFilter f;
  f.epc_matches = {{{"epc"}, {Epc(1)}}};
  EXPECT_EQ(Query(f), std::vector<uint64_t>{1});
}

// `battrace migrate` carries the captured events, their index and the jobs into PostgreSQL,
// and the store goes on capturing after them.
TEST_P(EpcisStoreTest, MigrateCarriesTheCaptures) {
  if (GetParam() != Engine::kSqlite) GTEST_SKIP() << "the source is an embedded store";
  battrace::testing::TestStore target(Engine::kPostgres, "epcis-migrate-test");
  if (!target.available()) GTEST_SKIP() << "BATTRACE_TEST_PG names no PostgreSQL cluster";
  store_ = Open(true, true);
  EXPECT_EQ(Put(Capture("c1", a_, {Event(1, a_), Event(2, a_)})).stored, 2u);
  store_.reset();
  auto moved = MigrateSqliteToPostgres(where_->location().db, target.location().pg, std::nullopt);
  ASSERT_TRUE(moved.ok()) << moved.status().ToString();
  OpenOptions o;
  o.key_path = where_->key_path();
  auto opened = OpenStore(target.location(), o);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  store_ = std::move(opened).value();
  EXPECT_EQ(Query({}), (std::vector<uint64_t>{1, 2}));
  EXPECT_TRUE(store_->GetEpcisJob("c1")->has_value());
  const EpcisCaptureResult r = Put(Capture("c2", a_, {Event(2, a_), Event(3, a_)}));
  EXPECT_EQ(r.stored, 1u);
  EXPECT_EQ(r.duplicates, 1u);
  // Seqs continue after the copied ones (a duplicate may leave one unused).
  EpcisFilter f;
  f.epc_matches = {{{"epc"}, {Epc(3)}}};
  const std::vector<uint64_t> third = Query(f);
  ASSERT_EQ(third.size(), 1u);
  EXPECT_GT(third[0], 2u);
}

BATTRACE_BOTH_ENGINES(EpcisStoreTest);

}  // namespace
}  // namespace battrace::store
