#include "store/sqlite/sqlite.h"

#include <unistd.h>

#include <cstdio>
#include <string_view>

namespace battrace::sqlite {
namespace {

// A file: URI of `path` (RFC 8089 as SQLite reads it), the characters that end or escape a path
// there percent-encoded, with `query` after it.
std::string FileUri(const std::string& path, std::string_view query) {
  std::string uri = "file:";
  for (char c : path) {
    if (c == '%' || c == '?' || c == '#') {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", static_cast<unsigned char>(c));
      uri += buf;
    } else {
      uri += c;
    }
  }
  uri += query;
  return uri;
}

}  // namespace

Result<Db> Db::OpenWith(const std::string& path, const std::string& name, int flags, bool create) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(name.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    if (!create && rc == SQLITE_CANTOPEN) {
      return Status::NotFound("no store at " + path + " (create one with `battrace init`)");
    }
    return Status::IOError("cannot open " + path + ": " + msg);
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, 10000);
  return Db(db, (flags & SQLITE_OPEN_URI) != 0);
}

Result<Db> Db::Open(const std::string& path, bool create) {
  return OpenWith(path, path,
                  SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0),
                  create);
}

Result<Db> Db::OpenReadOnly(const std::string& path, bool immutable) {
  return OpenWith(path, FileUri(path, immutable ? "?mode=ro&immutable=1" : "?mode=ro"),
                  SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, false);
}

Status Db::Attach(const std::string& path, const std::string& schema, bool immutable) {
  // ATTACH creates a missing file when the connection may create: the caller creates it instead,
  // with the mode it wants.
  if (::access(path.c_str(), F_OK) != 0) return Status::NotFound("no file at " + path);
  BATTRACE_ASSIGN_OR_RETURN(attach, Prepare("ATTACH DATABASE ? AS \"" + schema + "\""));
  const std::string name = !uri_ ? path : FileUri(path, immutable ? "?immutable=1" : "");
  if (Status st = attach.Bind(1, name).Run(); !st.ok()) {
    return Status::IOError("cannot open " + path + ": " + st.message());
  }
  return Status::Ok();
}

Db& Db::operator=(Db&& other) noexcept {
  if (this != &other) {
    sqlite3_close_v2(db_);
    db_ = other.db_;
    uri_ = other.uri_;
    other.db_ = nullptr;
  }
  return *this;
}

Db::~Db() {
  sqlite3_close_v2(db_);
}

Status Db::Error(const std::string& what) const {
  const int code = sqlite3_errcode(db_);
  const std::string msg = what + ": " + sqlite3_errmsg(db_);
  if ((code & 0xff) == SQLITE_CORRUPT || (code & 0xff) == SQLITE_NOTADB) {
    return Status::Corruption(msg);
  }
  return Status::IOError(msg);
}

Status Db::Exec(const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    return Status::IOError("sql: " + msg);
  }
  return Status::Ok();
}

Result<Stmt> Db::Prepare(std::string_view sql) {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                         &st, nullptr) != SQLITE_OK) {
    return Error("prepare");
  }
  return Stmt(st, db_);
}

Stmt& Stmt::operator=(Stmt&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(st_);
    st_ = other.st_;
    db_ = other.db_;
    other.st_ = nullptr;
  }
  return *this;
}

Stmt::~Stmt() {
  sqlite3_finalize(st_);
}

Stmt& Stmt::Bind(int i, int64_t v) {
  sqlite3_bind_int64(st_, i, v);
  return *this;
}

Stmt& Stmt::Bind(int i, std::string_view v) {
  sqlite3_bind_text(st_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
  return *this;
}

Stmt& Stmt::BindBlob(int i, const void* data, size_t n) {
  sqlite3_bind_blob(st_, i, data, static_cast<int>(n), SQLITE_STATIC);
  return *this;
}

Stmt& Stmt::BindNull(int i) {
  sqlite3_bind_null(st_, i);
  return *this;
}

Result<bool> Stmt::Step() {
  const int rc = sqlite3_step(st_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  const std::string msg = sqlite3_errmsg(db_);
  if ((rc & 0xff) == SQLITE_CONSTRAINT) {
    return Status(StatusCode::kConflict, "constraint: " + msg);
  }
  if ((rc & 0xff) == SQLITE_CORRUPT) return Status::Corruption("sql step: " + msg);
  return Status::IOError("sql step: " + msg);
}

Status Stmt::Run() {
  Result<bool> r = Step();
  while (r.ok() && *r)
    r = Step();
  Reset();
  return r.status();
}

void Stmt::Reset() {
  sqlite3_reset(st_);
  sqlite3_clear_bindings(st_);
}

std::string Stmt::Text(int col) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st_, col));
  return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(st_, col))) : std::string();
}

std::string_view Stmt::Blob(int col) const {
  const auto* p = static_cast<const char*>(sqlite3_column_blob(st_, col));
  return p ? std::string_view(p, static_cast<size_t>(sqlite3_column_bytes(st_, col)))
           : std::string_view();
}

}  // namespace battrace::sqlite
