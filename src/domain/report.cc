// Report format v1: the strict parser (simdjson DOM, the ingest hot path) and the stored form.
//
// Each report type has a field table (name, required) and a reader that fills optionals from
// the object and then builds the typed body. The envelope is read in a first pass over the
// object and the body in a second, each skipping the other's keys, so every key is checked
// exactly once against exactly one table. Errors are built by strict_json::Reader.
#include "domain/report.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <span>
#include <type_traits>
#include <unordered_map>
#include <utility>

#include "core/cas.h"
#include "core/gs1.h"
#include "domain/strict_json.h"

namespace battrace {
namespace {

using namespace strict_json;  // NOLINT(google-build-using-namespace): the field layer

constexpr size_t kIdMax = 128;       // report ids, outlet ids, `corrects`
constexpr size_t kNameMax = 512;     // names, models, addresses, stations, certificates
constexpr size_t kReasonMax = 2000;  // a correction's reason
constexpr size_t kUriMax = 2048;

constexpr std::array<std::string_view, 8> kSourceNames = {
    "rnd", "production", "installation", "repair", "swap", "dismantling", "outlet", "recycling"};
constexpr std::array<std::string_view, 4> kProcessNames = {"dismantling", "crushing", "sorting",
                                                           "smelting"};
constexpr std::array<std::string_view, 2> kOutletKindNames = {"collection", "centralized"};
constexpr std::array<std::string_view, 3> kOriginKindNames = {"remanufactured", "repurposed",
                                                              "reused"};
constexpr std::array<std::string_view, 4> kCategoryNames = {"ev", "lmt", "industrial",
                                                            "stationary"};
constexpr std::array<std::string_view, 6> kComponentNames = {"cathode",   "anode",  "electrolyte",
                                                             "separator", "casing", "other"};
constexpr std::array<std::string_view, 3> kHazardClassNames = {"acute_toxicity", "skin_corrosion",
                                                               "eye_damage"};
constexpr std::array<std::string_view, 5> kPerformanceClasses = {"A", "B", "C", "D", "E"};
constexpr size_t kModelMax = 64;        // a declared battery model
constexpr size_t kSerialFieldMax = 64;  // read as a string, then held to AI (21)'s 20

// --- the schema: one table per object; Reader::Fields checks each value's kind ---

constexpr std::array<Field, 7> kEnvelope = {{{"id", true, Kind::kString},
                                             {"type", true, Kind::kString},
                                             {"reporter", true, Kind::kString},
                                             {"occurred", true, Kind::kString},
                                             {"reported", false, Kind::kString},
                                             {"raw_scans", false, Kind::kObject},
                                             {"receipt", false, Kind::kString}}};
constexpr std::array<std::string_view, 7> kEnvelopeKeys = {
    "id", "type", "reporter", "occurred", "reported", "raw_scans", "receipt"};
// The one value of `receipt` (docs/ledger-format.md, "Replayed receipt times").
constexpr std::array<std::string_view, 1> kReceiptNames = {"replayed"};
// A corrected report's id, reporter and receipt time are its correction's; they are listed so
// that their presence gets a message saying so.
constexpr std::array<Field, 6> kNestedEnvelope = {{{"type", true, Kind::kString},
                                                   {"occurred", true, Kind::kString},
                                                   {"raw_scans", false, Kind::kObject},
                                                   {"id", false, Kind::kString},
                                                   {"reporter", false, Kind::kString},
                                                   {"reported", false, Kind::kString}}};
constexpr std::array<std::string_view, 3> kNestedKeys = {"type", "occurred", "raw_scans"};
constexpr std::array<Field, 4> kMaterialsFields = {{{"li_kg", true, Kind::kNumber},
                                                    {"co_kg", true, Kind::kNumber},
                                                    {"ni_kg", true, Kind::kNumber},
                                                    {"mn_kg", true, Kind::kNumber}}};
constexpr std::array<Field, 11> kBatteryProducedFields = {
    {{"code", true, Kind::kString},
     {"parts", false, Kind::kStringList},
     {"model", false, Kind::kString},
     {"rated_capacity_ah", false, Kind::kNumber},
     {"nominal_voltage_v", false, Kind::kNumber},
     {"rated_energy_kwh", false, Kind::kNumber},
     {"mass_kg", false, Kind::kNumber},
     {"materials", false, Kind::kObject, kMaterialsFields},
     {"origin_codes", false, Kind::kStringList},
     {"serial", false, Kind::kString},
     {"origin_kind", false, Kind::kString}}};
constexpr std::array<Field, 8> kVehicleProducedFields = {{{"vin", true, Kind::kString},
                                                          {"vehicle_type", true, Kind::kString},
                                                          {"brand", true, Kind::kString},
                                                          {"model", true, Kind::kString},
                                                          {"name", true, Kind::kString},
                                                          {"packs", true, Kind::kStringList},
                                                          {"imported", false, Kind::kBool},
                                                          {"swappable", false, Kind::kBool}}};
constexpr std::array<Field, 3> kVehicleSoldFields = {{{"vin", true, Kind::kString},
                                                      {"sale_date", true, Kind::kString},
                                                      {"division", true, Kind::kString}}};
constexpr std::array<Field, 4> kBatteryReplacedFields = {{{"vin", true, Kind::kString},
                                                          {"removed", true, Kind::kStringList},
                                                          {"installed", true, Kind::kStringList},
                                                          {"repairer", false, Kind::kString}}};
constexpr std::array<Field, 4> kBatterySwappedFields = {{{"vin", true, Kind::kString},
                                                         {"removed", true, Kind::kString},
                                                         {"installed", true, Kind::kString},
                                                         {"station", true, Kind::kString}}};
constexpr std::array<Field, 5> kBatteryOutboundFields = {{{"codes", true, Kind::kStringList},
                                                          {"to", true, Kind::kString},
                                                          {"outlet", false, Kind::kString},
                                                          {"source", true, Kind::kString},
                                                          {"mass_kg", false, Kind::kNumber}}};
constexpr std::array<Field, 4> kBatteryInboundFields = {{{"codes", true, Kind::kStringList},
                                                         {"from", true, Kind::kString},
                                                         {"outlet", false, Kind::kString},
                                                         {"mass_kg", false, Kind::kNumber}}};
constexpr std::array<Field, 3> kVehicleScrappedFields = {
    {{"vin", true, Kind::kString},
     {"certificate", true, Kind::kString},
     {"packs_present", true, Kind::kStringList}}};
constexpr std::array<Field, 2> kBatteryUtilizedFields = {
    {{"codes", true, Kind::kStringList}, {"process", true, Kind::kString}}};
constexpr std::array<Field, 2> kProductFields = {
    {{"material", true, Kind::kString}, {"mass_kg", true, Kind::kNumber}}};
constexpr std::array<Field, 2> kProductOutboundFields = {
    {{"products", true, Kind::kObjectList, kProductFields}, {"to", true, Kind::kString}}};
// An outlet being registered or changed is described in full; a closing one by its id.
constexpr std::array<Field, 7> kOutletFull = {{{"id", true, Kind::kString},
                                               {"name", true, Kind::kString},
                                               {"address", true, Kind::kString},
                                               {"division", true, Kind::kString},
                                               {"kind", true, Kind::kString},
                                               {"capacity_t", false, Kind::kNumber},
                                               {"area_m2", false, Kind::kNumber}}};
constexpr std::array<Field, 7> kOutletClosing = {{{"id", true, Kind::kString},
                                                  {"name", false, Kind::kString},
                                                  {"address", false, Kind::kString},
                                                  {"division", false, Kind::kString},
                                                  {"kind", false, Kind::kString},
                                                  {"capacity_t", false, Kind::kNumber},
                                                  {"area_m2", false, Kind::kNumber}}};
constexpr std::array<Field, 1> kOutletFields = {{{"outlet", true, Kind::kObject, kOutletFull}}};
constexpr std::array<Field, 1> kOutletClosedFields = {
    {{"outlet", true, Kind::kObject, kOutletClosing}}};
constexpr std::array<Field, 2> kDocumentFields = {
    {{"uri", true, Kind::kString}, {"sha256", true, Kind::kString}}};
constexpr std::array<Field, 2> kModelDisassemblyInfoFields = {
    {{"vehicle_model", true, Kind::kString}, {"document", true, Kind::kObject, kDocumentFields}}};
constexpr std::array<Field, 2> kChemistryFields = {
    {{"short_name", false, Kind::kString}, {"clear_name", false, Kind::kString}}};
constexpr std::array<Field, 4> kCarbonStagesFields = {
    {{"raw_material_extraction", false, Kind::kNumber},
     {"main_production", false, Kind::kNumber},
     {"distribution", false, Kind::kNumber},
     {"recycling", false, Kind::kNumber}}};
constexpr std::array<Field, 4> kCarbonFootprintFields = {
    {{"per_kwh", true, Kind::kNumber},
     {"class", false, Kind::kString},
     {"stages", false, Kind::kObject, kCarbonStagesFields},
     {"study", false, Kind::kString}}};
constexpr std::array<Field, 2> kRecycledShareFields = {
    {{"pre_consumer", true, Kind::kNumber}, {"post_consumer", true, Kind::kNumber}}};
constexpr std::array<Field, 4> kRecycledContentFields = {
    {{"nickel", false, Kind::kObject, kRecycledShareFields},
     {"cobalt", false, Kind::kObject, kRecycledShareFields},
     {"lithium", false, Kind::kObject, kRecycledShareFields},
     {"lead", false, Kind::kObject, kRecycledShareFields}}};
constexpr std::array<Field, 5> kModelMaterialFields = {{{"name", true, Kind::kString},
                                                        {"cas", false, Kind::kString},
                                                        {"mass_kg", false, Kind::kNumber},
                                                        {"critical", false, Kind::kBool},
                                                        {"component", false, Kind::kString}}};
constexpr std::array<Field, 5> kHazardousFields = {{{"name", true, Kind::kString},
                                                    {"cas", false, Kind::kString},
                                                    {"class", false, Kind::kString},
                                                    {"concentration_pct", false, Kind::kNumber},
                                                    {"component", false, Kind::kString}}};
constexpr std::array<Field, 4> kLifetimeFields = {
    {{"expected_years", false, Kind::kNumber},
     {"cycle_life", false, Kind::kNumber},
     {"cycle_life_test", false, Kind::kString},
     {"capacity_threshold_pct", false, Kind::kNumber}}};
constexpr std::array<Field, 7> kElectricalFields = {
    {{"voltage_min_v", false, Kind::kNumber},
     {"voltage_nominal_v", false, Kind::kNumber},
     {"voltage_max_v", false, Kind::kNumber},
     {"power_rated_kw", false, Kind::kNumber},
     {"power_max_kw", false, Kind::kNumber},
     {"round_trip_efficiency_pct", false, Kind::kNumber},
     {"internal_resistance_mohm", false, Kind::kNumber}}};
constexpr std::array<Field, 2> kTemperatureRangeFields = {
    {{"min", true, Kind::kNumber}, {"max", true, Kind::kNumber}}};
constexpr std::array<Field, 4> kModelDocumentsFields = {
    {{"declaration_of_conformity", false, Kind::kString},
     {"test_report", false, Kind::kString},
     {"dismantling_manual", false, Kind::kString},
     {"due_diligence_report", false, Kind::kString}}};
constexpr std::array<Field, 15> kBatteryModelDeclaredFields = {
    {{"model", true, Kind::kString},
     {"category", true, Kind::kString},
     {"gtin", false, Kind::kString},
     {"chemistry", false, Kind::kObject, kChemistryFields},
     {"carbon_footprint", false, Kind::kObject, kCarbonFootprintFields},
     {"recycled_content", false, Kind::kObject, kRecycledContentFields},
     {"renewable_content_pct", false, Kind::kNumber},
     {"materials", false, Kind::kObjectList, kModelMaterialFields},
     {"hazardous_substances", false, Kind::kObjectList, kHazardousFields},
     {"extinguishing_agents", false, Kind::kStringList},
     {"lifetime", false, Kind::kObject, kLifetimeFields},
     {"electrical", false, Kind::kObject, kElectricalFields},
     {"idle_temperature_c", false, Kind::kObject, kTemperatureRangeFields},
     {"warranty_months", false, Kind::kNumber},
     {"documents", false, Kind::kObject, kModelDocumentsFields}}};
constexpr std::array<Field, 4> kTemperatureHoursFields = {{{"high", false, Kind::kNumber},
                                                           {"low", false, Kind::kNumber},
                                                           {"high_charging", false, Kind::kNumber},
                                                           {"low_charging", false, Kind::kNumber}}};
constexpr std::array<Field, 2> kAccidentFields = {
    {{"date", true, Kind::kString}, {"description", true, Kind::kString}}};
constexpr std::array<Field, 14> kBatteryHealthFields = {
    {{"code", true, Kind::kString},
     {"measured", true, Kind::kString},
     {"soh_capacity_pct", false, Kind::kNumber},
     {"remaining_capacity_ah", false, Kind::kNumber},
     {"soh_energy_pct", false, Kind::kNumber},
     {"remaining_energy_kwh", false, Kind::kNumber},
     {"soc_pct", false, Kind::kNumber},
     {"full_cycles", false, Kind::kNumber},
     {"energy_throughput_kwh", false, Kind::kNumber},
     {"capacity_throughput_ah", false, Kind::kNumber},
     {"extreme_temperature_hours", false, Kind::kObject, kTemperatureHoursFields},
     {"deep_discharge_events", false, Kind::kNumber},
     {"overcharge_events", false, Kind::kNumber},
     {"accidents", false, Kind::kObjectList, kAccidentFields}}};
// The fields of `report` depend on its type: see FlatFieldOf.
constexpr std::array<Field, 3> kCorrectionFields = {{{"corrects", true, Kind::kString},
                                                     {"reason", true, Kind::kString},
                                                     {"report", true, Kind::kObject}}};

// The body fields of each report type, indexed by ReportType.
constexpr std::array<std::span<const Field>, kReportTypeCount> kBodyFields = {
    kBatteryProducedFields,
    kVehicleProducedFields,
    kVehicleSoldFields,
    kBatteryReplacedFields,
    kBatterySwappedFields,
    kBatteryOutboundFields,
    kBatteryInboundFields,
    kVehicleScrappedFields,
    kBatteryUtilizedFields,
    kProductOutboundFields,
    kOutletFields,
    kOutletFields,
    kOutletClosedFields,
    kModelDisassemblyInfoFields,
    kBatteryModelDeclaredFields,
    kBatteryHealthFields,
    kCorrectionFields};

// Calls fn(field name, index or npos for a single code, code) for every battery code of a body,
// in the stored form's field order. Body may be const or not.
template <typename Body, typename Fn>
void ForEachCode(Body& body, Fn&& fn) {
  constexpr size_t kSingle = std::string_view::npos;
  auto list = [&](std::string_view name, auto& codes) {
    for (size_t i = 0; i < codes.size(); ++i)
      fn(name, i, codes[i]);
  };
  std::visit(
      [&](auto& b) {
        using T = std::remove_cvref_t<decltype(b)>;
        if constexpr (std::is_same_v<T, BatteryProduced>) {
          fn("code", kSingle, b.code);
          list("origin_codes", b.origin_codes);
          list("parts", b.parts);
        } else if constexpr (std::is_same_v<T, VehicleProduced>) {
          list("packs", b.packs);
        } else if constexpr (std::is_same_v<T, BatteryReplaced>) {
          list("installed", b.installed);
          list("removed", b.removed);
        } else if constexpr (std::is_same_v<T, BatterySwapped>) {
          fn("installed", kSingle, b.installed);
          fn("removed", kSingle, b.removed);
        } else if constexpr (std::is_same_v<T, BatteryOutbound> ||
                             std::is_same_v<T, BatteryInbound> ||
                             std::is_same_v<T, BatteryUtilized>) {
          list("codes", b.codes);
        } else if constexpr (std::is_same_v<T, VehicleScrapped>) {
          list("packs_present", b.packs_present);
        } else if constexpr (std::is_same_v<T, BatteryHealth>) {
          fn("code", kSingle, b.code);
        }
      },
      body);
}

std::string CodePointer(std::string_view field, size_t index) {
  std::string p = "/";
  p += field;
  if (index != std::string_view::npos) p += "/" + std::to_string(index);
  return p;
}

class ReportParser {
 public:
  explicit ReportParser(const ParseOptions& options) : options_(options), r_("report") {}

