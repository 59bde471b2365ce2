#include "domain/projection.h"

#include <algorithm>
#include <map>
#include <set>
#include <type_traits>

#include "domain/custody.h"

namespace battrace::domain {
namespace {

// Collects the rows one report touches, reading each from the state once.
class Changes {
 public:
  // `contests`: the batteries the report moves against their record (domain/custody.h), which
  // it leaves as they are, marked contested by `ref`.
  Changes(StateView& state, uint64_t leaf, std::string ref, std::vector<Contest> contests)
      : state_(state),
        leaf_(static_cast<int64_t>(leaf)),
        ref_(std::move(ref)),
        contests_(std::move(contests)) {}

  // Whether the report moves `b` against its record: then `b` is marked contested by the report
  // and must stay as it is. Otherwise the report moves it, which settles an earlier contest.
  bool Contested(BatteryState& b) {
    const bool contested = std::any_of(contests_.begin(), contests_.end(),
                                       [&](const Contest& x) { return x.code == b.code; });
    if (contested) {
      b.contested = ref_;
    } else {
      b.contested.reset();
    }
    return contested;
  }

  // The row of `code`, read once per report. `indexed`: the report goes into the code's history
  // index; a battery.produced does not, since the row keeps its leaf (produced_leaf, and for its
  // parts, the parent's produced_leaf).
  Result<BatteryState*> Battery(const BatteryCode& code, bool indexed = true) {
    auto it = batteries_.find(code.str());
    if (it != batteries_.end()) return &it->second;
    BATTRACE_ASSIGN_OR_RETURN(found, state_.GetBattery(code.str()));
    BatteryState b;
    if (found) {
      b = std::move(*found);
    } else {
      b.code = code.str();
      b.level = ProductTypeName(code.product_type());
      b.chemistry = std::string(1, code.chemistry());
      b.status = kStatusReferenced;
    }
    b.updated_leaf = leaf_;
    if (indexed) refs_.push_back(code.str());
    return &batteries_.emplace(code.str(), std::move(b)).first->second;
  }

  Result<VehicleState*> Vehicle(const Vin& vin) {
    auto it = vehicles_.find(vin.str());
    if (it != vehicles_.end()) return &it->second;
    BATTRACE_ASSIGN_OR_RETURN(found, state_.GetVehicle(vin.str()));
    VehicleState v;
    if (found) {
      v = std::move(*found);
    } else {
      v.vin = vin.str();
    }
    v.updated_leaf = leaf_;
    return &vehicles_.emplace(vin.str(), std::move(v)).first->second;
  }

  // Records that the report names `code` without changing a row it has; a code without one gets
  // one (referenced), as from any report naming it.
  Status Name(const BatteryCode& code) {
    if (!batteries_.contains(code.str())) {
      BATTRACE_ASSIGN_OR_RETURN(found, state_.GetBattery(code.str()));
      if (!found) return Battery(code).status();
    }
    Mention(code);
    return Status::Ok();
  }

  // Records that the report names `code` without changing its row.
  void Mention(const BatteryCode& code) { refs_.push_back(code.str()); }

  int64_t leaf() const { return leaf_; }

  Effects Finish() {
    Effects e;
    for (auto& [code, b] : batteries_)
      e.batteries.push_back(std::move(b));
    for (auto& [vin, v] : vehicles_) {
      e.vehicle_refs.push_back(vin);
      e.vehicles.push_back(std::move(v));
    }
    e.battery_refs = std::move(refs_);
    return e;
  }

