// What Excel writes into CSV files: the decoder (UTF-8, BOM, GB 18030), the full-width fold, the
// date styles and Excel serial days, scientific notation, header names, and the CSV reader
// applying them to a whole file.
#include "ingest/spreadsheet.h"

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "../domain/report_fixtures.h"
#include "domain/report.h"
#include "ingest/csv_reader.h"

namespace battrace::ingest {
namespace {

using battrace::testing::kPack1;
using battrace::testing::kPack2;
using battrace::testing::kRecycler;
using battrace::testing::kVehicleMaker;

// "电池" in GBK (the same bytes in GB 18030).
constexpr std::string_view kGbkBattery = "\xB5\xE7\xB3\xD8";

TEST(TextDecoder, AsciiLinesLeaveTheEncodingUndecided) {
  TextDecoder d;
  auto line = d.Decode("a,b,c", 1);
  ASSERT_TRUE(line.ok());
  EXPECT_EQ(*line, "a,b,c");
  EXPECT_EQ(d.encoding(), TextEncoding::kUndecided);
  EXPECT_EQ(TextEncodingName(d.encoding()), "ASCII");
}

TEST(TextDecoder, ValidUtf8DecidesUtf8) {
  TextDecoder d;
  auto line = d.Decode("电池,x", 1);
  ASSERT_TRUE(line.ok());
  EXPECT_EQ(*line, "电池,x");
  EXPECT_EQ(d.encoding(), TextEncoding::kUtf8);
  // GBK bytes later in a UTF-8 file are an error naming the line and byte.
  auto bad = d.Decode("ab," + std::string(kGbkBattery), 7);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().rule(), "csv.encoding");
  EXPECT_NE(bad.status().message().find("line 7, byte 4"), std::string::npos)
      << bad.status().message();
}

TEST(TextDecoder, ByteOrderMarkMeansUtf8) {
  TextDecoder d;
  d.SawBom();
  EXPECT_EQ(d.encoding(), TextEncoding::kUtf8Bom);
  auto bad = d.Decode(kGbkBattery, 1);  // not taken as GBK after a BOM
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().rule(), "csv.encoding");
}

TEST(TextDecoder, GbkIsConvertedToUtf8) {
  TextDecoder d;
  auto line = d.Decode("x," + std::string(kGbkBattery) + ",y", 1);
  ASSERT_TRUE(line.ok()) << line.status().ToString();
  EXPECT_EQ(*line, "x,电池,y");
  EXPECT_EQ(d.encoding(), TextEncoding::kGb18030);
  // A four-byte GB 18030 sequence: U+20000 is 95 32 82 36.
  auto four = d.Decode("\x95\x32\x82\x36", 2);
  ASSERT_TRUE(four.ok());
  EXPECT_EQ(*four, "\xF0\xA0\x80\x80");
}

TEST(TextDecoder, InvalidInBothNamesLineAndByte) {
  TextDecoder d;
  ASSERT_TRUE(d.Decode(kGbkBattery, 1).ok());
  // 0xFF is no lead byte in GB 18030 (nor in UTF-8).
  auto bad = d.Decode("abc\xFF", 3);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().rule(), "csv.encoding");
  EXPECT_NE(bad.status().message().find("line 3, byte 4"), std::string::npos)
      << bad.status().message();
  // A lead byte cut off at the end of the line.
  auto cut = d.Decode("ab\xB5", 4);
  ASSERT_FALSE(cut.ok());
  EXPECT_NE(cut.status().message().find("byte 3"), std::string::npos);
  // Undecided, invalid in both: the first line with high bytes fails outright.
  TextDecoder fresh;
  auto first = fresh.Decode("\xFF\xFF", 1);
  ASSERT_FALSE(first.ok());
  EXPECT_NE(first.status().message().find("byte 1"), std::string::npos);
}

TEST(InvalidUtf8At, FindsTheFirstBadByte) {
  EXPECT_EQ(InvalidUtf8At("abc"), 0u);
  EXPECT_EQ(InvalidUtf8At("电池"), 0u);
  EXPECT_EQ(InvalidUtf8At("a\xC0\x80"), 2u);       // overlong
  EXPECT_EQ(InvalidUtf8At("ab\xED\xA0\x80"), 3u);  // surrogate
  EXPECT_EQ(InvalidUtf8At("\xE7\x94"), 1u);        // truncated
}