  Result<Report> Top(element root) {
    object obj;
    BATTRACE_RETURN_IF_ERROR(r_.Object(root, Path(), &obj));
    const Path root_path;
    std::string_view id;
    std::optional<ReportType> type;
    std::optional<Uscc> reporter;
    std::optional<Date> occurred;
    std::optional<Instant> reported;
    std::optional<object> raw_scans;
    bool replayed = false;
    BATTRACE_RETURN_IF_ERROR(r_.Fields(
        obj, root_path, kEnvelope, Others::kIgnore, {}, [&](size_t i, element v, const Path& p) {
          switch (i) {
            case 0:
              return r_.String(v, p, Charset::kIdentifier, kIdMax, &id);
            case 1:
              return Type(v, p, &type);
            case 2:
              return r_.Uscc(v, p, &reporter);
            case 3:
              return r_.Date(v, p, &occurred);
            case 4:
              return Reported(v, p, &reported);
            case 5:
              return RawScans(v, p, &raw_scans);
            default:
              return Receipt(v, p, &replayed);
          }
        }));
    auto body = Body(*type, obj, root_path, raw_scans, kEnvelopeKeys);
    if (!body.ok()) return body.status();
    BATTRACE_RETURN_IF_ERROR(MeasuredOn(body.value(), *occurred, root_path));
    return Report{
        std::string(id), std::move(*reporter), *occurred, reported, std::move(body).value(),
        replayed,        std::move(warnings_)};
  }

 private:
  Status Type(element v, const Path& p, std::optional<ReportType>* out) const {
    size_t index = 0;
    std::array<std::string_view, kReportTypeCount> names;
    for (size_t i = 0; i < kReportTypeCount; ++i) {
      names[i] = ReportTypeName(static_cast<ReportType>(i));
    }
    BATTRACE_RETURN_IF_ERROR(r_.Enum(v, p, names, &index));
    *out = static_cast<ReportType>(index);
    return Status::Ok();
  }

  Status ReplayOnly(const Path& p, std::string_view what) const {
    return r_.Error(p, "replay_only",
                    fmt::format("{} is set by the platform; use import --replay", what));
  }

  Status Reported(element v, const Path& p, std::optional<Instant>* out) const {
    if (!options_.replay) return ReplayOnly(p, "reported");
    std::string_view s;
    BATTRACE_RETURN_IF_ERROR(r_.String(v, p, Charset::kIdentifier, 64, &s));
    auto t = ParseTimestamp(s);
    if (!t.ok()) return strict_json::Reader::Relocate(t.status(), p);
    *out = *t;
    return Status::Ok();
  }

  Status Receipt(element v, const Path& p, bool* replayed) const {
    if (!options_.replay) return ReplayOnly(p, "receipt");
    size_t index = 0;
    BATTRACE_RETURN_IF_ERROR(r_.Enum(v, p, kReceiptNames, &index));
    *replayed = true;
    return Status::Ok();
  }

  Status RawScans(element v, const Path& p, std::optional<object>* out) const {
    if (!options_.replay) return ReplayOnly(p, "raw_scans");
    object o;
    BATTRACE_RETURN_IF_ERROR(r_.Object(v, p, &o));
    *out = o;
    return Status::Ok();
  }

  // The body of `type` from `obj`, whose envelope keys `skip` were read already; then the raw
  // scans of the stored form, if any, are put back on their codes.
  Result<ReportBody> Body(ReportType type, object obj, const Path& p,
                          const std::optional<object>& raw_scans,
                          std::span<const std::string_view> skip) {
    Result<ReportBody> body = ReadBody(type, obj, p, skip);
    if (body.ok() && raw_scans) {
      BATTRACE_RETURN_IF_ERROR(ApplyRawScans(*raw_scans, p.Key("raw_scans"), &body.value()));
    }
    return body;
  }

