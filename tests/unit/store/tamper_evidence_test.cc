// Tamper evidence that a forger with write access to the tables cannot route around, on both
// engines: a store rolled back or forked (with its own checkpoints) fails against a checkpoint
// kept from before (VerifyExtends); a signing key other than the one pinned at creation is
// refused; the audit trail's head is signed into every checkpoint, so that an entry edited and
// rechained, or the newest entries deleted, fail VerifyLedger.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "engines.h"
#include "ledger/checkpoint.h"
#include "ledger/hash.h"
#include "store/audit.h"
#include "store/migrate.h"
#include "store/open.h"
#include "store/verify.h"

namespace battrace::store {
namespace {

using battrace::testing::Engine;

constexpr const char* kOrigin = "test.battrace/ledger";

AuditEntry Read(const std::string& record) {
  AuditEntry e;
  e.at = 1780000000000000;
  e.principal = "regulator:MIIT-440300";
  e.action = "GET /v1/batteries/{code}";
  e.record = record;
  e.purpose = "inspection";
  e.request_id = "req-" + record;
  return e;
}

class TamperEvidenceTest : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    where_ = std::make_unique<battrace::testing::TestStore>(GetParam(), "evidence-test");
    if (!where_->available()) GTEST_SKIP() << "BATTRACE_TEST_PG names no PostgreSQL cluster";
    key_ = *ledger::SigningKey::Generate(kOrigin);
    ASSERT_TRUE(key_->WriteFile(where_->key_path()).ok());
    writer_ = Open(where_->key_path(), true);
    ASSERT_NE(writer_, nullptr);
    ASSERT_TRUE(writer_->SignCheckpoint().ok());
  }
  void TearDown() override {
    writer_.reset();
    where_.reset();
  }

  Result<std::unique_ptr<Store>> TryOpen(std::optional<std::string> key_path, bool create = false) {
    OpenOptions o;
    o.create = create;
    o.key_path = std::move(key_path);
    return OpenStore(where_->location(), o, kOrigin);
  }
  std::unique_ptr<Store> Open(std::optional<std::string> key_path, bool create = false) {
    auto s = TryOpen(std::move(key_path), create);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(s).value() : nullptr;
  }

  // Appends leaves r<from> ... of reporter `reporter` in one transaction, then signs.
  void Append(const std::string& reporter, int from, int count) {
    {
      auto txn = writer_->BeginWrite();
      ASSERT_TRUE(txn.ok()) << txn.status().ToString();
      for (int i = from; i < from + count; ++i) {
        const nlohmann::json body = {{"reporter", reporter},
                                     {"id", "r" + std::to_string(i)},
                                     {"type", "x"},
                                     {"occurred", "2026-06-01"}};
        LeafInput in{reporter, body["id"], "x", "2026-06-01", 0, body.dump()};
        in.leaf_hash = ledger::LeafHash(in.body);
        in.content_hash = in.leaf_hash;
        auto r = (*txn)->Append(in);
        ASSERT_TRUE(r.ok()) << r.status().ToString();
        ASSERT_EQ(r->outcome, AppendOutcome::kAccepted);
      }
      ASSERT_TRUE((*txn)->Commit().ok());
    }
    auto signed_cp = writer_->SignCheckpoint();
    ASSERT_TRUE(signed_cp.ok()) << signed_cp.status().ToString();
  }

  std::string LatestNote() {
    auto cp = writer_->LatestCheckpoint();
    EXPECT_TRUE(cp.ok() && cp->has_value());
    return cp.ok() && *cp ? (*cp)->note : "";
  }

  // Runs SQL behind the store's back: the writer is closed first and reopened after.
  void Tamper(const std::string& sql) {
    writer_.reset();
    where_->Sql(sql);
    writer_ = Open(where_->key_path());
  }
  // Deletes the leaves from `size` on, and the checkpoints over them, as a careful forger would:
  // on PostgreSQL with their keys in report_key, which verify compares with the reports. (A
  // tree of fewer than 16 leaves keeps no merkle_node rows: level 0 is the report rows.)
  void TruncateTo(uint64_t size) {
    const std::string n = std::to_string(size);
    Tamper("DELETE FROM report WHERE leaf >= " + n + "; DELETE FROM checkpoint WHERE size > " + n +
           (GetParam() == Engine::kPostgres ? "; DELETE FROM report_key WHERE leaf >= " + n : ""));
  }

  // A hash as an SQL literal of the engine.
  std::string HashLiteral(const ledger::Hash& h) const {
    const std::string hex = ledger::HashToHex(h);
    return GetParam() == Engine::kSqlite ? "X'" + hex + "'" : "'\\x" + hex + "'::bytea";
  }

  Status Verify() { return VerifyLedger(*writer_, key_->VerifierKey()).status(); }
  Status Extends(const std::string& note) {
    return VerifyExtends(*writer_, *ledger::Verifier::Parse(key_->VerifierKey()), note);
  }

