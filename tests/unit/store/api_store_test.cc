// What the HTTP API needs of the store: API tokens, the chained audit trail (AppendAudit,
// ListAudit, VerifyAudit), the model.disassembly_info, battery_model.declared and GS1 Digital
// Link lookups, and readers (stores opened
// without the signing key) that see what another connection commits without reopening.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "../fixtures.h"
#include "engines.h"
#include "ledger/checkpoint.h"
#include "ledger/hash.h"
#include "ledger/merkle.h"
#include "store/audit.h"
#include "store/open.h"
#include "store/sqlite/sqlite_store.h"
#include "store/verify.h"

namespace battrace::store {
namespace {

ledger::Hash HashOf(const std::string& text) {
  return ledger::LeafHash(text);
}

AuditEntry Read(const std::string& record, const std::string& purpose = "inspection") {
  AuditEntry e;
  e.at = 1780000000000000;
  e.principal = "regulator:MIIT-440300";
  e.action = "GET /v1/batteries/{code}/history";
  e.record = record;
  e.purpose = purpose;
  e.request_id = "req-" + record;
  return e;
}

class ApiStoreTest : public ::testing::TestWithParam<battrace::testing::Engine> {
 protected:
  void SetUp() override {
    where_ = std::make_unique<battrace::testing::TestStore>(GetParam(), "api-test");
    if (!where_->available()) GTEST_SKIP() << "BATTRACE_TEST_PG names no PostgreSQL cluster";
    key_ = *ledger::SigningKey::Generate("test.battrace/ledger");
    ASSERT_TRUE(key_->WriteFile(where_->key_path()).ok());
    writer_ = Open(true, true);
  }
  void TearDown() override {
    writer_.reset();
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

  // Appends one leaf per body (its reporter, id and type; occurred 1 June added), in one
  // transaction of the writer; `effects` (by the body's index) are applied to their leaf.
  void Append(const std::vector<nlohmann::json>& bodies,
              std::map<size_t, domain::Effects> effects = {}) {
    auto txn = writer_->BeginWrite();
    ASSERT_TRUE(txn.ok()) << txn.status().ToString();
    for (size_t i = 0; i < bodies.size(); ++i) {
      nlohmann::json body = bodies[i];
      body["occurred"] = "2026-06-01";
      LeafInput in;
      in.reporter = body.at("reporter");
      in.id = body.at("id");
      in.type = body.at("type");
      in.occurred = "2026-06-01";
      in.body = body.dump();
      in.leaf_hash = ledger::LeafHash(in.body);
      in.content_hash = in.leaf_hash;
      auto r = (*txn)->Append(in);
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      ASSERT_EQ(r->outcome, AppendOutcome::kAccepted);
      if (auto e = effects.find(i); e != effects.end()) {
        ASSERT_TRUE((*txn)->Apply(std::move(e->second), r->leaf_index).ok());
      }
    }
    ASSERT_TRUE((*txn)->Commit().ok());
  }
  void AppendPlain(int from, int count) {
    std::vector<nlohmann::json> bodies;
    for (int i = from; i < from + count; ++i) {
      bodies.push_back({{"reporter", "R"}, {"id", "r" + std::to_string(i)}, {"type", "x"}});
    }
    Append(bodies);
  }

  // Runs SQL on the store with a connection of its own.
  std::string Sql(const std::string& sql) { return where_->Sql(sql); }

  std::unique_ptr<battrace::testing::TestStore> where_;
  std::optional<ledger::SigningKey> key_;
  std::unique_ptr<Store> writer_;
};

TEST_P(ApiStoreTest, TokensAreKeptRevokedOnceAndNeedNoSigningKey) {
  auto admin = Open(false);
  TokenRow t;
  t.hash = HashOf("secret-1");
  t.principal = "enterprise:91440300MA5FXXXX0X";
  t.created = 100;
  t.expires = 200;
  ASSERT_TRUE(admin->PutToken(t).ok());
  EXPECT_EQ(admin->PutToken(t).code(), StatusCode::kConflict);

  auto found = writer_->FindToken(t.hash);
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->hash, t.hash);
  EXPECT_EQ((*found)->principal, t.principal);
  EXPECT_EQ((*found)->created, 100);
  EXPECT_EQ((*found)->expires, 200);
  EXPECT_FALSE((*found)->revoked.has_value());
  EXPECT_FALSE(writer_->FindToken(HashOf("secret-2"))->has_value());

