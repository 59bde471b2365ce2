#include "epcis/mapping.h"

#include <map>
#include <utility>

#include "core/battery_code.h"
#include "core/date.h"
#include "core/percent.h"
#include "core/str_cat.h"
#include "domain/report_type.h"
#include "epcis/capture.h"
#include "epcis/cbv.h"
#include "ledger/utf8.h"

namespace battrace::epcis {
namespace {

using nlohmann::json;

constexpr std::string_view kBatteryPrefix = "urn:battrace:gbt34014:";
constexpr std::string_view kEnterprisePrefix = "urn:battrace:uscc:";
constexpr std::string_view kVehiclePrefix = "urn:battrace:vin:";
constexpr std::string_view kOutletPrefix = "urn:battrace:outlet:";
constexpr std::string_view kMaterialPrefix = "urn:battrace:material:";
constexpr std::string_view kLotPrefix = "urn:battrace:lot:";
constexpr std::string_view kReportPrefix = "urn:battrace:report:";
constexpr std::string_view kGs1Context =
    "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld";

// The extension keys that carry the envelope rather than a report field.
constexpr std::string_view kReportId = "reportID";
constexpr std::string_view kReportType = "reportType";
constexpr std::string_view kCorrectedType = "correctedType";
constexpr std::string_view kCorrects = "corrects";
constexpr std::string_view kReason = "reason";
constexpr std::string_view kCorrectionOccurred = "occurred";

std::string Ext(std::string_view name) {
  return StrCat("battrace:", name);
}

// A string member of an object, or "" (absent, or another JSON type).
std::string Str(const json& object, std::string_view key) {
  if (!object.is_object()) return {};
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// A member of an object, or null.
json Member(const json& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  return it != object.end() ? *it : json();
}

// The text a percent-encoded URN part stands for: report fields are UTF-8, so other bytes are
// no text of a report.
std::optional<std::string> DecodedText(std::string_view part) {
  std::optional<std::string> text = PercentDecode(part);
  if (text && !ledger::IsValidUtf8(*text)) return std::nullopt;
  return text;
}

std::string OutletUri(std::string_view owner, std::string_view outlet) {
  return StrCat(kOutletPrefix, owner, ":", PercentEncode(outlet));
}

std::string MaterialUri(std::string_view material) {
  return StrCat(kMaterialPrefix, PercentEncode(material));
}

// The material lot a utilization made of its batteries: named by the report that states it.
std::string LotUri(std::string_view reporter, std::string_view report_id) {
  return StrCat(kLotPrefix, reporter, ":", PercentEncode(report_id));
}

// One shape of event a report maps to: event type, action (none for a TransformationEvent), CBV
// business step, and the list that must be present. The forward mapping builds events from these,
// the inverse recognizes events by them.
struct Slot {
  std::string_view event_type, action, biz_step, needs;
};

constexpr Slot kCommission{"ObjectEvent", "ADD", "commissioning", "epcList"};
constexpr Slot kAssemble{"AssociationEvent", "ADD", "assembling", "childEPCs"};
constexpr Slot kInstall{"AssociationEvent", "ADD", "installing", "childEPCs"};
constexpr Slot kRemove{"AssociationEvent", "DELETE", "removing", "childEPCs"};
constexpr Slot kSell{"ObjectEvent", "OBSERVE", "retail_selling", "epcList"};
constexpr Slot kShipBatteries{"ObjectEvent", "OBSERVE", "shipping", "epcList"};
constexpr Slot kShipProducts{"ObjectEvent", "OBSERVE", "shipping", "quantityList"};
constexpr Slot kReceive{"ObjectEvent", "OBSERVE", "receiving", "epcList"};
// packs_present may be empty: then the event has no childEPCs (allowed for DELETE).
constexpr Slot kDisassemble{"AssociationEvent", "DELETE", "disassembling", ""};
constexpr Slot kDestroy{"ObjectEvent", "DELETE", "destroying", "epcList"};
constexpr Slot kUtilize{"TransformationEvent", "", "destroying", "inputEPCList"};
constexpr Slot kInspect{"ObjectEvent", "OBSERVE", "inspecting", "epcList"};

struct ShapeSlot {
  const Slot* slot;
  bool required;
};

// The events of each report type that maps to events, in the order ReportEvents gives them.
struct Shape {
  ReportType type;
  std::vector<ShapeSlot> slots;
};

const std::vector<Shape>& Shapes() {
  static const std::vector<Shape> shapes = {
      {ReportType::kBatteryProduced, {{&kCommission, true}, {&kAssemble, false}}},
      {ReportType::kVehicleProduced, {{&kCommission, true}, {&kInstall, true}}},
      {ReportType::kVehicleSold, {{&kSell, true}}},
      {ReportType::kBatteryReplaced, {{&kRemove, true}, {&kInstall, true}}},
      {ReportType::kBatterySwapped, {{&kRemove, true}, {&kInstall, true}}},
      {ReportType::kBatteryOutbound, {{&kShipBatteries, true}}},
      {ReportType::kBatteryInbound, {{&kReceive, true}}},
      {ReportType::kVehicleScrapped, {{&kDisassemble, true}, {&kDestroy, true}}},
      {ReportType::kBatteryUtilized, {{&kUtilize, true}}},
      {ReportType::kProductOutbound, {{&kShipProducts, true}}},
      {ReportType::kBatteryHealth, {{&kInspect, true}}},
  };
  return shapes;
}

const Shape* ShapeOf(ReportType type) {
  for (const Shape& shape : Shapes())
    if (shape.type == type) return &shape;
  return nullptr;
}

json NewEvent(const Slot& slot) {
  json event = {{"type", slot.event_type}, {"bizStep", slot.biz_step}};
  if (!slot.action.empty()) event["action"] = slot.action;
  return event;
}

json Uris(const json& codes, std::string (*uri)(std::string_view)) {
  json out = json::array();
  for (const json& code : codes)
    out.push_back(uri(code.get<std::string>()));
  return out;
}

json Party(std::string_view kind, std::string_view key, std::string_view uri) {
  return json::array({{{"type", kind}, {key, uri}}});
}

// Takes a field out of the report's fields (what is left travels as extension keys).
json Take(json& fields, const char* name) {
  auto it = fields.find(name);
  if (it == fields.end()) return nullptr;
  json value = std::move(*it);
  fields.erase(it);
  return value;
}

std::string TakeString(json& fields, const char* name) {
  return Take(fields, name).get<std::string>();
}

// The events of a report body of `type` (fields: the stored form's body fields, without the
// envelope), with their type-specific slots filled; the fields they consume are taken out.
std::vector<json> BodyEvents(ReportType type, json& fields, const std::string& reporter,
                             const std::string& report_id) {
  std::vector<json> events;
  switch (type) {
    case ReportType::kBatteryProduced: {
      json& made = events.emplace_back(NewEvent(kCommission));
      made["epcList"] = json::array({BatteryUri(TakeString(fields, "code"))});
      made["disposition"] = "active";
      if (json parts = Take(fields, "parts"); !parts.is_null()) {
        json assemble = NewEvent(kAssemble);
        assemble["parentID"] = made["epcList"][0];
        assemble["childEPCs"] = Uris(parts, BatteryUri);
        events.push_back(std::move(assemble));
      }
      break;
    }
    case ReportType::kVehicleProduced: {
      const std::string vehicle = VehicleUri(TakeString(fields, "vin"));
      json& made = events.emplace_back(NewEvent(kCommission));
      made["epcList"] = json::array({vehicle});
      made["disposition"] = "active";
      json& install = events.emplace_back(NewEvent(kInstall));
      install["parentID"] = vehicle;
      install["childEPCs"] = Uris(Take(fields, "packs"), BatteryUri);
      break;
    }
    case ReportType::kVehicleSold: {
      json& sold = events.emplace_back(NewEvent(kSell));
      sold["epcList"] = json::array({VehicleUri(TakeString(fields, "vin"))});
      sold["disposition"] = "retail_sold";
      break;
    }
    case ReportType::kBatteryReplaced:
    case ReportType::kBatterySwapped: {
      const std::string vehicle = VehicleUri(TakeString(fields, "vin"));
      // A swap names one pack each way, a replacement lists them.
      const auto list = [&](const char* name) {
        json value = Take(fields, name);
        return Uris(value.is_array() ? value : json::array({value}), BatteryUri);
      };
      json& out = events.emplace_back(NewEvent(kRemove));
      out["parentID"] = vehicle;
      out["childEPCs"] = list("removed");
      json& in = events.emplace_back(NewEvent(kInstall));
      in["parentID"] = vehicle;
      in["childEPCs"] = list("installed");
      break;
    }
    case ReportType::kBatteryOutbound: {
      const std::string to = TakeString(fields, "to");
      json& ship = events.emplace_back(NewEvent(kShipBatteries));
      ship["epcList"] = Uris(Take(fields, "codes"), BatteryUri);
      ship["disposition"] = "in_transit";
      ship["sourceList"] = Party("owning_party", "source", EnterpriseUri(reporter));
      ship["destinationList"] = Party("owning_party", "destination", EnterpriseUri(to));
      if (json outlet = Take(fields, "outlet"); !outlet.is_null()) {
        ship["destinationList"].push_back(
            {{"type", "location"}, {"destination", OutletUri(to, outlet.get<std::string>())}});
      }
      break;
    }
    case ReportType::kBatteryInbound: {
      json& receive = events.emplace_back(NewEvent(kReceive));
      receive["epcList"] = Uris(Take(fields, "codes"), BatteryUri);
      receive["sourceList"] =
          Party("owning_party", "source", EnterpriseUri(TakeString(fields, "from")));
      receive["destinationList"] = Party("owning_party", "destination", EnterpriseUri(reporter));
      if (json outlet = Take(fields, "outlet"); !outlet.is_null()) {
        receive["bizLocation"] = {{"id", OutletUri(reporter, outlet.get<std::string>())}};
      }
      break;
    }
    case ReportType::kVehicleScrapped: {
      const std::string vehicle = VehicleUri(TakeString(fields, "vin"));
      json& out = events.emplace_back(NewEvent(kDisassemble));
      out["parentID"] = vehicle;
      if (json packs = Take(fields, "packs_present"); !packs.empty()) {
        out["childEPCs"] = Uris(packs, BatteryUri);
      }
      json& end = events.emplace_back(NewEvent(kDestroy));
      end["epcList"] = json::array({vehicle});
      end["disposition"] = "destroyed";
      break;
    }
    case ReportType::kBatteryUtilized: {
      json& used = events.emplace_back(NewEvent(kUtilize));
      used["inputEPCList"] = Uris(Take(fields, "codes"), BatteryUri);
      used["outputQuantityList"] = json::array({{{"epcClass", LotUri(reporter, report_id)}}});
      break;
    }
    case ReportType::kProductOutbound: {
      json& ship = events.emplace_back(NewEvent(kShipProducts));
      json quantities = json::array();
      for (const json& product : Take(fields, "products")) {
        quantities.push_back({{"epcClass", MaterialUri(product["material"].get<std::string>())},
                              {"quantity", product["mass_kg"]},
                              {"uom", "KGM"}});
      }
      ship["quantityList"] = std::move(quantities);
      ship["sourceList"] = Party("owning_party", "source", EnterpriseUri(reporter));
      ship["destinationList"] =
          Party("owning_party", "destination", EnterpriseUri(TakeString(fields, "to")));
      break;
    }
    case ReportType::kBatteryHealth: {
      json& inspect = events.emplace_back(NewEvent(kInspect));
      inspect["epcList"] = json::array({BatteryUri(TakeString(fields, "code"))});
      inspect["eventTime"] = TakeString(fields, "measured");
      break;
    }
    default:  // outlets and model-level declarations: master data, no event (docs/epcis.md)
      break;
  }
  return events;
}

// A report field's value as an extension value: the keys of its objects, at any depth, get the
// "battrace" prefix too, since JSON-LD gives meaning only to keys its context defines (and
// capture refuses an extension's key without a namespace).
json Namespaced(const json& value) {
  if (value.is_array()) {
    json out = json::array();
    for (const json& v : value)
      out.push_back(Namespaced(v));
    return out;
  }
  if (!value.is_object()) return value;
  json out = json::object();
  for (auto& [key, v] : value.items())
    out[Ext(key)] = Namespaced(v);
  return out;
}

// "+08:00" for an RFC 3339 time's offset ("Z" is "+00:00").
std::string OffsetOf(std::string_view time) {
  if (time.ends_with('Z') || time.ends_with('z')) return "+00:00";
  return std::string(time.substr(time.size() - 6));
}

// Removes the envelope and platform-set keys of a stored report (or of a correction's report).
json BodyFields(json object) {
  for (const char* key : {"id", "type", "reporter", "occurred", "reported", "receipt", "raw_scans"})
    object.erase(key);
  return object;
}

}  // namespace

std::string BatteryUri(std::string_view code) {
  return StrCat(kBatteryPrefix, code);
}
std::string EnterpriseUri(std::string_view uscc) {
  return StrCat(kEnterprisePrefix, uscc);
}
std::string VehicleUri(std::string_view vin) {
  return StrCat(kVehiclePrefix, vin);
}

std::string ReportEventUri(ReportEventId id) {
  return StrCat(kReportPrefix, std::to_string(id.leaf_index), ":", std::to_string(id.n));
}

std::optional<ReportEventId> ReportEventOfUri(std::string_view event_id) {
  if (!event_id.starts_with(kReportPrefix)) return std::nullopt;
  event_id.remove_prefix(kReportPrefix.size());
  const size_t colon = event_id.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  // One spelling per event: the digits ReportEventUri writes, nothing else.
  const auto number = [](std::string_view digits) -> std::optional<uint64_t> {
    if (digits.empty() || digits.size() > 19 || (digits.size() > 1 && digits[0] == '0'))
      return std::nullopt;
    uint64_t value = 0;
    for (const char c : digits) {
      if (c < '0' || c > '9') return std::nullopt;
      value = value * 10 + static_cast<uint64_t>(c - '0');
    }
    return value;
  };
  const std::optional<uint64_t> leaf = number(event_id.substr(0, colon));
  const std::optional<uint64_t> n = number(event_id.substr(colon + 1));
  if (!leaf || !n) return std::nullopt;
  return ReportEventId{*leaf, static_cast<size_t>(*n)};
}

std::optional<std::string> CodeOfUri(std::string_view uri) {
  if (!uri.starts_with(kBatteryPrefix)) return std::nullopt;
  const std::string_view code = uri.substr(kBatteryPrefix.size());
  if (!BatteryCode::IsValid(code, Strictness::kLenient)) return std::nullopt;
  return std::string(code);
}

json MappingContext() {
  return {{"battrace", kBattraceNamespace}};
}

json EventsDocument(std::vector<json> events, Instant created) {
  return {{"@context", json::array({kGs1Context, MappingContext()})},
          {"type", "EPCISDocument"},
          {"schemaVersion", "2.0"},
          {"creationDate", RecordTime(created)},
          {"epcisBody", {{"eventList", std::move(events)}}}};
}

std::vector<json> ReportEvents(const store::StoredReport& report) {
  const json stored = json::parse(report.body);
  std::optional<ReportType> type = ReportTypeFromName(report.type);
  if (!type) return {};
  json fields, envelope = json::object();
  std::string occurred = report.occurred;
  if (*type == ReportType::kCorrection) {
    // The corrected report's events, as they should have been, marked as the correction's.
    const json& nested = stored.at("report");
    const std::string nested_type = nested.at("type").get<std::string>();
    type = ReportTypeFromName(nested_type);
    if (!type) return {};
    occurred = nested.at("occurred").get<std::string>();
    fields = BodyFields(nested);
    envelope[Ext(kCorrectedType)] = nested_type;
    envelope[Ext(kCorrects)] = stored.at("corrects");
    envelope[Ext(kReason)] = stored.at("reason");
    envelope[Ext(kCorrectionOccurred)] = report.occurred;
  } else {
    fields = BodyFields(stored);
  }
  std::vector<json> events = BodyEvents(*type, fields, report.reporter, report.id);
  for (size_t n = 0; n < events.size(); ++n) {
    json& event = events[n];
    event["eventID"] = ReportEventUri({report.leaf_index, n});
    if (!event.contains("eventTime")) event["eventTime"] = StrCat(occurred, "T00:00:00+08:00");
    event["eventTimeZoneOffset"] = OffsetOf(event["eventTime"].get<std::string>());
    event["recordTime"] = RecordTime(report.reported);
    event["readPoint"] = {{"id", EnterpriseUri(report.reporter)}};
    event[Ext(kReportId)] = report.id;
    event[Ext(kReportType)] = report.type;
  }
  if (events.empty()) return events;
  // What has no EPCIS slot goes with the first event: a commissioning event's ILMD (the
  // battery's or vehicle's master data as made), else extension keys.
  json& first = events.front();
  const bool ilmd = first["type"] == "ObjectEvent" && first["bizStep"] == kCommission.biz_step;
  for (auto& [name, value] : fields.items()) {
    if (ilmd) {
      first["ilmd"][Ext(name)] = Namespaced(value);
    } else {
      first[Ext(name)] = Namespaced(value);
    }
  }
  for (auto& [name, value] : envelope.items())
    first[name] = value;
  return events;
}

// --- the inverse: events back to reports ---

namespace {

// Why the events cannot make a report: at the event, in the import's terms.
Status Unmapped(size_t index, const json& event, std::string_view why) {
  std::string what = Str(event, "type");
  if (auto it = event.find("bizStep"); it != event.end() && it->is_string())
    what += StrCat(" ", CbvWord(Vocab::kBizStep, it->get<std::string>()));
  return Status::Invalid(StrCat("/epcisBody/eventList/", std::to_string(index)), "epcis.unmapped",
                         StrCat("event ", std::to_string(index), " (", what, "): ", why));
}

bool Matches(const json& event, const Slot& slot) {
  if (Str(event, "type") != slot.event_type) return false;
  if (!slot.action.empty() && Str(event, "action") != slot.action) return false;
  auto step = event.find("bizStep");
  if (step == event.end() || !step->is_string() ||
      CbvWord(Vocab::kBizStep, step->get<std::string>()) != slot.biz_step) {
    return false;
  }
  return slot.needs.empty() || event.contains(slot.needs);
}

// The prefixes the document's @context binds to battrace's namespace ("battrace" always).
std::vector<std::string> BattracePrefixes(const json& context) {
  std::vector<std::string> prefixes = {"battrace"};
  const auto scan = [&](const json& object) {
    for (auto& [prefix, value] : object.items()) {
      if (value.is_string() && value.get<std::string>() == kBattraceNamespace &&
          prefix != "battrace") {
        prefixes.push_back(prefix);
      }
    }
  };
  if (context.is_object()) scan(context);
  if (context.is_array())
    for (const json& entry : context)
      if (entry.is_object()) scan(entry);
  return prefixes;
}

// An event of the document and where it is.
struct Indexed {
  size_t index;
  const json* event;
};

class Rebuilder {
 public:
  explicit Rebuilder(const json& context) : prefixes_(BattracePrefixes(context)) {}