  std::unique_ptr<battrace::testing::TestStore> where_;
  std::optional<ledger::SigningKey> key_;
  std::unique_ptr<Store> writer_;
};

// --- Rollback and fork --------------------------------------------------------------------

TEST_P(TamperEvidenceTest, AStoreExtendsTheCheckpointsItSigned) {
  const std::string empty = LatestNote();
  Append("R", 0, 5);
  const std::string five = LatestNote();
  Append("R", 5, 4);
  for (const std::string& note : {empty, five, LatestNote()}) {
    EXPECT_TRUE(Extends(note).ok()) << Extends(note).ToString();
  }
}

TEST_P(TamperEvidenceTest, ARolledBackStorePassesVerifyButNotAKeptCheckpoint) {
  Append("R", 0, 5);
  const std::string five = LatestNote();
  Append("R", 5, 4);
  const std::string kept = LatestNote();
  TruncateTo(5);
  // Consistent with itself: the known limit of verifying a store alone.
  EXPECT_TRUE(Verify().ok()) << Verify().ToString();
  EXPECT_TRUE(Extends(five).ok()) << Extends(five).ToString();
  const Status st = Extends(kept);
  EXPECT_EQ(st.code(), StatusCode::kCorruption);
  EXPECT_NE(st.message().find("rolled back: the store has 5 leaves, fewer than the 9"),
            std::string::npos)
      << st.message();
}

TEST_P(TamperEvidenceTest, AForkedStorePassesVerifyButNotAKeptCheckpoint) {
  Append("R", 0, 5);
  Append("R", 5, 4);
  const std::string kept = LatestNote();
  TruncateTo(5);
  Append("F", 5, 6);  // other reports where the removed ones were, signed anew
  EXPECT_TRUE(Verify().ok()) << Verify().ToString();
  const Status st = Extends(kept);
  EXPECT_EQ(st.code(), StatusCode::kCorruption);
  EXPECT_NE(st.message().find("forked: the store's tree at size 9"), std::string::npos)
      << st.message();
}

TEST_P(TamperEvidenceTest, AKeptCheckpointOfAnotherKeyOrLogIsRefused) {
  auto other = *ledger::SigningKey::Generate(kOrigin);
  const std::string forged =
      *ledger::SignNote(ledger::Checkpoint{kOrigin, 0, ledger::EmptyRootHash(), {}}.Body(), other);
  EXPECT_EQ(Extends(forged).rule(), "note.unsigned");
  EXPECT_EQ(Extends("root:x:0:0:root:/root:/bin/bash\n").rule(), "note.format");
  const std::string elsewhere = *ledger::SignNote(
      ledger::Checkpoint{"other.log", 0, ledger::EmptyRootHash(), {}}.Body(), *key_);
  EXPECT_NE(Extends(elsewhere).message().find("another log"), std::string::npos);
}

// --- The pinned verifier key --------------------------------------------------------------

TEST_P(TamperEvidenceTest, TheKeyIsPinnedAtCreationAndAnotherIsRefused) {
  EXPECT_EQ(writer_->PinnedVerifierKey(), key_->VerifierKey());
  EXPECT_EQ(where_->Sql("SELECT value FROM meta WHERE key = 'verifier_key'"), key_->VerifierKey());
  writer_.reset();
  // A valid key of the same name: before pinning, it would have signed checkpoints that no
  // longer verify with the store's key.
  auto other = *ledger::SigningKey::Generate(kOrigin);
  const std::string other_path = where_->key_path() + ".other";
  ASSERT_TRUE(other.WriteFile(other_path).ok());
  auto refused = TryOpen(other_path);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
  const auto id = [](const std::string& verifier) {
    return verifier.substr(0, verifier.rfind('+'));  // name+keyid
  };
  EXPECT_NE(refused.status().message().find(id(other.VerifierKey())), std::string::npos)
      << refused.status().message();
  EXPECT_NE(refused.status().message().find(id(key_->VerifierKey())), std::string::npos)
      << refused.status().message();
  // Readers take no key and open; the store's own key still writes.
  EXPECT_NE(Open(std::nullopt), nullptr);
  writer_ = Open(where_->key_path());
  ASSERT_NE(writer_, nullptr);
  Append("R", 0, 1);
  EXPECT_TRUE(Verify().ok()) << Verify().ToString();
}

TEST_P(TamperEvidenceTest, AStoreFromBeforePinningIsPinnedAtItsFirstOpeningWithAKey) {
  writer_.reset();
  where_->Sql("DELETE FROM meta WHERE key = 'verifier_key'");
  auto reader = Open(std::nullopt);
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(reader->PinnedVerifierKey(), "");  // a reader does not pin
  writer_ = Open(where_->key_path());
  ASSERT_NE(writer_, nullptr);
  EXPECT_EQ(writer_->PinnedVerifierKey(), key_->VerifierKey());
  EXPECT_EQ(where_->Sql("SELECT value FROM meta WHERE key = 'verifier_key'"), key_->VerifierKey());
}