  EXPECT_TRUE(*admin->RevokeToken(t.hash, 150));
  EXPECT_FALSE(*admin->RevokeToken(t.hash, 160));  // already revoked: the first time stands
  EXPECT_FALSE(*admin->RevokeToken(HashOf("secret-2"), 160));
  EXPECT_EQ((*writer_->FindToken(t.hash))->revoked, std::optional<Instant>(150));
}

TEST_P(ApiStoreTest, TokensAreListedNewestFirstByCursorAndFoundByPrefix) {
  auto admin = Open(false);
  // Five tokens, two of them created at the same instant (the hash breaks the tie).
  std::vector<TokenRow> rows;
  for (int i = 0; i < 5; ++i) {
    TokenRow t;
    t.hash = HashOf("list-" + std::to_string(i));
    t.principal = i % 2 ? "admin" : "regulator:MIIT-440300";
    t.created = 1000 + std::min(i, 3);
    t.expires = 5000;
    if (i == 1) t.revoked = 1500;
    ASSERT_TRUE(admin->PutToken(t).ok());
    rows.push_back(t);
  }
  std::vector<TokenRow> want = rows;
  std::sort(want.begin(), want.end(), [](const TokenRow& a, const TokenRow& b) {
    return a.created != b.created ? a.created > b.created : b.hash < a.hash;
  });
  std::vector<TokenRow> got;
  std::optional<TokenCursor> cursor;
  for (int page = 0; page < 10; ++page) {
    auto items = writer_->ListTokens(cursor, 2);
    ASSERT_TRUE(items.ok()) << items.status().ToString();
    if (items->empty()) break;
    EXPECT_LE(items->size(), 2u);
    got.insert(got.end(), items->begin(), items->end());
    cursor = TokenCursor{items->back().created, items->back().hash};
  }
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].hash, want[i].hash) << i;
    EXPECT_EQ(got[i].principal, want[i].principal) << i;
    EXPECT_EQ(got[i].revoked, want[i].revoked) << i;
  }

  const ledger::Hash& h = rows[2].hash;
  auto one =
      writer_->FindTokensByPrefix(std::string(reinterpret_cast<const char*>(h.data()), 8), 2);
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  ASSERT_EQ(one->size(), 1u);
  EXPECT_EQ((*one)[0].hash, h);
  // A prefix of bytes 0xff (the range's end is inclusive) and one no token has.
  EXPECT_TRUE(writer_->FindTokensByPrefix(std::string(8, '\xff'), 2)->empty());
  ledger::Hash other = h;
  other[7] ^= 1;
  EXPECT_TRUE(
      writer_->FindTokensByPrefix(std::string(reinterpret_cast<const char*>(other.data()), 8), 2)
          ->empty());
  // The empty prefix names every token, by hash.
  auto all = writer_->FindTokensByPrefix("", 10);
  ASSERT_EQ(all->size(), 5u);
  EXPECT_TRUE(std::is_sorted(all->begin(), all->end(),
                             [](const TokenRow& a, const TokenRow& b) { return a.hash < b.hash; }));
}