 private:
  StateView& state_;
  int64_t leaf_;
  std::string ref_;
  std::vector<Contest> contests_;
  std::map<std::string, BatteryState> batteries_;
  std::map<std::string, VehicleState> vehicles_;
  std::vector<std::string> refs_;
};

// Sets custody and status of every listed battery.
Status Hand(Changes& c, const std::vector<ScannedCode>& codes, const std::string& custodian,
            const char* status) {
  for (const ScannedCode& s : codes) {
    BATTRACE_ASSIGN_OR_RETURN(b, c.Battery(s.code));
    if (c.Contested(*b)) continue;
    b->custodian = custodian;
    b->status = status;
  }
  return Status::Ok();
}

// Takes the battery out of the pack list of the vehicle it is recorded in, if any.
Status Unbind(Changes& c, BatteryState& b) {
  if (!b.vin) return Status::Ok();
  auto vin = Vin::Parse(*b.vin);
  if (vin.ok()) {
    BATTRACE_ASSIGN_OR_RETURN(v, c.Vehicle(*vin));
    std::erase(v->packs, b.code);
  }
  b.vin.reset();
  return Status::Ok();
}

Status Install(Changes& c, const ScannedCode& s, const Vin& vin, const std::string& custodian) {
  BATTRACE_ASSIGN_OR_RETURN(b, c.Battery(s.code));
  if (c.Contested(*b)) return Status::Ok();
  if (b->vin != vin.str()) BATTRACE_RETURN_IF_ERROR(Unbind(c, *b));
  b->vin = vin.str();
  b->custodian = custodian;
  b->status = kStatusInstalled;
  BATTRACE_ASSIGN_OR_RETURN(v, c.Vehicle(vin));
  const auto at = std::lower_bound(v->packs.begin(), v->packs.end(), s.code.str());
  if (at == v->packs.end() || *at != s.code.str()) v->packs.insert(at, s.code.str());
  return Status::Ok();
}

Status Remove(Changes& c, const ScannedCode& s, const std::string& custodian) {
  BATTRACE_ASSIGN_OR_RETURN(b, c.Battery(s.code));
  if (c.Contested(*b)) return Status::Ok();
  BATTRACE_RETURN_IF_ERROR(Unbind(c, *b));
  b->custodian = custodian;
  b->status = kStatusRemoved;
  return Status::Ok();
}

// Whether a battery.produced carries a complete digital ID (Art. 12).
bool CompleteId(const BatteryProduced& r) {
  return r.model && r.rated_capacity_ah && r.rated_energy_kwh && r.mass_kg && r.materials &&
         (r.code.code.product_type() == ProductType::kCell || !r.parts.empty());
}

Status ProjectBody(Changes& c, const std::string& reporter, const Date& occurred,
                   const ReportBody& body) {
  return std::visit(
      [&](const auto& r) -> Status {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, BatteryProduced>) {
          BATTRACE_ASSIGN_OR_RETURN(b, c.Battery(r.code.code, /*indexed=*/false));
          if (b->produced_leaf >= 0) {  // a duplicate: the first ID stands, this one is history
            c.Mention(r.code.code);
            return Status::Ok();
          }
          b->producer = reporter;
          b->model = r.model;
          b->serial = r.serial;
          b->id_complete = CompleteId(r);
          b->produced_leaf = c.leaf();
          if (!b->custodian) b->custodian = reporter;
          if (b->status == kStatusReferenced) b->status = kStatusProduced;
          for (const ScannedCode& part : r.parts) {
            BATTRACE_ASSIGN_OR_RETURN(p, c.Battery(part.code, /*indexed=*/false));
            if (p->parent && *p->parent != r.code.code.str()) c.Mention(part.code);
            if (!c.Contested(*p)) p->parent = r.code.code.str();
          }
          for (const ScannedCode& origin : r.origin_codes)
            c.Mention(origin.code);
        } else if constexpr (std::is_same_v<T, VehicleProduced>) {
          BATTRACE_ASSIGN_OR_RETURN(v, c.Vehicle(r.vin));
          if (v->produced_leaf >= 0) {
            for (const ScannedCode& p : r.packs)
              c.Mention(p.code);
            return Status::Ok();
          }
          v->maker = reporter;
          v->vehicle_type = r.vehicle_type;
          v->brand = r.brand;
          v->model = r.model;
          v->name = r.name;
          v->imported = r.imported;
          v->swappable = r.swappable;
          v->produced_leaf = c.leaf();
          for (const ScannedCode& p : r.packs)
            BATTRACE_RETURN_IF_ERROR(Install(c, p, r.vin, reporter));
        } else if constexpr (std::is_same_v<T, VehicleSold>) {
          BATTRACE_ASSIGN_OR_RETURN(v, c.Vehicle(r.vin));
          if (v->sale_date) return Status::Ok();  // a second sale: the first stands
          v->sale_date = r.sale_date.ToString();
          v->sale_division = r.division.code();
        } else if constexpr (std::is_same_v<T, BatteryReplaced>) {
          BATTRACE_RETURN_IF_ERROR(c.Vehicle(r.vin).status());
          const std::string holder = r.repairer ? r.repairer->str() : reporter;
          for (const ScannedCode& s : r.removed)
            BATTRACE_RETURN_IF_ERROR(Remove(c, s, holder));
          for (const ScannedCode& s : r.installed) {
            BATTRACE_RETURN_IF_ERROR(Install(c, s, r.vin, holder));
          }
        } else if constexpr (std::is_same_v<T, BatterySwapped>) {
          BATTRACE_RETURN_IF_ERROR(c.Vehicle(r.vin).status());
          BATTRACE_RETURN_IF_ERROR(Remove(c, r.removed, reporter));
          BATTRACE_RETURN_IF_ERROR(Install(c, r.installed, r.vin, reporter));
        } else if constexpr (std::is_same_v<T, BatteryOutbound>) {
          // An outbound filed after the receiver's inbound leaves the battery received.
          for (const ScannedCode& s : r.codes) {
            BATTRACE_ASSIGN_OR_RETURN(b, c.Battery(s.code));
            if (b->status == kStatusReceived && b->custodian == r.to.str()) continue;
            if (c.Contested(*b)) continue;
            b->custodian = r.to.str();
            b->status = kStatusInTransit;
          }
        } else if constexpr (std::is_same_v<T, BatteryInbound>) {
          BATTRACE_RETURN_IF_ERROR(Hand(c, r.codes, reporter, kStatusReceived));
        } else if constexpr (std::is_same_v<T, VehicleScrapped>) {
          BATTRACE_ASSIGN_OR_RETURN(v, c.Vehicle(r.vin));
          v->scrapped_date = occurred.ToString();
          v->scrap_certificate = r.certificate;
          for (const ScannedCode& s : r.packs_present) {
            BATTRACE_RETURN_IF_ERROR(Remove(c, s, reporter));
            BATTRACE_ASSIGN_OR_RETURN(b, c.Battery(s.code));
            b->status = kStatusDismantled;
          }
        } else if constexpr (std::is_same_v<T, BatteryUtilized>) {
          BATTRACE_RETURN_IF_ERROR(Hand(c, r.codes, reporter, kStatusUtilized));
        } else if constexpr (std::is_same_v<T, BatteryHealth>) {
          BATTRACE_RETURN_IF_ERROR(c.Name(r.code.code));
        }
        // product.outbound, outlet.*, model.disassembly_info, battery_model.declared: no
        // battery or vehicle state.
        // correction: recorded in the ledger; the rules engine re-evaluates what it touches.
        return Status::Ok();
      },
      body);
}

// Rows replayed from history: empty at first, then what the replayed reports made of them.
// Outlets and models are read as they are now (no projection depends on them); the registry is
// that of the date of the report being replayed.
class Scratch : public StateView {
 public:
  explicit Scratch(StateView& base) : base_(base), registry_(&base.Registry()) {}

