// Fuzz target: XmlToJson on arbitrary bytes. Either the bytes are refused with rule
// "epcis.xml" or "epcis.xsd" and a "line N" field, or the result is a document of the JSON
// binding: an EPCISDocument with an event list or an EPCISQueryDocument with query results,
// whose @context starts with GS1's context and every event has a type.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "epcis/xml.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view xml(reinterpret_cast<const char*>(data), size);
  const auto doc = battrace::epcis::XmlToJson(xml);
  if (!doc.ok()) {
    const battrace::Status& status = doc.status();
    if (status.code() != battrace::StatusCode::kInvalidArgument) std::abort();
    if (status.rule() != "epcis.xml" && status.rule() != "epcis.xsd") std::abort();
    if (!status.field().starts_with("line ")) std::abort();
    return 0;
  }
  if (!doc->is_object() || !doc->contains("@context") || !(*doc)["@context"].is_array()) {
    std::abort();
  }
  const nlohmann::json* events = nullptr;
  if ((*doc)["type"] == "EPCISDocument") {
    events = &(*doc)["epcisBody"]["eventList"];
  } else if ((*doc)["type"] == "EPCISQueryDocument") {
    const auto& results = (*doc)["epcisBody"]["queryResults"];
    if (!results.contains("resultsBody")) return 0;
    events = &results["resultsBody"]["eventList"];
  } else {
    std::abort();
  }
  if (!events->is_array()) std::abort();
  for (const auto& event : *events) {
    if (!event.is_object() || !event.contains("type") || !event["type"].is_string()) std::abort();
  }
  return 0;
}