TEST(FoldFullWidth, FoldsExactlyDigitsLettersAndTheIdeographicSpace) {
  EXPECT_EQ(FoldFullWidth("０１２３４５６７８９"), "0123456789");
  EXPECT_EQ(FoldFullWidth("ＡＢＺａｂｚ"), "ABZabz");
  EXPECT_EQ(FoldFullWidth("91\u3000350９"), "91 3509");
  // Neighbours of the folded ranges are kept: full-width '/', ':', '@', '[', '`', '{',
  // hyphen-minus, and other CJK text.
  for (std::string_view kept : {"／", "：", "＠", "［", "｀", "｛", "－", "电池", "\u3001"}) {
    EXPECT_EQ(FoldFullWidth(kept), kept);
  }
  EXPECT_EQ(FoldFullWidth("\xEF\xBC"), "\xEF\xBC");  // a cut-off sequence stays as it was
}

TEST(ClassOfColumn, IdentifierDateAndInstantColumns) {
  for (std::string_view id : {"reporter", "to", "from", "repairer", "vin", "code", "codes", "parts",
                              "origin_codes", "packs", "removed", "installed", "packs_present",
                              "division", "outlet.division", "report.vin", "gtin", "serial"}) {
    EXPECT_EQ(ClassOfColumn(id), ColumnClass::kIdentifier) << id;
  }
  EXPECT_EQ(ClassOfColumn("occurred"), ColumnClass::kDate);
  EXPECT_EQ(ClassOfColumn("report.occurred"), ColumnClass::kDate);
  EXPECT_EQ(ClassOfColumn("sale_date"), ColumnClass::kDate);
  EXPECT_EQ(ClassOfColumn("reported"), ColumnClass::kInstant);
  EXPECT_EQ(ClassOfColumn("measured"), ColumnClass::kInstant);
  for (std::string_view other : {"id", "model", "name", "station", "outlet", "outlet.id", "type"}) {
    EXPECT_EQ(ClassOfColumn(other), ColumnClass::kOther) << other;
  }
}

TEST(IsScientificNotation, WhatExcelShowsForLongNumbers) {
  for (std::string_view s :
       {"9.14602E+17", "1.23E+23", "1E+23", "9.1e+17", " 9.14602E+17 ", "1.5E-05"}) {
    EXPECT_TRUE(IsScientificNotation(s)) << s;
  }
  for (std::string_view s : {"91350900587527783P", "001PB240000003B3C0221956", "1E23", "E+17",
                             "9.E+17", "9.1E+", "9.1E+1234", "12.5E+3", "440305", ""}) {
    EXPECT_FALSE(IsScientificNotation(s)) << s;
  }
}

std::string DateOf(std::string_view cell) {
  auto r = SpreadsheetDate(cell);
  return r.ok() ? *r : "error " + r.status().rule();
}

// fn(input) == output for each case.
template <typename Fn>
void ExpectEach(Fn fn, std::initializer_list<std::pair<std::string_view, std::string_view>> cases) {
  for (const auto& [in, out] : cases)
    EXPECT_EQ(fn(in), out) << in;
}

// fn(input) == input for each.
template <typename Fn>
void ExpectUnchanged(Fn fn, std::initializer_list<std::string_view> inputs) {
  for (std::string_view in : inputs)
    EXPECT_EQ(fn(in), in) << in;
}

TEST(SpreadsheetDate, EveryStyleBecomesIsoDate) {
  // "2026/2/30" is no real day: normalized all the same, so that the report parser says
  // date.exists.
  ExpectEach(DateOf, {{"2026/7/1", "2026-07-01"},
                      {"2026-7-1", "2026-07-01"},
                      {"2026/07/01", "2026-07-01"},
                      {"2026-07-01", "2026-07-01"},
                      {"2026年7月1日", "2026-07-01"},
                      {"20260701", "2026-07-01"},
                      {" 2026/12/31 ", "2026-12-31"},
                      {"2026/2/30", "2026-02-30"}});
}

