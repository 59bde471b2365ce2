// The paged lists' parts: cursors, CSV cells.
#include <gtest/gtest.h>

#include "server/csv_export.h"
#include "server/cursor.h"

namespace battrace::server {
namespace {

TEST(Cursor, RoundTripsTheKeyOfItsQuery) {
  const store::SortKey key = {"late_report", "91350900587527783P", "001PE24…", "", "ab12"};
  const std::string cursor = EncodeCursor("findings\n2026-10-31", key);
  EXPECT_EQ(
      cursor.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
      std::string::npos);
  auto back = DecodeCursor("findings\n2026-10-31", cursor, key.size());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, key);
}

TEST(Cursor, RefusesAnotherQueryATamperedCursorAndJunk) {
  const store::SortKey key = {"2026-09-30", "91350900587527783P", "V1", "overdue_report", "24",
                              "x/1"};
  const std::string cursor = EncodeCursor("obligations\n2026-10-31", key);
  const auto refused = [](const Result<store::SortKey>& r) {
    return !r.ok() && r.status().rule() == "query.cursor" && r.status().field() == "cursor";
  };
  EXPECT_TRUE(refused(DecodeCursor("obligations\n2026-11-30", cursor, key.size())));
  EXPECT_TRUE(refused(DecodeCursor("obligations\n2026-10-31", cursor, key.size() - 1)));
  for (size_t i = 0; i < cursor.size(); ++i) {
    std::string bad = cursor;
    bad[i] = bad[i] == 'A' ? 'B' : 'A';
    EXPECT_TRUE(refused(DecodeCursor("obligations\n2026-10-31", bad, key.size()))) << i;
  }
  for (const char* junk : {"", "=", "abc", "!!!!", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}) {
    EXPECT_TRUE(refused(DecodeCursor("obligations\n2026-10-31", junk, key.size()))) << junk;
  }
  EXPECT_TRUE(refused(
      DecodeCursor("obligations\n2026-10-31", cursor.substr(0, cursor.size() - 2), key.size())));
}

TEST(CsvExport, NeutralisesFormulasAndQuotes) {
  EXPECT_EQ(CsvCell("plain"), "plain");
  EXPECT_EQ(CsvCell(""), "");
  EXPECT_EQ(CsvCell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
  EXPECT_EQ(CsvCell("+1"), "'+1");
  EXPECT_EQ(CsvCell("-2"), "'-2");
  EXPECT_EQ(CsvCell("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(CsvCell("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvCell("line\nbreak"), "\"line\nbreak\"");
  EXPECT_EQ(CsvCell("某回收企业"), "某回收企业");
  EXPECT_EQ(CsvCell("2026-09-30"), "2026-09-30");
  std::string out;
  AppendCsvRow(out, {"a", "=b", "c\"d"});
  EXPECT_EQ(out, "a,'=b,\"c\"\"d\"\r\n");
}

}  // namespace
}  // namespace battrace::server
