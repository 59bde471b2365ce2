// The audit writer (server/audit_log.h) when the store fails to write audit entries: the
// requests whose entries were not written are refused (Append returns the error, and the
// handler answers with it instead of the data), entries written are never reported lost, and
// the chain verifies once the fault clears.
#include "server/audit_log.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "../store/engines.h"
#include "../store/fault_store.h"
#include "core/clock.h"
#include "ledger/signing_key.h"
#include "store/audit.h"
#include "store/open.h"

namespace battrace::server {
namespace {

using battrace::testing::Engine;
using battrace::testing::FaultStore;
using When = FaultStore::When;

class AuditLogFaultTest : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    where_ = std::make_unique<battrace::testing::TestStore>(GetParam(), "audit-log-test");
    if (!where_->available()) GTEST_SKIP() << "BATTRACE_TEST_PG names no PostgreSQL cluster";
    auto key = *ledger::SigningKey::Generate("test.battrace/ledger");
    ASSERT_TRUE(key.WriteFile(where_->key_path()).ok());
    store::OpenOptions o;
    o.create = true;
    o.key_path = where_->key_path();
    o.clock = &clock_;
    auto s = store::OpenStore(where_->location(), o, "test.battrace/ledger");
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    auto fault = std::make_unique<FaultStore>(std::move(s).value());
    fault_ = fault.get();
    log_ = std::make_unique<AuditLog>(std::move(fault));
  }
  void TearDown() override {
    log_.reset();
    where_.reset();
  }

  std::vector<store::AuditEntry> Entries(const std::string& request, int n) {
    std::vector<store::AuditEntry> out;
    for (int i = 0; i < n; ++i) {
      store::AuditEntry e;
      e.at = clock_.Now();
      e.principal = "admin";
      e.action = "GET /v1/batteries/{code}";
      e.record = "battery:" + request + "-" + std::to_string(i);
      e.purpose = "inspection";
      e.request_id = request;
      out.push_back(std::move(e));
    }
    clock_.Advance(1000);
    return out;
  }

  // The trail as stored, read on a connection of its own: the request ids in seq order, after
  // VerifyAudit recomputed the whole chain.
  std::vector<std::string> Trail() {
    auto s = store::OpenStore(where_->location(), store::OpenOptions{});
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    if (!s.ok()) return {};
    auto verified = store::VerifyAudit(**s);
    EXPECT_TRUE(verified.ok()) << verified.status().ToString();
    store::AuditPage page;
    page.limit = 100000;
    auto entries = (*s)->ListAudit(page);
    EXPECT_TRUE(entries.ok()) << entries.status().ToString();
    std::vector<std::string> out;
    if (!entries.ok()) return out;
    for (const auto& e : *entries)
      out.push_back(e.request_id);
    if (verified.ok()) {
      EXPECT_EQ(*verified, out.size());
    }
    return out;
  }

  FakeClock clock_{*ParseTimestamp("2026-05-01T00:00:00Z")};
  std::unique_ptr<battrace::testing::TestStore> where_;
  FaultStore* fault_ = nullptr;  // owned by log_
  std::unique_ptr<AuditLog> log_;
};

// A write that fails before the store ran it: the request is refused, its entries are not in
// the trail, and the next request's entries continue the chain.
TEST_P(AuditLogFaultTest, FailedWriteRefusesTheRequestAndTheChainContinues) {
  ASSERT_TRUE(log_->Append(Entries("r1", 2)).ok());
  fault_->FailNth("Store::AppendAudit", 1);
  Status refused = log_->Append(Entries("r2", 3));
  EXPECT_EQ(refused.code(), StatusCode::kIOError) << refused.ToString();
  fault_->Clear();
  ASSERT_TRUE(log_->Append(Entries("r3", 1)).ok());
  log_.reset();  // writes what is queued, then stops
  EXPECT_EQ(Trail(), (std::vector<std::string>{"r1", "r1", "r3"}));
}

// A write the store ran but reported failed: the request is refused all the same (the data is
// not sent), the entries it wrote stay in the trail, and the chain is intact.
TEST_P(AuditLogFaultTest, WriteReportedFailedAfterTheStoreRanItKeepsTheEntries) {
  fault_->FailNth("Store::AppendAudit", 1, When::kAfter);
  EXPECT_FALSE(log_->Append(Entries("r1", 2)).ok());
  fault_->Clear();
  ASSERT_TRUE(log_->Append(Entries("r2", 1)).ok());
  log_.reset();
  EXPECT_EQ(Trail(), (std::vector<std::string>{"r1", "r1", "r2"}));
}

// Under concurrent requests, every request whose entries were not written is refused: none is
// told its entries are durable when the group they were written in failed. Every request that
// is told OK finds its entries in the trail.
TEST_P(AuditLogFaultTest, ConcurrentRequestsOfFailedGroupsAreAllRefused) {
  constexpr int kThreads = 8, kEach = 60;
  fault_->FailAll("Store::AppendAudit");
  std::atomic<int> told_ok{0};
  {
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kEach; ++i) {
          auto entries = Entries("f" + std::to_string(t) + "-" + std::to_string(i), 1);
          if (log_->Append(std::move(entries)).ok()) ++told_ok;
        }
      });
    }
    for (auto& th : threads)
      th.join();
  }
  EXPECT_EQ(told_ok.load(), 0) << "requests answered though their audit entries were not written";
  // The fault cleared, concurrent requests are all written, in groups, each told OK.
  fault_->Clear();
  std::atomic<int> refused{0};
  {
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < 10; ++i) {
          if (!log_->Append(Entries("ok" + std::to_string(t), 1)).ok()) ++refused;
        }
      });
    }
    for (auto& th : threads)
      th.join();
  }
  EXPECT_EQ(refused.load(), 0);
  log_.reset();
  EXPECT_EQ(Trail().size(), static_cast<size_t>(kThreads * 10));
}

BATTRACE_BOTH_ENGINES(AuditLogFaultTest);

}  // namespace
}  // namespace battrace::server
