// Reads CSV report files exported from spreadsheets (`battrace import`): a header row naming
// the fields, then one report per record, each turned into the report's JSON and parsed by
// ParseReport, the one validation path.
//
// RFC 4180 quoting (a quoted cell may hold commas, doubled quotes and line breaks). Column names
// are the fields' dotted paths: "materials.li_kg", "outlet.id", "document.uri", and for a
// correction "report.<field>"; case, surrounding spaces and a space for '_' do not matter, and
// each field also has one Chinese title (spreadsheet.h). An empty cell is an absent field,
// except in a list column, where it is the empty list. List cells separate entries with ';';
// an entry of a list of objects holds its fields in order, separated by ':' (`products`:
// "material:mass_kg"; `materials`: "name:cas:mass_kg:critical:component"), an empty part
// leaving an optional field out; only the first field may itself hold ':'. Errors name the record's
// line and, as the Status field, the column ("codes"); the message ends with the exact JSON pointer
// ("(at /codes/3)"). What Excel writes is read too (spreadsheet.h): UTF-8 with or without a byte
// order mark or GB 18030 (GBK), full-width digits and letters in identifier and date columns, dates
// in Excel's styles; a code Excel turned into a number in scientific notation is refused. Rules of
// the file itself: csv.header, csv.columns, csv.quote, csv.encoding, csv.scientific_notation,
// csv.excel_date, ingest.line_too_long.
//
// A reader may be told the report type of the whole file (POST /v1/reports?type=, for a
// spreadsheet of one type): the "type" column may then be left out, and a row whose type cell
// names another type is refused (rule csv.type); an empty cell takes the file's type.
#pragma once

#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "domain/report.h"
#include "ingest/import_record.h"
#include "ingest/line_source.h"
#include "ingest/spreadsheet.h"

namespace battrace::ingest {

class CsvReader {
 public:
  // REQUIRES: `in` (or the bytes of `buffer`) outlives the reader.
  CsvReader(std::istream& in, ParseOptions options);
  CsvReader(std::string_view buffer, ParseOptions options);
  // A file of reports of `type` (above).
  CsvReader(std::string_view buffer, ParseOptions options, ReportType type);

  // The next record, parsed; nullopt at the end of input, on a read error (see status()), or
  // after a bad header (which is itself returned once, as a failed record at its line).
  std::optional<ImportRecord> Next();
  Status status() const { return lines_.status(); }
  // The encoding the file is read in (decided by its first line that is not ASCII).
  TextEncoding encoding() const { return decoder_.encoding(); }
  // The header record as read (UTF-8); empty before the first Next.
  const std::string& header() const { return header_; }

 private:
  // Assembles the next non-blank record into record_; false at the end of input. On failure
  // *error holds why (an unterminated quote, a line too long).
  bool NextRecord(size_t* line_number, Status* error);
  Status ReadHeader(size_t line_number);
  Result<Report> ParseRow(std::vector<std::string>& cells) const;

  LineSource lines_;
  ParseOptions options_;
  std::optional<ReportType> type_;  // the file's report type, when the caller gave one
  std::string record_;
  TextDecoder decoder_;
  std::string header_;
  std::vector<std::string> columns_;  // the fields' dotted paths (CanonicalColumn)
  std::vector<ColumnClass> classes_;
  bool header_read_ = false;
  bool done_ = false;
};

// Splits one CSV record (RFC 4180) into its cells. Rule csv.quote for a quote inside an
// unquoted cell, text after a closing quote, or an unterminated quoted cell.
Result<std::vector<std::string>> SplitCsvRecord(std::string_view record);

}  // namespace battrace::ingest
