// One description per stored row type: the table's columns in order, each as {column name,
// codec, member}. Both engines derive everything positional from it: the column lists of their
// statements (ColumnList), the reading of a result row into a value (Read), and the values of a
// row to write (Write), which SQLite binds to an insert's parameters and PostgreSQL appends to a
// COPY row. A new column is one line here (and its migration in schema.cc); the test
// tests/unit/store/rows_test.cc checks every description against the live table on both engines.
//
// A result row (Row) is the engine's: it has Text, OptText, Int, IsNull and Blob by column
// index. A sink (Sink) receives a row's values in column order: Null(), Int(int64_t),
// Text(std::string_view) for text the value holds (it stays valid while the sink is in use),
// Text(std::string&&) for text a codec computes (the sink keeps it), and Bytes(data, size),
// whose bytes stay valid until the row is written. sqlite_internal.h's Binder and postgres'
// CopyBuffer are sinks.
//
// A description with a report body (rows::CompressedBody) is read and written with the
// connection's BodyCodec (store/stored_body.h), which holds the dictionaries: Read(table, row,
// bodies) and Write(table, row, sink, bodies).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/date.h"
#include "core/status.h"
#include "domain/state.h"
#include "ledger/hash.h"
#include "store/store.h"
#include "store/stored_body.h"

namespace battrace::store::common {

// The installed packs as stored: space-separated (codes hold no spaces), in code order.
std::string JoinPacks(const std::vector<std::string>& packs);
std::vector<std::string> SplitPacks(std::string_view packs);

// A stored date column; the store writes only valid dates, so a bad one is damage.
Result<Date> StoredDate(std::string_view text);
// A finding's evidence, stored as a JSON array of strings.
std::string EvidenceJson(const std::vector<std::string>& evidence);
Result<std::vector<std::string>> ParseEvidence(std::string_view json);

ledger::Hash HashFromBytes(std::string_view bytes);

}  // namespace battrace::store::common

