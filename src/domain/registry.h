// Registry records: the enterprises and regulators the platform knows (`battrace registry
// import`, one JSON object per line; docs/report-format.md, "Registry records").
//
// An Enterprise is identified by its USCC and holds one or more roles; its manufacturer codes
// (battery code positions 1-3) and WMIs (VIN positions 1-3) tie codes to makers; its
// qualifications decide whether a recycler may receive waste batteries on a date. A Regulator
// is a department bound to a division ("000000" for a national one).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/date.h"
#include "core/division.h"
#include "core/status.h"
#include "core/uscc.h"
#include "domain/role.h"

namespace battrace {

enum class QualificationType { kInvestmentFiling, kEia, kDischargePermit, kWhitelist };

// A qualification valid on every day from valid_from to valid_to, both included.
struct Qualification {
  QualificationType type;
  Date valid_from;
  Date valid_to;  // >= valid_from

  bool ValidOn(Date d) const { return valid_from <= d && d <= valid_to; }
};

struct Enterprise {
  Uscc uscc;
  std::string name;
  std::vector<Role> roles;  // at least one, distinct, in enum order
  Division division;
  std::vector<std::string> manufacturer_codes;  // distinct, each [0-9A-Z]{3}
  std::vector<std::string> wmi;                 // distinct, each 3 VIN characters
  std::vector<Uscc> cooperates_with;            // distinct; a repair shop's vehicle makers
  std::vector<Qualification> qualifications;
  std::vector<Uscc> successor_of;  // distinct; enterprises whose duties passed to this one

  bool HasRole(Role role) const;
};

enum class Department { kMiit, kNdrc, kMee, kMot, kMofcom, kSamr };

struct Regulator {
  std::string id;  // 1-128 visible ASCII characters
  Department department;
  Division division;  // its jurisdiction; "000000" is national
};

using RegistryRecord = std::variant<Enterprise, Regulator>;

// Wire names: "investment_filing", ...; "MIIT", ...
std::string_view QualificationTypeName(QualificationType t);
std::string_view DepartmentName(Department d);

// The largest registry record ParseRegistryRecord accepts.
inline constexpr size_t kMaxRegistryRecordBytes = size_t{1} << 20;

// Parses one registry record strictly, like ParseReport: the Status's field is the JSON pointer
// of the offending value, its rule "registry.<what>" or the identifier checker's rule
// ("uscc.check_character", "division.unknown", ...). The lists of an enterprise are optional
// (absent = empty); kind, uscc, name, roles and division are required; every field of a
// regulator is required.
Result<RegistryRecord> ParseRegistryRecord(std::string_view json);

// The stored form: every field, lists included when empty, normalized identifiers.
// ParseRegistryRecord(dump) gives back an equal record.
nlohmann::json RegistryRecordToJson(const RegistryRecord& record);

}  // namespace battrace
