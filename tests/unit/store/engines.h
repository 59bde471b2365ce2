// The store tests run against both engines: a test suite takes the Engine as its parameter and
// gets a fresh store location from TestStore (a file in a fresh directory, or a fresh database
// on the PostgreSQL cluster named by BATTRACE_TEST_PG, as `make test` starts one).
#pragma once

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "../fixtures.h"
#include "store/open.h"
#include "store/schema.h"
#include "store/sqlite/sqlite_store.h"

namespace battrace::testing {

enum class Engine { kSqlite, kPostgres };

inline std::string EngineName(const ::testing::TestParamInfo<Engine>& info) {
  return info.param == Engine::kSqlite ? "Sqlite" : "Postgres";
}

#define BATTRACE_BOTH_ENGINES(suite)                                                  \
  INSTANTIATE_TEST_SUITE_P(Engines, suite,                                            \
                           ::testing::Values(::battrace::testing::Engine::kSqlite,    \
                                             ::battrace::testing::Engine::kPostgres), \
                           ::battrace::testing::EngineName)

// One test's store: where it lives, its key file, and SQL behind the store's back.
class TestStore {
 public:
  TestStore(Engine engine, const std::string& suite) : engine_(engine) {
    dir_ = FreshTestDir(suite);
    key_path_ = (dir_ / "t.key").string();
    if (engine == Engine::kSqlite) {
      location_.db = (dir_ / "t.db").string();
      return;
    }
    const char* admin = std::getenv("BATTRACE_TEST_PG");
    if (admin == nullptr || *admin == '\0') return;
    admin_ = admin;
    static std::atomic<int> counter{0};
    database_ = "bt_unit_" + std::to_string(getpid()) + "_" + std::to_string(counter++);
    AdminSql("CREATE DATABASE " + database_ + " TEMPLATE template0 ENCODING 'UTF8'");
    location_.pg = admin_ + " dbname=" + database_;
  }
  ~TestStore() {
    if (!database_.empty()) AdminSql("DROP DATABASE IF EXISTS " + database_ + " WITH (FORCE)");
    std::filesystem::remove_all(dir_);
  }
  TestStore(const TestStore&) = delete;
  TestStore& operator=(const TestStore&) = delete;

  // False when the engine cannot run here (PostgreSQL without BATTRACE_TEST_PG): skip.
  bool available() const { return !location_.db.empty() || !location_.pg.empty(); }
  Engine engine() const { return engine_; }
  const store::Location& location() const { return location_; }
  const std::string& key_path() const { return key_path_; }
  const store::Dialect& dialect() const {
    return engine_ == Engine::kSqlite ? store::SqliteDialect() : store::PostgresDialect();
  }

  // Runs `sql` (one or more statements) on a connection of its own; returns the first column
  // of the first row of the last statement as text ("<no row>", "<null>"), and fails the test
  // on error.
  std::string Sql(const std::string& sql) {
    if (engine_ == Engine::kSqlite) return SqliteSql(location_.db, sql);
    return PgSql(location_.pg, sql);
  }

  // The embedded store's plan of the query `sql`: the detail of each row of EXPLAIN QUERY PLAN,
  // one a line (e.g. "SEARCH report USING INDEX report_disassembly_info (type=?)"). REQUIRES:
  // an SQLite store.
  std::string SqlitePlan(const std::string& sql) {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open(location_.db.c_str(), &db), SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, ("EXPLAIN QUERY PLAN " + sql).c_str(), -1, &st, nullptr),
              SQLITE_OK)
        << sqlite3_errmsg(db) << ": " << sql;
    std::string plan;
    while (st != nullptr && sqlite3_step(st) == SQLITE_ROW) {
      plan += reinterpret_cast<const char*>(sqlite3_column_text(st, 3));
      plan += "\n";
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return plan;
  }

 private:
  void AdminSql(const std::string& sql) { PgSql(admin_ + " dbname=postgres", sql); }

  static std::string SqliteSql(const std::string& path, const std::string& sql) {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    // The audit trail's file, as the store attaches it (store/sqlite/sqlite_store.h).
    if (std::filesystem::exists(store::AuditFilePath(path))) {
      sqlite3_stmt* attach = nullptr;
      EXPECT_EQ(sqlite3_prepare_v2(db, "ATTACH DATABASE ? AS audit", -1, &attach, nullptr),
                SQLITE_OK);
      const std::string audit = store::AuditFilePath(path);
      sqlite3_bind_text(attach, 1, audit.c_str(), -1, SQLITE_TRANSIENT);
      EXPECT_EQ(sqlite3_step(attach), SQLITE_DONE) << sqlite3_errmsg(db);
      sqlite3_finalize(attach);
    }
    std::string out = "<no row>";
    const char* tail = sql.c_str();
    while (tail && *tail) {
      sqlite3_stmt* st = nullptr;
      EXPECT_EQ(sqlite3_prepare_v2(db, tail, -1, &st, &tail), SQLITE_OK) << sqlite3_errmsg(db);
      if (st == nullptr) break;
      const int rc = sqlite3_step(st);
      EXPECT_TRUE(rc == SQLITE_ROW || rc == SQLITE_DONE) << sqlite3_errmsg(db);
      if (rc == SQLITE_ROW) {
        const auto* text = sqlite3_column_text(st, 0);
        out = text ? reinterpret_cast<const char*>(text) : "<null>";
      } else {
        out = "<no row>";
      }
      sqlite3_finalize(st);
    }
    sqlite3_close(db);
    return out;
  }

  static std::string PgSql(const std::string& conninfo, const std::string& sql) {
    PGconn* conn = PQconnectdb(conninfo.c_str());
    EXPECT_EQ(PQstatus(conn), CONNECTION_OK) << PQerrorMessage(conn);
    PGresult* r = PQexec(conn, sql.c_str());
    const ExecStatusType st = PQresultStatus(r);
    EXPECT_TRUE(st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) << PQresultErrorMessage(r);
    std::string out = "<no row>";
    if (st == PGRES_TUPLES_OK && PQntuples(r) > 0) {
      out = PQgetisnull(r, 0, 0) ? "<null>" : PQgetvalue(r, 0, 0);
    }
    PQclear(r);
    PQfinish(conn);
    return out;
  }

  Engine engine_;
  std::filesystem::path dir_;
  std::string key_path_;
  store::Location location_;
  std::string admin_, database_;
};

}  // namespace battrace::testing
