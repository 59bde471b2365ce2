#include "domain/engine.h"

#include <fmt/format.h>

#include <algorithm>
#include <type_traits>
#include <vector>

#include "domain/custody.h"
#include "domain/finding_text.h"
#include "domain/names.h"
#include "domain/projection.h"

namespace battrace::domain {
namespace {

// Reads state for the judgments and remembers it, so that the projection, which reads the same
// rows after them, does not ask the store twice. Rows are read as they were before the report.
class Memo : public StateView {
 public:
  explicit Memo(StateView& inner) : inner_(inner) {}
  Result<std::optional<BatteryState>> GetBattery(const std::string& code) override {
    return Read(batteries_, code, [&] { return inner_.GetBattery(code); });
  }
  Result<std::optional<VehicleState>> GetVehicle(const std::string& vin) override {
    return Read(vehicles_, vin, [&] { return inner_.GetVehicle(vin); });
  }
  Result<std::optional<OutletState>> GetOutlet(const std::string& id) override {
    return inner_.GetOutlet(id);
  }
  Result<std::optional<ModelState>> GetModel(const std::string& maker,
                                             const std::string& model) override {
    return inner_.GetModel(maker, model);
  }
  const RegistryIndex& Registry() override { return inner_.Registry(); }
  const RegistryIndex& RegistryOn(Date day) override { return inner_.RegistryOn(day); }
  Result<std::vector<uint64_t>> BatteryLeaves(const std::string& code) override {
    return inner_.BatteryLeaves(code);
  }
  Result<std::vector<uint64_t>> VehicleLeaves(const std::string& vin) override {
    return inner_.VehicleLeaves(vin);
  }
  Result<std::optional<Report>> ReportAt(uint64_t leaf) override { return inner_.ReportAt(leaf); }

 private:
  // A report names a handful of rows: a list searched in order beats a tree here.
  template <typename Row, typename Load>
  static Result<std::optional<Row>> Read(
      std::vector<std::pair<std::string, std::optional<Row>>>& rows, const std::string& key,
      Load load) {
    for (const auto& [k, row] : rows) {
      if (k == key) return row;
    }
    BATTRACE_ASSIGN_OR_RETURN(row, load());
    rows.emplace_back(key, row);
    return row;
  }

  StateView& inner_;
  std::vector<std::pair<std::string, std::optional<BatteryState>>> batteries_;
  std::vector<std::pair<std::string, std::optional<VehicleState>>> vehicles_;
};

bool HasAnyRole(const Enterprise* e, std::initializer_list<Role> roles) {
  if (e == nullptr) return false;
  return std::any_of(roles.begin(), roles.end(), [&](Role r) { return e->HasRole(r); });
}

// The qualifications a recycler needs (Arts. 34, 35), with the department and article a
// missing one concerns.
struct Needed {
  QualificationType type;
  Department department;
  std::string_view article;
};
constexpr Needed kRecyclerQualifications[] = {
    {QualificationType::kInvestmentFiling, Department::kNdrc, article::kInvestmentFiling},
    {QualificationType::kEia, Department::kMee, article::kEnvironment},
    {QualificationType::kDischargePermit, Department::kMee, article::kEnvironment}};

// Whether `e` holds a qualification of `type` valid on `day`.
bool Qualified(const Enterprise& e, QualificationType type, Date day) {
  return std::any_of(e.qualifications.begin(), e.qualifications.end(),
                     [&](const Qualification& q) { return q.type == type && q.ValidOn(day); });
}

std::string RolesText(const Enterprise& e) {
  std::string out;
  for (Role r : e.roles) {
    if (!out.empty()) out += ", ";
    out += RoleName(r);
  }
  return out;
}

}  // namespace

Status Authorize(const Report& report, const RegistryIndex& registry) {
  const std::string& uscc = report.reporter.str();
  const Enterprise* e = registry.Find(uscc);
  if (e == nullptr) {
    return {StatusCode::kForbidden,
            fmt::format("reporter {} is not a registered enterprise: only registered enterprises "
                        "report (register it with `battrace registry import`)",
                        uscc),
            "/reporter", "auth.unregistered"};
  }
  ReportType type = report.type();
  if (const auto* c = std::get_if<Correction>(&report.body)) type = TypeOf(c->report->body);
  for (Role r : e->roles) {
    if (RoleMayFile(r, type)) return Status::Ok();
  }
  return {StatusCode::kForbidden,
          fmt::format("reporter {} ({}) may not file {}: no role of its registry record files "
                      "that report (docs/report-format.md, \"Who may file what\"; Art. {})",
                      uscc, RolesText(*e), ReportTypeName(type), article::kReporting),
          "/type", "auth.role"};
}

namespace {

// Judges one report (or, for a correction, the corrected report in place of the original).
class Judge {
 public:
  // `correcting`: the report is a correction's, judged in place of its original. The state then
  // already holds the original's effects, so the judgments that compare the report with the
  // battery records (duplicate codes, custody) are not made again.
  Judge(const Report& report, std::string ref, Instant received, StateView& state, const Law& law,
        Effects* out, bool correcting)
      : report_(report),
        correcting_(correcting),
        ref_(std::move(ref)),
        received_(received),
        state_(state),
        registry_(state.Registry()),
        law_(law),
        out_(out),
        reporter_(registry_.Find(report.reporter.str())),
        parties_(registry_.SelfAndPredecessors(report.reporter.str())) {}