  Result<ReportBody> ReadBody(ReportType type, object obj, const Path& p,
                              std::span<const std::string_view> skip) {
    switch (type) {
      case ReportType::kBatteryProduced:
        return BatteryProducedBody(obj, p, skip);
      case ReportType::kVehicleProduced:
        return VehicleProducedBody(obj, p, skip);
      case ReportType::kVehicleSold:
        return VehicleSoldBody(obj, p, skip);
      case ReportType::kBatteryReplaced:
        return BatteryReplacedBody(obj, p, skip);
      case ReportType::kBatterySwapped:
        return BatterySwappedBody(obj, p, skip);
      case ReportType::kBatteryOutbound:
        return BatteryOutboundBody(obj, p, skip);
      case ReportType::kBatteryInbound:
        return BatteryInboundBody(obj, p, skip);
      case ReportType::kVehicleScrapped:
        return VehicleScrappedBody(obj, p, skip);
      case ReportType::kBatteryUtilized:
        return BatteryUtilizedBody(obj, p, skip);
      case ReportType::kProductOutbound:
        return ProductOutboundBody(obj, p, skip);
      case ReportType::kOutletRegistered:
      case ReportType::kOutletChanged:
      case ReportType::kOutletClosed:
        return OutletBody(type, obj, p, skip);
      case ReportType::kModelDisassemblyInfo:
        return ModelDisassemblyInfoBody(obj, p, skip);
      case ReportType::kBatteryModelDeclared:
        return BatteryModelDeclaredBody(obj, p, skip);
      case ReportType::kBatteryHealth:
        return BatteryHealthBody(obj, p, skip);
      case ReportType::kCorrection:
        return CorrectionBody(obj, p, skip);
    }
    return r_.Error(p.Key("type"), "enum", "unknown report type");
  }

  // --- values ---

  Status Text(element v, const Path& p, size_t max, std::string* out) const {
    std::string_view s;
    BATTRACE_RETURN_IF_ERROR(r_.String(v, p, Charset::kText, max, &s));
    out->assign(s);
    return Status::Ok();
  }
  Status Text(element v, const Path& p, size_t max, std::optional<std::string>* out) const {
    return Text(v, p, max, &out->emplace());
  }
  Status Id(element v, const Path& p, std::string* out) const {
    std::string_view s;
    BATTRACE_RETURN_IF_ERROR(r_.String(v, p, Charset::kIdentifier, kIdMax, &s));
    out->assign(s);
    return Status::Ok();
  }
  Status Number(element v, const Path& p, std::optional<double>* out) const {
    return r_.Number(v, p, &out->emplace());
  }

  Status Code(element v, const Path& p, std::optional<ScannedCode>* out) const {
    std::string_view s;
    if (v.get_string().get(s)) return r_.Error(p, "type", "must be a battery code string");
    std::vector<CodeIssue> warnings;
    auto code = BatteryCode::Parse(s, options_.codes, &warnings);
    if (!code.ok()) return strict_json::Reader::Relocate(code.status(), p);
    if (!warnings.empty()) {
      const std::string pointer = p.ToString();
      for (CodeIssue& w : warnings) {
        warnings_.push_back({pointer, std::move(w.rule), std::move(w.message)});
      }
    }
    std::string raw = s == code->str() ? std::string() : std::string(s);
    out->emplace(ScannedCode{std::move(code).value(), std::move(raw)});
    return Status::Ok();
  }

  Status Pack(element v, const Path& p, std::optional<ScannedCode>* out) const {
    BATTRACE_RETURN_IF_ERROR(Code(v, p, out));
    return RequirePack((*out)->code, p);
  }

  Status RequirePack(const BatteryCode& code, const Path& p) const {
    if (code.product_type() == ProductType::kPack) return Status::Ok();
    return r_.Error(p, "product_type",
                    "must be a pack code (4th character P), not a " +
                        std::string(ProductTypeName(code.product_type())));
  }

  // A list of distinct battery codes; `packs_only` requires product type P.
  Status Codes(element v, const Path& p, bool non_empty, bool packs_only,
               std::vector<ScannedCode>* out) const {
    array a;
    BATTRACE_RETURN_IF_ERROR(r_.Array(v, p, non_empty, &a));
    out->reserve(a.size());
    size_t i = 0;
    for (element e : a) {
      const Path ep = p.Index(i++);
      std::optional<ScannedCode> code;
      BATTRACE_RETURN_IF_ERROR(Code(e, ep, &code));
      if (packs_only) BATTRACE_RETURN_IF_ERROR(RequirePack(code->code, ep));
      out->push_back(std::move(*code));
    }
    return NoDuplicates(*out, p);
  }

  // The first entry (lowest index) repeating an earlier one is the error.
  Status NoDuplicates(const std::vector<ScannedCode>& codes, const Path& p) const {
    if (codes.size() < 2) return Status::Ok();
    std::vector<std::pair<std::string_view, size_t>> sorted;
    sorted.reserve(codes.size());
    for (size_t i = 0; i < codes.size(); ++i)
      sorted.emplace_back(codes[i].code.str(), i);
    std::sort(sorted.begin(), sorted.end());
    size_t first_dup = codes.size();
    size_t original = 0;
    for (size_t i = 1; i < sorted.size(); ++i) {
      if (sorted[i].first == sorted[i - 1].first && sorted[i].second < first_dup) {
        first_dup = sorted[i].second;
        size_t j = i - 1;
        while (j > 0 && sorted[j - 1].first == sorted[i].first)
          --j;
        original = sorted[j].second;
      }
    }
    if (first_dup == codes.size()) return Status::Ok();
    return r_.Error(
        p.Index(first_dup), "duplicate_code",
        fmt::format("code {} already appears at index {}", codes[first_dup].code.str(), original));
  }

  template <typename E, size_t N>
  Status EnumValue(element v, const Path& p, const std::array<std::string_view, N>& names,
                   std::optional<E>* out) const {
    size_t index = 0;
    BATTRACE_RETURN_IF_ERROR(r_.Enum(v, p, names, &index));
    *out = static_cast<E>(index);
    return Status::Ok();
  }

  // A number from 0 to 100.
  Status Percent(element v, const Path& p, std::optional<double>* out) const {
    BATTRACE_RETURN_IF_ERROR(r_.Number(v, p, &out->emplace()));
    if (**out > 100) return r_.Error(p, "range", "must be a percentage from 0 to 100");
    return Status::Ok();
  }
  Status Percent(element v, const Path& p, double* out) const {
    std::optional<double> x;
    BATTRACE_RETURN_IF_ERROR(Percent(v, p, &x));
    *out = *x;
    return Status::Ok();
  }
  // A number > 0.
  Status Positive(element v, const Path& p, double* out) const {
    BATTRACE_RETURN_IF_ERROR(r_.Number(v, p, out));
    if (*out == 0) return r_.Error(p, "range", "must be a number > 0");
    return Status::Ok();
  }
  Status Positive(element v, const Path& p, std::optional<double>* out) const {
    return Positive(v, p, &out->emplace());
  }
  // A finite number of either sign (a temperature).
  Status Signed(element v, const Path& p, double* out) const {
    if (v.get_double().get(*out) || !std::isfinite(*out)) {
      return r_.Error(p, "range", "must be a finite number");
    }
    if (*out == 0) *out = 0;
    return Status::Ok();
  }
  // An integer >= `min` (at most 2^53, so that every reader of the stored form reads it exactly).
  Status Integer(element v, const Path& p, int64_t min, std::optional<int64_t>* out) const {
    constexpr double kMax = 9007199254740992.0;
    double x = 0;
    BATTRACE_RETURN_IF_ERROR(r_.Number(v, p, &x));
    if (x != std::floor(x) || x > kMax || x < static_cast<double>(min)) {
      return r_.Error(p, "range", fmt::format("must be an integer >= {}", min));
    }
    *out = static_cast<int64_t>(x);
    return Status::Ok();
  }
  // An http or https URI.
  Status HttpUri(element v, const Path& p, std::optional<std::string>* out) const {
    std::string_view s;
    BATTRACE_RETURN_IF_ERROR(r_.String(v, p, Charset::kIdentifier, kUriMax, &s));
    const bool http =
        (s.starts_with("http://") && s.size() > 7) || (s.starts_with("https://") && s.size() > 8);
    if (!http) return r_.Error(p, "format", "must be an http:// or https:// URI");
    out->emplace(s);
    return Status::Ok();
  }
  Status Gtin(element v, const Path& p, std::optional<std::string>* out) const {
    std::string_view s;
    BATTRACE_RETURN_IF_ERROR(r_.String(v, p, Charset::kIdentifier, 14, &s));
    auto gtin = ParseGtin(s);
    if (!gtin.ok()) return strict_json::Reader::Relocate(gtin.status(), p);
    *out = std::move(gtin).value();
    return Status::Ok();
  }
  Status Cas(element v, const Path& p, std::optional<std::string>* out) const {
    std::string_view s;
    BATTRACE_RETURN_IF_ERROR(r_.String(v, p, Charset::kIdentifier, 12, &s));
    const Status checked = CheckCasNumber(s);
    if (!checked.ok()) return strict_json::Reader::Relocate(checked, p);
    out->emplace(s);
    return Status::Ok();
  }
  Status Serial(element v, const Path& p, std::optional<std::string>* out) const {
    std::string_view s;
    BATTRACE_RETURN_IF_ERROR(r_.String(v, p, Charset::kIdentifier, kSerialFieldMax, &s));
    const Status checked = CheckGs1Serial(s);
    if (!checked.ok()) return strict_json::Reader::Relocate(checked, p);
    out->emplace(s);
    return Status::Ok();
  }
  // The objects of an array (an optional list: empty is as absent), each read by
  // `entry`(object, path).
  template <typename Entry>
  Status Objects(element v, const Path& p, Entry&& entry) const {
    array a;
    BATTRACE_RETURN_IF_ERROR(r_.Array(v, p, false, &a));
    size_t n = 0;
    for (element e : a) {
      const Path ep = p.Index(n++);
      object o;
      BATTRACE_RETURN_IF_ERROR(r_.Object(e, ep, &o));
      BATTRACE_RETURN_IF_ERROR(entry(o, ep));
    }
    return Status::Ok();
  }
  // An object whose fields are all optional numbers, read by `read`(value, path, slot).
  template <size_t N, typename Read>
  Status NumberObject(element v, const Path& p, std::span<const Field> fields,
                      const std::array<std::optional<double>*, N>& slots, Read&& read) const {
    object o;
    BATTRACE_RETURN_IF_ERROR(r_.Object(v, p, &o));
    return r_.Fields(o, p, fields, Others::kReject, {},
                     [&](size_t i, element fv, const Path& fp) { return read(fv, fp, slots[i]); });
  }

