#include "store/derived.h"

#include <nlohmann/json.hpp>

#include "core/str_cat.h"
#include "store/columns.h"
#include "store/registry_load.h"

namespace battrace::store::common {

namespace {

// SELECT of every column as text, ordered by `order` (each NULL first).
DerivedTable Derived(std::string name, const std::vector<std::string>& columns,
                     const std::vector<std::string>& order, const std::string& from = "") {
  std::string sql = "SELECT ";
  for (size_t i = 0; i < columns.size(); ++i) {
    if (i) sql += ", ";
    sql += "CAST(" + columns[i] + " AS TEXT)";
  }
  sql += " FROM " + (from.empty() ? name + " t" : from) + " ORDER BY ";
  for (size_t i = 0; i < order.size(); ++i) {
    if (i) sql += ", ";
    sql += order[i] + " NULLS FIRST";
  }
  return {std::move(name), std::move(sql), static_cast<int>(columns.size())};
}

std::vector<std::string> Qualified(const std::string& columns, const std::string& table = "t") {
  std::vector<std::string> out;
  for (size_t at = 0; at <= columns.size();) {
    size_t end = columns.find(',', at);
    if (end == std::string::npos) end = columns.size();
    std::string name = columns.substr(at, end - at);
    name.erase(0, name.find_first_not_of(' '));
    out.push_back(StrCat(table, ".", name));
    at = end + 1;
  }
  return out;
}

std::vector<std::string> Concat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace

// The EPCIS tables (epcis_event, epcis_epc, epcis_job) are not here: captured events are kept as
// captured, derived from no report, so a replay has nothing to rebuild them from.
const std::vector<DerivedTable>& DerivedTables() {
  static const std::vector<DerivedTable> kTables = [] {
    const std::string duty =
        std::string(kDutyColumns) + ", opened_at, discharged_at, discharged_by, retracted_at";
    const std::string finding = std::string(kFindingColumns) + ", known_from, retracted_at";
    return std::vector<DerivedTable>{
        Derived("registry", Qualified("kind, key, division, record"), Qualified("kind, key")),
        Derived("registry_version", Qualified(kRegistryVersionColumns), Qualified("leaf")),
        Derived("battery", Qualified(kBatteryColumns), Qualified("code")),
        Derived("vehicle", Qualified(kVehicleColumns), Qualified("vin")),
        Derived("battery_event", Qualified("code, leaf"), Qualified("code, leaf")),
        Derived("vehicle_event", Qualified("vin, leaf"), Qualified("vin, leaf")),
        Derived("outlet", Qualified(kOutletColumns), Qualified("id")),
        Derived("model", Qualified(kModelColumns), Qualified("maker, model")),
        Derived("sale", Qualified("maker, division, article, evidence, known_from, retracted_at"),
                Qualified("maker, division")),
        Derived("correction", Qualified("original, leaf, correction"), Qualified("original, leaf")),
        Derived("obligation", Qualified(duty),
                Qualified("party, subject, kind, duty, opened_at, " + duty)),
        Derived("finding", Qualified(finding),
                Qualified("party, subject, kind, known_from, " + finding)),
        // The index from a report to the findings it is evidence of, by the finding's columns
        // (finding ids are the engine's).
        Derived(
            "finding_evidence",
            Concat(Qualified("evidence", "e"), Qualified("kind, party, subject, known_from", "f")),
            Concat(Qualified("evidence", "e"), Qualified(finding, "f")),
            "finding_evidence e JOIN finding f ON f.id = e.finding"),
    };
  }();
  return kTables;
}

const DerivedTable* FindDerivedTable(std::string_view name) {
  for (const DerivedTable& t : DerivedTables()) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

std::string CanonicalRow(const std::vector<std::optional<std::string>>& values) {
  nlohmann::json row = nlohmann::json::array();
  for (const auto& v : values) {
    row.push_back(v ? nlohmann::json(*v) : nlohmann::json(nullptr));
  }
  return row.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace battrace::store::common