  Status Run(const ReportBody& body, Date occurred) {
    occurred_ = occurred;
    // A fact dated after the day the platform received its report (docs/findings.md,
    // implausible_fact).
    if (occurred_ > BeijingDate(received_)) {
      Find(finding_kind::kImplausibleFact, article::kReporting, ref_, std::nullopt,
           Department::kMiit,
           fmt::format("{} reports a fact of {}, after the day it was received ({})", ref_,
                       occurred_.ToString(), BeijingDate(received_).ToString()));
    }
    return std::visit([&](const auto& r) { return On(r); }, body);
  }

  // A conflicting_custody (Art. 10) for each battery in `contests`.
  void Contested(const std::vector<Contest>& contests) {
    for (const Contest& c : contests)
      Find(finding_kind::kConflictingCustody, article::kCoding, c.code, std::nullopt,
           Department::kMiit, c.detail);
  }

 private:
  const std::string& reporter() const { return report_.reporter.str(); }

  // The rule of `duty` on `anchor` and its due date; nullopt when no regime judges it, or its
  // rule does not bind any role of `party` (when given).
  std::optional<std::pair<const Rule*, Date>> Due(std::string_view duty, Date anchor,
                                                  const Enterprise* party = nullptr) const {
    const Rule* rule = law_.rules.Find(duty, anchor);
    if (rule == nullptr) return std::nullopt;
    if (party != nullptr && std::none_of(party->roles.begin(), party->roles.end(),
                                         [&](Role r) { return rule->Binds(r); })) {
      return std::nullopt;
    }
    return std::make_pair(rule, DueDate(*rule, anchor, law_.calendar).date);
  }

  void Find(std::string_view kind, std::string_view article, std::string subject,
            std::optional<Date> due, Department department, std::string detail) {
    Finding f;
    f.kind = std::string(kind);
    f.article = std::string(article);
    f.party = reporter();
    f.subject = std::move(subject);
    f.due = due;
    f.evidence = {ref_};
    f.authority = registry_.AuthorityFor(department, reporter());
    f.detail = std::move(detail);
    out_->findings.push_back(std::move(f));
  }

  // The report's own duty: a late_report when it came after its due date.
  void Own(std::string_view duty) {
    auto due = Due(duty, occurred_, reporter_);
    if (!due || BeijingDate(received_) <= due->second) return;
    const Rule& rule = *due->first;
    const ReportType type =
        report_.type() == ReportType::kCorrection ? rule.report_type : report_.type();
    Find(finding_kind::kLateReport, rule.article, ref_, due->second, Department::kMiit,
         fmt::format("{} of {} was due by {} (article {}, {}) and was received on {}",
                     ReportTypeName(type), occurred_.ToString(), due->second.ToString(),
                     rule.article, rule.period.ToString(), BeijingDate(received_).ToString()));
  }

  // Opens an overdue_report duty of `party`, unless no regime judges it.
  void Open(std::string_view duty, const std::string& party, std::string subject,
            ReportType fulfils, Date anchor, std::string detail) {
    auto due = Due(duty, anchor, registry_.Find(party));
    if (!due) return;
    Duty d;
    d.kind = std::string(finding_kind::kOverdueReport);
    d.duty = std::string(duty);
    d.article = due->first->article;
    d.party = party;
    d.subject = std::move(subject);
    d.fulfils = std::string(ReportTypeName(fulfils));
    d.anchor = anchor;
    d.due = due->second;
    d.evidence = ref_;
    d.authority = registry_.AuthorityFor(Department::kMiit, party);
    d.detail = std::move(detail);
    out_->duties.push_back(std::move(d));
  }

  void Discharge(ReportType fulfils, std::string subject,
                 std::vector<std::string> extra_parties = {}) {
    domain::Discharge d;
    d.fulfils = std::string(ReportTypeName(fulfils));
    d.subject = std::move(subject);
    d.parties = parties_;
    for (std::string& p : extra_parties) {
      if (std::find(d.parties.begin(), d.parties.end(), p) == d.parties.end()) {
        d.parties.push_back(std::move(p));
      }
    }
    out_->discharges.push_back(std::move(d));
  }

