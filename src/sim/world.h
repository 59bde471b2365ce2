// The simulated world (internal to src/sim): enterprises, regions, models, outlets and
// regulators, and the world's own reports (outlets, disassembly info).
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/date.h"
#include "core/status.h"
#include "domain/role.h"
#include "sim/deadlines.h"
#include "sim/simulator.h"

namespace battrace::sim {

// A qualification of a recycler, valid from `from` to `to`, both included.
struct Qual {
  std::string type;
  Date from, to;
};

// A simulated enterprise.
struct Ent {
  Role kind;  // the one role each simulated enterprise holds
  std::string uscc;
  std::string name;
  std::string tag;       // short, for ids: "B01", "V03"
  std::string division;  // a county (or a city without counties)
  std::string manufacturer_code;
  std::string wmi;
  std::vector<int> cooperates_with;
  std::vector<Qual> qualifications;
};

struct City {
  std::string code;
  std::string province;
  std::vector<std::string> counties;  // the city itself when the list has none under it
};

struct Model {
  int vm = 0;
  int bm = 0;
  std::string name;  // the vehicle model, unique per maker
  std::string brand;
  std::string vehicle_type;
  char chemistry = 'B';
  std::string spec;
  int modules = 2;
  int cells = 4;  // per module
  double cell_ah = 100;
  double cell_v = 3.2;
  double cell_kg = 2;
  bool swappable = false;
  int battery_model = 0;  // index into World::battery_models: its pack's model
};

// A pack model of a battery maker (battery.produced `model` of its packs), shared by the
// vehicle models whose packs are alike, and what the maker declares of it (src/sim/eu.h).
struct BatteryModel {
  int bm = 0;
  std::string name;
  int model = 0;            // the first vehicle model with this pack: its figures
  bool declared = false;    // the maker files battery_model.declared
  bool redeclared = false;  // and a second declaration, with changed values, later
  std::string gtin;         // 14 digits; empty when the model has none
};

struct World {
  World(const SimOptions& o, const Deadlines& d) : options(o), deadlines(d) {}
  SimOptions options;
  Deadlines deadlines;
  std::vector<Ent> ents;
  std::vector<int> bms, vms, swaps, shops, dismantlers, recyclers, ebikes;
  int bad_eia = -1;     // a recycler whose EIA expires inside the window
  int bad_filing = -1;  // a recycler whose investment filing expired before it
  Date eia_expiry;
  std::vector<City> cities;
  std::vector<std::vector<int>> vm_cities;  // per VM (index into vms): city indices
  std::vector<std::vector<int>> vm_models;  // per VM: model indices
  std::vector<Model> models;
  std::vector<BatteryModel> battery_models;
  std::vector<bool> model_info_missing;
  // Registered primary outlets: (enterprise, region code) -> outlet id; a region missing here is
  // an injected coverage gap when the pair is in `gaps`.
  std::map<std::pair<int, std::string>, std::string> outlets;
  std::set<std::pair<int, std::string>> gaps;
  std::set<std::pair<std::string, std::string>> regulators;  // (department, division)
  std::vector<std::string> unregistered;                     // valid USCCs nobody registered
};

// One report of the world itself (outlets, disassembly info), held until its day.
struct Line {
  Instant at = 0;
  std::string reporter;
  std::string id;
  std::string text;
  // For the writer's bookkeeping: a sale (coverage evidence) or a vehicle production.
  int sale_vm = -1;
  int sale_bm = -1;  // -1 when the vehicle was never reported produced
  std::string city, province;
  int produced_model = -1;
  Date occurred;
};

// The battery.produced `model` of a vehicle model's packs.
std::string PackModelName(const Model& m);

// The start of the Beijing day plus `second`.
Instant At(Date day, int second);
// The envelope of a report, `reported` at `second` of `reported_day`.
nlohmann::json Envelope(const World& w, int reporter, const std::string& id, const char* type,
                        Date occurred, Date reported_day, int second);
Line ToLine(const World& w, int reporter, const nlohmann::json& r, Date reported_day, int second);

// A valid USCC registered in `division`, its organisation code from `n`.
std::string MakeUscc(const std::string& division, uint64_t n);
// The division of the regulator of `department` whose division is the longest prefix of
// `division` (docs/findings.md, "Authority"); `division` itself when there is none.
std::string Authority(const World& w, const std::string& department, const std::string& division);

struct WorldBuild {
  World world;
  std::vector<std::pair<Date, Line>> lines;  // world reports by reported day
};

// Draws the world for the options; fails when the calendar or the rules do not load.
Result<WorldBuild> BuildWorld(const SimOptions& o);

}  // namespace battrace::sim