namespace battrace::store::rows {

// ---------------------------------------------------------------------------------------------
// Codecs: how one kind of member is stored in one column. Each has Write(value, sink) and
// Read(row, column, value); a codec whose stored form can be damaged (kFallible) returns a
// Status from Read.

// Text, NOT NULL.
struct Text {
  static constexpr bool kFallible = false;
  template <typename Sink>
  static void Write(const std::string& v, Sink& sink) {
    sink.Text(std::string_view(v));
  }
  template <typename Row>
  static void Read(const Row& row, int c, std::string& v) {
    v = row.Text(c);
  }
};

// Text or NULL.
struct OptText {
  static constexpr bool kFallible = false;
  template <typename Sink>
  static void Write(const std::optional<std::string>& v, Sink& sink) {
    if (v) {
      sink.Text(std::string_view(*v));
    } else {
      sink.Null();
    }
  }
  template <typename Row>
  static void Read(const Row& row, int c, std::optional<std::string>& v) {
    v = row.OptText(c);
  }
};

// A signed 64-bit integer column holding any integer member (counts and leaf indexes are
// below 2^63).
struct Int {
  static constexpr bool kFallible = false;
  template <typename V, typename Sink>
  static void Write(V v, Sink& sink) {
    sink.Int(static_cast<int64_t>(v));
  }
  template <typename Row, typename V>
  static void Read(const Row& row, int c, V& v) {
    v = static_cast<V>(row.Int(c));
  }
};

// An integer or NULL.
struct OptInt {
  static constexpr bool kFallible = false;
  template <typename Sink>
  static void Write(const std::optional<int64_t>& v, Sink& sink) {
    if (v) {
      sink.Int(*v);
    } else {
      sink.Null();
    }
  }
  template <typename Row>
  static void Read(const Row& row, int c, std::optional<int64_t>& v) {
    if (row.IsNull(c)) {
      v.reset();
    } else {
      v = row.Int(c);
    }
  }
};

// A bool as the integer 0 or 1 (read: anything but 0 is true).
struct Bool {
  static constexpr bool kFallible = false;
  template <typename Sink>
  static void Write(bool v, Sink& sink) {
    sink.Int(int64_t{v});
  }
  template <typename Row>
  static void Read(const Row& row, int c, bool& v) {
    v = row.Int(c) != 0;
  }
};

// A Date as YYYY-MM-DD text, NOT NULL.
struct DateText {
  static constexpr bool kFallible = true;
  template <typename Sink>
  static void Write(const Date& v, Sink& sink) {
    sink.Text(v.ToString());
  }
  template <typename Row>
  static Status Read(const Row& row, int c, Date& v) {
    BATTRACE_ASSIGN_OR_RETURN(date, common::StoredDate(row.Text(c)));
    v = date;
    return Status::Ok();
  }
};

// A Date as YYYY-MM-DD text, or NULL.
struct OptDateText {
  static constexpr bool kFallible = true;
  template <typename Sink>
  static void Write(const std::optional<Date>& v, Sink& sink) {
    if (v) {
      sink.Text(v->ToString());
    } else {
      sink.Null();
    }
  }
  template <typename Row>
  static Status Read(const Row& row, int c, std::optional<Date>& v) {
    if (row.IsNull(c)) {
      v.reset();
      return Status::Ok();
    }
    BATTRACE_ASSIGN_OR_RETURN(date, common::StoredDate(row.Text(c)));
    v = date;
    return Status::Ok();
  }
};

// A list of pack codes, space-separated (common::JoinPacks).
struct Packs {
  static constexpr bool kFallible = false;
  template <typename Sink>
  static void Write(const std::vector<std::string>& v, Sink& sink) {
    sink.Text(common::JoinPacks(v));
  }
  template <typename Row>
  static void Read(const Row& row, int c, std::vector<std::string>& v) {
    v = common::SplitPacks(row.Text(c));
  }
};

// A finding's evidence as a JSON array of strings (common::EvidenceJson).
struct EvidenceJson {
  static constexpr bool kFallible = true;
  template <typename Sink>
  static void Write(const std::vector<std::string>& v, Sink& sink) {
    sink.Text(common::EvidenceJson(v));
  }
  template <typename Row>
  static Status Read(const Row& row, int c, std::vector<std::string>& v) {
    BATTRACE_ASSIGN_OR_RETURN(evidence, common::ParseEvidence(row.Text(c)));
    v = std::move(evidence);
    return Status::Ok();
  }
};

// A 32-byte hash as a blob.
struct HashBlob {
  static constexpr bool kFallible = false;
  template <typename Sink>
  static void Write(const ledger::Hash& v, Sink& sink) {
    sink.Bytes(v.data(), v.size());
  }
  template <typename Row>
  static void Read(const Row& row, int c, ledger::Hash& v) {
    v = common::HashFromBytes(row.Blob(c));
  }
};

// A byte string as a blob.
struct Bytes {
  static constexpr bool kFallible = false;
  template <typename Sink>
  static void Write(const std::string& v, Sink& sink) {
    sink.Bytes(v.data(), v.size());
  }
  template <typename Row>
  static void Read(const Row& row, int c, std::string& v) {
    v = row.Blob(c);
  }
};

// A report's body (canonical JSON), stored as the connection's BodyCodec encodes it: raw, or
// zstd with one of the store's dictionaries (store/stored_body.h). A stored form that does not
// decode is damage.
struct CompressedBody {
  static constexpr bool kFallible = true;
  static constexpr bool kUsesBodies = true;
  template <typename Sink>
  static void Write(const std::string& v, Sink& sink, common::BodyCodec& bodies) {
    const std::string_view stored = bodies.Encode(v);
    sink.Bytes(stored.data(), stored.size());
  }
  template <typename Row>
  static Status Read(const Row& row, int c, std::string& v, common::BodyCodec& bodies) {
    return bodies.Decode(row.Blob(c), v);
  }
};

// Whether a codec reads and writes through the connection's BodyCodec.
template <typename Codec>
concept UsesBodies = requires {
  Codec::kUsesBodies;
};

// ---------------------------------------------------------------------------------------------
// Descriptions.

// One column: its name, its codec, and the member it holds (a pointer to member, or a function
// of the row returning a reference to it).
template <typename Codec, typename Get>
struct Column {
  using codec = Codec;
  const char* name;
  Get get;
};
template <typename Codec, typename Get>
constexpr Column<Codec, Get> Col(const char* name, Get get) {
  return {name, get};
}

// A row type T stored in `table`: its columns, in the table's order. `complete`: the columns
// are all of the table's; otherwise they are a run of them, the others being written beside
// the description (a generated id, when a row was recorded or closed).
template <typename T, typename... Cols>
struct Table {
  using Row = T;
  const char* table;
  bool complete;
  std::tuple<Cols...> columns;
  static constexpr size_t kColumns = sizeof...(Cols);
  static constexpr bool kFallible = (Cols::codec::kFallible || ...);
  static constexpr bool kUsesBodies = (UsesBodies<typename Cols::codec> || ...);
};
template <typename T, typename... Cols>
constexpr Table<T, Cols...> Describe(const char* table, bool complete, Cols... cols) {
  return {table, complete, {cols...}};
}

// The column names of `kTable`, comma-separated, as a compile-time string.
template <const auto& kTable>
struct ColumnList {
 private:
  static constexpr size_t Length(const char* s) {
    size_t n = 0;
    while (s[n] != '\0')
      ++n;
    return n;
  }
  static constexpr size_t kSize =
      std::apply([](const auto&... c) { return ((Length(c.name) + 2) + ...) - 2; }, kTable.columns);
  static constexpr std::array<char, kSize + 1> Join() {
    std::array<char, kSize + 1> out{};
    size_t at = 0;
    std::apply(
        [&](const auto&... c) {
          (
              [&](const char* name) {
                if (at != 0) {
                  out[at++] = ',';
                  out[at++] = ' ';
                }
                for (size_t i = 0; name[i] != '\0'; ++i)
                  out[at++] = name[i];
              }(c.name),
              ...);
        },
        kTable.columns);
    return out;
  }

