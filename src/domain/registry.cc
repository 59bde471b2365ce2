// Registry records: strict parsing through the shared field layer (strict_json.h) and the
// stored form.
#include "domain/registry.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <optional>

#include "domain/strict_json.h"

namespace battrace {
namespace {

using namespace strict_json;  // NOLINT(google-build-using-namespace): the field layer

constexpr std::array<std::string_view, 4> kQualificationNames = {"investment_filing", "eia",
                                                                 "discharge_permit", "whitelist"};
constexpr std::array<std::string_view, 6> kDepartmentNames = {"MIIT", "NDRC",   "MEE",
                                                              "MOT",  "MOFCOM", "SAMR"};
constexpr std::array<std::string_view, 2> kKinds = {"enterprise", "regulator"};
constexpr std::array<std::string_view, 1> kKindKey = {"kind"};

constexpr size_t kNameMax = 512;
constexpr size_t kIdMax = 128;

bool IsCodeChar(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
}
bool IsVinChar(char c) {
  return IsCodeChar(c) && c != 'I' && c != 'O' && c != 'Q';
}

class RegistryParser {
 public:
  RegistryParser() : r_("registry") {}

  Result<RegistryRecord> Top(element root) {
    object obj;
    const Path path;
    BATTRACE_RETURN_IF_ERROR(r_.Object(root, path, &obj));
    static constexpr std::array<Field, 1> kKindField = {{{"kind", true, Kind::kString}}};
    size_t kind = 0;
    BATTRACE_RETURN_IF_ERROR(
        r_.Fields(obj, path, kKindField, Others::kIgnore, {},
                  [&](size_t, element v, const Path& p) { return r_.Enum(v, p, kKinds, &kind); }));
    if (kind == 0) return EnterpriseRecord(obj, path);
    return RegulatorRecord(obj, path);
  }

 private:
  Result<RegistryRecord> EnterpriseRecord(object obj, const Path& path) const {
    static constexpr std::array<Field, 9> kFields = {
        {{"uscc", true, Kind::kString},
         {"name", true, Kind::kString},
         {"roles", true, Kind::kStringList},
         {"division", true, Kind::kString},
         {"manufacturer_codes", false, Kind::kStringList},
         {"wmi", false, Kind::kStringList},
         {"cooperates_with", false, Kind::kStringList},
         {"qualifications", false, Kind::kObjectList},
         {"successor_of", false, Kind::kStringList}}};
    std::optional<Uscc> uscc;
    std::string_view name;
    std::vector<Role> roles;
    std::optional<Division> division;
    std::vector<std::string> manufacturer_codes, wmi;
    std::vector<Uscc> cooperates_with, successor_of;
    std::vector<Qualification> qualifications;
    BATTRACE_RETURN_IF_ERROR(r_.Fields(
        obj, path, kFields, Others::kReject, kKindKey,
        [&](size_t i, element v, const Path& p) -> Status {
          switch (i) {
            case 0:
              return r_.Uscc(v, p, &uscc);
            case 1:
              return r_.String(v, p, Charset::kText, kNameMax, &name);
            case 2:
              return Roles(v, p, &roles);
            case 3:
              return r_.Division(v, p, &division);
            case 4:
              return ShortCodes(v, p, IsCodeChar, "3 characters 0-9 A-Z", &manufacturer_codes);
            case 5:
              return ShortCodes(v, p, IsVinChar, "3 VIN characters (no I, O, Q)", &wmi);
            case 6:
              return Usccs(v, p, &cooperates_with);
            case 7:
              return Qualifications(v, p, &qualifications);
            default:
              return Usccs(v, p, &successor_of);
          }
        }));
    return RegistryRecord(Enterprise{std::move(*uscc), std::string(name), std::move(roles),
                                     std::move(*division), std::move(manufacturer_codes),
                                     std::move(wmi), std::move(cooperates_with),
                                     std::move(qualifications), std::move(successor_of)});
  }

  Result<RegistryRecord> RegulatorRecord(object obj, const Path& path) const {
    static constexpr std::array<Field, 3> kFields = {{{"id", true, Kind::kString},
                                                      {"department", true, Kind::kString},
                                                      {"division", true, Kind::kString}}};
    std::string_view id;
    size_t department = 0;
    std::optional<Division> division;
    BATTRACE_RETURN_IF_ERROR(r_.Fields(obj, path, kFields, Others::kReject, kKindKey,
                                       [&](size_t i, element v, const Path& p) -> Status {
                                         if (i == 0) {
                                           return r_.String(v, p, Charset::kIdentifier, kIdMax,
                                                            &id);
                                         }
                                         if (i == 1) {
                                           return r_.Enum(v, p, kDepartmentNames, &department);
                                         }
                                         return r_.Division(v, p, &division);
                                       }));
    return RegistryRecord(
        Regulator{std::string(id), static_cast<Department>(department), std::move(*division)});
  }

  Status Duplicate(const Path& p, size_t index, size_t earlier) const {
    return r_.Error(p.Index(index), "duplicate",
                    fmt::format("repeats the entry at index {}", earlier));
  }

  // Registry lists are short: a linear search for repeats is enough.
  template <typename T>
  Status Distinct(const std::vector<T>& items, const Path& p) const {
    for (size_t i = 1; i < items.size(); ++i) {
      for (size_t j = 0; j < i; ++j) {
        if (items[i] == items[j]) return Duplicate(p, i, j);
      }
    }
    return Status::Ok();
  }

