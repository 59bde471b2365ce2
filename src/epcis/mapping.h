// battrace's lifecycle reports as GS1 EPCIS 2.0 events, and back (docs/epcis.md).
//
// ReportEvents turns one stored report into the events that say the same in EPCIS terms (CBV
// vocabulary, battrace's URI schemes for batteries, enterprises, vehicles, outlets and material
// lots); every report field without an EPCIS slot travels as an extension key under the
// "battrace" prefix (in the ILMD of a commissioning event), so that ReportsFromEvents can rebuild
// the report exactly: `battrace import` of an exported document files the same reports again.
// The URI schemes are part of the contract: they never change.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "core/status.h"
#include "store/store.h"

namespace battrace::epcis {

// The namespace of battrace's extension keys ("battrace:..."), in MappingContext().
inline constexpr std::string_view kBattraceNamespace = "https://battrace.org/epcis/";

// urn:battrace:gbt34014:<CODE>, a battery by its GB/T 34014 code (normalized).
std::string BatteryUri(std::string_view code);
// urn:battrace:uscc:<USCC>, an enterprise by its unified social credit code.
std::string EnterpriseUri(std::string_view uscc);
// urn:battrace:vin:<VIN>, a vehicle.
std::string VehicleUri(std::string_view vin);
// The battery code a battrace battery URI names (a valid GB/T 34014 code, lenient reading of the
// serial as the store allows), or nullopt.
std::optional<std::string> CodeOfUri(std::string_view uri);

// An event of a report, as its eventID names it.
struct ReportEventId {
  uint64_t leaf_index = 0;
  size_t n = 0;  // its place among the report's events (ReportEvents), from 0
};
// The eventID of ReportEvents: "urn:battrace:report:<leaf_index>:<n>".
std::string ReportEventUri(ReportEventId id);
// The report event a battrace eventID names (decimal numbers without sign or leading zeros), or
// nullopt for any other eventID.
std::optional<ReportEventId> ReportEventOfUri(std::string_view event_id);

// The EPCIS 2.0 events (JSON form, schema-valid inside an EPCISQueryDocument whose @context
// includes MappingContext()) of one stored report, in order, with eventID
// "urn:battrace:report:<leaf_index>:<n>" (n from 0) and recordTime = the report's receipt time.
// Reports that state no event (outlets, model-level declarations) give none.
std::vector<nlohmann::json> ReportEvents(const store::StoredReport& report);

// The @context entries battrace's events need: {"battrace": kBattraceNamespace}.
nlohmann::json MappingContext();

// An EPCISDocument of battrace's events (`battrace epcis export`): @context GS1's EPCIS 2.0
// context and MappingContext(), creationDate `created` (RFC 3339 UTC, milliseconds).
nlohmann::json EventsDocument(std::vector<nlohmann::json> events, Instant created);

// One report rebuilt from the events of an EPCIS document (`battrace import`): its JSON in the
// input form (ParseReport validates it as any other report), or why the events cannot be a
// report: InvalidArgument, rule "epcis.unmapped", field the JSON pointer of the event in the
// document ("/epcisBody/eventList/3"), message naming the event index, its type and bizStep.
struct MappedReport {
  size_t first_event = 0;  // index of its first event in the document
  Result<std::string> report = Status::Internal("no report");
};

// Groups the events by report (battrace:reportID, else the eventID; and the reporter, the
// readPoint) in the order of their first event, and rebuilds each report. `context` is the
// document's @context: an extension key counts as battrace's when its prefix is bound to
// kBattraceNamespace there ("battrace" without a binding too).
std::vector<MappedReport> ReportsFromEvents(const std::vector<nlohmann::json>& events,
                                            const nlohmann::json& context);

}  // namespace battrace::epcis
