// The reads of records: batteries (their state, history and EU passport), vehicles, the
// lists of both, enterprises, outlets, disassembly information and the divisions' table.
#include "core/battery_code.h"
#include "core/division.h"
#include "core/uscc.h"
#include "core/vin.h"
#include "passport/eu.h"
#include "passport/views.h"
#include "server/params.h"
#include "server/server_internal.h"
#include "store/party.h"

namespace battrace::server {

using access::ScopedReader;

namespace {

// The key a list of batteries or vehicles resumes after (none: from the start): a cursor of
// the same list, whose key is (code) or (vin), or for a regulator (holder or maker, code or vin).
Result<store::SortKey> ListCursor(const Call& c, const std::string& list) {
  const size_t width = c.viewer.kind == access::Viewer::Kind::kRegulator ? 2 : 1;
  BATTRACE_ASSIGN_OR_RETURN(after, CursorParam(c.req, list, width));
  return after.value_or(store::SortKey{});
}

}  // namespace

Status Api::GetBattery(Call& c) {
  BATTRACE_ASSIGN_OR_RETURN(code, CodeParam(c.params));
  ScopedReader reader = Reader(c);
  BATTRACE_ASSIGN_OR_RETURN(record, reader.Battery(code));
  BATTRACE_RETURN_IF_ERROR(Audited(reader));
  Reply(c, passport::BatteryView(record, MakerName(*c.store, record.state.producer), c.lang));
  c.res.headers.emplace_back("Content-Language", std::string(LangTag(c.lang)));
  return Status::Ok();
}

Status Api::GetBatteryHistory(Call& c) {
  BATTRACE_ASSIGN_OR_RETURN(code, CodeParam(c.params));
  ScopedReader reader = Reader(c);
  BATTRACE_ASSIGN_OR_RETURN(history, reader.BatteryHistory(code));
  BATTRACE_RETURN_IF_ERROR(Audited(reader));
  BATTRACE_RETURN_IF_ERROR(store::LinkCorrections(*c.store, history));
  Json items = Json::array();
  for (const auto& r : history)
    items.push_back(passport::ReportView(r));
  Reply(c, {{"code", code}, {"history", items}});
  return Status::Ok();
}

// The EU battery passport (passport/eu.h) at the caller's Art. 77(2) access class; a regulator
// without a stated purpose gets the public class, as it gets the public view of a battery.
Status Api::GetBatteryPassport(Call& c) {
  BATTRACE_ASSIGN_OR_RETURN(code, CodeParam(c.params));
  if (!StringParam(c.req, "profile")) {
    return Status::Invalid("profile", "query.required", "profile is required (eu)");
  }
  BATTRACE_ASSIGN_OR_RETURN(profile, EnumParam(c.req, "profile", {"eu"}));
  (void)profile;
  return ReplyEuPassport(c, code);
}

Status Api::ReplyEuPassport(Call& c, const std::string& code) {
  BATTRACE_ASSIGN_OR_RETURN(
      inputs, passport::EuPassportInputsFor(*c.store, code, [&](const std::string& uscc) {
        return MakerName(*c.store, uscc);
      }));
  passport::EuAccess access = passport::EuAccessFor(c.viewer, inputs.battery);
  if (c.viewer.kind == access::Viewer::Kind::kRegulator && c.req.Header("x-purpose").empty()) {
    access = passport::EuAccess::kPublic;
  }
  if (access != passport::EuAccess::kPublic) {
    ScopedReader reader = Reader(c);
    reader.NotePassport(code, passport::EuAccessName(access));
    BATTRACE_RETURN_IF_ERROR(Audited(reader));
  }
  Reply(c, passport::EuPassport(inputs, access));
  return Status::Ok();
}

Status Api::GetVehicle(Call& c) {
  auto vin = Vin::Parse(c.params["vin"]);
  if (!vin.ok()) return vin.status().WithFieldPrefix("vin");
  ScopedReader reader = Reader(c);
  BATTRACE_ASSIGN_OR_RETURN(record, reader.Vehicle(vin->str()));
  BATTRACE_RETURN_IF_ERROR(Audited(reader));
  BATTRACE_RETURN_IF_ERROR(store::LinkCorrections(*c.store, record.history));
  Reply(c, passport::VehicleView(record));
  return Status::Ok();
}

Status Api::ListBatteries(Call& c) {
  BATTRACE_ASSIGN_OR_RETURN(after, ListCursor(c, "batteries"));
  BATTRACE_ASSIGN_OR_RETURN(limit, LimitParam(c.req));
  ScopedReader reader = Reader(c);
  BATTRACE_ASSIGN_OR_RETURN(page, reader.Batteries(after, limit));
  BATTRACE_RETURN_IF_ERROR(Audited(reader));
  // The holders' registered names, from the current registry, once each.
  std::map<std::string, std::optional<std::string>> names;
  Reply(c, store::PageJson(page, limit, "batteries", [&](const domain::BatteryState& b) {
          std::optional<std::string> name;
          if (b.custodian) {
            auto [it, fresh] = names.try_emplace(*b.custodian);
            if (fresh) {
              if (auto info = store::PartyInfoOf(*c.store, *b.custodian)) it->second = info->name;
            }
            name = it->second;
          }
          return passport::BatteryListItem(b, name);
        }));
  return Status::Ok();
}

Status Api::ListVehicles(Call& c) {
  BATTRACE_ASSIGN_OR_RETURN(after, ListCursor(c, "vehicles"));
  BATTRACE_ASSIGN_OR_RETURN(limit, LimitParam(c.req));
  ScopedReader reader = Reader(c);
  BATTRACE_ASSIGN_OR_RETURN(page, reader.Vehicles(after, limit));
  BATTRACE_RETURN_IF_ERROR(Audited(reader));
  Reply(c, store::PageJson(page, limit, "vehicles", passport::VehicleListItem));
  return Status::Ok();
}

Status Api::GetEnterprise(Call& c) {
  auto uscc = Uscc::Parse(c.params["uscc"], Strictness::kLenient);
  if (!uscc.ok()) return uscc.status().WithFieldPrefix("uscc");
  ScopedReader reader = Reader(c);
  bool full = false;
  BATTRACE_ASSIGN_OR_RETURN(row, reader.Enterprise(uscc->str(), &full));
  BATTRACE_RETURN_IF_ERROR(Audited(reader));
  Json record = Json::parse(row.record, nullptr, false);
  if (!full) {
    record = {{"kind", "enterprise"},
              {"uscc", record.value("uscc", "")},
              {"name", record.value("name", "")},
              {"roles", record.value("roles", Json::array())},
              {"division", record.value("division", "")}};
  }
  record["view"] = full ? "full" : "public";
  Reply(c, record);
  return Status::Ok();
}

Status Api::GetOutlets(Call& c) {
  BATTRACE_ASSIGN_OR_RETURN(division, DivisionParam(c.req));
  ScopedReader reader = Reader(c);
  BATTRACE_ASSIGN_OR_RETURN(outlets,
                            reader.Outlets(division.value_or(std::string(Division::kNationCode))));
  Json items = Json::array();
  for (const auto& o : outlets) {
    items.push_back({{"id", o.id},
                     {"owner", o.owner},
                     {"division", o.division},
                     {"closed", o.closed},
                     {"registered_at", FormatTimestamp(o.registered_at)}});
  }
  Reply(c, {{"items", items}});
  return Status::Ok();
}

Status Api::GetDisassemblyInfo(Call& c) {
  ScopedReader reader = Reader(c);
  BATTRACE_ASSIGN_OR_RETURN(reports, reader.DisassemblyInfo(c.params["model"]));
  BATTRACE_RETURN_IF_ERROR(Audited(reader));
  Json items = Json::array();
  for (const auto& r : reports)
    items.push_back(passport::ReportView(r));
  Reply(c, {{"vehicle_model", c.params["model"]}, {"items", items}});
  return Status::Ok();
}

Status Api::GetDivisions(Call& c) {
  auto text = StringParam(c.req, "parent");
  auto parent = Division::Parse(text.value_or(std::string(Division::kNationCode)));
  if (!parent.ok())
    return Status::Invalid("parent", parent.status().rule(), parent.status().message());
  Json items = Json::array();
  if (parent->level() != DivisionLevel::kCounty) {
    const auto level = static_cast<DivisionLevel>(static_cast<int>(parent->level()) + 1);
    for (const Division& d : Division::All(level)) {
      if (parent->Contains(d.code())) items.push_back({{"code", d.code()}, {"name", d.name()}});
    }
  }
  Reply(c, {{"parent", parent->code()}, {"name", parent->name()}, {"items", items}});
  return Status::Ok();
}

}  // namespace battrace::server