TEST_P(ApiStoreTest, AuditEntriesAreNumberedAndChained) {
  auto server = Open(false);
  std::vector<AuditEntry> first = {Read("battery:A"), Read("battery:B")};
  ASSERT_TRUE(server->AppendAudit(first).ok());
  std::vector<AuditEntry> second = {Read("report:R/r1", "")};
  ASSERT_TRUE(writer_->AppendAudit(second).ok());  // another connection continues the chain
  std::vector<AuditEntry> none;
  ASSERT_TRUE(server->AppendAudit(none).ok());

  EXPECT_EQ(first[0].seq, 1u);
  EXPECT_EQ(first[1].seq, 2u);
  EXPECT_EQ(second[0].seq, 3u);
  EXPECT_EQ(first[0].hash, AuditHash(ledger::Hash{}, first[0]));
  EXPECT_EQ(first[1].hash, AuditHash(first[0].hash, first[1]));
  EXPECT_EQ(second[0].hash, AuditHash(first[1].hash, second[0]));

  auto all = server->ListAudit({.from = 0, .limit = 10});
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[1].record, "battery:B");
  EXPECT_EQ((*all)[1].principal, first[1].principal);
  EXPECT_EQ((*all)[1].action, first[1].action);
  EXPECT_EQ((*all)[1].purpose, "inspection");
  EXPECT_EQ((*all)[1].request_id, "req-battery:B");
  EXPECT_EQ((*all)[1].at, first[1].at);
  EXPECT_EQ((*all)[1].hash, first[1].hash);
  EXPECT_EQ((*all)[2].purpose, "");
  auto page = server->ListAudit({.from = 1, .limit = 1});
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->size(), 1u);
  EXPECT_EQ((*page)[0].seq, 2u);
  EXPECT_TRUE(server->ListAudit({.from = 3, .limit = 10})->empty());
  auto newest = server->ListAudit({.from = INT64_MAX, .limit = 2, .newest_first = true});
  ASSERT_TRUE(newest.ok());
  ASSERT_EQ(newest->size(), 2u);
  EXPECT_EQ((*newest)[0].seq, 3u);
  EXPECT_EQ((*newest)[1].seq, 2u);
  EXPECT_EQ((*newest)[1].hash, first[1].hash);
  auto older = server->ListAudit({.from = 2, .limit = 10, .newest_first = true});
  ASSERT_TRUE(older.ok());
  ASSERT_EQ(older->size(), 1u);
  EXPECT_EQ((*older)[0].record, "battery:A");
  EXPECT_TRUE(server->ListAudit({.from = 1, .limit = 10, .newest_first = true})->empty());

  auto verified = VerifyAudit(*server);
  ASSERT_TRUE(verified.ok()) << verified.status().ToString();
  EXPECT_EQ(*verified, 3u);
  auto whole = VerifyLedger(*server, key_->VerifierKey());
  ASSERT_TRUE(whole.ok()) << whole.status().ToString();
  EXPECT_EQ(whole->audit_entries, 3u);
}

TEST_P(ApiStoreTest, TheHashCoversEveryFieldUnambiguously) {
  const AuditEntry e = Read("battery:A");
  const ledger::Hash h = AuditHash(ledger::Hash{}, e);
  AuditEntry shifted = e;  // the same bytes, split differently between two fields
  shifted.record = e.record + e.purpose.substr(0, 1);
  shifted.purpose = e.purpose.substr(1);
  EXPECT_NE(AuditHash(ledger::Hash{}, shifted), h);
  AuditEntry later = e;
  later.seq = 2;
  EXPECT_NE(AuditHash(ledger::Hash{}, later), h);
  EXPECT_NE(AuditHash(HashOf("x"), e), h);
}

TEST_P(ApiStoreTest, VerifyAuditNamesAnEditedEntry) {
  std::vector<AuditEntry> entries = {Read("a"), Read("b"), Read("c"), Read("d")};
  ASSERT_TRUE(writer_->AppendAudit(entries).ok());
  writer_.reset();
  Sql("UPDATE audit SET purpose = 'curiosity' WHERE seq = 3");
  auto reader = Open(false);
  auto r = VerifyAudit(*reader);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
  EXPECT_NE(r.status().message().find("audit entry 3:"), std::string::npos) << r.status().message();
  auto whole = VerifyLedger(*reader, key_->VerifierKey());
  EXPECT_EQ(whole.status().code(), StatusCode::kCorruption);
}

