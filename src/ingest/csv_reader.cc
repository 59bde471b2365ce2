// CSV report files: records from LineSource, cells per RFC 4180, each row written as the
// report's JSON (using the report schema's field kinds) and parsed by ParseReport.
#include "ingest/csv_reader.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "ingest/spreadsheet.h"

namespace battrace::ingest {
namespace {

using nlohmann::json;

bool IsBlank(std::string_view line) {
  return line.find_first_not_of(" \t") == std::string_view::npos;
}

std::vector<std::string_view> Split(std::string_view text, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    const size_t end = text.find(sep, start);
    parts.push_back(text.substr(start, end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

// A scalar cell as JSON of `kind`. A cell that is not of that kind stays a string, so that
// ParseReport names the wrong type at the right pointer.
json Scalar(std::string_view cell, FieldKind kind) {
  if (kind == FieldKind::kNumber) {
    json number = json::parse(cell, nullptr, false);
    if (number.is_number()) return number;
  } else if (kind == FieldKind::kBool && (cell == "true" || cell == "false")) {
    return cell == "true";
  }
  return std::string(cell);
}

// The cell of column `flat` as JSON.
json CellJson(std::string_view cell, const FlatField& flat) {
  if (flat.kind != FieldKind::kStringList && flat.kind != FieldKind::kObjectList) {
    return Scalar(cell, flat.kind);
  }
  json list = json::array();
  if (cell.empty()) return list;
  for (std::string_view entry : Split(cell, ';')) {
    if (flat.kind == FieldKind::kStringList) {
      list.push_back(std::string(entry));
      continue;
    }
    // "a:b": the last fields are split off from the right, so the first (a name) may hold ':'.
    // An empty part leaves its field out, as an empty cell does ("graphite::::anode").
    json object = json::object();
    for (size_t i = flat.entry_fields.size(); i-- > 0;) {
      const size_t colon = i == 0 ? std::string_view::npos : entry.rfind(':');
      const std::string_view part =
          colon == std::string_view::npos ? entry : entry.substr(colon + 1);
      const auto& [name, kind] = flat.entry_fields[i];
      if (!part.empty()) object[std::string(name)] = Scalar(part, kind);
      if (colon == std::string_view::npos) break;
      entry = entry.substr(0, colon);
    }
    list.push_back(std::move(object));
  }
  return list;
}

// Places `value` at dotted path `dotted` of *root; false when another column already put
// something there or above it ("outlet" beside "outlet.id").
bool Put(json* root, std::string_view dotted, json value) {
  json* at = root;
  for (std::string_view segment : Split(dotted, '.')) {
    if (!at->is_null() && !at->is_object()) return false;
    at = &(*at)[std::string(segment)];
  }
  if (!at->is_null()) return false;
  *at = std::move(value);
  return true;
}

// The column a JSON pointer falls in: its segments up to the first array index, joined by '.'
// ("/codes/3" -> "codes", "/report/materials/li_kg" -> "report.materials.li_kg").
std::string ColumnOf(std::string_view pointer) {
  std::string column;
  if (pointer.empty()) return column;
  for (std::string_view segment : Split(pointer.substr(1), '/')) {
    if (!segment.empty() &&
        std::all_of(segment.begin(), segment.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      break;
    }
    if (!column.empty()) column += '.';
    for (size_t i = 0; i < segment.size(); ++i) {
      if (segment[i] == '~' && i + 1 < segment.size()) {
        column += segment[++i] == '1' ? '/' : '~';
      } else {
        column += segment[i];
      }
    }
  }
  return column;
}

// Repairs what a spreadsheet did to a cell of an identifier or date column (spreadsheet.h):
// full-width characters folded, dates in YYYY-MM-DD; a number in scientific notation refused.
Status RepairCell(const std::string& column, ColumnClass kind, std::string* cell) {
  if (kind == ColumnClass::kOther || cell->empty()) return Status::Ok();
  *cell = FoldFullWidth(*cell);
  switch (kind) {
    case ColumnClass::kIdentifier:
      for (std::string_view entry : Split(*cell, ';')) {
        if (IsScientificNotation(entry)) {
          return Status::Invalid(
              column, "csv.scientific_notation",
              "\"" + std::string(entry) +
                  "\" is a number in scientific notation, not a code: Excel turned the column "
                  "into a number: format the column as Text and re-enter or re-export the values");
        }
      }
      break;
    case ColumnClass::kDate: {
      auto date = SpreadsheetDate(*cell);
      if (!date.ok()) return Status::Invalid(column, date.status().rule(), date.status().message());
      *cell = std::move(date).value();
      break;
    }
    case ColumnClass::kInstant:
      *cell = SpreadsheetInstant(*cell);
      break;
    case ColumnClass::kOther:
      break;
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<std::string>> SplitCsvRecord(std::string_view record) {
  std::vector<std::string> cells(1);
  size_t i = 0;
  while (i <= record.size()) {
    std::string& cell = cells.back();
    if (i < record.size() && record[i] == '"') {
      ++i;
      while (true) {
        if (i >= record.size()) {
          return Status::Invalid("", "csv.quote", "unterminated quoted cell");
        }
        if (record[i] == '"') {
          if (i + 1 < record.size() && record[i + 1] == '"') {
            cell += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        cell += record[i++];
      }
      if (i < record.size() && record[i] != ',') {
        return Status::Invalid(
            "", "csv.quote",
            "text after the closing quote of cell " + std::to_string(cells.size()));
      }
    } else {
      const size_t end = std::min(record.find(',', i), record.size());
      const std::string_view text = record.substr(i, end - i);
      if (text.find('"') != std::string_view::npos) {
        return Status::Invalid("", "csv.quote",
                               "a quote inside unquoted cell " + std::to_string(cells.size()));
      }
      cell.assign(text);
      i = end;
    }
    if (i >= record.size()) break;
    ++i;  // the comma
    cells.emplace_back();
  }
  return cells;
}

CsvReader::CsvReader(std::istream& in, ParseOptions options)
    : lines_(in, kMaxReportBytes), options_(options) {}

CsvReader::CsvReader(std::string_view buffer, ParseOptions options)
    : lines_(buffer, kMaxReportBytes), options_(options) {}

CsvReader::CsvReader(std::string_view buffer, ParseOptions options, ReportType type)
    : lines_(buffer, kMaxReportBytes), options_(options), type_(type) {}

bool CsvReader::NextRecord(size_t* line_number, Status* error) {
  LineSource::Line line;
  do {
    if (!lines_.Next(&line)) return false;
  } while (!line.too_long && IsBlank(line.text));
  if (lines_.bom()) decoder_.SawBom();
  *line_number = line.number;
  record_.clear();
  // Appends the line in UTF-8 (as read, when it cannot be decoded: its quotes still count, as
  // no multi-byte character of either encoding holds a quote byte).
  const auto append = [&] {
    if (line.too_long) {
      record_.append(line.text);
      return;
    }
    auto decoded = decoder_.Decode(line.text, line.number);
    if (decoded.ok()) {
      record_.append(*decoded);
    } else {
      if (error->ok()) *error = decoded.status();
      record_.append(line.text);
    }
  };
  append();
  size_t quotes = std::count(record_.begin(), record_.end(), '"');
  while (!line.too_long && quotes % 2 == 1) {
    if (!lines_.Next(&line)) {
      *error = Status::Invalid("", "csv.quote", "unterminated quoted cell at the end of input");
      return true;
    }
    record_ += '\n';
    const size_t from = record_.size();
    append();
    quotes += std::count(record_.begin() + static_cast<std::ptrdiff_t>(from), record_.end(), '"');
  }
  if (line.too_long || record_.size() > kMaxReportBytes) {
    *error = Status::Invalid("", "ingest.line_too_long",
                             "record longer than " + std::to_string(kMaxReportBytes) + " bytes");
  }
  return true;
}

Status CsvReader::ReadHeader(size_t line_number) {
  auto cells = SplitCsvRecord(record_);
  if (!cells.ok()) return cells.status();
  header_ = record_;
  columns_.clear();
  for (size_t i = 0; i < cells->size(); ++i) {
    const std::string& name = (*cells)[i];
    columns_.push_back(CanonicalColumn(name));
    if (columns_[i].empty()) {
      return Status::Invalid("", "csv.header", "column " + std::to_string(i + 1) + " has no name");
    }
    for (size_t j = 0; j < i; ++j) {
      if (columns_[j] == columns_[i]) {
        return Status::Invalid(columns_[i], "csv.header",
                               "column \"" + name + "\" (" + columns_[i] +
                                   ") appears twice: as column " + std::to_string(j + 1) + " (\"" +
                                   (*cells)[j] + "\") and " + std::to_string(i + 1));
      }
    }
    classes_.push_back(ClassOfColumn(columns_[i]));
  }
  if (!type_ && std::find(columns_.begin(), columns_.end(), "type") == columns_.end()) {
    return Status::Invalid(
        "type", "csv.header",
        "no \"type\" (报告类型) column in the header on line " + std::to_string(line_number));
  }
  return Status::Ok();
}

std::optional<ImportRecord> CsvReader::Next() {
  if (done_) return std::nullopt;
  size_t line_number = 0;
  Status error;
  if (!header_read_) {
    header_read_ = true;
    if (!NextRecord(&line_number, &error)) {
      done_ = true;
      return std::nullopt;
    }
    if (error.ok()) error = ReadHeader(line_number);
    if (!error.ok()) {
      done_ = true;
      return ImportRecord{line_number, record_, error};
    }
  }
  if (!NextRecord(&line_number, &error)) return std::nullopt;
  if (!error.ok()) return ImportRecord{line_number, record_, error};
  auto cells = SplitCsvRecord(record_);
  if (!cells.ok()) return ImportRecord{line_number, record_, cells.status()};
  if (cells->size() != columns_.size()) {
    return ImportRecord{line_number, record_,
                        Status::Invalid("", "csv.columns",
                                        std::to_string(cells->size()) + " cells; the header has " +
                                            std::to_string(columns_.size()))};
  }
  return ImportRecord{line_number, record_, ParseRow(*cells)};
}

Result<Report> CsvReader::ParseRow(std::vector<std::string>& cells) const {
  for (size_t i = 0; i < cells.size(); ++i) {
    BATTRACE_RETURN_IF_ERROR(RepairCell(columns_[i], classes_[i], &cells[i]));
  }
  auto cell_of = [&](std::string_view column) -> std::string_view {
    const auto it = std::find(columns_.begin(), columns_.end(), column);
    return it == columns_.end() ? std::string_view() : cells[it - columns_.begin()];
  };
  std::string_view type_name = cell_of("type");
  if (type_) {
    const std::string_view expected = ReportTypeName(*type_);
    if (!type_name.empty() && type_name != expected) {
      return Status::Invalid("type", "csv.type",
                             "the row is a \"" + std::string(type_name) +
                                 "\" report in a file of \"" + std::string(expected) +
                                 "\" reports");
    }
    type_name = expected;
  }
  const std::optional<ReportType> type = ReportTypeFromName(type_name);
  const std::optional<ReportType> nested = ReportTypeFromName(cell_of("report.type"));
  json row = json::object();
  if (type_) row["type"] = std::string(type_name);
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (type_ && columns_[i] == "type") continue;  // placed above
    const std::optional<FlatField> flat =
        type ? FlatFieldOf(*type, nested, columns_[i]) : std::nullopt;
    bool placed = true;
    if (flat) {
      const bool list =
          flat->kind == FieldKind::kStringList || flat->kind == FieldKind::kObjectList;
      if (!cells[i].empty() || list) placed = Put(&row, columns_[i], CellJson(cells[i], *flat));
    } else if (!cells[i].empty()) {
      placed = Put(&row, columns_[i], cells[i]);  // not a field of this type: ParseReport names it
    }
    if (!placed) {
      return Status::Invalid(columns_[i], "csv.columns",
                             "overlaps another column's value (an object and one of its fields)");
    }
  }
  std::string text;
  try {
    text = row.dump();
  } catch (const json::exception&) {
    return Status::Invalid("", "csv.encoding", "the record is not valid UTF-8");
  }
  auto report = ParseReport(text, options_);
  if (report.ok()) return report;
  const Status& s = report.status();
  const std::string column = ColumnOf(s.field());
  std::string message = s.message();
  if (!s.field().empty()) message += " (at " + s.field() + ")";
  return Status::Invalid(column, s.rule(), std::move(message));
}

}  // namespace battrace::ingest