TEST_P(TamperEvidenceTest, MigrateCarriesThePinnedKey) {
  if (GetParam() != Engine::kSqlite) GTEST_SKIP() << "the source is an embedded store";
  battrace::testing::TestStore target(Engine::kPostgres, "evidence-migrate-test");
  if (!target.available()) GTEST_SKIP() << "BATTRACE_TEST_PG names no PostgreSQL cluster";
  writer_.reset();
  auto moved = MigrateSqliteToPostgres(where_->location().db, target.location().pg, std::nullopt);
  ASSERT_TRUE(moved.ok()) << moved.status().ToString();
  // Read before any opening with a key could pin it there.
  EXPECT_EQ(target.Sql("SELECT value FROM meta WHERE key = 'verifier_key'"), key_->VerifierKey());
}

// --- The audit trail's signed head --------------------------------------------------------

TEST_P(TamperEvidenceTest, ACheckpointIsSignedWhenOnlyTheAuditTrailGrew) {
  std::vector<AuditEntry> entries = {Read("battery:A"), Read("battery:B")};
  ASSERT_TRUE(writer_->AppendAudit(entries).ok());
  auto cp = writer_->SignCheckpoint();
  ASSERT_TRUE(cp.ok()) << cp.status().ToString();
  EXPECT_EQ(cp->size, 0u);
  EXPECT_NE(cp->note.find("\naudit 2 " + ledger::HashToBase64(entries[1].hash) + "\n"),
            std::string::npos)
      << cp->note;
  // The same tree, signed again with the longer trail: one checkpoint per size, the newest.
  auto all = writer_->ListCheckpoints();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].note, cp->note);
  // Nothing new: nothing signed.
  EXPECT_EQ(writer_->SignCheckpoint()->note, cp->note);
  EXPECT_TRUE(Verify().ok()) << Verify().ToString();
}

TEST_P(TamperEvidenceTest, AnEntryEditedAndRechainedFailsVerify) {
  std::vector<AuditEntry> entries = {Read("a"), Read("b"), Read("c"), Read("d")};
  ASSERT_TRUE(writer_->AppendAudit(entries).ok());
  ASSERT_TRUE(writer_->SignCheckpoint().ok());
  // Entry 2 made to say another purpose, and the chain recomputed from it on.
  entries[1].purpose = "curiosity";
  std::string sql;
  ledger::Hash prev = entries[0].hash;
  for (size_t i = 1; i < entries.size(); ++i) {
    entries[i].hash = AuditHash(prev, entries[i]);
    prev = entries[i].hash;
    sql += "UPDATE audit SET purpose = '" + entries[i].purpose +
           "', hash = " + HashLiteral(entries[i].hash) + " WHERE seq = " + std::to_string(i + 1) +
           ";";
  }
  Tamper(sql);
  ASSERT_TRUE(VerifyAudit(*writer_).ok());  // the chain alone holds
  const Status st = Verify();
  EXPECT_EQ(st.code(), StatusCode::kCorruption);
  EXPECT_NE(st.message().find("audit entry 4: its hash differs from the one the checkpoint at "
                              "tree size 0 signed: an entry from 1 to 4 was changed"),
            std::string::npos)
      << st.message();
}

TEST_P(TamperEvidenceTest, TheNewestEntriesDeletedFailVerify) {
  std::vector<AuditEntry> entries = {Read("a"), Read("b"), Read("c"), Read("d")};
  ASSERT_TRUE(writer_->AppendAudit(entries).ok());
  ASSERT_TRUE(writer_->SignCheckpoint().ok());
  Tamper("DELETE FROM audit WHERE seq >= 3");
  const Status st = Verify();
  EXPECT_EQ(st.code(), StatusCode::kCorruption);
  EXPECT_NE(st.message().find("audit entry 3 is missing: the checkpoint at tree size 0 signed "
                              "an audit trail of 4 entries, the store holds 2"),
            std::string::npos)
      << st.message();
}

TEST_P(TamperEvidenceTest, AKeptCheckpointNamesTheAuditEntriesItCovers) {
  std::vector<AuditEntry> entries = {Read("a"), Read("b"), Read("c")};
  ASSERT_TRUE(writer_->AppendAudit(entries).ok());
  ASSERT_TRUE(writer_->SignCheckpoint().ok());
  const std::string kept = LatestNote();
  // The trail and every checkpoint over it rolled back together: consistent with itself.
  Tamper("DELETE FROM audit WHERE seq >= 2; DELETE FROM checkpoint");
  ASSERT_TRUE(writer_->SignCheckpoint().ok());
  EXPECT_TRUE(Verify().ok()) << Verify().ToString();
  const Status st = Extends(kept);
  EXPECT_EQ(st.code(), StatusCode::kCorruption);
  EXPECT_NE(st.message().find("audit entry 3 is missing"), std::string::npos) << st.message();
}

BATTRACE_BOTH_ENGINES(TamperEvidenceTest);

}  // namespace
}  // namespace battrace::store