TEST_P(ApiStoreTest, VerifyAuditNamesADeletedEntry) {
  std::vector<AuditEntry> entries = {Read("a"), Read("b"), Read("c"), Read("d")};
  ASSERT_TRUE(writer_->AppendAudit(entries).ok());
  writer_.reset();
  Sql("DELETE FROM audit WHERE seq = 3");
  auto reader = Open(false);
  auto r = VerifyAudit(*reader);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
  EXPECT_NE(r.status().message().find("audit entry 3 is missing"), std::string::npos)
      << r.status().message();
}

// The embedded store keeps its audit trail in a file of its own: appending to it commits
// nothing to the store file, so the other connections' cached pages of the store stay valid
// (SQLite drops a connection's cache of a file when another connection committed to it, which
// PRAGMA data_version shows).
TEST_P(ApiStoreTest, AnAuditAppendCommitsNothingToTheStoreFile) {
  if (GetParam() != battrace::testing::Engine::kSqlite) GTEST_SKIP() << "one file per store";
  const std::string db_path = where_->location().db;
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(db_path.c_str(), &db), SQLITE_OK);
  const std::string attach = "ATTACH DATABASE '" + AuditFilePath(db_path) + "' AS audit";
  ASSERT_EQ(sqlite3_exec(db, attach.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
  const auto version = [&](const std::string& schema) {
    sqlite3_stmt* st = nullptr;
    EXPECT_EQ(
        sqlite3_prepare_v2(db, ("PRAGMA " + schema + ".data_version").c_str(), -1, &st, nullptr),
        SQLITE_OK);
    EXPECT_EQ(sqlite3_step(st), SQLITE_ROW);
    const int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
  };
  const int64_t store_before = version("main"), trail_before = version("audit");
  std::vector<AuditEntry> entries = {Read("a"), Read("b")};
  ASSERT_TRUE(writer_->AppendAudit(entries).ok());
  EXPECT_EQ(version("main"), store_before);
  EXPECT_NE(version("audit"), trail_before);
  // A write to the ledger does commit to the store file (the check above can fail).
  Append({{{"reporter", "R"}, {"id", "1"}, {"type", "battery.produced"}}});
  EXPECT_NE(version("main"), store_before);
  sqlite3_close(db);
  EXPECT_EQ(where_->Sql("SELECT count(*) FROM main.sqlite_master WHERE name = 'audit'"), "0");
  EXPECT_EQ(where_->Sql("SELECT count(*) FROM audit.audit"), "2");
}

// Migration 15: a store of schema 14 keeps its trail in the store file's audit table. On open,
// the table and its rows are copied into the trail's own file, then dropped from the store file;
// after a crash between the two, the copy is not repeated.
TEST_P(ApiStoreTest, MovesAVersion14AuditTrailIntoItsOwnFile) {
  if (GetParam() != battrace::testing::Engine::kSqlite) GTEST_SKIP() << "one file per store";
  std::vector<AuditEntry> entries = {Read("a"), Read("b"), Read("c")};
  ASSERT_TRUE(writer_->AppendAudit(entries).ok());
  writer_.reset();
  const std::string kVersion14 =
      "CREATE TABLE main.audit (seq INTEGER PRIMARY KEY, at BIGINT NOT NULL, principal TEXT NOT "
      "NULL, action TEXT NOT NULL, record TEXT NOT NULL, purpose TEXT NOT NULL, request_id TEXT "
      "NOT NULL, hash BLOB NOT NULL);"
      "INSERT INTO main.audit SELECT * FROM audit.audit;"
      "UPDATE meta SET value = '14' WHERE key = 'schema_version';";
  const auto expect_moved = [&] {
    auto reader = Open(false);
    ASSERT_NE(reader, nullptr);
    auto listed = reader->ListAudit({.from = 0, .limit = 10});
    ASSERT_TRUE(listed.ok()) << listed.status().ToString();
    ASSERT_EQ(listed->size(), 3u);
    for (size_t i = 0; i < 3; ++i)
      EXPECT_EQ((*listed)[i].hash, entries[i].hash) << i;
    auto verified = VerifyAudit(*reader);
    ASSERT_TRUE(verified.ok()) << verified.status().ToString();
    EXPECT_EQ(*verified, 3u);
    EXPECT_EQ(Sql("SELECT value FROM meta WHERE key = 'schema_version'"), "15");
    EXPECT_EQ(Sql("SELECT count(*) FROM main.sqlite_master WHERE name = 'audit'"), "0");
  };
  // Before the move: the trail only in the store file.
  Sql(kVersion14 + "DROP TABLE audit.audit;");
  expect_moved();
  // A crash after the copy, before the drop: the trail in both files.
  Sql(kVersion14);
  expect_moved();
  std::vector<AuditEntry> more = {Read("d")};
  ASSERT_TRUE(Open(true)->AppendAudit(more).ok());
  EXPECT_EQ(more[0].seq, 4u);
}

TEST_P(ApiStoreTest, VerifyAuditReadsALongTrailInPages) {
  std::vector<AuditEntry> entries;
  for (int i = 0; i < 2500; ++i)
    entries.push_back(Read("battery:" + std::to_string(i)));
  ASSERT_TRUE(writer_->AppendAudit(entries).ok());
  auto r = VerifyAudit(*writer_);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, 2500u);
}