  // A VIN named by a report but never reported produced: the maker owning its WMI owes the
  // vehicle.produced (24.2a), anchored on this report's date.
  Status VinKnown(const Vin& vin) {
    BATTRACE_ASSIGN_OR_RETURN(v, state_.GetVehicle(vin.str()));
    if (v && v->produced_leaf >= 0) return Status::Ok();
    const Enterprise* maker = registry_.ByWmi(vin.wmi());
    if (maker == nullptr) return Status::Ok();
    Open(duty::kVehicleProduced, maker->uscc.str(), vin.str(), ReportType::kVehicleProduced,
         occurred_,
         fmt::format("vehicle {} is named by {} of {} but its vehicle.produced was never filed",
                     vin.str(), ref_, occurred_.ToString()));
    return Status::Ok();
  }

  // The maker owning a VIN: the vehicle.produced reporter, else the WMI's registered owner.
  const Enterprise* VinMaker(const Vin& vin, const std::optional<VehicleState>& v) const {
    if (v && v->maker) {
      if (const Enterprise* e = registry_.Find(*v->maker)) return e;
    }
    return registry_.ByWmi(vin.wmi());
  }

  bool IsParty(const std::optional<std::string>& uscc) const {
    return uscc && std::find(parties_.begin(), parties_.end(), *uscc) != parties_.end();
  }

  // Each code with no record: never reported produced, and named by no earlier report except as
  // an origin code (docs/findings.md, unknown_battery). Not judged for a correction, whose
  // original already gave the codes a record.
  Status KnownCodes(const std::vector<ScannedCode>& codes) {
    if (correcting_) return Status::Ok();
    for (const ScannedCode& s : codes) {
      const std::string& code = s.code.str();
      BATTRACE_ASSIGN_OR_RETURN(b, state_.GetBattery(code));
      if (b && (b->produced_leaf >= 0 || b->status != kStatusReferenced || b->parent)) continue;
      Find(finding_kind::kUnknownBattery, article::kCoding, code, std::nullopt, Department::kMiit,
           fmt::format("battery {} is named by {} but was never reported produced nor recorded "
                       "by any earlier report",
                       code, ref_));
    }
    return Status::Ok();
  }

  // Whether the battery's record shows that `sender` (or an enterprise it succeeded) held it:
  // its producer, its custodian, or the maker of the vehicle it is recorded in.
  Result<bool> Held(const std::optional<BatteryState>& b, const std::string& sender) {
    if (!b) return false;
    const std::vector<std::string> senders = registry_.SelfAndPredecessors(sender);
    auto is_sender = [&](const std::optional<std::string>& uscc) {
      return uscc && std::find(senders.begin(), senders.end(), *uscc) != senders.end();
    };
    if (is_sender(b->producer) || is_sender(b->custodian)) return true;
    if (!b->vin) return false;
    BATTRACE_ASSIGN_OR_RETURN(vin, Vin::Parse(*b->vin));
    BATTRACE_ASSIGN_OR_RETURN(v, state_.GetVehicle(vin.str()));
    const Enterprise* maker = VinMaker(vin, v);
    return maker != nullptr && is_sender(maker->uscc.str());
  }

  Status On(const BatteryProduced& r) {
    const std::string& code = r.code.code.str();
    if (const Enterprise* holder = registry_.ByManufacturerCode(r.code.code.manufacturer());
        holder == nullptr || holder->uscc.str() != reporter()) {
      Find(finding_kind::kImpersonatedCode, article::kCoding, code, std::nullopt, Department::kMiit,
           fmt::format("battery code {} carries manufacturer code {}, which is {}, not to the "
                       "reporter {}",
                       code, r.code.code.manufacturer(),
                       holder ? fmt::format("registered to {}", holder->uscc.str())
                              : std::string("not registered"),
                       reporter()));
    }
    if (occurred_ < r.code.code.production_date()) {
      Find(finding_kind::kImplausibleFact, article::kCoding, code, std::nullopt, Department::kMiit,
           fmt::format("battery {} is reported produced on {} ({}) but its code encodes the "
                       "production date {}",
                       code, occurred_.ToString(), ref_, r.code.code.production_date().ToString()));
    }
    BATTRACE_ASSIGN_OR_RETURN(b, state_.GetBattery(code));
    if (b && b->produced_leaf >= 0 && !correcting_) {
      Find(finding_kind::kDuplicateCode, article::kCoding, code, std::nullopt, Department::kMiit,
           fmt::format("battery code {} was already reported produced (ledger leaf {}); {} "
                       "reports it again",
                       code, b->produced_leaf, ref_));
      return Status::Ok();
    }
    const bool complete = r.model && r.rated_capacity_ah && r.rated_energy_kwh && r.mass_kg &&
                          r.materials &&
                          (r.code.code.product_type() == ProductType::kCell || !r.parts.empty());
    // Digital-ID duties are opened for packs only (at vehicle.produced).
    if (complete && r.code.code.product_type() == ProductType::kPack) {
      Discharge(ReportType::kBatteryProduced, code);
    }
    return Status::Ok();
  }

