// A thin RAII layer over libpq for the PostgreSQL engine: connections, prepared statements with
// binary results, pipelined sends, and COPY in text format. Nothing above store/postgres/ sees
// it.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace battrace::store::pg {

// The parameters of one statement: text, except byte strings, which go as binary.
class Params {
 public:
  Params& Add(std::string_view text);
  Params& Add(const std::string& text) { return Add(std::string_view(text)); }
  Params& Add(const char* text) { return Add(std::string_view(text)); }
  Params& Add(const std::optional<std::string>& text);  // NULL when absent
  Params& Add(int64_t value);
  Params& Add(const std::optional<int64_t>& value);
  Params& AddBytes(const void* data, size_t size);
  Params& AddNull();
  // A row sink (store/rows.h): a described row's values become the next parameters.
  Params& Null() { return AddNull(); }
  Params& Int(int64_t value) { return Add(value); }
  Params& Text(std::string_view text) { return Add(text); }
  Params& Bytes(const void* data, size_t size) { return AddBytes(data, size); }

  int size() const { return static_cast<int>(values_.size()); }
  // Pointers into the owned values; valid until the next Add.
  std::vector<const char*> Values() const;
  const int* Lengths() const { return lengths_.data(); }
  const int* Formats() const { return formats_.data(); }

 private:
  std::vector<std::optional<std::string>> values_;
  std::vector<int> lengths_, formats_;
};

// The rows of one result, in binary format: text columns are their bytes, bytea columns their
// bytes, integers (int2, int4, int8) their values.
class Rows {
 public:
  explicit Rows(PGresult* result) : result_(result, &PQclear) {}
  int size() const { return PQntuples(result_.get()); }
  bool IsNull(int row, int col) const { return PQgetisnull(result_.get(), row, col) != 0; }
  std::string_view Bytes(int row, int col) const;
  std::string Text(int row, int col) const { return std::string(Bytes(row, col)); }
  std::optional<std::string> OptText(int row, int col) const;
  int64_t Int(int row, int col) const;
  std::optional<int64_t> OptInt(int row, int col) const;
  // Rows an INSERT, UPDATE or DELETE touched.
  uint64_t Affected() const;

 private:
  std::unique_ptr<PGresult, decltype(&PQclear)> result_;
};

// One row of COPY text format at a time, appended to a buffer. A row sink (store/rows.h): a
// described row's values are appended to the row being written.
class CopyBuffer {
 public:
  CopyBuffer& Text(std::string_view value);
  CopyBuffer& Text(const std::string& value) { return Text(std::string_view(value)); }
  CopyBuffer& Text(const std::optional<std::string>& value);
  CopyBuffer& Int(int64_t value);
  CopyBuffer& Int(const std::optional<int64_t>& value);
  CopyBuffer& Bytes(const void* data, size_t size);
  CopyBuffer& Null();
  void EndRow();
  const std::string& data() const { return data_; }
  size_t rows() const { return rows_; }
  bool empty() const { return rows_ == 0; }
  void clear() {
    data_.clear();
    rows_ = 0;
    first_ = true;
  }

 private:
  void Separate();
  std::string data_;
  size_t rows_ = 0;
  bool first_ = true;
};

// The rule of a failure to reach the server: a connection refused, or lost (a restart, a
// failover). A statement that failed so may have run or not (a COMMIT whose answer was lost):
// the caller retries the whole request, which is safe for the store's writes (reports are
// idempotent by reporter and id).
inline constexpr std::string_view kUnavailable = "store.unavailable";

class Conn {
 public:
  // Connects; the session uses UTC and READ COMMITTED. A failure is kIOError with the rule
  // kUnavailable, as is a statement's failure that lost the connection.
  static Result<Conn> Connect(const std::string& conninfo);
  Conn(Conn&&) noexcept = default;
  Conn& operator=(Conn&&) noexcept = default;

  // Runs one or more statements without parameters (simple protocol).
  Status Exec(const std::string& sql);
  // Prepares `sql` ($1, $2, ... placeholders) under `name` on this connection.
  Status Prepare(const std::string& name, const std::string& sql);
  // Runs a prepared statement and waits for its rows.
  Result<Rows> Run(const std::string& name, const Params& params);
  // Runs a statement with parameters, unprepared.
  Result<Rows> Query(const std::string& sql, const Params& params);

  // Pipelining: Send queues a prepared statement without waiting for it; the server runs the
  // queued statements in order. Their outcomes are collected by Sync, which Run, Query, Exec
  // and Copy call first, so an error of a queued statement surfaces there. Sync also ends a
  // COPY in progress.
  Status Send(const std::string& name, const Params& params);
  Status Sync();

  // COPY <target> FROM STDIN with `data` in text format.
  Status Copy(const std::string& copy_sql, std::string_view data);
  // The same in pieces, sent while the caller goes on (the server takes the rows as they
  // come): CopyBegin, CopyPut as often as needed, CopyEnd. Any other call ends the COPY first.
  Status CopyBegin(const std::string& copy_sql);
  Status CopyPut(std::string_view data);
  Status CopyEnd();
  bool copying() const { return copying_; }

  // Whether the session is inside a transaction block.
  bool InTransaction() const;
  // Whether the connection is lost (the server restarted or failed over): libpq saw it close,
  // or the server ended the session (an error of severity FATAL, which comes before the close).
  bool Broken() const { return ended_ || PQstatus(conn_.get()) == CONNECTION_BAD; }

 private:
  explicit Conn(PGconn* conn) : conn_(conn, &PQfinish) {}
  // The status of a failure; notes a session the server ended (Broken).
  Status Error(const std::string& what, const PGresult* result = nullptr);
  Result<Rows> Take(PGresult* result, const std::string& what);

  std::unique_ptr<PGconn, decltype(&PQfinish)> conn_;
  size_t queued_ = 0;  // statements sent since the last Sync
  bool copying_ = false;
  bool ended_ = false;  // the server sent a FATAL error: it closes the connection after it
};

// The SQLSTATE of a failed statement's error, when the status came from one ("40P01", ...).
std::string SqlState(const Status& status);

}  // namespace battrace::store::pg
