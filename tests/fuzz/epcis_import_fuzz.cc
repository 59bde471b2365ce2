// Fuzz target for EPCIS documents in `battrace import` (src/ingest/epcis_source.h,
// src/epcis/mapping.h). The input is read twice:
//   - as the text of an import file: whether it is an EPCIS document (EpcisFormatOf) and, when it
//     is one (JSON or XML), the source's items: the document is refused whole, or its items come
//     in one batch in ascending order of their first event;
//   - as JSON given straight to the inverse mapping (an array of events, or an object whose
//     "events" and "@context" are used), without the schema's checks: ReportsFromEvents must
//     answer for any shape, name the first event of each report in ascending order, give either a
//     report's JSON object (which ParseReport then judges) or an "epcis.unmapped" refusal at an
//     event's pointer.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "domain/report.h"
#include "epcis/mapping.h"
#include "ingest/epcis_source.h"

namespace {

void Require(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "epcis_import_fuzz: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);

  if (std::optional<battrace::epcis::Format> format = battrace::ingest::EpcisFormatOf(text)) {
    auto source = battrace::ingest::OpenEpcisSource(text, *format, {});
    const std::vector<battrace::ingest::Item> items = source->Next(1000);
    Require(items.empty() || source->status().ok(), "items of a refused document");
    Require(source->Next(1000).empty(), "a second batch");
    uint64_t last = 0;
    for (const battrace::ingest::Item& item : items) {
      Require(item.line > last, "items out of order");
      last = item.line;
    }
  }

  const nlohmann::json input = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (input.is_discarded()) return 0;
  std::vector<nlohmann::json> events;
  nlohmann::json context;
  if (input.is_array()) {
    events.assign(input.begin(), input.end());
  } else if (input.is_object()) {
    if (auto it = input.find("events"); it != input.end() && it->is_array())
      events.assign(it->begin(), it->end());
    if (auto it = input.find("@context"); it != input.end()) context = *it;
  }
  size_t previous = 0;
  bool first = true;
  for (const battrace::epcis::MappedReport& mapped :
       battrace::epcis::ReportsFromEvents(events, context)) {
    Require(mapped.first_event < events.size(), "a report names no event");
    Require(first || mapped.first_event > previous, "reports out of order");
    previous = mapped.first_event;
    first = false;
    if (!mapped.report.ok()) {
      Require(mapped.report.status().rule() == "epcis.unmapped", "a refusal with another rule");
      Require(mapped.report.status().field().starts_with("/epcisBody/eventList/"),
              "a refusal that names no event");
      continue;
    }
    const nlohmann::json report =
        nlohmann::json::parse(*mapped.report, nullptr, /*allow_exceptions=*/false);
    Require(report.is_object(), "a rebuilt report that is not a JSON object");
    (void)battrace::ParseReport(*mapped.report, {});
  }
  return 0;
}