  Status On(const VehicleProduced& r) {
    Own(duty::kVehicleProduced);
    if (const Enterprise* owner = registry_.ByWmi(r.vin.wmi());
        owner != nullptr && !IsParty(owner->uscc.str())) {
      Find(finding_kind::kImpersonatedVin, article::kReporting, r.vin.str(), std::nullopt,
           Department::kMiit,
           fmt::format("VIN {} carries the WMI {}, which is registered to {}, not to the "
                       "reporter {} ({})",
                       r.vin.str(), r.vin.wmi(), owner->uscc.str(), reporter(), ref_));
    }
    Discharge(ReportType::kVehicleProduced, r.vin.str());
    // Each pack's digital ID is due with this report (Art. 12).
    const auto vehicle_due = Due(duty::kVehicleProduced, occurred_);
    for (const ScannedCode& p : r.packs) {
      BATTRACE_ASSIGN_OR_RETURN(b, state_.GetBattery(p.code.str()));
      if (!vehicle_due || (b && b->produced_leaf >= 0 && b->id_complete)) continue;
      const Enterprise* maker = registry_.ByManufacturerCode(p.code.manufacturer());
      Duty d;
      d.kind = std::string(finding_kind::kMissingDigitalId);
      d.duty = std::string(duty::kDigitalId);
      d.article = std::string(article::kDigitalId);
      d.party = maker ? maker->uscc.str() : reporter();
      d.subject = p.code.str();
      d.fulfils = std::string(ReportTypeName(ReportType::kBatteryProduced));
      d.anchor = occurred_;
      d.due = vehicle_due->second;
      d.evidence = ref_;
      d.authority = registry_.AuthorityFor(Department::kMiit, d.party);
      // What the record shows missing (finding_text.h, MissingFields): the battery.produced
      // itself; else its model when it had none, and "ratings_or_parts" when something else
      // was lacking (the battery's row keeps only that its ID is incomplete).
      std::vector<std::string> missing;
      const bool produced = b && b->produced_leaf >= 0;
      if (!produced) missing.emplace_back("battery.produced");
      if (produced && !b->model) missing.emplace_back("model");
      if (produced && b->model) missing.emplace_back("ratings_or_parts");
      d.detail = fmt::format(
          "pack {} is installed in {} ({}) without a {}digital ID: its battery.produced with "
          "model, rated capacity and energy, mass, materials and parts is due with the vehicle "
          "report{}",
          p.code.str(), r.vin.str(), ref_, produced ? "complete " : "",
          MissingFieldsDetail(missing));
      out_->duties.push_back(std::move(d));
    }
    // The first vehicle of a model proves its disassembly information is due (24.1).
    BATTRACE_ASSIGN_OR_RETURN(m, state_.GetModel(reporter(), r.model));
    ModelState model = m.value_or(ModelState{reporter(), r.model, std::nullopt, false});
    if (!model.first_produced) {
      model.first_produced = occurred_.ToString();
      if (!model.has_disassembly_info) {
        Open(duty::kDisassemblyInfo, reporter(), r.model, ReportType::kModelDisassemblyInfo,
             occurred_,
             fmt::format("vehicles of model {} are produced from {} ({}) but its disassembly "
                         "technical information was never filed",
                         r.model, occurred_.ToString(), ref_));
      }
      out_->models.push_back(std::move(model));
    }
    return Status::Ok();
  }