TEST_P(ApiStoreTest, AppendAuditWaitsForAnotherConnectionsWriteTransaction) {
  auto server = Open(false);
  auto txn = writer_->BeginWrite();
  ASSERT_TRUE(txn.ok());
  // The same store cannot audit inside its own write transaction.
  std::vector<AuditEntry> inside = {Read("a")};
  EXPECT_EQ(writer_->AppendAudit(inside).code(), StatusCode::kFailedPrecondition);

  LeafInput in;
  in.reporter = "R";
  in.id = "r0";
  in.type = "x";
  in.body = R"({"id":"r0","reporter":"R","type":"x"})";
  in.leaf_hash = ledger::LeafHash(in.body);
  in.content_hash = in.leaf_hash;
  ASSERT_TRUE((*txn)->Append(in).ok());
  std::thread committer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EXPECT_TRUE((*txn)->Commit().ok());
  });
  const auto start = std::chrono::steady_clock::now();
  std::vector<AuditEntry> entries = {Read("b")};
  const Status st = server->AppendAudit(entries);
  const auto waited = std::chrono::steady_clock::now() - start;
  committer.join();
  ASSERT_TRUE(st.ok()) << st.ToString();
  // SQLite has one write lock; PostgreSQL chains the audit under a lock of its own.
  if (GetParam() == battrace::testing::Engine::kSqlite) {
    EXPECT_GE(waited, std::chrono::milliseconds(200));
  }
  EXPECT_EQ(entries[0].seq, 1u);
  EXPECT_EQ(*server->TreeSize(), 1u);
}

