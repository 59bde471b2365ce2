#include "ingest/epcis_source.h"

#include <utility>
#include <vector>

#include "epcis/mapping.h"

namespace battrace::ingest {
namespace {

std::string_view Trimmed(std::string_view text) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  const size_t at = text.find_first_not_of(" \t\r\n");
  return at == std::string_view::npos ? std::string_view() : text.substr(at);
}

class EpcisSource : public Source {
 public:
  EpcisSource(std::string text, epcis::Format format, const ParseOptions& options)
      : text_(std::move(text)), format_(format), options_(options) {}

  std::vector<Item> Next(size_t /*max*/) override {
    std::vector<Item> items;
    if (done_) return items;
    done_ = true;
    Result<epcis::Document> document = epcis::ParseDocument(Trimmed(text_), format_);
    if (!document.ok()) {
      status_ = document.status();
      return items;
    }
    for (epcis::MappedReport& mapped :
         epcis::ReportsFromEvents(document->events, document->context)) {
      Item item;
      item.line = mapped.first_event + 1;
      if (mapped.report.ok()) {
        item.raw = *mapped.report;
        item.report = ParseReport(item.raw, options_);
      } else {
        item.raw = document->events[mapped.first_event].dump();
        item.report = mapped.report.status();
      }
      items.push_back(std::move(item));
    }
    return items;
  }
  uint64_t BytesRead() const override { return done_ ? text_.size() : 0; }
  Status status() const override { return status_; }
  std::string_view FormatName() const override {
    return format_ == epcis::Format::kXml ? "EPCIS XML" : "EPCIS JSON";
  }
  std::string_view EncodingName() const override { return "UTF-8"; }
  bool AllOrNothing() const override { return true; }

 private:
  std::string text_;
  epcis::Format format_;
  ParseOptions options_;
  bool done_ = false;
  Status status_;
};

}  // namespace

std::optional<epcis::Format> EpcisFormatOf(std::string_view text) {
  if (epcis::FormatOfBody(text) == epcis::Format::kXml) return epcis::Format::kXml;
  text = Trimmed(text);
  if (!text.starts_with('{')) return std::nullopt;
  // Only a document that is one JSON object can be EPCIS; an NDJSON file fails to parse at its
  // second line, after one line's work.
  const nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) return std::nullopt;
  auto type = doc.find("type");
  if (type != doc.end() && (*type == "EPCISDocument" || *type == "EPCISQueryDocument"))
    return epcis::Format::kJson;
  return std::nullopt;
}

std::unique_ptr<Source> OpenEpcisSource(std::string text, epcis::Format format,
                                        const ParseOptions& options) {
  return std::make_unique<EpcisSource>(std::move(text), format, options);
}

}  // namespace battrace::ingest