  Status On(const VehicleSold& r) {
    Own(duty::kVehicleSold);
    BATTRACE_ASSIGN_OR_RETURN(v, state_.GetVehicle(r.vin.str()));
    if (!v || v->produced_leaf < 0) {
      Find(finding_kind::kUnknownVehicle, article::kReporting, r.vin.str(), std::nullopt,
           Department::kMiit,
           fmt::format("vehicle {} is reported sold ({}) but was never reported produced",
                       r.vin.str(), ref_));
    }
    BATTRACE_RETURN_IF_ERROR(VinKnown(r.vin));
    // A second sale: the first stands, and this one records no sale for outlet coverage.
    if (v && v->sale_date && !correcting_) {
      Find(finding_kind::kImplausibleFact, article::kReporting, r.vin.str(), std::nullopt,
           Department::kMiit,
           fmt::format("vehicle {} is reported sold again ({}) after a sale of {} that was not "
                       "corrected",
                       r.vin.str(), ref_, *v->sale_date));
      return Status::Ok();
    }
    if (const Enterprise* maker = VinMaker(r.vin, v)) {
      out_->sales.push_back(
          {maker->uscc.str(), r.division.city_code(), std::string(article::kVehicleOutlets), ref_});
    }
    if (v) {
      for (const std::string& pack : v->packs) {
        const Enterprise* maker = registry_.ByManufacturerCode(std::string_view(pack).substr(0, 3));
        if (maker != nullptr) {
          out_->sales.push_back({maker->uscc.str(), r.division.province_code(),
                                 std::string(article::kBatteryOutlets), ref_});
        }
      }
    }
    return Status::Ok();
  }

  Status On(const BatteryReplaced& r) {
    BATTRACE_ASSIGN_OR_RETURN(v, state_.GetVehicle(r.vin.str()));
    const Enterprise* maker = VinMaker(r.vin, v);
    const bool by_maker = reporter_ != nullptr && reporter_->HasRole(Role::kVehicleMaker) &&
                          (maker == nullptr || maker->uscc.str() == reporter());
    if (by_maker || !reporter_->HasRole(Role::kRepairShop)) {
      Own(duty::kReplacedByMaker);
    } else {
      Own(Cooperates(reporter_, maker) ? duty::kReplacedByPartnerShop : duty::kReplacedByOtherShop);
    }
    BATTRACE_RETURN_IF_ERROR(VinKnown(r.vin));
    BATTRACE_RETURN_IF_ERROR(KnownCodes(r.removed));
    std::vector<std::string> extra;
    if (r.repairer) extra.push_back(r.repairer->str());
    if (maker != nullptr) extra.push_back(maker->uscc.str());
    for (const ScannedCode& s : r.removed)
      Discharge(ReportType::kBatteryReplaced, s.code.str(), extra);
    return Status::Ok();
  }

  static bool Cooperates(const Enterprise* shop, const Enterprise* maker) {
    if (shop == nullptr || maker == nullptr) return false;
    return std::any_of(shop->cooperates_with.begin(), shop->cooperates_with.end(),
                       [&](const Uscc& u) { return u.str() == maker->uscc.str(); });
  }

  Status On(const BatterySwapped& r) {
    Own(duty::kSwapped);
    BATTRACE_RETURN_IF_ERROR(VinKnown(r.vin));
    BATTRACE_RETURN_IF_ERROR(KnownCodes({r.removed}));
    Discharge(ReportType::kBatterySwapped, r.removed.code.str());
    return Status::Ok();
  }

