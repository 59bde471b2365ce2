// The row descriptions (store/tables.h) against the tables a fresh store has, on both engines,
// and their codecs: what a description writes, it reads back.
#include "store/rows.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "engines.h"
#include "store/columns.h"
#include "store/open.h"
#include "store/tables.h"

namespace battrace::store {
namespace {

using battrace::testing::Engine;

class RowsTest : public ::testing::TestWithParam<Engine> {};

// Each description's columns, as the engine reports the live table's: the same, in the same
// order; for a description that is not complete, a run of them.
TEST_P(RowsTest, DescriptionsMatchTheLiveTables) {
  battrace::testing::TestStore where(GetParam(), "rows-test");
  if (!where.available()) GTEST_SKIP() << "BATTRACE_TEST_PG names no PostgreSQL cluster";
  {
    OpenOptions o;
    o.create = true;
    auto s = OpenStore(where.location(), o, "test.battrace/ledger");
    ASSERT_TRUE(s.ok()) << s.status().ToString();
  }
  int checked = 0;
  tables::ForEachTable([&](const auto& table) {
    const std::string name = table.table;
    const std::string live = where.Sql(
        GetParam() == Engine::kSqlite
            ? "SELECT group_concat(name, ', ') FROM (SELECT name FROM pragma_table_info('" + name +
                  "') ORDER BY cid)"
            : "SELECT string_agg(column_name, ', ' ORDER BY ordinal_position) FROM "
              "information_schema.columns WHERE table_schema = current_schema() AND "
              "table_name = '" +
                  name + "'");
    std::string described;
    for (const std::string& c : rows::ColumnNames(table)) {
      described += (described.empty() ? "" : ", ") + c;
    }
    if (table.complete) {
      EXPECT_EQ(live, described) << name;
    } else {
      EXPECT_NE((", " + live + ", ").find(", " + described + ", "), std::string::npos)
          << name << ": " << live;
    }
    ++checked;
  });
  EXPECT_EQ(checked, 16);
}

BATTRACE_BOTH_ENGINES(RowsTest);

// A result row and a sink over one vector of values, as an engine would give and take them.
using Value = std::variant<std::monostate, int64_t, std::string>;
struct FakeSink {
  std::vector<Value>& values;

  void Null() { values.emplace_back(); }
  void Int(int64_t v) { values.emplace_back(v); }
  void Text(std::string_view v) { values.emplace_back(std::string(v)); }
  void Bytes(const void* data, size_t size) {
    values.emplace_back(std::string(static_cast<const char*>(data), size));
  }
};
struct FakeRow {
  std::vector<Value> values;

  bool IsNull(int c) const { return std::holds_alternative<std::monostate>(values.at(c)); }
  int64_t Int(int c) const { return std::get<int64_t>(values.at(c)); }
  std::string Text(int c) const { return std::get<std::string>(values.at(c)); }
  std::optional<std::string> OptText(int c) const {
    return IsNull(c) ? std::nullopt : std::optional<std::string>(Text(c));
  }
  std::string_view Blob(int c) const { return std::get<std::string>(values.at(c)); }
};

TEST(RowsCodecs, BatteryRoundTrips) {
  domain::BatteryState b;
  b.code = "001";
  b.level = "pack";
  b.producer = "91110000";
  b.vin = std::nullopt;
  b.status = "produced";
  b.produced_leaf = 7;
  b.updated_leaf = 9;
  b.id_complete = true;
  b.serial = "S1";
  FakeRow row;
  FakeSink sink{row.values};
  rows::Write(tables::kBattery, b, sink);
  ASSERT_EQ(row.values.size(), tables::kBattery.kColumns);
  EXPECT_TRUE(row.IsNull(7));  // vin
  EXPECT_EQ(row.Int(11), 1);   // id_complete
  const domain::BatteryState back = rows::Read(tables::kBattery, row);
  EXPECT_EQ(back.code, b.code);
  EXPECT_EQ(back.producer, b.producer);
  EXPECT_EQ(back.vin, b.vin);
  EXPECT_EQ(back.produced_leaf, 7);
  EXPECT_TRUE(back.id_complete);
  EXPECT_EQ(back.serial, b.serial);
}

TEST(RowsCodecs, FindingRoundTripsAndRefusesDamage) {
  domain::Finding f;
  f.kind = "overdue_report";
  f.article = "24";
  f.party = "91110000";
  f.subject = "001";
  f.due = *Date::Parse("2026-03-01");
  f.evidence = {"a/1", "b/2"};
  f.authority = {"MIIT", "110000"};
  f.detail = "late";
  FakeRow row;
  FakeSink sink{row.values};
  rows::Write(tables::kFinding, f, sink);
  EXPECT_EQ(row.Text(4), "2026-03-01");
  auto back = rows::Read(tables::kFinding, row);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->due, f.due);
  EXPECT_EQ(back->evidence, f.evidence);
  EXPECT_EQ(back->authority, f.authority);

  row.values[4] = std::string("2026-02-30");  // no such day: damage, never a crash
  EXPECT_FALSE(rows::Read(tables::kFinding, row).ok());
  row.values[4] = std::monostate{};
  row.values[5] = std::string("[1");
  EXPECT_FALSE(rows::Read(tables::kFinding, row).ok());
}

// A report's body goes through the connection's BodyCodec both ways: raw while the store has no
// dictionary; a stored form that does not decode is Corruption naming the leaf.
TEST(RowsCodecs, ReportBodyGoesThroughTheBodyCodec) {
  common::BodyCodec bodies({}, [](int64_t) -> Result<std::optional<common::BodyDictionary>> {
    return std::optional<common::BodyDictionary>();
  });
  const std::string body = R"({"id":"r1","type":"battery.produced"})";
  const std::string reporter = "91110000", id = "r1", type = "battery.produced",
                    occurred = "2026-04-02";
  const Instant reported = 7;
  const ledger::Hash content{}, leaf_hash{};
  FakeRow row;
  FakeSink sink{row.values};
  rows::Write(
      tables::kReport,
      tables::NewReport{3, reporter, id, type, occurred, reported, content, leaf_hash, body}, sink,
      bodies);
  ASSERT_EQ(row.values.size(), tables::kReport.kColumns);
  EXPECT_EQ(row.Text(8), body);
  auto back = common::ReadReport(row, bodies);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->body, body);
  EXPECT_EQ(back->leaf_index, 3u);

  row.values[8] = std::string("\x01\x05garbage");
  back = common::ReadReport(row, bodies);
  EXPECT_EQ(back.status().code(), StatusCode::kCorruption);
  EXPECT_NE(back.status().message().find("leaf 3: "), std::string::npos)
      << back.status().ToString();
  EXPECT_NE(back.status().message().find("dictionary 5"), std::string::npos)
      << back.status().ToString();
}

TEST(RowsCodecs, ColumnListsAreTheDescriptionsNames) {
  EXPECT_STREQ(rows::kColumnsOf<tables::kOutlet>,
               "id, owner, division, closed, registered_at, closed_at");
  EXPECT_STREQ(rows::kColumnsOf<tables::kCheckpoint>, "size, created, note");
}

}  // namespace
}  // namespace battrace::store
