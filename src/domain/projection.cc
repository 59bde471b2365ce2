#include "domain/projection.h"

#include <algorithm>
#include <map>
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
        }
        // product.outbound, outlet.*, model.disassembly_info: no battery or vehicle state.
        // correction: recorded in the ledger; the rules engine re-evaluates what it touches.
        return Status::Ok();
      },
      body);
}

}  // namespace

Result<Effects> Project(const Report& report, uint64_t leaf, StateView& state) {
  std::string ref = ReportRef(report.reporter.str(), report.id);
  BATTRACE_ASSIGN_OR_RETURN(contests, Contests(report.reporter.str(), ref, report.body, state));
  Changes c(state, leaf, std::move(ref), std::move(contests));
  BATTRACE_RETURN_IF_ERROR(ProjectBody(c, report.reporter.str(), report.occurred, report.body));
  return c.Finish();
}

}  // namespace battrace::domain
