// The typed report model of report format v1 (docs/report-format.md), its strict parser and
// its stored form.
//
// A Report is what an enterprise filed, after validation: an envelope (id, reporter, occurred,
// reported) and one body per report type. Every identifier in it has been normalized and
// checked (battery codes, VINs, USCCs, divisions, dates). Battery codes keep the raw scan when
// it differed from the normalized code. ParseReport is the one validation path: the NDJSON and
// CSV readers in src/ingest feed it. ReportToJson gives the stored form, the ledger's leaf data.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/battery_code.h"
#include "core/code_check.h"
#include "core/date.h"
#include "core/division.h"
#include "core/status.h"
#include "core/uscc.h"
#include "core/vin.h"
#include "domain/field_kind.h"
#include "domain/report_type.h"

namespace battrace {

// A battery code as filed: normalized and validated, with the scan as received when that
// differed from the normalized code. In the stored form the code fields hold the normalized
// codes and the differing scans go to "raw_scans", keyed by the code's JSON pointer.
struct ScannedCode {
  BatteryCode code;
  std::string raw;  // the scan as received; empty when it equals code.str()
};

// Material content of a battery, in kilograms (digital ID, Art. 12). All four are required in
// the object; 0 states that the battery holds none.
struct Materials {
  double li_kg = 0;
  double co_kg = 0;
  double ni_kg = 0;
  double mn_kg = 0;
};

// How a battery with origin codes was made from them (battery.produced `origin_kind`).
enum class OriginKind { kRemanufactured, kRepurposed, kReused };

// battery.produced: the digital ID of a cell, module or pack. Only `code` is required; a digital
// ID lacking model, figures, mass, materials or parts is a finding (missing_digital_id), not a
// parse error. `parts` are the child codes (a pack: modules or cells; a module: cells; a cell:
// none). `origin_codes` are the batteries a re-made battery was made from; `origin_kind` says
// how (only with origin codes; absent reads as repurposed: OriginKindOf). `serial` is the GS1
// AI (21) serial that, with the GTIN its maker declared for the model, forms the battery's GS1
// Digital Link.
struct BatteryProduced {
  ScannedCode code;
  std::vector<ScannedCode> parts;
  std::optional<std::string> model;
  std::optional<double> rated_capacity_ah;
  std::optional<double> nominal_voltage_v;
  std::optional<double> rated_energy_kwh;
  std::optional<double> mass_kg;
  std::optional<Materials> materials;
  std::vector<ScannedCode> origin_codes;
  std::optional<std::string> serial;
  std::optional<OriginKind> origin_kind;
};

// The origin kind of a battery.produced: as filed, else repurposed when it has origin codes.
std::optional<OriginKind> OriginKindOf(const BatteryProduced& b);

// vehicle.produced (24.2a). `packs` are pack codes (product type P), at least one.
struct VehicleProduced {
  Vin vin;
  std::string vehicle_type;
  std::string brand;
  std::string model;
  std::string name;
  std::vector<ScannedCode> packs;
  bool imported = false;
  bool swappable = false;  // a battery-swap model
};

// vehicle.sold (24.2b); the envelope's `occurred` is the registration date.
struct VehicleSold {
  Vin vin;
  Date sale_date;
  Division division;  // where the vehicle was registered
};

// battery.replaced (24.5): both lists non-empty.
struct BatteryReplaced {
  Vin vin;
  std::vector<ScannedCode> removed;
  std::vector<ScannedCode> installed;
  std::optional<Uscc> repairer;  // the repair shop, when a vehicle maker reports for it
};

// battery.swapped (24.4a): one pack out, one pack in, at a station.
struct BatterySwapped {
  Vin vin;
  ScannedCode removed;
  ScannedCode installed;
  std::string station;
};

// Where waste batteries handed on came from (battery.outbound `source`).
enum class WasteSource {
  kRnd,
  kProduction,
  kInstallation,
  kRepair,
  kSwap,
  kDismantling,
  kOutlet,
  kRecycling,
};

// battery.outbound: a transfer of waste batteries to `to`.
struct BatteryOutbound {
  std::vector<ScannedCode> codes;
  Uscc to;
  std::optional<std::string> outlet;  // the receiving outlet's id, when delivered to an outlet
  WasteSource source;
  std::optional<double> mass_kg;
};

// battery.inbound: a receipt of waste batteries from `from`.
struct BatteryInbound {
  std::vector<ScannedCode> codes;
  Uscc from;
  std::optional<std::string> outlet;  // the reporter's own outlet where received
  std::optional<double> mass_kg;
};

// vehicle.scrapped (24.8). `packs_present` may be empty: that is the finding
// scrapped_without_battery, a fact to record, not a malformed report.
struct VehicleScrapped {
  Vin vin;
  std::string certificate;
  std::vector<ScannedCode> packs_present;
};

enum class UtilizationProcess { kDismantling, kCrushing, kSorting, kSmelting };

// battery.utilized: the batteries ceased to exist as batteries.
struct BatteryUtilized {
  std::vector<ScannedCode> codes;
  UtilizationProcess process;
};

struct Product {
  std::string material;
  double mass_kg = 0;
};

// product.outbound (24.7b): at least one product.
struct ProductOutbound {
  std::vector<Product> products;
  Uscc to;
};

enum class OutletKind { kCollection, kCentralized };

// A recycling service outlet. For outlet.registered and outlet.changed (the outlet's full new
// description) name, address, division and kind are required; outlet.closed needs only the id.
struct Outlet {
  std::string id;
  std::optional<std::string> name;
  std::optional<std::string> address;
  std::optional<Division> division;
  std::optional<OutletKind> kind;
  std::optional<double> capacity_t;
  std::optional<double> area_m2;
};

struct OutletRegistered {
  Outlet outlet;
};
struct OutletChanged {
  Outlet outlet;
};
struct OutletClosed {
  Outlet outlet;
};

// A document by reference: where it is and its SHA-256 (64 lower-case hex digits; upper case is
// accepted and stored lower-cased).
struct Document {
  std::string uri;
  std::string sha256;
};

// model.disassembly_info (24.1); `occurred` is the announcement / CCC date.
struct ModelDisassemblyInfo {
  std::string vehicle_model;
  Document document;
};

// battery_model.declared: the model-level (static) data of the EU Battery Regulation, Annex
// XIII, of one battery model of the reporter; a later declaration of the same model replaces the
// earlier one as a whole. Percentages lie in 0..100; every optional is left out when not filed.
enum class BatteryCategory { kEv, kLmt, kIndustrial, kStationary };
enum class MaterialComponent { kCathode, kAnode, kElectrolyte, kSeparator, kCasing, kOther };
enum class HazardClass { kAcuteToxicity, kSkinCorrosion, kEyeDamage };

struct BatteryChemistry {
  std::optional<std::string> short_name;  // "LFP"
  std::optional<std::string> clear_name;  // "lithium iron phosphate"
};

// kg CO2e per lifecycle stage (per kWh of total energy over life).
struct CarbonStages {
  std::optional<double> raw_material_extraction, main_production, distribution, recycling;
};

struct CarbonFootprint {
  double per_kwh = 0;                            // > 0
  std::optional<std::string> performance_class;  // "A".."E"
  std::optional<CarbonStages> stages;
  std::optional<std::string> study;  // http(s) URI
};

struct RecycledShare {
  double pre_consumer = 0;
  double post_consumer = 0;
};

struct RecycledContent {
  std::optional<RecycledShare> nickel, cobalt, lithium, lead;
};

struct ModelMaterial {
  std::string name;
  std::optional<std::string> cas;  // a CAS RN whose check digit verifies
  std::optional<double> mass_kg;   // > 0
  std::optional<bool> critical;    // a critical raw material
  std::optional<MaterialComponent> component;
};

struct HazardousSubstance {
  std::string name;
  std::optional<std::string> cas;
  std::optional<HazardClass> hazard_class;  // wire name "class"
  std::optional<double> concentration_pct;
  std::optional<MaterialComponent> component;
};

struct Lifetime {
  std::optional<double> expected_years;
  std::optional<int64_t> cycle_life;
  std::optional<std::string> cycle_life_test;
  std::optional<double> capacity_threshold_pct;
};

struct Electrical {
  std::optional<double> voltage_min_v, voltage_nominal_v, voltage_max_v, power_rated_kw,
      power_max_kw, round_trip_efficiency_pct, internal_resistance_mohm;
};

struct TemperatureRange {
  double min = 0;  // degrees Celsius; min < max
  double max = 0;
};

struct ModelDocuments {
  std::optional<std::string> declaration_of_conformity, test_report, dismantling_manual,
      due_diligence_report;  // http(s) URIs
};

struct BatteryModelDeclared {
  std::string model;  // 1..64 characters, as battery.produced `model`
  BatteryCategory category = BatteryCategory::kEv;
  std::optional<std::string> gtin;  // 14 digits (GTIN-14 form)
  std::optional<BatteryChemistry> chemistry;
  std::optional<CarbonFootprint> carbon_footprint;
  std::optional<RecycledContent> recycled_content;
  std::optional<double> renewable_content_pct;
  std::vector<ModelMaterial> materials;
  std::vector<HazardousSubstance> hazardous_substances;
  std::vector<std::string> extinguishing_agents;
  std::optional<Lifetime> lifetime;
  std::optional<Electrical> electrical;
  std::optional<TemperatureRange> idle_temperature_c;
  std::optional<int64_t> warranty_months;  // > 0
  std::optional<ModelDocuments> documents;
};

// Hours spent at extreme temperatures (battery.health).
struct TemperatureHours {
  std::optional<double> high, low, high_charging, low_charging;
};

struct Accident {
  Date date;
  std::string description;
};

// What a battery.health reports of its battery: the instant and at least one measurement.
struct HealthMeasures {
  std::string measured;  // RFC 3339 with offset, as filed
  Instant measured_at = 0;
  std::optional<double> soh_capacity_pct, remaining_capacity_ah, soh_energy_pct,
      remaining_energy_kwh, soc_pct;
  std::optional<int64_t> full_cycles;
  std::optional<double> energy_throughput_kwh, capacity_throughput_ah;
  std::optional<TemperatureHours> extreme_temperature_hours;
  std::optional<int64_t> deep_discharge_events, overcharge_events;
  std::vector<Accident> accidents;
};

// battery.health: dynamic data of one battery measured at one instant (`occurred` is its Beijing
// date).
struct BatteryHealth : HealthMeasures {
  ScannedCode code;
};

struct CorrectedReport;

// correction: replaces the report `corrects` (an id of the same reporter) by `report`. Whether
// the corrected type matches the stored original is the store's check.
struct Correction {
  std::string corrects;
  std::string reason;
  std::shared_ptr<const CorrectedReport> report;  // never null in a parsed report
};

// One alternative per ReportType, in its order.
using ReportBody =
    std::variant<BatteryProduced, VehicleProduced, VehicleSold, BatteryReplaced, BatterySwapped,
                 BatteryOutbound, BatteryInbound, VehicleScrapped, BatteryUtilized, ProductOutbound,
                 OutletRegistered, OutletChanged, OutletClosed, ModelDisassemblyInfo,
                 BatteryModelDeclared, BatteryHealth, Correction>;

inline ReportType TypeOf(const ReportBody& body) {
  return static_cast<ReportType>(body.index());
}

// The report a correction carries: its own `occurred` and body; id, reporter and receipt time
// are the correction's. It is never itself a correction.
struct CorrectedReport {
  Date occurred;
  ReportBody body;
};

// What the parser accepted but tells the filer about: how a battery code was read (lenient
// mode's separators, a label URL) or where it deviates from the standard's form. Returned in
// receipts; not part of the stored form.
struct ReportWarning {
  std::string field;  // the JSON pointer of the value ("/codes/3")
  std::string rule;   // a stable name ("battery_code.length", "battery_code.url", ...)
  std::string message;
};

struct Report {
  std::string id;  // the reporter's own id: 1-128 visible ASCII characters
  Uscc reporter;
  Date occurred;
  std::optional<Instant> reported;  // set by the platform on receipt (or by a replay)
  ReportBody body;
  // `reported` was supplied by an operator (`import --replay`), not read from the platform's
  // clock: the stored form carries "receipt": "replayed" (docs/ledger-format.md).
  bool replayed = false;
  std::vector<ReportWarning> warnings = {};  // of the parse, in document order; never stored

