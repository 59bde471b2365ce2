// CSV downloads of the lists (docs/api.md, "CSV"): RFC 4180 text in UTF-8 behind a byte order
// mark, so that Excel reads the Chinese, with CRLF line ends.
#ifndef BATTRACE_SERVER_CSV_EXPORT_H_
#define BATTRACE_SERVER_CSV_EXPORT_H_

#include <string>
#include <string_view>
#include <vector>

namespace battrace::server {

// The UTF-8 byte order mark that starts a download.
inline constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// One cell: a cell beginning with = + - @ (or a tab or carriage return) is prefixed with an
// apostrophe, so a spreadsheet shows it as text instead of running it as a formula; a cell
// holding a comma, a double quote or a line break is quoted, its quotes doubled.
std::string CsvCell(std::string_view text);
// Appends one record of `cells` and its CRLF to `out`.
void AppendCsvRow(std::string& out, const std::vector<std::string>& cells);

}  // namespace battrace::server

#endif  // BATTRACE_SERVER_CSV_EXPORT_H_