  void SetDay(Date day) { registry_ = &base_.RegistryOn(day); }

  Result<std::optional<BatteryState>> GetBattery(const std::string& code) override {
    auto it = batteries_.find(code);
    if (it == batteries_.end()) return std::optional<BatteryState>();
    return std::optional<BatteryState>(it->second);
  }
  Result<std::optional<VehicleState>> GetVehicle(const std::string& vin) override {
    auto it = vehicles_.find(vin);
    if (it == vehicles_.end()) return std::optional<VehicleState>();
    return std::optional<VehicleState>(it->second);
  }
  Result<std::optional<OutletState>> GetOutlet(const std::string& id) override {
    return base_.GetOutlet(id);
  }
  Result<std::optional<ModelState>> GetModel(const std::string& maker,
                                             const std::string& model) override {
    return base_.GetModel(maker, model);
  }
  const RegistryIndex& Registry() override { return *registry_; }

  void Take(Effects& e) {
    for (BatteryState& b : e.batteries) {
      std::string code = b.code;
      batteries_[code] = std::move(b);
    }
    for (VehicleState& v : e.vehicles) {
      std::string vin = v.vin;
      vehicles_[vin] = std::move(v);
    }
  }

  std::map<std::string, BatteryState>& batteries() { return batteries_; }
  std::map<std::string, VehicleState>& vehicles() { return vehicles_; }

 private:
  StateView& base_;
  const RegistryIndex* registry_;
  std::map<std::string, BatteryState> batteries_;
  std::map<std::string, VehicleState> vehicles_;
};

// The codes and VINs `report` names: the rows it touches projected onto empty rows.
Status Names(const Report& report, StateView& base, std::set<std::string>* codes,
             std::set<std::string>* vins) {
  Scratch empty(base);  // no record, so nothing to contest
  BATTRACE_ASSIGN_OR_RETURN(e, Project(report, 0, empty, {}));
  for (const BatteryState& b : e.batteries)
    codes->insert(b.code);
  codes->insert(e.battery_refs.begin(), e.battery_refs.end());
  vins->insert(e.vehicle_refs.begin(), e.vehicle_refs.end());
  return Status::Ok();
}

}  // namespace

Report InPlaceOf(const Report& original, const CorrectedReport& corrected) {
  Report r = original;
  r.occurred = corrected.occurred;
  r.body = corrected.body;
  return r;
}

