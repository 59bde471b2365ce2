// A fresh PostgreSQL database for a unit test, on the throwaway cluster whose admin conninfo is
// in BATTRACE_TEST_PG (scripts/with-test-pg.sh exports it; `make test` runs the suites under
// it). Without BATTRACE_TEST_PG there is no database and a PostgreSQL test skips itself:
//
//   auto pg = testing::FreshPgDatabase("sqlite_store");
//   if (!pg) GTEST_SKIP() << "BATTRACE_TEST_PG is unset: no PostgreSQL cluster";
//   ... store::Location{.pg = *pg} ...
//
// Each database is new and empty (template0, UTF8, collation and ctype "C"), named
// bt_<prefix>_<pid>_<n>_<random>, and dropped when the test program exits (or earlier with
// DropFreshPgDatabases()). libpq comes through battrace_store (PkgConfig::LIBPQ).
#pragma once

#include <libpq-fe.h>
#include <unistd.h>

#include <cstdlib>
#include <mutex>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace battrace::testing {

namespace pg_fixture_detail {

struct Registry {
  std::mutex mu;
  std::vector<std::string> databases;  // created and not dropped yet
  unsigned counter = 0;
  bool atexit_registered = false;
};

// Never destroyed: the atexit handler runs after static destructors may have begun.
inline Registry& Databases() {
  static Registry* registry = new Registry;
  return *registry;
}

inline std::optional<std::string> AdminConninfo() {
  const char* admin = std::getenv("BATTRACE_TEST_PG");
  if (admin == nullptr || *admin == '\0') return std::nullopt;
  return std::string(admin);
}

// A conninfo value in single quotes, as libpq's key=value syntax wants it.
inline std::string QuoteValue(const std::string& value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

// `conninfo` (key=value or URI) with dbname replaced, as key=value text.
inline std::string WithDbname(const std::string& conninfo, const std::string& dbname) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &error);
  if (options == nullptr) {
    std::string message = error != nullptr ? error : "out of memory";
    PQfreemem(error);
    throw std::runtime_error("BATTRACE_TEST_PG is not a valid conninfo: " + message);
  }
  std::string out;
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (o->val == nullptr || std::string(o->keyword) == "dbname") continue;
    out += std::string(o->keyword) + "=" + QuoteValue(o->val) + " ";
  }
  PQconninfoFree(options);
  return out + "dbname=" + QuoteValue(dbname);
}

// Runs `sql` on the admin database; throws with the server's message on failure.
inline void AdminExec(const std::string& admin, const std::string& sql) {
  PGconn* conn = PQconnectdb(admin.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message = PQerrorMessage(conn);
    PQfinish(conn);
    throw std::runtime_error("cannot connect to BATTRACE_TEST_PG: " + message);
  }
  PGresult* result = PQexec(conn, sql.c_str());
  const bool ok = PQresultStatus(result) == PGRES_COMMAND_OK;
  std::string message = ok ? "" : PQerrorMessage(conn);
  PQclear(result);
  PQfinish(conn);
  if (!ok) throw std::runtime_error(sql + ": " + message);
}

}  // namespace pg_fixture_detail

// Drops every database FreshPgDatabase created in this process (best effort: the cluster is
// thrown away after the run anyway). Registered with atexit on first use.
inline void DropFreshPgDatabases() {
  auto& registry = pg_fixture_detail::Databases();
  std::vector<std::string> names;
  {
    std::lock_guard lock(registry.mu);
    names.swap(registry.databases);
  }
  const auto admin = pg_fixture_detail::AdminConninfo();
  if (!admin) return;
  for (const auto& name : names) {
    try {
      // FORCE: a store a failed test left open must not keep its database alive.
      pg_fixture_detail::AdminExec(*admin, "DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)");
    } catch (const std::exception&) {
    }
  }
}

// The conninfo of a new, empty database on the BATTRACE_TEST_PG cluster, or nullopt when
// BATTRACE_TEST_PG is unset. `prefix` (letters, digits, underscores; others become "_") tells
// whose database it is. Throws std::runtime_error when the cluster refuses.
inline std::optional<std::string> FreshPgDatabase(const std::string& prefix) {
  const auto admin = pg_fixture_detail::AdminConninfo();
  if (!admin) return std::nullopt;
  auto& registry = pg_fixture_detail::Databases();
  std::string name = "bt_";
  for (char c : prefix.substr(0, 24)) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    name += plain ? c : (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : '_';
  }
  {
    std::lock_guard lock(registry.mu);
    name += "_" + std::to_string(getpid()) + "_" + std::to_string(registry.counter++);
    if (!registry.atexit_registered) {
      std::atexit(DropFreshPgDatabases);
      registry.atexit_registered = true;
    }
  }
  // Unique across runs on the same cluster too, whatever the pid.
  name += "_" + std::to_string(std::random_device{}() % 1000000);
  pg_fixture_detail::AdminExec(*admin, "CREATE DATABASE \"" + name +
                                           "\" TEMPLATE template0 ENCODING 'UTF8' "
                                           "LC_COLLATE 'C' LC_CTYPE 'C'");
  {
    std::lock_guard lock(registry.mu);
    registry.databases.push_back(name);
  }
  return pg_fixture_detail::WithDbname(*admin, name);
}

}  // namespace battrace::testing