  // The battrace extension `name` of an object (an event or its ILMD), or null.
  const json* Extension(const json& object, std::string_view name) const {
    for (const std::string& prefix : prefixes_) {
      auto it = object.find(StrCat(prefix, ":", name));
      if (it != object.end()) return &*it;
    }
    return nullptr;
  }

  // The name of a battrace key without its prefix, or nullopt for any other key.
  std::optional<std::string> Bare(const std::string& key) const {
    const size_t colon = key.find(':');
    if (colon == std::string::npos) return std::nullopt;
    for (const std::string& p : prefixes_)
      if (key.compare(0, colon, p) == 0 && p.size() == colon) return key.substr(colon + 1);
    return std::nullopt;
  }

  // An extension value as a report field's value: battrace's prefix taken off the keys of its
  // objects at any depth (other keys stay, for the report parser to refuse).
  json Unnamespaced(const json& value) const {
    if (value.is_array()) {
      json out = json::array();
      for (const json& v : value)
        out.push_back(Unnamespaced(v));
      return out;
    }
    if (!value.is_object()) return value;
    json out = json::object();
    for (auto& [key, v] : value.items())
      out[Bare(key).value_or(key)] = Unnamespaced(v);
    return out;
  }

  // The battrace extensions of an object, by name without the prefix.
  void CollectExtensions(const json& object, json& into) const {
    for (auto& [key, value] : object.items()) {
      if (std::optional<std::string> name = Bare(key)) into[*name] = Unnamespaced(value);
    }
  }

