#include "store/postgres/pg.h"

#include <endian.h>

#include <cstring>

namespace battrace::store::pg {
namespace {

// Queued statements are collected after this many: their replies are a few dozen bytes each,
// so the socket buffers never fill with both sides writing.
constexpr size_t kMaxQueued = 512;

std::string Trimmed(const char* message) {
  std::string s = message ? message : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' '))
    s.pop_back();
  return s;
}

}  // namespace

Params& Params::Add(std::string_view text) {
  values_.emplace_back(std::string(text));
  lengths_.push_back(0);
  formats_.push_back(0);
  return *this;
}

Params& Params::Add(const std::optional<std::string>& text) {
  return text ? Add(std::string_view(*text)) : AddNull();
}

Params& Params::Add(int64_t value) {
  return Add(std::string_view(std::to_string(value)));
}

Params& Params::Add(const std::optional<int64_t>& value) {
  return value ? Add(*value) : AddNull();
}

Params& Params::AddBytes(const void* data, size_t size) {
  values_.emplace_back(std::string(static_cast<const char*>(data), size));
  lengths_.push_back(static_cast<int>(size));
  formats_.push_back(1);
  return *this;
}

Params& Params::AddNull() {
  values_.emplace_back(std::nullopt);
  lengths_.push_back(0);
  formats_.push_back(0);
  return *this;
}

std::vector<const char*> Params::Values() const {
  std::vector<const char*> out;
  out.reserve(values_.size());
  for (const auto& v : values_)
    out.push_back(v ? v->c_str() : nullptr);
  return out;
}

std::string_view Rows::Bytes(int row, int col) const {
  return {PQgetvalue(result_.get(), row, col),
          static_cast<size_t>(PQgetlength(result_.get(), row, col))};
}

std::optional<std::string> Rows::OptText(int row, int col) const {
  if (IsNull(row, col)) return std::nullopt;
  return Text(row, col);
}

int64_t Rows::Int(int row, int col) const {
  const std::string_view b = Bytes(row, col);
  switch (b.size()) {
    case 8: {
      uint64_t v;
      std::memcpy(&v, b.data(), 8);
      return static_cast<int64_t>(be64toh(v));
    }
    case 4: {
      uint32_t v;
      std::memcpy(&v, b.data(), 4);
      return static_cast<int32_t>(be32toh(v));
    }
    case 2: {
      uint16_t v;
      std::memcpy(&v, b.data(), 2);
      return static_cast<int16_t>(be16toh(v));
    }
    default:
      return 0;  // NULL
  }
}

std::optional<int64_t> Rows::OptInt(int row, int col) const {
  if (IsNull(row, col)) return std::nullopt;
  return Int(row, col);
}

uint64_t Rows::Affected() const {
  const char* n = PQcmdTuples(result_.get());
  return (n && *n) ? std::stoull(n) : 0;
}

void CopyBuffer::Separate() {
  if (!first_) data_ += '\t';
  first_ = false;
}

CopyBuffer& CopyBuffer::Text(std::string_view value) {
  Separate();
  // Runs of ordinary characters are appended whole; COPY's four special ones are escaped.
  size_t run = 0;
  for (size_t i = 0; i < value.size(); ++i) {
    const char* escaped = nullptr;
    switch (value[i]) {
      case '\\':
        escaped = "\\\\";
        break;
      case '\t':
        escaped = "\\t";
        break;
      case '\n':
        escaped = "\\n";
        break;
      case '\r':
        escaped = "\\r";
        break;
      default:
        continue;
    }
    data_.append(value.substr(run, i - run));
    data_ += escaped;
    run = i + 1;
  }
  data_.append(value.substr(run));
  return *this;
}

CopyBuffer& CopyBuffer::Text(const std::optional<std::string>& value) {
  return value ? Text(std::string_view(*value)) : Null();
}

CopyBuffer& CopyBuffer::Int(int64_t value) {
  Separate();
  data_ += std::to_string(value);
  return *this;
}

CopyBuffer& CopyBuffer::Int(const std::optional<int64_t>& value) {
  return value ? Int(*value) : Null();
}