Result<Effects> Project(const Report& report, uint64_t leaf, StateView& state,
                        std::vector<Contest> contests) {
  Changes c(state, leaf, ReportRef(report.reporter.str(), report.id), std::move(contests));
  BATTRACE_RETURN_IF_ERROR(ProjectBody(c, report.reporter.str(), report.occurred, report.body));
  return c.Finish();
}

Result<Reprojection> Reproject(const Report& original, uint64_t original_leaf,
                               const Report& corrected, uint64_t leaf, StateView& state) {
  std::set<std::string> codes, vins;
  BATTRACE_RETURN_IF_ERROR(Names(original, state, &codes, &vins));
  BATTRACE_RETURN_IF_ERROR(Names(corrected, state, &codes, &vins));

  // The reports to replay: the history of every named row, and of the packs a named vehicle
  // holds now (whose records decide what its reports did to them).
  std::set<uint64_t> leaves{original_leaf};
  auto add = [&](const Result<std::vector<uint64_t>>& found) -> Status {
    if (!found.ok()) return found.status();
    leaves.insert(found->begin(), found->end());
    return Status::Ok();
  };
  for (const std::string& code : codes)
    BATTRACE_RETURN_IF_ERROR(add(state.BatteryLeaves(code)));
  for (const std::string& vin : vins) {
    BATTRACE_RETURN_IF_ERROR(add(state.VehicleLeaves(vin)));
    BATTRACE_ASSIGN_OR_RETURN(v, state.GetVehicle(vin));
    if (!v) continue;
    for (const std::string& pack : v->packs)
      BATTRACE_RETURN_IF_ERROR(add(state.BatteryLeaves(pack)));
  }
  leaves.erase(leaf);

  std::vector<std::pair<uint64_t, Report>> reports;
  std::set<std::string> present;  // "reporter/id" of the replayed reports
  for (uint64_t l : leaves) {
    BATTRACE_ASSIGN_OR_RETURN(r, state.ReportAt(l));
    if (!r) continue;
    present.insert(ReportRef(r->reporter.str(), r->id));
    reports.emplace_back(l, std::move(*r));
  }
  // The latest correction of each report stands in its place; this one last of all.
  std::map<std::string, const CorrectedReport*> latest;
  for (const auto& [l, r] : reports) {
    if (const auto* c = std::get_if<Correction>(&r.body))
      latest[ReportRef(r.reporter.str(), c->corrects)] = c->report.get();
  }
  const std::string original_ref = ReportRef(original.reporter.str(), original.id);
  latest.erase(original_ref);

  Reprojection out;
  Scratch scratch(state);
  for (const auto& [l, r] : reports) {
    std::optional<Report> replayed;
    if (l == original_leaf) {
      replayed = corrected;
    } else if (const auto* c = std::get_if<Correction>(&r.body)) {
      // A correction is replayed in its original's place; one whose original is not among the
      // replayed reports (it names none of the rows) here, if it is the latest.
      const std::string target = ReportRef(r.reporter.str(), c->corrects);
      auto it = latest.find(target);
      if (present.count(target) != 0 || it == latest.end() || it->second != c->report.get())
        continue;
      Report stand_in = r;
      stand_in.id = c->corrects;
      replayed = InPlaceOf(stand_in, *c->report);
    } else if (auto it = latest.find(ReportRef(r.reporter.str(), r.id)); it != latest.end()) {
      replayed = InPlaceOf(r, *it->second);
    } else {
      replayed = r;
    }
    scratch.SetDay(replayed->occurred);
    BATTRACE_ASSIGN_OR_RETURN(contests, Contests(replayed->reporter.str(),
                                                 ReportRef(replayed->reporter.str(), replayed->id),
                                                 replayed->body, scratch));
    if (l == original_leaf) out.contests = contests;
    BATTRACE_ASSIGN_OR_RETURN(e, Project(*replayed, l, scratch, std::move(contests)));
    scratch.Take(e);
  }

  for (const std::string& code : codes) {
    auto it = scratch.batteries().find(code);
    if (it == scratch.batteries().end()) continue;
    it->second.updated_leaf = static_cast<int64_t>(leaf);
    out.batteries.push_back(std::move(it->second));
  }
  for (const std::string& vin : vins) {
    auto it = scratch.vehicles().find(vin);
    if (it == scratch.vehicles().end()) continue;
    it->second.updated_leaf = static_cast<int64_t>(leaf);
    out.vehicles.push_back(std::move(it->second));
  }
  out.battery_refs.assign(codes.begin(), codes.end());
  out.vehicle_refs.assign(vins.begin(), vins.end());
  return out;
}

}  // namespace battrace::domain
