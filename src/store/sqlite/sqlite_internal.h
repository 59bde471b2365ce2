// The SQLite engine's private parts, shared by its files (sqlite_store.cc: the session;
// write_txn.cc; reads.cc; statements.cc). Nothing outside store/sqlite/ includes it.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "core/status.h"
#include "store/rows.h"
#include "store/sqlite/sqlite.h"

namespace battrace::store::sqlite_engine {

// A row sink (store/rows.h) that binds each value to the next parameter of a statement, from
// `first` on. Text a codec computes is kept here until the statement runs (SQLite binds text
// without copying it): a Binder lives as long as the expression that runs its statement.
class Binder {
 public:
  explicit Binder(sqlite::Stmt& st, int first = 1) : st_(st), next_(first) {}

  Binder& Null() {
    st_.BindNull(next_++);
    return *this;
  }
  Binder& Int(int64_t v) {
    st_.Bind(next_++, v);
    return *this;
  }
  Binder& Text(std::string_view v) {
    st_.Bind(next_++, v);
    return *this;
  }
  Binder& Text(std::string&& v) {
    std::string& kept = kept_.at(kept_count_++);
    kept = std::move(v);
    st_.Bind(next_++, std::string_view(kept));
    return *this;
  }
  Binder& Bytes(const void* data, size_t size) {
    st_.BindBlob(next_++, data, size);
    return *this;
  }
  // Binds the values of `row` as the description `table` orders them.
  template <typename Table, typename T>
  Binder& Row(const Table& table, const T& row) {
    rows::Write(table, row, *this);
    return *this;
  }
  Status Run() { return st_.Run(); }

 private:
  sqlite::Stmt& st_;
  int next_;
  // At most this many computed texts in one row (a finding has two: due and evidence).
  std::array<std::string, 4> kept_;
  size_t kept_count_ = 0;
};

}  // namespace battrace::store::sqlite_engine