  Status On(const BatteryOutbound& r) {
    switch (r.source) {
      case WasteSource::kRnd:
      case WasteSource::kProduction:
      case WasteSource::kInstallation:
        if (reporter_->HasRole(Role::kVehicleMaker)) {
          Own(duty::kVehicleMakerOutbound);
        } else if (reporter_->HasRole(Role::kBatteryMaker)) {
          Own(duty::kBatteryMakerOutbound);
        }
        break;
      case WasteSource::kRepair:
        if (reporter_->HasRole(Role::kBatteryMaker)) Own(duty::kBatteryMakerOutbound);
        break;
      case WasteSource::kSwap:
        if (reporter_->HasRole(Role::kSwapOperator)) Own(duty::kSwapOutbound);
        break;
      case WasteSource::kOutlet:
        if (HasAnyRole(reporter_, {Role::kBatteryMaker, Role::kVehicleMaker})) {
          Own(duty::kOutletOutbound);
        }
        break;
      case WasteSource::kDismantling:
        if (reporter_->HasRole(Role::kDismantler)) Own(duty::kDismantled);
        break;
      case WasteSource::kRecycling:
        break;
    }
    const std::string& to = r.to.str();
    const Enterprise* receiver = registry_.Find(to);
    bool licensed = HasAnyRole(receiver, {Role::kRecycler});
    if (!licensed && r.outlet && receiver != nullptr) {
      BATTRACE_ASSIGN_OR_RETURN(o, state_.GetOutlet(*r.outlet));
      licensed = o && !o->closed && o->owner == to &&
                 HasAnyRole(receiver, {Role::kBatteryMaker, Role::kVehicleMaker});
    }
    // A recycler lacking, on the transfer date, a qualification it needs (Arts. 18-20, 36): the
    // detail of its unlicensed_destination findings, empty when it lacks none.
    std::string unqualified;
    if (HasAnyRole(receiver, {Role::kRecycler})) {
      for (const Needed& needed : kRecyclerQualifications) {
        if (Qualified(*receiver, needed.type, occurred_)) continue;
        unqualified += unqualified.empty() ? " without a valid " : ", ";
        unqualified += QualificationTypeName(needed.type);
      }
      // The rest of the detail, after the code.
      if (!unqualified.empty()) {
        unqualified =
            fmt::format(" was delivered to {}, a comprehensive utilization enterprise{} on {} ({})",
                        to, unqualified, occurred_.ToString(), ref_);
      }
    }
    const bool ebike = HasAnyRole(receiver, {Role::kEbikeMaker});
    const Department dept =
        r.source == WasteSource::kDismantling && reporter_->HasRole(Role::kDismantler)
            ? Department::kMofcom
            : Department::kMiit;
    // The receiver's inbound duty: a recycler's 24.7a, a maker's (at its outlet) 24.6b.
    std::string_view inbound_duty;  // empty: none
    if (licensed) {
      inbound_duty =
          receiver->HasRole(Role::kRecycler) ? duty::kRecyclerInbound : duty::kOutletInbound;
    }
    BATTRACE_RETURN_IF_ERROR(KnownCodes(r.codes));
    for (const ScannedCode& s : r.codes) {
      const std::string& code = s.code.str();
      if (ebike) {
        Find(finding_kind::kProhibitedUse, article::kNoEbikes, code, std::nullopt,
             Department::kMiit,
             fmt::format("waste battery {} was delivered to {}, an electric bicycle maker ({})",
                         code, to, ref_));
      } else if (!licensed) {
        Find(finding_kind::kUnlicensedDestination, article::kLicensedDestination, code,
             std::nullopt, dept,
             fmt::format("waste battery {} was delivered to {}, {} ({})", code, to,
                         receiver ? "neither a comprehensive utilization enterprise nor the owner "
                                    "of an active recycling service outlet named in the report"
                                  : "an enterprise not in the registry",
                         ref_));
      } else if (!unqualified.empty()) {
        Find(finding_kind::kUnlicensedDestination, article::kLicensedDestination, code,
             std::nullopt, dept, fmt::format("waste battery {}{}", code, unqualified));
      }
      Discharge(ReportType::kBatteryOutbound, code);
      BATTRACE_ASSIGN_OR_RETURN(b, state_.GetBattery(code));
      const bool received = b && b->status == kStatusReceived && b->custodian == to;
      if (!inbound_duty.empty() && !received) {
        Open(inbound_duty, to, code, ReportType::kBatteryInbound, occurred_,
             fmt::format("{} has not reported receiving {}, handed to it by {} on {} ({})", to,
                         code, reporter(), occurred_.ToString(), ref_));
      }
      const bool in_vehicle = b && b->vin && b->status == kStatusInstalled;
      if (in_vehicle && r.source == WasteSource::kRepair) {
        BATTRACE_ASSIGN_OR_RETURN(vin, Vin::Parse(*b->vin));
        BATTRACE_ASSIGN_OR_RETURN(v, state_.GetVehicle(vin.str()));
        const Enterprise* maker = VinMaker(vin, v);
        const bool coop = Cooperates(reporter_, maker);
        Open(coop ? duty::kReplacedByMaker : duty::kReplacedByOtherShop,
             coop ? maker->uscc.str() : reporter(), code, ReportType::kBatteryReplaced, occurred_,
             fmt::format("{} is handed on from repair by {} on {} ({}) while still recorded in "
                         "vehicle {}: its replacement was never reported",
                         code, reporter(), occurred_.ToString(), ref_, vin.str()));
      } else if (in_vehicle && r.source == WasteSource::kSwap) {
        Open(duty::kSwapped, reporter(), code, ReportType::kBatterySwapped, occurred_,
             fmt::format("{} is handed on from swapping by {} on {} ({}) while still recorded in "
                         "vehicle {}: the swap was never reported",
                         code, reporter(), occurred_.ToString(), ref_, *b->vin));
      }
    }
    return Status::Ok();
  }