  Status Roles(element v, const Path& p, std::vector<Role>* out) const {
    array a;
    BATTRACE_RETURN_IF_ERROR(r_.Array(v, p, true, &a));
    std::array<std::string_view, kRoleCount> names;
    for (size_t i = 0; i < kRoleCount; ++i)
      names[i] = RoleName(static_cast<Role>(i));
    size_t n = 0;
    for (element e : a) {
      size_t index = 0;
      BATTRACE_RETURN_IF_ERROR(r_.Enum(e, p.Index(n++), names, &index));
      out->push_back(static_cast<Role>(index));
    }
    BATTRACE_RETURN_IF_ERROR(Distinct(*out, p));
    std::sort(out->begin(), out->end());
    return Status::Ok();
  }

  Status ShortCodes(element v, const Path& p, bool (*allowed)(char), std::string_view rule_text,
                    std::vector<std::string>* out) const {
    array a;
    BATTRACE_RETURN_IF_ERROR(r_.Array(v, p, false, &a));
    size_t n = 0;
    for (element e : a) {
      const Path ep = p.Index(n++);
      std::string_view s;
      BATTRACE_RETURN_IF_ERROR(r_.String(e, ep, Charset::kIdentifier, 3, &s));
      if (s.size() != 3 || !std::all_of(s.begin(), s.end(), allowed)) {
        return r_.Error(ep, "format", fmt::format("must be {}", rule_text));
      }
      out->emplace_back(s);
    }
    return Distinct(*out, p);
  }

  Status Usccs(element v, const Path& p, std::vector<Uscc>* out) const {
    array a;
    BATTRACE_RETURN_IF_ERROR(r_.Array(v, p, false, &a));
    size_t n = 0;
    for (element e : a) {
      std::optional<Uscc> uscc;
      BATTRACE_RETURN_IF_ERROR(r_.Uscc(e, p.Index(n++), &uscc));
      out->push_back(std::move(*uscc));
    }
    return Distinct(*out, p);
  }

  Status Qualifications(element v, const Path& p, std::vector<Qualification>* out) const {
    static constexpr std::array<Field, 3> kFields = {{{"type", true, Kind::kString},
                                                      {"valid_from", true, Kind::kString},
                                                      {"valid_to", true, Kind::kString}}};
    array a;
    BATTRACE_RETURN_IF_ERROR(r_.Array(v, p, false, &a));
    size_t n = 0;
    for (element e : a) {
      const Path ep = p.Index(n++);
      object o;
      BATTRACE_RETURN_IF_ERROR(r_.Object(e, ep, &o));
      size_t type = 0;
      std::optional<Date> from, to;
      BATTRACE_RETURN_IF_ERROR(r_.Fields(o, ep, kFields, Others::kReject, {},
                                         [&](size_t i, element fv, const Path& fp) -> Status {
                                           if (i == 0) {
                                             return r_.Enum(fv, fp, kQualificationNames, &type);
                                           }
                                           return r_.Date(fv, fp, i == 1 ? &from : &to);
                                         }));
      if (*to < *from) {
        return r_.Error(ep.Key("valid_to"), "range", "valid_to is before valid_from");
      }
      out->push_back(Qualification{static_cast<QualificationType>(type), *from, *to});
    }
    return Status::Ok();
  }

  strict_json::Reader r_;
};

nlohmann::json UsccsJson(const std::vector<Uscc>& usccs) {
  nlohmann::json out = nlohmann::json::array();
  for (const Uscc& u : usccs)
    out.push_back(u.str());
  return out;
}

nlohmann::json ToJson(const Enterprise& e) {
  nlohmann::json roles = nlohmann::json::array();
  for (Role r : e.roles)
    roles.push_back(RoleName(r));
  nlohmann::json qualifications = nlohmann::json::array();
  for (const Qualification& q : e.qualifications) {
    qualifications.push_back({{"type", QualificationTypeName(q.type)},
                              {"valid_from", q.valid_from.ToString()},
                              {"valid_to", q.valid_to.ToString()}});
  }
  return {{"kind", "enterprise"},
          {"uscc", e.uscc.str()},
          {"name", e.name},
          {"roles", std::move(roles)},
          {"division", e.division.code()},
          {"manufacturer_codes", e.manufacturer_codes},
          {"wmi", e.wmi},
          {"cooperates_with", UsccsJson(e.cooperates_with)},
          {"qualifications", std::move(qualifications)},
          {"successor_of", UsccsJson(e.successor_of)}};
}

nlohmann::json ToJson(const Regulator& r) {
  return {{"kind", "regulator"},
          {"id", r.id},
          {"department", DepartmentName(r.department)},
          {"division", r.division.code()}};
}

}  // namespace

bool Enterprise::HasRole(Role role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

std::string_view QualificationTypeName(QualificationType t) {
  return kQualificationNames[static_cast<size_t>(t)];
}
std::string_view DepartmentName(Department d) {
  return kDepartmentNames[static_cast<size_t>(d)];
}

Result<RegistryRecord> ParseRegistryRecord(std::string_view json) {
  strict_json::element root;
  BATTRACE_RETURN_IF_ERROR(
      strict_json::ParseDocument(json, kMaxRegistryRecordBytes, "registry", &root));
  return RegistryParser().Top(root);
}

nlohmann::json RegistryRecordToJson(const RegistryRecord& record) {
  return std::visit([](const auto& r) { return ToJson(r); }, record);
}

}  // namespace battrace
