// A thin RAII layer over the SQLite C API, private to store/sqlite/.
//
// Db owns a connection, Stmt a prepared statement (reset on every Bind sequence). Errors become
// Status values carrying SQLite's message; nothing here knows the battrace schema.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace battrace::sqlite {

class Stmt;

class Db {
 public:
  // Opens (creating when `create` is set) the database file at `path`.
  static Result<Db> Open(const std::string& path, bool create);
  // Opens the database file at `path` for reading only. When `immutable`, SQLite reads it as a
  // file nobody changes: without locks, and creating no -wal or -shm file.
  static Result<Db> OpenReadOnly(const std::string& path, bool immutable);

  // Attaches the database file at `path` as `schema`, opened as this connection was (read-only
  // and immutable with `immutable`, which only a connection OpenReadOnly made may use). The file
  // must exist: NotFound names it otherwise.
  Status Attach(const std::string& path, const std::string& schema, bool immutable);

  Db(Db&& other) noexcept : db_(other.db_), uri_(other.uri_) { other.db_ = nullptr; }
  Db& operator=(Db&& other) noexcept;
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  ~Db();

  // Runs one or more statements that return no rows.
  Status Exec(const std::string& sql);
  Result<Stmt> Prepare(std::string_view sql);
  int64_t Changes() const { return sqlite3_changes64(db_); }
  // The rowid of the last row inserted on this connection.
  int64_t LastInsertRowid() const { return sqlite3_last_insert_rowid(db_); }
  sqlite3* raw() const { return db_; }
  Status Error(const std::string& what) const;

 private:
  explicit Db(sqlite3* db, bool uri = false) : db_(db), uri_(uri) {}
  // Opens `name` (the path, or a file: URI when flags has SQLITE_OPEN_URI) of the file `path`.
  static Result<Db> OpenWith(const std::string& path, const std::string& name, int flags,
                             bool create);
  sqlite3* db_ = nullptr;
  bool uri_ = false;  // opened with SQLITE_OPEN_URI: attached files are named by URI too
};

class Stmt {
 public:
  Stmt(Stmt&& other) noexcept : st_(other.st_), db_(other.db_) { other.st_ = nullptr; }
  Stmt& operator=(Stmt&& other) noexcept;
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  ~Stmt();

  // Bind by 1-based index. Text and blobs are NOT copied: REQUIRES the bound data to stay
  // unchanged until the statement is reset (Run, or Step ... Reset).
  Stmt& Bind(int i, int64_t v);
  Stmt& Bind(int i, std::string_view v);
  Stmt& Bind(int i, const std::string& v) { return Bind(i, std::string_view(v)); }
  Stmt& Bind(int i, const char* v) { return Bind(i, std::string_view(v)); }
  Stmt& BindBlob(int i, const void* data, size_t n);
  Stmt& BindNull(int i);
  Stmt& Bind(int i, const std::optional<std::string>& v) {
    return v ? Bind(i, std::string_view(*v)) : BindNull(i);
  }
  Stmt& Bind(int i, const std::optional<int64_t>& v) { return v ? Bind(i, *v) : BindNull(i); }

  // Steps once: true when a row is available, false when done; errors as Status.
  Result<bool> Step();
  // Steps to completion, ignoring rows, then resets.
  Status Run();
  // Resets for re-execution and clears bindings.
  void Reset();

  // Steps through every row, calling fn(*this) for each until it returns false, then resets.
  template <typename Fn>
  Status ForEachRow(Fn&& fn) {
    for (;;) {
      Result<bool> row = Step();
      if (!row.ok()) {
        Reset();
        return row.status();
      }
      if (!*row || !fn(*this)) break;
    }
    Reset();
    return Status::Ok();
  }

  // The first row read by read(*this), or nullopt when there is none; then resets.
  template <typename Read>
  auto OneRow(Read&& read) -> Result<std::optional<decltype(read(*this))>> {
    std::optional<decltype(read(*this))> out;
    BATTRACE_RETURN_IF_ERROR(ForEachRow([&](Stmt& s) {
      out = read(s);
      return false;
    }));
    return out;
  }

  // Every row, each read by read(*this), in order; then resets.
  template <typename Read>
  auto AllRows(Read&& read) -> Result<std::vector<decltype(read(*this))>> {
    std::vector<decltype(read(*this))> out;
    BATTRACE_RETURN_IF_ERROR(ForEachRow([&](Stmt& s) {
      out.push_back(read(s));
      return true;
    }));
    return out;
  }

  int64_t Int(int col) const { return sqlite3_column_int64(st_, col); }
  bool IsNull(int col) const { return sqlite3_column_type(st_, col) == SQLITE_NULL; }
  int Type(int col) const { return sqlite3_column_type(st_, col); }  // SQLITE_INTEGER, ...
  int Columns() const { return sqlite3_column_count(st_); }
  std::string Text(int col) const;
  std::string_view Blob(int col) const;
  std::optional<std::string> OptText(int col) const {
    return IsNull(col) ? std::nullopt : std::optional<std::string>(Text(col));
  }

 private:
  friend class Db;
  Stmt(sqlite3_stmt* st, sqlite3* db) : st_(st), db_(db) {}
  sqlite3_stmt* st_ = nullptr;
  sqlite3* db_ = nullptr;
};

}  // namespace battrace::sqlite