TEST(SpreadsheetDate, ExcelSerialDaysWithThe1900LeapYearBug) {
  ExpectEach(DateOf, {{"46204", "2026-07-01"},
                      {"1", "1900-01-01"},
                      {"59", "1900-02-28"},
                      {"61", "1900-03-01"},
                      {"25569", "1970-01-01"},
                      {"2958465", "9999-12-31"},
                      {"60", "error csv.excel_date"},
                      {"0", "error csv.excel_date"}});
}

TEST(SpreadsheetDate, OtherTextIsLeftForTheReportParser) {
  ExpectUnchanged(DateOf, {"2026/7/1/2", "2026-7/1", "7/1/2026", "2026年7月1", "3000000",
                           "202607011", "46204.5", "July 1", "", "2026/123/1"});
}

TEST(SpreadsheetInstant, ExcelDateTimesAreBeijingTime) {
  ExpectEach(SpreadsheetInstant, {{"2026/7/1 8:30", "2026-07-01T08:30:00+08:00"},
                                  {"2026-7-1 08:30:15", "2026-07-01T08:30:15+08:00"},
                                  {"2026年7月1日 23:05", "2026-07-01T23:05:00+08:00"}});
  ExpectUnchanged(SpreadsheetInstant, {"2026-07-01T08:30:00+08:00", "2026/7/1", "2026/7/1 8",
                                       "2026/7/18:30", "2026/7/1 8:30:", "2026/7/1 8:30 PM"});
}

TEST(CanonicalColumn, CaseSpacesAndUnderscores) {
  // Other spellings are not guessed: they stay unknown columns.
  ExpectEach(CanonicalColumn, {{" Reporter ", "reporter"},
                               {"REPORTER", "reporter"},
                               {"Sale Date", "sale_date"},
                               {"rated  capacity ah", "rated_capacity_ah"},
                               {"Materials.Li_kg", "materials.li_kg"},
                               {"\u3000VIN\u3000", "vin"},
                               {"occurred_at", "occurred_at"},
                               {"reporter-id", "reporter-id"}});
}

TEST(CanonicalColumn, ChineseTitles) {
  ExpectEach(CanonicalColumn, {{"报告类型", "type"},
                               {" 报送企业 ", "reporter"},
                               {"发生日期", "occurred"},
                               {"电池编码", "codes"},
                               {"接收方", "to"},
                               {"来源", "source"},
                               {"锂含量KG", "materials.li_kg"},
                               {"更正后车辆识别代号", "report.vin"},
                               {"更正后报告类型", "report.type"},
                               {"更正原因", "reason"}});
}

TEST(ChineseColumnTitles, EveryTitleNamesAFieldOnceAndIsDistinct) {
  std::vector<std::string> seen_titles;
  std::vector<std::string> seen_paths;
  for (const ColumnTitle& t : ChineseColumnTitles()) {
    bool field = false;
    for (size_t i = 0; i < kReportTypeCount; ++i) {
      field = field || FlatFieldOf(static_cast<ReportType>(i), std::nullopt, t.path).has_value();
    }
    EXPECT_TRUE(field) << t.path << " is no field of any report type";
    EXPECT_EQ(CanonicalColumn(t.title), t.path) << t.title;
    for (const std::string& s : seen_titles)
      EXPECT_NE(s, t.title);
    for (const std::string& s : seen_paths)
      EXPECT_NE(s, t.path);
    seen_titles.emplace_back(t.title);
    seen_paths.emplace_back(t.path);
  }
}

struct Row {
  size_t line;
  Result<Report> report;
};

std::vector<Row> ReadCsv(const std::string& text, TextEncoding* encoding = nullptr) {
  CsvReader reader(text, ParseOptions{});
  std::vector<Row> rows;
  while (auto rec = reader.Next())
    rows.push_back({rec->line_number, std::move(rec->report)});
  if (encoding) *encoding = reader.encoding();
  return rows;
}

