// The PostgreSQL wire layer (store/postgres/pg.h) against a real server: COPY text escaping,
// binary results, byte strings, NULLs and pipelined errors.
#include <gtest/gtest.h>

#include "engines.h"
#include "store/postgres/pg.h"

namespace battrace::store::pg {
namespace {

class PgWireTest : public ::testing::Test {
 protected:
  void SetUp() override {
    where_ = std::make_unique<battrace::testing::TestStore>(battrace::testing::Engine::kPostgres,
                                                            "pg-wire-test");
    if (!where_->available()) GTEST_SKIP() << "BATTRACE_TEST_PG names no PostgreSQL cluster";
    auto conn = Conn::Connect(where_->location().pg);
    ASSERT_TRUE(conn.ok()) << conn.status().ToString();
    conn_.emplace(std::move(conn).value());
    ASSERT_TRUE(conn_->Exec("CREATE TABLE t (k BIGINT PRIMARY KEY, s TEXT, b BYTEA)").ok());
  }
  std::unique_ptr<battrace::testing::TestStore> where_;
  std::optional<Conn> conn_;
};

TEST_F(PgWireTest, CopyKeepsEveryByteOfTextAndBytes) {
  const std::vector<std::string> texts = {"plain",
                                          "tab\there",
                                          "new\nline",
                                          "back\\slash",
                                          "cr\rlf\r\n",
                                          "\\N",
                                          "",
                                          "中文 text",
                                          std::string("\\\t\n\r\\\\", 6)};
  const std::string bytes("\x00\x01\\\xff\t\n", 6);
  CopyBuffer buf;
  for (size_t i = 0; i < texts.size(); ++i) {
    buf.Int(static_cast<int64_t>(i)).Text(texts[i]).Bytes(bytes.data(), bytes.size()).EndRow();
  }
  buf.Int(int64_t{99}).Null().Null().EndRow();
  ASSERT_TRUE(conn_->Copy("COPY t (k, s, b) FROM STDIN", buf.data()).ok());

  auto rows = conn_->Query("SELECT k, s, b FROM t ORDER BY k", {});
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), static_cast<int>(texts.size()) + 1);
  for (size_t i = 0; i < texts.size(); ++i) {
    const int r = static_cast<int>(i);
    EXPECT_EQ(rows->Int(r, 0), static_cast<int64_t>(i));
    EXPECT_EQ(rows->Text(r, 1), texts[i]) << "row " << i;
    EXPECT_EQ(rows->Bytes(r, 2), bytes) << "row " << i;
  }
  const int last = static_cast<int>(texts.size());
  EXPECT_EQ(rows->Int(last, 0), 99);
  EXPECT_TRUE(rows->IsNull(last, 1));
  EXPECT_FALSE(rows->OptText(last, 2).has_value());
}

TEST_F(PgWireTest, ParametersRoundTripAndKeyViolationsAreConflicts) {
  ASSERT_TRUE(conn_->Prepare("ins", "INSERT INTO t (k, s, b) VALUES ($1, $2, $3)").ok());
  const std::string bytes("\x00zero\x00", 6);
  ASSERT_TRUE(
      conn_->Run("ins", Params().Add(int64_t{-7}).Add("x'y\"z").AddBytes(bytes.data(), 6)).ok());
  auto again = conn_->Run("ins", Params().Add(int64_t{-7}).AddNull().AddNull());
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), StatusCode::kConflict);
  EXPECT_EQ(SqlState(again.status()), "23505");
  auto rows = conn_->Query("SELECT k, s, b, k::int, k::smallint FROM t WHERE k = $1",
                           Params().Add(int64_t{-7}));
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1);
  EXPECT_EQ(rows->Int(0, 0), -7);
  EXPECT_EQ(rows->Int(0, 3), -7);
  EXPECT_EQ(rows->Int(0, 4), -7);
  EXPECT_EQ(rows->Text(0, 1), "x'y\"z");
  EXPECT_EQ(rows->Bytes(0, 2), bytes);
}

// An error of a pipelined statement surfaces at the next Sync; later statements of that
// pipeline are not run, and the connection is usable afterwards.
TEST_F(PgWireTest, APipelinedErrorSurfacesAtSync) {
  ASSERT_TRUE(conn_->Prepare("ins", "INSERT INTO t (k) VALUES ($1)").ok());
  ASSERT_TRUE(conn_->Send("ins", Params().Add(int64_t{1})).ok());
  ASSERT_TRUE(conn_->Send("ins", Params().Add(int64_t{1})).ok());
  ASSERT_TRUE(conn_->Send("ins", Params().Add(int64_t{2})).ok());
  const Status st = conn_->Sync();
  EXPECT_EQ(st.code(), StatusCode::kConflict) << st.ToString();
  auto rows = conn_->Query("SELECT count(*) FROM t WHERE k = 2", {});
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ(rows->Int(0, 0), 0);
}

// A session the server ends in the middle of a COPY (its backend terminated, or the primary's
// postmaster killed in a failover) is a lost connection: the error carries the rule
// store.unavailable and the connection is Broken, so the store opens a new one. The server's
// FATAL error arrives before the connection's close, which libpq had not read yet: the error was
// a plain I/O error (a 503 without its rule) and the connection looked alive.
TEST_F(PgWireTest, ASessionTheServerEndsMidCopyIsALostConnection) {
  auto pid = conn_->Query("SELECT pg_backend_pid()", {});
  ASSERT_TRUE(pid.ok()) << pid.status().ToString();
  const int64_t backend = pid->Int(0, 0);
  ASSERT_TRUE(conn_->CopyBegin("COPY t (k, s, b) FROM STDIN").ok());
  auto other = Conn::Connect(where_->location().pg);
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  // Waits (up to 10 s) until the backend has gone.
  auto ended = other->Query("SELECT pg_terminate_backend($1::int, 10000)", Params().Add(backend));
  ASSERT_TRUE(ended.ok()) << ended.status().ToString();
  const Status st = conn_->CopyEnd();
  EXPECT_EQ(st.code(), StatusCode::kIOError) << st.ToString();
  EXPECT_EQ(st.rule(), kUnavailable) << st.ToString();
  EXPECT_TRUE(conn_->Broken());
}

}  // namespace
}  // namespace battrace::store::pg
