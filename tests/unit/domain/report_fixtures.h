// Valid identifiers and one valid report per type, shared by the domain and ingest tests.
//
// Every identifier here passes its checker: battery codes per GB/T 34014 (date letters B3C =
// 2021-03-12), VINs with their ISO 3779 check digit, USCCs with their GB 32100 check character
// and a valid GB 11714 organisation code.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "domain/report_type.h"

namespace battrace::testing {

inline constexpr const char* kBatteryMaker = "91350900587527783P";
inline constexpr const char* kVehicleMaker = "91440300708461136T";
inline constexpr const char* kRecycler = "914403002793835897";
inline constexpr const char* kRepairShop = "91110000100000008J";

inline constexpr const char* kCell1 = "001CB240000003B3C0221953";
inline constexpr const char* kCell2 = "001CB240000003B3C0221954";
inline constexpr const char* kModule1 = "001MB240000003B3C0221955";
inline constexpr const char* kPack1 = "001PB240000003B3C0221956";
inline constexpr const char* kPack2 = "001PB240000003B3C0221957";
inline constexpr const char* kPack3 = "001PB240000003B3C0221958";
inline constexpr const char* kPack4 = "001PB240000003B3C0221959";

inline constexpr const char* kVin1 = "LSVAB2BM5PN000001";
inline constexpr const char* kVin2 = "LGXCE4CB7RA000123";

// A pack code with serial `n` (0 <= n < 10^7), all distinct and valid.
inline std::string PackWithSerial(int n) {
  std::string serial = std::to_string(n);
  return "001PB240000003B3C" + std::string(7 - serial.size(), '0') + serial;
}

// The body fields of a valid report of `type` (no envelope). For kCorrection, a correction of
// a vehicle.produced.
inline nlohmann::json ValidBody(ReportType type) {
  using nlohmann::json;
  switch (type) {
    case ReportType::kBatteryProduced:
      return {{"code", kPack1},
              {"parts", {kModule1, kCell2}},
              {"model", "LFP-280"},
              {"rated_capacity_ah", 280},
              {"nominal_voltage_v", 3.2},
              {"rated_energy_kwh", 0.896},
              {"mass_kg", 5.4},
              {"materials", {{"li_kg", 0.12}, {"co_kg", 0}, {"ni_kg", 0}, {"mn_kg", 0.01}}}};
    case ReportType::kVehicleProduced:
      return {{"vin", kVin1},      {"vehicle_type", "M1"},  {"brand", "Example"},
              {"model", "EX-1"},   {"name", "Example One"}, {"packs", {kPack1}},
              {"imported", false}, {"swappable", true}};
    case ReportType::kVehicleSold:
      return {{"vin", kVin1}, {"sale_date", "2026-04-01"}, {"division", "440305"}};
    case ReportType::kBatteryReplaced:
      return {{"vin", kVin1},
              {"removed", {kPack1}},
              {"installed", {kPack2}},
              {"repairer", kRepairShop}};
    case ReportType::kBatterySwapped:
      return {{"vin", kVin1}, {"removed", kPack1}, {"installed", kPack2}, {"station", "SZ-007"}};
    case ReportType::kBatteryOutbound:
      return {{"codes", {kPack1, kPack2, kPack3, kPack4}},
              {"to", kRecycler},
              {"outlet", "outlet-44-001"},
              {"source", "repair"},
              {"mass_kg", 1200.5}};
    case ReportType::kBatteryInbound:
      return {{"codes", {kPack1, kPack2}}, {"from", kVehicleMaker}, {"mass_kg", 600}};
    case ReportType::kVehicleScrapped:
      return {{"vin", kVin2}, {"certificate", "BF-2026-000123"}, {"packs_present", {kPack3}}};
    case ReportType::kBatteryUtilized:
      return {{"codes", {kPack1}}, {"process", "crushing"}};
    case ReportType::kProductOutbound:
      return {{"products",
               {{{"material", "lithium_carbonate"}, {"mass_kg", 12.5}},
                {{"material", "nickel_sulfate"}, {"mass_kg", 3}}}},
              {"to", kBatteryMaker}};
    case ReportType::kOutletRegistered:
    case ReportType::kOutletChanged:
      return {{"outlet",
               {{"id", "outlet-44-001"},
                {"name", "Nanshan collection point"},
                {"address", "1 Example Road, Nanshan"},
                {"division", "440305"},
                {"kind", "collection"},
                {"capacity_t", 50},
                {"area_m2", 120}}}};
    case ReportType::kOutletClosed:
      return {{"outlet", {{"id", "outlet-44-001"}}}};
    case ReportType::kModelDisassemblyInfo:
      return {{"vehicle_model", "EX-1"},
              {"document",
               {{"uri", "https://example.com/ex-1/disassembly.pdf"},
                {"sha256", std::string(64, 'a')}}}};
    case ReportType::kBatteryModelDeclared:
      return {{"model", "LFP-280"},
              {"category", "ev"},
              {"gtin", "06901234567892"},
              {"chemistry", {{"short_name", "LFP"}, {"clear_name", "lithium iron phosphate"}}},
              {"carbon_footprint",
               {{"per_kwh", 61.5},
                {"class", "B"},
                {"stages",
                 {{"raw_material_extraction", 40.1},
                  {"main_production", 15.2},
                  {"distribution", 1.1},
                  {"recycling", 5.1}}},
                {"study", "https://example.com/lfp-280/carbon.pdf"}}},
              {"recycled_content",
               {{"nickel", {{"pre_consumer", 4.0}, {"post_consumer", 8.0}}},
                {"lithium", {{"pre_consumer", 1.0}, {"post_consumer", 6.0}}}}},
              {"renewable_content_pct", 12.0},
              {"materials",
               {{{"name", "LiFePO4"},
                 {"cas", "15365-14-7"},
                 {"mass_kg", 120.5},
                 {"critical", true},
                 {"component", "cathode"}},
                {{"name", "graphite"}, {"component", "anode"}}}},
              {"hazardous_substances",
               {{{"name", "LiPF6"},
                 {"cas", "21324-40-3"},
                 {"class", "acute_toxicity"},
                 {"concentration_pct", 1.2},
                 {"component", "electrolyte"}}}},
              {"extinguishing_agents", {"water", "CO2"}},
              {"lifetime",
               {{"expected_years", 10},
                {"cycle_life", 3000},
                {"cycle_life_test", "GB/T 31484-2015"},
                {"capacity_threshold_pct", 70}}},
              {"electrical",
               {{"voltage_min_v", 280},
                {"voltage_nominal_v", 350},
                {"voltage_max_v", 400},
                {"power_rated_kw", 150},
                {"power_max_kw", 200},
                {"round_trip_efficiency_pct", 94},
                {"internal_resistance_mohm", 80}}},
              {"idle_temperature_c", {{"min", -20}, {"max", 45}}},
              {"warranty_months", 96},
              {"documents",
               {{"declaration_of_conformity", "https://example.com/lfp-280/doc.pdf"},
                {"test_report", "https://example.com/lfp-280/test.pdf"},
                {"dismantling_manual", "https://example.com/lfp-280/dismantling.pdf"},
                {"due_diligence_report", "https://example.com/due-diligence.pdf"}}}};
    case ReportType::kBatteryHealth:
      return {{"code", kPack1},
              {"measured", "2026-04-02T08:00:00+08:00"},
              {"soh_capacity_pct", 92.5},
              {"remaining_capacity_ah", 259.0},
              {"soh_energy_pct", 91.0},
              {"remaining_energy_kwh", 78.2},
              {"soc_pct", 64},
              {"full_cycles", 812},
              {"energy_throughput_kwh", 61000},
              {"capacity_throughput_ah", 175000},
              {"extreme_temperature_hours",
               {{"high", 12.5}, {"low", 3.0}, {"high_charging", 0.5}, {"low_charging", 0}}},
              {"deep_discharge_events", 0},
              {"overcharge_events", 1},
              {"accidents", {{{"date", "2026-03-02"}, {"description", "rear collision"}}}}};
    case ReportType::kCorrection: {
      json nested = ValidBody(ReportType::kVehicleProduced);
      nested["type"] = "vehicle.produced";
      nested["occurred"] = "2026-04-03";
      return {{"corrects", "r-0"}, {"reason", "wrong pack code"}, {"report", nested}};
    }
  }
  return {};
}

// A valid report of `type`: the envelope of a suitable reporter around ValidBody(type).
inline nlohmann::json ValidReport(ReportType type) {
  nlohmann::json j = ValidBody(type);
  j["id"] = "r-1";
  j["type"] = std::string(ReportTypeName(type));
  j["reporter"] = type == ReportType::kBatteryProduced || type == ReportType::kBatteryModelDeclared
                      ? kBatteryMaker
                      : kVehicleMaker;
  j["occurred"] = "2026-04-02";
  return j;
}

}  // namespace battrace::testing
