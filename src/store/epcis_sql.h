// EPCIS events as both engines store and query them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "store/tables.h"

namespace battrace::store::common {

// EPCIS: the columns of epcis_event as both engines read and write them.
inline constexpr const char* kEpcisEventColumns = rows::kColumnsOf<tables::kEpcisEvent>;
inline constexpr const char* kEpcisJobColumns = rows::kColumnsOf<tables::kEpcisJob>;

// The statement of Store::QueryEpcis for one filter, with "$n" placeholders numbered in the
// order they first appear (as SQLite numbers them, and PostgreSQL reads them), and its
// parameters in that order. Only the filters that are set appear, so that each engine plans
// the statement for what it asks (an EPC query is driven by the epcis_epc index); its text
// depends on which filters are set and on whether a list has one value or more, never on the
// values, and the engines cache the prepared statement by it.
struct EpcisParam {
  enum class Kind { kText, kInt, kList } kind = Kind::kText;
  std::string text;
  int64_t number = 0;
  std::vector<std::string> list;
};
struct EpcisQuery {
  std::string sql;
  std::vector<EpcisParam> params;
};
// `in_list(column, placeholder)` is the engine's condition that `column` is one of the texts of
// the list bound at `placeholder`. InvalidArgument when the filter's division is not one.
Result<EpcisQuery> EpcisQuerySql(const EpcisFilter& filter,
                                 std::string (*in_list)(std::string_view column,
                                                        std::string_view placeholder));

}  // namespace battrace::store::common
