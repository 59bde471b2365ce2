// Fuzz target: EPCIS documents as capture reads them (epcis::ParseDocument), JSON or XML by their
// content (FormatOfBody), and the same bytes as one event
// (ParseEvent). Either the input is refused with an epcis rule, or the document is
// schema-valid, its events are its event list's objects, and its JSON form reads again as the
// same document (an XML document's conversion is a valid JSON document).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "epcis/document.h"
#include "epcis/json_schema.h"

namespace {

void CheckRefusal(const battrace::Status& status) {
  if (status.code() != battrace::StatusCode::kInvalidArgument) std::abort();
  if (!status.rule().starts_with("epcis.")) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using battrace::epcis::Format;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  auto doc = battrace::epcis::ParseDocument(body, battrace::epcis::FormatOfBody(body));
  if (!doc.ok()) {
    CheckRefusal(doc.status());
  } else {
    if (!battrace::epcis::EpcisSchema().Validate(doc->doc).ok()) std::abort();
    for (const auto& event : doc->events)
      if (!event.is_object()) std::abort();
    auto again = battrace::epcis::ParseDocument(doc->doc.dump(), Format::kJson);
    if (!again.ok() || again->doc != doc->doc || again->events != doc->events ||
        again->query_document != doc->query_document) {
      std::abort();
    }
  }
  auto event = battrace::epcis::ParseEvent(body);
  if (!event.ok()) {
    CheckRefusal(event.status());
  } else if (event->events.size() != 1 || event->query_document) {
    std::abort();
  }
  return 0;
}
