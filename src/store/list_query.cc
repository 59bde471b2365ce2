#include "store/list_query.h"

#include "store/columns.h"

namespace battrace::store::common {

namespace {

// The two lists differ only in their table, key and owner columns.
std::string ListSql(const ListScope& scope, const char* columns, const char* table, const char* key,
                    const char* owner, const char* second_owner) {
  const std::string cols = columns, t = table, k = key, o = owner;
  if (scope.division) {
    // Along the registry's primary key (kind, key) from the key after, and each owner's rows
    // along the (owner, key) index: both in the list's order, so nothing is sorted.
    return "SELECT " + cols + " FROM registry r JOIN " + t + " ON " + t + "." + o +
           " = r.key WHERE r.kind = 'enterprise' AND r.division >= $1 AND r.division < $2 "
           "AND r.key >= $3 AND (r.key > $3 OR " +
           t + "." + k + " > $4) ORDER BY r.key, " + t + "." + k + " LIMIT $5";
  }
  if (scope.party) {
    // One ordered range per owner column, merged: at most 2 * limit rows are sorted.
    std::string sub = "SELECT " + k + " FROM (SELECT " + k + " FROM " + t + " WHERE " + o +
                      " = $1 AND " + k + " > $2 ORDER BY " + k + " LIMIT $3) AS own";
    if (second_owner != nullptr) {
      sub += " UNION ALL SELECT " + k + " FROM (SELECT " + k + " FROM " + t + " WHERE " +
             second_owner + " = $1 AND " + k + " > $2 ORDER BY " + k + " LIMIT $3) AS made";
    }
    return "SELECT " + cols + " FROM " + t + " WHERE " + k + " IN (" + sub + ") ORDER BY " + k +
           " LIMIT $3";
  }
  return "SELECT " + cols + " FROM " + t + " WHERE " + k + " > $1 ORDER BY " + k + " LIMIT $2";
}

}  // namespace

std::string ListBatteriesSql(const ListScope& scope) {
  return ListSql(scope, kBatteryColumns, "battery", "code", "custodian", "producer");
}

std::string ListVehiclesSql(const ListScope& scope) {
  return ListSql(scope, kVehicleColumns, "vehicle", "vin", "maker", nullptr);
}

Result<std::vector<std::string>> ListParams(const ListScope& scope,
                                            const std::vector<std::string>& after) {
  std::vector<std::string> out;
  if (scope.division) {
    // Division codes are digits, so the codes starting with a prefix p are those in [p, p + ":").
    BATTRACE_ASSIGN_OR_RETURN(within, Division::Parse(*scope.division));
    out.push_back(within.prefix());
    out.push_back(within.prefix() + ":");
  } else if (scope.party) {
    out.push_back(*scope.party);
  }
  for (size_t i = 0; i < ListKeyWidth(scope); ++i)
    out.push_back(i < after.size() ? after[i] : "");
  return out;
}

}  // namespace battrace::store::common
