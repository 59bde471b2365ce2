#include "domain/holders.h"

#include <algorithm>
#include <type_traits>
#include <variant>

namespace battrace::domain {
namespace {

bool Names(const std::vector<ScannedCode>& codes, const std::string& code) {
  return std::any_of(codes.begin(), codes.end(),
                     [&](const ScannedCode& s) { return s.code.str() == code; });
}

// The state of one battery while its history is folded.
class BatteryFold {
 public:
  BatteryFold(CustodyFold& registry, std::string code)
      : registry_(registry), code_(std::move(code)) {}

  Status Apply(const HistoryReport& h) {
    leaf_ = h.leaf;
    const std::string reporter = h.report.reporter.str();
    return std::visit(
        [&](const auto& r) -> Status {
          using T = std::decay_t<decltype(r)>;
          if constexpr (std::is_same_v<T, BatteryProduced>) {
            // Its own production, or the production of the pack or module it is a part of.
            if (r.code.code.str() != code_ && !Names(r.parts, code_)) return Status::Ok();
            return Produced(reporter, r.code.code.manufacturer());
          } else if constexpr (std::is_same_v<T, VehicleProduced>) {
            if (!Names(r.packs, code_)) return Status::Ok();
            return Installed(reporter, r.vin);
          } else if constexpr (std::is_same_v<T, BatteryReplaced>) {
            const std::string actor = r.repairer ? r.repairer->str() : reporter;
            if (Names(r.removed, code_)) Remove(actor, r.vin.str());
            if (Names(r.installed, code_)) return Install(actor, r.vin.str());
          } else if constexpr (std::is_same_v<T, BatterySwapped>) {
            if (r.removed.code.str() == code_) Remove(reporter, r.vin.str());
            if (r.installed.code.str() == code_) return Install(reporter, r.vin.str());
          } else if constexpr (std::is_same_v<T, VehicleScrapped>) {
            if (Names(r.packs_present, code_)) Remove(reporter, r.vin.str());
          } else if constexpr (std::is_same_v<T, BatteryOutbound>) {
            if (!Names(r.codes, code_)) return Status::Ok();
            BATTRACE_ASSIGN_OR_RETURN(sender, registry_.Holds(custody_.holders, reporter));
            if (sender) {
              custody_.holders.insert(r.to.str());
              handed_on_ = true;
            }
          }
          // battery.inbound, battery.utilized and the rest prove no custody.
          return Status::Ok();
        },
        h.report.body);
  }

  Custody Finish() { return std::move(custody_); }

 private:
  // A battery.produced naming the battery, whose own code has manufacturer code `maker_code`.
  Status Produced(const std::string& reporter, std::string_view maker_code);
  // The maker of record's vehicle.produced installing the pack.
  Status Installed(const std::string& reporter, const Vin& vin);

  void Remove(const std::string& actor, const std::string& vin) {
    if (installed_in_ != vin) return;  // not recorded in that vehicle: proves nothing
    custody_.holders.insert(actor);
    custody_.removals.insert(leaf_);
    installed_in_.reset();
    handed_on_ = true;
  }

  Status Install(const std::string& actor, const std::string& vin) {
    if (installed_in_) return Status::Ok();
    bool may = !handed_on_;
    if (!may) {
      BATTRACE_ASSIGN_OR_RETURN(holds, registry_.Holds(custody_.holders, actor));
      may = holds;
    }
    if (may) {
      installed_in_ = vin;
      handed_on_ = true;
    }
    return Status::Ok();
  }