  Result<std::string> Rebuild(const std::vector<Indexed>& group) const;

 private:
  std::vector<std::string> prefixes_;
};

template <typename T>
Status Put(json& fields, const char* name, Result<T> value) {
  if (!value.ok()) return value.status();
  fields[name] = std::move(value).value();
  return Status::Ok();
}

// Strips a URI scheme's prefix, or says what was expected.
Result<std::string> IdOf(const Indexed& at, const json& value, std::string_view prefix,
                         std::string_view what) {
  if (value.is_string()) {
    const std::string text = value.get<std::string>();
    if (text.starts_with(prefix)) return text.substr(prefix.size());
  }
  return Unmapped(at.index, *at.event,
                  StrCat("expected ", what, " (", prefix, "...), got ", value.dump()));
}

Result<json> Codes(const Indexed& at, const json& list) {
  json out = json::array();
  if (!list.is_array()) return Unmapped(at.index, *at.event, "expected a list of battery URIs");
  for (const json& uri : list) {
    Result<std::string> code = IdOf(at, uri, kBatteryPrefix, "a battery URI");
    if (!code.ok()) return code.status();
    out.push_back(std::move(code).value());
  }
  return out;
}

// The one owning party (or location) of a source or destination list.
Result<std::string> PartyOf(const Indexed& at, std::string_view list, std::string_view key,
                            std::string_view kind, std::string_view prefix, bool required) {
  auto it = at.event->find(list);
  if (it != at.event->end() && it->is_array()) {
    for (const json& entry : *it) {
      if (entry.is_object() && CbvWord(Vocab::kSourceDestType, Str(entry, "type")) == kind) {
        std::string_view what = kind == "location" ? "an outlet URI" : "an enterprise URI";
        return IdOf(at, Member(entry, key), prefix, what);
      }
    }
  }
  if (!required) return std::string();
  return Unmapped(at.index, *at.event, StrCat("no ", kind, " in its ", list));
}

// An outlet URI's outlet id, given its owner.
Result<std::string> OutletOf(const Indexed& at, const std::string& tail, std::string_view owner) {
  const std::string owner_part = StrCat(owner, ":");
  std::optional<std::string> id;
  if (tail.starts_with(owner_part)) id = DecodedText(tail.substr(owner_part.size()));
  if (!id) {
    return Unmapped(at.index, *at.event,
                    StrCat("the outlet must be ", kOutletPrefix, owner, ":<outlet id>"));
  }
  return *id;
}

Result<std::string> Rebuilder::Rebuild(const std::vector<Indexed>& group) const {
  const Indexed& first = group.front();
  // An error declaration withdraws an earlier event; battrace's counterpart is a correction,
  // which names its original report and carries the report as it should have been.
  for (const Indexed& e : group) {
    if (e.event->contains("errorDeclaration")) {
      return Unmapped(e.index, *e.event,
                      "an error declaration has no report counterpart: file a correction");
    }
  }
  // The report type: named by the events, else the one whose shape the events have.
  std::optional<ReportType> outer, type;
  if (const json* named = Extension(*first.event, kReportType)) {
    outer = named->is_string() ? ReportTypeFromName(named->get<std::string>()) : std::nullopt;
    if (!outer) return Unmapped(first.index, *first.event, "battrace:reportType is not a type");
    type = outer;
    if (*outer == ReportType::kCorrection) {
      const json* corrected = Extension(*first.event, kCorrectedType);
      type = corrected && corrected->is_string() ? ReportTypeFromName(corrected->get<std::string>())
                                                 : std::nullopt;
      if (!type || *type == ReportType::kCorrection) {
        return Unmapped(first.index, *first.event,
                        "a correction names its report's type in battrace:correctedType");
      }
    }
  }
  // Each event takes the first free slot it matches; a shape fits when all its required slots
  // are taken and no event is left over.
  std::vector<const Indexed*> taken;
  const auto fit = [&](const Shape& shape) -> std::optional<size_t> {
    taken.assign(shape.slots.size(), nullptr);
    for (size_t e = 0; e < group.size(); ++e) {
      size_t s = 0;
      while (s < shape.slots.size() &&
             (taken[s] || !Matches(*group[e].event, *shape.slots[s].slot)))
        ++s;
      if (s == shape.slots.size()) return e;
      taken[s] = &group[e];
    }
    for (size_t s = 0; s < shape.slots.size(); ++s)
      if (shape.slots[s].required && !taken[s]) return group.size() + s;
    return std::nullopt;
  };
  const Shape* shape = nullptr;
  if (type) {
    shape = ShapeOf(*type);
    if (!shape) {
      return Unmapped(
          first.index, *first.event,
          StrCat(ReportTypeName(*type), " states no event (master data); file it as a report"));
    }
    if (std::optional<size_t> misfit = fit(*shape)) {
      if (*misfit < group.size()) {
        return Unmapped(group[*misfit].index, *group[*misfit].event,
                        StrCat("not an event of a ", ReportTypeName(*type), " report"));
      }
      const Slot& missing = *shape->slots[*misfit - group.size()].slot;
      return Unmapped(first.index, *first.event,
                      StrCat("a ", ReportTypeName(*type), " report needs its ", missing.event_type,
                             " ", missing.biz_step, " event too"));
    }
  } else {
    std::vector<const Shape*> fitting;
    for (const Shape& candidate : Shapes())
      if (!fit(candidate)) fitting.push_back(&candidate);
    if (fitting.empty()) {
      return Unmapped(first.index, *first.event,
                      "no report type maps to this event (docs/epcis.md lists the mapping)");
    }
    if (fitting.size() > 1) {
      std::string names;
      for (const Shape* s : fitting)
        names += StrCat(names.empty() ? "" : " or ", ReportTypeName(s->type));
      return Unmapped(first.index, *first.event,
                      StrCat("it could be ", names, ": name it with battrace:reportType"));
    }
    shape = fitting.front();
    type = outer = shape->type;
    fit(*shape);
  }
  // taken[s]: the event of slot s, or null.
  const auto slot_event = [&](const Slot& slot) -> const Indexed* {
    for (size_t s = 0; s < shape->slots.size(); ++s)
      if (shape->slots[s].slot == &slot) return taken[s];
    return nullptr;
  };

  // Envelope: reporter from the readPoint, id from battrace:reportID or the eventID, occurred
  // the Beijing day of the first event's time.
  json envelope = json::object();
  const Result<std::string> reporter = IdOf(first, Member(Member(*first.event, "readPoint"), "id"),
                                            kEnterprisePrefix, "the reporter as readPoint");
  if (!reporter.ok()) return reporter.status();
  const json* id = Extension(*first.event, kReportId);
  if (!id) {
    auto event_id = first.event->find("eventID");
    if (event_id == first.event->end())
      return Unmapped(first.index, *first.event, "neither battrace:reportID nor an eventID");
    id = &*event_id;
  }
  const std::string event_time = Str(*first.event, "eventTime");
  Result<Instant> at = ParseTimestamp(event_time, "eventTime");
  if (!at.ok()) return Unmapped(first.index, *first.event, at.status().message());
  const std::string occurred = BeijingDate(*at).ToString();

  // Fields: every battrace extension of the events (and of their ILMD), then the slots.
  json fields = json::object();
  for (const Indexed& e : group) {
    CollectExtensions(*e.event, fields);
    if (auto ilmd = e.event->find("ilmd"); ilmd != e.event->end() && ilmd->is_object())
      CollectExtensions(*ilmd, fields);
  }
  for (std::string_view key :
       {kReportId, kReportType, kCorrectedType, kCorrects, kReason, kCorrectionOccurred}) {
    fields.erase(std::string(key));
  }
  const auto single = [&](const Indexed& at, const json& list, std::string_view prefix,
                          std::string_view what) -> Result<std::string> {
    if (!list.is_array() || list.size() != 1)
      return Unmapped(at.index, *at.event, StrCat("expected exactly one ", what));
    return IdOf(at, list[0], prefix, what);
  };
  switch (*type) {
    case ReportType::kBatteryProduced: {
      const Indexed& made = *slot_event(kCommission);
      BATTRACE_RETURN_IF_ERROR(Put(
          fields, "code", single(made, made.event->at("epcList"), kBatteryPrefix, "battery URI")));
      if (const Indexed* assemble = slot_event(kAssemble))
        BATTRACE_RETURN_IF_ERROR(
            Put(fields, "parts", Codes(*assemble, assemble->event->at("childEPCs"))));
      break;
    }
    case ReportType::kVehicleProduced: {
      const Indexed& made = *slot_event(kCommission);
      const Indexed& install = *slot_event(kInstall);
      BATTRACE_RETURN_IF_ERROR(Put(
          fields, "vin", single(made, made.event->at("epcList"), kVehiclePrefix, "vehicle URI")));
      if (install.event->value("parentID", json()) != made.event->at("epcList")[0])
        return Unmapped(install.index, *install.event,
                        "installs into another vehicle than it makes");
      BATTRACE_RETURN_IF_ERROR(
          Put(fields, "packs", Codes(install, install.event->at("childEPCs"))));
      break;
    }
    case ReportType::kVehicleSold: {
      const Indexed& sold = *slot_event(kSell);
      BATTRACE_RETURN_IF_ERROR(Put(
          fields, "vin", single(sold, sold.event->at("epcList"), kVehiclePrefix, "vehicle URI")));
      break;
    }
    case ReportType::kBatteryReplaced:
    case ReportType::kBatterySwapped: {
      const Indexed& out = *slot_event(kRemove);
      const Indexed& in = *slot_event(kInstall);
      BATTRACE_RETURN_IF_ERROR(
          Put(fields, "vin",
              IdOf(out, out.event->value("parentID", json()), kVehiclePrefix, "a vehicle URI")));
      if (in.event->value("parentID", json()) != out.event->value("parentID", json()))
        return Unmapped(in.index, *in.event, "installs into another vehicle than it removes from");
      if (*type == ReportType::kBatteryReplaced) {
        BATTRACE_RETURN_IF_ERROR(Put(fields, "removed", Codes(out, out.event->at("childEPCs"))));
        BATTRACE_RETURN_IF_ERROR(Put(fields, "installed", Codes(in, in.event->at("childEPCs"))));
      } else {
        BATTRACE_RETURN_IF_ERROR(
            Put(fields, "removed",
                single(out, out.event->at("childEPCs"), kBatteryPrefix, "battery URI")));
        BATTRACE_RETURN_IF_ERROR(
            Put(fields, "installed",
                single(in, in.event->at("childEPCs"), kBatteryPrefix, "battery URI")));
      }
      break;
    }
    case ReportType::kBatteryOutbound: {
      const Indexed& ship = *slot_event(kShipBatteries);
      BATTRACE_RETURN_IF_ERROR(Put(fields, "codes", Codes(ship, ship.event->at("epcList"))));
      BATTRACE_RETURN_IF_ERROR(Put(fields, "to",
                                   PartyOf(ship, "destinationList", "destination", "owning_party",
                                           kEnterprisePrefix, true)));
      Result<std::string> outlet =
          PartyOf(ship, "destinationList", "destination", "location", kOutletPrefix, false);
      if (!outlet.ok()) return outlet.status();
      if (!outlet->empty())
        BATTRACE_RETURN_IF_ERROR(
            Put(fields, "outlet", OutletOf(ship, *outlet, fields["to"].get<std::string>())));
      break;
    }
    case ReportType::kBatteryInbound: {
      const Indexed& receive = *slot_event(kReceive);
      BATTRACE_RETURN_IF_ERROR(Put(fields, "codes", Codes(receive, receive.event->at("epcList"))));
      BATTRACE_RETURN_IF_ERROR(
          Put(fields, "from",
              PartyOf(receive, "sourceList", "source", "owning_party", kEnterprisePrefix, true)));
      if (auto location = receive.event->find("bizLocation"); location != receive.event->end()) {
        Result<std::string> outlet = IdOf(receive, Member(*location, "id"), kOutletPrefix,
                                          "the receiving outlet as bizLocation");
        if (!outlet.ok()) return outlet.status();
        BATTRACE_RETURN_IF_ERROR(Put(fields, "outlet", OutletOf(receive, *outlet, *reporter)));
      }
      break;
    }
    case ReportType::kVehicleScrapped: {
      const Indexed& out = *slot_event(kDisassemble);
      const Indexed& end = *slot_event(kDestroy);
      BATTRACE_RETURN_IF_ERROR(
          Put(fields, "vin",
              IdOf(out, out.event->value("parentID", json()), kVehiclePrefix, "a vehicle URI")));
      if (end.event->at("epcList") != json::array({Member(*out.event, "parentID")}))
        return Unmapped(end.index, *end.event, "ends another vehicle than it dismantles");
      fields["packs_present"] = json::array();
      if (auto packs = out.event->find("childEPCs"); packs != out.event->end())
        BATTRACE_RETURN_IF_ERROR(Put(fields, "packs_present", Codes(out, *packs)));
      break;
    }
    case ReportType::kBatteryUtilized: {
      const Indexed& used = *slot_event(kUtilize);
      BATTRACE_RETURN_IF_ERROR(Put(fields, "codes", Codes(used, used.event->at("inputEPCList"))));
      break;
    }
    case ReportType::kProductOutbound: {
      const Indexed& ship = *slot_event(kShipProducts);
      json products = json::array();
      for (const json& quantity : ship.event->at("quantityList")) {
        Result<std::string> material =
            IdOf(ship, Member(quantity, "epcClass"), kMaterialPrefix, "a material URI");
        if (!material.ok()) return material.status();
        std::optional<std::string> text = DecodedText(*material);
        const json mass = Member(quantity, "quantity");
        if (!text || !mass.is_number() || Str(quantity, "uom") != "KGM") {
          return Unmapped(ship.index, *ship.event,
                          "each product is a material URI with its quantity in KGM");
        }
        products.push_back({{"material", *text}, {"mass_kg", mass}});
      }
      fields["products"] = std::move(products);
      BATTRACE_RETURN_IF_ERROR(Put(fields, "to",
                                   PartyOf(ship, "destinationList", "destination", "owning_party",
                                           kEnterprisePrefix, true)));
      break;
    }
    case ReportType::kBatteryHealth: {
      const Indexed& inspect = *slot_event(kInspect);
      BATTRACE_RETURN_IF_ERROR(
          Put(fields, "code",
              single(inspect, inspect.event->at("epcList"), kBatteryPrefix, "battery URI")));
      fields["measured"] = event_time;
      break;
    }
    default:
      break;
  }

  json report;
  if (*outer == ReportType::kCorrection) {
    fields["type"] = ReportTypeName(*type);
    fields["occurred"] = occurred;
    report = {{"type", "correction"}, {"report", std::move(fields)}};
    for (std::string_view key : {kCorrects, kReason, kCorrectionOccurred}) {
      const json* value = Extension(*first.event, key);
      if (!value) {
        return Unmapped(first.index, *first.event, StrCat("a correction carries battrace:", key));
      }
      report[std::string(key)] = *value;
    }
  } else {
    report = std::move(fields);
    report["type"] = ReportTypeName(*type);
    report["occurred"] = occurred;
  }
  report["id"] = *id;
  report["reporter"] = *reporter;
  return report.dump();
}

}  // namespace

std::vector<MappedReport> ReportsFromEvents(const std::vector<json>& events, const json& context) {
  const Rebuilder rebuilder(context);
  // Groups keyed by (reporter's readPoint, report id), in the order of their first event.
  std::map<std::pair<std::string, std::string>, size_t> group_of;
  std::vector<std::vector<Indexed>> groups;
  std::vector<MappedReport> out;
  for (size_t i = 0; i < events.size(); ++i) {
    const json& event = events[i];
    std::string key;
    if (const json* id = rebuilder.Extension(event, kReportId); id && id->is_string()) {
      key = id->get<std::string>();
    } else if (auto event_id = event.find("eventID");
               event_id != event.end() && event_id->is_string()) {
      key = event_id->get<std::string>();
    } else {
      key = StrCat("#", std::to_string(i));  // an event of its own
    }
    const std::string reader = Str(Member(event, "readPoint"), "id");
    auto [it, inserted] = group_of.emplace(std::make_pair(reader, key), groups.size());
    if (inserted) groups.emplace_back();
    groups[it->second].push_back({i, &event});
  }
  out.reserve(groups.size());
  for (const std::vector<Indexed>& group : groups)
    out.push_back({group.front().index, rebuilder.Rebuild(group)});
  return out;
}

}  // namespace battrace::epcis
