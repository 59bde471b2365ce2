#include "ingest/source.h"

#include <sys/stat.h>

#include <fstream>
#include <iostream>

#include "ingest/csv_reader.h"
#include "ingest/line_source.h"
#include "ingest/ndjson_reader.h"

namespace battrace::ingest {
namespace {

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Adapts a record reader (NdjsonReader or CsvReader) to batches of Items.
template <typename Reader>
class ReaderSource : public Source {
 public:
  ReaderSource(std::unique_ptr<std::istream> owned, std::istream& in, const ParseOptions& options)
      : owned_(std::move(owned)), in_(in), reader_(in, options) {}

  std::vector<Item> Next(size_t max) override {
    std::vector<Item> out;
    while (out.size() < max) {
      std::optional<ImportRecord> record = reader_.Next();
      if (!record) break;
      Item item{record->line_number, {}, std::move(record->report), std::move(record->registry)};
      if (!item.report.ok() && !item.registry) item.raw = std::string(record->raw.substr(0, 4096));
      out.push_back(std::move(item));
    }
    return out;
  }
  uint64_t BytesRead() const override {
    const auto pos = owned_ ? in_.tellg() : std::streampos(-1);
    return pos < 0 ? 0 : static_cast<uint64_t>(pos);
  }
  Status status() const override { return reader_.status(); }

 private:
  std::unique_ptr<std::istream> owned_;
  std::istream& in_;
  Reader reader_;
};

}  // namespace

Result<std::vector<std::pair<uint64_t, Result<RegistryRecord>>>> ReadRegistry(
    const std::string& path) {
  std::ifstream file;
  if (path != "-") {
    file.open(path, std::ios::binary);
    if (!file) return Status::IOError("cannot open " + path);
  }
  LineSource lines(path == "-" ? std::cin : file, kMaxReportBytes);
  std::vector<std::pair<uint64_t, Result<RegistryRecord>>> out;
  LineSource::Line line;
  while (lines.Next(&line)) {
    if (line.text.find_first_not_of(" \t") == std::string_view::npos) continue;
    out.emplace_back(line.number, line.too_long
                                      ? Result<RegistryRecord>(Status::Invalid(
                                            "", "ingest.line_too_long", "line is too long"))
                                      : ParseRegistryRecord(line.text));
  }
  BATTRACE_RETURN_IF_ERROR(lines.status());
  return out;
}

uint64_t SourceSize(const std::string& path) {
  struct stat st {};
  if (path == "-" || stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return 0;
  return static_cast<uint64_t>(st.st_size);
}

Result<std::unique_ptr<Source>> OpenSource(const std::string& path, const ParseOptions& options) {
  std::unique_ptr<std::istream> owned;
  std::istream* in = &std::cin;
  if (path != "-") {
    auto file = std::make_unique<std::ifstream>(path, std::ios::binary);
    if (!*file) return Status::IOError("cannot open " + path);
    in = file.get();
    owned = std::move(file);
  }
  if (EndsWith(path, ".csv")) {
    return std::unique_ptr<Source>(new ReaderSource<CsvReader>(std::move(owned), *in, options));
  }
  return std::unique_ptr<Source>(new ReaderSource<NdjsonReader>(std::move(owned), *in, options));
}

}  // namespace battrace::ingest
