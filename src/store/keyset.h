// Keyset paging of the findings and obligations lists (docs/api.md, "Pagination"): the list is
// in the order of a sort key that no two items share, and a page is the items whose key follows
// the key of the last item of the page before. Items added or withdrawn between two pages shift
// nothing: no item is shown twice, and none that stayed is skipped.
#ifndef BATTRACE_STORE_KEYSET_H_
#define BATTRACE_STORE_KEYSET_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/state.h"

namespace battrace::store {

// The orders of GET /v1/findings (`sort`): by kind (then party, subject, due), by date, or by
// date latest first (docs/findings.md, "Queries", for a finding's date).
enum class FindingSort { kKind, kDate, kDateDesc };
// The orders of GET /v1/obligations: by due date, soonest or latest first (then party, subject).
enum class DutySort { kDue, kDueDesc };
// The names of the orders, as the API's `sort` and the CLI's --sort take them, in the order of
// the enums.
inline const std::vector<std::string_view> kFindingSortNames = {"kind", "date", "-date"};
inline const std::vector<std::string_view> kDutySortNames = {"due", "-due"};

// An item's sort key, compared field by field; the last field tells apart items equal in the
// others.
using SortKey = std::vector<std::string>;

SortKey KeyOf(const domain::Finding& finding, FindingSort sort);
SortKey KeyOf(const domain::Duty& duty, DutySort sort);
// The first `fields` fields of KeyOf(item, sort), without computing the others (a finding's
// digest is the last).
SortKey KeyPrefix(const domain::Finding& finding, FindingSort sort, size_t fields);
SortKey KeyPrefix(const domain::Duty& duty, DutySort sort, size_t fields);
// The number of fields of the keys of `sort` (a cursor of another length is malformed).
size_t KeySize(FindingSort sort);
size_t KeySize(DutySort sort);
inline bool Descending(FindingSort sort) {
  return sort == FindingSort::kDateDesc;
}
inline bool Descending(DutySort sort) {
  return sort == DutySort::kDueDesc;
}

// The page size of a list when the request (or the CLI's --cursor) gives none, and the largest
// it may give.
inline constexpr size_t kDefaultPage = 100;
inline constexpr size_t kMaxPage = 1000;

// A page of a list: up to `limit` items, and `next`, the key of the last one, when more follow.
template <typename T>
struct Page {
  std::vector<T> items;
  std::optional<SortKey> next;
};

}  // namespace battrace::store

#endif  // BATTRACE_STORE_KEYSET_H_
