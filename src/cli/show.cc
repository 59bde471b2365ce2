// `battrace show battery CODE` / `show vehicle VIN`: the current state from the projections and
// the history from the ledger, as JSON. Identifiers are normalized first, as on ingest.
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/store_args.h"
#include "core/battery_code.h"
#include "core/vin.h"
#include "ledger/hash.h"

namespace battrace::cli {
namespace {

nlohmann::json Opt(const std::optional<std::string>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

nlohmann::json BatteryJson(const domain::BatteryState& b) {
  return {{"code", b.code},
          {"level", b.level},
          {"producer", Opt(b.producer)},
          {"chemistry", Opt(b.chemistry)},
          {"model", Opt(b.model)},
          {"parent", Opt(b.parent)},
          {"custodian", Opt(b.custodian)},
          {"vin", Opt(b.vin)},
          {"status", b.status}};
}

nlohmann::json VehicleJson(const domain::VehicleState& v) {
  return {{"vin", v.vin},
          {"maker", Opt(v.maker)},
          {"vehicle_type", Opt(v.vehicle_type)},
          {"brand", Opt(v.brand)},
          {"model", Opt(v.model)},
          {"name", Opt(v.name)},
          {"imported", v.imported},
          {"swappable", v.swappable},
          {"sale_date", Opt(v.sale_date)},
          {"sale_division", Opt(v.sale_division)},
          {"scrapped_date", Opt(v.scrapped_date)},
          {"scrap_certificate", Opt(v.scrap_certificate)}};
}

Result<nlohmann::json> History(store::Store& s, const std::vector<uint64_t>& leaves) {
  nlohmann::json out = nlohmann::json::array();
  for (uint64_t leaf : leaves) {
    BATTRACE_ASSIGN_OR_RETURN(r, s.GetReportAt(leaf));
    if (!r) return Status::Corruption("history names leaf " + std::to_string(leaf) + ", absent");
    out.push_back({{"leaf_index", leaf},
                   {"leaf_hash", ledger::HashToBase64(r->leaf_hash)},
                   {"report", nlohmann::json::parse(r->body, nullptr, false)}});
  }
  return out;
}

Result<nlohmann::json> ShowBattery(store::Store& s, const std::string& raw) {
  BATTRACE_ASSIGN_OR_RETURN(code, BatteryCode::Parse(raw, Strictness::kLenient));
  BATTRACE_ASSIGN_OR_RETURN(state, s.GetBattery(code.str()));
  if (!state) return Status::NotFound("no battery " + code.str() + " in the record");
  BATTRACE_ASSIGN_OR_RETURN(parts, s.PartsOf(code.str()));
  BATTRACE_ASSIGN_OR_RETURN(leaves, s.BatteryHistory(code.str()));
  BATTRACE_ASSIGN_OR_RETURN(history, History(s, leaves));
  return nlohmann::json{{"battery", BatteryJson(*state)}, {"parts", parts}, {"history", history}};
}

Result<nlohmann::json> ShowVehicle(store::Store& s, const std::string& raw) {
  BATTRACE_ASSIGN_OR_RETURN(vin, Vin::Parse(raw));
  BATTRACE_ASSIGN_OR_RETURN(state, s.GetVehicle(vin.str()));
  if (!state) return Status::NotFound("no vehicle " + vin.str() + " in the record");
  BATTRACE_ASSIGN_OR_RETURN(packs, s.BatteriesInVehicle(vin.str()));
  BATTRACE_ASSIGN_OR_RETURN(leaves, s.VehicleHistory(vin.str()));
  BATTRACE_ASSIGN_OR_RETURN(history, History(s, leaves));
  nlohmann::json pack_json = nlohmann::json::array();
  for (const auto& p : packs)
    pack_json.push_back(BatteryJson(p));
  return nlohmann::json{
      {"vehicle", VehicleJson(*state)}, {"packs", pack_json}, {"history", history}};
}

}  // namespace

void RegisterShow(CLI::App& app, CommandList& commands) {
  auto* show = app.add_subcommand("show", "Current state and history of a battery or vehicle");
  show->require_subcommand(1);
  for (const char* what : {"battery", "vehicle"}) {
    const bool battery = std::string(what) == "battery";
    auto* cmd = show->add_subcommand(what, battery ? "a battery by its code" : "a vehicle by VIN");
    auto args = std::make_shared<StoreArgs>();
    auto key = std::make_shared<std::string>();
    args->AddTo(cmd, false);
    cmd->add_option(battery ? "CODE" : "VIN", *key)->required();
    commands.push_back({cmd, [args, key, battery] {
                          auto store = args->Open(false);
                          if (!store.ok()) return Fail(store.status());
                          auto out =
                              battery ? ShowBattery(**store, *key) : ShowVehicle(**store, *key);
                          if (!out.ok()) return Fail(out.status());
                          std::cout << out->dump(2) << "\n";
                          return 0;
                        }});
  }
}

}  // namespace battrace::cli