 public:
  static constexpr std::array<char, kSize + 1> kText = Join();
};
template <const auto& kTable>
inline constexpr const char* kColumnsOf = ColumnList<kTable>::kText.data();

// The names of the columns of `table`, in order (for the description test and diagnostics).
template <typename Tab>
std::vector<std::string> ColumnNames(const Tab& table) {
  std::vector<std::string> out;
  std::apply([&](const auto&... c) { (out.emplace_back(c.name), ...); }, table.columns);
  return out;
}

// One column's value to `sink`, through `bodies` when its codec needs them.
template <typename Codec, typename V, typename Sink>
void WriteColumn(const V& value, Sink& sink, common::BodyCodec* bodies) {
  if constexpr (UsesBodies<Codec>) {
    Codec::Write(value, sink, *bodies);
  } else {
    Codec::Write(value, sink);
  }
}

// One column's value from `row`: a Status for a fallible codec.
template <typename Codec, typename Row, typename V>
auto ReadColumn(const Row& row, int c, V& value, common::BodyCodec* bodies) {
  if constexpr (UsesBodies<Codec>) {
    return Codec::Read(row, c, value, *bodies);
  } else {
    return Codec::Read(row, c, value);
  }
}

template <typename Tab, typename Sink>
void WriteWith(const Tab& table, const auto& row, Sink& sink, common::BodyCodec* bodies) {
  std::apply(
      [&](const auto&... c) {
        (WriteColumn<typename std::remove_cvref_t<decltype(c)>::codec>(std::invoke(c.get, row),
                                                                       sink, bodies),
         ...);
      },
      table.columns);
}

template <typename Tab, typename Row>
auto ReadWith(const Tab& table, const Row& row, int first, common::BodyCodec* bodies) {
  using T = typename Tab::Row;
  T out;
  if constexpr (Tab::kFallible) {
    Status status;
    int c = first;
    std::apply(
        [&](const auto&... col) {
          (
              [&](const auto& one) {
                using Codec = typename std::remove_cvref_t<decltype(one)>::codec;
                if (!status.ok()) return;
                if constexpr (Codec::kFallible) {
                  status = ReadColumn<Codec>(row, c, std::invoke(one.get, out), bodies);
                } else {
                  ReadColumn<Codec>(row, c, std::invoke(one.get, out), bodies);
                }
                ++c;
              }(col),
              ...);
        },
        table.columns);
    if (!status.ok()) return Result<T>(status);
    return Result<T>(std::move(out));
  } else {
    int c = first;
    std::apply(
        [&](const auto&... col) {
          (ReadColumn<typename std::remove_cvref_t<decltype(col)>::codec>(
               row, c++, std::invoke(col.get, out), bodies),
           ...);
        },
        table.columns);
    return out;
  }
}

// Writes the values of `row` to `sink`, in column order.
template <typename Tab, typename Sink>
void Write(const Tab& table, const auto& row, Sink& sink) {
  static_assert(!Tab::kUsesBodies, "a description with a report body is written with a BodyCodec");
  WriteWith(table, row, sink, nullptr);
}
// The same for a description with a report body, encoded by `bodies`.
template <typename Tab, typename Sink>
void Write(const Tab& table, const auto& row, Sink& sink, common::BodyCodec& bodies) {
  WriteWith(table, row, sink, &bodies);
}

// Reads the row type of `table` from the result row `row`, whose columns from `first` on are
// the description's (as selected with kColumnsOf). A description with a fallible codec gives a
// Result (Corruption for a damaged column), the others the value.
template <typename Tab, typename Row>
auto Read(const Tab& table, const Row& row, int first = 0) {
  static_assert(!Tab::kUsesBodies, "a description with a report body is read with a BodyCodec");
  return ReadWith(table, row, first, nullptr);
}
// The same for a description with a report body, decoded by `bodies`.
template <typename Tab, typename Row>
auto Read(const Tab& table, const Row& row, common::BodyCodec& bodies, int first = 0) {
  return ReadWith(table, row, first, &bodies);
}

// Read of `kTable` as a function object, for the helpers that take a row reader
// (sqlite::Stmt::OneRow, the PostgreSQL engine's First and All): rows::kReader<tables::kBattery>.
template <const auto& kTable>
inline constexpr auto kReader = [](const auto& row) { return Read(kTable, row); };

}  // namespace battrace::store::rows
