// Report format v1: the strict parser (simdjson DOM, the ingest hot path) and the stored form.
//
// Each report type has a field table (name, required) and a reader that fills optionals from
// the object and then builds the typed body. The envelope is read in a first pass over the
// object and the body in a second, each skipping the other's keys, so every key is checked
// exactly once against exactly one table. Errors are built by strict_json::Reader.
#include "domain/report.h"

#include <algorithm>
#include <array>
#include <span>
#include <type_traits>
#include <unordered_map>
#include <utility>

#include "domain/strict_json.h"

namespace battrace {
namespace {

using strict_json::array;
using strict_json::Charset;
using strict_json::element;
using strict_json::Field;
using strict_json::Kind;
using strict_json::object;
using strict_json::Others;
using strict_json::Path;

constexpr size_t kIdMax = 128;       // report ids, outlet ids, `corrects`
constexpr size_t kNameMax = 512;     // names, models, addresses, stations, certificates
constexpr size_t kReasonMax = 2000;  // a correction's reason
constexpr size_t kUriMax = 2048;

constexpr std::array<std::string_view, 8> kSourceNames = {
    "rnd", "production", "installation", "repair", "swap", "dismantling", "outlet", "recycling"};
constexpr std::array<std::string_view, 4> kProcessNames = {"dismantling", "crushing", "sorting",
                                                           "smelting"};
constexpr std::array<std::string_view, 2> kOutletKindNames = {"collection", "centralized"};

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
constexpr std::array<Field, 9> kBatteryProducedFields = {
    {{"code", true, Kind::kString},
     {"parts", false, Kind::kStringList},
     {"model", false, Kind::kString},
     {"rated_capacity_ah", false, Kind::kNumber},
     {"nominal_voltage_v", false, Kind::kNumber},
     {"rated_energy_kwh", false, Kind::kNumber},
     {"mass_kg", false, Kind::kNumber},
     {"materials", false, Kind::kObject, kMaterialsFields},
     {"origin_codes", false, Kind::kStringList}}};
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
// The fields of `report` depend on its type: see FlatFieldOf.
constexpr std::array<Field, 3> kCorrectionFields = {{{"corrects", true, Kind::kString},
                                                     {"reason", true, Kind::kString},
                                                     {"report", true, Kind::kObject}}};

// The body fields of each report type, indexed by ReportType.
constexpr std::array<std::span<const Field>, kReportTypeCount> kBodyFields = {
    kBatteryProducedFields, kVehicleProducedFields,
    kVehicleSoldFields,     kBatteryReplacedFields,
    kBatterySwappedFields,  kBatteryOutboundFields,
    kBatteryInboundFields,  kVehicleScrappedFields,
    kBatteryUtilizedFields, kProductOutboundFields,
    kOutletFields,          kOutletFields,
    kOutletClosedFields,    kModelDisassemblyInfoFields,
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
                    std::string(what) + " is set by the platform; use import --replay");
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
    return r_.Error(p.Index(first_dup), "duplicate_code",
                    "code " + codes[first_dup].code.str() + " already appears at index " +
                        std::to_string(original));
  }

  template <typename E, size_t N>
  Status EnumValue(element v, const Path& p, const std::array<std::string_view, N>& names,
                   std::optional<E>* out) const {
    size_t index = 0;
    BATTRACE_RETURN_IF_ERROR(r_.Enum(v, p, names, &index));
    *out = static_cast<E>(index);
    return Status::Ok();
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
                                           default:
                                             return Codes(v, fp, false, false, &b.origin_codes);
                                         }
                                       }));
    BatteryProduced produced{std::move(*code),    std::move(b.parts),  std::move(b.model),
                             b.rated_capacity_ah, b.nominal_voltage_v, b.rated_energy_kwh,
                             b.mass_kg,           b.materials,         std::move(b.origin_codes)};
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
                        std::string("a ") + ProductTypeName(parent) + " cannot contain a " +
                            ProductTypeName(child));
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
        status = r_.Error(sp, "raw_scan", "not a differing scan of the code at " + pointer);
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