CopyBuffer& CopyBuffer::Bytes(const void* data, size_t size) {
  static constexpr char kHex[] = "0123456789abcdef";
  Separate();
  data_ += "\\\\x";  // bytea hex format, its backslash escaped for COPY
  const auto* p = static_cast<const unsigned char*>(data);
  for (size_t i = 0; i < size; ++i) {
    data_ += kHex[p[i] >> 4];
    data_ += kHex[p[i] & 15];
  }
  return *this;
}

CopyBuffer& CopyBuffer::Null() {
  Separate();
  data_ += "\\N";
  return *this;
}

void CopyBuffer::EndRow() {
  data_ += '\n';
  ++rows_;
  first_ = true;
}

Result<Conn> Conn::Connect(const std::string& conninfo) {
  PGconn* raw = PQconnectdb(conninfo.c_str());
  if (raw == nullptr) return Status::IOError("PostgreSQL: out of memory connecting");
  Conn conn(raw);
  if (PQstatus(raw) != CONNECTION_OK) {
    return Status(StatusCode::kIOError,
                  "cannot connect to PostgreSQL: " + Trimmed(PQerrorMessage(raw)), "",
                  std::string(kUnavailable));
  }
  BATTRACE_RETURN_IF_ERROR(
      conn.Exec("SET TIME ZONE 'UTC'; SET default_transaction_isolation = 'read committed'; "
                "SET client_min_messages = warning"));
  return conn;
}

Status Conn::Error(const std::string& what, const PGresult* result) {
  std::string message = Trimmed(result ? PQresultErrorMessage(result) : "");
  if (message.empty()) message = Trimmed(PQerrorMessage(conn_.get()));
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  // FATAL (or PANIC) ends the session. libpq may hand over the error before it has read the
  // connection's close (a COPY or a pipeline's results read one by one), so the connection
  // still looks alive to it.
  const char* severity =
      result ? PQresultErrorField(result, PG_DIAG_SEVERITY_NONLOCALIZED) : nullptr;
  if (severity &&
      (std::string_view(severity) == "FATAL" || std::string_view(severity) == "PANIC")) {
    ended_ = true;
  }
  if (state) message += " [SQLSTATE " + std::string(state) + "]";
  // Class 23, integrity constraint violation: a row with the same key exists.
  if (state && std::string_view(state).starts_with("23")) {
    return Status::Conflict("PostgreSQL " + what + ": " + message);
  }
  if (Broken()) {
    return Status(StatusCode::kIOError, "PostgreSQL " + what + ": " + message, "",
                  std::string(kUnavailable));
  }
  return Status::IOError("PostgreSQL " + what + ": " + message);
}

Result<Rows> Conn::Take(PGresult* result, const std::string& what) {
  Rows rows(result);
  const ExecStatusType st = PQresultStatus(result);
  if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) return Error(what, result);
  return rows;
}

Status Conn::Exec(const std::string& sql) {
  BATTRACE_RETURN_IF_ERROR(Sync());
  PGresult* r = PQexec(conn_.get(), sql.c_str());
  return Take(r, "statement").status();
}

Status Conn::Prepare(const std::string& name, const std::string& sql) {
  BATTRACE_RETURN_IF_ERROR(Sync());
  PGresult* r = PQprepare(conn_.get(), name.c_str(), sql.c_str(), 0, nullptr);
  return Take(r, "prepare " + name).status();
}

Result<Rows> Conn::Run(const std::string& name, const Params& params) {
  BATTRACE_RETURN_IF_ERROR(Sync());
  const auto values = params.Values();
  PGresult* r = PQexecPrepared(conn_.get(), name.c_str(), params.size(), values.data(),
                               params.Lengths(), params.Formats(), 1);
  return Take(r, name);
}

Result<Rows> Conn::Query(const std::string& sql, const Params& params) {
  BATTRACE_RETURN_IF_ERROR(Sync());
  const auto values = params.Values();
  PGresult* r = PQexecParams(conn_.get(), sql.c_str(), params.size(), nullptr, values.data(),
                             params.Lengths(), params.Formats(), 1);
  return Take(r, "query");
}