  // A battery.health's `measured` falls on its `occurred` (Beijing time).
  Status MeasuredOn(const ReportBody& body, Date occurred, const Path& p) const {
    const auto* h = std::get_if<BatteryHealth>(&body);
    if (h == nullptr || BeijingDate(h->measured_at) == occurred) return Status::Ok();
    return r_.Error(
        p.Key("measured"), "measured_date",
        fmt::format("measured {} falls on {} in Beijing time; the report's occurred "
                    "is {}",
                    h->measured, BeijingDate(h->measured_at).ToString(), occurred.ToString()));
  }

  // --- bodies ---

  Result<ReportBody> BatteryProducedBody(object obj, const Path& p,
                                         std::span<const std::string_view> skip) const {
    std::optional<ScannedCode> code;
    // Every member but the code; the code is moved in once read.
    struct Rest {
      std::vector<ScannedCode> parts;
      std::optional<std::string> model;
      std::optional<double> rated_capacity_ah, nominal_voltage_v, rated_energy_kwh, mass_kg;
      std::optional<Materials> materials;
      std::vector<ScannedCode> origin_codes;
      std::optional<std::string> serial;
      std::optional<OriginKind> origin_kind;
    } b;
    BATTRACE_RETURN_IF_ERROR(r_.Fields(obj, p, kBatteryProducedFields, Others::kReject, skip,
                                       [&](size_t i, element v, const Path& fp) -> Status {
                                         switch (i) {
                                           case 0:
                                             return Code(v, fp, &code);
                                           case 1:
                                             return Codes(v, fp, false, false, &b.parts);
                                           case 2:
                                             return Text(v, fp, kNameMax, &b.model);
                                           case 3:
                                             return Number(v, fp, &b.rated_capacity_ah);
                                           case 4:
                                             return Number(v, fp, &b.nominal_voltage_v);
                                           case 5:
                                             return Number(v, fp, &b.rated_energy_kwh);
                                           case 6:
                                             return Number(v, fp, &b.mass_kg);
                                           case 7:
                                             return MaterialsValue(v, fp, &b.materials);
                                           case 8:
                                             return Codes(v, fp, false, false, &b.origin_codes);
                                           case 9:
                                             return Serial(v, fp, &b.serial);
                                           default:
                                             return EnumValue(v, fp, kOriginKindNames,
                                                              &b.origin_kind);
                                         }
                                       }));
    if (b.origin_kind && b.origin_codes.empty()) {
      return r_.Error(p.Key("origin_kind"), "origin_kind",
                      "origin_kind says how a battery was made from its origin_codes; this "
                      "battery has none");
    }
    BatteryProduced produced{std::move(*code),    std::move(b.parts),  std::move(b.model),
                             b.rated_capacity_ah, b.nominal_voltage_v, b.rated_energy_kwh,
                             b.mass_kg,           b.materials,         std::move(b.origin_codes),
                             std::move(b.serial), b.origin_kind};
    BATTRACE_RETURN_IF_ERROR(PartsFit(produced, p.Key("parts")));
    return ReportBody(std::move(produced));
  }

  // A pack holds modules or cells, a module holds cells, a cell holds nothing.
  Status PartsFit(const BatteryProduced& b, const Path& p) const {
    const ProductType parent = b.code.code.product_type();
    for (size_t i = 0; i < b.parts.size(); ++i) {
      const ProductType child = b.parts[i].code.product_type();
      const bool fits = (parent == ProductType::kPack && child != ProductType::kPack) ||
                        (parent == ProductType::kModule && child == ProductType::kCell);
      if (!fits) {
        return r_.Error(p.Index(i), "product_type",
                        fmt::format("a {} cannot contain a {}", ProductTypeName(parent),
                                    ProductTypeName(child)));
      }
    }
    return Status::Ok();
  }

  Status MaterialsValue(element v, const Path& p, std::optional<Materials>* out) const {
    object o;
    BATTRACE_RETURN_IF_ERROR(r_.Object(v, p, &o));
    Materials& m = out->emplace();
    std::array<double*, 4> slots = {&m.li_kg, &m.co_kg, &m.ni_kg, &m.mn_kg};
    return r_.Fields(
        o, p, kMaterialsFields, Others::kReject, {},
        [&](size_t i, element fv, const Path& fp) { return r_.Number(fv, fp, slots[i]); });
  }

  Result<ReportBody> VehicleProducedBody(object obj, const Path& p,
                                         std::span<const std::string_view> skip) const {
    std::optional<Vin> vin;
    std::string vehicle_type, brand, model, name;
    std::vector<ScannedCode> packs;
    bool imported = false, swappable = false;
    BATTRACE_RETURN_IF_ERROR(r_.Fields(obj, p, kVehicleProducedFields, Others::kReject, skip,
                                       [&](size_t i, element v, const Path& fp) -> Status {
                                         switch (i) {
                                           case 0:
                                             return r_.Vin(v, fp, &vin);
                                           case 1:
                                             return Text(v, fp, kNameMax, &vehicle_type);
                                           case 2:
                                             return Text(v, fp, kNameMax, &brand);
                                           case 3:
                                             return Text(v, fp, kNameMax, &model);
                                           case 4:
                                             return Text(v, fp, kNameMax, &name);
                                           case 5:
                                             return Codes(v, fp, true, true, &packs);
                                           case 6:
                                             return r_.Bool(v, fp, &imported);
                                           default:
                                             return r_.Bool(v, fp, &swappable);
                                         }
                                       }));
    return ReportBody(VehicleProduced{std::move(*vin), std::move(vehicle_type), std::move(brand),
                                      std::move(model), std::move(name), std::move(packs), imported,
                                      swappable});
  }

  Result<ReportBody> VehicleSoldBody(object obj, const Path& p,
                                     std::span<const std::string_view> skip) const {
    std::optional<Vin> vin;
    std::optional<Date> sale_date;
    std::optional<Division> division;
    BATTRACE_RETURN_IF_ERROR(r_.Fields(obj, p, kVehicleSoldFields, Others::kReject, skip,
                                       [&](size_t i, element v, const Path& fp) -> Status {
                                         if (i == 0) return r_.Vin(v, fp, &vin);
                                         if (i == 1) return r_.Date(v, fp, &sale_date);
                                         return r_.Division(v, fp, &division);
                                       }));
    return ReportBody(VehicleSold{std::move(*vin), *sale_date, std::move(*division)});
  }

  Result<ReportBody> BatteryReplacedBody(object obj, const Path& p,
                                         std::span<const std::string_view> skip) const {
    std::optional<Vin> vin;
    std::vector<ScannedCode> removed, installed;
    std::optional<Uscc> repairer;
    BATTRACE_RETURN_IF_ERROR(r_.Fields(obj, p, kBatteryReplacedFields, Others::kReject, skip,
                                       [&](size_t i, element v, const Path& fp) -> Status {
                                         switch (i) {
                                           case 0:
                                             return r_.Vin(v, fp, &vin);
                                           case 1:
                                             return Codes(v, fp, true, false, &removed);
                                           case 2:
                                             return Codes(v, fp, true, false, &installed);
                                           default:
                                             return r_.Uscc(v, fp, &repairer);
                                         }
                                       }));
    return ReportBody(
        BatteryReplaced{std::move(*vin), std::move(removed), std::move(installed), repairer});
  }

  Result<ReportBody> BatterySwappedBody(object obj, const Path& p,
                                        std::span<const std::string_view> skip) const {
    std::optional<Vin> vin;
    std::optional<ScannedCode> removed, installed;
    std::string station;
    BATTRACE_RETURN_IF_ERROR(r_.Fields(obj, p, kBatterySwappedFields, Others::kReject, skip,
                                       [&](size_t i, element v, const Path& fp) -> Status {
                                         switch (i) {
                                           case 0:
                                             return r_.Vin(v, fp, &vin);
                                           case 1:
                                             return Pack(v, fp, &removed);
                                           case 2:
                                             return Pack(v, fp, &installed);
                                           default:
                                             return Text(v, fp, kNameMax, &station);
                                         }
                                       }));
    if (removed->code == installed->code) {
      return r_.Error(p.Key("installed"), "duplicate_code",
                      "the installed pack is the removed pack");
    }
    return ReportBody(BatterySwapped{std::move(*vin), std::move(*removed), std::move(*installed),
                                     std::move(station)});
  }

  Result<ReportBody> BatteryOutboundBody(object obj, const Path& p,
                                         std::span<const std::string_view> skip) const {
    std::vector<ScannedCode> codes;
    std::optional<Uscc> to;
    std::optional<std::string> outlet;
    std::optional<WasteSource> source;
    std::optional<double> mass_kg;
    BATTRACE_RETURN_IF_ERROR(r_.Fields(obj, p, kBatteryOutboundFields, Others::kReject, skip,
                                       [&](size_t i, element v, const Path& fp) -> Status {
                                         switch (i) {
                                           case 0:
                                             return Codes(v, fp, true, false, &codes);
                                           case 1:
                                             return r_.Uscc(v, fp, &to);
                                           case 2:
                                             return Id(v, fp, &outlet.emplace());
                                           case 3:
                                             return EnumValue(v, fp, kSourceNames, &source);
                                           default:
                                             return Number(v, fp, &mass_kg);
                                         }
                                       }));
    return ReportBody(
        BatteryOutbound{std::move(codes), std::move(*to), std::move(outlet), *source, mass_kg});
  }

