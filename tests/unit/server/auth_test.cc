// Bearer tokens (server/auth.h) when the store fails while one is checked.
#include "server/auth.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "../fixtures.h"
#include "../store/fault_store.h"
#include "core/clock.h"
#include "core/date.h"
#include "domain/registry.h"
#include "ledger/signing_key.h"
#include "store/open.h"
#include "store/registry_leaf.h"

namespace battrace::server {
namespace {

using battrace::testing::FaultStore;
using battrace::testing::TestUscc;

// A store that fails between reading the token and reading its principal's registry record (a
// connection lost in a failover) refuses nothing: the store's error comes back, answered 503, and
// the front keeps the browser sessions opened with the token. The registry read once turned any
// failure into "the principal is no longer registered", a 401 that ended every session of the
// token.
TEST(Authenticate, AStoreThatFailsIsNotARefusedToken) {
  const auto dir = battrace::testing::FreshTestDir("auth");
  const std::string key_path = (dir / "t.key").string();
  auto key = ledger::SigningKey::Generate("test.battrace/ledger");
  ASSERT_TRUE(key.ok());
  ASSERT_TRUE(key->WriteFile(key_path).ok());
  FakeClock clock{*ParseTimestamp("2026-05-01T00:00:00Z")};
  store::OpenOptions o;
  o.create = true;
  o.key_path = key_path;
  o.clock = &clock;
  auto opened = store::OpenStore({(dir / "t.db").string(), ""}, o, "test.battrace/ledger");
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  auto record = ParseRegistryRecord(R"({"kind":"enterprise","uscc":")" + TestUscc(1) +
                                    R"(","name":"cells","roles":["battery_maker"],)"
                                    R"("division":"440300","manufacturer_codes":["0A1"]})");
  ASSERT_TRUE(record.ok()) << record.status().ToString();
  ASSERT_TRUE(
      store::PutRegistry(**opened, {store::ToRegistryRow(*record)}, *Date::Parse("2026-01-01"), 0)
          .ok());
  const std::string principal = "enterprise:" + TestUscc(1);
  auto issued = IssueToken(**opened, principal, 30, clock.Now());
  ASSERT_TRUE(issued.ok()) << issued.status().ToString();
  FaultStore store(std::move(opened).value());
  const std::string bearer = "Bearer " + issued->text;

  store.FailNth("Store::GetRegistry", 1);
  std::string why;
  auto failed = Authenticate(store, bearer, clock.Now(), &why);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), StatusCode::kIOError) << failed.status().ToString();
  EXPECT_TRUE(why.empty()) << why;
  EXPECT_EQ(store.injected(), 1u);

  store.FailNth("Store::FindToken", 1);
  failed = Authenticate(store, bearer, clock.Now(), &why);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), StatusCode::kIOError) << failed.status().ToString();
  EXPECT_TRUE(why.empty()) << why;

  // Once the store answers, the same token is the principal's.
  auto viewer = Authenticate(store, bearer, clock.Now(), &why);
  ASSERT_TRUE(viewer.ok()) << viewer.status().ToString();
  EXPECT_EQ(viewer->Principal(), principal);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace battrace::server