  CustodyFold& registry_;
  std::string code_;
  uint64_t leaf_ = 0;
  Custody custody_;
  std::optional<std::string> installed_in_;
  bool handed_on_ = false;  // a custody since production: installed, removed or transferred
};

}  // namespace

bool ProvesCustody(ReportType type) {
  return type == ReportType::kBatteryProduced || type == ReportType::kVehicleProduced ||
         type == ReportType::kBatteryReplaced || type == ReportType::kBatterySwapped ||
         type == ReportType::kBatteryOutbound || type == ReportType::kVehicleScrapped;
}

Result<const Enterprise*> CustodyFold::Find(const std::string& uscc) {
  auto it = cache_.find(uscc);
  if (it == cache_.end()) {
    BATTRACE_ASSIGN_OR_RETURN(found, find_(uscc));
    it = cache_.emplace(uscc, std::move(found)).first;
  }
  return it->second ? &*it->second : nullptr;
}

Result<bool> CustodyFold::OwnsManufacturerCode(const std::string& uscc, std::string_view code) {
  BATTRACE_ASSIGN_OR_RETURN(e, Find(uscc));
  return e != nullptr && std::find(e->manufacturer_codes.begin(), e->manufacturer_codes.end(),
                                   code) != e->manufacturer_codes.end();
}

Result<bool> CustodyFold::OwnsWmi(const std::string& uscc, std::string_view wmi) {
  BATTRACE_ASSIGN_OR_RETURN(e, Find(uscc));
  return e != nullptr && std::find(e->wmi.begin(), e->wmi.end(), wmi) != e->wmi.end();
}

Result<std::vector<std::string>> CustodyFold::SelfAndPredecessors(const std::string& uscc) {
  std::vector<std::string> out{uscc};
  std::set<std::string> seen{uscc};
  for (size_t i = 0; i < out.size(); ++i) {
    BATTRACE_ASSIGN_OR_RETURN(e, Find(out[i]));
    if (e == nullptr) continue;
    for (const Uscc& p : e->successor_of) {
      if (seen.insert(p.str()).second) out.push_back(p.str());
    }
  }
  return out;
}

Result<bool> CustodyFold::Holds(const std::set<std::string>& holders, const std::string& uscc) {
  if (holders.contains(uscc)) return true;
  BATTRACE_ASSIGN_OR_RETURN(ids, SelfAndPredecessors(uscc));
  return std::any_of(ids.begin(), ids.end(),
                     [&](const std::string& id) { return holders.contains(id); });
}

Status BatteryFold::Produced(const std::string& reporter, std::string_view maker_code) {
  BATTRACE_ASSIGN_OR_RETURN(owns, registry_.OwnsManufacturerCode(reporter, maker_code));
  if (owns) custody_.holders.insert(reporter);  // an impersonated production proves nothing
  return Status::Ok();
}

Status BatteryFold::Installed(const std::string& reporter, const Vin& vin) {
  BATTRACE_ASSIGN_OR_RETURN(maker, registry_.OwnsWmi(reporter, vin.wmi()));
  if (!maker) return Status::Ok();
  custody_.holders.insert(reporter);
  installed_in_ = vin.str();
  handed_on_ = true;
  return Status::Ok();
}

Result<Custody> CustodyFold::Battery(const std::string& code,
                                     const std::vector<HistoryReport>& history) {
  BatteryFold fold(*this, code);
  for (const HistoryReport& h : history)
    BATTRACE_RETURN_IF_ERROR(fold.Apply(h));
  return fold.Finish();
}

Result<bool> CustodyFold::MadeVehicle(const std::string& vin,
                                      const std::vector<HistoryReport>& history,
                                      const std::vector<std::string>& ids) {
  for (const HistoryReport& h : history) {
    const auto* v = std::get_if<VehicleProduced>(&h.report.body);
    const std::string reporter = h.report.reporter.str();
    if (v == nullptr || v->vin.str() != vin ||
        std::find(ids.begin(), ids.end(), reporter) == ids.end()) {
      continue;
    }
    BATTRACE_ASSIGN_OR_RETURN(maker, OwnsWmi(reporter, v->vin.wmi()));
    if (maker) return true;
  }
  return false;
}

std::vector<Removal> RemovalsBy(const std::vector<HistoryReport>& history,
                                const std::vector<std::string>& ids) {
  std::vector<Removal> out;
  const auto by = [&](const std::string& actor) {
    return std::find(ids.begin(), ids.end(), actor) != ids.end();
  };
  const auto add = [&](uint64_t leaf, const std::vector<ScannedCode>& codes) {
    for (const ScannedCode& s : codes)
      out.push_back({leaf, s.code.str()});
  };
  for (const HistoryReport& h : history) {
    const std::string reporter = h.report.reporter.str();
    if (const auto* r = std::get_if<BatteryReplaced>(&h.report.body)) {
      if (by(r->repairer ? r->repairer->str() : reporter)) add(h.leaf, r->removed);
    } else if (const auto* s = std::get_if<BatterySwapped>(&h.report.body)) {
      if (by(reporter)) out.push_back({h.leaf, s->removed.code.str()});
    } else if (const auto* d = std::get_if<VehicleScrapped>(&h.report.body)) {
      if (by(reporter)) add(h.leaf, d->packs_present);
    }
  }
  return out;
}

}  // namespace battrace::domain