  Result<ReportBody> BatteryInboundBody(object obj, const Path& p,
                                        std::span<const std::string_view> skip) const {
    std::vector<ScannedCode> codes;
    std::optional<Uscc> from;
    std::optional<std::string> outlet;
    std::optional<double> mass_kg;
    BATTRACE_RETURN_IF_ERROR(r_.Fields(obj, p, kBatteryInboundFields, Others::kReject, skip,
                                       [&](size_t i, element v, const Path& fp) -> Status {
                                         switch (i) {
                                           case 0:
                                             return Codes(v, fp, true, false, &codes);
                                           case 1:
                                             return r_.Uscc(v, fp, &from);
                                           case 2:
                                             return Id(v, fp, &outlet.emplace());
                                           default:
                                             return Number(v, fp, &mass_kg);
                                         }
                                       }));
    return ReportBody(
        BatteryInbound{std::move(codes), std::move(*from), std::move(outlet), mass_kg});
  }

  Result<ReportBody> VehicleScrappedBody(object obj, const Path& p,
                                         std::span<const std::string_view> skip) const {
    std::optional<Vin> vin;
    std::string certificate;
    std::vector<ScannedCode> packs;
    BATTRACE_RETURN_IF_ERROR(r_.Fields(obj, p, kVehicleScrappedFields, Others::kReject, skip,
                                       [&](size_t i, element v, const Path& fp) -> Status {
                                         if (i == 0) return r_.Vin(v, fp, &vin);
                                         if (i == 1) return Text(v, fp, kNameMax, &certificate);
                                         return Codes(v, fp, false, true, &packs);
                                       }));
    return ReportBody(VehicleScrapped{std::move(*vin), std::move(certificate), std::move(packs)});
  }

  Result<ReportBody> BatteryUtilizedBody(object obj, const Path& p,
                                         std::span<const std::string_view> skip) const {
    std::vector<ScannedCode> codes;
    std::optional<UtilizationProcess> process;
    BATTRACE_RETURN_IF_ERROR(r_.Fields(obj, p, kBatteryUtilizedFields, Others::kReject, skip,
                                       [&](size_t i, element v, const Path& fp) -> Status {
                                         if (i == 0) return Codes(v, fp, true, false, &codes);
                                         return EnumValue(v, fp, kProcessNames, &process);
                                       }));
    return ReportBody(BatteryUtilized{std::move(codes), *process});
  }

  Result<ReportBody> ProductOutboundBody(object obj, const Path& p,
                                         std::span<const std::string_view> skip) const {
    std::vector<Product> products;
    std::optional<Uscc> to;
    BATTRACE_RETURN_IF_ERROR(
        r_.Fields(obj, p, kProductOutboundFields, Others::kReject, skip,
                  [&](size_t i, element v, const Path& fp) -> Status {
                    if (i == 1) return r_.Uscc(v, fp, &to);
                    array a;
                    BATTRACE_RETURN_IF_ERROR(r_.Array(v, fp, true, &a));
                    size_t n = 0;
                    for (element e : a) {
                      const Path ep = fp.Index(n++);
                      object o;
                      BATTRACE_RETURN_IF_ERROR(r_.Object(e, ep, &o));
                      Product& product = products.emplace_back();
                      BATTRACE_RETURN_IF_ERROR(
                          r_.Fields(o, ep, kProductFields, Others::kReject, {},
                                    [&](size_t j, element pv, const Path& pp) {
                                      return j == 0 ? Text(pv, pp, kNameMax, &product.material)
                                                    : r_.Number(pv, pp, &product.mass_kg);
                                    }));
                    }
                    return Status::Ok();
                  }));
    return ReportBody(ProductOutbound{std::move(products), std::move(*to)});
  }

  Result<ReportBody> OutletBody(ReportType type, object obj, const Path& p,
                                std::span<const std::string_view> skip) const {
    const bool full = type != ReportType::kOutletClosed;
    std::optional<Outlet> outlet;
    BATTRACE_RETURN_IF_ERROR(r_.Fields(
        obj, p, kBodyFields[static_cast<size_t>(type)], Others::kReject, skip,
        [&](size_t, element v, const Path& fp) { return OutletValue(v, fp, full, &outlet); }));
    if (type == ReportType::kOutletRegistered) {
      return ReportBody(OutletRegistered{std::move(*outlet)});
    }
    if (type == ReportType::kOutletChanged) return ReportBody(OutletChanged{std::move(*outlet)});
    return ReportBody(OutletClosed{std::move(*outlet)});
  }

  Status OutletValue(element v, const Path& p, bool full, std::optional<Outlet>* out) const {
    object o;
    BATTRACE_RETURN_IF_ERROR(r_.Object(v, p, &o));
    Outlet& outlet = out->emplace();
    return r_.Fields(o, p, full ? std::span<const Field>(kOutletFull) : kOutletClosing,
                     Others::kReject, {}, [&](size_t i, element fv, const Path& fp) -> Status {
                       switch (i) {
                         case 0:
                           return Id(fv, fp, &outlet.id);
                         case 1:
                           return Text(fv, fp, kNameMax, &outlet.name);
                         case 2:
                           return Text(fv, fp, kNameMax, &outlet.address);
                         case 3:
                           return r_.Division(fv, fp, &outlet.division);
                         case 4:
                           return EnumValue(fv, fp, kOutletKindNames, &outlet.kind);
                         case 5:
                           return Number(fv, fp, &outlet.capacity_t);
                         default:
                           return Number(fv, fp, &outlet.area_m2);
                       }
                     });
  }

  Result<ReportBody> ModelDisassemblyInfoBody(object obj, const Path& p,
                                              std::span<const std::string_view> skip) const {
    ModelDisassemblyInfo info;
    BATTRACE_RETURN_IF_ERROR(r_.Fields(obj, p, kModelDisassemblyInfoFields, Others::kReject, skip,
                                       [&](size_t i, element v, const Path& fp) -> Status {
                                         if (i == 0)
                                           return Text(v, fp, kNameMax, &info.vehicle_model);
                                         object o;
                                         BATTRACE_RETURN_IF_ERROR(r_.Object(v, fp, &o));
                                         return r_.Fields(
                                             o, fp, kDocumentFields, Others::kReject, {},
                                             [&](size_t j, element dv, const Path& dp) -> Status {
                                               std::string_view s;
                                               if (j == 0) {
                                                 BATTRACE_RETURN_IF_ERROR(r_.String(
                                                     dv, dp, Charset::kIdentifier, kUriMax, &s));
                                                 info.document.uri.assign(s);
                                                 return Status::Ok();
                                               }
                                               return Sha256(dv, dp, &info.document.sha256);
                                             });
                                       }));
    return ReportBody(std::move(info));
  }

  Result<ReportBody> BatteryModelDeclaredBody(object obj, const Path& p,
                                              std::span<const std::string_view> skip) const {
    BatteryModelDeclared d;
    std::optional<BatteryCategory> category;
    BATTRACE_RETURN_IF_ERROR(
        r_.Fields(obj, p, kBatteryModelDeclaredFields, Others::kReject, skip,
                  [&](size_t i, element v, const Path& fp) -> Status {
                    switch (i) {
                      case 0:
                        return Text(v, fp, kModelMax, &d.model);
                      case 1:
                        return EnumValue(v, fp, kCategoryNames, &category);
                      case 2:
                        return Gtin(v, fp, &d.gtin);
                      case 3:
                        return ChemistryValue(v, fp, &d.chemistry.emplace());
                      case 4:
                        return CarbonValue(v, fp, &d.carbon_footprint.emplace());
                      case 5:
                        return RecycledValue(v, fp, &d.recycled_content.emplace());
                      case 6:
                        return Percent(v, fp, &d.renewable_content_pct);
                      case 7:
                        return Objects(v, fp, [&](object o, const Path& ep) {
                          return MaterialValue(o, ep, &d.materials.emplace_back());
                        });
                      case 8:
                        return Objects(v, fp, [&](object o, const Path& ep) {
                          return HazardValue(o, ep, &d.hazardous_substances.emplace_back());
                        });
                      case 9:
                        return Texts(v, fp, &d.extinguishing_agents);
                      case 10:
                        return LifetimeValue(v, fp, &d.lifetime.emplace());
                      case 11:
                        return ElectricalValue(v, fp, &d.electrical.emplace());
                      case 12:
                        return TemperatureRangeValue(v, fp, &d.idle_temperature_c.emplace());
                      case 13:
                        return Integer(v, fp, 1, &d.warranty_months);
                      default:
                        return DocumentsValue(v, fp, &d.documents.emplace());
                    }
                  }));
    d.category = *category;
    return ReportBody(std::move(d));
  }

  // A list of texts (an optional list: empty is as absent).
  Status Texts(element v, const Path& p, std::vector<std::string>* out) const {
    array a;
    BATTRACE_RETURN_IF_ERROR(r_.Array(v, p, false, &a));
    size_t n = 0;
    for (element e : a) {
      BATTRACE_RETURN_IF_ERROR(Text(e, p.Index(n++), kNameMax, &out->emplace_back()));
    }
    return Status::Ok();
  }

  Status ChemistryValue(element v, const Path& p, BatteryChemistry* out) const {
    object o;
    BATTRACE_RETURN_IF_ERROR(r_.Object(v, p, &o));
    return r_.Fields(o, p, kChemistryFields, Others::kReject, {},
                     [&](size_t i, element fv, const Path& fp) {
                       return Text(fv, fp, kNameMax, i == 0 ? &out->short_name : &out->clear_name);
                     });
  }