Status Conn::Send(const std::string& name, const Params& params) {
  BATTRACE_RETURN_IF_ERROR(CopyEnd());
  PGconn* c = conn_.get();
  if (PQpipelineStatus(c) == PQ_PIPELINE_OFF && PQenterPipelineMode(c) != 1) {
    return Error("entering pipeline mode");
  }
  const auto values = params.Values();
  if (PQsendQueryPrepared(c, name.c_str(), params.size(), values.data(), params.Lengths(),
                          params.Formats(), 1) != 1) {
    return Error("send " + name);
  }
  if (++queued_ >= kMaxQueued) return Sync();
  return Status::Ok();
}

Status Conn::Sync() {
  BATTRACE_RETURN_IF_ERROR(CopyEnd());
  PGconn* c = conn_.get();
  if (PQpipelineStatus(c) == PQ_PIPELINE_OFF) return Status::Ok();
  Status first_error;
  if (PQpipelineSync(c) != 1) return Error("pipeline sync");
  // Each queued statement's results end with a NULL; the sync point's own result ends it all.
  for (;;) {
    PGresult* r = PQgetResult(c);
    if (r == nullptr) {
      if (PQstatus(c) == CONNECTION_BAD) {
        if (first_error.ok()) first_error = Error("pipeline");
        break;
      }
      continue;
    }
    const ExecStatusType st = PQresultStatus(r);
    if (st == PGRES_PIPELINE_SYNC) {
      PQclear(r);
      break;
    }
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_PIPELINE_ABORTED &&
        first_error.ok()) {
      first_error = Error("pipelined statement", r);
    }
    PQclear(r);
  }
  queued_ = 0;
  if (PQexitPipelineMode(c) != 1 && first_error.ok()) first_error = Error("leaving pipeline mode");
  return first_error;
}

Status Conn::Copy(const std::string& copy_sql, std::string_view data) {
  BATTRACE_RETURN_IF_ERROR(CopyBegin(copy_sql));
  BATTRACE_RETURN_IF_ERROR(CopyPut(data));
  return CopyEnd();
}

Status Conn::CopyBegin(const std::string& copy_sql) {
  BATTRACE_RETURN_IF_ERROR(Sync());
  PGresult* start = PQexec(conn_.get(), copy_sql.c_str());
  if (PQresultStatus(start) != PGRES_COPY_IN) {
    Status st = Error("copy", start);
    PQclear(start);
    return st;
  }
  PQclear(start);
  copying_ = true;
  return Status::Ok();
}

Status Conn::CopyPut(std::string_view data) {
  // Sent in pieces: one call per megabyte keeps libpq's output buffer small.
  constexpr size_t kPiece = size_t{1} << 20;
  for (size_t at = 0; at < data.size(); at += kPiece) {
    const size_t n = std::min(kPiece, data.size() - at);
    if (PQputCopyData(conn_.get(), data.data() + at, static_cast<int>(n)) != 1) {
      return Error("copy data");
    }
  }
  return Status::Ok();
}

Status Conn::CopyEnd() {
  if (!copying_) return Status::Ok();
  copying_ = false;
  PGconn* c = conn_.get();
  if (PQputCopyEnd(c, nullptr) != 1) return Error("copy end");
  Status result;
  while (PGresult* r = PQgetResult(c)) {
    if (PQresultStatus(r) != PGRES_COMMAND_OK && result.ok()) result = Error("copy", r);
    PQclear(r);
  }
  return result;
}

bool Conn::InTransaction() const {
  const PGTransactionStatusType t = PQtransactionStatus(conn_.get());
  return t == PQTRANS_INTRANS || t == PQTRANS_INERROR;
}

std::string SqlState(const Status& status) {
  const std::string& m = status.message();
  const size_t at = m.rfind("[SQLSTATE ");
  if (at == std::string::npos || m.size() < at + 15) return "";
  return m.substr(at + 10, 5);
}

}  // namespace battrace::store::pg
