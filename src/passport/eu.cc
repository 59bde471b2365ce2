#include "passport/eu.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <map>
#include <utility>

#include "core/battery_code.h"
#include "core/date.h"
#include "domain/registry.h"
#include "ledger/hash.h"

namespace battrace::passport {
namespace {

using Json = nlohmann::json;

// The namespace of the passport identifiers' name-based UUIDs: the RFC 9562 URL namespace
// (6ba7b811-9dad-11d1-80b4-00c04fd430c8), the name "gbt34014:" and the battery code.
constexpr std::array<uint8_t, 16> kUrlNamespace = {0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1,
                                                   0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8};

// The member at `path` of `body`, nullptr when absent.
const Json* At(const Json& body, std::initializer_list<const char*> path) {
  const Json* j = &body;
  for (const char* key : path) {
    if (!j->is_object()) return nullptr;
    auto it = j->find(key);
    if (it == j->end()) return nullptr;
    j = &*it;
  }
  return j;
}

// A URI as JSON Schema's "uri" format takes it: an RFC 3986 scheme, ':', and no whitespace.
bool IsUri(const std::string& s) {
  const size_t colon = s.find(':');
  if (colon == 0 || colon == std::string::npos || colon + 1 == s.size()) return false;
  if (!std::isalpha(static_cast<unsigned char>(s[0]))) return false;
  for (size_t i = 1; i < colon; ++i) {
    const char c = s[i];
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') {
      return false;
    }
  }
  return std::none_of(s.begin(), s.end(),
                      [](char c) { return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f; });
}

// Builds the passport at one access class: each field goes in only when the class may see it,
// and the report it came from goes into the provenance.
class Builder {
 public:
  explicit Builder(EuAccess access) : access_(access) {}

  bool May(EuAccess need) const { return need <= access_; }

  // Sets out[key] = value when `need` is within the access class; records `from`.
  bool Put(Json& out, const char* key, Json value, EuAccess need, const EuSource* from) {
    if (!May(need) || value.is_null()) return false;
    if (value.is_number_float() && !std::isfinite(value.get<double>())) return false;
    out[key] = std::move(value);
    Use(from);
    return true;
  }
  // The member `path` of `from`'s fields, as `key` of `out`.
  bool Copy(Json& out, const char* key, const EuSource* from,
            std::initializer_list<const char*> path, EuAccess need) {
    if (!from) return false;
    const Json* v = At(from->body, path);
    return v && Put(out, key, *v, need, from);
  }

  void Use(const EuSource* from) {
    if (from && std::find(used_.begin(), used_.end(), from) == used_.end()) used_.push_back(from);
  }

  Json Provenance() const {
    std::vector<const store::StoredReport*> reports;
    for (const EuSource* s : used_) {
      reports.push_back(&s->report);
      for (const store::StoredReport& c : s->corrections)
        reports.push_back(&c);
    }
    std::sort(reports.begin(), reports.end(),
              [](const auto* a, const auto* b) { return a->leaf_index < b->leaf_index; });
    Json out = Json::array();
    for (const store::StoredReport* r : reports) {
      out.push_back({{"type", r->type},
                     {"reporter", r->reporter},
                     {"id", r->id},
                     {"reported", FormatTimestamp(r->reported)},
                     {"leaf_index", r->leaf_index},
                     {"leaf_hash", ledger::HashToBase64(r->leaf_hash)}});
    }
    return out;
  }