  Status CarbonValue(element v, const Path& p, CarbonFootprint* out) const {
    object o;
    BATTRACE_RETURN_IF_ERROR(r_.Object(v, p, &o));
    return r_.Fields(o, p, kCarbonFootprintFields, Others::kReject, {},
                     [&](size_t i, element fv, const Path& fp) -> Status {
                       switch (i) {
                         case 0:
                           return Positive(fv, fp, &out->per_kwh);
                         case 1: {
                           size_t c = 0;
                           BATTRACE_RETURN_IF_ERROR(r_.Enum(fv, fp, kPerformanceClasses, &c));
                           out->performance_class.emplace(kPerformanceClasses[c]);
                           return Status::Ok();
                         }
                         case 2: {
                           CarbonStages& st = out->stages.emplace();
                           return NumberObject(
                               fv, fp, kCarbonStagesFields,
                               std::array<std::optional<double>*, 4>{
                                   &st.raw_material_extraction, &st.main_production,
                                   &st.distribution, &st.recycling},
                               [&](element nv, const Path& np, std::optional<double>* slot) {
                                 return Number(nv, np, slot);
                               });
                         }
                         default:
                           return HttpUri(fv, fp, &out->study);
                       }
                     });
  }

  Status RecycledValue(element v, const Path& p, RecycledContent* out) const {
    object o;
    BATTRACE_RETURN_IF_ERROR(r_.Object(v, p, &o));
    std::array<std::optional<RecycledShare>*, 4> slots = {&out->nickel, &out->cobalt, &out->lithium,
                                                          &out->lead};
    return r_.Fields(o, p, kRecycledContentFields, Others::kReject, {},
                     [&](size_t i, element fv, const Path& fp) -> Status {
                       object so;
                       BATTRACE_RETURN_IF_ERROR(r_.Object(fv, fp, &so));
                       RecycledShare& share = slots[i]->emplace();
                       return r_.Fields(so, fp, kRecycledShareFields, Others::kReject, {},
                                        [&](size_t j, element sv, const Path& sp) {
                                          return Percent(
                                              sv, sp,
                                              j == 0 ? &share.pre_consumer : &share.post_consumer);
                                        });
                     });
  }

  Status MaterialValue(object o, const Path& p, ModelMaterial* out) const {
    return r_.Fields(o, p, kModelMaterialFields, Others::kReject, {},
                     [&](size_t i, element fv, const Path& fp) -> Status {
                       switch (i) {
                         case 0:
                           return Text(fv, fp, kNameMax, &out->name);
                         case 1:
                           return Cas(fv, fp, &out->cas);
                         case 2:
                           return Positive(fv, fp, &out->mass_kg);
                         case 3:
                           return r_.Bool(fv, fp, &out->critical.emplace());
                         default:
                           return EnumValue(fv, fp, kComponentNames, &out->component);
                       }
                     });
  }

  Status HazardValue(object o, const Path& p, HazardousSubstance* out) const {
    return r_.Fields(o, p, kHazardousFields, Others::kReject, {},
                     [&](size_t i, element fv, const Path& fp) -> Status {
                       switch (i) {
                         case 0:
                           return Text(fv, fp, kNameMax, &out->name);
                         case 1:
                           return Cas(fv, fp, &out->cas);
                         case 2:
                           return EnumValue(fv, fp, kHazardClassNames, &out->hazard_class);
                         case 3:
                           return Percent(fv, fp, &out->concentration_pct);
                         default:
                           return EnumValue(fv, fp, kComponentNames, &out->component);
                       }
                     });
  }

  Status LifetimeValue(element v, const Path& p, Lifetime* out) const {
    object o;
    BATTRACE_RETURN_IF_ERROR(r_.Object(v, p, &o));
    return r_.Fields(o, p, kLifetimeFields, Others::kReject, {},
                     [&](size_t i, element fv, const Path& fp) -> Status {
                       switch (i) {
                         case 0:
                           return Number(fv, fp, &out->expected_years);
                         case 1:
                           return Integer(fv, fp, 0, &out->cycle_life);
                         case 2:
                           return Text(fv, fp, kNameMax, &out->cycle_life_test);
                         default:
                           return Percent(fv, fp, &out->capacity_threshold_pct);
                       }
                     });
  }

  Status ElectricalValue(element v, const Path& p, Electrical* out) const {
    return NumberObject(
        v, p, kElectricalFields,
        std::array<std::optional<double>*, 7>{
            &out->voltage_min_v, &out->voltage_nominal_v, &out->voltage_max_v, &out->power_rated_kw,
            &out->power_max_kw, &out->round_trip_efficiency_pct, &out->internal_resistance_mohm},
        [&](element nv, const Path& np, std::optional<double>* slot) {
          return slot == &out->round_trip_efficiency_pct ? Percent(nv, np, slot)
                                                         : Number(nv, np, slot);
        });
  }

  Status TemperatureRangeValue(element v, const Path& p, TemperatureRange* out) const {
    object o;
    BATTRACE_RETURN_IF_ERROR(r_.Object(v, p, &o));
    BATTRACE_RETURN_IF_ERROR(r_.Fields(o, p, kTemperatureRangeFields, Others::kReject, {},
                                       [&](size_t i, element fv, const Path& fp) {
                                         return Signed(fv, fp, i == 0 ? &out->min : &out->max);
                                       }));
    if (out->min >= out->max) {
      return r_.Error(p.Key("max"), "range", "max must be greater than min");
    }
    return Status::Ok();
  }

  Status DocumentsValue(element v, const Path& p, ModelDocuments* out) const {
    object o;
    BATTRACE_RETURN_IF_ERROR(r_.Object(v, p, &o));
    std::array<std::optional<std::string>*, 4> slots = {&out->declaration_of_conformity,
                                                        &out->test_report, &out->dismantling_manual,
                                                        &out->due_diligence_report};
    return r_.Fields(
        o, p, kModelDocumentsFields, Others::kReject, {},
        [&](size_t i, element fv, const Path& fp) { return HttpUri(fv, fp, slots[i]); });
  }

  Result<ReportBody> BatteryHealthBody(object obj, const Path& p,
                                       std::span<const std::string_view> skip) const {
    std::optional<ScannedCode> code;
    HealthMeasures h;
    BATTRACE_RETURN_IF_ERROR(r_.Fields(
        obj, p, kBatteryHealthFields, Others::kReject, skip,
        [&](size_t i, element v, const Path& fp) -> Status {
          switch (i) {
            case 0:
              return Code(v, fp, &code);
            case 1:
              return Measured(v, fp, &h);
            case 2:
              return Percent(v, fp, &h.soh_capacity_pct);
            case 3:
              return Number(v, fp, &h.remaining_capacity_ah);
            case 4:
              return Percent(v, fp, &h.soh_energy_pct);
            case 5:
              return Number(v, fp, &h.remaining_energy_kwh);
            case 6:
              return Percent(v, fp, &h.soc_pct);
            case 7:
              return Integer(v, fp, 0, &h.full_cycles);
            case 8:
              return Number(v, fp, &h.energy_throughput_kwh);
            case 9:
              return Number(v, fp, &h.capacity_throughput_ah);
            case 10: {
              TemperatureHours& t = h.extreme_temperature_hours.emplace();
              return NumberObject(v, fp, kTemperatureHoursFields,
                                  std::array<std::optional<double>*, 4>{
                                      &t.high, &t.low, &t.high_charging, &t.low_charging},
                                  [&](element nv, const Path& np, std::optional<double>* slot) {
                                    return Number(nv, np, slot);
                                  });
            }
            case 11:
              return Integer(v, fp, 0, &h.deep_discharge_events);
            case 12:
              return Integer(v, fp, 0, &h.overcharge_events);
            default:
              return Objects(v, fp, [&](object o, const Path& ep) {
                return AccidentValue(o, ep, &h.accidents.emplace_back());
              });
          }
        }));
    const bool measures = h.soh_capacity_pct || h.remaining_capacity_ah || h.soh_energy_pct ||
                          h.remaining_energy_kwh || h.soc_pct || h.full_cycles ||
                          h.energy_throughput_kwh || h.capacity_throughput_ah ||
                          h.extreme_temperature_hours || h.deep_discharge_events ||
                          h.overcharge_events || !h.accidents.empty();
    if (!measures) {
      return r_.Error(p, "no_measurement",
                      "a battery.health report carries at least one measurement (soh_capacity_pct, "
                      "remaining_capacity_ah, soh_energy_pct, remaining_energy_kwh, soc_pct, "
                      "full_cycles, energy_throughput_kwh, capacity_throughput_ah, "
                      "extreme_temperature_hours, deep_discharge_events, overcharge_events or "
                      "accidents)");
    }
    return ReportBody(BatteryHealth{std::move(h), std::move(*code)});
  }

  // An RFC 3339 instant with its offset, kept as filed.
  Status Measured(element v, const Path& p, HealthMeasures* h) const {
    std::string_view s;
    BATTRACE_RETURN_IF_ERROR(r_.String(v, p, Charset::kIdentifier, 64, &s));
    auto t = ParseTimestamp(s);
    if (!t.ok()) return strict_json::Reader::Relocate(t.status(), p);
    h->measured.assign(s);
    h->measured_at = *t;
    return Status::Ok();
  }

  Status AccidentValue(object o, const Path& p, Accident* out) const {
    return r_.Fields(o, p, kAccidentFields, Others::kReject, {},
                     [&](size_t i, element fv, const Path& fp) -> Status {
                       if (i == 1) return Text(fv, fp, kReasonMax, &out->description);
                       std::optional<Date> d;
                       BATTRACE_RETURN_IF_ERROR(r_.Date(fv, fp, &d));
                       out->date = *d;
                       return Status::Ok();
                     });
  }

  Status Sha256(element v, const Path& p, std::string* out) const {
    std::string_view s;
    BATTRACE_RETURN_IF_ERROR(r_.String(v, p, Charset::kIdentifier, 64, &s));
    out->clear();
    for (char c : s) {
      const bool digit = c >= '0' && c <= '9';
      const bool lower = c >= 'a' && c <= 'f';
      const bool upper = c >= 'A' && c <= 'F';
      if (!digit && !lower && !upper) break;
      out->push_back(upper ? static_cast<char>(c - 'A' + 'a') : c);
    }
    if (out->size() != 64) {
      return r_.Error(p, "format", "must be a SHA-256 digest: 64 hexadecimal digits");
    }
    return Status::Ok();
  }