  ReportType type() const { return TypeOf(body); }
};

// The largest report ParseReport accepts (1 MiB): one request or one file line cannot make the
// platform allocate without bound. A full list of 10,000 codes takes about 270 KiB.
inline constexpr size_t kMaxReportBytes = size_t{1} << 20;

struct ParseOptions {
  // Replay mode (`battrace import --replay`): accept the platform-set fields `reported`,
  // `raw_scans` and `receipt` (whose one value is "replayed"), as found in the stored form.
  // Otherwise their presence is an error.
  bool replay = false;
  // How battery codes are read; VINs and USCCs are always strict.
  Strictness codes = Strictness::kStrict;
};

// Wire names of the enumerations ("rnd", "dismantling", "collection", ...).
std::string_view WasteSourceName(WasteSource s);
std::string_view UtilizationProcessName(UtilizationProcess p);
std::string_view OutletKindName(OutletKind k);
std::string_view OriginKindName(OriginKind k);
std::string_view BatteryCategoryName(BatteryCategory c);
std::string_view MaterialComponentName(MaterialComponent c);
std::string_view HazardClassName(HazardClass c);

// The rules of a report that need its receipt time: a battery.health's `measured` (that of the
// report a correction carries) is not after `reported`. REQUIRES: report.reported is set.
// Error: field "/measured" (or "/report/measured"), rule "report.measured_future".
Status CheckAgainstReceipt(const Report& report);

// Parses one report (a JSON object) strictly: unknown or repeated fields, wrong JSON types,
// missing required fields, invalid identifiers or dates, out-of-range numbers, duplicate codes
// in a list and platform-set fields outside replay mode are errors. On failure the Status is
// kInvalidArgument with field = the JSON pointer of the offending value ("/codes/3",
// "/report/vin"; "" for the document itself), rule = a stable name ("report.unknown_field",
// "battery_code.day", ...) and a message; the first error found is returned.
// Thread-safe (one parser per thread). Inputs over kMaxReportBytes are rejected (report.too_large).
Result<Report> ParseReport(std::string_view json, const ParseOptions& options);

// A field as flat formats (CSV) see it: a column named by its dotted path.
struct FlatField {
  FieldKind kind;  // never kObject: an object's fields are columns of their own
  // For kObjectList: the fields of each entry, in order ("material", "mass_kg" for products).
  std::vector<std::pair<std::string_view, FieldKind>> entry_fields;
};

// The field at dotted path `path` ("vin", "materials.li_kg", "outlet.id", "report.vin") of a
// report of `type`; for a correction, `nested` is the corrected report's type (the fields under
// "report." depend on it). Nullopt when there is no such field, or it is an object, or it is
// raw_scans (the stored form's map has no flat form).
std::optional<FlatField> FlatFieldOf(ReportType type, std::optional<ReportType> nested,
                                     std::string_view path);

// The stored form: a JSON object with the envelope (id, type, reporter, occurred, and reported
// as RFC 3339 UTC when set), the body's fields with normalized identifiers (optional fields
// omitted when absent, optional lists omitted when empty), and "raw_scans" when any scan
// differed. Deterministic; ParseReport(dump, {.replay = true}) gives back an equal report.
nlohmann::json ReportToJson(const Report& report);

}  // namespace battrace