// A battery.outbound as the GBK sheet of a Chinese-locale Excel has it: Chinese headers, CRLF,
// full-width digits in the USCC and a code, and each date style.
TEST(CsvReader, ReadsWhatExcelWrites) {
  const std::string header = "报告编号,报告类型,报送企业, 发生日期 ,电池编码,接收方,来源\r\n";
  const std::string reporter_fw = "９１４４０３００７０８４６１１３６Ｔ";          // kVehicleMaker
  const std::string code_fw = "００１ＰＢ２４００００００３Ｂ３Ｃ０２２１９５６";  // kPack1
  std::string utf8 = header;
  const std::vector<std::string> dates = {"2026/7/1", "2026-7-1", "2026年7月1日", "20260701",
                                          "46204"};
  for (size_t i = 0; i < dates.size(); ++i) {
    utf8 += "o" + std::to_string(i) + ",battery.outbound," + reporter_fw + "," + dates[i] + "," +
            code_fw + ";" + kPack2 + "," + kRecycler + ",repair\r\n";
  }
  utf8 += "s1,battery.outbound,9.14403E+17,2026/7/1," + std::string(kPack1) + "," + kRecycler +
          ",repair\r\n";
  utf8 += "s2,battery.outbound," + std::string(kVehicleMaker) + ",60," + kPack1 + ",1.23E+23" +
          ",repair\r\n";
  // The same file in GB 18030 (Chinese text only in the header and in the date style).
  std::string gbk;
  for (std::string_view line : {std::string_view(utf8)}) {
    iconv_t cd = iconv_open("GB18030", "UTF-8");
    ASSERT_NE(cd, reinterpret_cast<iconv_t>(-1));
    gbk.resize(line.size() * 2);
    char* in = const_cast<char*>(line.data());
    size_t in_left = line.size();
    char* out = gbk.data();
    size_t out_left = gbk.size();
    ASSERT_NE(iconv(cd, &in, &in_left, &out, &out_left), static_cast<size_t>(-1));
    gbk.resize(gbk.size() - out_left);
    iconv_close(cd);
  }
  ASSERT_NE(gbk, utf8);
  for (const std::string& file : {gbk, "\xEF\xBB\xBF" + utf8}) {
    TextEncoding encoding{};
    std::vector<Row> rows = ReadCsv(file, &encoding);
    EXPECT_EQ(encoding, file == gbk ? TextEncoding::kGb18030 : TextEncoding::kUtf8Bom);
    ASSERT_EQ(rows.size(), 7u);
    for (size_t i = 0; i < 5; ++i) {
      ASSERT_TRUE(rows[i].report.ok()) << i << ": " << rows[i].report.status().ToString();
      EXPECT_EQ(rows[i].line, i + 2);
      EXPECT_EQ(rows[i].report->reporter.str(), kVehicleMaker);
      EXPECT_EQ(rows[i].report->occurred.ToString(), "2026-07-01");
      const auto& out = std::get<BatteryOutbound>(rows[i].report->body);
      EXPECT_EQ(out.codes[0].code.str(), kPack1);
    }
    EXPECT_EQ(rows[5].report.status().rule(), "csv.scientific_notation");
    EXPECT_EQ(rows[5].report.status().field(), "reporter");
    EXPECT_NE(rows[5].report.status().message().find("format the column as Text"),
              std::string::npos);
    // The first error of the row: the Excel serial 60 comes before the "to" column.
    EXPECT_EQ(rows[6].report.status().rule(), "csv.excel_date");
    EXPECT_EQ(rows[6].report.status().field(), "occurred");
  }
}

TEST(CsvReader, HeaderNamesTheSameFieldTwice) {
  auto rows = ReadCsv("type,Reporter,报送企业\nbattery.outbound,x,y\n");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].report.status().rule(), "csv.header");
  EXPECT_EQ(rows[0].report.status().field(), "reporter");
}

TEST(CsvReader, UndecodableRowIsRejectedAndTheRestRead) {
  const auto row = [](std::string_view id, std::string_view reporter) {
    return std::string(id) + ",battery.outbound," + std::string(reporter) + ",2026-07-01," +
           kPack1 + "," + kRecycler + ",repair\n";
  };
  const std::string text = "id,type,reporter,occurred,codes,to,source\n" +
                           row("o1", kVehicleMaker) + row("o2", "\xFF\xFE") +
                           row("o3", kVehicleMaker);
  auto rows = ReadCsv(text);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_TRUE(rows[0].report.ok()) << rows[0].report.status().ToString();
  EXPECT_EQ(rows[1].report.status().rule(), "csv.encoding");
  EXPECT_NE(rows[1].report.status().message().find("line 3, byte 21"), std::string::npos)
      << rows[1].report.status().message();
  EXPECT_TRUE(rows[2].report.ok()) << rows[2].report.status().ToString();
}

}  // namespace
}  // namespace battrace::ingest
