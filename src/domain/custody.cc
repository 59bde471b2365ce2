#include "domain/custody.h"

#include <fmt/format.h>

#include <algorithm>
#include <initializer_list>
#include <optional>
#include <type_traits>

#include "domain/projection.h"

namespace battrace::domain {
namespace {

bool HasAnyRole(const Enterprise* e, std::initializer_list<Role> roles) {
  if (e == nullptr) return false;
  return std::any_of(roles.begin(), roles.end(), [&](Role r) { return e->HasRole(r); });
}

class Custody {
 public:
  Custody(const std::string& reporter, const std::string& ref, StateView& state)
      : reporter_(reporter),
        ref_(ref),
        state_(state),
        registry_(state.Registry()),
        actor_(registry_.Find(reporter)) {}

  Result<std::vector<Contest>> Run(const ReportBody& body) {
    BATTRACE_RETURN_IF_ERROR(std::visit([&](const auto& r) { return On(r); }, body));
    return std::move(out_);
  }

 private:
  // Whether `uscc` is the reporter or an enterprise it succeeded (read from the registry once,
  // and only when a battery's record is compared).
  bool IsParty(const std::optional<std::string>& uscc) {
    if (!uscc) return false;
    if (!parties_) parties_ = registry_.SelfAndPredecessors(reporter_);
    return std::find(parties_->begin(), parties_->end(), *uscc) != parties_->end();
  }

  // Whether the battery's record says someone other than `holders` (or the reporter and the
  // enterprises it succeeded) has it, for a report by `actor` handing it on or receiving it.
  // New batteries move between makers unreported, so only custody from waste reports counts; a
  // repair shop, swap operator or dismantler may hand on a battery still recorded in a vehicle.
  bool Conflicts(const BatteryState& b, const Enterprise* actor,
                 std::initializer_list<const std::string*> holders) {
    if (b.status == kStatusReferenced || b.status == kStatusProduced || !b.custodian) return false;
    for (const std::string* h : holders) {
      if (*b.custodian == *h) return false;
    }
    if (IsParty(b.custodian)) return false;
    if (b.status == kStatusInstalled &&
        HasAnyRole(actor, {Role::kRepairShop, Role::kSwapOperator, Role::kDismantler})) {
      return false;
    }
    return true;
  }

  // Packs installed in `vin` while recorded installed in another vehicle.
  Status Installs(const std::vector<ScannedCode>& packs, const Vin& vin) {
    for (const ScannedCode& p : packs) {
      BATTRACE_ASSIGN_OR_RETURN(b, state_.GetBattery(p.code.str()));
      if (b && b->vin && *b->vin != vin.str() && b->status == kStatusInstalled) {
        out_.push_back({p.code.str(),
                        fmt::format("pack {} is installed in {} by {} while recorded in vehicle {} "
                                    "with no removal reported",
                                    p.code.str(), vin.str(), ref_, *b->vin)});
      }
    }
    return Status::Ok();
  }

  Status On(const BatteryProduced& r) {
    const std::string& code = r.code.code.str();
    BATTRACE_ASSIGN_OR_RETURN(b, state_.GetBattery(code));
    if (b && b->produced_leaf >= 0) return Status::Ok();  // a duplicate assembles nothing
    for (const ScannedCode& part : r.parts) {
      BATTRACE_ASSIGN_OR_RETURN(p, state_.GetBattery(part.code.str()));
      if (p && p->parent && *p->parent != code) {
        out_.push_back({part.code.str(),
                        fmt::format("{} is assembled into {} by {} while recorded as part of {}",
                                    part.code.str(), code, ref_, *p->parent)});
      }
    }
    return Status::Ok();
  }

  Status On(const VehicleProduced& r) { return Installs(r.packs, r.vin); }
  Status On(const BatteryReplaced& r) { return Installs(r.installed, r.vin); }
  Status On(const BatterySwapped& r) { return Installs({r.installed}, r.vin); }

  Status On(const BatteryOutbound& r) {
    const std::string& to = r.to.str();
    for (const ScannedCode& s : r.codes) {
      const std::string& code = s.code.str();
      BATTRACE_ASSIGN_OR_RETURN(b, state_.GetBattery(code));
      if (b && Conflicts(*b, actor_, {&reporter_, &to})) {
        out_.push_back({code, fmt::format("{} is handed on by {} ({}) while recorded as held by {}",
                                          code, reporter_, ref_, *b->custodian)});
      }
    }
    return Status::Ok();
  }

  Status On(const BatteryInbound& r) {
    const std::string& from = r.from.str();
    const Enterprise* sender = registry_.Find(from);
    for (const ScannedCode& s : r.codes) {
      const std::string& code = s.code.str();
      BATTRACE_ASSIGN_OR_RETURN(b, state_.GetBattery(code));
      // Handed to the reporter (or an enterprise it succeeded) by an outbound: its to receive.
      if (b && b->status == kStatusInTransit && IsParty(b->custodian)) continue;
      if (b && Conflicts(*b, sender, {&from})) {
        std::string detail = code;
        detail.append(" is received by ").append(reporter_).append(" from ").append(from);
        detail.append(" (").append(ref_).append(") while recorded as held by ");
        detail.append(*b->custodian).append(", with no transfer to ").append(reporter_);
        detail.append(" reported");
        out_.push_back({code, std::move(detail)});
      }
    }
    return Status::Ok();
  }

  // The other reports move no battery against its record.
  template <typename T>
  Status On(const T&) {
    return Status::Ok();
  }

  const std::string& reporter_;
  const std::string& ref_;
  StateView& state_;
  const RegistryIndex& registry_;
  const Enterprise* actor_;
  std::optional<std::vector<std::string>> parties_;
  std::vector<Contest> out_;
};

}  // namespace

std::string ReportRef(const std::string& reporter, const std::string& id) {
  return fmt::format("{}/{}", reporter, id);
}

Result<std::vector<Contest>> Contests(const std::string& reporter, const std::string& ref,
                                      const ReportBody& body, StateView& state) {
  return Custody(reporter, ref, state).Run(body);
}

}  // namespace battrace::domain