 private:
  EuAccess access_;
  std::vector<const EuSource*> used_;
};

constexpr EuAccess kPublic = EuAccess::kPublic;
constexpr EuAccess kLegit = EuAccess::kLegitimate;
constexpr EuAccess kAuthority = EuAccess::kAuthority;

const EuSource* Ptr(const std::optional<EuSource>& s) {
  return s ? &*s : nullptr;
}

// Annex XIII 4(c): Original, Repurposed, Reused, Remanufactured or Waste (docs/passport.md,
// "Battery status").
std::string BatteryStatus(const EuPassportInputs& in) {
  const std::string& s = in.battery.status;
  if (s == "utilized" || s == "dismantled") return "Waste";
  if ((s == "in_transit" || s == "received") && in.custodian_treats_waste) return "Waste";
  if (in.produced) {
    const Json* origins = At(in.produced->body, {"origin_codes"});
    if (origins && origins->is_array() && !origins->empty()) {
      const Json* kind = At(in.produced->body, {"origin_kind"});
      const std::string k = kind && kind->is_string() ? kind->get<std::string>() : "repurposed";
      if (k == "remanufactured") return "Remanufactured";
      if (k == "reused") return "Reused";
      return "Repurposed";
    }
  }
  return "Original";
}

Json GeneralProductInformation(const EuPassportInputs& in, Builder& b) {
  const EuSource* produced = Ptr(in.produced);
  const EuSource* declared = Ptr(in.declared);
  Json out = Json::object();
  b.Put(out, "productIdentifier", in.battery.code, kPublic, produced);
  b.Put(out, "batteryPassportIdentifier", EuPassportIdentifier(in.battery.code), kPublic, nullptr);
  b.Copy(out, "batteryCategory", declared, {"category"}, kPublic);
  if (in.battery.producer && produced) {
    Json maker = {{"identifier", *in.battery.producer}};
    if (in.maker_name) maker["contactName"] = *in.maker_name;
    b.Put(out, "manufacturerInformation", std::move(maker), kPublic, produced);
  }
  if (auto code = BatteryCode::Parse(in.battery.code, Strictness::kLenient); code.ok()) {
    b.Put(out, "manufacturingDate", code->production_date().ToString() + "T00:00:00+08:00", kPublic,
          produced);
  }
  b.Put(out, "batteryStatus", BatteryStatus(in), kLegit, nullptr);
  b.Copy(out, "batteryMass", produced, {"mass_kg"}, kPublic);
  return out;
}

Json CarbonFootprint(const EuPassportInputs& in, Builder& b) {
  Json out = Json::object();
  const EuSource* d = Ptr(in.declared);
  if (!d) return out;
  b.Copy(out, "batteryCarbonFootprint", d, {"carbon_footprint", "per_kwh"}, kPublic);
  b.Copy(out, "carbonFootprintPerformanceClass", d, {"carbon_footprint", "class"}, kPublic);
  b.Copy(out, "carbonFootprintStudy", d, {"carbon_footprint", "study"}, kPublic);
  static constexpr std::pair<const char*, const char*> kStages[] = {
      {"raw_material_extraction", "RawMaterialExtraction"},
      {"main_production", "MainProduction"},
      {"distribution", "Distribution"},
      {"recycling", "Recycling"}};
  Json stages = Json::array();
  for (const auto& [field, stage] : kStages) {
    if (const Json* v = At(d->body, {"carbon_footprint", "stages", field})) {
      stages.push_back({{"lifecycleStage", stage}, {"carbonFootprint", *v}});
    }
  }
  if (!stages.empty()) b.Put(out, "carbonFootprintPerLifecycleStage", stages, kPublic, d);
  return out;
}

Json Circularity(const EuPassportInputs& in, Builder& b) {
  Json out = Json::object();
  const EuSource* d = Ptr(in.declared);
  if (!d) return out;
  static constexpr std::pair<const char*, const char*> kMaterials[] = {
      {"nickel", "Nickel"}, {"cobalt", "Cobalt"}, {"lithium", "Lithium"}, {"lead", "Lead"}};
  Json recycled = Json::array();
  for (const auto& [field, material] : kMaterials) {
    const Json* e = At(d->body, {"recycled_content", field});
    if (!e) continue;
    Json item = {{"recycledMaterial", material}};
    if (const Json* v = At(*e, {"pre_consumer"})) item["preConsumerShare"] = *v;
    if (const Json* v = At(*e, {"post_consumer"})) item["postConsumerShare"] = *v;
    recycled.push_back(std::move(item));
  }
  if (!recycled.empty()) b.Put(out, "recycledContent", recycled, kPublic, d);
  b.Copy(out, "renewableContent", d, {"renewable_content_pct"}, kPublic);
  if (const Json* agents = At(d->body, {"extinguishing_agents"})) {
    Json safety = Json::object();
    if (b.Put(safety, "extinguishingAgent", *agents, kPublic, d)) out["safetyMeasures"] = safety;
  }
  if (const Json* manual = At(d->body, {"documents", "dismantling_manual"})) {
    b.Put(out, "dismantlingAndRemovalInformation",
          Json::array({{{"documentType", "DismantlingManual"}, {"documentURL", *manual}}}), kLegit,
          d);
  }
  return out;
}

Json Labels(const EuPassportInputs& in, Builder& b) {
  Json out = Json::object();
  const EuSource* d = Ptr(in.declared);
  b.Copy(out, "declarationOfConformity", d, {"documents", "declaration_of_conformity"}, kPublic);
  b.Copy(out, "resultOfTestReport", d, {"documents", "test_report"}, kAuthority);
  return out;
}

Json SupplyChainDueDiligence(const EuPassportInputs& in, Builder& b) {
  Json out = Json::object();
  b.Copy(out, "supplyChainDueDiligenceReport", Ptr(in.declared),
         {"documents", "due_diligence_report"}, kPublic);
  return out;
}

// CAS registry numbers of the elements battery.produced weighs (`materials`), all critical raw
// materials (Regulation (EU) 2024/1252, Annex II).
struct Element {
  const char* field;
  const char* name;
  const char* cas;
};
constexpr Element kElements[] = {{"li_kg", "lithium", "7439-93-2"},
                                 {"co_kg", "cobalt", "7440-48-4"},
                                 {"ni_kg", "nickel", "7440-02-0"},
                                 {"mn_kg", "manganese", "7439-96-5"}};

const char* HazardClass(const std::string& c) {
  if (c == "acute_toxicity") return "AcuteToxicity";
  if (c == "skin_corrosion") return "SkinCorrosionOrIrritation";
  if (c == "eye_damage") return "EyeDamageOrIrritation";
  return nullptr;
}

Json MaterialComposition(const EuPassportInputs& in, Builder& b) {
  Json out = Json::object();
  const EuSource* d = Ptr(in.declared);
  const EuSource* p = Ptr(in.produced);
  if (const Json* chem = d ? At(d->body, {"chemistry"}) : nullptr) {
    Json c = Json::object();
    if (const Json* v = At(*chem, {"short_name"})) c["shortName"] = *v;
    if (const Json* v = At(*chem, {"clear_name"})) c["clearName"] = *v;
    if (!c.empty()) b.Put(out, "batteryChemistry", c, kPublic, d);
  } else if (in.battery.chemistry && in.battery.chemistry->size() == 1 &&
             (*in.battery.chemistry)[0] != 'Z') {
    if (const char* name = ChemistryName((*in.battery.chemistry)[0])) {
      b.Put(out, "batteryChemistry", {{"shortName", name}}, kPublic, p);
    }
  }
  // Materials: those the model declares; else the elements battery.produced weighs. The public
  // see the critical raw materials (Annex XIII 1(b)); a legitimate interest all, with their
  // component and mass (2(a)).
  Json materials = Json::array();
  const EuSource* from = nullptr;
  if (const Json* list = d ? At(d->body, {"materials"}) : nullptr) {
    from = d;
    for (const Json& m : *list) {
      const Json* critical = At(m, {"critical"});
      const bool is_critical = critical && critical->is_boolean() && critical->get<bool>();
      if (!is_critical && !b.May(kLegit)) continue;
      Json item = Json::object();
      if (const Json* v = At(m, {"name"})) item["batteryMaterialName"] = *v;
      if (const Json* v = At(m, {"cas"})) item["batteryMaterialIdentifier"] = *v;
      if (critical) item["isCriticalRawMaterial"] = *critical;
      if (b.May(kLegit)) {
        if (const Json* v = At(m, {"component"})) {
          item["batteryMaterialLocation"] = {{"componentName", *v}};
        }
        if (const Json* v = At(m, {"mass_kg"})) item["batteryMaterialMass"] = *v;
      }
      materials.push_back(std::move(item));
    }
  } else if (const Json* weighed = p ? At(p->body, {"materials"}) : nullptr) {
    from = p;
    for (const Element& e : kElements) {
      const Json* kg = At(*weighed, {e.field});
      if (!kg || !kg->is_number() || kg->get<double>() <= 0) continue;
      Json item = {{"batteryMaterialName", e.name},
                   {"batteryMaterialIdentifier", e.cas},
                   {"isCriticalRawMaterial", true}};
      if (b.May(kLegit)) item["batteryMaterialMass"] = *kg;
      materials.push_back(std::move(item));
    }
  }
  if (!materials.empty()) b.Put(out, "batteryMaterials", materials, kPublic, from);
  if (const Json* list = d ? At(d->body, {"hazardous_substances"}) : nullptr) {
    Json substances = Json::array();
    for (const Json& h : *list) {
      Json item = Json::object();
      if (const Json* v = At(h, {"name"})) item["hazardousSubstanceName"] = *v;
      if (const Json* v = At(h, {"cas"})) item["hazardousSubstanceIdentifier"] = *v;
      if (const Json* v = At(h, {"class"}); v && v->is_string()) {
        if (const char* c = HazardClass(v->get<std::string>())) item["hazardousSubstanceClass"] = c;
      }
      if (const Json* v = At(h, {"component"})) {
        item["hazardousSubstanceLocation"] = {{"componentName", *v}};
      }
      if (b.May(kLegit)) {
        if (const Json* v = At(h, {"concentration_pct"})) {
          item["hazardousSubstanceConcentration"] = *v;
        }
      }
      substances.push_back(std::move(item));
    }
    if (!substances.empty()) b.Put(out, "hazardousSubstances", substances, kPublic, d);
  }
  return out;
}

double Number(const Json& v) {
  return v.is_number() ? v.get<double>() : std::nan("");
}

// The latest value of each battery.health field, by `measured` then ledger order.
struct Latest {
  const Json* value = nullptr;
  const EuSource* from = nullptr;
  std::string measured;
};

Json BatteryCondition(const EuPassportInputs& in, Builder& b) {
  Json out = Json::object();
  if (!b.May(kLegit) || in.health.empty()) return out;
  std::vector<std::pair<Instant, const EuSource*>> order;
  for (const EuSource& h : in.health) {
    const Json* m = At(h.body, {"measured"});
    if (!m || !m->is_string()) continue;
    auto t = ParseTimestamp(m->get<std::string>());
    if (t.ok()) order.emplace_back(*t, &h);
  }
  std::stable_sort(order.begin(), order.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  static constexpr const char* kFields[] = {"remaining_capacity_ah",
                                            "remaining_energy_kwh",
                                            "soh_energy_pct",
                                            "soh_capacity_pct",
                                            "soc_pct",
                                            "full_cycles",
                                            "energy_throughput_kwh",
                                            "capacity_throughput_ah",
                                            "extreme_temperature_hours",
                                            "deep_discharge_events",
                                            "overcharge_events",
                                            "accidents"};
  std::map<std::string, Latest> latest;
  for (const auto& [t, h] : order) {
    for (const char* f : kFields) {
      if (const Json* v = At(h->body, {f})) {
        latest[f] = {v, h, At(h->body, {"measured"})->get<std::string>()};
      }
    }
  }
  auto value = [&](const char* field, const char* key, const char* value_key, double scale,
                   double offset) {
    auto it = latest.find(field);
    if (it == latest.end()) return;
    const double v = offset + scale * Number(*it->second.value);
    if (std::isnan(v)) return;
    b.Put(out, key, {{value_key, v}, {"lastUpdate", it->second.measured}}, kLegit, it->second.from);
  };
  value("remaining_capacity_ah", "remainingCapacity", "remainingCapacityValue", 1, 0);
  value("remaining_energy_kwh", "remainingEnergy", "remainingEnergyValue", 1, 0);
  value("soh_energy_pct", "stateOfCertifiedEnergy", "stateOfCertifiedEnergyValue", 1, 0);
  value("soh_capacity_pct", "capacityFade", "capacityFadeValue", -1, 100);
  value("soc_pct", "stateOfCharge", "stateOfChargeValue", 1, 0);
  value("full_cycles", "numberOfFullCycles", "numberOfFullCyclesValue", 1, 0);
  value("energy_throughput_kwh", "energyThroughput", "energyThroughputValue", 1, 0);
  value("capacity_throughput_ah", "capacityThroughput", "capacityThroughputValue", 1, 0);
  if (auto it = latest.find("extreme_temperature_hours"); it != latest.end()) {
    // Hours in the report, minutes in the passport (the longlist's unit).
    static constexpr std::pair<const char*, const char*> kTimes[] = {
        {"high", "timeExtremeHighTemp"},
        {"low", "timeExtremeLowTemp"},
        {"high_charging", "timeExtremeHighTempCharging"},
        {"low_charging", "timeExtremeLowTempCharging"}};
    Json t = {{"lastUpdate", it->second.measured}};
    for (const auto& [field, key] : kTimes) {
      const Json* v = At(*it->second.value, {field});
      if (v && v->is_number()) t[key] = v->get<double>() * 60;
    }
    b.Put(out, "temperatureInformation", t, kLegit, it->second.from);
  }
  // The schema has no counters of negative events (only free text): each count and accident
  // is one event, its text made from the report's values.
  Json events = Json::array();
  std::vector<const EuSource*> event_sources;
  auto count = [&](const char* field, const char* what) {
    auto it = latest.find(field);
    if (it == latest.end()) return;
    char text[96];
    std::snprintf(text, sizeof text, "%s: %.0f", what, Number(*it->second.value));
    events.push_back({{"negativeEvent", text}, {"lastUpdate", it->second.measured}});
    event_sources.push_back(it->second.from);
  };
  count("deep_discharge_events", "deep discharge events");
  count("overcharge_events", "overcharge events");
  if (auto it = latest.find("accidents"); it != latest.end() && it->second.value->is_array()) {
    for (const Json& a : *it->second.value) {
      const Json* date = At(a, {"date"});
      const Json* what = At(a, {"description"});
      if (!date || !what || !date->is_string() || !what->is_string()) continue;
      events.push_back({{"negativeEvent",
                         "accident " + date->get<std::string>() + ": " + what->get<std::string>()},
                        {"lastUpdate", it->second.measured}});
      event_sources.push_back(it->second.from);
    }
  }
  if (!events.empty()) {
    b.Put(out, "negativeEvents", std::move(events), kLegit, nullptr);
    for (const EuSource* s : event_sources)
      b.Use(s);
  }
  return out;
}

Json Performance(const EuPassportInputs& in, Builder& b) {
  Json props = Json::object();
  const EuSource* d = Ptr(in.declared);
  const EuSource* p = Ptr(in.produced);
  b.Copy(props, "ratedCapacity", p, {"rated_capacity_ah"}, kPublic);
  b.Copy(props, "ratedEnergy", p, {"rated_energy_kwh"}, kPublic);
  if (!b.Copy(props, "nominalVoltage", p, {"nominal_voltage_v"}, kPublic)) {
    b.Copy(props, "nominalVoltage", d, {"electrical", "voltage_nominal_v"}, kPublic);
  }
  if (d) {
    b.Copy(props, "minimumVoltage", d, {"electrical", "voltage_min_v"}, kPublic);
    b.Copy(props, "maximumVoltage", d, {"electrical", "voltage_max_v"}, kPublic);
    if (const Json* kw = At(d->body, {"electrical", "power_max_kw"})) {
      b.Put(props, "ratedMaximumPower", Number(*kw) * 1000, kPublic, d);  // W
    }
    b.Copy(props, "roundtripEfficiency", d, {"electrical", "round_trip_efficiency_pct"}, kPublic);
    if (const Json* mohm = At(d->body, {"electrical", "internal_resistance_mohm"});
        mohm && mohm->is_number()) {
      b.Put(props, "initialInternalResistance",
            Json::array({{{"batteryComponent", in.battery.level},
                          {"ohmicResistance", Number(*mohm) / 1000}}}),  // ohm
            kPublic, d);
    }
    b.Copy(props, "expectedLifetime", d, {"lifetime", "expected_years"}, kLegit);
    b.Copy(props, "expectedNumberOfCycles", d, {"lifetime", "cycle_life"}, kPublic);
    if (const Json* test = At(d->body, {"lifetime", "cycle_life_test"});
        test && test->is_string() && IsUri(test->get<std::string>())) {
      b.Put(props, "lifetimeReferenceTest", *test, kPublic, d);
    }
    b.Copy(props, "capacityThresholdForExhaustion", d, {"lifetime", "capacity_threshold_pct"},
           kPublic);
    if (const Json* idle = At(d->body, {"idle_temperature_c"})) {
      Json range = Json::object();
      if (const Json* v = At(*idle, {"min"})) range["minimum"] = *v;
      if (const Json* v = At(*idle, {"max"})) range["maximum"] = *v;
      b.Put(props, "temperatureRangeIdleState", range, kPublic, d);
    }
  }
  Json out = Json::object();
  if (!props.empty()) out["batteryTechicalProperties"] = std::move(props);
  Json condition = BatteryCondition(in, b);
  if (!condition.empty()) out["batteryCondition"] = std::move(condition);
  return out;
}

// The registered enterprise `uscc`, nullopt when it is not registered.
Result<std::optional<Enterprise>> RegisteredEnterprise(store::Store& store,
                                                       const std::string& uscc) {
  BATTRACE_ASSIGN_OR_RETURN(row, store.GetRegistry("enterprise", uscc));
  if (!row) return std::optional<Enterprise>();
  BATTRACE_ASSIGN_OR_RETURN(record, ParseRegistryRecord(row->record));
  if (auto* e = std::get_if<Enterprise>(&record)) return std::optional(std::move(*e));
  return std::optional<Enterprise>();
}

bool Names(const Json& body, const char* field, const std::string& code) {
  const Json* v = At(body, {field});
  if (!v) return false;
  if (v->is_string()) return v->get<std::string>() == code;
  if (v->is_array()) {
    return std::any_of(v->begin(), v->end(), [&](const Json& c) {
      return c.is_string() && c.get<std::string>() == code;
    });
  }
  return false;
}

}  // namespace

std::string_view EuAccessName(EuAccess access) {
  switch (access) {
    case EuAccess::kPublic:
      return "public";
    case EuAccess::kLegitimate:
      return "legitimate";
    case EuAccess::kAuthority:
      return "authority";
  }
  return "public";
}

std::optional<EuAccess> EuAccessFromName(std::string_view name) {
  for (EuAccess a : {EuAccess::kPublic, EuAccess::kLegitimate, EuAccess::kAuthority}) {
    if (EuAccessName(a) == name) return a;
  }
  return std::nullopt;
}

EuAccess EuAccessFor(const access::Viewer& viewer, const domain::BatteryState& battery) {
  using Kind = access::Viewer::Kind;
  switch (viewer.kind) {
    case Kind::kRegulator:
      return EuAccess::kAuthority;
    case Kind::kAdmin:
      return EuAccess::kLegitimate;
    case Kind::kEnterprise:
      for (Role r : viewer.roles) {
        if (r == Role::kRepairShop || r == Role::kDismantler || r == Role::kRecycler ||
            r == Role::kSwapOperator) {
          return EuAccess::kLegitimate;
        }
      }
      if (battery.producer && *battery.producer == viewer.id) return EuAccess::kLegitimate;
      return EuAccess::kPublic;
    case Kind::kPublic:
      return EuAccess::kPublic;
  }
  return EuAccess::kPublic;
}

std::string EuPassportIdentifier(std::string_view code) {
  const std::string_view ns(reinterpret_cast<const char*>(kUrlNamespace.data()),
                            kUrlNamespace.size());
  ledger::Hash h = ledger::Sha256({ns, "gbt34014:", code});
  h[6] = static_cast<uint8_t>((h[6] & 0x0f) | 0x80);  // version 8
  h[8] = static_cast<uint8_t>((h[8] & 0x3f) | 0x80);  // variant 10
  return "urn:uuid:" + ledger::HashToHex(h).substr(0, 32);
}

Status AddEuSources(const std::vector<store::StoredReport>& history, EuPassportInputs& in) {
  std::vector<EuSource> sources;
  for (const store::StoredReport& r : history) {
    const bool read = r.type == "battery.produced" || r.type == "battery_model.declared" ||
                      r.type == "battery.health" || r.type == "battery.utilized";
    if (!read && r.type != "correction") continue;
    Json body = Json::parse(r.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) {
      return Status::Corruption("the report at leaf " + std::to_string(r.leaf_index) +
                                " is not stored as a JSON object");
    }
    if (r.type == "correction") {
      const Json* corrects = At(body, {"corrects"});
      const Json* report = At(body, {"report"});
      if (!corrects || !report) continue;
      for (EuSource& s : sources) {
        if (s.report.reporter == r.reporter && s.report.id == *corrects) {
          s.body = *report;
          s.corrections.push_back(r);
        }
      }
      continue;
    }
    sources.push_back({r, std::move(body), {}});
  }
  const std::string& code = in.battery.code;
  for (EuSource& s : sources) {
    const std::string& type = s.report.type;
    if (type == "battery.produced") {
      if (!in.produced && Names(s.body, "code", code)) in.produced = std::move(s);
    } else if (type == "battery_model.declared") {
      in.declared = std::move(s);  // the last one is in force
    } else if (type == "battery.health") {
      if (Names(s.body, "code", code)) in.health.push_back(std::move(s));
    } else if (!in.utilized && Names(s.body, "codes", code)) {
      in.utilized = std::move(s);
    }
  }
  return Status::Ok();
}

Result<EuPassportInputs> EuPassportInputsFor(store::Store& store, const std::string& code) {
  return EuPassportInputsFor(store, code, [&store](const std::string& uscc) {
    auto e = RegisteredEnterprise(store, uscc);
    return e.ok() && *e ? std::optional((*e)->name) : std::nullopt;
  });
}

Result<EuPassportInputs> EuPassportInputsFor(store::Store& store, const std::string& code,
                                             const MakerNameFn& maker_name) {
  BATTRACE_ASSIGN_OR_RETURN(state, store.GetBattery(code));
  if (!state) return Status::NotFound("no battery " + code + " in the record");
  EuPassportInputs in;
  in.battery = std::move(*state);
  BATTRACE_ASSIGN_OR_RETURN(history, store.BatteryHistoryReports(code));
  BATTRACE_RETURN_IF_ERROR(AddEuSources(history, in));
  if (in.battery.producer && in.battery.model) {
    // The declaration in force, and its latest correction (ModelDeclarations' corrected_by).
    BATTRACE_ASSIGN_OR_RETURN(declarations,
                              store.ModelDeclarations(*in.battery.producer, *in.battery.model));
    if (!declarations.empty()) {
      std::vector<store::StoredReport> last{std::move(declarations.back())};
      if (const auto& by = last.front().corrected_by) {
        const size_t slash = by->find('/');  // "reporter/id"; a USCC has no slash
        BATTRACE_ASSIGN_OR_RETURN(correction,
                                  store.GetReport(by->substr(0, slash), by->substr(slash + 1)));
        if (!correction) return Status::Corruption("no correction " + *by + ", named corrected_by");
        last.push_back(std::move(*correction));
      }
      BATTRACE_RETURN_IF_ERROR(AddEuSources(last, in));
    }
  }
  if (in.battery.producer) in.maker_name = maker_name(*in.battery.producer);
  if (in.battery.custodian &&
      (in.battery.status == "in_transit" || in.battery.status == "received")) {
    BATTRACE_ASSIGN_OR_RETURN(holder, RegisteredEnterprise(store, *in.battery.custodian));
    in.custodian_treats_waste =
        holder && (holder->HasRole(Role::kRecycler) || holder->HasRole(Role::kDismantler));
  }
  return in;
}

Json EuPassport(const EuPassportInputs& in, EuAccess access) {
  Builder b(access);
  Json out = {{"profile", "eu"},
              {"access", EuAccessName(access)},
              {"passportIdentifier", EuPassportIdentifier(in.battery.code)},
              {"battery", in.battery.code}};
  if (in.utilized) {
    // Art. 77(8): the passport ceases to exist; it is kept, marked so, for every class.
    const Json* day = At(in.utilized->body, {"occurred"});
    out["ceased"] = {{"date", day && day->is_string() ? *day : Json(in.utilized->report.occurred)},
                     {"by", in.utilized->report.reporter},
                     {"leaf_index", in.utilized->report.leaf_index}};
    b.Use(&*in.utilized);
  }
  Json origins = Json::array();
  if (const Json* codes = in.produced ? At(in.produced->body, {"origin_codes"}) : nullptr) {
    for (const Json& c : *codes) {
      if (!c.is_string()) continue;
      origins.push_back(
          {{"passportIdentifier", EuPassportIdentifier(c.get<std::string>())}, {"battery", c}});
    }
    if (!origins.empty()) b.Use(&*in.produced);
  }
  out["origins"] = std::move(origins);
  out["generalProductInformation"] = GeneralProductInformation(in, b);
  out["carbonFootprint"] = CarbonFootprint(in, b);
  out["circularity"] = Circularity(in, b);
  out["materialComposition"] = MaterialComposition(in, b);
  out["performance"] = Performance(in, b);
  out["labels"] = Labels(in, b);
  out["supplyChainDueDiligence"] = SupplyChainDueDiligence(in, b);
  out["provenance"] = b.Provenance();
  return out;
}

}  // namespace battrace::passport
