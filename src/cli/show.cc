// `battrace show battery CODE` / `show vehicle VIN`: the current state from the projections and
// the history from the ledger, as JSON. Identifiers are normalized first, as on ingest.
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/store_args.h"
#include "core/battery_code.h"
#include "core/vin.h"
#include "passport/views.h"

namespace battrace::cli {
namespace {

// The full record: `show` reads the store file directly, as its operator may.
Result<nlohmann::json> ShowBattery(store::Store& s, const std::string& raw) {
  BATTRACE_ASSIGN_OR_RETURN(code, BatteryCode::Parse(raw, Strictness::kLenient));
  BATTRACE_ASSIGN_OR_RETURN(state, s.GetBattery(code.str()));
  if (!state) return Status::NotFound("no battery " + code.str() + " in the record");
  BATTRACE_ASSIGN_OR_RETURN(parts, s.PartsOf(code.str()));
  BATTRACE_ASSIGN_OR_RETURN(reports, s.BatteryHistoryReports(code.str()));
  BATTRACE_RETURN_IF_ERROR(store::LinkCorrections(s, reports));
  nlohmann::json history = nlohmann::json::array();
  for (const store::StoredReport& r : reports)
    history.push_back(passport::ReportView(r));
  const access::BatteryRecord record{std::move(*state), true, std::move(parts)};
  return nlohmann::json{{"battery", passport::BatteryView(record, std::nullopt, CliLang())},
                        {"history", history}};
}

Result<nlohmann::json> ShowVehicle(store::Store& s, const std::string& raw) {
  BATTRACE_ASSIGN_OR_RETURN(vin, Vin::Parse(raw));
  BATTRACE_ASSIGN_OR_RETURN(state, s.GetVehicle(vin.str()));
  if (!state) return Status::NotFound("no vehicle " + vin.str() + " in the record");
  access::VehicleRecord record{std::move(*state), {}, {}};
  BATTRACE_ASSIGN_OR_RETURN(packs, s.BatteriesInVehicle(vin.str()));
  record.packs = std::move(packs);
  BATTRACE_ASSIGN_OR_RETURN(leaves, s.VehicleHistory(vin.str()));
  for (uint64_t leaf : leaves) {
    BATTRACE_ASSIGN_OR_RETURN(r, s.GetReportAt(leaf));
    if (!r) return Status::Corruption("history names leaf " + std::to_string(leaf) + ", absent");
    record.history.push_back(std::move(*r));
  }
  BATTRACE_RETURN_IF_ERROR(store::LinkCorrections(s, record.history));
  return passport::VehicleView(record);
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
                          auto store = args->OpenReadOnly();
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