  Status On(const BatteryInbound& r) {
    if (reporter_->HasRole(Role::kRecycler)) {
      Own(duty::kRecyclerInbound);
      for (const Needed& needed : kRecyclerQualifications) {
        if (Qualified(*reporter_, needed.type, occurred_)) continue;
        const std::string name(QualificationTypeName(needed.type));
        Find(finding_kind::kUnqualifiedRecycler, needed.article, name, std::nullopt,
             needed.department,
             fmt::format("{} received waste batteries on {} ({}) without a valid {}", reporter(),
                         occurred_.ToString(), ref_, name));
      }
    } else if (HasAnyRole(reporter_, {Role::kBatteryMaker, Role::kVehicleMaker})) {
      Own(duty::kOutletInbound);
    }
    const std::string& from = r.from.str();
    const Enterprise* sender = registry_.Find(from);
    if (r.outlet) {
      BATTRACE_ASSIGN_OR_RETURN(o, state_.GetOutlet(*r.outlet));
      if (!o) {
        Open(duty::kOutletRegistered, reporter(), *r.outlet, ReportType::kOutletRegistered,
             occurred_,
             fmt::format("{} received batteries at outlet {} on {} ({}), an outlet it never "
                         "registered",
                         reporter(), *r.outlet, occurred_.ToString(), ref_));
      }
    }
    // The sender's outbound duty, by the sender's role.
    std::string_view outbound_duty;  // empty: none
    if (HasAnyRole(sender, {Role::kSwapOperator})) {
      outbound_duty = duty::kSwapOutbound;
    } else if (HasAnyRole(sender, {Role::kDismantler})) {
      outbound_duty = duty::kDismantled;
    } else if (HasAnyRole(sender, {Role::kVehicleMaker})) {
      outbound_duty = duty::kVehicleMakerOutbound;
    } else if (HasAnyRole(sender, {Role::kBatteryMaker})) {
      outbound_duty = duty::kBatteryMakerOutbound;
    }
    BATTRACE_RETURN_IF_ERROR(KnownCodes(r.codes));
    for (const ScannedCode& s : r.codes) {
      const std::string& code = s.code.str();
      Discharge(ReportType::kBatteryInbound, code);
      BATTRACE_ASSIGN_OR_RETURN(b, state_.GetBattery(code));
      // A pack of a vehicle never reported scrapped, coming from a dismantler.
      if (b && b->vin && HasAnyRole(sender, {Role::kDismantler})) {
        BATTRACE_ASSIGN_OR_RETURN(v, state_.GetVehicle(*b->vin));
        if (!v || !v->scrapped_date) {
          Open(duty::kDismantled, from, *b->vin, ReportType::kVehicleScrapped, occurred_,
               fmt::format("pack {} of vehicle {} came from dismantler {} on {} ({}) but the "
                           "vehicle was never reported scrapped",
                           code, *b->vin, from, occurred_.ToString(), ref_));
        }
      }
      const bool handed = b && b->status == kStatusInTransit && IsParty(b->custodian);
      if (handed) continue;
      // Only a sender the record shows holding the battery owes its outbound.
      BATTRACE_ASSIGN_OR_RETURN(held, Held(b, from));
      if (!outbound_duty.empty() && held) {
        Open(outbound_duty, from, code, ReportType::kBatteryOutbound, occurred_,
             fmt::format("{} has not reported handing {} to {}, who received it on {} ({})", from,
                         code, reporter(), occurred_.ToString(), ref_));
      }
    }
    return Status::Ok();
  }

  Status On(const VehicleScrapped& r) {
    Own(duty::kDismantled);
    BATTRACE_RETURN_IF_ERROR(VinKnown(r.vin));
    BATTRACE_RETURN_IF_ERROR(KnownCodes(r.packs_present));
    Discharge(ReportType::kVehicleScrapped, r.vin.str());
    BATTRACE_ASSIGN_OR_RETURN(v, state_.GetVehicle(r.vin.str()));
    if (!v || v->swappable) return Status::Ok();
    std::vector<std::string> missing;
    for (const std::string& pack : v->packs) {
      const bool present = std::any_of(r.packs_present.begin(), r.packs_present.end(),
                                       [&](const ScannedCode& s) { return s.code.str() == pack; });
      if (!present) missing.push_back(pack);
    }
    if (!missing.empty()) {
      Find(finding_kind::kScrappedWithoutBattery, article::kScrappedTogether, r.vin.str(),
           std::nullopt, Department::kMofcom,
           fmt::format("vehicle {} was scrapped ({}) without its pack(s) {}: a vehicle and its "
                       "battery are scrapped together",
                       r.vin.str(), ref_, fmt::join(missing, ", ")));
    }
    return Status::Ok();
  }

  Status On(const BatteryUtilized& r) {
    Own(duty::kUtilized);
    return KnownCodes(r.codes);
  }

  Status On(const ProductOutbound&) {
    Own(duty::kProductOutbound);
    return Status::Ok();
  }

