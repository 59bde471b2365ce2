// The CSV downloads' cells (server/csv_export.h); the cursors: tests/unit/store/cursor_test.cc.
#include "server/csv_export.h"

#include <gtest/gtest.h>

namespace battrace::server {
namespace {

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