  Result<ReportBody> CorrectionBody(object obj, const Path& p,
                                    std::span<const std::string_view> skip) {
    Correction c;
    BATTRACE_RETURN_IF_ERROR(r_.Fields(obj, p, kCorrectionFields, Others::kReject, skip,
                                       [&](size_t i, element v, const Path& fp) -> Status {
                                         if (i == 0) return Id(v, fp, &c.corrects);
                                         if (i == 1) return Text(v, fp, kReasonMax, &c.reason);
                                         auto nested = Nested(v, fp);
                                         if (!nested.ok()) return nested.status();
                                         c.report = std::make_shared<const CorrectedReport>(
                                             std::move(nested).value());
                                         return Status::Ok();
                                       }));
    return ReportBody(std::move(c));
  }

  Result<CorrectedReport> Nested(element v, const Path& p) {
    object obj;
    BATTRACE_RETURN_IF_ERROR(r_.Object(v, p, &obj));
    std::optional<ReportType> type;
    std::optional<Date> occurred;
    std::optional<object> raw_scans;
    BATTRACE_RETURN_IF_ERROR(r_.Fields(
        obj, p, kNestedEnvelope, Others::kIgnore, {}, [&](size_t i, element fv, const Path& fp) {
          switch (i) {
            case 0:
              return Type(fv, fp, &type);
            case 1:
              return r_.Date(fv, fp, &occurred);
            case 2:
              return RawScans(fv, fp, &raw_scans);
            default:
              return r_.Error(fp, "unknown_field",
                              "a corrected report has no id, reporter or reported: "
                              "the correction's envelope carries them");
          }
        }));
    if (*type == ReportType::kCorrection) {
      return r_.Error(p.Key("type"), "nested_correction",
                      "a correction corrects a report, not another correction");
    }
    auto body = Body(*type, obj, p, raw_scans, kNestedKeys);
    if (!body.ok()) return body.status();
    BATTRACE_RETURN_IF_ERROR(MeasuredOn(body.value(), *occurred, p));
    return CorrectedReport{*occurred, std::move(body).value()};
  }

  // Puts the stored form's raw scans back on their codes: each key must be the pointer of a
  // code in this body whose normalized form is that scan's, and differs from it.
  Status ApplyRawScans(object scans, const Path& p, ReportBody* body) const {
    std::unordered_map<std::string_view, std::string_view> by_pointer;
    for (auto member : scans) {
      std::string_view raw;
      if (member.value.get_string().get(raw)) {
        return r_.Error(p.Key(member.key), "type", "must be a string");
      }
      if (!by_pointer.emplace(member.key, raw).second) {
        return r_.Error(p.Key(member.key), "duplicate_field", "raw scan given more than once");
      }
    }
    Status status;
    ForEachCode(*body, [&](std::string_view field, size_t index, ScannedCode& code) {
      if (!status.ok()) return;
      const std::string pointer = CodePointer(field, index);
      auto it = by_pointer.find(pointer);
      if (it == by_pointer.end()) return;
      const Path sp = p.Key(it->first);
      auto reparsed = BatteryCode::Parse(it->second, options_.codes);
      if (!code.raw.empty() || it->second == code.code.str() || !reparsed.ok() ||
          !(*reparsed == code.code)) {
        status = r_.Error(sp, "raw_scan",
                          fmt::format("not a differing scan of the code at {}", pointer));
        return;
      }
      code.raw.assign(it->second);
      by_pointer.erase(it);
    });
    BATTRACE_RETURN_IF_ERROR(status);
    for (auto member : scans) {
      if (by_pointer.count(member.key)) {
        return r_.Error(p.Key(member.key), "raw_scan", "names no battery code of this report");
      }
    }
    return Status::Ok();
  }

