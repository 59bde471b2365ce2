#include "ingest/source.h"

#include <simdjson.h>
#include <sys/stat.h>

#include <fstream>
#include <iostream>
#include <iterator>
#include <type_traits>

#include "ingest/csv_reader.h"
#include "ingest/epcis_source.h"
#include "ingest/line_source.h"
#include "ingest/ndjson_reader.h"

namespace battrace::ingest {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// Adapts a record reader (NdjsonReader or CsvReader) to batches of Items. It reads a stream, or
// a buffer it owns (input that was sniffed).
template <typename Reader>
class ReaderSource : public Source {
 public:
  ReaderSource(std::unique_ptr<std::istream> owned, std::istream& in, const ParseOptions& options)
      : owned_(std::move(owned)), in_(&in), reader_(in, options) {}
  ReaderSource(std::string buffer, const ParseOptions& options)
      : buffer_(std::move(buffer)), reader_(std::string_view(buffer_), options) {}

  std::vector<Item> Next(size_t max) override {
    std::vector<Item> out;
    while (out.size() < max) {
      std::optional<ImportRecord> record = reader_.Next();
      if (!record) break;
      Item item{record->line_number, {}, std::move(record->report), std::move(record->registry)};
      // Kept whole (a record is at most 1 MiB) for every report, so that a reject found on
      // commit can be written back for correction too.
      if (!item.registry) item.raw = std::string(record->raw);
      out.push_back(std::move(item));
    }
    return out;
  }
  uint64_t BytesRead() const override {
    const auto pos = owned_ ? in_->tellg() : std::streampos(-1);
    return pos < 0 ? 0 : static_cast<uint64_t>(pos);
  }
  Status status() const override { return reader_.status(); }
  std::string_view FormatName() const override {
    if constexpr (std::is_same_v<Reader, CsvReader>) return "CSV";
    return "NDJSON";
  }
  std::string_view EncodingName() const override {
    if constexpr (std::is_same_v<Reader, CsvReader>) return TextEncodingName(reader_.encoding());
    return "UTF-8";
  }
  std::string_view Header() const override {
    if constexpr (std::is_same_v<Reader, CsvReader>) return reader_.header();
    return {};
  }

 private:
  std::string buffer_;
  std::unique_ptr<std::istream> owned_;
  std::istream* in_ = nullptr;
  Reader reader_;
};

// A JSON array of reports, taken whole: every element is one Item (line = its 1-based index),
// all returned by the first Next.
class JsonArraySource : public Source {
 public:
  explicit JsonArraySource(std::string text, const ParseOptions& options)
      : text_(std::move(text)), options_(options) {}

  std::vector<Item> Next(size_t /*max*/) override {
    std::vector<Item> items;
    if (done_) return items;
    done_ = true;
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    simdjson::dom::array array;
    std::string_view text = text_;
    if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
    if (auto err = parser.parse(text.data(), text.size()).get(root); err) {
      status_ = Status::Invalid(
          "", "report.json", std::string("the file is not JSON: ") + simdjson::error_message(err));
      return items;
    }
    if (root.get_array().get(array)) {
      status_ = Status::Invalid("", "report.json", "a JSON file must hold one array of reports");
      return items;
    }
    for (simdjson::dom::element e : array) {
      Item item;
      item.line = items.size() + 1;
      std::string element = simdjson::minify(e);
      item.report = ParseReport(element, options_);
      item.raw = std::move(element);
      items.push_back(std::move(item));
    }
    return items;
  }
  uint64_t BytesRead() const override { return done_ ? text_.size() : 0; }
  Status status() const override { return status_; }
  std::string_view FormatName() const override { return "JSON"; }
  std::string_view EncodingName() const override { return "UTF-8"; }
  bool AllOrNothing() const override { return true; }

 private:
  std::string text_;
  ParseOptions options_;
  bool done_ = false;
  Status status_;
};

// What a file holds, by its first byte that is not white space (after a byte order mark).
Format Sniff(std::string_view text) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  const size_t at = text.find_first_not_of(" \t\r\n");
  if (at == std::string_view::npos) return Format::kNdjson;
  if (text[at] == '[') return Format::kJson;
  if (text[at] == '{') return Format::kNdjson;
  return Format::kCsv;
}

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

std::optional<Format> FormatFromName(std::string_view name) {
  if (name == "csv") return Format::kCsv;
  if (name == "ndjson") return Format::kNdjson;
  if (name == "json") return Format::kJson;
  return std::nullopt;
}

Format FormatOfPath(const std::string& path) {
  const size_t dot = path.rfind('.');
  const size_t slash = path.rfind('/');
  if (path == "-" || dot == std::string::npos || (slash != std::string::npos && dot < slash)) {
    return path == "-" ? Format::kAuto : Format::kNdjson;
  }
  const std::string ext = Lower(std::string_view(path).substr(dot + 1));
  if (ext == "csv") return Format::kCsv;
  if (ext == "json") return Format::kJson;
  if (ext == "txt" || ext == "xml" || ext == "jsonld") return Format::kAuto;
  return Format::kNdjson;
}

Result<std::unique_ptr<Source>> OpenSource(const std::string& path, const ParseOptions& options,
                                           Format format) {
  std::unique_ptr<std::istream> owned;
  std::istream* in = &std::cin;
  if (path != "-") {
    auto file = std::make_unique<std::ifstream>(path, std::ios::binary);
    if (!*file) return Status::IOError("cannot open " + path);
    in = file.get();
    owned = std::move(file);
  }
  if (format == Format::kAuto) format = FormatOfPath(path);
  if (format == Format::kAuto || format == Format::kJson) {
    // Sniffed input and JSON arrays are read whole.
    std::string text{std::istreambuf_iterator<char>(*in), std::istreambuf_iterator<char>()};
    if (in->bad()) return Status::IOError("cannot read " + path);
    if (std::optional<epcis::Format> epcis = EpcisFormatOf(text))
      return OpenEpcisSource(std::move(text), *epcis, options);
    if (format == Format::kAuto) format = Sniff(text);
    switch (format) {
      case Format::kCsv:
        return std::unique_ptr<Source>(new ReaderSource<CsvReader>(std::move(text), options));
      case Format::kJson:
        return std::unique_ptr<Source>(new JsonArraySource(std::move(text), options));
      default:
        return std::unique_ptr<Source>(new ReaderSource<NdjsonReader>(std::move(text), options));
    }
  }
  if (format == Format::kCsv) {
    return std::unique_ptr<Source>(new ReaderSource<CsvReader>(std::move(owned), *in, options));
  }
  return std::unique_ptr<Source>(new ReaderSource<NdjsonReader>(std::move(owned), *in, options));
}

}  // namespace battrace::ingest