  Status On(const OutletRegistered& r) {
    Own(duty::kOutletRegistered);
    Discharge(ReportType::kOutletRegistered, r.outlet.id);
    OutletState o;
    o.id = r.outlet.id;
    o.owner = reporter();
    o.division = r.outlet.division ? r.outlet.division->code() : "";
    o.registered_at = received_;
    out_->outlets.push_back(std::move(o));
    return Status::Ok();
  }

  Status On(const OutletChanged& r) {
    Own(duty::kOutletRegistered);
    BATTRACE_ASSIGN_OR_RETURN(o, state_.GetOutlet(r.outlet.id));
    OutletState next = o.value_or(OutletState{r.outlet.id, reporter(), "", false, received_, {}});
    if (r.outlet.division) next.division = r.outlet.division->code();
    out_->outlets.push_back(std::move(next));
    return Status::Ok();
  }

  Status On(const OutletClosed& r) {
    BATTRACE_ASSIGN_OR_RETURN(o, state_.GetOutlet(r.outlet.id));
    if (!o) return Status::Ok();
    OutletState next = *o;
    next.closed = true;
    next.closed_at = received_;
    out_->outlets.push_back(std::move(next));
    return Status::Ok();
  }

  Status On(const ModelDisassemblyInfo& r) {
    Own(duty::kDisassemblyInfo);
    Discharge(ReportType::kModelDisassemblyInfo, r.vehicle_model);
    BATTRACE_ASSIGN_OR_RETURN(m, state_.GetModel(reporter(), r.vehicle_model));
    ModelState model = m.value_or(ModelState{reporter(), r.vehicle_model, std::nullopt, false});
    model.has_disassembly_info = true;
    out_->models.push_back(std::move(model));
    return Status::Ok();
  }

  // A model declaration changes no battery; the passport reads it from the store.
  Status On(const BatteryModelDeclared&) { return Status::Ok(); }

  Status On(const BatteryHealth& r) { return KnownCodes({r.code}); }

  Status On(const Correction&) { return Status::Internal("a correction is judged as its report"); }

  const Report& report_;
  const bool correcting_;
  const std::string ref_;
  const Instant received_;
  StateView& state_;
  const RegistryIndex& registry_;
  const Law& law_;
  Effects* out_;
  const Enterprise* reporter_;
  const std::vector<std::string> parties_;
  Date occurred_;
};

}  // namespace

Result<Effects> Evaluate(const Report& report, uint64_t leaf, StateView& state, const Law& law,
                         const std::optional<Original>& original) {
  Memo memo(state);
  Effects out;
  out.at = *report.reported;
  if (const auto* c = std::get_if<Correction>(&report.body)) {
    if (!original) return Status::Internal("a correction is evaluated with its original");
    const std::string ref = ReportRef(report.reporter.str(), c->corrects);
    out.retracts = ref;
    Judge judge(report, ref, original->reported, memo, law, &out, /*correcting=*/true);
    BATTRACE_RETURN_IF_ERROR(judge.Run(c->report->body, c->report->occurred));
    // The rows either report names, rebuilt with the corrected report in the original's place,
    // and the custody judgments against the records as rebuilt up to it.
    BATTRACE_ASSIGN_OR_RETURN(stored, memo.ReportAt(original->leaf));
    if (!stored) return out;  // a view without history re-projects nothing
    BATTRACE_ASSIGN_OR_RETURN(
        rebuilt, Reproject(*stored, original->leaf, InPlaceOf(*stored, *c->report), leaf, memo));
    judge.Contested(rebuilt.contests);
    out.batteries = std::move(rebuilt.batteries);
    out.vehicles = std::move(rebuilt.vehicles);
    out.battery_refs = std::move(rebuilt.battery_refs);
    out.vehicle_refs = std::move(rebuilt.vehicle_refs);
    return out;
  }
  const std::string ref = ReportRef(report.reporter.str(), report.id);
  Judge judge(report, ref, *report.reported, memo, law, &out, /*correcting=*/false);
  BATTRACE_RETURN_IF_ERROR(judge.Run(report.body, report.occurred));
  // One predicate, computed once: the batteries the report moves against their record are
  // judged (conflicting_custody) and left as they are by the projection (domain/custody.h).
  BATTRACE_ASSIGN_OR_RETURN(contests, Contests(report.reporter.str(), ref, report.body, memo));
  judge.Contested(contests);
  BATTRACE_ASSIGN_OR_RETURN(projected, Project(report, leaf, memo, std::move(contests)));
  out.batteries = std::move(projected.batteries);
  out.vehicles = std::move(projected.vehicles);
  out.battery_refs = std::move(projected.battery_refs);
  out.vehicle_refs = std::move(projected.vehicle_refs);
  return out;
}

}  // namespace battrace::domain
