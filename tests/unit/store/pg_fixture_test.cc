// The PostgreSQL test fixture (tests/unit/pg_fixture.h) itself: fresh, distinct, empty databases
// with the encoding and collation the store expects, gone after DropFreshPgDatabases().
#include "../pg_fixture.h"

#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <string>

namespace battrace::testing {
namespace {

// One row, one column of `sql` on `conninfo`.
std::string Scalar(const std::string& conninfo, const std::string& sql) {
  PGconn* conn = PQconnectdb(conninfo.c_str());
  EXPECT_EQ(PQstatus(conn), CONNECTION_OK) << PQerrorMessage(conn);
  PGresult* result = PQexec(conn, sql.c_str());
  std::string value;
  if (PQresultStatus(result) == PGRES_TUPLES_OK && PQntuples(result) == 1) {
    value = PQgetvalue(result, 0, 0);
  } else {
    ADD_FAILURE() << sql << ": " << PQerrorMessage(conn);
  }
  PQclear(result);
  PQfinish(conn);
  return value;
}

TEST(PgFixture, WithDbnameReplacesTheDatabaseAndKeepsTheRest) {
  const std::string out = pg_fixture_detail::WithDbname(
      "host=127.0.0.1 port=5433 user=u dbname=postgres application_name='a b'", "bt_x");
  EXPECT_NE(out.find("host='127.0.0.1'"), std::string::npos) << out;
  EXPECT_NE(out.find("port='5433'"), std::string::npos) << out;
  EXPECT_NE(out.find("application_name='a b'"), std::string::npos) << out;
  EXPECT_NE(out.find("dbname='bt_x'"), std::string::npos) << out;
  EXPECT_EQ(out.find("postgres"), std::string::npos) << out;
  EXPECT_EQ(pg_fixture_detail::WithDbname("postgresql://u@127.0.0.1:5433/postgres", "bt_y"),
            "user='u' host='127.0.0.1' port='5433' dbname='bt_y'");
  EXPECT_THROW(pg_fixture_detail::WithDbname("host", "x"), std::runtime_error);
}

TEST(PgFixture, FreshDatabasesAreNewEmptyAndDropped) {
  const auto a = FreshPgDatabase("Pg Fixture");
  if (!a) GTEST_SKIP() << "BATTRACE_TEST_PG is unset: no PostgreSQL cluster";
  const auto b = FreshPgDatabase("Pg Fixture");
  ASSERT_TRUE(b);
  EXPECT_NE(*a, *b);
  const std::string name = Scalar(*a, "SELECT current_database()");
  EXPECT_EQ(name.rfind("bt_pg_fixture_", 0), 0u) << name;
  EXPECT_EQ(Scalar(*a,
                   "SELECT pg_encoding_to_char(encoding) || ' ' || datcollate || ' ' || "
                   "datctype FROM pg_database WHERE datname = current_database()"),
            "UTF8 C C");
  EXPECT_EQ(Scalar(*b, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"), "0");
  DropFreshPgDatabases();
  PGconn* conn = PQconnectdb(a->c_str());
  EXPECT_NE(PQstatus(conn), CONNECTION_OK) << "the database outlived DropFreshPgDatabases()";
  PQfinish(conn);
}

}  // namespace
}  // namespace battrace::testing
