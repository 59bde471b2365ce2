// What spreadsheets write into CSV files, made into what the report parser reads: the CSV
// reader's layer between a file's bytes and the report's JSON (docs/report-format.md, "CSV
// files"). Private to src/ingest.
//
// - Encodings: UTF-8 (with or without a byte order mark) or GB 18030 (which contains GBK, what
//   Excel writes on a Chinese-locale machine), decided once per file (TextDecoder).
// - Header names: case, surrounding spaces and space-for-underscore differences, and one
//   Chinese column title per field (CanonicalColumn, kChineseColumns).
// - Cells of identifier and date columns: full-width digits and letters and the ideographic
//   space folded to ASCII (FoldFullWidth); a number Excel wrote in scientific notation refused
//   (rule csv.scientific_notation); dates in the styles Excel writes turned into YYYY-MM-DD
//   (SpreadsheetDate, rule csv.excel_date), date-times into RFC 3339 Beijing time
//   (SpreadsheetInstant).
#pragma once

#include <iconv.h>

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/status.h"

namespace battrace::ingest {

enum class TextEncoding { kUndecided, kUtf8, kUtf8Bom, kGb18030 };

// "UTF-8", "UTF-8 with BOM", "GB18030" ("ASCII" while undecided: no byte above 0x7F seen).
std::string_view TextEncodingName(TextEncoding encoding);

// Converts the lines of one file to UTF-8. The file's encoding is decided by the byte order
// mark, else by the first line holding a byte above 0x7F: UTF-8 when that line is valid UTF-8,
// else GB 18030 when it is valid GB 18030. Every later line is read in that encoding. (Line
// ends, commas and quotes are single bytes in both, so lines can be split before decoding.)
class TextDecoder {
 public:
  TextDecoder() = default;
  ~TextDecoder();
  TextDecoder(const TextDecoder&) = delete;
  TextDecoder& operator=(const TextDecoder&) = delete;

  // The line in UTF-8, or csv.encoding naming the 1-based byte of the line where decoding
  // failed. `line_number` is for the message only.
  Result<std::string_view> Decode(std::string_view line, size_t line_number);
  // The file began with a UTF-8 byte order mark: it is UTF-8. Before the first Decode.
  void SawBom();
  TextEncoding encoding() const { return encoding_; }

 private:
  TextEncoding encoding_ = TextEncoding::kUndecided;
  iconv_t gb18030_ = nullptr;  // open once the file is found to be GB 18030
  std::string out_;
};

// The 1-based byte where `text` stops being UTF-8, or 0 when it is valid UTF-8.
size_t InvalidUtf8At(std::string_view text);

// Folds exactly the full-width digits U+FF10-FF19, letters U+FF21-FF3A and U+FF41-FF5A to
// their ASCII forms and the ideographic space U+3000 to a space; everything else is kept.
std::string FoldFullWidth(std::string_view text);

// What a column holds, as far as spreadsheet repairs go.
enum class ColumnClass { kOther, kIdentifier, kDate, kInstant };
// By the column's dotted path ("codes", "report.vin", "outlet.division", "occurred").
ColumnClass ClassOfColumn(std::string_view path);

// True for a number as Excel shows it in scientific notation: "9.14602E+17", "1E+23"
// (digit, optional fraction, E or e, sign, 1-3 digits).
bool IsScientificNotation(std::string_view cell);

// A date cell in YYYY-MM-DD: "2026/7/1", "2026-7-1", "2026年7月1日", "20260701" and an Excel
// serial day number ("46204": the 1900 date system, serial 1 = 1900-01-01; serial 60 is the
// 1900-02-29 that never was, refused; days from 61 on are one less than Excel counts). Text in
// no such style comes back unchanged (the report parser then names its rule); csv.excel_date
// for serial 0 and 60. Spaces around the text are dropped.
Result<std::string> SpreadsheetDate(std::string_view cell);

// An instant cell: "2026/7/1 8:30" (or with seconds, any date style of SpreadsheetDate but the
// serial) is Beijing time, given as "2026-07-01T08:30:00+08:00"; other text comes back
// unchanged.
std::string SpreadsheetInstant(std::string_view cell);

// A header cell as the dotted path it names: a Chinese column title's path; otherwise the name
// with surrounding spaces dropped, ASCII letters in lower case and each run of spaces as one
// '_' (" Rated Capacity Ah " -> "rated_capacity_ah"). A correction's nested fields are the
// title after the prefix 更正后 ("更正后车辆识别代号" -> "report.vin").
std::string CanonicalColumn(std::string_view header);

struct ColumnTitle {
  std::string_view path;   // "reporter", "materials.li_kg"
  std::string_view title;  // "报送企业"
};
// One Chinese title per field's dotted path; the table published in docs/report-format.md.
std::span<const ColumnTitle> ChineseColumnTitles();
inline constexpr std::string_view kCorrectedPrefix = "更正后";

}  // namespace battrace::ingest