TEST_P(ApiStoreTest, AReaderFollowsTheWritersLedger) {
  AppendPlain(0, 5);
  auto reader = Open(false);
  EXPECT_EQ(*reader->TreeSize(), 5u);
  const auto old_root = ledger::RootAt(*reader, 5);
  ASSERT_TRUE(old_root.ok());

  // Batches that complete stored subtrees (16 leaves: a kept level-4 node) and leave a ragged
  // right edge, then a checkpoint; the reader is not reopened.
  AppendPlain(5, 17);
  AppendPlain(22, 15);
  ASSERT_TRUE(writer_->SignCheckpoint().ok());
  const uint64_t size = 37;
  ASSERT_EQ(*reader->TreeSize(), size);
  auto cp = reader->LatestCheckpoint();
  ASSERT_TRUE(cp.ok() && cp->has_value());
  ASSERT_EQ((*cp)->size, size);
  auto verifier = ledger::Verifier::Parse(key_->VerifierKey());
  ASSERT_TRUE(verifier.ok());
  auto opened = ledger::OpenSignedCheckpoint((*cp)->note, *verifier);
  ASSERT_TRUE(opened.ok());

  // The reader's nodes give the signed root, inclusion proofs and a consistency proof.
  auto root = ledger::RootAt(*reader, size);
  ASSERT_TRUE(root.ok()) << root.status().ToString();
  EXPECT_EQ(*root, opened->root);
  for (uint64_t leaf : {0u, 15u, 16u, 31u, 36u}) {
    auto proof = ledger::InclusionProof(*reader, leaf, size);
    ASSERT_TRUE(proof.ok()) << proof.status().ToString();
    auto leaf_hash = reader->GetNode({0, leaf});
    ASSERT_TRUE(leaf_hash.ok());
    EXPECT_TRUE(ledger::VerifyInclusion(leaf, size, *leaf_hash, *proof, *root)) << leaf;
  }
  auto consistency = ledger::ConsistencyProof(*reader, 5, size);
  ASSERT_TRUE(consistency.ok()) << consistency.status().ToString();
  EXPECT_TRUE(ledger::VerifyConsistency(5, size, *old_root, *root, *consistency));
  // Beyond the stored tree there is nothing to prove.
  EXPECT_EQ(ledger::InclusionProof(*reader, 0, size + 1).status().code(), StatusCode::kNotFound);

  auto verified = VerifyLedger(*reader, key_->VerifierKey());
  ASSERT_TRUE(verified.ok()) << verified.status().ToString();
  EXPECT_EQ(verified->leaves, size);

  // A reader cannot write or sign.
  EXPECT_EQ(reader->BeginWrite().status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(reader->SignCheckpoint().status().code(), StatusCode::kFailedPrecondition);
}

TEST_P(ApiStoreTest, DisassemblyInfoListsAModelsReportsThroughItsIndex) {
  auto info = [](const std::string& reporter, const std::string& id, const std::string& model) {
    return nlohmann::json{{"reporter", reporter},
                          {"id", id},
                          {"type", "model.disassembly_info"},
                          {"vehicle_model", model}};
  };
  Append({info("M1", "i1", "D1"),
          {{"reporter", "M1"}, {"id", "v1"}, {"type", "vehicle.produced"}, {"model", "D1"}},
          info("M2", "i2", "D2"),
          info("M2", "i3", "D1")});
  auto reader = Open(false);
  auto d1 = reader->DisassemblyInfo("D1");
  ASSERT_TRUE(d1.ok()) << d1.status().ToString();
  ASSERT_EQ(d1->size(), 2u);
  EXPECT_EQ((*d1)[0].leaf_index, 0u);
  EXPECT_EQ((*d1)[0].reporter, "M1");
  EXPECT_EQ((*d1)[1].leaf_index, 3u);
  EXPECT_EQ((*d1)[1].id, "i3");
  EXPECT_EQ(reader->DisassemblyInfo("D2")->size(), 1u);
  EXPECT_TRUE(reader->DisassemblyInfo("D9")->empty());
  Append({info("M3", "i4", "D9")});
  EXPECT_EQ(reader->DisassemblyInfo("D9")->size(), 1u);

  // The embedded store's query (sqlite_store.cc, disassembly_info_) is answered from the
  // partial index.
  if (GetParam() != battrace::testing::Engine::kSqlite) return;
  const std::string plan = where_->SqlitePlan(
      "SELECT leaf, body FROM report WHERE type = 'model.disassembly_info' ORDER BY leaf");
  EXPECT_NE(plan.find("USING INDEX report_disassembly_info"), std::string::npos) << plan;
  EXPECT_EQ(plan.find("TEMP B-TREE"), std::string::npos) << plan;
}

nlohmann::json Declaration(const std::string& maker, const std::string& id,
                           const std::string& model, const std::string& gtin) {
  return {{"reporter", maker}, {"id", id},     {"type", "battery_model.declared"},
          {"model", model},    {"gtin", gtin}, {"category", "ev"}};
}

// A battery.produced leaf's projection: the battery's row with its producer, model and serial.
domain::Effects ProducedRow(const std::string& code, const std::string& maker,
                            const std::string& model, const std::string& serial, int64_t leaf) {
  domain::BatteryState b;
  b.code = code;
  b.level = "pack";
  b.producer = maker;
  b.model = model;
  b.serial = serial;
  b.status = "produced";
  b.produced_leaf = leaf;
  b.updated_leaf = leaf;
  domain::Effects e;
  e.at = 1780000000000000;
  e.batteries.push_back(std::move(b));
  return e;
}

TEST_P(ApiStoreTest, ModelDeclarationsOfAMakersModelInLedgerOrderAfterCorrections) {
  Append({Declaration("M1", "d1", "BM-1", "06901234567892"),
          Declaration("M2", "d2", "BM-1", "00000096385074"),
          Declaration("M1", "d3", "BM-2", "00000096385074"),
          {{"reporter", "M1"}, {"id", "p1"}, {"type", "battery.produced"}, {"model", "BM-1"}},
          Declaration("M1", "d4", "BM-1", "00036000291452")});
  auto reader = Open(false);
  auto bm1 = reader->ModelDeclarations("M1", "BM-1");
  ASSERT_TRUE(bm1.ok()) << bm1.status().ToString();
  ASSERT_EQ(bm1->size(), 2u);
  EXPECT_EQ((*bm1)[0].id, "d1");
  EXPECT_EQ((*bm1)[1].id, "d4");
  EXPECT_FALSE((*bm1)[1].corrected_by.has_value());
  EXPECT_EQ(reader->ModelDeclarations("M2", "BM-1")->size(), 1u);
  EXPECT_TRUE(reader->ModelDeclarations("M2", "BM-2")->empty());
  EXPECT_TRUE(reader->ModelDeclarations("M9", "BM-1")->empty());

  // A correction moves declaration d3 from BM-2 to BM-1: it is then one of BM-1's, with the
  // correction that says so.
  nlohmann::json correction = {
      {"reporter", "M1"},
      {"id", "c1"},
      {"type", "correction"},
      {"corrects", "d3"},
      {"report", {{"type", "battery_model.declared"}, {"model", "BM-1"}, {"category", "lmt"}}}};
  domain::Effects retract;
  retract.at = 1780000000000000;
  retract.retracts = "M1/d3";
  Append({correction}, {{0, std::move(retract)}});
  bm1 = reader->ModelDeclarations("M1", "BM-1");
  ASSERT_TRUE(bm1.ok()) << bm1.status().ToString();
  ASSERT_EQ(bm1->size(), 3u);
  EXPECT_EQ((*bm1)[1].id, "d3");
  EXPECT_EQ((*bm1)[1].corrected_by, "M1/c1");
  EXPECT_TRUE(reader->ModelDeclarations("M1", "BM-2")->empty());

  // One moves declaration d1 from BM-1 to BM-2: the store's narrowing by the declared model keeps
  // a corrected declaration for the model in force to decide.
  nlohmann::json moved = correction;
  moved["id"] = "c2";
  moved["corrects"] = "d1";
  moved["report"]["model"] = "BM-2";
  domain::Effects retract_d1;
  retract_d1.at = 1780000000000000;
  retract_d1.retracts = "M1/d1";
  Append({moved}, {{0, std::move(retract_d1)}});
  bm1 = reader->ModelDeclarations("M1", "BM-1");
  ASSERT_TRUE(bm1.ok()) << bm1.status().ToString();
  ASSERT_EQ(bm1->size(), 2u);
  EXPECT_EQ((*bm1)[0].id, "d3");
  EXPECT_EQ((*bm1)[1].id, "d4");
  auto bm2 = reader->ModelDeclarations("M1", "BM-2");
  ASSERT_TRUE(bm2.ok()) << bm2.status().ToString();
  ASSERT_EQ(bm2->size(), 1u);
  EXPECT_EQ((*bm2)[0].id, "d1");
  EXPECT_EQ((*bm2)[0].corrected_by, "M1/c2");
}

TEST_P(ApiStoreTest, DigitalLinkResolvesToTheFirstBatteryHoldingTheGtinAndSerial) {
  const std::string p1 = battrace::testing::TestCode(ProductType::kPack, 1);
  const std::string p2 = battrace::testing::TestCode(ProductType::kPack, 2);
  const std::string p3 = battrace::testing::TestCode(ProductType::kPack, 3);
  const std::string p4 = battrace::testing::TestCode(ProductType::kPack, 4);
  const nlohmann::json produced = {{"reporter", "M1"}, {"type", "battery.produced"}};
  auto leaf = [&](const std::string& id) {
    nlohmann::json j = produced;
    j["id"] = id;
    return j;
  };
  Append({Declaration("M1", "d1", "BM-1", "06901234567892"), leaf("p1"), leaf("p2"),
          Declaration("M1", "d2", "BM-2", "00000096385074"), leaf("p3"), leaf("p4")},
         {{1, ProducedRow(p1, "M1", "BM-1", "S-1", 1)},
          {2, ProducedRow(p2, "M1", "BM-1", "S-2", 2)},
          {4, ProducedRow(p3, "M1", "BM-2", "S-1", 4)},
          // The same GTIN and serial as p1: the first holder keeps the link.
          {5, ProducedRow(p4, "M1", "BM-1", "S-1", 5)}});
  auto reader = Open(false);
  auto found = reader->FindByDigitalLink("06901234567892", "S-1");
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_EQ(*found, p1);
  EXPECT_EQ(*reader->FindByDigitalLink("06901234567892", "S-2"), p2);
  EXPECT_EQ(*reader->FindByDigitalLink("00000096385074", "S-1"), p3);
  EXPECT_FALSE(reader->FindByDigitalLink("00000096385074", "S-2")->has_value());
  EXPECT_FALSE(reader->FindByDigitalLink("06901234567892", "S-9")->has_value());

  // A later declaration of BM-1 with another GTIN replaces the first: the old link resolves no
  // more, the new one does.
  Append({Declaration("M1", "d3", "BM-1", "00036000291452")});
  EXPECT_FALSE(reader->FindByDigitalLink("06901234567892", "S-1")->has_value());
  EXPECT_EQ(*reader->FindByDigitalLink("00036000291452", "S-1"), p1);
  EXPECT_EQ(reader->GetBattery(p1)->value().serial, "S-1");

  // The embedded store's queries (sqlite_store.cc, model_declarations_ and batteries_by_serial_)
  // are answered from the partial indexes of migration 8.
  if (GetParam() != battrace::testing::Engine::kSqlite) return;
  const auto plan = [&](const char* sql) { return where_->SqlitePlan(sql); };
  const std::string declared = plan(
      "SELECT leaf, body FROM report WHERE type = 'battery_model.declared' AND reporter = 'M1' "
      "ORDER BY leaf");
  EXPECT_NE(declared.find("USING INDEX report_model_declared"), std::string::npos) << declared;
  EXPECT_EQ(declared.find("TEMP B-TREE"), std::string::npos) << declared;
  const std::string serial =
      plan("SELECT code FROM battery WHERE serial = 'S-1' ORDER BY produced_leaf");
  EXPECT_NE(serial.find("USING INDEX battery_serial"), std::string::npos) << serial;
}

BATTRACE_BOTH_ENGINES(ApiStoreTest);

}  // namespace
}  // namespace battrace::store