  const ParseOptions& options_;
  strict_json::Reader r_;
  // The warnings of the codes read so far; Code is const like every reader of a value.
  mutable std::vector<ReportWarning> warnings_;
};

// --- the stored form ---

nlohmann::json CodesJson(const std::vector<ScannedCode>& codes) {
  nlohmann::json out = nlohmann::json::array();
  for (const ScannedCode& c : codes)
    out.push_back(c.code.str());
  return out;
}

template <typename T>
void PutOptional(nlohmann::json* out, const char* key, const std::optional<T>& v) {
  if (v) (*out)[key] = *v;
}

nlohmann::json OutletJson(const Outlet& o) {
  nlohmann::json j = {{"id", o.id}};
  PutOptional(&j, "name", o.name);
  PutOptional(&j, "address", o.address);
  if (o.division) j["division"] = o.division->code();
  if (o.kind) j["kind"] = OutletKindName(*o.kind);
  PutOptional(&j, "capacity_t", o.capacity_t);
  PutOptional(&j, "area_m2", o.area_m2);
  return j;
}

// Writes `type`, `occurred`, the body's fields and raw_scans into *out.
void PutBody(nlohmann::json* out, Date occurred, const ReportBody& body);

void PutFields(nlohmann::json& j, const BatteryProduced& b) {
  j["code"] = b.code.code.str();
  if (!b.parts.empty()) j["parts"] = CodesJson(b.parts);
  PutOptional(&j, "model", b.model);
  PutOptional(&j, "rated_capacity_ah", b.rated_capacity_ah);
  PutOptional(&j, "nominal_voltage_v", b.nominal_voltage_v);
  PutOptional(&j, "rated_energy_kwh", b.rated_energy_kwh);
  PutOptional(&j, "mass_kg", b.mass_kg);
  if (b.materials) {
    j["materials"] = {{"li_kg", b.materials->li_kg},
                      {"co_kg", b.materials->co_kg},
                      {"ni_kg", b.materials->ni_kg},
                      {"mn_kg", b.materials->mn_kg}};
  }
  if (!b.origin_codes.empty()) j["origin_codes"] = CodesJson(b.origin_codes);
  PutOptional(&j, "serial", b.serial);
  if (b.origin_kind) j["origin_kind"] = OriginKindName(*b.origin_kind);
}
void PutFields(nlohmann::json& j, const VehicleProduced& b) {
  j["vin"] = b.vin.str();
  j["vehicle_type"] = b.vehicle_type;
  j["brand"] = b.brand;
  j["model"] = b.model;
  j["name"] = b.name;
  j["packs"] = CodesJson(b.packs);
  j["imported"] = b.imported;
  j["swappable"] = b.swappable;
}
void PutFields(nlohmann::json& j, const VehicleSold& b) {
  j["vin"] = b.vin.str();
  j["sale_date"] = b.sale_date.ToString();
  j["division"] = b.division.code();
}
void PutFields(nlohmann::json& j, const BatteryReplaced& b) {
  j["vin"] = b.vin.str();
  j["removed"] = CodesJson(b.removed);
  j["installed"] = CodesJson(b.installed);
  if (b.repairer) j["repairer"] = b.repairer->str();
}
void PutFields(nlohmann::json& j, const BatterySwapped& b) {
  j["vin"] = b.vin.str();
  j["removed"] = b.removed.code.str();
  j["installed"] = b.installed.code.str();
  j["station"] = b.station;
}
void PutFields(nlohmann::json& j, const BatteryOutbound& b) {
  j["codes"] = CodesJson(b.codes);
  j["to"] = b.to.str();
  PutOptional(&j, "outlet", b.outlet);
  j["source"] = WasteSourceName(b.source);
  PutOptional(&j, "mass_kg", b.mass_kg);
}
void PutFields(nlohmann::json& j, const BatteryInbound& b) {
  j["codes"] = CodesJson(b.codes);
  j["from"] = b.from.str();
  PutOptional(&j, "outlet", b.outlet);
  PutOptional(&j, "mass_kg", b.mass_kg);
}
void PutFields(nlohmann::json& j, const VehicleScrapped& b) {
  j["vin"] = b.vin.str();
  j["certificate"] = b.certificate;
  j["packs_present"] = CodesJson(b.packs_present);
}
void PutFields(nlohmann::json& j, const BatteryUtilized& b) {
  j["codes"] = CodesJson(b.codes);
  j["process"] = UtilizationProcessName(b.process);
}
void PutFields(nlohmann::json& j, const ProductOutbound& b) {
  nlohmann::json products = nlohmann::json::array();
  for (const Product& p : b.products) {
    products.push_back({{"material", p.material}, {"mass_kg", p.mass_kg}});
  }
  j["products"] = std::move(products);
  j["to"] = b.to.str();
}
void PutFields(nlohmann::json& j, const OutletRegistered& b) {
  j["outlet"] = OutletJson(b.outlet);
}
void PutFields(nlohmann::json& j, const OutletChanged& b) {
  j["outlet"] = OutletJson(b.outlet);
}
void PutFields(nlohmann::json& j, const OutletClosed& b) {
  j["outlet"] = OutletJson(b.outlet);
}
void PutFields(nlohmann::json& j, const ModelDisassemblyInfo& b) {
  j["vehicle_model"] = b.vehicle_model;
  j["document"] = {{"uri", b.document.uri}, {"sha256", b.document.sha256}};
}
void PutFields(nlohmann::json& j, const BatteryModelDeclared& b) {
  j["model"] = b.model;
  j["category"] = BatteryCategoryName(b.category);
  PutOptional(&j, "gtin", b.gtin);
  if (b.chemistry) {
    nlohmann::json c = nlohmann::json::object();
    PutOptional(&c, "short_name", b.chemistry->short_name);
    PutOptional(&c, "clear_name", b.chemistry->clear_name);
    j["chemistry"] = std::move(c);
  }
  if (b.carbon_footprint) {
    const CarbonFootprint& f = *b.carbon_footprint;
    nlohmann::json c = {{"per_kwh", f.per_kwh}};
    PutOptional(&c, "class", f.performance_class);
    if (f.stages) {
      nlohmann::json st = nlohmann::json::object();
      PutOptional(&st, "raw_material_extraction", f.stages->raw_material_extraction);
      PutOptional(&st, "main_production", f.stages->main_production);
      PutOptional(&st, "distribution", f.stages->distribution);
      PutOptional(&st, "recycling", f.stages->recycling);
      c["stages"] = std::move(st);
    }
    PutOptional(&c, "study", f.study);
    j["carbon_footprint"] = std::move(c);
  }
  if (b.recycled_content) {
    nlohmann::json rc = nlohmann::json::object();
    auto share = [&](const char* key, const std::optional<RecycledShare>& s) {
      if (s) rc[key] = {{"pre_consumer", s->pre_consumer}, {"post_consumer", s->post_consumer}};
    };
    share("nickel", b.recycled_content->nickel);
    share("cobalt", b.recycled_content->cobalt);
    share("lithium", b.recycled_content->lithium);
    share("lead", b.recycled_content->lead);
    j["recycled_content"] = std::move(rc);
  }
  PutOptional(&j, "renewable_content_pct", b.renewable_content_pct);
  if (!b.materials.empty()) {
    nlohmann::json list = nlohmann::json::array();
    for (const ModelMaterial& m : b.materials) {
      nlohmann::json e = {{"name", m.name}};
      PutOptional(&e, "cas", m.cas);
      PutOptional(&e, "mass_kg", m.mass_kg);
      PutOptional(&e, "critical", m.critical);
      if (m.component) e["component"] = MaterialComponentName(*m.component);
      list.push_back(std::move(e));
    }
    j["materials"] = std::move(list);
  }
  if (!b.hazardous_substances.empty()) {
    nlohmann::json list = nlohmann::json::array();
    for (const HazardousSubstance& h : b.hazardous_substances) {
      nlohmann::json e = {{"name", h.name}};
      PutOptional(&e, "cas", h.cas);
      if (h.hazard_class) e["class"] = HazardClassName(*h.hazard_class);
      PutOptional(&e, "concentration_pct", h.concentration_pct);
      if (h.component) e["component"] = MaterialComponentName(*h.component);
      list.push_back(std::move(e));
    }
    j["hazardous_substances"] = std::move(list);
  }
  if (!b.extinguishing_agents.empty()) j["extinguishing_agents"] = b.extinguishing_agents;
  if (b.lifetime) {
    nlohmann::json l = nlohmann::json::object();
    PutOptional(&l, "expected_years", b.lifetime->expected_years);
    PutOptional(&l, "cycle_life", b.lifetime->cycle_life);
    PutOptional(&l, "cycle_life_test", b.lifetime->cycle_life_test);
    PutOptional(&l, "capacity_threshold_pct", b.lifetime->capacity_threshold_pct);
    j["lifetime"] = std::move(l);
  }
  if (b.electrical) {
    const Electrical& e = *b.electrical;
    nlohmann::json el = nlohmann::json::object();
    PutOptional(&el, "voltage_min_v", e.voltage_min_v);
    PutOptional(&el, "voltage_nominal_v", e.voltage_nominal_v);
    PutOptional(&el, "voltage_max_v", e.voltage_max_v);
    PutOptional(&el, "power_rated_kw", e.power_rated_kw);
    PutOptional(&el, "power_max_kw", e.power_max_kw);
    PutOptional(&el, "round_trip_efficiency_pct", e.round_trip_efficiency_pct);
    PutOptional(&el, "internal_resistance_mohm", e.internal_resistance_mohm);
    j["electrical"] = std::move(el);
  }
  if (b.idle_temperature_c) {
    j["idle_temperature_c"] = {{"min", b.idle_temperature_c->min},
                               {"max", b.idle_temperature_c->max}};
  }
  PutOptional(&j, "warranty_months", b.warranty_months);
  if (b.documents) {
    nlohmann::json d = nlohmann::json::object();
    PutOptional(&d, "declaration_of_conformity", b.documents->declaration_of_conformity);
    PutOptional(&d, "test_report", b.documents->test_report);
    PutOptional(&d, "dismantling_manual", b.documents->dismantling_manual);
    PutOptional(&d, "due_diligence_report", b.documents->due_diligence_report);
    j["documents"] = std::move(d);
  }
}
void PutFields(nlohmann::json& j, const BatteryHealth& b) {
  j["code"] = b.code.code.str();
  j["measured"] = b.measured;
  PutOptional(&j, "soh_capacity_pct", b.soh_capacity_pct);
  PutOptional(&j, "remaining_capacity_ah", b.remaining_capacity_ah);
  PutOptional(&j, "soh_energy_pct", b.soh_energy_pct);
  PutOptional(&j, "remaining_energy_kwh", b.remaining_energy_kwh);
  PutOptional(&j, "soc_pct", b.soc_pct);
  PutOptional(&j, "full_cycles", b.full_cycles);
  PutOptional(&j, "energy_throughput_kwh", b.energy_throughput_kwh);
  PutOptional(&j, "capacity_throughput_ah", b.capacity_throughput_ah);
  if (b.extreme_temperature_hours) {
    const TemperatureHours& t = *b.extreme_temperature_hours;
    nlohmann::json h = nlohmann::json::object();
    PutOptional(&h, "high", t.high);
    PutOptional(&h, "low", t.low);
    PutOptional(&h, "high_charging", t.high_charging);
    PutOptional(&h, "low_charging", t.low_charging);
    j["extreme_temperature_hours"] = std::move(h);
  }
  PutOptional(&j, "deep_discharge_events", b.deep_discharge_events);
  PutOptional(&j, "overcharge_events", b.overcharge_events);
  if (!b.accidents.empty()) {
    nlohmann::json list = nlohmann::json::array();
    for (const Accident& a : b.accidents) {
      list.push_back({{"date", a.date.ToString()}, {"description", a.description}});
    }
    j["accidents"] = std::move(list);
  }
}
void PutFields(nlohmann::json& j, const Correction& b) {
  j["corrects"] = b.corrects;
  j["reason"] = b.reason;
  nlohmann::json nested = nlohmann::json::object();
  PutBody(&nested, b.report->occurred, b.report->body);
  j["report"] = std::move(nested);
}

void PutBody(nlohmann::json* out, Date occurred, const ReportBody& body) {
  nlohmann::json& j = *out;
  j["type"] = ReportTypeName(TypeOf(body));
  j["occurred"] = occurred.ToString();
  std::visit([&](const auto& b) { PutFields(j, b); }, body);
  nlohmann::json scans = nlohmann::json::object();
  ForEachCode(body, [&](std::string_view field, size_t index, const ScannedCode& code) {
    if (!code.raw.empty()) scans[CodePointer(field, index)] = code.raw;
  });
  if (!scans.empty()) j["raw_scans"] = std::move(scans);
}

// The field of `fields` at dotted `path`, descending into fixed sub-objects.
const Field* FindFlat(std::span<const Field> fields, std::string_view path) {
  const size_t dot = path.find('.');
  const std::string_view head = path.substr(0, dot);
  for (const Field& f : fields) {
    if (f.name != head) continue;
    if (dot == std::string_view::npos) return &f;
    return f.kind == Kind::kObject ? FindFlat(f.sub, path.substr(dot + 1)) : nullptr;
  }
  return nullptr;
}

}  // namespace

std::optional<FlatField> FlatFieldOf(ReportType type, std::optional<ReportType> nested,
                                     std::string_view path) {
  constexpr std::string_view kNestedPrefix = "report.";
  const Field* f = nullptr;
  if (type == ReportType::kCorrection && path.starts_with(kNestedPrefix)) {
    if (!nested || *nested == ReportType::kCorrection) return std::nullopt;
    const std::string_view rest = path.substr(kNestedPrefix.size());
    f = FindFlat(kNestedEnvelope, rest);
    if (f == nullptr) f = FindFlat(kBodyFields[static_cast<size_t>(*nested)], rest);
  } else {
    f = FindFlat(kEnvelope, path);
    if (f == nullptr) f = FindFlat(kBodyFields[static_cast<size_t>(type)], path);
  }
  if (f == nullptr || f->kind == Kind::kObject) return std::nullopt;
  FlatField flat{f->kind, {}};
  for (const Field& e : f->sub)
    flat.entry_fields.emplace_back(e.name, e.kind);
  return flat;
}

std::string_view WasteSourceName(WasteSource s) {
  return kSourceNames[static_cast<size_t>(s)];
}
std::string_view UtilizationProcessName(UtilizationProcess p) {
  return kProcessNames[static_cast<size_t>(p)];
}
std::string_view OutletKindName(OutletKind k) {
  return kOutletKindNames[static_cast<size_t>(k)];
}
std::string_view OriginKindName(OriginKind k) {
  return kOriginKindNames[static_cast<size_t>(k)];
}
std::string_view BatteryCategoryName(BatteryCategory c) {
  return kCategoryNames[static_cast<size_t>(c)];
}
std::string_view MaterialComponentName(MaterialComponent c) {
  return kComponentNames[static_cast<size_t>(c)];
}
std::string_view HazardClassName(HazardClass c) {
  return kHazardClassNames[static_cast<size_t>(c)];
}

std::optional<OriginKind> OriginKindOf(const BatteryProduced& b) {
  if (b.origin_kind) return b.origin_kind;
  if (b.origin_codes.empty()) return std::nullopt;
  return OriginKind::kRepurposed;
}

Status CheckAgainstReceipt(const Report& report) {
  const ReportBody* body = &report.body;
  std::string field = "/measured";
  if (const auto* c = std::get_if<Correction>(body)) {
    body = &c->report->body;
    field = "/report/measured";
  }
  const auto* h = std::get_if<BatteryHealth>(body);
  if (h == nullptr || h->measured_at <= *report.reported) return Status::Ok();
  return Status::Invalid(field, "report.measured_future",
                         fmt::format("measured {} is after the report's receipt time {}",
                                     h->measured, FormatTimestamp(*report.reported)));
}

Result<Report> ParseReport(std::string_view json, const ParseOptions& options) {
  element root;
  BATTRACE_RETURN_IF_ERROR(strict_json::ParseDocument(json, kMaxReportBytes, "report", &root));
  return ReportParser(options).Top(root);
}

nlohmann::json ReportToJson(const Report& report) {
  nlohmann::json j = nlohmann::json::object();
  j["id"] = report.id;
  j["reporter"] = report.reporter.str();
  if (report.reported) j["reported"] = FormatTimestamp(*report.reported);
  if (report.replayed) j["receipt"] = kReceiptNames[0];
  PutBody(&j, report.occurred, report.body);
  return j;
}

}  // namespace battrace
